/* test_items_env.c: crafting, the recipe book, shift-click, right-click split, the furnace with
 * each fuel, eating, drowning, death and respawn, mobs and reward accounting, all driven
 * through native actions only (key presses and mouse deltas into env_step). Test setup (the
 * starting inventory, a mob to hit, a hungry player) uses the test-only mutators of env.h; no
 * item is ever moved by a direct call. A helper turns "move the cursor to slot S and click"
 * into Action sequences using the GUI layout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/rng.h"
#include "sim/env.h"
#include "sim/gui.h"
#include "sim/mob.h"
#include "sim/preset.h"
#include "sim/recipe.h"
#include "sim/stats.h"
#include "sim/task.h"
#include "tests/check.h"

/* ---- driving the env with native actions ----------------------------------------------- */

typedef struct Run {
    Env *env;
    double reward;
    int events[ENV_EVENT_TYPE_COUNT];
    int damage_causes[8];
} Run;

static StepResult step(Run *r, uint32_t keys, float dx, float dy) {
    Action a = {.keys = keys, .mouse_dx = dx, .mouse_dy = dy};
    StepResult s = env_step(r->env, &a);
    r->reward += s.reward;
    for (int i = 0; i < s.n_events; i++) {
        r->events[s.events[i].type]++;
        if (s.events[i].type == ENV_EVENT_DAMAGED && s.events[i].item < 8)
            r->damage_causes[s.events[i].item]++;
    }
    return s;
}

static void idle(Run *r, int ticks) {
    for (int i = 0; i < ticks; i++) step(r, 0, 0, 0);
}

/* Press (one tick down) and release (one tick up) `keys`. */
static void press(Run *r, uint32_t keys) {
    step(r, keys, 0, 0);
    step(r, 0, 0, 0);
}

#define K(k) ACTION_KEY_BIT(k)

static const GuiElem *elem(GuiScreen s, GuiElemKind kind, int index) {
    const GuiLayout *l = gui_layout(s);
    for (int i = 0; i < l->n_elems; i++)
        if (l->elems[i].kind == kind && l->elems[i].index == index) return &l->elems[i];
    ASSERT(0);
    return NULL;
}

/* One tick of mouse motion that brings the cursor to the centre of an element. */
static void move_to(Run *r, GuiElemKind kind, int index) {
    const Gui *g = env_gui(r->env);
    const GuiElem *e = elem(g->screen, kind, index);
    float tx = (float)(e->rect.x + e->rect.w / 2), ty = (float)(e->rect.y + e->rect.h / 2);
    step(r, 0, tx - g->cursor_x, ty - g->cursor_y);
}

/* Move there and click: left, right or shift-left (sneak held with attack). */
static void click_at(Run *r, GuiElemKind kind, int index, GuiClick click) {
    move_to(r, kind, index);
    uint32_t keys = click == GUI_CLICK_RIGHT ? K(KEY_USE) : K(KEY_ATTACK);
    if (click == GUI_CLICK_SHIFT_LEFT) keys |= K(KEY_SNEAK);
    press(r, keys);
}

static Run *run_create(const char *json, uint64_t seed) {
    WorldPreset p;
    Status st = preset_load_string(json, "test preset", &p);
    ASSERT(st == STATUS_OK);
    Run *r = calloc(1, sizeof *r);
    r->env = env_create(&p, seed);
    preset_deinit(&p);
    return r;
}

static void run_destroy(Run *r) {
    env_destroy(r->env);
    free(r);
}

static int count_item(const Env *e, ItemId item) {
    int n = 0;
    const Inventory *inv = &env_player(e)->inventory;
    for (int i = 0; i < INVENTORY_SLOTS; i++)
        if (inv->slots[i].item == item) n += inv->slots[i].count;
    return n;
}

static void give(Run *r, int slot, ItemId item, int count) {
    env_player_mut(r->env)->inventory.slots[slot] = (ItemStack){item, (uint8_t)count, 0};
}

static void clear_inventory(Run *r) {
    memset(env_player_mut(r->env)->inventory.slots, 0, sizeof(ItemStack) * INVENTORY_SLOTS);
}

/* Flat grass at y = 3 (stand at y = 4), a crafting table 2 blocks south and a furnace 2 blocks
 * north, the player looking at the table; daytime fixed, no mobs. */
static const char *WORKSHOP =
    "{\"generator\": \"flat\", \"mobs\": false, \"fixed_time\": true, \"time_of_day\": 6000,"
    " \"view_radius\": 2, \"episode_length\": 0,"
    " \"blocks\": [{\"pos\": [0, 4, 2], \"block\": \"crafting_table\"},"
    "             {\"pos\": [0, 4, -2], \"block\": \"furnace\"}],"
    " \"spawn\": {\"x\": 0.5, \"y\": 4, \"z\": 0.5, \"yaw\": 0, \"pitch\": 35}}";

