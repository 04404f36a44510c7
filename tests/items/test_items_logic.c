/* test_items_logic.c: recipes, GUI click rules, recipe book, furnace, survival, tasks and the
 * conservation property, on the modules' own APIs (the env-level tests in test_items_env.c
 * drive the same features through native actions only). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/rng.h"
#include "sim/furnace.h"
#include "sim/gui.h"
#include "sim/recipe.h"
#include "sim/survival.h"
#include "sim/task.h"
#include "tests/check.h"

static const RecipeSet *R(void) { return recipe_set_default(); }

static ItemStack st(ItemId item, int n) { return (ItemStack){.item = item, .count = (uint8_t)n}; }

/* Index of element (kind, index) in the screen's layout. */
static const GuiElem *find_elem(GuiScreen s, GuiElemKind kind, int index) {
    const GuiLayout *l = gui_layout(s);
    for (int i = 0; i < l->n_elems; i++)
        if (l->elems[i].kind == kind && l->elems[i].index == index) return &l->elems[i];
    return NULL;
}

static void point_at(Gui *g, GuiElemKind kind, int index) {
    const GuiElem *e = find_elem(g->screen, kind, index);
    ASSERT(e);
    g->cursor_x = (float)(e->rect.x + e->rect.w / 2);
    g->cursor_y = (float)(e->rect.y + e->rect.h / 2);
}

static void click(Gui *g, const GuiContext *c, GuiElemKind kind, int index, GuiClick k,
                  GuiEffects *fx) {
    point_at(g, kind, index);
    gui_click(g, k, c, fx);
}

/* ---- recipes ---------------------------------------------------------------------------- */

static char g_log[1024];
static void capture_log(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)user;
    (void)level;
    snprintf(g_log, sizeof g_log, "%s: %s", tag, msg);
}

static void test_recipes_load(void) {
    const RecipeSet *r = R();
    CHECK(r->n_recipes >= 20);
    CHECK_EQ_INT(recipe_smelt_result(r, ITEM_IRON_INGOT), ITEM_NONE);
    CHECK_EQ_INT(recipe_smelt_result(r, BLOCK_IRON_ORE), ITEM_IRON_INGOT);
    CHECK_EQ_INT(recipe_smelt_result(r, BLOCK_SAND), BLOCK_GLASS);
    CHECK_EQ_INT(recipe_smelt_result(r, BLOCK_OAK_LOG), ITEM_CHARCOAL);
    CHECK_EQ_INT(recipe_smelt_result(r, ITEM_RAW_BEEF), ITEM_COOKED_BEEF);
    CHECK_EQ_INT(recipe_fuel_ticks(r, ITEM_COAL), 1600);
    CHECK_EQ_INT(recipe_fuel_ticks(r, BLOCK_OAK_PLANKS), 300);
    CHECK_EQ_INT(recipe_fuel_ticks(r, ITEM_STICK), 100);
    CHECK_EQ_INT(recipe_fuel_ticks(r, BLOCK_DIRT), 0);
}

