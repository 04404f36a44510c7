/* player.c: Minecraft Java movement for the player (LivingEntity.travel order: input ->
 * jump -> accelerate -> move with collision -> gravity and drag -> friction), camera and the
 * crosshair ray (Amanatides-Woo DDA over the block grid). */
#include "sim/player.h"

#include <math.h>
#include <string.h>

#include "sim/physics.h"
#include "sim/world_internal.h"

#define DEG2RAD 0.017453292519943295

const int FACE_NORMAL[FACE_COUNT][3] = {{0, -1, 0}, {0, 1, 0},  {0, 0, -1},
                                        {0, 0, 1},  {-1, 0, 0}, {1, 0, 0}};
static const char *const FACE_NAMES[FACE_COUNT] = {"down", "up", "north", "south", "west", "east"};

const char *face_name(BlockFace f) { return (unsigned)f < FACE_COUNT ? FACE_NAMES[f] : "?"; }

void player_spawn(Player *p, double x, double y, double z, float yaw, float pitch) {
    Inventory inv = p->inventory;
    memset(p, 0, sizeof *p);
    p->inventory = inv;
    p->x = x;
    p->y = y;
    p->z = z;
    p->yaw = yaw;
    p->pitch = pitch;
    p->health = PLAYER_MAX_HEALTH;
    p->food = PLAYER_MAX_FOOD;
    p->saturation = 5.0f;
    p->air = PLAYER_MAX_AIR;
}

void player_turn(Player *p, float mouse_dx, float mouse_dy) {
    float yaw = p->yaw + mouse_dx * 0.15f;
    while (yaw >= 180.0f) yaw -= 360.0f;
    while (yaw < -180.0f) yaw += 360.0f;
    float pitch = p->pitch + mouse_dy * 0.15f;
    if (pitch > 90.0f) pitch = 90.0f;
    if (pitch < -90.0f) pitch = -90.0f;
    p->yaw = yaw;
    p->pitch = pitch;
}

void player_look_dir(const Player *p, double dir[3]) {
    double yaw = p->yaw * DEG2RAD, pitch = p->pitch * DEG2RAD;
    dir[0] = -sin(yaw) * cos(pitch);
    dir[1] = -sin(pitch);
    dir[2] = cos(yaw) * cos(pitch);
}

/* Minecraft's moveRelative: input scaled so that diagonals are not faster. */
static void accelerate(Player *p, double strafe, double forward, double accel) {
    double f = strafe * strafe + forward * forward;
    if (f < 1e-4) return;
    f = sqrt(f);
    if (f < 1.0) f = 1.0;
    f = accel / f;
    strafe *= f;
    forward *= f;
    double s = sin(p->yaw * DEG2RAD), c = cos(p->yaw * DEG2RAD);
    p->vx += strafe * c - forward * s;
    p->vz += forward * c + strafe * s;
}

/* Sneaking on the ground never walks off an edge: shrink the step while the box moved by it
 * would have nothing under it (Minecraft steps in 0.05). */
static void sneak_edge_clamp(const Player *p, const World *w, double *dx, double *dz) {
    const double hw = PLAYER_HALF_WIDTH, st = 0.05;
#define NO_FLOOR(ox, oz)                                                                           \
    (!phys_box_collides(w, p->x + (ox)-hw, p->y - 1.0, p->z + (oz)-hw, p->x + (ox) + hw,           \
                        p->y + PLAYER_HEIGHT - 1.0, p->z + (oz) + hw))
    while (*dx != 0.0 && NO_FLOOR(*dx, 0.0)) {
        if (*dx < st && *dx >= -st)
            *dx = 0.0;
        else
            *dx += *dx > 0 ? -st : st;
    }
    while (*dz != 0.0 && NO_FLOOR(0.0, *dz)) {
        if (*dz < st && *dz >= -st)
            *dz = 0.0;
        else
            *dz += *dz > 0 ? -st : st;
    }
    while (*dx != 0.0 && *dz != 0.0 && NO_FLOOR(*dx, *dz)) {
        if (*dx < st && *dx >= -st)
            *dx = 0.0;
        else
            *dx += *dx > 0 ? -st : st;
        if (*dz < st && *dz >= -st)
            *dz = 0.0;
        else
            *dz += *dz > 0 ? -st : st;
    }
#undef NO_FLOOR
}

