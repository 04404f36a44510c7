/* world.c: chunk storage (a power-of-two slot grid over a bounded chunk pool), lazy loading
 * around a center, edits that survive unloading, snapshots and the world hash.
 *
 * Invariants: every loaded chunk sits in slot (cz & mask, cx & mask) and no two loaded chunks
 * share a slot (loaded chunks lie within view_radius + WORLD_KEEP_MARGIN of the last center
 * and the grid is at least 2 * (view_radius + WORLD_KEEP_MARGIN) + 1 wide). A chunk is either
 * loaded, or (if edited) in the edit store, never both. */
#include "sim/world.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/rng.h"
#include "sim/gen.h"
#include "sim/world_internal.h"

/* Chunk versions: one clock for every World of the process, so a version names one content
 * (blocks and light) of one chunk: a recycled Chunk or another World's chunk never repeats it.
 * Every chunk whose light one block change (or one load) alters gets that change's version
 * (World.light_stamp, set before light.c runs). A snapshot keeps its chunks' versions with
 * their blocks and light, so a restore brings back both. */
static _Atomic uint64_t chunk_clock;

static void chunk_stamp(Chunk *c) { c->version = atomic_fetch_add(&chunk_clock, 1) + 1; }

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
    w->owned = MEM_NEW_ARRAY(Chunk *, w->pool_cap);
    w->free_list = MEM_NEW_ARRAY(Chunk *, w->pool_cap);
    w->n_free = w->n_owned = 0;
    return w;
}

/* ---- the edit store: run-length coded chunks (a chunk of layers codes to a few KB) ---- */

static size_t rle_encode(const uint8_t *src, uint8_t *dst) {
    size_t n = 0;
    for (int i = 0; i < CHUNK_VOLUME;) {
        int run = 1, max = CHUNK_VOLUME - i < 255 ? CHUNK_VOLUME - i : 255;
        const uint64_t pattern = 0x0101010101010101ull * src[i];
        for (uint64_t v; run + 8 <= max; run += 8) { /* 8 bytes at a time through long runs */
            memcpy(&v, src + i + run, sizeof v);
            if (v != pattern) break;
        }
        while (run < max && src[i + run] == src[i]) run++;
        dst[n++] = (uint8_t)run;
        dst[n++] = src[i];
        i += run;
    }
    return n;
}

static void rle_decode(const EditedChunk *e, uint8_t *dst) {
    size_t o = 0;
    for (size_t i = 0; i + 1 < e->len; i += 2) {
        memset(dst + o, e->rle[i + 1], e->rle[i]);
        o += e->rle[i];
    }
    ASSERT(o == CHUNK_VOLUME);
}

static EditedChunk edit_copy(const EditedChunk *e) {
    EditedChunk c = *e;
    c.rle = mem_alloc(e->len);
    memcpy(c.rle, e->rle, e->len);
    return c;
}

static void edits_reserve(World *w, int n) {
    if (w->cap_edits >= n) return;
    w->cap_edits = n > 2 * w->cap_edits ? n : 2 * w->cap_edits;
    if (w->cap_edits < 16) w->cap_edits = 16;
    w->edits = mem_realloc(w->edits, (size_t)w->cap_edits * sizeof *w->edits);
}

static void edits_free(World *w) {
    for (int i = 0; i < w->n_edits; i++) mem_free(w->edits[i].rle);
    w->n_edits = 0;
}

void world_destroy(World *w) {
    if (!w) return;
    edits_free(w);
    mem_free(w->edits);
    mem_free(w->rle_scratch);
    mem_free(w->slots);
    for (int i = 0; i < w->n_owned; i++) mem_free(w->owned[i]);
    mem_free(w->owned);
    mem_free(w->free_list);
    light_queue_free(&w->add_q);
    light_queue_free(&w->rem_q);
    mem_free(w);
}