static void test_recipes_bad_files(void) {
    RecipeSet *s = malloc(sizeof *s);
    log_set_level(LOG_LEVEL_SILENT);
    CHECK(recipe_set_load_buffer("{\"shaped\": [{\"pattern\": [\"#\"], \"key\": {\"#\": "
                                 "\"nope\"}, \"result\": \"stick\"}]}",
                                 "t", s) == STATUS_INVALID_ARGUMENT);
    CHECK(recipe_set_load_buffer("{\"shaped\": [{\"pattern\": [\"#\", \"##\"], \"key\": {\"#\": "
                                 "\"stick\"}, \"result\": \"stick\"}]}",
                                 "t", s) == STATUS_INVALID_ARGUMENT);
    CHECK(recipe_set_load_buffer("{\"shaped\": [{\"pattern\": [\"#X\"], \"key\": {\"#\": "
                                 "\"stick\"}, \"result\": \"stick\"}]}",
                                 "t", s) == STATUS_INVALID_ARGUMENT);
    CHECK(recipe_set_load_buffer("{\"shapeless\": [{\"ingredients\": [\"stick\"], \"result\": "
                                 "\"stick\", \"count\": 65}]}",
                                 "t", s) == STATUS_INVALID_ARGUMENT);
    CHECK(recipe_set_load_buffer("{\"fuels\": [{\"item\": \"coal\"}]}", "t", s) ==
          STATUS_INVALID_ARGUMENT);
    CHECK(recipe_set_load_buffer("{\"shaped\": 3}", "t", s) == STATUS_INVALID_ARGUMENT);
    CHECK(recipe_set_load_buffer("{\"typo\": []}", "t", s) == STATUS_INVALID_ARGUMENT);
    CHECK(recipe_set_load_buffer("{", "t", s) == STATUS_PARSE);
    CHECK(recipe_set_load_file("/nonexistent/recipes.json", s) != STATUS_OK);
    /* A syntax error in a file is reported at its own line. */
    char bad[] = "/tmp/vpt_recipes_XXXXXX";
    int fd = mkstemp(bad);
    CHECK(fd >= 0);
    if (fd >= 0) {
        const char *text = "{\n  \"shaped\": [\n    {\"pattern\": [\"#\"],,}\n  ]\n}\n";
        CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
        close(fd);
        g_log[0] = 0;
        LogLevel was = log_get_level();
        log_set_level(LOG_LEVEL_ERROR);
        log_set_sink(capture_log, NULL);
        CHECK(recipe_set_load_file(bad, s) == STATUS_PARSE);
        log_set_sink(NULL, NULL);
        log_set_level(was);
        char want[64];
        snprintf(want, sizeof want, "%s:3:", bad);
        CHECK_MSG(strstr(g_log, want) != NULL, "got '%s'", g_log);
        unlink(bad);
    }
    log_set_level(LOG_LEVEL_WARN);
    CHECK(recipe_set_load_file(VPT_SOURCE_DIR "/worlds/recipes.json", s) == STATUS_OK);
    CHECK_EQ_INT(s->n_recipes, R()->n_recipes);
    free(s);
}

/* Every recipe matches at every position of a 3x3 grid, mirrored too, and 2x2 ones in 2x2. */
static void test_recipes_every_position(void) {
    const RecipeSet *r = R();
    for (int i = 0; i < r->n_recipes; i++) {
        const Recipe *rc = &r->recipes[i];
        for (int gw = 2; gw <= 3; gw++) {
            if (!recipe_fits(rc, gw)) continue;
            int ph = rc->shaped ? rc->h : 1, pw = rc->shaped ? rc->w : rc->w;
            for (int oy = 0; oy + ph <= gw; oy++) {
                for (int ox = 0; ox + (rc->shaped ? pw : 1) <= gw; ox++) {
                    for (int m = 0; m < 2; m++) {
                        ItemStack grid[9] = {0};
                        for (int c = 0; c < rc->w * rc->h; c++) {
                            if (!rc->cells[c].n_alts) continue;
                            int x = rc->shaped ? c % rc->w : c % gw;
                            int y = rc->shaped ? c / rc->w : c / gw;
                            if (rc->shaped && m) x = rc->w - 1 - x;
                            int slot = rc->shaped ? (oy + y) * gw + ox + x : c;
                            grid[slot] = st(rc->cells[c].alts[rc->cells[c].n_alts - 1], 1);
                        }
                        int got = recipe_match(r, grid, gw);
                        CHECK_MSG(got >= 0 && r->recipes[got].result == rc->result,
                                  "recipe %d (%s) grid %d at %d,%d mirror %d -> %d", i,
                                  item_name(rc->result), gw, ox, oy, m, got);
                    }
                    if (!rc->shaped) break;
                }
                if (!rc->shaped) break;
            }
        }
    }
    /* An extra item spoils a match; a 3-wide recipe does not fit a 2x2 grid. */
    ItemStack grid[9] = {0};
    grid[0] = st(BLOCK_OAK_PLANKS, 1);
    grid[3] = st(BLOCK_OAK_PLANKS, 1);
    CHECK_EQ_INT(r->recipes[recipe_match(r, grid, 3)].result, ITEM_STICK);
    grid[8] = st(BLOCK_DIRT, 1);
    CHECK_EQ_INT(recipe_match(r, grid, 3), -1);
    /* Torch accepts charcoal as well as coal. */
    ItemStack g2[4] = {st(ITEM_CHARCOAL, 1), {0}, st(ITEM_STICK, 1), {0}};
    CHECK_EQ_INT(r->recipes[recipe_match(r, g2, 2)].result, BLOCK_TORCH);
}