static int water_check(const Player *p, const World *w) {
    /* Minecraft: the box shrunk 0.4 at the top and bottom and 0.001 at the sides */
    const double hw = PLAYER_HALF_WIDTH - 0.001;
    return phys_box_in_liquid(w, p->x - hw, p->y + 0.4, p->z - hw, p->x + hw,
                              p->y + PLAYER_HEIGHT - 0.4, p->z + hw);
}

/* Input, jump and acceleration (before the move). */
static void player_accelerate(Player *p, const World *w, const PlayerInput *in) {
    double forward = in->forward * PHYS_INPUT_SCALE, strafe = in->strafe * PHYS_INPUT_SCALE;
    p->sneaking = in->sneak;
    if (in->sneak) {
        forward *= PHYS_SNEAK_FACTOR;
        strafe *= PHYS_SNEAK_FACTOR;
    }
    p->sprinting = in->sprint && in->forward > 0 && !in->sneak && p->food > 6 && !p->collided_h;
    p->in_water = water_check(p, w);
    if (in->jump) {
        if (p->in_water) {
            p->vy += PHYS_WATER_SWIM_UP;
        } else if (p->on_ground) {
            p->vy = PHYS_JUMP_VELOCITY;
            if (p->sprinting) {
                p->vx -= sin(p->yaw * DEG2RAD) * PHYS_SPRINT_JUMP_BOOST;
                p->vz += cos(p->yaw * DEG2RAD) * PHYS_SPRINT_JUMP_BOOST;
            }
        }
    }
    double accel;
    if (p->in_water) {
        accel = PHYS_WATER_ACCEL;
    } else if (p->on_ground) {
        double speed = PHYS_WALK_SPEED * (p->sprinting ? PHYS_SPRINT_FACTOR : 1.0);
        double f3 = PHYS_GROUND_FRICTION * PHYS_GROUND_FRICTION * PHYS_GROUND_FRICTION;
        accel = speed * (0.16277136 / f3);
    } else {
        accel = p->sprinting ? PHYS_AIR_ACCEL_SPRINT : PHYS_AIR_ACCEL;
    }
    accelerate(p, strafe, forward, accel);
}

/* Fall distance bookkeeping after a move of dy; returns the damage on landing. */
static float player_fall(Player *p, double dy) {
    float damage = 0.0f;
    if (p->in_water) {
        p->fall_distance = 0;
    } else if (p->on_ground) {
        if (p->fall_distance > 3.0f) damage = ceilf(p->fall_distance - 3.0f);
        p->fall_distance = 0;
    } else if (dy < 0) {
        p->fall_distance -= (float)dy;
    }
    return damage;
}

/* Gravity, drag and friction after the move (y_before: feet before the move). */
static void player_drag(Player *p, const World *w, double y_before) {
    if (p->in_water) {
        p->vx *= PHYS_WATER_DRAG;
        p->vy = p->vy * PHYS_WATER_DRAG - PHYS_WATER_GRAVITY;
        p->vz *= PHYS_WATER_DRAG;
        /* swimming against a ledge whose top is free: Minecraft lifts the player out (0.3) */
        if (p->collided_h) {
            const double hw = PLAYER_HALF_WIDTH;
            double ox = p->x + p->vx, oy = y_before + p->vy + 0.6, oz = p->z + p->vz;
            if (!phys_box_collides(w, ox - hw, oy, oz - hw, ox + hw, oy + PLAYER_HEIGHT, oz + hw) &&
                !phys_box_in_liquid(w, ox - hw, oy, oz - hw, ox + hw, oy + PLAYER_HEIGHT, oz + hw))
                p->vy = PHYS_WATER_LEDGE_LIFT;
        }
    } else {
        double fr = p->on_ground ? PHYS_GROUND_FRICTION : PHYS_AIR_FRICTION;
        p->vy = (p->vy - PHYS_GRAVITY) * PHYS_DRAG_Y;
        p->vx *= fr;
        p->vz *= fr;
    }
    /* Minecraft zeroes tiny velocities (below 0.003) so bodies come to rest exactly */
    if (fabs(p->vx) < 0.003) p->vx = 0;
    if (fabs(p->vz) < 0.003) p->vz = 0;
}

