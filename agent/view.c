/* view.c: the read-only view of the env for scripted players (see view.h). Only const
 * accessors of sim/env.h are used here. */
#include "agent/view.h"

#include <math.h>
#include <string.h>

#include "sim/block.h"
#include "sim/env.h"
#include "sim/furnace.h"
#include "sim/gui.h"
#include "sim/mob.h"
#include "sim/item.h"
#include "sim/world.h"

uint8_t view_block(const Env *env, int x, int y, int z) {
    return world_block_get(env_world(env), x, y, z);
}

const uint8_t *view_chunk_blocks(const Env *env, int cx, int cz) {
    return world_chunk_blocks(env_world(env), cx, cz);
}

uint8_t view_light(const Env *env, int x, int y, int z) {
    return world_light_get(env_world(env), x, y, z);
}

void view_player(const Env *env, PlayerView *out) {
    const Player *p = env_player(env);
    out->x = p->x;
    out->y = p->y;
    out->z = p->z;
    out->yaw = p->yaw;
    out->pitch = p->pitch;
    out->on_ground = p->on_ground;
    out->in_water = p->in_water;
    out->health = p->health;
    out->food = (float)p->food;
    out->inv = p->inventory;
    out->has_target = p->target.has_target;
    out->tx = p->target.x;
    out->ty = p->target.y;
    out->tz = p->target.z;
    out->tface = p->target.face;
    out->break_progress = p->target.break_progress;
    out->tick = (int64_t)env_tick(env);
    out->time_of_day = env_time_of_day(env);
}

int view_item_count(const Env *env) { return env_item_count(env); }

int view_item_get(const Env *env, int i, double *x, double *y, double *z, ItemId *item) {
    if (i < 0 || i >= env_item_count(env)) return 0;
    const ItemEntity *it = env_item_get(env, i);
    *x = it->x;
    *y = it->y;
    *z = it->z;
    *item = it->stack.item;
    return 1;
}

int view_block_solid(uint8_t b) { return block_is_solid(b); }

int view_block_liquid(uint8_t b) {
    return (block_info((BlockId)b)->flags & BLOCK_FLAG_LIQUID) != 0;
}

int view_break_ticks(uint8_t b, ItemId tool, int *drops) {
    const BlockInfo *bi = block_info((BlockId)b);
    const ItemInfo *it = item_info(tool);
    int matches = bi->tool != TOOL_NONE && it->tool == bi->tool;
    int can = !bi->needs_tool || (matches && it->tier >= bi->harvest_tier);
    *drops = can && bi->hardness >= 0 && bi->drop_item != ITEM_NONE;
    if (bi->hardness < 0) return -1;
    if (bi->hardness == 0) return 1;
    double speed = matches ? it->speed : 1.0;
    double rate = speed / bi->hardness / (can ? 30.0 : 100.0);
    int t = (int)ceil(1.0 / rate - 1e-9);
    return t < 1 ? 1 : t;
}

uint8_t view_item_places(ItemId item) { return item_info(item)->places; }

int view_food_points(ItemId item) { return item_info(item)->food; }

void view_gui(const Env *env, GuiView *out) {
    memset(out, 0, sizeof *out);
    const Gui *g = env_gui(env);
    out->screen = g->screen;
    if (g->screen == GUI_NONE) return;
    out->cursor_x = g->cursor_x;
    out->cursor_y = g->cursor_y;
    out->cursor = g->cursor;
    memcpy(out->grid, g->grid, sizeof out->grid);
    out->grid_w = g->grid_w;
    out->book_n = g->book_n;
    out->book_page = g->book_page;
    out->book_pages = gui_book_pages(g);
    for (int b = 0; b < GUI_BOOK_BUTTONS; b++) out->book_recipe[b] = gui_book_recipe(g, b);
    const Furnace *f = env_open_furnace(env);
    if (f) {
        out->furnace_input = f->input;
        out->furnace_fuel = f->fuel;
        out->furnace_output = f->output;
    }
}

const RecipeSet *view_recipes(const Env *env) { return env_recipes(env); }

int view_mob_count(const Env *env) { return env_mob_count(env); }

int view_mob_get(const Env *env, int i, AgentMob *out) {
    if (i < 0 || i >= env_mob_count(env)) return 0;
    const Mob *m = env_mob_get(env, i);
    out->x = m->x;
    out->y = m->y;
    out->z = m->z;
    out->health = m->health;
    out->hostile = m->type == MOB_ZOMBIE;
    out->type = (int)m->type;
    return 1;
}
