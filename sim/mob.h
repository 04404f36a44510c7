/* mob.h: animals (pig, cow, sheep) and zombies: spawning, wandering, fleeing, chasing,
 * knockback, damage, death drops. Mobs use the player's physics constants (gravity 0.08,
 * drag 0.98, ground friction 0.546, jump 0.42, swept AABB collision against solid blocks).
 *
 * Spawning (every 40 ticks): animals on grass with sky light >= 9 in loaded chunks, 8 or more
 * blocks from the player, up to MOB_PASSIVE_CAP; zombies at night (time of day 13000..23000) on
 * solid ground with no block light, 24 or more blocks away, up to MOB_HOSTILE_CAP. A mob whose
 * chunk unloads is removed; zombies burn (1 HP a second) in daylight under open sky.
 * Behaviour: animals idle or wander in random directions, flee for 5 s when hit; zombies
 * notice the player within 24 blocks, follow it up to 40 blocks away and hit for 3 HP once a second
 * when within reach. Mobs beyond MOB_ACTIVE_RADIUS of the player are frozen (no AI, no physics).
 * Every random draw takes the table's Rng, so mobs are deterministic.
 *
 * Invariants: mobs[0..n) are alive (removal swaps the last one in); health > 0. */
#ifndef SIM_MOB_H
#define SIM_MOB_H

#include <stdint.h>

#include "core/rng.h"
#include "sim/item.h"

#define MOB_MAX 32
#define MOB_PASSIVE_CAP 8
#define MOB_HOSTILE_CAP 4
#define MOB_HURT_TICKS 10 /* invulnerable and drawn red after a hit */
/* Mobs farther than this (blocks, horizontally) from the player stand still: a simulation
 * distance like Minecraft's, smaller than the loaded area, which keeps env_step fast. */
#define MOB_ACTIVE_RADIUS 48.0
#define MOB_NOTICE_RADIUS 24.0 /* zombies start chasing */
#define MOB_FOLLOW_RADIUS 40.0 /* and give up beyond */

typedef enum MobType { MOB_PIG = 0, MOB_COW, MOB_SHEEP, MOB_ZOMBIE, MOB_TYPE_COUNT } MobType;

typedef struct Mob {
    MobType type;
    double x, y, z;    /* feet, centre of the AABB bottom */
    double vx, vy, vz; /* blocks per tick */
    float yaw;         /* degrees, Minecraft convention (0 faces +z) */
    float health;
    int hurt_timer; /* ticks left of the hurt flash / invulnerability */
    int on_ground;
    int in_water;
    int ai_timer;       /* ticks left in the current wander/idle state */
    int walking;        /* wandering this state */
    float dir_x, dir_z; /* wander direction (unit vector) */
    int flee_timer;     /* ticks left fleeing */
    int attack_cooldown;
    int chasing; /* zombie: following the player */
    float flee_from_x, flee_from_z;
    uint32_t id; /* unique per episode (for renderers' interpolation) */
} Mob;

typedef struct MobTable {
    Mob mobs[MOB_MAX];
    int n;
    uint32_t next_id;
    uint32_t ticks;
    Rng rng;
} MobTable;

typedef struct World World;

/* What the mobs see of the rest of the game this tick. */
typedef struct MobView {
    const World *world;
    double px, py, pz; /* player feet */
    int player_alive;
    int time_of_day; /* 0..23999 */
    int spawn_passive, spawn_hostile;
} MobView;

#define MOB_MAX_DROPS 16

/* What the mobs did this tick. */
typedef struct MobTickOut {
    float damage_to_player;  /* zombie hits */
    double knock_x, knock_z; /* knockback to apply to the player (blocks/tick) */
    int n_drops;
    ItemStack drops[MOB_MAX_DROPS];
    double drop_pos[MOB_MAX_DROPS][3];
    int killed[MOB_TYPE_COUNT];
} MobTickOut;

typedef struct MobTypeInfo {
    const char *name; /* "pig" */
    float max_health;
    float width, height; /* AABB */
    float walk_speed;    /* blocks per tick */
    ItemId drop;         /* raw meat (ITEM_NONE for zombies) */
    int drop_min, drop_max;
} MobTypeInfo;

const MobTypeInfo *mob_type_info(MobType t);
const char *mob_type_name(MobType t);

void mob_table_reset(MobTable *t, uint64_t seed);
/* Spawns a mob at feet position; returns its index or -1 when the table is full. */
int mob_spawn(MobTable *t, MobType type, double x, double y, double z);
/* One tick: spawning, AI, physics, despawning. Zombie hits and killed mobs' drops go to out
 * (which the caller zeroes). */
void mob_table_tick(MobTable *t, const MobView *v, MobTickOut *out);
/* First mob hit by the ray from (ox, oy, oz) along unit (dx, dy, dz) within max_dist, or -1;
 * *dist gets the distance. */
int mob_raycast(const MobTable *t, double ox, double oy, double oz, double dx, double dy, double dz,
                double max_dist, double *dist);
/* Damages mob i (no effect while its hurt timer runs), knocks it away from (from_x, from_z)
 * and makes an animal flee. A mob whose health is spent dies: its drops go to out. Returns 1
 * if the hit landed. */
int mob_hurt(MobTable *t, int i, float damage, double from_x, double from_z, MobTickOut *out);
/* Damage of an attack with the held item (hand 1, swords 4..7, axes 7..9, ...). */
float mob_attack_damage(ItemId held);

#endif