static void open_table(Run *r) {
    press(r, K(KEY_USE));
    ASSERT(env_gui(r->env)->screen == GUI_CRAFTING_TABLE);
}

/* Turn to face the furnace (yaw 180) and open it. */
static void open_furnace(Run *r) {
    step(r, 0, 180.0f / ACTION_DEGREES_PER_COUNT, 0);
    press(r, K(KEY_USE));
    ASSERT(env_gui(r->env)->screen == GUI_FURNACE);
}

/* ---- crafting ------------------------------------------------------------------------------- */

/* Every recipe of worlds/recipes.json, crafted at a crafting table by clicks: pick up an
 * ingredient stack, right-click one into each grid cell, put the stack back, take the output. */
static void test_env_craft_every_recipe(void) {
    Run *r = run_create(WORKSHOP, 1);
    const RecipeSet *rs = env_recipes(r->env);
    for (int i = 0; i < rs->n_recipes; i++) {
        const Recipe *rc = &rs->recipes[i];
        clear_inventory(r);
        ItemId have[9];
        int n_have = 0;
        for (int c = 0; c < rc->w * rc->h; c++) {
            if (!rc->cells[c].n_alts) continue;
            ItemId it = rc->cells[c].alts[0];
            int k = 0;
            while (k < n_have && have[k] != it) k++;
            if (k == n_have) give(r, 9 + n_have, it, 64), have[n_have++] = it;
        }
        open_table(r);
        for (int c = 0; c < rc->w * rc->h; c++) {
            if (!rc->cells[c].n_alts) continue;
            int k = 0;
            while (have[k] != rc->cells[c].alts[0]) k++;
            /* mirrored placement for odd recipes exercises mirroring through the GUI too */
            int cell = recipe_cell_slot(rc, c, 3);
            if (rc->shaped && (i % 2)) cell = (c / rc->w) * 3 + (rc->w - 1 - c % rc->w);
            click_at(r, GUI_ELEM_INVENTORY, 9 + k, GUI_CLICK_LEFT);
            click_at(r, GUI_ELEM_GRID, cell, GUI_CLICK_RIGHT);
            click_at(r, GUI_ELEM_INVENTORY, 9 + k, GUI_CLICK_LEFT);
        }
        int crafted_before = r->events[ENV_EVENT_CRAFTED];
        click_at(r, GUI_ELEM_OUTPUT, 0, GUI_CLICK_LEFT);
        const Gui *g = env_gui(r->env);
        CHECK_MSG(g->cursor.item == rc->result && g->cursor.count == rc->count,
                  "recipe %d (%s): cursor holds %d x %s", i, item_name(rc->result), g->cursor.count,
                  item_name(g->cursor.item));
        CHECK_EQ_INT(r->events[ENV_EVENT_CRAFTED], crafted_before + 1);
        press(r, K(KEY_ESC));
        CHECK(env_gui(r->env)->screen == GUI_NONE);
        CHECK_MSG(count_item(r->env, rc->result) == rc->count, "recipe %d: %d x %s in inventory", i,
                  count_item(r->env, rc->result), item_name(rc->result));
        for (int k = 0; k < n_have; k++) /* the grid went back: one of each cell used */
            CHECK(count_item(r->env, have[k]) < 64 && count_item(r->env, have[k]) >= 55);
    }
    run_destroy(r);
}

