/* mob.c: mob spawning, AI, physics and damage (see mob.h). */
#include "sim/mob.h"

#include <math.h>
#include <string.h>

#include "core/log.h"
#include "sim/block.h"
#include "sim/physics.h"
#include "sim/player.h"
#include "sim/world.h"
#include "sim/world_internal.h" /* world_block_fast */

/* The player's constants (sim/player.h). */
#define GRAVITY PHYS_GRAVITY
#define DRAG_Y PHYS_DRAG_Y
#define FRICTION_GROUND PHYS_GROUND_FRICTION
#define FRICTION_AIR PHYS_AIR_FRICTION
#define JUMP_VY PHYS_JUMP_VELOCITY
#define DEG2RAD 0.017453292519943295

static const MobTypeInfo TYPES[MOB_TYPE_COUNT] = {
    [MOB_PIG] = {"pig", 10.0f, 0.9f, 0.9f, 0.10f, ITEM_RAW_PORKCHOP, 1, 3},
    [MOB_COW] = {"cow", 10.0f, 0.9f, 1.4f, 0.09f, ITEM_RAW_BEEF, 1, 3},
    [MOB_SHEEP] = {"sheep", 8.0f, 0.9f, 1.3f, 0.10f, ITEM_RAW_MUTTON, 1, 2},
    [MOB_ZOMBIE] = {"zombie", 20.0f, 0.6f, 1.95f, 0.115f, ITEM_NONE, 0, 0},
};

const MobTypeInfo *mob_type_info(MobType t) {
    ASSERT((unsigned)t < MOB_TYPE_COUNT);
    return &TYPES[t];
}

const char *mob_type_name(MobType t) { return mob_type_info(t)->name; }

void mob_table_reset(MobTable *t, uint64_t seed) {
    memset(t, 0, sizeof *t);
    t->rng = rng_stream(seed, 0x6d6f6273u /* "mobs" */);
}

int mob_spawn(MobTable *t, MobType type, double x, double y, double z) {
    if (t->n >= MOB_MAX) return -1;
    Mob *m = &t->mobs[t->n];
    memset(m, 0, sizeof *m);
    m->type = type;
    m->x = x;
    m->y = y;
    m->z = z;
    m->health = TYPES[type].max_health;
    m->yaw = (float)rng_below(&t->rng, 360);
    m->ai_timer = 20 + (int)rng_below(&t->rng, 60);
    m->id = ++t->next_id;
    return t->n++;
}

static void remove_mob(MobTable *t, int i) { t->mobs[i] = t->mobs[--t->n]; }

/* ---- physics --------------------------------------------------------------------------- */

typedef struct Box {
    double lo[3], hi[3];
} Box;

static Box mob_box(const Mob *m) {
    double hw = TYPES[m->type].width * 0.5;
    return (Box){{m->x - hw, m->y, m->z - hw},
                 {m->x + hw, m->y + TYPES[m->type].height, m->z + hw}};
}

/* Moves with the shared swept-AABB collision (sim/physics.h). Returns 1 when a horizontal
 * move was blocked. */
static int move_mob(const World *w, Mob *m) {
    double pos[3] = {m->x, m->y, m->z}, d[3] = {m->vx, m->vy, m->vz};
    MoveResult r;
    phys_move(w, pos, TYPES[m->type].width * 0.5, TYPES[m->type].height, d, &r);
    m->x = pos[0];
    m->y = pos[1];
    m->z = pos[2];
    if (r.hit_x) m->vx = 0.0;
    if (r.hit_y) m->vy = 0.0;
    if (r.hit_z) m->vz = 0.0;
    m->on_ground = r.on_ground;
    return r.hit_x || r.hit_z;
}

