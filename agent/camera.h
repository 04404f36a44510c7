/* camera.h: human-like camera control through mouse counts.
 *
 * Given the current camera (yaw, pitch in degrees, DESIGN.md coordinates) and a target, the
 * controller outputs whole mouse counts per tick (0.15 degrees each) the way a person moves a
 * mouse: it waits a reaction delay after the target changes, accelerates smoothly up to a top
 * speed, decelerates near the goal, overshoots the first aim point by a drawn fraction and
 * corrects back, with small noise while moving. Fractional counts are carried to the next
 * tick so no motion is lost to rounding. All randomness comes from the Rng passed in.
 * Invariants: outputs are integers; |dx|, |dy| <= max_turn_deg / 0.15 + 1. */
#ifndef AGENT_CAMERA_H
#define AGENT_CAMERA_H

#include "agent/persona.h"
#include "core/rng.h"

typedef struct CameraCtl {
    SkillLevel skill;
    float target_yaw, target_pitch; /* where the player means to look */
    float aim_yaw, aim_pitch;       /* current aim point (target + overshoot, then target) */
    float vel_yaw, vel_pitch;       /* current angular speed, degrees per tick */
    float carry_x, carry_y;         /* fractional counts not yet sent */
    int delay;                      /* ticks left before reacting to the new target */
    int has_target;
    int overshooting; /* 1 while heading for the overshoot point */
} CameraCtl;

void camera_init(CameraCtl *c, const SkillLevel *skill);
/* Sets a target. A target far (> 3 degrees) from the previous one counts as a new stimulus:
 * reaction delay and an overshoot are drawn. Small retargets (tracking) just move the aim. */
void camera_set_target(CameraCtl *c, float cur_yaw, float cur_pitch, float yaw, float pitch,
                       Rng *rng);
/* Look at a point from an eye position (helper computing yaw/pitch, DESIGN.md convention). */
void camera_look_angles(double ex, double ey, double ez, double tx, double ty, double tz,
                        float *yaw, float *pitch);
/* One tick: mouse counts to send (dx right, dy down). */
void camera_step(CameraCtl *c, float cur_yaw, float cur_pitch, Rng *rng, float *dx, float *dy);
/* Hold still (stop any motion; the target is forgotten). */
void camera_release(CameraCtl *c);
/* 1 when the camera is within tol degrees of the target on both axes. */
int camera_on_target(const CameraCtl *c, float cur_yaw, float cur_pitch, float tol);

/* Signed smallest difference a - b of two angles in degrees, in [-180, 180). */
float camera_angle_diff(float a, float b);

#endif
