/* inventory.c: stack merging and counting over the 36 player slots. */
#include "sim/inventory.h"

#include <string.h>

#include "core/log.h"

void inventory_clear(Inventory *inv) { memset(inv, 0, sizeof *inv); }

int inventory_add(Inventory *inv, ItemId item, int count, uint16_t damage) {
    ASSERT(item > ITEM_NONE && item < ITEM_COUNT && count >= 0);
    int max = item_info(item)->max_stack;
    /* merge (tools have max stack 1, so damage never mixes) */
    for (int i = 0; i < INVENTORY_SLOTS && count > 0; i++) {
        ItemStack *s = &inv->slots[i];
        if (s->count == 0 || s->item != item || s->count >= max) continue;
        int n = max - s->count;
        if (n > count) n = count;
        s->count = (uint8_t)(s->count + n);
        count -= n;
    }
    for (int i = 0; i < INVENTORY_SLOTS && count > 0; i++) {
        ItemStack *s = &inv->slots[i];
        if (s->count != 0) continue;
        int n = count < max ? count : max;
        s->item = item;
        s->count = (uint8_t)n;
        s->damage = damage;
        count -= n;
    }
    return count;
}

int inventory_take_slot(Inventory *inv, int slot, int n) {
    ASSERT(slot >= 0 && slot < INVENTORY_SLOTS && n >= 0);
    ItemStack *s = &inv->slots[slot];
    if (n > s->count) n = s->count;
    s->count = (uint8_t)(s->count - n);
    if (s->count == 0) memset(s, 0, sizeof *s);
    return n;
}

int inventory_remove(Inventory *inv, ItemId item, int count) {
    int removed = 0;
    for (int i = INVENTORY_SLOTS - 1; i >= 0 && removed < count; i--)
        if (inv->slots[i].count && inv->slots[i].item == item)
            removed += inventory_take_slot(inv, i, count - removed);
    return removed;
}

int inventory_count(const Inventory *inv, ItemId item) {
    int n = 0;
    for (int i = 0; i < INVENTORY_SLOTS; i++)
        if (inv->slots[i].count && inv->slots[i].item == item) n += inv->slots[i].count;
    return n;
}