/* ---- GUI ----------------------------------------------------------------------------------- */

typedef struct Fixture {
    ItemStack inv[GUI_INV_SLOTS];
    Furnace furnace;
    Gui gui;
    GuiContext ctx;
    GuiEffects fx;
} Fixture;

static Fixture *fixture(GuiScreen s) {
    Fixture *f = calloc(1, sizeof *f);
    f->ctx = (GuiContext){.inv = f->inv, .recipes = R(), .furnace = &f->furnace};
    gui_init(&f->gui);
    gui_open(&f->gui, s, 0, &f->ctx);
    return f;
}

static void test_gui_layout(void) {
    for (int s = GUI_INVENTORY; s < GUI_SCREEN_COUNT; s++) {
        const GuiLayout *l = gui_layout((GuiScreen)s);
        CHECK(l->n_elems > 36);
        for (int i = 0; i < 36; i++) CHECK(find_elem((GuiScreen)s, GUI_ELEM_INVENTORY, i));
        for (int i = 0; i < l->n_elems; i++) {
            const GuiRect *a = &l->elems[i].rect;
            CHECK(a->x >= 0 && a->y >= 0 && a->x + a->w <= GUI_WIDTH && a->y + a->h <= GUI_HEIGHT);
            for (int j = i + 1; j < l->n_elems; j++) { /* no overlaps: the hit-test is exact */
                const GuiRect *b = &l->elems[j].rect;
                CHECK(a->x + a->w <= b->x || b->x + b->w <= a->x || a->y + a->h <= b->y ||
                      b->y + b->h <= a->y);
            }
        }
    }
    /* Recipe buttons are large: at least 8x8 pixels of a 64x64 frame. */
    const GuiElem *b = find_elem(GUI_INVENTORY, GUI_ELEM_RECIPE, 0);
    CHECK(b && b->rect.w * 64 / GUI_WIDTH >= 8 && b->rect.h * 64 / GUI_HEIGHT >= 8);
    CHECK_EQ_INT(gui_layout(GUI_CRAFTING_TABLE)->grid_w, 3);
    CHECK_EQ_INT(gui_layout(GUI_INVENTORY)->grid_w, 2);
    CHECK(find_elem(GUI_FURNACE, GUI_ELEM_FURNACE_FUEL, 0) != NULL);
    CHECK_EQ_INT(gui_screen_from_name("crafting_table"), GUI_CRAFTING_TABLE);
}

static void test_gui_left_right_clicks(void) {
    Fixture *f = fixture(GUI_INVENTORY);
    f->inv[9] = st(BLOCK_DIRT, 10);
    f->inv[10] = st(BLOCK_DIRT, 60);
    f->inv[11] = st(BLOCK_STONE, 5);
    /* right click picks up half, rounded up */
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 9, GUI_CLICK_RIGHT, &f->fx);
    CHECK_EQ_INT(f->gui.cursor.count, 5);
    CHECK_EQ_INT(f->inv[9].count, 5);
    /* right click on an empty slot places one */
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 12, GUI_CLICK_RIGHT, &f->fx);
    CHECK_EQ_INT(f->inv[12].count, 1);
    CHECK_EQ_INT(f->gui.cursor.count, 4);
    /* left click merges up to the stack size */
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 10, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->inv[10].count, 64);
    CHECK_EQ_INT(f->gui.cursor.count, 0);
    /* pick up all, then swap with a different item */
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 9, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->gui.cursor.count, 5);
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 11, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->inv[11].item, BLOCK_DIRT);
    CHECK_EQ_INT(f->gui.cursor.item, BLOCK_STONE);
    /* close: cursor goes back to the inventory */
    gui_close(&f->gui, &f->ctx, &f->fx);
    int stone = 0;
    for (int i = 0; i < 36; i++) stone += f->inv[i].item == BLOCK_STONE ? f->inv[i].count : 0;
    CHECK_EQ_INT(stone, 5);
    CHECK_EQ_INT(f->fx.n_dropped, 0);
    free(f);
}