static void physics(const World *w, Mob *m, double ax, double az) {
    /* Resting on solid ground with no input and no motion: nothing can change (the cheap path
     * most animals take most of the time). */
    if (m->on_ground && ax == 0.0 && az == 0.0 && fabs(m->vx) < 0.003 && fabs(m->vz) < 0.003 &&
        !m->in_water &&
        block_is_solid(
            world_block_fast(w, phys_floor(m->x), phys_floor(m->y - 0.01), phys_floor(m->z)))) {
        m->vx = m->vy = m->vz = 0.0;
        return;
    }
    uint8_t at = world_block_fast(w, phys_floor(m->x), phys_floor(m->y + 0.4), phys_floor(m->z));
    m->in_water = at == BLOCK_WATER;
    double fr = m->on_ground ? FRICTION_GROUND : FRICTION_AIR;
    if (m->in_water) fr = 0.8;
    /* Ground: the steady speed under input a is a (a * (1 - fr) / fr added before friction);
     * in the air the input barely steers (Minecraft's 0.02). */
    double k = m->on_ground ? (1.0 - fr) / fr : 0.02;
    m->vx += ax * k;
    m->vz += az * k;
    int blocked = move_mob(w, m);
    if (blocked && m->on_ground && (ax != 0.0 || az != 0.0)) m->vy = JUMP_VY;
    m->vx *= fr;
    m->vz *= fr;
    if (m->in_water) {
        m->vy = m->vy * 0.8 + 0.02; /* mobs keep afloat */
    } else {
        m->vy = (m->vy - GRAVITY) * DRAG_Y;
        if (m->vy < -3.92) m->vy = -3.92;
    }
}

/* ---- damage ------------------------------------------------------------------------------ */

float mob_attack_damage(ItemId held) {
    const ItemInfo *info = item_info(held);
    static const float sword[5] = {1, 4, 5, 6, 7}, axe[5] = {1, 7, 9, 9, 9};
    static const float pick[5] = {1, 2, 3, 4, 5}, shovel[5] = {1, 2.5f, 3.5f, 4.5f, 5.5f};
    int tier = info->tier < 5 ? info->tier : 4;
    switch (info->tool) {
    case TOOL_SWORD:
        return sword[tier];
    case TOOL_AXE:
        return axe[tier];
    case TOOL_PICKAXE:
        return pick[tier];
    case TOOL_SHOVEL:
        return shovel[tier];
    default:
        return 1.0f;
    }
}

static void drop_loot(MobTable *t, const Mob *m, MobTickOut *out) {
    const MobTypeInfo *ti = &TYPES[m->type];
    out->killed[m->type]++;
    if (ti->drop == ITEM_NONE || out->n_drops >= MOB_MAX_DROPS) return;
    int n = rng_range(&t->rng, ti->drop_min, ti->drop_max);
    out->drops[out->n_drops] = (ItemStack){.item = ti->drop, .count = (uint8_t)n};
    out->drop_pos[out->n_drops][0] = m->x;
    out->drop_pos[out->n_drops][1] = m->y + 0.5;
    out->drop_pos[out->n_drops][2] = m->z;
    out->n_drops++;
}

int mob_hurt(MobTable *t, int i, float damage, double from_x, double from_z, MobTickOut *out) {
    ASSERT(i >= 0 && i < t->n);
    Mob *m = &t->mobs[i];
    if (m->hurt_timer > 0) return 0;
    m->health -= damage;
    m->hurt_timer = MOB_HURT_TICKS;
    double dx = m->x - from_x, dz = m->z - from_z, len = sqrt(dx * dx + dz * dz);
    if (len < 1e-6) dx = 0, dz = 1, len = 1;
    /* Minecraft's knockback: halve the velocity, add 0.4 away from the attacker, 0.4 up. */
    m->vx = m->vx * 0.5 + 0.4 * dx / len;
    m->vz = m->vz * 0.5 + 0.4 * dz / len;
    m->vy = fmin(0.4, m->vy * 0.5 + 0.4);
    m->on_ground = 0;
    if (m->type != MOB_ZOMBIE) {
        m->flee_timer = 100;
        m->flee_from_x = (float)from_x;
        m->flee_from_z = (float)from_z;
    }
    if (m->health <= 0.0f) {
        drop_loot(t, m, out);
        remove_mob(t, i);
    }
    return 1;
}

