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
    BLOCK_COUNT
} BlockId;

#endif
