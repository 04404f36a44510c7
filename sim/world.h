/* world.h: the voxel world: chunks of 16 x 16 columns x 128 blocks, generated lazily around a
 * center and unloaded far away, block access and light.
 *
 * Layout: a chunk's blocks are one flat uint8_t array, index (y * 16 + z) * 16 + x with local
 * x, z in 0..15 and y in 0..127 (y = 0 is bedrock, sea level is 62). Light is a parallel array:
 * sky light 0..15 in the high nibble (independent of time of day), block light 0..15 in the low
 * nibble (a torch emits 14, -1 per block). Light is kept correct incrementally when blocks
 * change (BFS add/remove near the change).
 *
 * Loading: world_load_around() loads every chunk within a Chebyshev radius of a chunk (closest
 * first, up to a budget per call) and unloads chunks beyond view radius + WORLD_KEEP_MARGIN. Chunk
 * contents are a pure function of (generator, seed, cx, cz) plus the preset's block overrides, so
 * load order never changes the blocks. An edited chunk that is unloaded keeps its blocks in a side
 * store and gets them back when it reloads (edited chunks are the only memory that grows).
 *
 * Ownership: World is created/destroyed by its owner (the Env); pointers returned by
 * world_chunk_blocks/world_chunk_light stay valid until the next load/unload/reset. */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "sim/block.h"

#define CHUNK_SIZE 16
#define WORLD_HEIGHT 128
#define SEA_LEVEL 62
#define CHUNK_AREA (CHUNK_SIZE * CHUNK_SIZE)
#define CHUNK_VOLUME (CHUNK_AREA * WORLD_HEIGHT)
/* Chunks stay loaded until they are this many chunks beyond the view radius (hysteresis: a
 * player pacing across a chunk border does not regenerate chunks). */
#define WORLD_KEEP_MARGIN 2
#define CHUNK_INDEX(x, y, z) ((((y)*CHUNK_SIZE) + (z)) * CHUNK_SIZE + (x))

/* Block/chunk coordinate helpers (floor division for negatives). */
static inline int world_chunk_coord(int block) { return block >> 4; }

typedef struct WorldGen WorldGen; /* sim/gen.h */
typedef struct World World;

/* view_radius: chunks kept loaded around the center (Chebyshev, >= 1). gen is borrowed and
 * must outlive the world. */
World *world_create(const WorldGen *gen, int view_radius);
void world_destroy(World *w); /* accepts NULL */
/* Drops every chunk and edit (the generator's seed may have changed). */
void world_clear(World *w);

/* Loads chunks within `radius` of chunk (ccx, ccz), nearest first, generating at most
 * `max_new` (< 0: no limit); unloads chunks farther than view_radius + WORLD_KEEP_MARGIN. Returns
 * the number of chunks still missing within radius. */
int world_load_around(World *w, int ccx, int ccz, int radius, int max_new);
int world_view_radius(const World *w);

/* Block id at (x, y, z): BLOCK_AIR outside 0 <= y < WORLD_HEIGHT or in an unloaded chunk. */
uint8_t world_block_get(const World *w, int x, int y, int z);
/* Sets a block (no-op in unloaded chunks or outside y range), marks the chunk edited and
 * updates light near it. */
void world_block_set(World *w, int x, int y, int z, BlockId id);
/* The chunk's 16*16*128 block array, or NULL if it is not loaded. */
const uint8_t *world_chunk_blocks(const World *w, int cx, int cz);
/* 1 + y of the chunk's highest block that is not air (0: all air), kept up to date by
 * world_block_set; -1 if the chunk is not loaded. */
int world_chunk_top(const World *w, int cx, int cz);
/* A number that changes whenever the chunk's blocks or light change (loading, world_block_set
 * and the light it moves) and never names other contents, in any World of the process
 * (caches of what a chunk shows key on it); 0 if the chunk is not loaded. */
uint64_t world_chunk_version(const World *w, int cx, int cz);
/* The chunk's light array (same layout, sky << 4 | block), or NULL if not loaded. */
const uint8_t *world_chunk_light(const World *w, int cx, int cz);
/* sky << 4 | block light at (x, y, z); 0xF0 above the world, 0 below or unloaded. */
uint8_t world_light_get(const World *w, int x, int y, int z);
int world_chunk_loaded(const World *w, int cx, int cz);

/* Number of loaded chunks, and chunk coordinates of the i-th loaded chunk (any order). */
int world_loaded_count(const World *w);
void world_loaded_coords(const World *w, int i, int *cx, int *cz);
/* Bytes held by loaded chunks and the edit store. */
size_t world_memory_bytes(const World *w);
/* Edited chunks kept (unloaded) in the edit store, and the bytes they take. */
int world_edit_store_count(const World *w);
size_t world_edit_store_bytes(const World *w);

/* Hash of the world state that matters for determinism: the contents of every edited chunk
 * (loaded or stored), in coordinate order. Unedited chunks are a function of the seed. */
uint64_t world_hash(const World *w);

/* Snapshot of the edits (copied); restore replaces the world's edits and reloads. */
typedef struct WorldSnapshot WorldSnapshot;
WorldSnapshot *world_snapshot(const World *w);
void world_restore(World *w, const WorldSnapshot *s);
void world_snapshot_destroy(WorldSnapshot *s); /* accepts NULL */

/* Terrain height helper: y of the highest solid block in column (x, z) of a loaded chunk, or
 * -1. */
int world_top_solid(const World *w, int x, int z);

#endif