/* A 2x2 recipe in the 3x3 grid at its bottom-right corner, via the inventory screen's grid too. */
static void test_env_craft_positions(void) {
    Run *r = run_create(WORKSHOP, 2);
    clear_inventory(r);
    give(r, 9, BLOCK_OAK_PLANKS, 8);
    open_table(r);
    click_at(r, GUI_ELEM_INVENTORY, 9, GUI_CLICK_LEFT);
    static const int cells[4] = {4, 5, 7, 8};
    for (int k = 0; k < 4; k++) click_at(r, GUI_ELEM_GRID, cells[k], GUI_CLICK_RIGHT);
    click_at(r, GUI_ELEM_INVENTORY, 9, GUI_CLICK_LEFT);
    click_at(r, GUI_ELEM_OUTPUT, 0, GUI_CLICK_SHIFT_LEFT);
    press(r, K(KEY_INVENTORY));
    CHECK_EQ_INT(count_item(r->env, BLOCK_CRAFTING_TABLE), 1);
    CHECK_EQ_INT(count_item(r->env, BLOCK_OAK_PLANKS), 4);
    /* inventory screen: 2 planks stacked -> 4 sticks */
    press(r, K(KEY_INVENTORY));
    CHECK(env_gui(r->env)->screen == GUI_INVENTORY);
    int src = -1;
    for (int i = 0; i < INVENTORY_SLOTS; i++)
        if (env_player(r->env)->inventory.slots[i].item == BLOCK_OAK_PLANKS) src = i;
    click_at(r, GUI_ELEM_INVENTORY, src, GUI_CLICK_LEFT);
    click_at(r, GUI_ELEM_GRID, 1, GUI_CLICK_RIGHT);
    click_at(r, GUI_ELEM_GRID, 3, GUI_CLICK_RIGHT);
    CHECK(env_gui(r->env)->cursor.count == 2);
    click_at(r, GUI_ELEM_GRID, 3, GUI_CLICK_RIGHT);  /* grid: right column 1 + 2 planks */
    click_at(r, GUI_ELEM_OUTPUT, 0, GUI_CLICK_LEFT); /* cursor holds planks: cannot take */
    CHECK_EQ_INT(env_gui(r->env)->cursor.item, BLOCK_OAK_PLANKS);
    CHECK_EQ_INT(env_gui(r->env)->cursor.count, 1);
    click_at(r, GUI_ELEM_INVENTORY, 20, GUI_CLICK_LEFT); /* put the last plank away */
    click_at(r, GUI_ELEM_OUTPUT, 0, GUI_CLICK_LEFT);
    CHECK_EQ_INT(env_gui(r->env)->cursor.item, ITEM_STICK);
    CHECK_EQ_INT(env_gui(r->env)->cursor.count, 4);
    press(r, K(KEY_ESC));
    CHECK_EQ_INT(count_item(r->env, ITEM_STICK), 4);
    CHECK_EQ_INT(count_item(r->env, BLOCK_OAK_PLANKS), 2);
    run_destroy(r);
}

/* ---- recipe book and rewards ------------------------------------------------------------- */

/* Mine a log by hand, pick it up (rewarded once), drop it and pick it up again (not rewarded
 * again), then craft planks through the recipe book. */
static void test_env_recipe_book_and_rewards(void) {
    Run *r =
        run_create("{\"generator\": \"flat\", \"mobs\": false, \"fixed_time\": true,"
                   " \"view_radius\": 2, \"episode_length\": 0,"
                   " \"blocks\": [{\"pos\": [0, 4, 2], \"block\": \"oak_log\"}],"
                   " \"spawn\": {\"x\": 0.5, \"y\": 4, \"z\": 0.5, \"yaw\": 0, \"pitch\": 35}}",
                   3);
    clear_inventory(r);
    for (int t = 0; t < 70; t++) step(r, K(KEY_ATTACK), 0, 0); /* oak log by hand: 60 ticks */
    CHECK_EQ_INT(r->events[ENV_EVENT_MINED], 1);
    for (int t = 0; t < 30; t++) step(r, K(KEY_FORWARD), 0, 0);
    idle(r, 20);
    CHECK_EQ_INT(count_item(r->env, BLOCK_OAK_LOG), 1);
    CHECK_NEAR(r->reward, 1.0 / 8, 1e-6);
    CHECK_EQ_INT(r->events[ENV_EVENT_OBTAINED], 1);
    CHECK(env_task_tracker(r->env)->first_tick[BLOCK_OAK_LOG] > 60);
    /* drop it (Q) and pick it up again: no second reward */
    press(r, K(KEY_DROP));
    CHECK_EQ_INT(count_item(r->env, BLOCK_OAK_LOG), 0);
    for (int t = 0; t < 60; t++) step(r, K(KEY_FORWARD), 0, 0);
    for (int t = 0; t < 60 && count_item(r->env, BLOCK_OAK_LOG) == 0; t++)
        step(r, K(KEY_BACK), 0, 0);
    CHECK_EQ_INT(count_item(r->env, BLOCK_OAK_LOG), 1);
    CHECK_NEAR(r->reward, 1.0 / 8, 1e-6);
    /* recipe book: one log makes planks; the first button shows it */
    press(r, K(KEY_INVENTORY));
    const Gui *g = env_gui(r->env);
    CHECK(g->screen == GUI_INVENTORY);
    int rec = gui_book_recipe(g, 0);
    CHECK(rec >= 0 && env_recipes(r->env)->recipes[rec].result == BLOCK_OAK_PLANKS);
    CHECK_EQ_INT(gui_book_recipe(g, 1), -1);
    click_at(r, GUI_ELEM_RECIPE, 0, GUI_CLICK_LEFT);
    CHECK_EQ_INT(g->grid[0].item, BLOCK_OAK_LOG);
    CHECK_EQ_INT(count_item(r->env, BLOCK_OAK_LOG), 0);
    click_at(r, GUI_ELEM_OUTPUT, 0, GUI_CLICK_LEFT);
    CHECK_EQ_INT(g->cursor.count, 4);
    CHECK_NEAR(r->reward, 1.0 / 8 + 4.0 / 20, 1e-6);
    CHECK_EQ_INT(g->book_n, 0); /* the book counts inventory + grid, not the cursor */
    press(r, K(KEY_INVENTORY));
    CHECK_EQ_INT(count_item(r->env, BLOCK_OAK_PLANKS), 4);
    /* the recipe book again: crafting table fills the 2x2 grid from the inventory */
    press(r, K(KEY_INVENTORY));
    int table_button = -1;
    for (int b = 0; b < GUI_BOOK_BUTTONS; b++) {
        int k = gui_book_recipe(g, b);
        if (k >= 0 && env_recipes(r->env)->recipes[k].result == BLOCK_CRAFTING_TABLE)
            table_button = b;
    }
    CHECK(table_button >= 0);
    click_at(r, GUI_ELEM_RECIPE, table_button, GUI_CLICK_LEFT);
    click_at(r, GUI_ELEM_OUTPUT, 0, GUI_CLICK_SHIFT_LEFT);
    press(r, K(KEY_ESC));
    CHECK_EQ_INT(count_item(r->env, BLOCK_CRAFTING_TABLE), 1);
    CHECK_NEAR(r->reward, 1.0 / 8 + 4.0 / 20 + 1.0, 1e-6);
    /* statistics, with Minecraft's names */
    json_t *stats = stats_to_json(env_stats(r->env));
    CHECK_EQ_INT(json_integer_value(json_object_get(stats, "minecraft.mined:minecraft.oak_log")),
                 1);
    CHECK_EQ_INT(
        json_integer_value(json_object_get(stats, "minecraft.picked_up:minecraft.oak_log")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(stats, "minecraft.dropped:minecraft.oak_log")),
                 1);
    CHECK_EQ_INT(
        json_integer_value(json_object_get(stats, "minecraft.crafted:minecraft.oak_planks")), 4);
    CHECK_EQ_INT(
        json_integer_value(json_object_get(stats, "minecraft.crafted:minecraft.crafting_table")),
        1);
    CHECK(json_integer_value(json_object_get(stats, "minecraft.custom:minecraft.walk_one_cm")) >
          100);
    json_decref(stats);
    run_destroy(r);
}