static void test_gui_shift_click(void) {
    Fixture *f = fixture(GUI_INVENTORY);
    f->inv[20] = st(BLOCK_DIRT, 7);
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 20, GUI_CLICK_SHIFT_LEFT, &f->fx);
    CHECK_EQ_INT(f->inv[20].count, 0);
    CHECK_EQ_INT(f->inv[0].item, BLOCK_DIRT); /* main -> hotbar */
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 0, GUI_CLICK_SHIFT_LEFT, &f->fx);
    CHECK_EQ_INT(f->inv[9].count, 7); /* hotbar -> main */
    /* grid -> inventory */
    f->gui.grid[1] = st(BLOCK_STONE, 3);
    click(&f->gui, &f->ctx, GUI_ELEM_GRID, 1, GUI_CLICK_SHIFT_LEFT, &f->fx);
    CHECK_EQ_INT(f->gui.grid[1].count, 0);
    CHECK_EQ_INT(f->inv[10].item, BLOCK_STONE);
    free(f);
    /* furnace: ore -> input, coal -> fuel */
    f = fixture(GUI_FURNACE);
    f->inv[0] = st(BLOCK_IRON_ORE, 3);
    f->inv[1] = st(ITEM_COAL, 2);
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 0, GUI_CLICK_SHIFT_LEFT, &f->fx);
    click(&f->gui, &f->ctx, GUI_ELEM_INVENTORY, 1, GUI_CLICK_SHIFT_LEFT, &f->fx);
    CHECK_EQ_INT(f->furnace.input.count, 3);
    CHECK_EQ_INT(f->furnace.fuel.item, ITEM_COAL);
    /* dirt is not fuel: a click with it on the fuel slot does nothing */
    f->gui.cursor = st(BLOCK_DIRT, 1);
    f->furnace.fuel = (ItemStack){0};
    click(&f->gui, &f->ctx, GUI_ELEM_FURNACE_FUEL, 0, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->furnace.fuel.count, 0);
    CHECK_EQ_INT(f->gui.cursor.count, 1);
    free(f);
}

static void test_gui_craft_output(void) {
    Fixture *f = fixture(GUI_INVENTORY);
    f->gui.grid[0] = st(BLOCK_OAK_LOG, 3);
    ItemStack out = gui_output(&f->gui, &f->ctx);
    CHECK_EQ_INT(out.item, BLOCK_OAK_PLANKS);
    CHECK_EQ_INT(out.count, 4);
    click(&f->gui, &f->ctx, GUI_ELEM_OUTPUT, 0, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->gui.cursor.count, 4);
    CHECK_EQ_INT(f->gui.grid[0].count, 2);
    CHECK_EQ_INT(f->fx.crafted[BLOCK_OAK_PLANKS], 4);
    CHECK_EQ_INT(f->fx.consumed[BLOCK_OAK_LOG], 1);
    /* shift-click takes all that fits into the inventory */
    click(&f->gui, &f->ctx, GUI_ELEM_OUTPUT, 0, GUI_CLICK_SHIFT_LEFT, &f->fx);
    CHECK_EQ_INT(f->gui.grid[0].count, 0);
    CHECK_EQ_INT(f->inv[0].count, 8);
    free(f);
}

static void test_gui_recipe_book(void) {
    Fixture *f = fixture(GUI_INVENTORY);
    CHECK_EQ_INT(f->gui.book_n, 0);
    f->inv[5] = st(BLOCK_OAK_PLANKS, 4);
    gui_refresh_book(&f->gui, &f->ctx);
    /* planks: sticks and crafting table fit in 2x2; pickaxes do not */
    int found_table = -1;
    for (int b = 0; b < f->gui.book_n; b++) {
        const Recipe *rc = &R()->recipes[f->gui.book[b]];
        CHECK(recipe_fits(rc, 2));
        if (rc->result == BLOCK_CRAFTING_TABLE) found_table = b;
    }
    CHECK(found_table >= 0);
    click(&f->gui, &f->ctx, GUI_ELEM_RECIPE, found_table, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->inv[5].count, 0);
    for (int i = 0; i < 4; i++) CHECK_EQ_INT(f->gui.grid[i].item, BLOCK_OAK_PLANKS);
    CHECK_EQ_INT(gui_output(&f->gui, &f->ctx).item, BLOCK_CRAFTING_TABLE);
    click(&f->gui, &f->ctx, GUI_ELEM_OUTPUT, 0, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->gui.cursor.item, BLOCK_CRAFTING_TABLE);
    free(f);
}

