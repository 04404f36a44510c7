/* env.c: the Env's life cycle and env_step, in phases:
 *
 *   1. camera / GUI input   (mouse turns the camera; hotbar keys; issue 4: GUI input instead)
 *   2. movement             (player physics)
 *   3. interaction          (target, mining, placing, dropping: interact.c)
 *   4. entities             (item entities; issue 4: mob update)
 *   5. survival             (fall/void damage, death and respawn; issue 4: hunger, drowning)
 *   6. reward and time      (issue 4: task reward accounting; episode end; day clock)
 *
 * then chunk streaming around the player. Everything random draws from env->rng. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "sim/env_internal.h"
#include "sim/physics.h"

static const char *const EVENT_NAMES[ENV_EVENT_TYPE_COUNT] = {
    "mined",   "placed", "picked_up", "dropped", "crafted",    "smelted",
    "damaged", "died",   "respawned", "ate",     "tool_broke", "obtained"};

const char *env_event_name(EnvEventType t) {
    return (unsigned)t < ENV_EVENT_TYPE_COUNT ? EVENT_NAMES[t] : "?";
}

void env_event(Env *e, EnvEventType type, int item, int count, int x, int y, int z, float amount) {
    StepResult *r = e->result;
    if (!r || r->n_events >= ENV_MAX_EVENTS) return;
    r->events[r->n_events++] =
        (EnvEvent){(uint8_t)type, (uint16_t)item, (int16_t)count, x, y, z, amount};
}

void env_damage(Env *e, float amount, int cause) {
    if (amount <= 0 || e->player.health <= 0) return;
    e->player.health -= amount;
    env_event(e, ENV_EVENT_DAMAGED, cause, 0, (int)floor(e->player.x), (int)floor(e->player.y),
              (int)floor(e->player.z), amount);
}

/* ---- spawn and reset ---- */

static void stream_chunks(Env *e, int max_new) {
    int cx = (int)floor(e->player.x) >> 4, cz = (int)floor(e->player.z) >> 4;
    if (cx == e->load_cx && cz == e->load_cz && e->load_missing == 0) return;
    /* the 3 x 3 around the player must exist for physics and reach */
    world_load_around(e->world, cx, cz, 1, -1);
    e->load_missing = world_load_around(e->world, cx, cz, e->world_radius_cache, max_new);
    e->load_cx = cx;
    e->load_cz = cz;
}

/* Finds a land column near the preset's spawn (default generator) from the terrain fields,
 * without generating chunks: square rings of growing radius, sampled every 8 blocks. */
static int is_land(const WorldGen *g, int x, int z) {
    return gen_surface_height(g, x, z) >= SEA_LEVEL + 1; /* (ocean is exactly below sea level) */
}

static void find_land(const WorldGen *g, double *x, double *z) {
    int x0 = (int)floor(*x), z0 = (int)floor(*z);
    if (is_land(g, x0, z0)) return;
    for (int r = 8; r <= 1024; r += 8) {
        for (int k = -r; k < r; k += 8) {
            const int cand[4][2] = {{k, -r}, {r, k}, {-k, r}, {-r, -k}};
            for (int c = 0; c < 4; c++) {
                if (!is_land(g, x0 + cand[c][0], z0 + cand[c][1])) continue;
                *x = x0 + cand[c][0] + 0.5;
                *z = z0 + cand[c][1] + 0.5;
                return;
            }
        }
    }
}

static void place_spawn(Env *e) {
    const WorldPreset *p = &e->preset;
    double x = p->spawn_x, y = p->spawn_y, z = p->spawn_z;
    if (!p->spawn_y_given && p->gen.kind == GEN_DEFAULT) find_land(&p->gen, &x, &z);
    e->player.x = x;
    e->player.z = z;
    e->load_cx = e->load_cz = INT32_MIN;
    stream_chunks(e, 0);
    if (!p->spawn_y_given) {
        /* stand on the highest solid block; step aside from tree tops */
        for (int tries = 0; tries < 16; tries++) {
            int top = world_top_solid(e->world, (int)floor(x), (int)floor(z));
            uint8_t b = top >= 0 ? world_block_get(e->world, (int)floor(x), top, (int)floor(z)) : 0;
            y = top + 1;
            int terrain = gen_surface_height(&p->gen, (int)floor(x), (int)floor(z));
            if (b != BLOCK_OAK_LEAVES && b != BLOCK_OAK_LOG && top >= terrain - 1) break;
            x += 1.0;
        }
        if (y < 1) y = 64;
    }
    e->spawn[0] = x;
    e->spawn[1] = y;
    e->spawn[2] = z;
}

