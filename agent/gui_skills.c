/* gui_skills.c: the scripted player's hands in GUI screens: moving the cursor like a person
 * (eased motion with a little noise toward a random point inside the slot), clicking on key-down
 * ticks, and the operation queues for crafting (recipe book or placing items in the grid by
 * hand) and smelting. Slots come from the sim's GUI layout; nothing here changes the env. */
#include <math.h>
#include <string.h>

#include "agent/scripted_internal.h"
#include "core/log.h"

void sk_ops_clear(Scripted *s) {
    s->n_ops = 0;
    s->op_i = 0;
    s->op_phase = 0;
    s->op_ticks = 0;
    s->slip_elem = -1;
}

void sk_ops_add(Scripted *s, GuiOpKind kind, int arg, GuiClick click) {
    ASSERT(s->n_ops < SK_MAX_OPS);
    s->ops[s->n_ops++] = (GuiOp){kind, arg, click};
}

int sk_recipe_for(const Scripted *s, ItemId item, int grid_w) {
    const RecipeSet *rs = view_recipes(s->env);
    if (!rs) return -1;
    for (int i = 0; i < rs->n_recipes; i++)
        if (rs->recipes[i].result == item && recipe_fits(&rs->recipes[i], grid_w)) return i;
    return -1;
}

static int find_elem(const GuiLayout *lay, GuiElemKind kind, int index) {
    for (int i = 0; i < lay->n_elems; i++)
        if (lay->elems[i].kind == kind && lay->elems[i].index == index) return i;
    return -1;
}

/* Resolves the current op to a layout element; -1 when it cannot be done, -2 to wait. */
static int resolve_op(Scripted *s, const GuiLayout *lay, GuiOp *op) {
    const Inventory *inv = &s->pv.inv;
    switch (op->kind) {
    case OP_BOOK:
        for (int b = 0; b < GUI_BOOK_BUTTONS; b++)
            if (s->gv.book_recipe[b] == op->arg) return find_elem(lay, GUI_ELEM_RECIPE, b);
        if (s->gv.book_pages > 1 && s->op_ticks < 200) {
            op->click = GUI_CLICK_LEFT;
            return -3 - find_elem(lay, GUI_ELEM_PAGE_NEXT, 0); /* page turn, not the op */
        }
        return -1;
    case OP_OUTPUT:
        return find_elem(lay, GUI_ELEM_OUTPUT, 0);
    case OP_INV_ITEM: {
        int best = -1;
        for (int i = 0; i < INVENTORY_SLOTS; i++)
            if (inv->slots[i].count > 0 && inv->slots[i].item == op->arg &&
                (best < 0 || inv->slots[i].count > inv->slots[best].count))
                best = i;
        if (best < 0) return -1;
        s->back_slot = best;
        return find_elem(lay, GUI_ELEM_INVENTORY, best);
    }
    case OP_INV_BACK:
        if (s->gv.cursor.count == 0) return -4; /* nothing to put back: skip */
        return find_elem(lay, GUI_ELEM_INVENTORY, s->back_slot);
    case OP_INV_EMPTY:
        if (s->gv.cursor.count == 0) return -4;
        for (int i = INVENTORY_SLOTS - 1; i >= 0; i--)
            if (inv->slots[i].count == 0) return find_elem(lay, GUI_ELEM_INVENTORY, i);
        return -1;
    case OP_GRID:
        return find_elem(lay, GUI_ELEM_GRID, op->arg);
    case OP_INV_SLOT:
        return find_elem(lay, GUI_ELEM_INVENTORY, op->arg);
    case OP_FURN_IN:
        return find_elem(lay, GUI_ELEM_FURNACE_INPUT, 0);
    case OP_FURN_FUEL:
        return find_elem(lay, GUI_ELEM_FURNACE_FUEL, 0);
    case OP_FURN_OUT:
        if (s->gv.furnace_output.count == 0) return -4;
        return find_elem(lay, GUI_ELEM_FURNACE_OUTPUT, 0);
    case OP_WAIT_SMELT:
        if (s->gv.furnace_output.count >= op->arg || s->gv.furnace_input.count == 0) return -4;
        return -2;
    }
    return -1;
}