static void test_gui_book_pages(void) {
    Fixture *f = fixture(GUI_CRAFTING_TABLE);
    f->inv[9] = st(BLOCK_OAK_PLANKS, 64);
    f->inv[10] = st(ITEM_STICK, 64);
    f->inv[11] = st(BLOCK_COBBLESTONE, 64);
    f->inv[12] = st(ITEM_IRON_INGOT, 64);
    f->inv[13] = st(ITEM_DIAMOND, 64);
    f->inv[14] = st(ITEM_COAL, 64);
    gui_refresh_book(&f->gui, &f->ctx);
    CHECK(f->gui.book_n > GUI_BOOK_BUTTONS);
    CHECK_EQ_INT(gui_book_pages(&f->gui), 2);
    CHECK_EQ_INT(gui_book_recipe(&f->gui, 0), f->gui.book[0]);
    click(&f->gui, &f->ctx, GUI_ELEM_PAGE_NEXT, 0, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->gui.book_page, 1);
    CHECK_EQ_INT(gui_book_recipe(&f->gui, 0), f->gui.book[GUI_BOOK_BUTTONS]);
    click(&f->gui, &f->ctx, GUI_ELEM_PAGE_NEXT, 0, GUI_CLICK_LEFT, &f->fx); /* stays on the last */
    CHECK_EQ_INT(f->gui.book_page, 1);
    click(&f->gui, &f->ctx, GUI_ELEM_PAGE_PREV, 0, GUI_CLICK_LEFT, &f->fx);
    CHECK_EQ_INT(f->gui.book_page, 0);
    free(f);
}

/* Random clicks never create or destroy items except by crafting (recorded in fx). */
static void test_gui_conservation_property(void) {
    Rng rng = rng_stream(7, 1);
    static const GuiClick clicks[3] = {GUI_CLICK_LEFT, GUI_CLICK_RIGHT, GUI_CLICK_SHIFT_LEFT};
    for (int round = 0; round < 40; round++) {
        GuiScreen s = (GuiScreen)(GUI_INVENTORY + round % 3);
        Fixture *f = fixture(s);
        static const ItemId pool[] = {BLOCK_OAK_LOG,  BLOCK_OAK_PLANKS, ITEM_STICK,
                                      BLOCK_DIRT,     ITEM_COAL,        BLOCK_COBBLESTONE,
                                      BLOCK_IRON_ORE, ITEM_DIAMOND};
        for (int i = 0; i < 36; i++)
            if (rng_below(&rng, 2))
                f->inv[i] = st(pool[rng_below(&rng, 8)], 1 + (int)rng_below(&rng, 64));
        int before[ITEM_COUNT] = {0}, after[ITEM_COUNT] = {0};
        for (int i = 0; i < 36; i++) before[f->inv[i].item] += f->inv[i].count;
        for (int step = 0; step < 300; step++) {
            const GuiLayout *l = gui_layout(s);
            const GuiElem *e = &l->elems[rng_below(&rng, (uint32_t)l->n_elems)];
            f->gui.cursor_x = (float)(e->rect.x + (int)rng_below(&rng, (uint32_t)e->rect.w));
            f->gui.cursor_y = (float)(e->rect.y + (int)rng_below(&rng, (uint32_t)e->rect.h));
            if (rng_below(&rng, 50) == 0) f->gui.cursor_x = 2, f->gui.cursor_y = 355;
            if (rng_below(&rng, 40) == 0)
                gui_drop_hovered(&f->gui, &f->ctx, &f->fx);
            else
                gui_click(&f->gui, clicks[rng_below(&rng, 3)], &f->ctx, &f->fx);
            if (f->fx.n_dropped > GUI_MAX_DROPS - 12) { /* account drops, keep room */
                for (int d = 0; d < f->fx.n_dropped; d++)
                    before[f->fx.dropped[d].item] -= f->fx.dropped[d].count;
                f->fx.n_dropped = 0;
            }
        }
        gui_close(&f->gui, &f->ctx, &f->fx);
        for (int i = 0; i < 36; i++) after[f->inv[i].item] += f->inv[i].count;
        after[ITEM_NONE] = before[ITEM_NONE] = 0;
        for (int d = 0; d < f->fx.n_dropped; d++)
            after[f->fx.dropped[d].item] += f->fx.dropped[d].count;
        ItemStack *fs[3] = {&f->furnace.input, &f->furnace.fuel, &f->furnace.output};
        for (int k = 0; k < 3; k++) after[fs[k]->item] += fs[k]->count;
        after[ITEM_NONE] = 0;
        for (int i = 1; i < ITEM_COUNT; i++)
            CHECK_MSG(after[i] == before[i] + f->fx.crafted[i] - f->fx.consumed[i],
                      "round %d item %s: %d vs %d + %d - %d", round, item_name((ItemId)i), after[i],
                      before[i], f->fx.crafted[i], f->fx.consumed[i]);
        for (int i = 0; i < 36; i++) /* stacks stay valid */
            CHECK(f->inv[i].count == 0 ? f->inv[i].item == ITEM_NONE
                                       : f->inv[i].count <= gui_max_stack(f->inv[i].item));
        free(f);
    }
}

