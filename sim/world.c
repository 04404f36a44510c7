/* world.c: chunk storage (a power-of-two slot grid over a fixed chunk pool), lazy loading
 * around a center, edits that survive unloading, snapshots and the world hash.
 *
 * Invariants: every loaded chunk sits in slot (cz & mask, cx & mask) and no two loaded chunks
 * share a slot (loaded chunks lie within view_radius + WORLD_KEEP_MARGIN of the last center
 * and the grid is at least 2 * (view_radius + WORLD_KEEP_MARGIN) + 1 wide). A chunk is either
 * loaded, or (if edited) in the edit store, never both. */
#include "sim/world.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/rng.h"
#include "sim/gen.h"
#include "sim/world_internal.h"

World *world_create(const WorldGen *gen, int view_radius) {
    ASSERT(gen && view_radius >= 1 && view_radius <= 32);
    World *w = mem_calloc(1, sizeof *w);
    w->gen = gen;
    w->view_radius = view_radius;
    int side = 2 * (view_radius + WORLD_KEEP_MARGIN) + 1;
    w->grid = 1;
    while (w->grid < side) w->grid *= 2;
    w->mask = w->grid - 1;
    w->slots = MEM_NEW_ARRAY(Chunk *, (size_t)w->grid * w->grid);
    w->pool_cap = side * side;
    w->pool = mem_alloc_aligned(64, (size_t)w->pool_cap * sizeof(Chunk));
    w->free_list = MEM_NEW_ARRAY(Chunk *, w->pool_cap);
    for (int i = 0; i < w->pool_cap; i++) w->free_list[i] = &w->pool[w->pool_cap - 1 - i];
    w->n_free = w->pool_cap;
    return w;
}

static void edits_free(World *w) {
    for (int i = 0; i < w->n_edits; i++) mem_free(w->edits[i].blocks);
    w->n_edits = 0;
}

void world_destroy(World *w) {
    if (!w) return;
    edits_free(w);
    mem_free(w->edits);
    mem_free(w->slots);
    mem_free(w->pool);
    mem_free(w->free_list);
    light_queue_free(&w->add_q);
    light_queue_free(&w->rem_q);
    mem_free(w);
}

static void chunk_unload(World *w, Chunk *c) {
    if (c->edited) {
        if (w->n_edits == w->cap_edits) {
            w->cap_edits = w->cap_edits ? 2 * w->cap_edits : 16;
            w->edits = mem_realloc(w->edits, (size_t)w->cap_edits * sizeof *w->edits);
        }
        EditedChunk *e = &w->edits[w->n_edits++];
        e->cx = c->cx;
        e->cz = c->cz;
        e->blocks = mem_alloc(CHUNK_VOLUME);
        memcpy(e->blocks, c->blocks, CHUNK_VOLUME);
    }
    w->slots[(c->cz & w->mask) * w->grid + (c->cx & w->mask)] = NULL;
    w->free_list[w->n_free++] = c;
}

void world_clear(World *w) {
    for (int i = 0; i < w->grid * w->grid; i++) {
        Chunk *c = w->slots[i];
        if (!c) continue;
        w->slots[i] = NULL;
        w->free_list[w->n_free++] = c;
    }
    edits_free(w);
}

static void chunk_top_compute(Chunk *c) {
    for (int i = 0; i < CHUNK_AREA; i++) {
        int y = WORLD_HEIGHT - 1;
        while (y >= 0 && BLOCK_TABLE[c->blocks[y * CHUNK_AREA + i]].light_opacity == 0) y--;
        c->top[i] = (uint8_t)(y + 1);
    }
}

static void chunk_load(World *w, int cx, int cz) {
    ASSERT(w->n_free > 0);
    Chunk *c = w->free_list[--w->n_free];
    c->cx = cx;
    c->cz = cz;
    c->edited = 0;
    for (int i = 0; i < w->n_edits; i++) {
        if (w->edits[i].cx != cx || w->edits[i].cz != cz) continue;
        memcpy(c->blocks, w->edits[i].blocks, CHUNK_VOLUME);
        mem_free(w->edits[i].blocks);
        w->edits[i] = w->edits[--w->n_edits];
        c->edited = 1;
        break;
    }
    if (!c->edited) gen_chunk(w->gen, cx, cz, c->blocks);
    chunk_top_compute(c);
    w->slots[(cz & w->mask) * w->grid + (cx & w->mask)] = c;
    light_chunk_init(w, c);
}

