/* item.c: the item registry (Minecraft Java values). Ids below BLOCK_COUNT are the blocks as
 * items and take their name from the block registry. */
#include "sim/item.h"

#include <string.h>

#include "core/log.h"

_Static_assert(ITEM_COUNT < 256, "item ids fit the 8-bit fields of snapshots");

#define BLOCK_ITEM(b, n) [b] = {n, 64, TOOL_NONE, 0, 1.0f, 0, 0, 0.0f, b}
#define TOOL(n, cls, tier, spd, dur)                                                               \
    { n, 1, cls, tier, spd, dur, 0, 0.0f, BLOCK_AIR }
#define FOOD(n, f, s)                                                                              \
    { n, 64, TOOL_NONE, 0, 1.0f, 0, f, s, BLOCK_AIR }
#define PLAIN(n, stack)                                                                            \
    { n, stack, TOOL_NONE, 0, 1.0f, 0, 0, 0.0f, BLOCK_AIR }

static const ItemInfo ITEM_TABLE[ITEM_COUNT] = {
    [ITEM_NONE] = PLAIN("air", 64),
    BLOCK_ITEM(BLOCK_STONE, "stone"),
    BLOCK_ITEM(BLOCK_GRASS, "grass_block"),
    BLOCK_ITEM(BLOCK_DIRT, "dirt"),
    BLOCK_ITEM(BLOCK_COBBLESTONE, "cobblestone"),
    BLOCK_ITEM(BLOCK_BEDROCK, "bedrock"),
    BLOCK_ITEM(BLOCK_SAND, "sand"),
    BLOCK_ITEM(BLOCK_GRAVEL, "gravel"),
    BLOCK_ITEM(BLOCK_WATER, "water"),
    BLOCK_ITEM(BLOCK_OAK_LOG, "oak_log"),
    BLOCK_ITEM(BLOCK_OAK_LEAVES, "oak_leaves"),
    BLOCK_ITEM(BLOCK_OAK_PLANKS, "oak_planks"),
    BLOCK_ITEM(BLOCK_CRAFTING_TABLE, "crafting_table"),
    BLOCK_ITEM(BLOCK_FURNACE, "furnace"),
    BLOCK_ITEM(BLOCK_COAL_ORE, "coal_ore"),
    BLOCK_ITEM(BLOCK_IRON_ORE, "iron_ore"),
    BLOCK_ITEM(BLOCK_DIAMOND_ORE, "diamond_ore"),
    BLOCK_ITEM(BLOCK_TORCH, "torch"),
    BLOCK_ITEM(BLOCK_OBSIDIAN, "obsidian"),
    BLOCK_ITEM(BLOCK_GLASS, "glass"),
    BLOCK_ITEM(BLOCK_SANDSTONE, "sandstone"),
    BLOCK_ITEM(BLOCK_STONE_BRICKS, "stone_bricks"),
    [ITEM_STICK] = PLAIN("stick", 64),
    [ITEM_COAL] = PLAIN("coal", 64),
    [ITEM_CHARCOAL] = PLAIN("charcoal", 64),
    [ITEM_IRON_INGOT] = PLAIN("iron_ingot", 64),
    [ITEM_DIAMOND] = PLAIN("diamond", 64),
    [ITEM_RAW_PORKCHOP] = FOOD("porkchop", 3, 1.8f),
    [ITEM_COOKED_PORKCHOP] = FOOD("cooked_porkchop", 8, 12.8f),
    [ITEM_RAW_BEEF] = FOOD("beef", 3, 1.8f),
    [ITEM_COOKED_BEEF] = FOOD("cooked_beef", 8, 12.8f),
    [ITEM_RAW_MUTTON] = FOOD("mutton", 2, 1.2f),
    [ITEM_COOKED_MUTTON] = FOOD("cooked_mutton", 6, 9.6f),
    [ITEM_WOODEN_PICKAXE] = TOOL("wooden_pickaxe", TOOL_PICKAXE, TIER_WOOD, 2.0f, 59),
    [ITEM_WOODEN_AXE] = TOOL("wooden_axe", TOOL_AXE, TIER_WOOD, 2.0f, 59),
    [ITEM_WOODEN_SHOVEL] = TOOL("wooden_shovel", TOOL_SHOVEL, TIER_WOOD, 2.0f, 59),
    [ITEM_WOODEN_SWORD] = TOOL("wooden_sword", TOOL_SWORD, TIER_WOOD, 1.0f, 59),
    [ITEM_STONE_PICKAXE] = TOOL("stone_pickaxe", TOOL_PICKAXE, TIER_STONE, 4.0f, 131),
    [ITEM_STONE_AXE] = TOOL("stone_axe", TOOL_AXE, TIER_STONE, 4.0f, 131),
    [ITEM_STONE_SHOVEL] = TOOL("stone_shovel", TOOL_SHOVEL, TIER_STONE, 4.0f, 131),
    [ITEM_STONE_SWORD] = TOOL("stone_sword", TOOL_SWORD, TIER_STONE, 1.0f, 131),
    [ITEM_IRON_PICKAXE] = TOOL("iron_pickaxe", TOOL_PICKAXE, TIER_IRON, 6.0f, 250),
    [ITEM_IRON_AXE] = TOOL("iron_axe", TOOL_AXE, TIER_IRON, 6.0f, 250),
    [ITEM_IRON_SHOVEL] = TOOL("iron_shovel", TOOL_SHOVEL, TIER_IRON, 6.0f, 250),
    [ITEM_IRON_SWORD] = TOOL("iron_sword", TOOL_SWORD, TIER_IRON, 1.0f, 250),
    [ITEM_DIAMOND_PICKAXE] = TOOL("diamond_pickaxe", TOOL_PICKAXE, TIER_DIAMOND, 8.0f, 1561),
    [ITEM_DIAMOND_AXE] = TOOL("diamond_axe", TOOL_AXE, TIER_DIAMOND, 8.0f, 1561),
    [ITEM_DIAMOND_SHOVEL] = TOOL("diamond_shovel", TOOL_SHOVEL, TIER_DIAMOND, 8.0f, 1561),
    [ITEM_DIAMOND_SWORD] = TOOL("diamond_sword", TOOL_SWORD, TIER_DIAMOND, 1.0f, 1561),
};

/* Every id has a row (block items for water and bedrock exist but players never get them). */
const ItemInfo *item_info(ItemId id) {
    ASSERT(id < ITEM_COUNT);
    return &ITEM_TABLE[id];
}

const char *item_name(ItemId id) {
    ASSERT(id < ITEM_COUNT);
    return ITEM_TABLE[id].name;
}

ItemId item_from_name(const char *name) {
    if (!name) return ITEM_COUNT;
    if (strncmp(name, "minecraft:", 10) == 0) name += 10;
    if (strcmp(name, "air") == 0) return ITEM_NONE;
    for (int i = 1; i < ITEM_COUNT; i++)
        if (strcmp(item_name((ItemId)i), name) == 0) return (ItemId)i;
    /* aliases people write */
    if (strcmp(name, "grass") == 0) return BLOCK_GRASS;
    if (strcmp(name, "raw_porkchop") == 0) return ITEM_RAW_PORKCHOP;
    if (strcmp(name, "raw_beef") == 0) return ITEM_RAW_BEEF;
    if (strcmp(name, "raw_mutton") == 0) return ITEM_RAW_MUTTON;
    return ITEM_COUNT;
}