static void give_inventory(Env *e) {
    Inventory *inv = &e->player.inventory;
    inventory_clear(inv);
    for (int i = 0; i < e->preset.n_inventory; i++) {
        const PresetItem *pi = &e->preset.inventory[i];
        if (pi->slot >= 0) {
            inv->slots[pi->slot] = (ItemStack){pi->item, (uint8_t)pi->count, 0};
        } else {
            inventory_add(inv, pi->item, pi->count, 0);
        }
    }
}

void env_reset(Env *e, uint64_t seed) {
    e->seed = seed;
    e->preset.gen.seed = seed;
    world_clear(e->world);
    memset(&e->player, 0, sizeof e->player);
    e->n_items = 0;
    e->rng = rng_stream(seed, 0x454E56ull /* "ENV" */);
    e->tick = 0;
    e->day_ticks = e->preset.time_of_day;
    e->prev_keys = 0;
    e->result = NULL;
    place_spawn(e);
    player_spawn(&e->player, e->spawn[0], e->spawn[1], e->spawn[2], e->preset.spawn_yaw,
                 e->preset.spawn_pitch);
    give_inventory(e);
    items_env_reset(e); /* issue 4 */
    /* settle onto the ground so the first tick starts on_ground like Minecraft */
    e->player.on_ground =
        phys_box_collides(e->world, e->player.x - 0.3, e->player.y - 0.01, e->player.z - 0.3,
                          e->player.x + 0.3, e->player.y, e->player.z + 0.3);
}

Env *env_create(const WorldPreset *preset, uint64_t seed) {
    Env *e = mem_calloc(1, sizeof *e);
    preset_copy(&e->preset, preset);
    e->world_radius_cache = preset->view_radius;
    e->world = world_create(&e->preset.gen, preset->view_radius);
    env_reset(e, seed);
    return e;
}

Env *env_create_from_file(const char *path, uint64_t seed, Status *st) {
    WorldPreset p;
    Status s = preset_load_file(path, &p);
    if (st) *st = s;
    if (s) return NULL;
    Env *e = env_create(&p, seed);
    preset_deinit(&p);
    return e;
}

void env_destroy(Env *e) {
    if (!e) return;
    world_destroy(e->world);
    preset_deinit(&e->preset);
    mem_free(e);
}

/* ---- step ---- */

static void phase_camera(Env *e, const Action *a) {
    if (items_phase_gui(e, a)) return; /* issue 4: a GUI screen takes the input */
    player_turn(&e->player, a->mouse_dx, a->mouse_dy);
    for (int k = 0; k < 9; k++)
        if (env_key_pressed(e, a, (ActionKey)(KEY_HOTBAR_1 + k))) e->player.inventory.selected = k;
}

static void phase_movement(Env *e, const Action *a) {
    PlayerInput in;
    in.forward = (float)(action_key_down(a, KEY_FORWARD) - action_key_down(a, KEY_BACK));
    in.strafe = (float)(action_key_down(a, KEY_LEFT) - action_key_down(a, KEY_RIGHT));
    in.jump = action_key_down(a, KEY_JUMP);
    in.sneak = action_key_down(a, KEY_SNEAK);
    in.sprint = action_key_down(a, KEY_SPRINT);
    if (items_gui_open(e)) memset(&in, 0, sizeof in); /* no walking with a screen open */
    float fall = player_move(&e->player, e->world, &in);
    if (fall > 0) env_damage(e, fall, DAMAGE_FALL);
}