/* ---- shift-click, right-click split, drop from the GUI ----------------------------------------
 */

static void test_env_shift_split_drop(void) {
    Run *r = run_create(WORKSHOP, 4);
    clear_inventory(r);
    give(r, 9, BLOCK_DIRT, 10);
    press(r, K(KEY_INVENTORY));
    click_at(r, GUI_ELEM_INVENTORY, 9, GUI_CLICK_RIGHT); /* half: 5 up, 5 left */
    CHECK_EQ_INT(env_gui(r->env)->cursor.count, 5);
    click_at(r, GUI_ELEM_INVENTORY, 10, GUI_CLICK_RIGHT); /* place one */
    click_at(r, GUI_ELEM_INVENTORY, 11, GUI_CLICK_LEFT);  /* place the rest (4) */
    const ItemStack *inv = env_player(r->env)->inventory.slots;
    CHECK_EQ_INT(inv[9].count, 5);
    CHECK_EQ_INT(inv[10].count, 1);
    CHECK_EQ_INT(inv[11].count, 4);
    click_at(r, GUI_ELEM_INVENTORY, 9, GUI_CLICK_SHIFT_LEFT); /* main -> hotbar */
    CHECK_EQ_INT(inv[9].count, 0);
    CHECK_EQ_INT(inv[0].count, 5);
    click_at(r, GUI_ELEM_INVENTORY, 0, GUI_CLICK_SHIFT_LEFT); /* hotbar -> main (merges) */
    CHECK_EQ_INT(inv[0].count, 0);
    CHECK_EQ_INT(inv[10].count + inv[11].count + inv[9].count, 10);
    int items_before = env_item_count(r->env);
    move_to(r, GUI_ELEM_INVENTORY, 11);
    int n11 = inv[11].count;
    press(r, K(KEY_DROP)); /* drops the hovered stack */
    CHECK_EQ_INT(inv[11].count, 0);
    CHECK_EQ_INT(env_item_count(r->env), items_before + 1);
    CHECK_EQ_INT(count_item(r->env, BLOCK_DIRT), 10 - n11);
    /* number key 3 over a slot swaps it with hotbar slot 2 */
    give(r, 2, ITEM_DIAMOND, 3);
    move_to(r, GUI_ELEM_INVENTORY, 10);
    int n10 = inv[10].count;
    press(r, K(KEY_HOTBAR_3));
    CHECK_EQ_INT(inv[10].item, ITEM_DIAMOND);
    CHECK_EQ_INT(inv[2].item, BLOCK_DIRT);
    CHECK_EQ_INT(inv[2].count, n10);
    press(r, K(KEY_HOTBAR_3)); /* and back */
    CHECK_EQ_INT(inv[2].item, ITEM_DIAMOND);
    /* a stack held on the cursor goes back to the inventory when the screen closes */
    click_at(r, GUI_ELEM_INVENTORY, 10, GUI_CLICK_LEFT);
    CHECK(env_gui(r->env)->cursor.count > 0);
    press(r, K(KEY_INVENTORY));
    CHECK(env_gui(r->env)->screen == GUI_NONE);
    CHECK_EQ_INT(count_item(r->env, BLOCK_DIRT), 10 - n11);
    run_destroy(r);
}