int world_load_around(World *w, int ccx, int ccz, int radius, int max_new) {
    ASSERT(radius >= 0 && radius <= w->view_radius);
    int keep = w->view_radius + WORLD_KEEP_MARGIN;
    for (int i = 0; i < w->grid * w->grid; i++) {
        Chunk *c = w->slots[i];
        if (c && (abs(c->cx - ccx) > keep || abs(c->cz - ccz) > keep)) chunk_unload(w, c);
    }
    int missing = 0;
    /* rings outward: nearest chunks first */
    for (int r = 0; r <= radius; r++) {
        for (int dz = -r; dz <= r; dz++) {
            for (int dx = -r; dx <= r; dx++) {
                if (abs(dx) != r && abs(dz) != r) continue;
                int cx = ccx + dx, cz = ccz + dz;
                if (world_chunk_at(w, cx, cz)) continue;
                if (max_new == 0) {
                    missing++;
                    continue;
                }
                chunk_load(w, cx, cz);
                if (max_new > 0) max_new--;
            }
        }
    }
    return missing;
}

int world_view_radius(const World *w) { return w->view_radius; }

uint8_t world_block_get(const World *w, int x, int y, int z) {
    if ((unsigned)y >= WORLD_HEIGHT) return BLOCK_AIR;
    const Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
    return c ? c->blocks[CHUNK_INDEX(x & 15, y, z & 15)] : BLOCK_AIR;
}

void world_block_set(World *w, int x, int y, int z, BlockId id) {
    ASSERT((unsigned)id < BLOCK_COUNT);
    if ((unsigned)y >= WORLD_HEIGHT) return;
    Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
    if (!c) return;
    int i = CHUNK_INDEX(x & 15, y, z & 15);
    uint8_t old = c->blocks[i];
    if (old == id) return;
    c->blocks[i] = (uint8_t)id;
    c->edited = 1;
    int col = (z & 15) * 16 + (x & 15);
    if (BLOCK_TABLE[id].light_opacity > 0 && y + 1 > c->top[col]) {
        c->top[col] = (uint8_t)(y + 1);
    } else if (BLOCK_TABLE[id].light_opacity == 0 && y + 1 == c->top[col]) {
        int t = y;
        while (t >= 0 && BLOCK_TABLE[c->blocks[t * CHUNK_AREA + col]].light_opacity == 0) t--;
        c->top[col] = (uint8_t)(t + 1);
    }
    light_block_changed(w, x, y, z, old, (uint8_t)id);
}

const uint8_t *world_chunk_blocks(const World *w, int cx, int cz) {
    const Chunk *c = world_chunk_at(w, cx, cz);
    return c ? c->blocks : NULL;
}

const uint8_t *world_chunk_light(const World *w, int cx, int cz) {
    const Chunk *c = world_chunk_at(w, cx, cz);
    return c ? c->light : NULL;
}

uint8_t world_light_get(const World *w, int x, int y, int z) {
    if (y >= WORLD_HEIGHT) return 0xF0;
    if (y < 0) return 0;
    const Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
    return c ? c->light[CHUNK_INDEX(x & 15, y, z & 15)] : 0;
}

int world_chunk_loaded(const World *w, int cx, int cz) { return world_chunk_at(w, cx, cz) != NULL; }

int world_loaded_count(const World *w) { return w->pool_cap - w->n_free; }

void world_loaded_coords(const World *w, int i, int *cx, int *cz) {
    int k = 0;
    for (int s = 0; s < w->grid * w->grid; s++) {
        if (!w->slots[s]) continue;
        if (k++ == i) {
            *cx = w->slots[s]->cx;
            *cz = w->slots[s]->cz;
            return;
        }
    }
    ASSERT(!"world_loaded_coords: index out of range");
}

size_t world_memory_bytes(const World *w) {
    return (size_t)world_loaded_count(w) * sizeof(Chunk) + (size_t)w->n_edits * CHUNK_VOLUME;
}

int world_edit_store_count(const World *w) { return w->n_edits; }

int world_top_solid(const World *w, int x, int z) {
    const Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
    if (!c) return -1;
    for (int y = WORLD_HEIGHT - 1; y >= 0; y--)
        if (block_is_solid(c->blocks[CHUNK_INDEX(x & 15, y, z & 15)])) return y;
    return -1;
}

