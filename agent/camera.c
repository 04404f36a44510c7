/* camera.c: human-like mouse motion toward a camera target (see camera.h). */
#include "agent/camera.h"

#include <math.h>
#include <string.h>

#include "sim/action.h"

#define CAM_PI 3.14159265358979323846

float camera_angle_diff(float a, float b) {
    float d = fmodf(a - b, 360.0f);
    if (d < -180.0f) d += 360.0f;
    if (d >= 180.0f) d -= 360.0f;
    return d;
}

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

void camera_init(CameraCtl *c, const SkillLevel *skill) {
    memset(c, 0, sizeof *c);
    c->skill = *skill;
}

void camera_release(CameraCtl *c) {
    c->has_target = 0;
    c->vel_yaw = c->vel_pitch = 0.0f;
    c->carry_x = c->carry_y = 0.0f;
    c->overshooting = 0;
    c->delay = 0;
}

void camera_look_angles(double ex, double ey, double ez, double tx, double ty, double tz,
                        float *yaw, float *pitch) {
    double dx = tx - ex, dy = ty - ey, dz = tz - ez;
    double horiz = sqrt(dx * dx + dz * dz);
    /* yaw 0 faces +z, 90 faces -x: forward = (-sin yaw, cos yaw). */
    *yaw = (float)(atan2(-dx, dz) * 180.0 / CAM_PI);
    *pitch = (float)(-atan2(dy, horiz) * 180.0 / CAM_PI);
}

void camera_set_target(CameraCtl *c, float cur_yaw, float cur_pitch, float yaw, float pitch,
                       Rng *rng) {
    pitch = clampf(pitch, -89.0f, 89.0f);
    float jump = c->has_target
                     ? fabsf(camera_angle_diff(yaw, c->target_yaw)) + fabsf(pitch - c->target_pitch)
                     : 1e9f;
    c->target_yaw = yaw;
    c->target_pitch = pitch;
    if (jump <= 3.0f) {
        /* Tracking a slowly moving target: keep the motion going. */
        if (!c->overshooting) {
            c->aim_yaw = yaw;
            c->aim_pitch = pitch;
        }
        c->has_target = 1;
        return;
    }
    c->has_target = 1;
    /* A new stimulus: react after a delay, then flick past it by a drawn fraction. */
    int r = c->skill.reaction_ticks;
    c->delay = r / 2 + (int)rng_below(rng, (uint32_t)(r + 1));
    float ey = camera_angle_diff(yaw, cur_yaw), ep = pitch - cur_pitch;
    float dist = sqrtf(ey * ey + ep * ep);
    float frac = c->skill.overshoot * (0.5f + rng_float(rng));
    if (dist > 8.0f && frac > 0.01f) {
        c->aim_yaw = yaw + ey * frac;
        c->aim_pitch = clampf(pitch + ep * frac, -89.0f, 89.0f);
        c->overshooting = 1;
    } else {
        c->aim_yaw = yaw;
        c->aim_pitch = pitch;
        c->overshooting = 0;
    }
}

int camera_on_target(const CameraCtl *c, float cur_yaw, float cur_pitch, float tol) {
    if (!c->has_target) return 1;
    return fabsf(camera_angle_diff(c->target_yaw, cur_yaw)) <= tol &&
           fabsf(c->target_pitch - cur_pitch) <= tol;
}

/* Velocity update toward the aim point: a bell-shaped speed profile (accelerate, cruise,
 * decelerate so as to stop at the aim point). */
static void camera_update_velocity(CameraCtl *c, float ey, float ep, Rng *rng) {
    const SkillLevel *s = &c->skill;
    float dist = sqrtf(ey * ey + ep * ep);
    float v_des = sqrtf(2.0f * s->accel_deg * dist) * 0.85f;
    if (v_des > s->max_turn_deg) v_des = s->max_turn_deg;
    if (v_des > dist) v_des = dist;
    float ux = dist > 1e-6f ? ey / dist : 0.0f, uy = dist > 1e-6f ? ep / dist : 0.0f;
    float wx = ux * v_des - c->vel_yaw, wy = uy * v_des - c->vel_pitch;
    float dv = sqrtf(wx * wx + wy * wy);
    /* Braking is quicker than accelerating. */
    float limit = s->accel_deg * 2.0f;
    if (dv > limit) {
        wx *= limit / dv;
        wy *= limit / dv;
    }
    c->vel_yaw += wx;
    c->vel_pitch += wy;
    float speed = sqrtf(c->vel_yaw * c->vel_yaw + c->vel_pitch * c->vel_pitch);
    float noise = s->aim_noise_deg * clampf(speed / s->max_turn_deg, 0.1f, 1.0f);
    c->vel_yaw += noise * (float)rng_normal(rng);
    c->vel_pitch += 0.6f * noise * (float)rng_normal(rng);
}

void camera_step(CameraCtl *c, float cur_yaw, float cur_pitch, Rng *rng, float *dx, float *dy) {
    *dx = *dy = 0.0f;
    if (!c->has_target) return;
    if (c->delay > 0) {
        c->delay--;
        c->vel_yaw *= 0.5f;
        c->vel_pitch *= 0.5f;
    } else {
        float ey = camera_angle_diff(c->aim_yaw, cur_yaw), ep = c->aim_pitch - cur_pitch;
        float dist = sqrtf(ey * ey + ep * ep);
        if (c->overshooting && dist < 1.0f + c->skill.aim_noise_deg) {
            /* Reached the overshoot point: notice, pause briefly, correct toward the target. */
            c->overshooting = 0;
            c->aim_yaw = c->target_yaw;
            c->aim_pitch = c->target_pitch;
            c->delay = 1 + (int)rng_below(rng, (uint32_t)(c->skill.reaction_ticks / 2 + 1));
            c->vel_yaw = c->vel_pitch = 0.0f;
        } else if (!c->overshooting && dist < 0.6f * ACTION_DEGREES_PER_COUNT) {
            c->vel_yaw = c->vel_pitch = 0.0f;
            c->carry_x = c->carry_y = 0.0f;
            return;
        } else {
            camera_update_velocity(c, ey, ep, rng);
        }
    }
    float cx = c->carry_x + c->vel_yaw / ACTION_DEGREES_PER_COUNT;
    float cy = c->carry_y + c->vel_pitch / ACTION_DEGREES_PER_COUNT;
    float rx = roundf(cx), ry = roundf(cy);
    /* Never push pitch past the clamp: the counts would be lost anyway. */
    c->carry_x = cx - rx;
    c->carry_y = cy - ry;
    *dx = rx;
    *dy = ry;
}