/* ---- furnace
 * -------------------------------------------------------------------------------------- */

/* Smelts `input` with `n_fuel` of `fuel` for `ticks` with the screen closed; returns how many
 * results were taken out with a shift-click. */
static int furnace_run(ItemId input, ItemId fuel, int n_fuel, ItemId result, int ticks) {
    Run *r = run_create(WORKSHOP, 5);
    clear_inventory(r);
    give(r, 9, input, 16);
    give(r, 10, fuel, n_fuel);
    open_furnace(r);
    click_at(r, GUI_ELEM_INVENTORY, 9, GUI_CLICK_SHIFT_LEFT);
    click_at(r, GUI_ELEM_INVENTORY, 10, GUI_CLICK_SHIFT_LEFT);
    CHECK_EQ_INT(env_open_furnace(r->env)->input.count, 16);
    CHECK_EQ_INT(env_open_furnace(r->env)->fuel.count + (env_open_furnace(r->env)->burn_left > 0),
                 n_fuel);
    press(r, K(KEY_ESC));
    idle(r, ticks);
    press(r, K(KEY_USE));
    CHECK(env_gui(r->env)->screen == GUI_FURNACE);
    int smelted_events = r->events[ENV_EVENT_SMELTED];
    click_at(r, GUI_ELEM_FURNACE_OUTPUT, 0, GUI_CLICK_SHIFT_LEFT);
    press(r, K(KEY_ESC));
    int n = count_item(r->env, result);
    CHECK(n == 0 || r->events[ENV_EVENT_SMELTED] == smelted_events + 1);
    run_destroy(r);
    return n;
}

static void test_env_furnace_each_fuel(void) {
    CHECK_EQ_INT(furnace_run(BLOCK_IRON_ORE, ITEM_COAL, 1, ITEM_IRON_INGOT, 2000), 8);
    CHECK_EQ_INT(furnace_run(BLOCK_IRON_ORE, ITEM_CHARCOAL, 1, ITEM_IRON_INGOT, 2000), 8);
    CHECK_EQ_INT(furnace_run(BLOCK_IRON_ORE, BLOCK_OAK_PLANKS, 2, ITEM_IRON_INGOT, 1000), 3);
    CHECK_EQ_INT(furnace_run(BLOCK_SAND, BLOCK_OAK_LOG, 2, BLOCK_GLASS, 1000), 3);
    CHECK_EQ_INT(furnace_run(ITEM_RAW_BEEF, ITEM_STICK, 2, ITEM_COOKED_BEEF, 1000), 1);
    CHECK_EQ_INT(furnace_run(BLOCK_OAK_LOG, ITEM_COAL, 1, ITEM_CHARCOAL, 300), 1);
    CHECK_EQ_INT(furnace_run(ITEM_RAW_PORKCHOP, ITEM_COAL, 1, ITEM_COOKED_PORKCHOP, 450), 2);
}

/* ---- survival -----------------------------------------------------------------------------------
 */

static void test_env_eating(void) {
    Run *r = run_create(WORKSHOP, 6);
    clear_inventory(r);
    give(r, 0, ITEM_COOKED_BEEF, 2);
    env_player_mut(r->env)->food = 10;                /* setup: a hungry player */
    step(r, 0, 0, -90.0f / ACTION_DEGREES_PER_COUNT); /* look up: nothing targeted */
    int t = 0;
    while (t < 40 && r->events[ENV_EVENT_ATE] == 0) {
        step(r, K(KEY_USE), 0, 0);
        t++;
    }
    CHECK_EQ_INT(t, 32);
    CHECK_EQ_INT(env_player(r->env)->food, 18);
    CHECK_EQ_INT(count_item(r->env, ITEM_COOKED_BEEF), 1);
    /* releasing early eats nothing */
    for (int k = 0; k < 20; k++) step(r, K(KEY_USE), 0, 0);
    idle(r, 1);
    for (int k = 0; k < 20; k++) step(r, K(KEY_USE), 0, 0);
    CHECK_EQ_INT(r->events[ENV_EVENT_ATE], 1);
    run_destroy(r);
}

