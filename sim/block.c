/* block.c: the block registry: one row of data per BlockId (Minecraft Java values).
 *
 * Hardness and tools follow Minecraft Java 1.16: a block with needs_tool drops nothing unless
 * mined with its tool class at harvest_tier or better (stone by hand breaks, drops nothing). */
#include "sim/block.h"

#include <assert.h>
#include <string.h>

#include "core/log.h"
#include "sim/item.h"

#define F_SOLID BLOCK_FLAG_SOLID
#define F_OPAQUE BLOCK_FLAG_OPAQUE
#define F_TGT BLOCK_FLAG_TARGETABLE
#define F_CUBE (F_SOLID | F_OPAQUE | F_TGT)

const BlockInfo BLOCK_TABLE[BLOCK_COUNT] = {
    /* name, hardness, tool, needs_tool, tier, drop, count, flags, emission, opacity */
    [BLOCK_AIR] = {"air", -1.0f, TOOL_NONE, 0, 0, ITEM_NONE, 0, BLOCK_FLAG_REPLACEABLE, 0, 0},
    [BLOCK_STONE] = {"stone", 1.5f, TOOL_PICKAXE, 1, TIER_WOOD, BLOCK_COBBLESTONE, 1, F_CUBE, 0,
                     15},
    [BLOCK_GRASS] = {"grass_block", 0.6f, TOOL_SHOVEL, 0, 0, BLOCK_DIRT, 1, F_CUBE, 0, 15},
    [BLOCK_DIRT] = {"dirt", 0.5f, TOOL_SHOVEL, 0, 0, BLOCK_DIRT, 1, F_CUBE, 0, 15},
    [BLOCK_COBBLESTONE] = {"cobblestone", 2.0f, TOOL_PICKAXE, 1, TIER_WOOD, BLOCK_COBBLESTONE, 1,
                           F_CUBE, 0, 15},
    [BLOCK_BEDROCK] = {"bedrock", -1.0f, TOOL_NONE, 1, 0, ITEM_NONE, 0, F_CUBE, 0, 15},
    [BLOCK_SAND] = {"sand", 0.5f, TOOL_SHOVEL, 0, 0, BLOCK_SAND, 1, F_CUBE, 0, 15},
    [BLOCK_GRAVEL] = {"gravel", 0.6f, TOOL_SHOVEL, 0, 0, BLOCK_GRAVEL, 1, F_CUBE, 0, 15},
    [BLOCK_WATER] = {"water", -1.0f, TOOL_NONE, 0, 0, ITEM_NONE, 0,
                     BLOCK_FLAG_LIQUID | BLOCK_FLAG_TRANSLUCENT | BLOCK_FLAG_REPLACEABLE, 0, 1},
    [BLOCK_OAK_LOG] = {"oak_log", 2.0f, TOOL_AXE, 0, 0, BLOCK_OAK_LOG, 1, F_CUBE, 0, 15},
    [BLOCK_OAK_LEAVES] = {"oak_leaves", 0.2f, TOOL_NONE, 0, 0, ITEM_NONE, 0,
                          F_SOLID | F_TGT | BLOCK_FLAG_CUTOUT, 0, 1},
    [BLOCK_OAK_PLANKS] = {"oak_planks", 2.0f, TOOL_AXE, 0, 0, BLOCK_OAK_PLANKS, 1, F_CUBE, 0, 15},
    [BLOCK_CRAFTING_TABLE] = {"crafting_table", 2.5f, TOOL_AXE, 0, 0, BLOCK_CRAFTING_TABLE, 1,
                              F_CUBE, 0, 15},
    [BLOCK_FURNACE] = {"furnace", 3.5f, TOOL_PICKAXE, 1, TIER_WOOD, BLOCK_FURNACE, 1, F_CUBE, 0,
                       15},
    [BLOCK_COAL_ORE] = {"coal_ore", 3.0f, TOOL_PICKAXE, 1, TIER_WOOD, ITEM_COAL, 1, F_CUBE, 0, 15},
    [BLOCK_IRON_ORE] = {"iron_ore", 3.0f, TOOL_PICKAXE, 1, TIER_STONE, BLOCK_IRON_ORE, 1, F_CUBE, 0,
                        15},
    [BLOCK_DIAMOND_ORE] = {"diamond_ore", 3.0f, TOOL_PICKAXE, 1, TIER_IRON, ITEM_DIAMOND, 1, F_CUBE,
                           0, 15},
    [BLOCK_TORCH] = {"torch", 0.0f, TOOL_NONE, 0, 0, BLOCK_TORCH, 1, F_TGT | BLOCK_FLAG_CUTOUT, 14,
                     0},
    [BLOCK_OBSIDIAN] = {"obsidian", 50.0f, TOOL_PICKAXE, 1, TIER_DIAMOND, BLOCK_OBSIDIAN, 1, F_CUBE,
                        0, 15},
    [BLOCK_GLASS] = {"glass", 0.3f, TOOL_NONE, 0, 0, ITEM_NONE, 0,
                     F_SOLID | F_TGT | BLOCK_FLAG_TRANSLUCENT, 0, 0},
    [BLOCK_SANDSTONE] = {"sandstone", 0.8f, TOOL_PICKAXE, 1, TIER_WOOD, BLOCK_SANDSTONE, 1, F_CUBE,
                         0, 15},
    [BLOCK_STONE_BRICKS] = {"stone_bricks", 1.5f, TOOL_PICKAXE, 1, TIER_WOOD, BLOCK_STONE_BRICKS, 1,
                            F_CUBE, 0, 15},
};

const BlockInfo *block_info(BlockId id) {
    ASSERT((unsigned)id < BLOCK_COUNT);
    return &BLOCK_TABLE[id];
}

BlockId block_from_name(const char *name) {
    if (!name) return BLOCK_COUNT;
    if (strncmp(name, "minecraft:", 10) == 0) name += 10;
    for (int i = 0; i < BLOCK_COUNT; i++)
        if (BLOCK_TABLE[i].name && strcmp(BLOCK_TABLE[i].name, name) == 0) return (BlockId)i;
    if (strcmp(name, "grass") == 0) return BLOCK_GRASS; /* pre-1.13 name */
    return BLOCK_COUNT;
}
