/* furnace.h: furnace state and smelting (Minecraft's rules).
 *
 * A furnace has input, fuel and output slots. While it burns, the input cooks one item per
 * SMELT_TICKS (200) ticks into its smelting result; when the burn time runs out and there is
 * something to smelt whose result fits the output, one fuel item is consumed (coal 1600 ticks
 * = 8 items, planks/logs 300 = 1.5, sticks 100 = 0.5). Cooking progress falls back to zero when
 * nothing can be smelted. Furnaces keep working while no GUI shows them.
 *
 * A FurnaceTable holds the state of every placed furnace by block position (fixed capacity,
 * no allocation per tick). Invariants: slot stacks are empty (count 0, ITEM_NONE) or valid;
 * 0 <= cook < SMELT_TICKS; 0 <= burn_left <= burn_total. */
#ifndef SIM_FURNACE_H
#define SIM_FURNACE_H

#include "sim/item.h"
#include "sim/recipe.h"

#define FURNACE_MAX 32

typedef struct Furnace {
    int used; /* slot of the table holds a furnace */
    int x, y, z;
    ItemStack input, fuel, output;
    int burn_left, burn_total; /* ticks of fuel left / of the last fuel item */
    int cook;                  /* ticks the current input item has cooked */
    int smelted;               /* items finished since creation (statistics, tests) */
} Furnace;

typedef struct FurnaceTable {
    Furnace f[FURNACE_MAX];
    int n_used; /* furnaces in use (0: nothing to tick) */
} FurnaceTable;

/* One tick of one furnace. Returns 1 when an item finished smelting this tick. */
int furnace_tick(Furnace *f, const RecipeSet *recipes);
/* Would the furnace cook now if it had fuel (input smeltable, result fits output)? */
int furnace_can_smelt(const Furnace *f, const RecipeSet *recipes);

/* Furnace state at a block position, created empty if absent; NULL when the table is full. */
Furnace *furnace_table_get(FurnaceTable *t, int x, int y, int z);
/* Index of the furnace at a position or -1. */
int furnace_table_find(const FurnaceTable *t, int x, int y, int z);

/* Progress for renderers, 0..1: cooking of the current item, and fuel left. */
float furnace_cook_fraction(const Furnace *f);
float furnace_burn_fraction(const Furnace *f);

#endif