static void die_and_respawn(Env *e) {
    Player *p = &e->player;
    env_event(e, ENV_EVENT_DIED, 0, 0, (int)floor(p->x), (int)floor(p->y), (int)floor(p->z), 0);
    items_on_death(e); /* issue 4: the open screen's items join the drop */
    if (p->y > -60) {
        for (int i = 0; i < INVENTORY_SLOTS; i++) {
            ItemStack st = p->inventory.slots[i];
            if (st.count) env_throw_stack(e, st, 1);
        }
    }
    inventory_clear(&p->inventory);
    player_spawn(p, e->spawn[0], e->spawn[1], e->spawn[2], e->preset.spawn_yaw,
                 e->preset.spawn_pitch);
    env_event(e, ENV_EVENT_RESPAWNED, 0, 0, (int)floor(p->x), (int)floor(p->y), (int)floor(p->z),
              0);
}

static void phase_survival(Env *e, const Action *a) {
    Player *p = &e->player;
    if (p->y < -64.0) env_damage(e, 4.0f, DAMAGE_VOID); /* the void hurts 4 per tick */
    items_phase_survival(e, a); /* issue 4: eating, hunger, regeneration, drowning */
    if (p->health <= 0) die_and_respawn(e);
}

static void phase_reward_and_time(Env *e, StepResult *r) {
    items_phase_reward(e, r); /* issue 4: task reward accounting, statistics */
    e->tick++;
    if (!e->preset.fixed_time) e->day_ticks = (e->day_ticks + 1) % e->preset.day_length;
    r->done = e->preset.episode_length > 0 && e->tick >= (uint64_t)e->preset.episode_length;
}

StepResult env_step(Env *e, const Action *a) {
    ASSERT(e && a);
    StepResult r;
    r.reward = 0;
    r.done = 0;
    r.n_events = 0;
    e->result = &r;
    phase_camera(e, a);                               /* 1 */
    phase_movement(e, a);                             /* 2 */
    if (!items_gui_open(e)) env_phase_interact(e, a); /* 3 */
    env_phase_items(e);                               /* 4 */
    items_phase_entities(e);                          /* 4 (issue 4: furnaces, mobs) */
    phase_survival(e, a);                             /* 5 */
    phase_reward_and_time(e, &r);                     /* 6 */
    e->prev_keys = a->keys;
    stream_chunks(e, 1);
    e->result = NULL;
    return r;
}

typedef struct BatchJob {
    Env *const *envs;
    const Action *actions;
    StepResult *results;
} BatchJob;

static void batch_range(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    BatchJob *j = ctx;
    for (int64_t i = begin; i < end; i++) j->results[i] = env_step(j->envs[i], &j->actions[i]);
}

void env_step_batch(Env *const *envs, int n, const Action *actions, StepResult *results,
                    ThreadPool *pool) {
    ASSERT(n >= 0 && (n == 0 || (envs && actions && results)));
    BatchJob j = {envs, actions, results};
    pool_parallel_for(pool, n, 1, batch_range, &j);
}

/* ---- snapshot and hash ---- */

struct EnvSnapshot {
    Env copy; /* by value; its pointers are not used */
    WorldSnapshot *world;
};

EnvSnapshot *env_snapshot(const Env *e) {
    EnvSnapshot *s = mem_calloc(1, sizeof *s);
    s->copy = *e;
    s->world = world_snapshot(e->world);
    return s;
}

void env_restore(Env *e, const EnvSnapshot *s) {
    World *w = e->world;
    WorldPreset preset = e->preset; /* keep our own preset (and its heap lists) */
    *e = s->copy;
    e->world = w;
    e->preset = preset;
    e->preset.gen.seed = s->copy.preset.gen.seed;
    e->result = NULL;
    world_restore(w, s->world);
}

void env_snapshot_destroy(EnvSnapshot *s) {
    if (!s) return;
    world_snapshot_destroy(s->world);
    mem_free(s);
}

static uint64_t h_mix(uint64_t h, uint64_t v) { return rng_mix64(h ^ v) + 0x9E3779B97F4A7C15ull; }
static uint64_t h_d(uint64_t h, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    return h_mix(h, u);
}

