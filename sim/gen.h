/* gen.h: world generators (`default`, `flat`, `void`) and the preset's block overrides.
 *
 * gen_chunk() is a pure function of (WorldGen, cx, cz): every feature (trees, ore veins) is
 * decided per chunk from rng_stream(seed, chunk id) and kept inside its chunk, so the seams
 * between chunks are identical whatever order chunks are generated in. The preset overrides
 * (boxes first, then single blocks, each in preset order) are applied by gen_chunk after
 * the terrain. */
#ifndef SIM_GEN_H
#define SIM_GEN_H

#include <stdint.h>

#include "sim/world.h"

typedef enum GenKind { GEN_DEFAULT = 0, GEN_FLAT, GEN_VOID, GEN_KIND_COUNT } GenKind;

#define GEN_MAX_LAYERS 16

typedef struct GenLayer {
    uint8_t block;
    uint8_t height;
} GenLayer;

typedef struct GenBlock {
    int x, y, z;
    uint8_t block;
} GenBlock;

typedef struct GenBox {
    int x0, y0, z0, x1, y1, z1; /* inclusive corners, x0 <= x1 etc. */
    uint8_t block;
} GenBox;

typedef struct WorldGen {
    GenKind kind;
    uint64_t seed;
    GenLayer layers[GEN_MAX_LAYERS]; /* flat: bottom-up layers (bedrock first) */
    int n_layers;
    int trees, caves, ores; /* default generator features, 1 = on */
    GenBlock *blocks;       /* owned by the preset */
    int n_blocks;
    GenBox *boxes; /* owned by the preset */
    int n_boxes;
} WorldGen;

/* Biomes of the default generator. */
typedef enum GenBiome {
    BIOME_PLAINS = 0,
    BIOME_FOREST,
    BIOME_DESERT,
    BIOME_OCEAN,
    BIOME_HILLS,
    BIOME_COUNT
} GenBiome;

const char *gen_kind_name(GenKind k);
/* GEN_KIND_COUNT if unknown. */
GenKind gen_kind_from_name(const char *name);

/* Fills blocks[CHUNK_VOLUME] for chunk (cx, cz). */
void gen_chunk(const WorldGen *g, int cx, int cz, uint8_t *blocks);
/* Terrain height of column (x, z) before caves and trees: y of the top solid block (-1 for
 * void). Cheap (no chunk needed): used to place the spawn. */
int gen_surface_height(const WorldGen *g, int x, int z);
/* Biome of column (x, z) for the default generator. */
GenBiome gen_biome(const WorldGen *g, int x, int z);
const char *gen_biome_name(GenBiome b);

#endif