/* Clumsy hands: now and then, with nothing held, the first click lands on an empty inventory
 * slot (a harmless misclick) before the intended one. */
static void maybe_slip(Scripted *s, const GuiLayout *lay, int page_turn) {
    if (s->op_phase != 0 || page_turn || s->slip_elem >= 0 || s->gv.cursor.count) return;
    if (rng_float(&s->rng) >= s->persona.skill.mistake_rate * 2.0f) return;
    int empty[INVENTORY_SLOTS], n = 0;
    for (int i = INVENTORY_HOTBAR; i < INVENTORY_SLOTS; i++)
        if (s->pv.inv.slots[i].count == 0) empty[n++] = i;
    if (n == 0) return;
    s->slip_elem = find_elem(lay, GUI_ELEM_INVENTORY, empty[rng_below(&s->rng, (uint32_t)n)]);
}

static void cursor_toward(Scripted *s, float ax, float ay) {
    float dx = ax - s->gv.cursor_x, dy = ay - s->gv.cursor_y;
    float vx = dx * 0.45f, vy = dy * 0.45f;
    float sp = sqrtf(vx * vx + vy * vy), cap = 30.0f + 40.0f * s->persona.skill.level;
    if (sp > cap) {
        vx *= cap / sp;
        vy *= cap / sp;
    }
    s->cvx = 0.4f * s->cvx + 0.6f * vx;
    s->cvy = 0.4f * s->cvy + 0.6f * vy;
    s->out.cursor = 1;
    s->out.cx = s->cvx + (float)rng_normal(&s->rng) * 0.4f;
    s->out.cy = s->cvy + (float)rng_normal(&s->rng) * 0.4f;
}

static void click_keys(Scripted *s, GuiClick c) {
    if (c == GUI_CLICK_RIGHT) {
        sk_press(s, KEY_USE);
    } else {
        if (c == GUI_CLICK_SHIFT_LEFT) sk_hold(s, KEY_SNEAK);
        sk_press(s, KEY_ATTACK);
    }
}

SkStatus sk_run_ops(Scripted *s) {
    if (s->op_i >= s->n_ops) return SK_DONE;
    if (s->gv.screen == GUI_NONE) return SK_FAILED;
    const GuiLayout *lay = gui_layout(s->gv.screen);
    GuiOp *op = &s->ops[s->op_i];
    s->op_ticks++;
    /* Smelting three items takes 600 ticks; anything else is a few seconds of hand work. */
    if (s->op_ticks > (op->kind == OP_WAIT_SMELT ? 2000 : 300)) return SK_FAILED;
    if (s->op_phase == 4) {
        /* The click happened last tick (the key is released now): next op, or the same op
         * again after a page turn of the recipe book. */
        s->op_phase = 0;
        s->slip_elem = -1;
        if (!s->page_turn) {
            s->op_i++;
            s->op_ticks = 0;
        }
        return SK_RUNNING;
    }
    int e = resolve_op(s, lay, op);
    int page_turn = 0;
    if (e == -4) { /* nothing to do for this op */
        s->op_i++;
        s->op_phase = 0;
        s->op_ticks = 0;
        return SK_RUNNING;
    }
    if (e == -2) return SK_RUNNING;
    if (e <= -3) {
        e = -3 - e;
        page_turn = 1;
    }
    if (e < 0) return SK_FAILED;
    maybe_slip(s, lay, page_turn);
    if (s->slip_elem >= 0) {
        e = s->slip_elem;
        page_turn = 1;
    }
    const GuiRect *r = &lay->elems[e].rect;
    if (s->op_phase == 0) {
        /* Pick a point inside the element, away from its border. */
        float mx = r->w > 8 ? (float)(r->w - 8) : 0.0f, my = r->h > 8 ? (float)(r->h - 8) : 0.0f;
        s->cur_ax = r->x + r->w * 0.5f + (rng_float(&s->rng) - 0.5f) * mx * 0.6f;
        s->cur_ay = r->y + r->h * 0.5f + (rng_float(&s->rng) - 0.5f) * my * 0.6f;
        s->op_phase = 1;
    }
    int inside = s->gv.cursor_x >= r->x + 1 && s->gv.cursor_x < r->x + r->w - 1 &&
                 s->gv.cursor_y >= r->y + 1 && s->gv.cursor_y < r->y + r->h - 1;
    float dx = s->cur_ax - s->gv.cursor_x, dy = s->cur_ay - s->gv.cursor_y;
    if (s->op_phase == 1) {
        if (inside && dx * dx + dy * dy < 9.0f) {
            s->op_phase = 2;
        } else {
            cursor_toward(s, s->cur_ax, s->cur_ay);
            return SK_RUNNING;
        }
    }
    GuiClick click = page_turn ? GUI_CLICK_LEFT : op->click;
    if (s->op_phase == 2) {
        /* Shift is pressed a tick before the click, like a hand would. */
        if (click == GUI_CLICK_SHIFT_LEFT) sk_hold(s, KEY_SNEAK);
        s->op_phase = 3;
        return SK_RUNNING;
    }
    if (s->op_phase == 3) {
        if (s->prev_keys & (ACTION_KEY_BIT(KEY_ATTACK) | ACTION_KEY_BIT(KEY_USE)))
            return SK_RUNNING;
        click_keys(s, click);
        s->page_turn = page_turn;
        s->op_phase = 4;
        return SK_RUNNING;
    }
    return SK_RUNNING;
}

