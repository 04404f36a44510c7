/* env.h: the environment API: create/reset a world from a preset, step it with the native
 * action (one call = one 20 Hz tick), read its state, snapshot/restore it, hash it, and step
 * many envs in parallel on the core thread pool.
 *
 * Determinism: the same preset + seed + action sequence gives bit-identical state (env_hash)
 * whatever the thread count; all randomness comes from the env's own Rng.
 * Ownership: env_create* returns an Env owned by the caller (env_destroy). Pointers returned by
 * the read-only accessors point into the Env and stay valid until the next env_step,
 * env_reset or env_restore. */
#ifndef SIM_ENV_H
#define SIM_ENV_H

#include <stdint.h>

#include "core/pool.h"
#include "core/status.h"
#include "sim/action.h"
#include "sim/item.h"
#include "sim/player.h"
#include "sim/preset.h"
#include "sim/world.h"

typedef struct Env Env;

typedef enum EnvEventType {
    ENV_EVENT_MINED = 0,  /* block broken: item = block id, x,y,z; count = items dropped */
    ENV_EVENT_PLACED,     /* block placed: item = block id, x,y,z */
    ENV_EVENT_PICKED_UP,  /* item entity picked up: item, count */
    ENV_EVENT_DROPPED,    /* item thrown with Q (or from the GUI): item, count */
    ENV_EVENT_CRAFTED,    /* item crafted: item, count (issue 4) */
    ENV_EVENT_SMELTED,    /* item taken from a furnace: item, count (issue 4) */
    ENV_EVENT_DAMAGED,    /* player lost health: amount (half hearts), item = cause */
    ENV_EVENT_DIED,       /* player died at x,y,z (inventory dropped there) */
    ENV_EVENT_RESPAWNED,  /* player back at spawn */
    ENV_EVENT_ATE,        /* food eaten: item (issue 4) */
    ENV_EVENT_TOOL_BROKE, /* held tool used up: item */
    ENV_EVENT_OBTAINED,   /* a task item entered the inventory for the first time (issue 4) */
    ENV_EVENT_TYPE_COUNT
} EnvEventType;

/* Damage causes (EnvEvent.item for ENV_EVENT_DAMAGED). */
enum { DAMAGE_FALL = 0, DAMAGE_VOID, DAMAGE_DROWN, DAMAGE_STARVE, DAMAGE_MOB };

typedef struct EnvEvent {
    uint8_t type;  /* EnvEventType */
    uint16_t item; /* ItemId / BlockId / damage cause */
    int16_t count;
    int32_t x, y, z;
    float amount;
} EnvEvent;

#define ENV_MAX_EVENTS 32

typedef struct StepResult {
    float reward;
    int done; /* the episode reached its length */
    int n_events;
    EnvEvent events[ENV_MAX_EVENTS]; /* in the order they happened; extra events are dropped */
} StepResult;

const char *env_event_name(EnvEventType t); /* "mined", "placed", "picked_up", ... */

/* An item on the ground (or flying). */
typedef struct ItemEntity {
    double x, y, z;    /* bottom center */
    double vx, vy, vz; /* blocks / tick */
    ItemStack stack;
    int age;          /* ticks since spawned; despawns at 6000 */
    int pickup_delay; /* ticks before the player can pick it up (10 from blocks, 40 thrown) */
    int on_ground;
} ItemEntity;

#define ENV_MAX_ITEMS 256
#define ITEM_DESPAWN_TICKS 6000
#define ITEM_PICKUP_DELAY_BLOCK 10
#define ITEM_PICKUP_DELAY_THROWN 40

/* Creates an env from a preset (copied) and a seed, reset and ready to step. */
Env *env_create(const WorldPreset *preset, uint64_t seed);
/* Same from a preset file; NULL (and *st set, detail logged) when the preset is bad. */
Env *env_create_from_file(const char *path, uint64_t seed, Status *st);
void env_destroy(Env *env); /* accepts NULL */
/* New episode with this seed: world regenerated, player at spawn with the preset inventory. */
void env_reset(Env *env, uint64_t seed);
/* One tick. */
StepResult env_step(Env *env, const Action *action);
/* Steps envs[i] with actions[i] into results[i], spread over the pool (NULL: serially). */
void env_step_batch(Env *const *envs, int n, const Action *actions, StepResult *results,
                    ThreadPool *pool);