/* ---- furnace ------------------------------------------------------------------------------ */

/* Items smelted by one fuel item, with plenty of input. */
static int smelted_per_fuel(ItemId fuel, int fuel_count, int ticks) {
    Furnace f = {0};
    f.input = st(BLOCK_IRON_ORE, 64);
    f.fuel = st(fuel, fuel_count);
    for (int t = 0; t < ticks; t++) furnace_tick(&f, R());
    return f.output.count;
}

static void test_furnace_fuels(void) {
    CHECK_EQ_INT(smelted_per_fuel(ITEM_COAL, 1, 5000), 8);
    CHECK_EQ_INT(smelted_per_fuel(ITEM_CHARCOAL, 1, 5000), 8);
    CHECK_EQ_INT(smelted_per_fuel(BLOCK_OAK_PLANKS, 2, 5000), 3); /* 1.5 each */
    CHECK_EQ_INT(smelted_per_fuel(BLOCK_OAK_LOG, 2, 5000), 3);
    CHECK_EQ_INT(smelted_per_fuel(ITEM_STICK, 2, 5000), 1); /* 0.5 each */
    CHECK_EQ_INT(smelted_per_fuel(ITEM_COAL, 1, 199), 0);   /* 200 ticks per item */
    CHECK_EQ_INT(smelted_per_fuel(ITEM_COAL, 1, 200), 1);
    Furnace f = {0};
    f.input = st(BLOCK_SAND, 1);
    f.fuel = st(ITEM_COAL, 1);
    for (int t = 0; t < 200; t++) furnace_tick(&f, R());
    CHECK_EQ_INT(f.output.item, BLOCK_GLASS);
    CHECK_EQ_INT(f.fuel.count, 0);
    CHECK(f.burn_left > 0); /* keeps burning with nothing to smelt */
    /* a different output item blocks smelting */
    f = (Furnace){0};
    f.input = st(ITEM_RAW_PORKCHOP, 1);
    f.fuel = st(ITEM_COAL, 1);
    f.output = st(BLOCK_GLASS, 1);
    for (int t = 0; t < 400; t++) furnace_tick(&f, R());
    CHECK_EQ_INT(f.output.count, 1);
    CHECK_EQ_INT(f.fuel.count, 1); /* nothing to do: no fuel used */
    FurnaceTable *tab = calloc(1, sizeof *tab);
    Furnace *a = furnace_table_get(tab, 1, 2, 3);
    CHECK(a && furnace_table_get(tab, 1, 2, 3) == a);
    CHECK(furnace_table_find(tab, 1, 2, 4) < 0);
    free(tab);
}

/* ---- survival ------------------------------------------------------------------------------ */

