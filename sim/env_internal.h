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
    /* issue 4 (items helper) adds its state here: Gui, mobs, survival timers, task progress */
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

#endif
