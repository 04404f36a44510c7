/* item.h: item ids, stacks and the item registry.
 *
 * Every block is also an item with the same number (ids below BLOCK_COUNT); the other items
 * follow. Ids are stable (saved in snapshots, recordings and golden data): append before
 * ITEM_COUNT, never reorder. The registry (item.c) holds each item's Minecraft name
 * ("oak_planks", "wooden_pickaxe"), stack size, tool class and tier, durability, food value. */
#ifndef SIM_ITEM_H
#define SIM_ITEM_H

#include <stdint.h>

#include "sim/block.h"

typedef uint16_t ItemId;

enum {
    ITEM_NONE = BLOCK_AIR, /* an empty slot holds ITEM_NONE with count 0 */
    ITEM_STICK = BLOCK_COUNT,
    ITEM_COAL,
    ITEM_CHARCOAL,
    ITEM_IRON_INGOT,
    ITEM_DIAMOND,
    ITEM_RAW_PORKCHOP,
    ITEM_COOKED_PORKCHOP,
    ITEM_RAW_BEEF,
    ITEM_COOKED_BEEF,
    ITEM_RAW_MUTTON,
    ITEM_COOKED_MUTTON,
    ITEM_WOODEN_PICKAXE,
    ITEM_WOODEN_AXE,
    ITEM_WOODEN_SHOVEL,
    ITEM_WOODEN_SWORD,
    ITEM_STONE_PICKAXE,
    ITEM_STONE_AXE,
    ITEM_STONE_SHOVEL,
    ITEM_STONE_SWORD,
    ITEM_IRON_PICKAXE,
    ITEM_IRON_AXE,
    ITEM_IRON_SHOVEL,
    ITEM_IRON_SWORD,
    ITEM_DIAMOND_PICKAXE,
    ITEM_DIAMOND_AXE,
    ITEM_DIAMOND_SHOVEL,
    ITEM_DIAMOND_SWORD,
    ITEM_COUNT
};

/* A stack in a slot. count 0 means empty (item is then ITEM_NONE). damage counts uses of a
 * tool (it breaks when damage reaches its durability). */
typedef struct ItemStack {
    ItemId item;
    uint8_t count;
    uint16_t damage;
} ItemStack;

typedef struct ItemInfo {
    const char *name;    /* Minecraft name: "wooden_pickaxe", "oak_log" */
    uint8_t max_stack;   /* 64; tools 1; a few 16 */
    uint8_t tool;        /* ToolClass (TOOL_NONE for non-tools) */
    uint8_t tier;        /* TIER_* of a tool (0 otherwise) */
    float speed;         /* mining speed on its tool class: hand 1, wooden 2, stone 4, iron 6,
                            diamond 8 */
    uint16_t durability; /* uses before a tool breaks (wooden 59, stone 131, iron 250, diamond
                            1561); 0 = not a tool */
    uint8_t food;        /* food points restored when eaten (0 = not food) */
    float saturation;    /* saturation restored when eaten */
    uint8_t places;      /* BlockId placed by `use`, BLOCK_AIR if it places nothing */
} ItemInfo;

/* Registry entry of `id` (static storage); ASSERTs id < ITEM_COUNT. */
const ItemInfo *item_info(ItemId id);
/* Id for a Minecraft name ("stick", "minecraft:stick"); ITEM_COUNT if unknown. */
ItemId item_from_name(const char *name);
/* Shorthand for item_info(id)->name. */
const char *item_name(ItemId id);

#endif
