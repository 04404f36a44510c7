/* survival.c: hunger, regeneration, starvation, eating, drowning (see survival.h). */
#include "sim/survival.h"

#include <stddef.h>

#include "core/log.h"

void survival_init(Survival *s) {
    *s = (Survival){.food_timer = 0, .eat_ticks = 0, .eat_slot = -1};
}

static void hunger(SurvivalBody *s) {
    int *food = &s->food;
    while (s->exhaustion >= 4.0f) {
        s->exhaustion -= 4.0f;
        if (s->saturation > 0.0f) {
            s->saturation -= 1.0f;
            if (s->saturation < 0.0f) s->saturation = 0.0f;
        } else if (*food > 0) {
            (*food)--;
        }
    }
}

static float regen(Survival *t, SurvivalBody *s) {
    float *health = &s->health, max_health = s->max_health;
    int food = s->food;
    if (food >= SURVIVAL_MAX_FOOD && s->saturation > 0.0f && *health < max_health) {
        if (++t->food_timer >= 10) {
            float sat = s->saturation < 6.0f ? s->saturation : 6.0f;
            *health += sat / 6.0f;
            if (*health > max_health) *health = max_health;
            s->exhaustion += sat;
            t->food_timer = 0;
        }
    } else if (food >= 18 && *health < max_health) {
        if (++t->food_timer >= 80) {
            *health += 1.0f;
            if (*health > max_health) *health = max_health;
            s->exhaustion += 6.0f;
            t->food_timer = 0;
        }
    } else if (food <= 0) {
        if (++t->food_timer >= 80) {
            t->food_timer = 0;
            if (*health > 1.0f) return 1.0f; /* normal difficulty stops at half a heart */
        }
    } else {
        t->food_timer = 0;
    }
    return 0.0f;
}

float survival_tick(Survival *t, const SurvivalInput *in, SurvivalBody *s) {
    int *air = &s->air;
    s->exhaustion += 0.1f * in->sprint_m + 0.01f * in->swim_m + 0.005f * in->blocks_mined +
                     0.1f * in->attacks + 0.1f * (in->damage_taken > 0 ? 1.0f : 0.0f);
    if (in->sprint_jumped)
        s->exhaustion += 0.2f;
    else if (in->jumped)
        s->exhaustion += 0.05f;
    if (s->exhaustion > 40.0f) s->exhaustion = 40.0f;
    hunger(s);
    float damage = s->health > 0.0f ? regen(t, s) : 0.0f;
    if (in->eyes_in_water) {
        if (--*air <= -20) {
            *air = 0;
            damage += 2.0f;
        }
    } else {
        *air += 4;
        if (*air > SURVIVAL_MAX_AIR) *air = SURVIVAL_MAX_AIR;
    }
    return damage;
}

int survival_eat(Survival *s, int use_held, int slot, ItemStack *stack, SurvivalBody *b) {
    int *food = &b->food;
    const ItemInfo *info = stack->count > 0 ? item_info(stack->item) : NULL;
    if (!use_held || !info || info->food == 0 || *food >= SURVIVAL_MAX_FOOD) {
        s->eat_ticks = 0;
        s->eat_slot = -1;
        return 0;
    }
    if (slot != s->eat_slot) { /* switching slots starts over */
        s->eat_slot = slot;
        s->eat_ticks = 0;
    }
    if (++s->eat_ticks < SURVIVAL_EAT_TICKS) return 0;
    s->eat_ticks = 0;
    *food += info->food;
    if (*food > SURVIVAL_MAX_FOOD) *food = SURVIVAL_MAX_FOOD;
    b->saturation += info->saturation;
    if (b->saturation > (float)*food) b->saturation = (float)*food;
    if (--stack->count == 0) *stack = (ItemStack){0};
    return 1;
}
