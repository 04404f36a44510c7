/* player.h: the player's state and Minecraft Java movement rules.
 *
 * Units: blocks and ticks (1/20 s); velocity in blocks/tick. Position is the center of the
 * feet (bottom face of the 0.6 x 1.8 box); the eye is 1.62 above it. Yaw 0 faces +z and grows
 * clockwise seen from above (90 faces -x); pitch +90 looks straight down. */
#ifndef SIM_PLAYER_H
#define SIM_PLAYER_H

#include <stdint.h>

#include "sim/inventory.h"
#include "sim/world.h"

#define PLAYER_HALF_WIDTH 0.3
#define PLAYER_HEIGHT 1.8
#define PLAYER_EYE 1.62
#define PLAYER_REACH 4.5
#define PLAYER_MAX_HEALTH 20.0f
#define PLAYER_MAX_FOOD 20
#define PLAYER_MAX_AIR 300

/* Movement constants (Minecraft Java). */
#define PHYS_GRAVITY 0.08
#define PHYS_DRAG_Y 0.98
#define PHYS_JUMP_VELOCITY 0.42
#define PHYS_WALK_SPEED 0.1        /* movement attribute; steady walk = 4.317 m/s */
#define PHYS_SPRINT_FACTOR 1.3     /* sprint 5.612 m/s */
#define PHYS_SNEAK_FACTOR 0.3      /* sneak 1.295 m/s */
#define PHYS_INPUT_SCALE 0.98      /* movement input is scaled by 0.98 */
#define PHYS_GROUND_FRICTION 0.546 /* 0.6 slipperiness * 0.91 */
#define PHYS_AIR_FRICTION 0.91
#define PHYS_AIR_ACCEL 0.02
#define PHYS_AIR_ACCEL_SPRINT 0.026
#define PHYS_SPRINT_JUMP_BOOST 0.2
#define PHYS_WATER_ACCEL 0.02
#define PHYS_WATER_DRAG 0.8
#define PHYS_WATER_GRAVITY 0.02
#define PHYS_WATER_SWIM_UP 0.04
#define PHYS_WATER_LEDGE_LIFT 0.3 /* vy when swimming into a ledge with room above */

/* Block faces in Minecraft's Direction order. */
typedef enum BlockFace {
    FACE_DOWN = 0, /* -y */
    FACE_UP,       /* +y */
    FACE_NORTH,    /* -z */
    FACE_SOUTH,    /* +z */
    FACE_WEST,     /* -x */
    FACE_EAST,     /* +x */
    FACE_COUNT
} BlockFace;

extern const int FACE_NORMAL[FACE_COUNT][3];
const char *face_name(BlockFace f); /* "down", "up", "north", ... */

typedef struct PlayerTarget {
    int has_target;
    int x, y, z;          /* the targeted block */
    int face;             /* BlockFace the ray entered through */
    float break_progress; /* 0..1 while attack is held on it */
    int break_ticks;      /* ticks of attack on this block so far */
} PlayerTarget;

typedef struct Player {
    double x, y, z;    /* feet */
    double vx, vy, vz; /* blocks / tick */
    float yaw, pitch;  /* degrees */
    int on_ground, in_water;
    int sneaking, sprinting;
    int collided_h; /* hit a wall this tick */
    float health;   /* 0..20 (half hearts) */
    int food;       /* 0..20 */
    float saturation, exhaustion;
    int air; /* 0..300 ticks of breath */
    float fall_distance;
    int use_cooldown; /* ticks before `use` held repeats (4 like Minecraft) */
    int mine_delay;   /* ticks before the next block starts breaking (5 after a break) */
    Inventory inventory;
    PlayerTarget target;
} Player;

typedef struct PlayerInput {
    float forward; /* -1..1 (W - S) */
    float strafe;  /* -1..1 (A - D: left is +) */
    int jump, sneak, sprint;
} PlayerInput;

/* Resets the player to full health at (x, y, z) with the given view. Inventory untouched. */
void player_spawn(Player *p, double x, double y, double z, float yaw, float pitch);
/* Camera from mouse counts: yaw += dx * 0.15, pitch += dy * 0.15 clamped to [-90, 90]; yaw is
 * kept in [-180, 180). */
void player_turn(Player *p, float mouse_dx, float mouse_dy);
/* One tick of movement (jump, acceleration, collision, gravity, friction, water). Returns the
 * fall damage (half hearts) taken on landing this tick, 0 otherwise. */
float player_move(Player *p, const World *w, const PlayerInput *in);
/* Unit view vector from yaw/pitch. */
void player_look_dir(const Player *p, double dir[3]);
/* Ray from the eye along the view, up to `reach`: first targetable block and the face entered.
 * Returns 1 and fills x,y,z,face when found. */
int player_raycast(const Player *p, const World *w, double reach, int *x, int *y, int *z,
                   int *face);
/* 1 if the player's box overlaps the unit cube at (x, y, z). */
int player_overlaps_block(const Player *p, int x, int y, int z);

#endif
