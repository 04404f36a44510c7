/* view.h: the scripted players' read-only view of the env (they are oracles: they may read
 * anything, change nothing). Every function takes `const Env *`; this file is the one place
 * that knows the sim's accessors, so the planners above it stay independent of their spelling.
 *
 * PlayerView/GuiView are plain copies filled each tick (no pointers into the env survive). */
#ifndef AGENT_VIEW_H
#define AGENT_VIEW_H

#include <stdint.h>

#include "sim/gui.h"
#include "sim/inventory.h"
#include "sim/item.h"
#include "sim/recipe.h"

typedef struct Env Env;

typedef struct PlayerView {
    double x, y, z; /* feet */
    float yaw, pitch;
    int on_ground, in_water;
    float health, food;
    Inventory inv;
    int has_target, tx, ty, tz, tface;
    float break_progress;
    int64_t tick;
    int time_of_day;
} PlayerView;

typedef struct GuiView {
    GuiScreen screen;
    float cursor_x, cursor_y;
    ItemStack cursor;
    ItemStack grid[9];
    int grid_w;
    int book_n; /* recipes listed in the book */
    int book_page, book_pages;
    int book_recipe[GUI_BOOK_BUTTONS]; /* recipe index per button of the page, -1 empty */
    ItemStack furnace_input, furnace_fuel, furnace_output;
} GuiView;

typedef enum AgentMobKind { AGENT_MOB_PASSIVE = 0, AGENT_MOB_HOSTILE } MobKindView;

typedef struct AgentMob {
    double x, y, z;
    float health;
    int hostile;
    int type;
} AgentMob;

uint8_t view_block(const Env *env, int x, int y, int z);
/* The chunk's block array (sim/world.h layout) or NULL when it is not loaded. */
const uint8_t *view_chunk_blocks(const Env *env, int cx, int cz);
/* sky << 4 | block light at a cell. */
uint8_t view_light(const Env *env, int x, int y, int z);
void view_player(const Env *env, PlayerView *out);
void view_gui(const Env *env, GuiView *out);
const RecipeSet *view_recipes(const Env *env);

int view_item_count(const Env *env);
/* Item entity i: position and item; returns 0 if i is out of range. */
int view_item_get(const Env *env, int i, double *x, double *y, double *z, ItemId *item);

int view_mob_count(const Env *env);
int view_mob_get(const Env *env, int i, AgentMob *out);

/* Block properties the planner needs (from the sim's registry). */
int view_block_solid(uint8_t b);
int view_block_liquid(uint8_t b);
/* Ticks to break block b holding `tool` (ITEM_NONE: hand); < 0 when unbreakable. Sets
 * *drops to 1 when the block drops its item with that tool. */
int view_break_ticks(uint8_t b, ItemId tool, int *drops);
/* Block a held item places, or BLOCK_AIR. */
uint8_t view_item_places(ItemId item);
int view_food_points(ItemId item);

#endif
