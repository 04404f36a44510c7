/* survival.h: hunger, exhaustion, regeneration, starvation, eating and drowning, with
 * Minecraft Java's constants (normal difficulty).
 *
 * Food 0..20 with hidden saturation (starts at 5) and exhaustion: every 4.0 exhaustion takes
 * one saturation point, or one food point when saturation is 0. Exhaustion per action: sprint
 * 0.1/m, swim 0.01/m, jump 0.05 (sprint-jump 0.2), block mined 0.005, attack 0.1, damage taken
 * 0.1. Regeneration: food 20 with saturation heals min(sat, 6)/6 HP every 10 ticks (adding
 * min(sat, 6) exhaustion); food >= 18 heals 1 HP every 80 ticks (adding 6 exhaustion); food 0 hurts
 * 1 HP every 80 ticks down to 1 HP. Eating: hold `use` with a food item selected and food < 20 for
 * 32 ticks. Air 300 ticks: while the eyes are in water it drops by 1 per tick; at -20 it goes back
 * to 0 and the player takes 2 damage; out of water it refills 4 per tick.
 *
 * The module changes food and air directly; damage goes back to the caller (the env applies
 * it through its damage path, which handles death); healing is applied to *health. */
#ifndef SIM_SURVIVAL_H
#define SIM_SURVIVAL_H

#include "sim/item.h"

#define SURVIVAL_MAX_FOOD 20
#define SURVIVAL_MAX_AIR 300
#define SURVIVAL_EAT_TICKS 32

/* Timers the module keeps between ticks. */
typedef struct Survival {
    int food_timer; /* ticks towards the next regeneration / starvation step */
    int eat_ticks;  /* ticks `use` has been held with food */
    int eat_slot;   /* hotbar slot being eaten from, -1 none */
} Survival;

typedef struct SurvivalInput {
    int eyes_in_water;
    float sprint_m, swim_m; /* distance this tick */
    int jumped, sprint_jumped;
    int blocks_mined;
    int attacks;
    float damage_taken;
} SurvivalInput;

/* The player's survival numbers (the env copies them from and back to its Player). */
typedef struct SurvivalBody {
    float health, max_health;
    int food;
    float saturation, exhaustion;
    int air;
} SurvivalBody;

void survival_init(Survival *s);
/* One tick. Healing goes into b->health; returns the damage to apply (drowning,
 * starvation). */
float survival_tick(Survival *s, const SurvivalInput *in, SurvivalBody *b);
/* Eating: call every tick with whether `use` is held and the selected hotbar slot's stack.
 * Returns 1 on the tick one item was eaten (the stack lost one item, food/saturation grew). */
int survival_eat(Survival *s, int use_held, int slot, ItemStack *stack, SurvivalBody *b);

#endif