static int choose_alt(const Scripted *s, const RecipeIngredient *ing) {
    for (int a = 0; a < ing->n_alts; a++)
        if (inventory_count(&s->pv.inv, ing->alts[a]) > 0) return ing->alts[a];
    return -1;
}

int sk_queue_craft(Scripted *s, int recipe, int by_hand) {
    const RecipeSet *rs = view_recipes(s->env);
    if (!rs || recipe < 0) return 0;
    const Recipe *r = &rs->recipes[recipe];
    int grid_w = s->gv.grid_w ? s->gv.grid_w : 2;
    if (!recipe_fits(r, grid_w)) return 0;
    sk_ops_clear(s);
    if (!by_hand) {
        sk_ops_add(s, OP_BOOK, recipe, GUI_CLICK_LEFT);
        sk_ops_add(s, OP_OUTPUT, 0, GUI_CLICK_SHIFT_LEFT);
        return 1;
    }
    int n_cells = r->shaped ? r->w * r->h : r->w;
    int item_of[RECIPE_MAX_CELLS], done[RECIPE_MAX_CELLS] = {0};
    for (int i = 0; i < n_cells; i++) {
        item_of[i] = r->cells[i].n_alts ? choose_alt(s, &r->cells[i]) : -2;
        if (item_of[i] == -1) return 0;
    }
    for (int i = 0; i < n_cells; i++) {
        if (done[i] || item_of[i] < 0) continue;
        int need = 0;
        for (int j = i; j < n_cells; j++) need += item_of[j] == item_of[i] && !done[j];
        /* One stack must hold enough: the hand picks up one stack. */
        int biggest = 0;
        for (int k = 0; k < INVENTORY_SLOTS; k++)
            if (s->pv.inv.slots[k].item == item_of[i] && s->pv.inv.slots[k].count > biggest)
                biggest = s->pv.inv.slots[k].count;
        if (biggest < need) return sk_queue_craft(s, recipe, 0);
        sk_ops_add(s, OP_INV_ITEM, item_of[i], GUI_CLICK_LEFT);
        for (int j = i; j < n_cells; j++) {
            if (done[j] || item_of[j] != item_of[i]) continue;
            int slot = r->shaped ? recipe_cell_slot(r, j, grid_w) : j;
            sk_ops_add(s, OP_GRID, slot, GUI_CLICK_RIGHT);
            done[j] = 1;
        }
        sk_ops_add(s, OP_INV_BACK, 0, GUI_CLICK_LEFT);
    }
    sk_ops_add(s, OP_OUTPUT, 0, GUI_CLICK_SHIFT_LEFT);
    return 1;
}
