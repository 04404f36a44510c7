/* env_internal.h: the Env's layout and the phase functions env_step calls, shared by the
 * sim/ files that implement the rules (env.c, interact.c, and the survival/GUI/mob/task files
 * of issue 4). Not for other modules: they use the accessors of env.h.
 *
 * Snapshot rule: env_snapshot copies the Env struct by value and the world separately; a field
 * that owns heap memory must be deep-copied in env_snapshot/env_restore (see env.c). */
#ifndef SIM_ENV_INTERNAL_H
#define SIM_ENV_INTERNAL_H

#include "core/rng.h"
#include "sim/env.h"
#include "sim/furnace.h"
#include "sim/gui.h"
#include "sim/mob.h"
#include "sim/recipe.h"
#include "sim/stats.h"
#include "sim/survival.h"
#include "sim/task.h"

struct Env {
    WorldPreset preset; /* owned copy; preset.gen.seed is the episode seed */
    uint64_t seed;
    World *world; /* owned */
    Player player;
    ItemEntity items[ENV_MAX_ITEMS];
    int n_items;
    Rng rng; /* every random draw of the rules */
    uint64_t tick;
    int day_ticks; /* 0 .. day_length - 1 */
    uint32_t prev_keys;
    double spawn[3];
    int load_cx, load_cz, load_missing; /* chunk streaming state */
    int world_radius_cache;             /* preset.view_radius */
    StepResult *result;                 /* the result being filled during env_step */
    /* issue 4 (items_env.c): GUI, furnaces, mobs, survival timers, task progress, stats */
    const RecipeSet *recipes; /* static (recipe_set_default) */
    Gui gui;
    FurnaceTable furnaces;
    MobTable mobs;
    Survival survival;
    Task task;
    int task_set; /* task chosen (from the preset or env_set_task) */
    TaskTracker tracker;
    Stats stats;
    int consumed[ITEM_COUNT]; /* used up this tick by crafting and eating */
    int consumed_any;
    ItemStack held_cache[INVENTORY_SLOTS + 10]; /* inventory, grid, cursor at the last reward */
    int pre_on_ground;                          /* player state before this tick's movement */
    double pre_pos[3];
    int mob_attacks; /* hits landed on mobs this tick */
};

/* Appends an event to the current step's result (dropped if the list is full or no step is
 * running). */
void env_event(Env *e, EnvEventType type, int item, int count, int x, int y, int z, float amount);
/* 1 on the tick key k goes down (held now, not on the previous tick). */
static inline int env_key_pressed(const Env *e, const Action *a, ActionKey k) {
    return action_key_down(a, k) && !(e->prev_keys & ACTION_KEY_BIT(k));
}
/* Applies damage (half hearts) with a cause; death is handled in the survival phase. */
void env_damage(Env *e, float amount, int cause);

/* interact.c: the interaction and entity phases */
void env_phase_interact(Env *e, const Action *a);
void env_phase_items(Env *e);
/* Mining rate per tick (fraction of the block) for the held stack on block b, and whether the
 * block drops anything with it. */
double env_mining_rate(const Player *p, uint8_t block, int *can_harvest);
/* Throws a stack from the player's eye along the view (Q, death drops use scatter=1). */
void env_throw_stack(Env *e, ItemStack stack, int scatter);

/* items_env.c: the issue-4 phases (see env.c for where each runs) */
void items_env_reset(Env *e);
/* Phase 1 when a GUI is open or opens: returns 1 when the GUI took the input this tick. */
int items_phase_gui(Env *e, const Action *a);
int items_gui_open(const Env *e);
/* `use` on the targeted block: opens a crafting table or furnace; 1 when it did. */
int items_use_block(Env *e);
/* Attack on a mob under the crosshair (before mining): 1 when the attack went to a mob. */
int items_attack_mob(Env *e, const Action *a);
/* 1 if a mob's box overlaps the unit cube at (x, y, z) (placing is refused). */
int items_mob_blocks_place(const Env *e, int x, int y, int z);
void items_phase_entities(Env *e);                  /* furnaces and mobs */
void items_phase_survival(Env *e, const Action *a); /* before the death check */
void items_on_death(Env *e);                        /* before the inventory drops */
void items_phase_reward(Env *e, StepResult *r);     /* task reward, statistics */
void items_held_counts(const Env *e, int held[ITEM_COUNT]);
uint64_t items_hash(const Env *e, uint64_t h);

#endif