/* ---- hash and snapshots ---- */

typedef struct HashItem {
    int cx, cz;
    const uint8_t *blocks;
} HashItem;

static int hash_item_cmp(const void *a, const void *b) {
    const HashItem *p = a, *q = b;
    if (p->cx != q->cx) return p->cx < q->cx ? -1 : 1;
    if (p->cz != q->cz) return p->cz < q->cz ? -1 : 1;
    return 0;
}

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n) {
    /* 8 bytes at a time through the splitmix finaliser: fast and order-sensitive */
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h = rng_mix64(h ^ v) + 0x9E3779B97F4A7C15ull;
    }
    for (; i < n; i++) h = rng_mix64(h ^ p[i]);
    return h;
}

uint64_t world_hash(const World *w) {
    int n = world_loaded_count(w) + w->n_edits;
    HashItem *items = MEM_NEW_ARRAY(HashItem, n > 0 ? n : 1);
    int k = 0;
    for (int s = 0; s < w->grid * w->grid; s++) {
        const Chunk *c = w->slots[s];
        if (c && c->edited) items[k++] = (HashItem){c->cx, c->cz, c->blocks};
    }
    for (int i = 0; i < w->n_edits; i++)
        items[k++] = (HashItem){w->edits[i].cx, w->edits[i].cz, w->edits[i].blocks};
    qsort(items, (size_t)k, sizeof *items, hash_item_cmp);
    uint64_t h = 0x5157;
    for (int i = 0; i < k; i++) {
        h = rng_mix64(h ^ (uint64_t)(uint32_t)items[i].cx ^
                      ((uint64_t)(uint32_t)items[i].cz << 32));
        h = hash_bytes(h, items[i].blocks, CHUNK_VOLUME);
    }
    mem_free(items);
    return h;
}

struct WorldSnapshot {
    int n_chunks;
    Chunk *chunks; /* copies of the loaded chunks */
    int n_edits;
    EditedChunk *edits;
};

WorldSnapshot *world_snapshot(const World *w) {
    WorldSnapshot *s = mem_calloc(1, sizeof *s);
    s->n_chunks = world_loaded_count(w);
    s->chunks = mem_alloc((size_t)(s->n_chunks > 0 ? s->n_chunks : 1) * sizeof(Chunk));
    int k = 0;
    for (int i = 0; i < w->grid * w->grid; i++)
        if (w->slots[i]) memcpy(&s->chunks[k++], w->slots[i], sizeof(Chunk));
    s->n_edits = w->n_edits;
    s->edits = MEM_NEW_ARRAY(EditedChunk, s->n_edits > 0 ? s->n_edits : 1);
    for (int i = 0; i < w->n_edits; i++) {
        s->edits[i].cx = w->edits[i].cx;
        s->edits[i].cz = w->edits[i].cz;
        s->edits[i].blocks = mem_alloc(CHUNK_VOLUME);
        memcpy(s->edits[i].blocks, w->edits[i].blocks, CHUNK_VOLUME);
    }
    return s;
}

void world_restore(World *w, const WorldSnapshot *s) {
    world_clear(w);
    ASSERT(s->n_chunks <= w->pool_cap);
    for (int i = 0; i < s->n_chunks; i++) {
        Chunk *c = w->free_list[--w->n_free];
        memcpy(c, &s->chunks[i], sizeof(Chunk));
        w->slots[(c->cz & w->mask) * w->grid + (c->cx & w->mask)] = c;
    }
    if (w->cap_edits < s->n_edits) {
        w->cap_edits = s->n_edits;
        w->edits = mem_realloc(w->edits, (size_t)w->cap_edits * sizeof *w->edits);
    }
    for (int i = 0; i < s->n_edits; i++) {
        w->edits[i].cx = s->edits[i].cx;
        w->edits[i].cz = s->edits[i].cz;
        w->edits[i].blocks = mem_alloc(CHUNK_VOLUME);
        memcpy(w->edits[i].blocks, s->edits[i].blocks, CHUNK_VOLUME);
    }
    w->n_edits = s->n_edits;
}

void world_snapshot_destroy(WorldSnapshot *s) {
    if (!s) return;
    for (int i = 0; i < s->n_edits; i++) mem_free(s->edits[i].blocks);
    mem_free(s->edits);
    mem_free(s->chunks);
    mem_free(s);
}
