/* gui.c: GUI screens: layout tables, cursor, hit-test, Minecraft click rules, the recipe book
 * (see gui.h). Every item movement goes through move helpers that keep counts conserved. */
#include "sim/gui.h"

#include <pthread.h>
#include <string.h>

#include "core/log.h"

/* ---- layout ---------------------------------------------------------------------------- */

#define SLOT 36 /* slot size in GUI pixels (Minecraft's 18 at GUI scale 2) */

/* Built once under pthread_once, immutable afterwards. */
static GuiLayout layouts[GUI_SCREEN_COUNT];
static pthread_once_t layouts_once = PTHREAD_ONCE_INIT;

static void add_elem(GuiLayout *l, GuiElemKind kind, int index, int x, int y, int w, int h) {
    ASSERT(l->n_elems < GUI_MAX_ELEMS);
    l->elems[l->n_elems++] = (GuiElem){kind, index, {x, y, w, h}};
}

static void add_inventory(GuiLayout *l) {
    for (int i = 9; i < GUI_INV_SLOTS; i++)
        add_elem(l, GUI_ELEM_INVENTORY, i, 298 + ((i - 9) % 9) * SLOT, 192 + ((i - 9) / 9) * SLOT,
                 SLOT, SLOT);
    for (int i = 0; i < 9; i++) add_elem(l, GUI_ELEM_INVENTORY, i, 298 + i * SLOT, 308, SLOT, SLOT);
}

/* Recipe book: 3 columns x 4 rows of large buttons (84x70 GUI px = 8x12 px at 64x64) and two
 * page buttons below them. */
static void add_book(GuiLayout *l) {
    l->book = (GuiRect){8, 8, 276, 344};
    for (int i = 0; i < GUI_BOOK_BUTTONS; i++)
        add_elem(l, GUI_ELEM_RECIPE, i, 14 + (i % 3) * 90, 16 + (i / 3) * 76, 84, 70);
    add_elem(l, GUI_ELEM_PAGE_PREV, 0, 14, 320, 130, 28);
    add_elem(l, GUI_ELEM_PAGE_NEXT, 0, 148, 320, 130, 28);
}

static void add_grid(GuiLayout *l, int gw, int x0, int y0, int out_x, int out_y) {
    l->grid_w = gw;
    for (int i = 0; i < gw * gw; i++)
        add_elem(l, GUI_ELEM_GRID, i, x0 + (i % gw) * SLOT, y0 + (i / gw) * SLOT, SLOT, SLOT);
    add_elem(l, GUI_ELEM_OUTPUT, 0, out_x, out_y, SLOT, SLOT);
}

static void layouts_init(void) {
    GuiRect panel = {290, 8, 342, 344};
    GuiLayout *l = &layouts[GUI_INVENTORY];
    *l = (GuiLayout){.screen = GUI_INVENTORY, .name = "inventory", .panel = panel};
    add_grid(l, 2, 380, 60, 520, 78);
    add_inventory(l);
    add_book(l);

    l = &layouts[GUI_CRAFTING_TABLE];
    *l = (GuiLayout){.screen = GUI_CRAFTING_TABLE, .name = "crafting_table", .panel = panel};
    add_grid(l, 3, 340, 40, 520, 76);
    add_inventory(l);
    add_book(l);

    l = &layouts[GUI_FURNACE];
    *l = (GuiLayout){.screen = GUI_FURNACE, .name = "furnace", .panel = panel};
    add_elem(l, GUI_ELEM_FURNACE_INPUT, 0, 400, 36, SLOT, SLOT);
    add_elem(l, GUI_ELEM_FURNACE_FUEL, 0, 400, 116, SLOT, SLOT);
    add_elem(l, GUI_ELEM_FURNACE_OUTPUT, 0, 520, 76, SLOT, SLOT);
    l->flame = (GuiRect){404, 80, 28, 28};
    l->arrow = (GuiRect){448, 80, 56, 28};
    add_inventory(l);

    layouts[GUI_NONE] = (GuiLayout){.screen = GUI_NONE, .name = NULL};
}

