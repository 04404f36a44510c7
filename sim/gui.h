/* gui.h: the inventory, crafting-table and furnace screens: layout, cursor, click rules and
 * the recipe book. Game logic, not pixels: both renderers draw from gui_layout() and the
 * cursor hit-test uses the same rectangles.
 *
 * Coordinates are GUI pixels of the 640x360 virtual screen (x right, y down). The cursor moves
 * by the mouse counts of the native action and is clamped to the screen. Clicks follow
 * Minecraft: left click picks up / places / swaps / merges; right click picks up half (rounded
 * up) / places one; shift+left moves a stack between inventory parts, or to/from the grid or
 * furnace, or crafts all the output that fits; taking the output consumes one of each grid
 * ingredient. The recipe book lists the recipes craftable from what the player holds
 * (inventory + grid) in the current grid size; clicking one fills the grid from the inventory.
 *
 * Invariant (tested by a property test): no operation creates or destroys items except
 * crafting (reported in GuiEffects.crafted/consumed); items that leave are reported in
 * GuiEffects.dropped. The Gui does not own the inventory or the furnace: the caller passes them
 * in a GuiContext on each call. */
#ifndef SIM_GUI_H
#define SIM_GUI_H

#include "sim/furnace.h"
#include "sim/item.h"
#include "sim/recipe.h"

#define GUI_WIDTH 640
#define GUI_HEIGHT 360
#define GUI_INV_SLOTS 36    /* 0-8 hotbar, 9-35 main inventory */
#define GUI_BOOK_BUTTONS 12 /* recipe buttons per page (3 columns x 4 rows) */
#define GUI_MAX_ELEMS 64
#define GUI_MAX_DROPS 48

typedef enum GuiScreen {
    GUI_NONE = 0,
    GUI_INVENTORY,      /* player inventory: 2x2 grid, output, recipe book */
    GUI_CRAFTING_TABLE, /* 3x3 grid, output, recipe book */
    GUI_FURNACE,        /* input, fuel, output */
    GUI_SCREEN_COUNT
} GuiScreen;

typedef enum GuiElemKind {
    GUI_ELEM_INVENTORY = 0, /* index = inventory slot 0..35 */
    GUI_ELEM_GRID,          /* index = grid cell, row-major in the grid width */
    GUI_ELEM_OUTPUT,        /* crafting output */
    GUI_ELEM_FURNACE_INPUT,
    GUI_ELEM_FURNACE_FUEL,
    GUI_ELEM_FURNACE_OUTPUT,
    GUI_ELEM_RECIPE,    /* index = button 0..GUI_BOOK_BUTTONS-1 on the current page */
    GUI_ELEM_PAGE_PREV, /* recipe book pages */
    GUI_ELEM_PAGE_NEXT,
    GUI_ELEM_KIND_COUNT
} GuiElemKind;

typedef struct GuiRect {
    int x, y, w, h;
} GuiRect;

typedef struct GuiElem {
    GuiElemKind kind;
    int index;
    GuiRect rect;
} GuiElem;

/* The static layout of a screen (static storage, never changes). */
typedef struct GuiLayout {
    GuiScreen screen;
    const char *name; /* "inventory", "crafting_table", "furnace" */
    GuiRect panel;    /* the slot panel; clicking outside every panel drops the cursor stack */
    GuiRect book;     /* recipe book panel (w = 0 when the screen has none) */
    GuiRect flame;    /* furnace: fuel-left indicator, arrow: cooking progress (else w = 0) */
    GuiRect arrow;
    int grid_w; /* crafting grid width (2, 3) or 0 */
    int n_elems;
    GuiElem elems[GUI_MAX_ELEMS];
} GuiLayout;

typedef enum GuiClick {
    GUI_CLICK_LEFT = 0,
    GUI_CLICK_RIGHT,
    GUI_CLICK_SHIFT_LEFT,
} GuiClick;

typedef struct Gui {
    GuiScreen screen;
    float cursor_x, cursor_y;
    ItemStack cursor; /* the stack held by the mouse */
    ItemStack grid[9];
    int grid_w;           /* 2 or 3 while a crafting screen is open */
    int furnace;          /* index into the FurnaceTable, -1 when none */
    int book_page;        /* current recipe book page */
    int book_n;           /* recipes listed */
    int book[RECIPE_MAX]; /* recipe indices listed, in recipe file order */
} Gui;

typedef struct GuiContext {
    ItemStack *inv;           /* GUI_INV_SLOTS stacks, owned by the player */
    const RecipeSet *recipes; /* never NULL */
    Furnace *furnace;         /* the open furnace (GUI_FURNACE), else NULL */
} GuiContext;

/* What an operation did besides moving items around. Accumulates: callers zero it. */
typedef struct GuiEffects {
    ItemStack dropped[GUI_MAX_DROPS]; /* stacks thrown out of the GUI, to spawn as entities */
    int n_dropped;
    int crafted[ITEM_COUNT];  /* items created by crafting */
    int consumed[ITEM_COUNT]; /* ingredients used up by crafting */
    int craft_ops;            /* outputs taken */
} GuiEffects;

const GuiLayout *gui_layout(GuiScreen screen);
const char *gui_screen_name(GuiScreen screen);    /* "inventory"...; NULL for GUI_NONE */
GuiScreen gui_screen_from_name(const char *name); /* GUI_NONE when unknown */
const char *gui_elem_kind_name(GuiElemKind kind);

void gui_init(Gui *g);
/* Opens a screen: the cursor goes to the centre; the grid is empty. */
void gui_open(Gui *g, GuiScreen screen, int furnace_index, const GuiContext *ctx);
/* Closes: the cursor stack and the grid go back to the inventory, what does not fit drops. */
void gui_close(Gui *g, const GuiContext *ctx, GuiEffects *fx);
void gui_move_cursor(Gui *g, float dx, float dy);
/* Index into gui_layout(screen)->elems under the cursor, or -1. */
int gui_hovered(const Gui *g);
void gui_click(Gui *g, GuiClick click, const GuiContext *ctx, GuiEffects *fx);
/* Number key k (0..8) over a slot: swaps the hovered stack with hotbar slot k (Minecraft's
 * hotbar swap; a furnace output only moves into an empty hotbar slot). */
void gui_hotbar_swap(Gui *g, int k, const GuiContext *ctx);
/* Drops the whole hovered stack (not the output or recipe buttons). */
void gui_drop_hovered(Gui *g, const GuiContext *ctx, GuiEffects *fx);
/* Recomputes the recipe book list (done after every operation; call it when the inventory
 * changed from outside, e.g. a pickup while the screen is open). */
void gui_refresh_book(Gui *g, const GuiContext *ctx);
/* Recipe index shown by recipe button `button` of the current page, or -1. */
int gui_book_recipe(const Gui *g, int button);
int gui_book_pages(const Gui *g);
/* The crafting output currently shown (count 0 when the grid makes nothing). */
ItemStack gui_output(const Gui *g, const GuiContext *ctx);

/* Inventory helpers shared with the env: add a stack to inventory slots [lo, hi) (merging
 * first, then empty slots, in order; reversed when rev); returns what is left over. */
int gui_inv_insert(ItemStack *inv, int lo, int hi, int rev, ItemStack *stack);
int gui_max_stack(ItemId item);

#endif