/* Under water: 300 ticks of air, then 2 damage every 20 ticks until death; the inventory drops
 * where the player died and the player respawns with full health, food and air. */
static void test_env_drowning_death_respawn(void) {
    Run *r = run_create("{\"generator\": \"flat\", \"mobs\": false, \"fixed_time\": true,"
                        " \"view_radius\": 2, \"episode_length\": 0,"
                        " \"boxes\": [{\"from\": [-4, 4, -4], \"to\": [4, 12, 4],"
                        "              \"block\": \"water\"}],"
                        " \"spawn\": {\"x\": 0.5, \"y\": 4, \"z\": 0.5}}",
                        7);
    clear_inventory(r);
    give(r, 0, BLOCK_DIRT, 5);
    int first = -1, t = 0;
    for (; t < 800 && r->events[ENV_EVENT_DIED] == 0; t++) {
        step(r, 0, 0, 0);
        if (first < 0 && r->damage_causes[DAMAGE_DROWN] > 0) first = t;
    }
    CHECK_MSG(first >= 300 && first <= 330, "first drowning damage at tick %d", first);
    CHECK_EQ_INT(r->events[ENV_EVENT_DIED], 1);
    CHECK_EQ_INT(r->events[ENV_EVENT_RESPAWNED], 1);
    CHECK(r->damage_causes[DAMAGE_DROWN] >= 10);
    CHECK_EQ_INT(count_item(r->env, BLOCK_DIRT), 0);
    int dirt_on_ground = 0;
    for (int i = 0; i < env_item_count(r->env); i++)
        if (env_item_get(r->env, i)->stack.item == BLOCK_DIRT)
            dirt_on_ground += env_item_get(r->env, i)->stack.count;
    CHECK_EQ_INT(dirt_on_ground, 5);
    CHECK_NEAR(env_player(r->env)->health, 20.0, 1e-6);
    CHECK_EQ_INT(env_player(r->env)->air, 300);
    CHECK_EQ_INT(env_stats(r->env)->deaths, 1);
    run_destroy(r);
}

/* ---- mobs
 * ------------------------------------------------------------------------------------------ */

static void test_env_mob_spawning(void) {
    Run *r = run_create("{\"generator\": \"flat\", \"mobs\": true, \"fixed_time\": true,"
                        " \"time_of_day\": 6000, \"view_radius\": 2, \"episode_length\": 0}",
                        8);
    idle(r, 2000);
    int n = env_mob_count(r->env);
    CHECK(n > 0 && n <= MOB_PASSIVE_CAP);
    for (int i = 0; i < n; i++) {
        const Mob *m = env_mob_get(r->env, i);
        CHECK(m->type != MOB_ZOMBIE); /* daytime: animals only */
        CHECK_NEAR(m->y, 4.0, 1e-6);  /* standing on the grass */
        uint8_t below = world_block_get(env_world(r->env), (int)floor(m->x), 3, (int)floor(m->z));
        CHECK_EQ_INT(below, BLOCK_GRASS);
    }
    /* they wander: some mob walked more than a block within 1000 ticks */
    double x0[MOB_MAX], z0[MOB_MAX];
    uint32_t id0[MOB_MAX];
    for (int i = 0; i < n; i++) {
        x0[i] = env_mob_get(r->env, i)->x;
        z0[i] = env_mob_get(r->env, i)->z;
        id0[i] = env_mob_get(r->env, i)->id;
    }
    idle(r, 1000);
    int moved = 0;
    for (int i = 0; i < env_mob_count(r->env); i++)
        for (int k = 0; k < n; k++)
            if (env_mob_get(r->env, i)->id == id0[k])
                moved |= fabs(env_mob_get(r->env, i)->x - x0[k]) +
                             fabs(env_mob_get(r->env, i)->z - z0[k]) >
                         1.0;
    CHECK(moved);
    run_destroy(r);
    /* night: zombies come, chase and hit */
    r = run_create("{\"generator\": \"flat\", \"mobs\": true, \"fixed_time\": true,"
                   " \"time_of_day\": 18000, \"view_radius\": 2, \"episode_length\": 0}",
                   9);
    int zombie = -1;
    for (int t = 0; t < 6000 && zombie < 0; t++) {
        step(r, 0, 0, 0);
        for (int i = 0; i < env_mob_count(r->env); i++)
            if (env_mob_get(r->env, i)->type == MOB_ZOMBIE) zombie = i;
    }
    int zombies = zombie >= 0;
    /* walk towards the nearest zombie (turning with the mouse) until it notices and hits */
    for (int t = 0; t < 3000 && zombies && r->damage_causes[DAMAGE_MOB] == 0; t++) {
        const Player *p = env_player(r->env);
        double best = 1e18, dx = 0, dz = 0;
        for (int i = 0; i < env_mob_count(r->env); i++) {
            const Mob *m = env_mob_get(r->env, i);
            double ex = m->x - p->x, ez = m->z - p->z;
            if (m->type == MOB_ZOMBIE && ex * ex + ez * ez < best)
                best = ex * ex + ez * ez, dx = ex, dz = ez;
        }
        double want = atan2(-dx, dz) * 180.0 / M_PI, turn = want - p->yaw;
        while (turn > 180) turn -= 360;
        while (turn < -180) turn += 360;
        step(r, best > 9.0 ? K(KEY_FORWARD) : 0, (float)(turn / ACTION_DEGREES_PER_COUNT), 0);
    }
    CHECK(zombies > 0);
    CHECK(r->damage_causes[DAMAGE_MOB] > 0);
    run_destroy(r);
}