int mob_raycast(const MobTable *t, double ox, double oy, double oz, double dx, double dy, double dz,
                double max_dist, double *dist) {
    int best = -1;
    double best_t = max_dist;
    double o[3] = {ox, oy, oz}, d[3] = {dx, dy, dz};
    for (int i = 0; i < t->n; i++) {
        Box b = mob_box(&t->mobs[i]);
        double t0 = 0.0, t1 = best_t;
        int hit = 1;
        for (int a = 0; a < 3 && hit; a++) { /* slab test */
            if (fabs(d[a]) < 1e-12) {
                if (o[a] < b.lo[a] || o[a] > b.hi[a]) hit = 0;
                continue;
            }
            double ta = (b.lo[a] - o[a]) / d[a], tb = (b.hi[a] - o[a]) / d[a];
            if (ta > tb) {
                double s = ta;
                ta = tb;
                tb = s;
            }
            if (ta > t0) t0 = ta;
            if (tb < t1) t1 = tb;
            if (t0 > t1) hit = 0;
        }
        if (hit && t0 < best_t) {
            best_t = t0;
            best = i;
        }
    }
    if (best >= 0 && dist) *dist = best_t;
    return best;
}

/* ---- AI -------------------------------------------------------------------------------------- */

static int is_night(int time_of_day) { return time_of_day >= 13000 && time_of_day < 23000; }

/* Desired horizontal velocity of a mob this tick. */
static void think(MobTable *t, Mob *m, const MobView *v, double *ax, double *az, MobTickOut *out) {
    const MobTypeInfo *ti = &TYPES[m->type];
    *ax = *az = 0.0;
    if (m->type == MOB_ZOMBIE && v->player_alive) {
        double dx = v->px - m->x, dz = v->pz - m->z, dy = v->py - m->y;
        double d2 = dx * dx + dz * dz;
        /* A zombie notices the player within 24 blocks and follows until 40 apart. */
        if (d2 < MOB_NOTICE_RADIUS * MOB_NOTICE_RADIUS) m->chasing = 1;
        if (d2 > MOB_FOLLOW_RADIUS * MOB_FOLLOW_RADIUS) m->chasing = 0;
        if (m->chasing) {
            double len = sqrt(d2) + 1e-9;
            m->yaw = (float)(atan2(-dx, dz) / DEG2RAD);
            if (len > 0.8) {
                *ax = ti->walk_speed * dx / len;
                *az = ti->walk_speed * dz / len;
            }
            if (m->attack_cooldown > 0) m->attack_cooldown--;
            if (len < 1.3 && fabs(dy) < 1.5 && m->attack_cooldown == 0) {
                out->damage_to_player += 3.0f;
                out->knock_x += 0.4 * dx / len;
                out->knock_z += 0.4 * dz / len;
                m->attack_cooldown = 20;
            }
            return;
        }
    }
    if (m->flee_timer > 0) {
        m->flee_timer--;
        double dx = m->x - m->flee_from_x, dz = m->z - m->flee_from_z;
        double len = sqrt(dx * dx + dz * dz) + 1e-9;
        m->yaw = (float)(atan2(-dx, dz) / DEG2RAD);
        *ax = 2.0 * ti->walk_speed * dx / len;
        *az = 2.0 * ti->walk_speed * dz / len;
        return;
    }
    if (--m->ai_timer <= 0) {                    /* new wander/idle state */
        m->walking = rng_below(&t->rng, 3) == 0; /* mostly idle, like Minecraft's animals */
        m->yaw = (float)rng_below(&t->rng, 360);
        m->dir_x = (float)-sin(m->yaw * DEG2RAD);
        m->dir_z = (float)cos(m->yaw * DEG2RAD);
        m->ai_timer =
            m->walking ? 20 + (int)rng_below(&t->rng, 60) : 80 + (int)rng_below(&t->rng, 160);
    }
    if (m->walking) {
        *ax = m->dir_x * ti->walk_speed;
        *az = m->dir_z * ti->walk_speed;
    }
}

