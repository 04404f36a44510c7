/* furnace.c: smelting ticks and the table of placed furnaces (see furnace.h). */
#include "sim/furnace.h"

#include <string.h>

#include "core/log.h"

int furnace_can_smelt(const Furnace *f, const RecipeSet *recipes) {
    if (f->input.count == 0) return 0;
    ItemId out = recipe_smelt_result(recipes, f->input.item);
    if (out == ITEM_NONE) return 0;
    if (f->output.count == 0) return 1;
    return f->output.item == out && f->output.count < item_info(out)->max_stack;
}

int furnace_tick(Furnace *f, const RecipeSet *recipes) {
    int can = furnace_can_smelt(f, recipes);
    if (f->burn_left == 0 && can && f->fuel.count > 0) {
        int ticks = recipe_fuel_ticks(recipes, f->fuel.item);
        if (ticks > 0) {
            f->burn_left = f->burn_total = ticks;
            if (--f->fuel.count == 0) f->fuel = (ItemStack){0};
        }
    }
    int done = 0;
    if (f->burn_left > 0) {
        f->burn_left--;
        if (can && ++f->cook >= SMELT_TICKS) {
            ItemId out = recipe_smelt_result(recipes, f->input.item);
            f->cook = 0;
            if (--f->input.count == 0) f->input = (ItemStack){0};
            if (f->output.count == 0) f->output = (ItemStack){.item = out, .count = 0};
            f->output.count++;
            f->smelted++;
            done = 1;
        }
    }
    if (!can) f->cook = 0;
    return done;
}

int furnace_table_find(const FurnaceTable *t, int x, int y, int z) {
    for (int i = 0; i < FURNACE_MAX; i++) {
        const Furnace *f = &t->f[i];
        if (f->used && f->x == x && f->y == y && f->z == z) return i;
    }
    return -1;
}

Furnace *furnace_table_get(FurnaceTable *t, int x, int y, int z) {
    int i = furnace_table_find(t, x, y, z);
    if (i >= 0) return &t->f[i];
    for (i = 0; i < FURNACE_MAX; i++) {
        if (!t->f[i].used) {
            memset(&t->f[i], 0, sizeof t->f[i]);
            t->f[i].used = 1;
            t->n_used++;
            t->f[i].x = x;
            t->f[i].y = y;
            t->f[i].z = z;
            return &t->f[i];
        }
    }
    return NULL;
}

float furnace_cook_fraction(const Furnace *f) { return (float)f->cook / (float)SMELT_TICKS; }

float furnace_burn_fraction(const Furnace *f) {
    return f->burn_total > 0 ? (float)f->burn_left / (float)f->burn_total : 0.0f;
}
