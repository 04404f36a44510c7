/* world_internal.h: the World's private layout, shared by world.c (chunks, loading,
 * snapshots) and light.c (incremental light). Not for other modules. */
#ifndef SIM_WORLD_INTERNAL_H
#define SIM_WORLD_INTERNAL_H

#include "sim/world.h"

typedef struct Chunk {
    int cx, cz;
    int edited;       /* blocks differ from the generator's output */
    int max_top;      /* 1 + y of the highest block that is not air (0: none) */
    uint64_t version; /* stamped from a process-wide clock at every change of blocks or light */
    uint8_t top[CHUNK_AREA];      /* per column: 1 + y of the highest light-blocking block */
    uint8_t blocks[CHUNK_VOLUME]; /* CHUNK_INDEX(x, y, z) */
    uint8_t light[CHUNK_VOLUME];  /* sky << 4 | block */
} Chunk;

typedef struct EditedChunk {
    int cx, cz;
    uint8_t *rle; /* run-length coded blocks: (run 1..255, block id) byte pairs, owned */
    size_t len;   /* bytes in rle */
} EditedChunk;

typedef struct LightNode {
    int32_t x, z;
    int16_t y;
    uint8_t v;
    uint8_t pad;
} LightNode;

typedef struct LightQueue {
    LightNode *items;
    size_t head, tail, cap;
} LightQueue;

struct World {
    const WorldGen *gen;
    int view_radius;
    int grid, mask;    /* slot grid side: power of two >= 2 * (radius + margin) + 1 */
    Chunk **slots;     /* grid * grid, indexed by (cz & mask) * grid + (cx & mask) */
    Chunk **owned;     /* n_owned chunks allocated so far (at most pool_cap) */
    Chunk **free_list; /* owned chunks not loaded now */
    int n_free, n_owned, pool_cap;
    EditedChunk *edits;   /* edited chunks that are not loaded (run-length coded) */
    uint8_t *rle_scratch; /* 2 * CHUNK_VOLUME bytes for coding */
    int n_edits, cap_edits;
    LightQueue add_q, rem_q;
    uint64_t light_stamp; /* the version light.c gives the chunks whose light it changes */
};

static inline Chunk *world_chunk_at(const World *w, int cx, int cz) {
    Chunk *c = w->slots[(cz & w->mask) * w->grid + (cx & w->mask)];
    return (c && c->cx == cx && c->cz == cz) ? c : NULL;
}

/* world_block_get without the call, for the hot loops of sim/ (physics, raycast). */
static inline uint8_t world_block_fast(const World *w, int x, int y, int z) {
    if ((unsigned)y >= WORLD_HEIGHT) return BLOCK_AIR;
    const Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
    return c ? c->blocks[CHUNK_INDEX(x & 15, y, z & 15)] : BLOCK_AIR;
}

/* light.c */
void light_chunk_init(World *w, Chunk *c);
void light_block_changed(World *w, int x, int y, int z, uint8_t old_block, uint8_t new_block);
void light_queue_free(LightQueue *q);

#endif