/* A pig in a pen in front of the player: two sword hits kill it (knockback into the wall),
 * it drops raw porkchop, the player walks over and picks it up. */
static void test_env_mob_hit_and_drops(void) {
    Run *r =
        run_create("{\"generator\": \"flat\", \"mobs\": false, \"fixed_time\": true,"
                   " \"view_radius\": 2, \"episode_length\": 0,"
                   " \"boxes\": [{\"from\": [-1, 4, 3], \"to\": [1, 5, 3], \"block\": \"stone\"},"
                   "             {\"from\": [-1, 4, 2], \"to\": [-1, 5, 2], \"block\": \"stone\"},"
                   "             {\"from\": [1, 4, 2], \"to\": [1, 5, 2], \"block\": \"stone\"}],"
                   " \"spawn\": {\"x\": 0.5, \"y\": 4, \"z\": 0.5, \"yaw\": 0, \"pitch\": 30}}",
                   10);
    clear_inventory(r);
    give(r, 0, ITEM_DIAMOND_SWORD, 1);
    CHECK(env_mob_spawn(r->env, MOB_PIG, 0.5, 4.0, 2.5) == 0);
    press(r, K(KEY_ATTACK));
    CHECK_EQ_INT(env_mob_count(r->env), 1);
    CHECK(env_mob_get(r->env, 0)->health < 10.0f);
    CHECK(env_mob_get(r->env, 0)->hurt_timer > 0);
    CHECK(env_mob_get(r->env, 0)->flee_timer > 0);
    CHECK_EQ_INT(r->events[ENV_EVENT_MINED], 0);
    /* it flees into the wall and hops against it: click until the second hit lands */
    for (int t = 0; t < 100 && env_mob_count(r->env) > 0; t++) press(r, K(KEY_ATTACK));
    CHECK_EQ_INT(env_mob_count(r->env), 0);
    CHECK_EQ_INT(env_stats(r->env)->mob_kills, 1);
    int pork = 0;
    for (int i = 0; i < env_item_count(r->env); i++)
        if (env_item_get(r->env, i)->stack.item == ITEM_RAW_PORKCHOP)
            pork += env_item_get(r->env, i)->stack.count;
    CHECK(pork >= 1 && pork <= 3);
    for (int t = 0; t < 40; t++) step(r, K(KEY_FORWARD), 0, 0);
    CHECK_EQ_INT(count_item(r->env, ITEM_RAW_PORKCHOP), pork);
    run_destroy(r);
}

/* Random native actions with the inventory screen open (and now and then closed, looking at
 * the sky so nothing is mined or placed): the count of each item held, on the cursor, in the
 * grid or lying on the ground never changes (these items make no 2x2 recipe). */
