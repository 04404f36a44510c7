/* block.h: block ids and the block registry (data, not scattered ifs).
 *
 * Ids are stable (they are stored in chunks, snapshots and golden hashes): append new blocks
 * before BLOCK_COUNT, never reorder. The registry (block.c) holds each block's name, hardness,
 * the tool class that mines it, the tier needed for a drop, what it drops, and flags used by
 * physics and rendering. */
#ifndef SIM_BLOCK_H
#define SIM_BLOCK_H

#include <stdint.h>

typedef enum BlockId {
    BLOCK_AIR = 0,
    BLOCK_STONE,
    BLOCK_GRASS,
    BLOCK_DIRT,
    BLOCK_COBBLESTONE,
    BLOCK_BEDROCK,
    BLOCK_SAND,
    BLOCK_GRAVEL,
    BLOCK_WATER,
    BLOCK_OAK_LOG,
    BLOCK_OAK_LEAVES,
    BLOCK_OAK_PLANKS,
    BLOCK_CRAFTING_TABLE,
    BLOCK_FURNACE,
    BLOCK_COAL_ORE,
    BLOCK_IRON_ORE,
    BLOCK_DIAMOND_ORE,
    BLOCK_TORCH,
    BLOCK_OBSIDIAN,
    BLOCK_GLASS,
    BLOCK_SANDSTONE,    /* building blocks: 4 sand -> 1 sandstone */
    BLOCK_STONE_BRICKS, /* 4 stone -> 4 stone bricks */
    BLOCK_COUNT
} BlockId;

/* Tool classes (a block names the class that mines it fast; an item names its class). */
typedef enum ToolClass {
    TOOL_NONE = 0,
    TOOL_PICKAXE,
    TOOL_AXE,
    TOOL_SHOVEL,
    TOOL_SWORD,
    TOOL_CLASS_COUNT
} ToolClass;

/* Tool tiers: 0 hand, 1 wooden, 2 stone, 3 iron, 4 diamond. */
enum { TIER_HAND = 0, TIER_WOOD = 1, TIER_STONE = 2, TIER_IRON = 3, TIER_DIAMOND = 4 };

/* Block flags. */
enum {
    BLOCK_FLAG_SOLID = 1u << 0,       /* collides with players, mobs and items */
    BLOCK_FLAG_OPAQUE = 1u << 1,      /* hides neighbour faces, blocks light */
    BLOCK_FLAG_CUTOUT = 1u << 2,      /* texture has alpha holes (leaves) */
    BLOCK_FLAG_LIQUID = 1u << 3,      /* water: swim in it, not targetable */
    BLOCK_FLAG_TRANSLUCENT = 1u << 4, /* blended (water, glass): draw after opaque */
    BLOCK_FLAG_REPLACEABLE = 1u << 5, /* placing a block here replaces it (air, water) */
    BLOCK_FLAG_TARGETABLE = 1u << 6,  /* the crosshair ray stops here (not air/water) */
};

typedef struct BlockInfo {
    const char *name;       /* Minecraft name without namespace: "oak_log" */
    float hardness;         /* seconds-scale hardness; < 0 = unbreakable (bedrock, water) */
    uint8_t tool;           /* ToolClass that mines it fast (TOOL_NONE: hand is as good) */
    uint8_t needs_tool;     /* 1: drops only when mined with `tool` of tier >= harvest_tier */
    uint8_t harvest_tier;   /* minimum tier for a drop when needs_tool */
    uint16_t drop_item;     /* ItemId dropped when harvested (0 = nothing) */
    uint8_t drop_count;     /* how many */
    uint8_t flags;          /* BLOCK_FLAG_* */
    uint8_t light_emission; /* 0..15 (torch 14) */
    uint8_t light_opacity;  /* light lost passing through: 15 opaque, 1 water/leaves, 0 air */
} BlockInfo;

/* Registry entry of `id` (static storage); ASSERTs id < BLOCK_COUNT. */
const BlockInfo *block_info(BlockId id);
/* Id for a Minecraft name ("stone", "minecraft:stone" also accepted); BLOCK_COUNT if unknown. */
BlockId block_from_name(const char *name);

/* Hot-path flag test without the function call (the table is exported read-only). */
extern const BlockInfo BLOCK_TABLE[BLOCK_COUNT];
static inline int block_is_solid(uint8_t id) {
    return (BLOCK_TABLE[id].flags & BLOCK_FLAG_SOLID) != 0;
}
static inline int block_is_opaque(uint8_t id) {
    return (BLOCK_TABLE[id].flags & BLOCK_FLAG_OPAQUE) != 0;
}

#endif