static void test_survival_hunger_regen_starve(void) {
    Survival s;
    survival_init(&s);
    SurvivalBody b = {.health = 10, .max_health = 20, .food = 20, .saturation = 5, .air = 300};
    SurvivalInput in = {0};
    /* food 20 + saturation: fast regeneration every 10 ticks */
    for (int t = 0; t < 10; t++) CHECK_NEAR(survival_tick(&s, &in, &b), 0, 0);
    CHECK(b.health > 10.0f);
    /* sprinting 40 m costs 4 exhaustion = one saturation point */
    survival_init(&s);
    b = (SurvivalBody){.health = 20, .max_health = 20, .food = 20, .saturation = 5, .air = 300};
    in.sprint_m = 40.0f;
    survival_tick(&s, &in, &b);
    CHECK_NEAR(b.saturation, 4.0f, 1e-5);
    /* with no saturation, food drops */
    b.saturation = 0;
    survival_tick(&s, &in, &b);
    CHECK_EQ_INT(b.food, 19);
    /* starvation: food 0 hurts every 80 ticks, not below 1 HP */
    in = (SurvivalInput){0};
    b.food = 0;
    b.health = 3.0f;
    float dmg = 0;
    for (int t = 0; t < 800; t++) {
        float d = survival_tick(&s, &in, &b);
        b.health -= d;
        dmg += d;
    }
    CHECK_NEAR(dmg, 2.0, 1e-6);
    CHECK_NEAR(b.health, 1.0, 1e-6);
}

static void test_survival_eat_drown(void) {
    Survival s;
    survival_init(&s);
    SurvivalBody b = {.health = 20, .max_health = 20, .food = 10, .saturation = 0, .air = 300};
    ItemStack beef = st(ITEM_COOKED_BEEF, 2);
    int ate = 0, t = 0;
    for (; t < 100 && !ate; t++) ate = survival_eat(&s, 1, 0, &beef, &b);
    CHECK_EQ_INT(t, SURVIVAL_EAT_TICKS);
    CHECK_EQ_INT(b.food, 18);
    CHECK_NEAR(b.saturation, 12.8, 1e-5);
    CHECK_EQ_INT(beef.count, 1);
    /* releasing use restarts eating */
    for (int k = 0; k < 20; k++) survival_eat(&s, 1, 0, &beef, &b);
    survival_eat(&s, 0, 0, &beef, &b);
    for (int k = 0; k < 20; k++) CHECK_EQ_INT(survival_eat(&s, 1, 0, &beef, &b), 0);
    /* drowning: 300 ticks of air, then 2 damage every 20 ticks */
    SurvivalInput in = {.eyes_in_water = 1};
    b = (SurvivalBody){.health = 20, .max_health = 20, .food = 10, .air = 300};
    float dmg = 0;
    int first = -1;
    for (int k = 0; k < 360; k++) {
        float d = survival_tick(&s, &in, &b);
        if (d > 0 && first < 0) first = k;
        dmg += d;
    }
    CHECK_EQ_INT(first, 319);   /* air 300 -> -20 */
    CHECK_NEAR(dmg, 6.0, 1e-6); /* ticks 319, 339, 359 */
    in.eyes_in_water = 0;
    survival_tick(&s, &in, &b);
    CHECK(b.air > 0);
}

/* ---- tasks ---------------------------------------------------------------------------------- */