/* Snapshot of the whole state (world edits and loaded chunks, player, entities, RNG, tick). A
 * restored env steps bit-identically to the original. Restore into the env it came from or one
 * created from the same preset. */
typedef struct EnvSnapshot EnvSnapshot;
EnvSnapshot *env_snapshot(const Env *env);
void env_restore(Env *env, const EnvSnapshot *snap);
void env_snapshot_destroy(EnvSnapshot *snap); /* accepts NULL */

/* 64-bit hash of the state that determines the future (not light, not loaded-chunk set). */
uint64_t env_hash(const Env *env);

/* ---- read-only accessors ---- */
const World *env_world(const Env *env);
const Player *env_player(const Env *env);
const WorldPreset *env_preset(const Env *env);
uint64_t env_seed(const Env *env);
uint64_t env_tick(const Env *env);
/* 0..23999 (scaled from the preset's day length). */
int env_time_of_day(const Env *env);
int env_item_count(const Env *env);
const ItemEntity *env_item_get(const Env *env, int i);
/* Keys held on the previous tick (edge detection: pressed = now && !before). */
uint32_t env_prev_keys(const Env *env);
/* Spawn point (feet) of the current episode. */
void env_spawn_point(const Env *env, double *x, double *y, double *z);
/* Chunks still to stream in around the player (rendering wants 0). */
int env_chunks_missing(const Env *env);
/* Loads every missing chunk within the view radius now (e.g. before the first frame). */
void env_load_all(Env *env);

/* ---- for tests and tools ---- */
/* Direct mutable access (tests set up situations; tools like the window's creative mode). */
Player *env_player_mut(Env *env);
World *env_world_mut(Env *env);
/* Puts the player at feet (x, y, z) looking along yaw/pitch (degrees), loads the chunks around
 * and updates the targeted block, as a tick would (screenshots, benchmarks, tests). */
void env_set_pose(Env *env, double x, double y, double z, float yaw, float pitch);
/* Spawns an item entity (as a block drop: pickup delay 10). Returns 0 if the table is full. */
int env_item_spawn(Env *env, double x, double y, double z, ItemStack stack, int pickup_delay);

/* ---- issue 4: GUI, furnace, mobs, tasks, statistics (items_env.c) ---- */
typedef struct Gui Gui;
typedef struct Furnace Furnace;
typedef struct Mob Mob;
typedef struct RecipeSet RecipeSet;
typedef struct Stats Stats;
typedef struct Task Task;
typedef struct TaskTracker TaskTracker;
/* The GUI state: open screen (GUI_NONE when none), cursor position, cursor stack, crafting
 * grid, recipe book entries (sim/gui.h: gui_layout, gui_hovered, gui_book_recipe). */
const Gui *env_gui(const Env *env);
/* The furnace of the open furnace screen (progress: furnace_cook_fraction/burn_fraction), or
 * NULL. */
const Furnace *env_open_furnace(const Env *env);
/* What the crafting output slot shows now (count 0 when the grid makes nothing). */
ItemStack env_gui_output(const Env *env);
const RecipeSet *env_recipes(const Env *env);
/* Mobs: type, feet position, yaw, health, hurt timer (sim/mob.h). */
int env_mob_count(const Env *env);
const Mob *env_mob_get(const Env *env, int i);
const Stats *env_stats(const Env *env);
const Task *env_task(const Env *env);
/* Reward progress: counted/obtained per item, first tick each item was obtained. */
const TaskTracker *env_task_tracker(const Env *env);
/* Tests and tools: replace the task (progress restarts), spawn a mob (MobType; -1 if full). */
void env_set_task(Env *env, const Task *task);
int env_mob_spawn(Env *env, int type, double x, double y, double z);

#endif
