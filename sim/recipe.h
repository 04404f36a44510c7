/* recipe.h: crafting, smelting and fuel data loaded from worlds/recipes.json.
 *
 * A RecipeSet holds shaped recipes (a pattern of up to 3x3 cells, each naming an ingredient:
 * a set of accepted items, e.g. coal OR charcoal), shapeless recipes (a multiset of
 * ingredients), smelting recipes (input item -> output item) and fuels (item -> burn ticks).
 * Matching follows Minecraft: a shaped pattern matches wherever its bounding box sits in the
 * grid, mirrored left-right as well; a 2x2 recipe works anywhere in a 3x3 grid.
 *
 * The default set is compiled into the library from worlds/recipes.json at build time, so an
 * env never depends on the working directory; recipe_set_load_file reads another one.
 * Invariants after loading: every item id is valid, every pattern is 1..3 x 1..3 and not
 * empty, counts are 1..64. */
#ifndef SIM_RECIPE_H
#define SIM_RECIPE_H

#include <stdint.h>

#include "core/status.h"
#include "sim/item.h"

#define RECIPE_MAX 96
#define RECIPE_MAX_ALTS 4  /* items an ingredient may accept */
#define RECIPE_MAX_CELLS 9 /* 3x3 */
#define SMELT_MAX 32
#define FUEL_MAX 32
#define SMELT_TICKS 200 /* ticks to smelt one item */

/* An ingredient: one of n_alts items (n_alts 0 = empty cell). */
typedef struct RecipeIngredient {
    ItemId alts[RECIPE_MAX_ALTS];
    int n_alts;
} RecipeIngredient;

typedef struct Recipe {
    int shaped;                               /* 1: pattern of w x h cells; 0: shapeless */
    int w, h;                                 /* shaped: pattern size; shapeless: h = 1, w = n */
    RecipeIngredient cells[RECIPE_MAX_CELLS]; /* shaped: row-major w*h; shapeless: w items */
    ItemId result;
    int count;
} Recipe;

typedef struct SmeltRecipe {
    ItemId input, result;
} SmeltRecipe;

typedef struct FuelInfo {
    ItemId item;
    int ticks; /* burn time; SMELT_TICKS smelts one item */
} FuelInfo;

typedef struct RecipeSet {
    Recipe recipes[RECIPE_MAX];
    int n_recipes;
    SmeltRecipe smelts[SMELT_MAX];
    int n_smelts;
    FuelInfo fuels[FUEL_MAX];
    int n_fuels;
} RecipeSet;

/* The recipes compiled in from worlds/recipes.json (static storage, never NULL). */
const RecipeSet *recipe_set_default(void);
/* Parse a recipe file; errors name the file and the field ("recipes.json: shaped[3].key.X:
 * unknown item 'foo'"). */
Status recipe_set_load_file(const char *path, RecipeSet *out);
Status recipe_set_load_buffer(const char *text, const char *where, RecipeSet *out);

/* Index of the recipe the grid (grid_w x grid_w stacks, row-major) makes, or -1. */
int recipe_match(const RecipeSet *set, const ItemStack *grid, int grid_w);

/* Can the recipe be placed in a grid_w grid and are its ingredients in `have` (counts per
 * item)? */
int recipe_fits(const Recipe *r, int grid_w);
int recipe_available(const Recipe *r, const int have[ITEM_COUNT]);
/* Does `item` satisfy the ingredient? */
int recipe_ingredient_accepts(const RecipeIngredient *ing, ItemId item);

/* Grid cell (row-major in a grid_w grid) where cell i of the recipe goes when the recipe book
 * places it at the top-left. */
int recipe_cell_slot(const Recipe *r, int i, int grid_w);

/* Smelting result of an item, or ITEM_NONE. */
ItemId recipe_smelt_result(const RecipeSet *set, ItemId input);
/* Burn ticks of a fuel item, 0 if it is not a fuel. */
int recipe_fuel_ticks(const RecipeSet *set, ItemId item);

#endif