static void test_task_table(void) {
    const Task *t = task_default();
    CHECK_STR_EQ(t->name, "diamond_pickaxe");
    CHECK_EQ_INT(t->episode_length, 12000);
    CHECK_EQ_INT(t->n_items, 15);
    double total_limited = 0;
    for (int i = 0; i < t->n_items; i++)
        if (t->items[i].quantity != TASK_UNLIMITED)
            total_limited += t->items[i].quantity * t->items[i].reward;
    /* log 1 + planks 1 + stick 1 + table 1 + wpick 1 + cobble 1 + spick 1 + furnace 1 + coal 2
     * + torch 2 + iron ore 4 + ingot 4 + ipick 4 */
    CHECK_NEAR(total_limited, 24.0, 1e-9);
    Task bad;
    log_set_level(LOG_LEVEL_SILENT);
    CHECK(task_load_buffer("{\"name\": \"x\", \"rewards\": [{\"item\": \"nope\", \"quantity\": 1, "
                           "\"reward\": 1}]}",
                           "t", &bad) == STATUS_INVALID_ARGUMENT);
    CHECK(task_load_buffer("{\"name\": \"x\", \"rewards\": [{\"item\": \"stick\", \"quantity\": 1, "
                           "\"reward\": \"1/0\"}]}",
                           "t", &bad) == STATUS_INVALID_ARGUMENT);
    CHECK(task_load_buffer("{\"name\": \"x\", \"rewards\": [{\"item\": \"stick\", \"quantity\": 0, "
                           "\"reward\": 1}]}",
                           "t", &bad) == STATUS_INVALID_ARGUMENT);
    CHECK(task_load_buffer("{\"rewards\": []}", "t", &bad) == STATUS_INVALID_ARGUMENT);
    log_set_level(LOG_LEVEL_WARN);
    CHECK(task_load_file(VPT_SOURCE_DIR "/worlds/tasks/diamond_pickaxe.json", &bad) == STATUS_OK);
}

static void test_task_accounting(void) {
    const Task *task = task_default();
    TaskTracker *tr = calloc(1, sizeof *tr);
    int held[ITEM_COUNT] = {0}, used[ITEM_COUNT] = {0};
    task_tracker_reset(tr, held);
    held[BLOCK_OAK_LOG] = 3;
    ItemId firsts[ITEM_COUNT];
    int nf = 0;
    CHECK_NEAR(task_tracker_update(tr, task, held, used, 5, firsts, &nf), 3.0 / 8, 1e-9);
    CHECK_EQ_INT(nf, 1);
    CHECK_EQ_INT(tr->first_tick[BLOCK_OAK_LOG], 5);
    /* drop 2 and pick them up again: nothing */
    held[BLOCK_OAK_LOG] = 1;
    CHECK_NEAR(task_tracker_update(tr, task, held, used, 6, NULL, NULL), 0, 1e-12);
    held[BLOCK_OAK_LOG] = 3;
    CHECK_NEAR(task_tracker_update(tr, task, held, used, 7, NULL, NULL), 0, 1e-12);
    /* craft 1 log -> 4 planks: planks count, the log is consumed (not pooled) */
    held[BLOCK_OAK_LOG] = 2;
    held[BLOCK_OAK_PLANKS] = 4;
    used[BLOCK_OAK_LOG] = 1;
    CHECK_NEAR(task_tracker_update(tr, task, held, used, 8, NULL, NULL), 4.0 / 20, 1e-9);
    used[BLOCK_OAK_LOG] = 0;
    /* 10 more new logs: only 5 more count (quantity 8) */
    held[BLOCK_OAK_LOG] = 12;
    CHECK_NEAR(task_tracker_update(tr, task, held, used, 9, NULL, NULL), 5.0 / 8, 1e-9);
    CHECK_EQ_INT(tr->counted[BLOCK_OAK_LOG], 8);
    /* diamonds are unlimited */
    held[ITEM_DIAMOND] = 30;
    CHECK_NEAR(task_tracker_update(tr, task, held, used, 10, NULL, NULL), 30 * 8.0 / 3, 1e-9);
    CHECK_EQ_INT(tr->first_tick[ITEM_DIAMOND], 10);
    CHECK_EQ_INT(tr->first_tick[ITEM_STICK], -1);
    free(tr);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    TEST_RUN(test_recipes_load);
    TEST_RUN(test_recipes_bad_files);
    TEST_RUN(test_recipes_every_position);
    TEST_RUN(test_gui_layout);
    TEST_RUN(test_gui_left_right_clicks);
    TEST_RUN(test_gui_shift_click);
    TEST_RUN(test_gui_craft_output);
    TEST_RUN(test_gui_recipe_book);
    TEST_RUN(test_gui_book_pages);
    TEST_RUN(test_gui_conservation_property);
    TEST_RUN(test_furnace_fuels);
    TEST_RUN(test_survival_hunger_regen_starve);
    TEST_RUN(test_survival_eat_drown);
    TEST_RUN(test_task_table);
    TEST_RUN(test_task_accounting);
    return check_finish();
}
