/* survival.c: hunger, regeneration, starvation, eating, drowning (see survival.h). */
#include "sim/survival.h"

#include <stddef.h>

#include "core/log.h"

void survival_init(Survival *s) {
    *s = (Survival){.saturation = 5.0f, .exhaustion = 0.0f, .food_timer = 0, .eat_slot = -1};
}

static void hunger(Survival *s, int *food) {
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

static float regen(Survival *s, float *health, float max_health, int food) {
    if (food >= SURVIVAL_MAX_FOOD && s->saturation > 0.0f && *health < max_health) {
        if (++s->food_timer >= 10) {
            float sat = s->saturation < 6.0f ? s->saturation : 6.0f;
            *health += sat / 6.0f;
            if (*health > max_health) *health = max_health;
            s->exhaustion += sat;
            s->food_timer = 0;
        }
    } else if (food >= 18 && *health < max_health) {
        if (++s->food_timer >= 80) {
            *health += 1.0f;
            if (*health > max_health) *health = max_health;
            s->exhaustion += 6.0f;
            s->food_timer = 0;
        }
    } else if (food <= 0) {
        if (++s->food_timer >= 80) {
            s->food_timer = 0;
            if (*health > 1.0f) return 1.0f; /* normal difficulty stops at half a heart */
        }
    } else {
        s->food_timer = 0;
    }
    return 0.0f;
}

float survival_tick(Survival *s, const SurvivalInput *in, float *health, float max_health,
                    int *food, int *air) {
    s->exhaustion += 0.1f * in->sprint_m + 0.01f * in->swim_m + 0.005f * in->blocks_mined +
                     0.1f * in->attacks + 0.1f * (in->damage_taken > 0 ? 1.0f : 0.0f);
    if (in->sprint_jumped)
        s->exhaustion += 0.2f;
    else if (in->jumped)
        s->exhaustion += 0.05f;
    if (s->exhaustion > 40.0f) s->exhaustion = 40.0f;
    hunger(s, food);
    float damage = *health > 0.0f ? regen(s, health, max_health, *food) : 0.0f;
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

int survival_eat(Survival *s, int use_held, int slot, ItemStack *stack, int *food) {
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
    s->saturation += info->saturation;
    if (s->saturation > (float)*food) s->saturation = (float)*food;
    if (--stack->count == 0) *stack = (ItemStack){0};
    return 1;
}