static void chunk_unload(World *w, Chunk *c) {
    if (c->edited) {
        edits_reserve(w, w->n_edits + 1);
        if (!w->rle_scratch) w->rle_scratch = mem_alloc(2 * CHUNK_VOLUME);
        EditedChunk *e = &w->edits[w->n_edits++];
        e->cx = c->cx;
        e->cz = c->cz;
        e->len = rle_encode(c->blocks, w->rle_scratch);
        e->rle = mem_alloc(e->len);
        memcpy(e->rle, w->rle_scratch, e->len);
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

/* A chunk from the free list, or a new one while fewer than pool_cap exist (chunks are
 * allocated on first need and reused after, so an env's memory follows what it loaded). */
static Chunk *chunk_take(World *w) {
    if (w->n_free > 0) return w->free_list[--w->n_free];
    ASSERT(w->n_owned < w->pool_cap);
    Chunk *c = mem_alloc(sizeof(Chunk));
    w->owned[w->n_owned++] = c;
    return c;
}

/* Highest layer holding a block other than air (-1: none). Whole 256-byte layers are tested 8
 * bytes at a time, so the open sky above the terrain costs little. */
static int chunk_highest_layer(const Chunk *c) {
    for (int y = WORLD_HEIGHT - 1; y >= 0; y--) {
        const uint8_t *row = &c->blocks[y * CHUNK_AREA];
        uint64_t acc = 0;
        for (int i = 0; i < CHUNK_AREA; i += 8) {
            uint64_t v;
            memcpy(&v, row + i, sizeof v);
            acc |= v;
        }
        if (acc) return y;
    }
    return -1;
}

static void chunk_top_compute(Chunk *c) {
    /* air (id 0) blocks no light, so every column's top is at or below the highest layer that
     * holds anything else */
    ASSERT(BLOCK_AIR == 0 && BLOCK_TABLE[BLOCK_AIR].light_opacity == 0);
    int y_start = chunk_highest_layer(c);
    for (int i = 0; i < CHUNK_AREA; i++) {
        int y = y_start;
        while (y >= 0 && BLOCK_TABLE[c->blocks[y * CHUNK_AREA + i]].light_opacity == 0) y--;
        c->top[i] = (uint8_t)(y + 1);
    }
}

static void chunk_load(World *w, int cx, int cz) {
    Chunk *c = chunk_take(w);
    c->cx = cx;
    c->cz = cz;
    c->edited = 0;
    for (int i = 0; i < w->n_edits; i++) {
        if (w->edits[i].cx != cx || w->edits[i].cz != cz) continue;
        rle_decode(&w->edits[i], c->blocks);
        mem_free(w->edits[i].rle);
        w->edits[i] = w->edits[--w->n_edits];
        c->edited = 1;
        break;
    }
    if (!c->edited) gen_chunk(w->gen, cx, cz, c->blocks);
    chunk_top_compute(c);
    c->max_top = chunk_highest_layer(c) + 1;
    chunk_stamp(c);
    w->light_stamp = c->version;
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
    chunk_stamp(c);
    w->light_stamp = c->version;
    if (id != BLOCK_AIR && y + 1 > c->max_top)
        c->max_top = y + 1;
    else if (id == BLOCK_AIR && y + 1 == c->max_top)
        c->max_top = chunk_highest_layer(c) + 1;
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

int world_chunk_top(const World *w, int cx, int cz) {
    const Chunk *c = world_chunk_at(w, cx, cz);
    return c ? c->max_top : -1;
}

uint64_t world_chunk_version(const World *w, int cx, int cz) {
    const Chunk *c = world_chunk_at(w, cx, cz);
    return c ? c->version : 0;
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

int world_loaded_count(const World *w) { return w->n_owned - w->n_free; }

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
    return (size_t)world_loaded_count(w) * sizeof(Chunk) + world_edit_store_bytes(w);
}

int world_edit_store_count(const World *w) { return w->n_edits; }

size_t world_edit_store_bytes(const World *w) {
    size_t b = 0;
    for (int i = 0; i < w->n_edits; i++) b += w->edits[i].len;
    return b;
}

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
    const uint8_t *blocks;   /* a loaded chunk's blocks, or */
    const EditedChunk *edit; /* a stored one */
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
        if (c && c->edited) items[k++] = (HashItem){c->cx, c->cz, c->blocks, NULL};
    }
    for (int i = 0; i < w->n_edits; i++)
        items[k++] = (HashItem){w->edits[i].cx, w->edits[i].cz, NULL, &w->edits[i]};
    qsort(items, (size_t)k, sizeof *items, hash_item_cmp);
    uint8_t *tmp = w->n_edits ? mem_alloc(CHUNK_VOLUME) : NULL;
    uint64_t h = 0x5157;
    for (int i = 0; i < k; i++) {
        h = rng_mix64(h ^ (uint64_t)(uint32_t)items[i].cx ^
                      ((uint64_t)(uint32_t)items[i].cz << 32));
        const uint8_t *b = items[i].blocks;
        if (!b) {
            rle_decode(items[i].edit, tmp);
            b = tmp;
        }
        h = hash_bytes(h, b, CHUNK_VOLUME);
    }
    mem_free(tmp);
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
    for (int i = 0; i < w->n_edits; i++) s->edits[i] = edit_copy(&w->edits[i]);
    return s;
}

void world_restore(World *w, const WorldSnapshot *s) {
    world_clear(w);
    ASSERT(s->n_chunks <= w->pool_cap);
    for (int i = 0; i < s->n_chunks; i++) {
        Chunk *c = chunk_take(w);
        memcpy(c, &s->chunks[i], sizeof(Chunk));
        w->slots[(c->cz & w->mask) * w->grid + (c->cx & w->mask)] = c;
    }
    edits_reserve(w, s->n_edits);
    for (int i = 0; i < s->n_edits; i++) w->edits[i] = edit_copy(&s->edits[i]);
    w->n_edits = s->n_edits;
}

void world_snapshot_destroy(WorldSnapshot *s) {
    if (!s) return;
    for (int i = 0; i < s->n_edits; i++) mem_free(s->edits[i].rle);
    mem_free(s->edits);
    mem_free(s->chunks);
    mem_free(s);
}