const GuiLayout *gui_layout(GuiScreen screen) {
    ASSERT((unsigned)screen < GUI_SCREEN_COUNT);
    pthread_once(&layouts_once, layouts_init);
    return &layouts[screen];
}

static const char *const SCREEN_NAMES[GUI_SCREEN_COUNT] = {NULL, "inventory", "crafting_table",
                                                           "furnace"};
static const char *const KIND_NAMES[GUI_ELEM_KIND_COUNT] = {
    "inventory",      "grid",   "output",    "furnace_input", "furnace_fuel",
    "furnace_output", "recipe", "page_prev", "page_next"};

const char *gui_screen_name(GuiScreen s) {
    return (unsigned)s < GUI_SCREEN_COUNT ? SCREEN_NAMES[s] : NULL;
}

GuiScreen gui_screen_from_name(const char *name) {
    for (int s = 1; s < GUI_SCREEN_COUNT; s++)
        if (strcmp(SCREEN_NAMES[s], name) == 0) return (GuiScreen)s;
    return GUI_NONE;
}

const char *gui_elem_kind_name(GuiElemKind k) {
    return (unsigned)k < GUI_ELEM_KIND_COUNT ? KIND_NAMES[k] : NULL;
}

/* ---- stacks ---------------------------------------------------------------------------- */

int gui_max_stack(ItemId item) { return item_info(item)->max_stack; }

static int empty(const ItemStack *s) { return s->count == 0; }
static void clear(ItemStack *s) { *s = (ItemStack){0}; }
static int same(const ItemStack *a, const ItemStack *b) {
    return a->item == b->item && a->damage == b->damage;
}

/* Moves up to n items from src to dst (dst empty or the same item), bounded by the stack
 * size. Returns how many moved. */
static int move_items(ItemStack *dst, ItemStack *src, int n) {
    if (empty(src) || n <= 0) return 0;
    if (!empty(dst) && !same(dst, src)) return 0;
    int room = gui_max_stack(src->item) - (empty(dst) ? 0 : dst->count);
    if (n > src->count) n = src->count;
    if (n > room) n = room;
    if (n <= 0) return 0;
    if (empty(dst)) {
        *dst = *src;
        dst->count = 0;
    }
    dst->count = (uint8_t)(dst->count + n);
    src->count = (uint8_t)(src->count - n);
    if (src->count == 0) clear(src);
    return n;
}

int gui_inv_insert(ItemStack *inv, int lo, int hi, int rev, ItemStack *stack) {
    for (int pass = 0; pass < 2 && !empty(stack); pass++) {
        for (int k = lo; k < hi && !empty(stack); k++) {
            int i = rev ? hi - 1 - (k - lo) : k;
            if (pass == 0 ? (!empty(&inv[i]) && same(&inv[i], stack)) : empty(&inv[i]))
                move_items(&inv[i], stack, stack->count);
        }
    }
    return stack->count;
}

static void fx_drop(GuiEffects *fx, ItemStack *s) {
    if (empty(s)) return;
    ASSERT(fx->n_dropped < GUI_MAX_DROPS);
    fx->dropped[fx->n_dropped++] = *s;
    clear(s);
}

/* ---- state ------------------------------------------------------------------------------- */

void gui_init(Gui *g) {
    memset(g, 0, sizeof *g);
    g->furnace = -1;
    g->cursor_x = GUI_WIDTH / 2;
    g->cursor_y = GUI_HEIGHT / 2;
}

void gui_open(Gui *g, GuiScreen screen, int furnace_index, const GuiContext *ctx) {
    ASSERT(screen > GUI_NONE && screen < GUI_SCREEN_COUNT);
    ASSERT(screen != GUI_FURNACE || ctx->furnace);
    gui_init(g);
    g->screen = screen;
    g->grid_w = gui_layout(screen)->grid_w;
    g->furnace = screen == GUI_FURNACE ? furnace_index : -1;
    gui_refresh_book(g, ctx);
}