uint64_t env_hash(const Env *e) {
    const Player *p = &e->player;
    uint64_t h = h_mix(0xE11, e->seed);
    h = h_mix(h, e->tick);
    h = h_mix(h, (uint64_t)e->day_ticks);
    h = h_mix(h, e->prev_keys);
    for (int i = 0; i < 4; i++) h = h_mix(h, e->rng.s[i]);
    h = h_d(h, p->x), h = h_d(h, p->y), h = h_d(h, p->z);
    h = h_d(h, p->vx), h = h_d(h, p->vy), h = h_d(h, p->vz);
    h = h_d(h, p->yaw), h = h_d(h, p->pitch), h = h_d(h, p->health), h = h_d(h, p->fall_distance);
    h = h_d(h, p->saturation), h = h_d(h, p->exhaustion);
    h = h_mix(h, (uint64_t)p->food | (uint64_t)p->air << 16 | (uint64_t)p->on_ground << 32 |
                     (uint64_t)p->in_water << 33 | (uint64_t)p->sneaking << 34 |
                     (uint64_t)p->sprinting << 35 | (uint64_t)p->collided_h << 36);
    h = h_mix(h, (uint64_t)p->use_cooldown | (uint64_t)p->mine_delay << 16);
    h = h_mix(h, (uint64_t)(uint32_t)p->target.has_target ^ (uint64_t)(uint32_t)p->target.x << 8);
    h = h_mix(h, (uint64_t)(uint32_t)p->target.y | (uint64_t)(uint32_t)p->target.z << 32);
    h = h_mix(h, (uint64_t)p->target.face | (uint64_t)p->target.break_ticks << 8);
    h = h_mix(h, (uint64_t)p->inventory.selected);
    for (int i = 0; i < INVENTORY_SLOTS; i++) {
        const ItemStack *s = &p->inventory.slots[i];
        h = h_mix(h, (uint64_t)s->item | (uint64_t)s->count << 16 | (uint64_t)s->damage << 32);
    }
    h = h_mix(h, (uint64_t)e->n_items);
    for (int i = 0; i < e->n_items; i++) {
        const ItemEntity *it = &e->items[i];
        h = h_d(h, it->x), h = h_d(h, it->y), h = h_d(h, it->z);
        h = h_d(h, it->vx), h = h_d(h, it->vy), h = h_d(h, it->vz);
        h = h_mix(h, (uint64_t)it->stack.item | (uint64_t)it->stack.count << 16 |
                         (uint64_t)it->age << 24 | (uint64_t)it->pickup_delay << 48);
    }
    h = items_hash(e, h); /* issue 4: GUI, furnaces, mobs, survival, task progress */
    return h_mix(h, world_hash(e->world));
}

/* ---- accessors ---- */

const World *env_world(const Env *e) { return e->world; }
const Player *env_player(const Env *e) { return &e->player; }
const WorldPreset *env_preset(const Env *e) { return &e->preset; }
uint64_t env_seed(const Env *e) { return e->seed; }
uint64_t env_tick(const Env *e) { return e->tick; }
int env_time_of_day(const Env *e) {
    return (int)((int64_t)e->day_ticks * 24000 / e->preset.day_length);
}
int env_item_count(const Env *e) { return e->n_items; }
const ItemEntity *env_item_get(const Env *e, int i) {
    ASSERT(i >= 0 && i < e->n_items);
    return &e->items[i];
}
uint32_t env_prev_keys(const Env *e) { return e->prev_keys; }
void env_spawn_point(const Env *e, double *x, double *y, double *z) {
    *x = e->spawn[0];
    *y = e->spawn[1];
    *z = e->spawn[2];
}
int env_chunks_missing(const Env *e) { return e->load_missing; }
void env_load_all(Env *e) {
    e->load_cx = INT32_MIN;
    stream_chunks(e, -1);
}
Player *env_player_mut(Env *e) { return &e->player; }
World *env_world_mut(Env *e) { return e->world; }

void env_set_pose(Env *env, double x, double y, double z, float yaw, float pitch) {
    Player *p = env_player_mut(env);
    p->x = x;
    p->y = y;
    p->z = z;
    p->yaw = yaw;
    p->pitch = pitch;
    env_load_all(env);
    int tx, ty, tz, face;
    memset(&p->target, 0, sizeof p->target);
    if (player_raycast(p, env_world(env), PLAYER_REACH, &tx, &ty, &tz, &face)) {
        p->target.has_target = 1;
        p->target.x = tx;
        p->target.y = ty;
        p->target.z = tz;
        p->target.face = face;
    }
}