/* One spawn attempt of each kind. */
static void try_spawn(MobTable *t, const MobView *v) {
    int n_loaded = world_loaded_count(v->world);
    if (n_loaded == 0) return;
    int passive = 0, hostile = 0;
    for (int i = 0; i < t->n; i++) {
        if (t->mobs[i].type == MOB_ZOMBIE)
            hostile++;
        else
            passive++;
    }
    /* Caps scale with the loaded area like Minecraft's (cap x chunks / 289): here one animal
     * per 4 loaded chunks and one zombie per 8, up to the fixed caps. */
    int cap_passive = n_loaded / 4, cap_hostile = n_loaded / 8;
    if (cap_passive < 1) cap_passive = 1;
    if (cap_passive > MOB_PASSIVE_CAP) cap_passive = MOB_PASSIVE_CAP;
    if (cap_hostile < 1) cap_hostile = 1;
    if (cap_hostile > MOB_HOSTILE_CAP) cap_hostile = MOB_HOSTILE_CAP;
    for (int kind = 0; kind < 2; kind++) {
        int cx, cz;
        world_loaded_coords(v->world, (int)rng_below(&t->rng, (uint32_t)n_loaded), &cx, &cz);
        int x = cx * CHUNK_SIZE + (int)rng_below(&t->rng, CHUNK_SIZE);
        int z = cz * CHUNK_SIZE + (int)rng_below(&t->rng, CHUNK_SIZE);
        MobType type = kind == 0 ? (MobType)rng_below(&t->rng, 3) : MOB_ZOMBIE;
        if (kind == 0 && (!v->spawn_passive || passive >= cap_passive)) continue;
        if (kind == 1 && (!v->spawn_hostile || hostile >= cap_hostile || !is_night(v->time_of_day)))
            continue;
        int y = world_top_solid(v->world, x, z);
        if (y < 0 || y + 3 >= WORLD_HEIGHT) continue;
        uint8_t ground = world_block_get(v->world, x, y, z);
        if (world_block_get(v->world, x, y + 1, z) != BLOCK_AIR ||
            world_block_get(v->world, x, y + 2, z) != BLOCK_AIR)
            continue;
        uint8_t light = world_light_get(v->world, x, y + 1, z);
        double dx = x + 0.5 - v->px, dz = z + 0.5 - v->pz, d2 = dx * dx + dz * dz;
        if (kind == 0 && (ground != BLOCK_GRASS || (light >> 4) < 9 || d2 < 8.0 * 8.0)) continue;
        if (kind == 1 && (!block_is_opaque(ground) || (light & 15) != 0 || d2 < 24.0 * 24.0))
            continue;
        mob_spawn(t, type, x + 0.5, y + 1.0, z + 0.5);
    }
}

void mob_table_tick(MobTable *t, const MobView *v, MobTickOut *out) {
    t->ticks++;
    if ((v->spawn_passive || v->spawn_hostile) && rng_below(&t->rng, 40) == 0) try_spawn(t, v);
    int day = !is_night(v->time_of_day);
    for (int i = 0; i < t->n; i++) {
        Mob *m = &t->mobs[i];
        /* Removal when the chunk unloaded, checked once a second per mob (staggered). */
        if (((t->ticks + m->id) % 20 == 0 &&
             !world_chunk_loaded(v->world, world_chunk_coord(phys_floor(m->x)),
                                 world_chunk_coord(phys_floor(m->z)))) ||
            m->y < -64.0) {
            remove_mob(t, i--);
            continue;
        }
        if (m->hurt_timer > 0) m->hurt_timer--;
        double pdx = m->x - v->px, pdz = m->z - v->pz;
        if (pdx * pdx + pdz * pdz < MOB_ACTIVE_RADIUS * MOB_ACTIVE_RADIUS) {
            double ax, az;
            think(t, m, v, &ax, &az, out);
            physics(v->world, m, ax, az);
        }
        if (m->type == MOB_ZOMBIE && day && (t->ticks % 20) == 0) { /* burns in daylight */
            int hx = phys_floor(m->x), hy = phys_floor(m->y + 1.8), hz = phys_floor(m->z);
            if ((world_light_get(v->world, hx, hy, hz) >> 4) == 15) {
                m->health -= 1.0f;
                m->hurt_timer = MOB_HURT_TICKS;
                if (m->health <= 0.0f) remove_mob(t, i--);
            }
        }
    }
}