float player_move(Player *p, const World *w, const PlayerInput *in) {
    player_accelerate(p, w, in);
    double d[3] = {p->vx, p->vy, p->vz};
    if (p->sneaking && p->on_ground) sneak_edge_clamp(p, w, &d[0], &d[2]);
    double pos[3] = {p->x, p->y, p->z}, y_before = p->y;
    MoveResult mr;
    phys_move(w, pos, PLAYER_HALF_WIDTH, PLAYER_HEIGHT, d, &mr);
    p->x = pos[0];
    p->y = pos[1];
    p->z = pos[2];
    if (mr.hit_x) p->vx = 0;
    if (mr.hit_z) p->vz = 0;
    if (mr.hit_y) p->vy = 0;
    p->collided_h = mr.hit_x || mr.hit_z;
    p->on_ground = mr.on_ground;
    float damage = player_fall(p, d[1]);
    player_drag(p, w, y_before);
    return damage;
}

int player_raycast(const Player *p, const World *w, double reach, int *ox, int *oy, int *oz,
                   int *oface) {
    double dir[3];
    player_look_dir(p, dir);
    double o[3] = {p->x, p->y + PLAYER_EYE, p->z};
    int c[3], step[3];
    double tmax[3], tdelta[3];
    for (int a = 0; a < 3; a++) {
        c[a] = (int)floor(o[a]);
        if (dir[a] > 1e-12) {
            step[a] = 1;
            tdelta[a] = 1.0 / dir[a];
            tmax[a] = (c[a] + 1 - o[a]) / dir[a];
        } else if (dir[a] < -1e-12) {
            step[a] = -1;
            tdelta[a] = -1.0 / dir[a];
            tmax[a] = (o[a] - c[a]) / -dir[a];
        } else {
            step[a] = 0;
            tdelta[a] = tmax[a] = 1e30;
        }
    }
    static const int ENTER_FACE[3][2] = {
        {FACE_EAST, FACE_WEST}, {FACE_UP, FACE_DOWN}, {FACE_SOUTH, FACE_NORTH}};
    int face = FACE_UP;
    double t = 0;
    while (t <= reach) {
        uint8_t b = world_block_fast(w, c[0], c[1], c[2]);
        if (BLOCK_TABLE[b].flags & BLOCK_FLAG_TARGETABLE) {
            *ox = c[0];
            *oy = c[1];
            *oz = c[2];
            *oface = face;
            return 1;
        }
        int a = tmax[0] < tmax[1] ? (tmax[0] < tmax[2] ? 0 : 2) : (tmax[1] < tmax[2] ? 1 : 2);
        t = tmax[a];
        tmax[a] += tdelta[a];
        c[a] += step[a];
        face = ENTER_FACE[a][step[a] > 0];
    }
    return 0;
}

int player_overlaps_block(const Player *p, int x, int y, int z) {
    const double hw = PLAYER_HALF_WIDTH;
    return p->x - hw < x + 1 && p->x + hw > x && p->y < y + 1 && p->y + PLAYER_HEIGHT > y &&
           p->z - hw < z + 1 && p->z + hw > z;
}