/* Grid and cursor back to the inventory; what does not fit drops. */
void gui_close(Gui *g, const GuiContext *ctx, GuiEffects *fx) {
    for (int i = 0; i < 9; i++) {
        gui_inv_insert(ctx->inv, 0, GUI_INV_SLOTS, 0, &g->grid[i]);
        fx_drop(fx, &g->grid[i]);
    }
    gui_inv_insert(ctx->inv, 0, GUI_INV_SLOTS, 0, &g->cursor);
    fx_drop(fx, &g->cursor);
    float cx = g->cursor_x, cy = g->cursor_y;
    gui_init(g);
    g->cursor_x = cx; /* kept for the trace; reset on the next open */
    g->cursor_y = cy;
}

void gui_move_cursor(Gui *g, float dx, float dy) {
    g->cursor_x += dx;
    g->cursor_y += dy;
    if (g->cursor_x < 0) g->cursor_x = 0;
    if (g->cursor_y < 0) g->cursor_y = 0;
    if (g->cursor_x > GUI_WIDTH - 1) g->cursor_x = GUI_WIDTH - 1;
    if (g->cursor_y > GUI_HEIGHT - 1) g->cursor_y = GUI_HEIGHT - 1;
}

static int rect_has(const GuiRect *r, float x, float y) {
    return r->w > 0 && x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

int gui_hovered(const Gui *g) {
    if (g->screen == GUI_NONE) return -1;
    const GuiLayout *l = gui_layout(g->screen);
    for (int i = 0; i < l->n_elems; i++)
        if (rect_has(&l->elems[i].rect, g->cursor_x, g->cursor_y)) return i;
    return -1;
}

/* The stack behind a slot element (NULL for output and buttons). */
static ItemStack *elem_stack(Gui *g, const GuiElem *e, const GuiContext *ctx) {
    switch (e->kind) {
    case GUI_ELEM_INVENTORY:
        return &ctx->inv[e->index];
    case GUI_ELEM_GRID:
        return &g->grid[e->index];
    case GUI_ELEM_FURNACE_INPUT:
        return &ctx->furnace->input;
    case GUI_ELEM_FURNACE_FUEL:
        return &ctx->furnace->fuel;
    case GUI_ELEM_FURNACE_OUTPUT:
        return &ctx->furnace->output;
    default:
        return NULL;
    }
}

static int elem_accepts(const GuiElem *e, const ItemStack *s, const GuiContext *ctx) {
    if (e->kind == GUI_ELEM_FURNACE_OUTPUT) return 0;
    if (e->kind == GUI_ELEM_FURNACE_FUEL) return recipe_fuel_ticks(ctx->recipes, s->item) > 0;
    return 1;
}

/* ---- crafting ------------------------------------------------------------------------------ */

ItemStack gui_output(const Gui *g, const GuiContext *ctx) {
    if (g->grid_w == 0) return (ItemStack){0};
    int r = recipe_match(ctx->recipes, g->grid, g->grid_w);
    if (r < 0) return (ItemStack){0};
    const Recipe *rc = &ctx->recipes->recipes[r];
    return (ItemStack){.item = rc->result, .count = (uint8_t)rc->count};
}

static void consume_grid(Gui *g, GuiEffects *fx) {
    for (int i = 0; i < g->grid_w * g->grid_w; i++) {
        if (empty(&g->grid[i])) continue;
        fx->consumed[g->grid[i].item]++;
        if (--g->grid[i].count == 0) clear(&g->grid[i]);
    }
}

/* Takes one output into the cursor when it fits there. Returns 1 if crafted. */
static int take_output(Gui *g, const GuiContext *ctx, GuiEffects *fx) {
    ItemStack out = gui_output(g, ctx);
    if (empty(&out)) return 0;
    if (!empty(&g->cursor) &&
        (!same(&g->cursor, &out) || g->cursor.count + out.count > gui_max_stack(out.item)))
        return 0;
    if (empty(&g->cursor))
        g->cursor = out;
    else
        g->cursor.count = (uint8_t)(g->cursor.count + out.count);
    fx->crafted[out.item] += out.count;
    fx->craft_ops++;
    consume_grid(g, fx);
    return 1;
}

/* Shift-click on the output: craft while the whole result fits in the inventory. */
static void take_output_all(Gui *g, const GuiContext *ctx, GuiEffects *fx) {
    for (int guard = 0; guard < 64; guard++) {
        ItemStack out = gui_output(g, ctx);
        if (empty(&out)) return;
        ItemStack probe[GUI_INV_SLOTS];
        memcpy(probe, ctx->inv, sizeof probe);
        ItemStack tmp = out;
        if (gui_inv_insert(probe, 0, GUI_INV_SLOTS, 0, &tmp) != 0) return;
        memcpy(ctx->inv, probe, sizeof probe);
        fx->crafted[out.item] += out.count;
        fx->craft_ops++;
        consume_grid(g, fx);
    }
}

/* ---- recipe book ----------------------------------------------------------------------- */

static void count_held(const Gui *g, const GuiContext *ctx, int have[ITEM_COUNT]) {
    memset(have, 0, sizeof(int) * ITEM_COUNT);
    for (int i = 0; i < GUI_INV_SLOTS; i++) have[ctx->inv[i].item] += ctx->inv[i].count;
    for (int i = 0; i < 9; i++) have[g->grid[i].item] += g->grid[i].count;
    have[ITEM_NONE] = 0;
}

void gui_refresh_book(Gui *g, const GuiContext *ctx) {
    g->book_n = 0;
    if (g->grid_w == 0) return;
    int have[ITEM_COUNT];
    count_held(g, ctx, have);
    for (int r = 0; r < ctx->recipes->n_recipes; r++) {
        const Recipe *rc = &ctx->recipes->recipes[r];
        if (recipe_fits(rc, g->grid_w) && recipe_available(rc, have)) g->book[g->book_n++] = r;
    }
    int pages = gui_book_pages(g);
    if (g->book_page >= pages) g->book_page = pages - 1;
    if (g->book_page < 0) g->book_page = 0;
}

int gui_book_pages(const Gui *g) {
    int p = (g->book_n + GUI_BOOK_BUTTONS - 1) / GUI_BOOK_BUTTONS;
    return p < 1 ? 1 : p;
}

int gui_book_recipe(const Gui *g, int button) {
    int i = g->book_page * GUI_BOOK_BUTTONS + button;
    if (button < 0 || button >= GUI_BOOK_BUTTONS || i >= g->book_n) return -1;
    return g->book[i];
}

/* Takes one item accepted by `ing` (and equal to `want` unless ITEM_NONE) out of inv, main
 * inventory first so the hotbar keeps its tools. */
static int take_ingredient(ItemStack *inv, const RecipeIngredient *ing, ItemId want,
                           ItemStack *out) {
    for (int k = 0; k < GUI_INV_SLOTS; k++) {
        int i = (k + 9) % GUI_INV_SLOTS;
        if (empty(&inv[i]) || !recipe_ingredient_accepts(ing, inv[i].item)) continue;
        if (want != ITEM_NONE && inv[i].item != want) continue;
        *out = inv[i];
        out->count = 1;
        if (--inv[i].count == 0) clear(&inv[i]);
        return 1;
    }
    return 0;
}

/* Adds one set of the recipe's ingredients to grid (top-left placement) from inv. Works on
 * the caller's copies; returns 0 (copies partly changed) when something is missing. */
static int place_set(const Recipe *rc, ItemStack *grid, int gw, ItemStack *inv) {
    for (int i = 0; i < rc->w * rc->h; i++) {
        const RecipeIngredient *ing = &rc->cells[i];
        if (ing->n_alts == 0) continue;
        ItemStack *cell = &grid[recipe_cell_slot(rc, i, gw)];
        if (!empty(cell) && cell->count >= gui_max_stack(cell->item)) return 0;
        ItemStack one;
        if (!take_ingredient(inv, ing, empty(cell) ? ITEM_NONE : cell->item, &one)) return 0;
        if (empty(cell))
            *cell = one;
        else
            cell->count++;
    }
    return 1;
}

/* Does the grid hold exactly the recipe's top-left placement (cells of it non-empty, the rest
 * empty)? Then a click adds one more set instead of starting over. */
static int grid_holds_placement(const Recipe *rc, const ItemStack *grid, int gw) {
    int want[9] = {0};
    for (int i = 0; i < rc->w * rc->h; i++)
        if (rc->cells[i].n_alts) want[recipe_cell_slot(rc, i, gw)] = 1;
    for (int c = 0; c < gw * gw; c++)
        if (want[c] != !empty(&grid[c])) return 0;
    return 1;
}

static void book_click(Gui *g, int button, int all, const GuiContext *ctx) {
    int r = gui_book_recipe(g, button);
    if (r < 0) return;
    const Recipe *rc = &ctx->recipes->recipes[r];
    ItemStack inv[GUI_INV_SLOTS], grid[9];
    memcpy(inv, ctx->inv, sizeof inv);
    memcpy(grid, g->grid, sizeof grid);
    int gw = g->grid_w;
    if (!(recipe_match(ctx->recipes, grid, gw) == r && grid_holds_placement(rc, grid, gw))) {
        /* Start over: the grid goes back to the inventory (abort if it does not fit). */
        for (int i = 0; i < 9; i++)
            if (gui_inv_insert(inv, 0, GUI_INV_SLOTS, 0, &grid[i]) != 0) return;
    }
    int placed = 0;
    for (int n = 0; n < (all ? 64 : 1); n++) {
        ItemStack inv2[GUI_INV_SLOTS], grid2[9];
        memcpy(inv2, inv, sizeof inv2);
        memcpy(grid2, grid, sizeof grid2);
        if (!place_set(rc, grid2, gw, inv2)) break;
        memcpy(inv, inv2, sizeof inv);
        memcpy(grid, grid2, sizeof grid);
        placed++;
    }
    if (placed == 0) return;
    memcpy(ctx->inv, inv, sizeof inv);
    memcpy(g->grid, grid, sizeof grid);
}

/* ---- clicks ------------------------------------------------------------------------------ */

static void click_slot(Gui *g, const GuiElem *e, GuiClick click, const GuiContext *ctx) {
    ItemStack *s = elem_stack(g, e, ctx);
    ItemStack *c = &g->cursor;
    if (e->kind == GUI_ELEM_FURNACE_OUTPUT) { /* take only */
        int n = click == GUI_CLICK_RIGHT ? (s->count + 1) / 2 : s->count;
        move_items(c, s, n);
        return;
    }
    if (empty(c)) {
        move_items(c, s, click == GUI_CLICK_RIGHT ? (s->count + 1) / 2 : s->count);
        return;
    }
    if (!elem_accepts(e, c, ctx)) return;
    if (empty(s) || same(s, c)) {
        move_items(s, c, click == GUI_CLICK_RIGHT ? 1 : c->count);
        return;
    }
    ItemStack t = *s; /* different items: swap */
    *s = *c;
    *c = t;
}

/* Shift-click on a slot: move the whole stack to the other part of the screen. */
static void shift_slot(Gui *g, const GuiElem *e, const GuiContext *ctx) {
    ItemStack *s = elem_stack(g, e, ctx);
    if (empty(s)) return;
    if (e->kind != GUI_ELEM_INVENTORY) { /* grid / furnace -> main inventory, then hotbar */
        gui_inv_insert(ctx->inv, 9, GUI_INV_SLOTS, 0, s);
        gui_inv_insert(ctx->inv, 0, 9, 0, s);
        return;
    }
    if (g->screen == GUI_FURNACE) {
        if (recipe_smelt_result(ctx->recipes, s->item) != ITEM_NONE) {
            move_items(&ctx->furnace->input, s, s->count);
            if (empty(s)) return;
        }
        if (recipe_fuel_ticks(ctx->recipes, s->item) > 0) {
            move_items(&ctx->furnace->fuel, s, s->count);
            if (empty(s)) return;
        }
    }
    if (e->index < 9)
        gui_inv_insert(ctx->inv, 9, GUI_INV_SLOTS, 0, s);
    else
        gui_inv_insert(ctx->inv, 0, 9, 0, s);
}

static void click_outside(Gui *g, GuiClick click, GuiEffects *fx) {
    const GuiLayout *l = gui_layout(g->screen);
    if (empty(&g->cursor) || rect_has(&l->panel, g->cursor_x, g->cursor_y) ||
        rect_has(&l->book, g->cursor_x, g->cursor_y))
        return;
    if (click == GUI_CLICK_RIGHT) {
        ItemStack one = g->cursor;
        one.count = 1;
        if (--g->cursor.count == 0) clear(&g->cursor);
        fx_drop(fx, &one);
    } else {
        fx_drop(fx, &g->cursor);
    }
}

void gui_click(Gui *g, GuiClick click, const GuiContext *ctx, GuiEffects *fx) {
    if (g->screen == GUI_NONE) return;
    int h = gui_hovered(g);
    if (h < 0) {
        click_outside(g, click, fx);
        gui_refresh_book(g, ctx);
        return;
    }
    const GuiElem *e = &gui_layout(g->screen)->elems[h];
    switch (e->kind) {
    case GUI_ELEM_OUTPUT:
        if (click == GUI_CLICK_SHIFT_LEFT)
            take_output_all(g, ctx, fx);
        else
            take_output(g, ctx, fx);
        break;
    case GUI_ELEM_RECIPE:
        book_click(g, e->index, click == GUI_CLICK_SHIFT_LEFT, ctx);
        break;
    case GUI_ELEM_PAGE_PREV:
        if (g->book_page > 0) g->book_page--;
        break;
    case GUI_ELEM_PAGE_NEXT:
        if (g->book_page + 1 < gui_book_pages(g)) g->book_page++;
        break;
    default:
        if (click == GUI_CLICK_SHIFT_LEFT)
            shift_slot(g, e, ctx);
        else
            click_slot(g, e, click, ctx);
        break;
    }
    gui_refresh_book(g, ctx);
}

void gui_drop_hovered(Gui *g, const GuiContext *ctx, GuiEffects *fx) {
    int h = gui_hovered(g);
    if (h < 0) return;
    ItemStack *s = elem_stack(g, &gui_layout(g->screen)->elems[h], ctx);
    if (s) fx_drop(fx, s);
    gui_refresh_book(g, ctx);
}

void gui_hotbar_swap(Gui *g, int k, const GuiContext *ctx) {
    ASSERT(k >= 0 && k < 9);
    int h = gui_hovered(g);
    if (h < 0) return;
    const GuiElem *e = &gui_layout(g->screen)->elems[h];
    ItemStack *s = elem_stack(g, e, ctx), *hot = &ctx->inv[k];
    if (!s || s == hot) return;
    if (e->kind == GUI_ELEM_FURNACE_OUTPUT) {
        if (empty(hot)) move_items(hot, s, s->count);
    } else if (empty(hot) || elem_accepts(e, hot, ctx)) {
        ItemStack t = *s;
        *s = *hot;
        *hot = t;
    }
    gui_refresh_book(g, ctx);
}