static void test_env_conservation_property(void) {
    Run *r = run_create("{\"generator\": \"flat\", \"mobs\": false, \"fixed_time\": true,"
                        " \"view_radius\": 2, \"episode_length\": 0,"
                        " \"spawn\": {\"x\": 0.5, \"y\": 4, \"z\": 0.5, \"pitch\": -90}}",
                        12);
    static const ItemId pool[] = {BLOCK_DIRT,   BLOCK_STONE,  BLOCK_SAND,
                                  BLOCK_GRAVEL, ITEM_DIAMOND, BLOCK_IRON_ORE};
    Rng rng = rng_stream(99, 1);
    clear_inventory(r);
    for (int i = 0; i < INVENTORY_SLOTS; i++)
        if (rng_below(&rng, 3) != 0)
            give(r, i, pool[rng_below(&rng, 6)], 1 + (int)rng_below(&rng, 64));
    press(r, K(KEY_INVENTORY));
    int want[ITEM_COUNT] = {0};
    for (int i = 0; i < INVENTORY_SLOTS; i++)
        want[env_player(r->env)->inventory.slots[i].item] +=
            env_player(r->env)->inventory.slots[i].count;
    want[ITEM_NONE] = 0;
    static const uint32_t keysets[] = {K(KEY_ATTACK),
                                       K(KEY_USE),
                                       K(KEY_ATTACK) | K(KEY_SNEAK),
                                       K(KEY_DROP),
                                       0,
                                       K(KEY_HOTBAR_4),
                                       K(KEY_HOTBAR_9),
                                       K(KEY_INVENTORY)};
    for (int t = 0; t < 3000; t++) {
        uint32_t keys = keysets[rng_below(&rng, 8)];
        float dx = (float)rng_range(&rng, -120, 120), dy = (float)rng_range(&rng, -80, 80);
        if (env_gui(r->env)->screen == GUI_NONE) dx = dy = 0; /* keep looking at the sky */
        step(r, keys, dx, dy);
        int have[ITEM_COUNT] = {0};
        const Gui *g = env_gui(r->env);
        for (int i = 0; i < INVENTORY_SLOTS; i++)
            have[env_player(r->env)->inventory.slots[i].item] +=
                env_player(r->env)->inventory.slots[i].count;
        for (int i = 0; i < 9; i++) have[g->grid[i].item] += g->grid[i].count;
        have[g->cursor.item] += g->cursor.count;
        for (int i = 0; i < env_item_count(r->env); i++)
            have[env_item_get(r->env, i)->stack.item] += env_item_get(r->env, i)->stack.count;
        have[ITEM_NONE] = 0;
        int same = memcmp(have, want, sizeof have) == 0;
        CHECK_MSG(same, "tick %d: item counts changed", t);
        if (!same) break;
    }
    CHECK(r->events[ENV_EVENT_DROPPED] > 0); /* the run did throw things out */
    CHECK_EQ_INT(r->events[ENV_EVENT_MINED] + r->events[ENV_EVENT_PLACED], 0);
    run_destroy(r);
}

/* Same actions twice give the same hash (mobs, GUI and furnaces included), and a snapshot
 * taken with a screen open and mobs about restores to the same future. */
static void test_env_determinism(void) {
    static const char *PRESET = "{\"generator\": \"flat\", \"mobs\": true, \"view_radius\": 2,"
                                " \"time_of_day\": 12500, \"episode_length\": 0}";
    uint64_t h[3];
    for (int k = 0; k < 2; k++) {
        Run *r = run_create(PRESET, 11);
        Rng rng = rng_stream(3, 4);
        EnvSnapshot *snap = NULL;
        Rng rng_at_snap = rng;
        for (int t = 0; t < 1500; t++) {
            if (k == 0 && t == 700) {
                snap = env_snapshot(r->env);
                rng_at_snap = rng;
            }
            uint32_t keys = rng_u32(&rng) & (K(KEY_FORWARD) | K(KEY_JUMP) | K(KEY_ATTACK) |
                                             K(KEY_INVENTORY) | K(KEY_USE));
            step(r, keys, (float)rng_range(&rng, -30, 30), (float)rng_range(&rng, -5, 5));
        }
        h[k] = env_hash(r->env);
        if (snap) { /* replay the second half from the snapshot in a fresh env */
            CHECK(env_mob_count(r->env) > 0);
            Run *r2 = run_create(PRESET, 11);
            env_restore(r2->env, snap);
            rng = rng_at_snap;
            for (int t = 700; t < 1500; t++) {
                uint32_t keys = rng_u32(&rng) & (K(KEY_FORWARD) | K(KEY_JUMP) | K(KEY_ATTACK) |
                                                 K(KEY_INVENTORY) | K(KEY_USE));
                step(r2, keys, (float)rng_range(&rng, -30, 30), (float)rng_range(&rng, -5, 5));
            }
            h[2] = env_hash(r2->env);
            env_snapshot_destroy(snap);
            run_destroy(r2);
        }
        run_destroy(r);
    }
    CHECK(h[0] == h[1]);
    CHECK(h[0] == h[2]);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    TEST_RUN(test_env_craft_every_recipe);
    TEST_RUN(test_env_craft_positions);
    TEST_RUN(test_env_recipe_book_and_rewards);
    TEST_RUN(test_env_shift_split_drop);
    TEST_RUN(test_env_furnace_each_fuel);
    TEST_RUN(test_env_eating);
    TEST_RUN(test_env_drowning_death_respawn);
    TEST_RUN(test_env_mob_spawning);
    TEST_RUN(test_env_mob_hit_and_drops);
    TEST_RUN(test_env_conservation_property);
    TEST_RUN(test_env_determinism);
    return check_finish();
}
