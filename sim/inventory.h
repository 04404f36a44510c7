/* inventory.h: the player's 36 slots (0-8 hotbar, 9-35 main) and the selected hotbar slot.
 *
 * Invariants: an empty slot is {ITEM_NONE, 0, 0}; a non-empty slot has 1 <= count <=
 * item_info(item)->max_stack. The GUI code (sim/gui.*) operates on these arrays directly. */
#ifndef SIM_INVENTORY_H
#define SIM_INVENTORY_H

#include "sim/item.h"

#define INVENTORY_SLOTS 36
#define INVENTORY_HOTBAR 9

typedef struct Inventory {
    ItemStack slots[INVENTORY_SLOTS];
    int selected; /* 0..8 */
} Inventory;

void inventory_clear(Inventory *inv);
/* Adds `count` of item (with tool damage `damage`): merges into existing stacks of the same
 * item first (hotbar first, then main), then fills empty slots (hotbar first). Returns the
 * count that did not fit. */
int inventory_add(Inventory *inv, ItemId item, int count, uint16_t damage);
/* Removes up to `count` of item (main slots first, then hotbar from the right); returns the
 * number removed. */
int inventory_remove(Inventory *inv, ItemId item, int count);
/* Total count of item over all slots. */
int inventory_count(const Inventory *inv, ItemId item);
/* Removes up to n from slot i; returns how many were removed. */
int inventory_take_slot(Inventory *inv, int slot, int n);
/* Selected hotbar stack. */
static inline ItemStack *inventory_selected(Inventory *inv) { return &inv->slots[inv->selected]; }

#endif
