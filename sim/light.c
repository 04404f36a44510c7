/* light.c: sky and block light (0..15 each) by breadth-first propagation, per chunk on load
 * and incrementally when a block changes.
 *
 * Rules (Minecraft's): light entering a block loses max(1, opacity) (air/torch/glass 0, water
 * and leaves 1, opaque 15); sky light 15 travels straight down through opacity-0 blocks without
 * loss. A torch emits 14. Propagation only writes into loaded chunks. Addition is a max
 * fix-point, so the result does not depend on the order chunks were loaded in; a change runs
 * the removal BFS (clear what the old block lit, collect the brighter rim) then re-adds. */
#include <string.h>

#include "core/alloc.h"
#include "sim/world_internal.h"

#define SKY_SHIFT 4

static void q_push(LightQueue *q, int x, int y, int z, int v) {
    if (q->tail == q->cap) {
        if (q->head > 0) { /* slide down before growing */
            memmove(q->items, q->items + q->head, (q->tail - q->head) * sizeof *q->items);
            q->tail -= q->head;
            q->head = 0;
        }
        if (q->tail == q->cap) {
            q->cap = q->cap ? 2 * q->cap : 4096;
            q->items = mem_realloc(q->items, q->cap * sizeof *q->items);
        }
    }
    q->items[q->tail++] = (LightNode){x, z, (int16_t)y, (uint8_t)v, 0};
}

void light_queue_free(LightQueue *q) {
    mem_free(q->items);
    memset(q, 0, sizeof *q);
}

/* channel: 1 = sky (high nibble), 0 = block (low nibble) */
static inline int get_l(const uint8_t *cell, int sky) { return sky ? (*cell >> 4) : (*cell & 15); }
static inline void set_l(uint8_t *cell, int sky, int v) {
    *cell = sky ? (uint8_t)((*cell & 0x0F) | (v << 4)) : (uint8_t)((*cell & 0xF0) | v);
}

static const int DIRS[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 0, 1}, {0, 0, -1}, {0, 1, 0}, {0, -1, 0}};

static void bfs_add(World *w, int sky) {
    LightQueue *q = &w->add_q;
    while (q->head < q->tail) {
        LightNode n = q->items[q->head++];
        Chunk *c = world_chunk_at(w, n.x >> 4, n.z >> 4);
        if (!c) continue;
        int v = get_l(&c->light[CHUNK_INDEX(n.x & 15, n.y, n.z & 15)], sky);
        if (v <= 1) continue;
        for (int d = 0; d < 6; d++) {
            int x = n.x + DIRS[d][0], y = n.y + DIRS[d][1], z = n.z + DIRS[d][2];
            if ((unsigned)y >= WORLD_HEIGHT) continue;
            Chunk *nc =
                (x >> 4 == c->cx && z >> 4 == c->cz) ? c : world_chunk_at(w, x >> 4, z >> 4);
            if (!nc) continue;
            int i = CHUNK_INDEX(x & 15, y, z & 15);
            int op = BLOCK_TABLE[nc->blocks[i]].light_opacity;
            if (op >= 15) continue;
            int nv = (sky && d == 5 && v == 15 && op == 0) ? 15 : v - (op > 1 ? op : 1);
            if (nv > get_l(&nc->light[i], sky)) {
                set_l(&nc->light[i], sky, nv);
                nc->version = w->light_stamp;
                /* a cell at 1 lights nothing further (it would be skipped when popped) */
                if (nv > 1) q_push(q, x, y, z, nv);
            }
        }
    }
    q->head = q->tail = 0;
}

static void bfs_remove(World *w, int sky) {
    LightQueue *q = &w->rem_q;
    while (q->head < q->tail) {
        LightNode n = q->items[q->head++];
        for (int d = 0; d < 6; d++) {
            int x = n.x + DIRS[d][0], y = n.y + DIRS[d][1], z = n.z + DIRS[d][2];
            if ((unsigned)y >= WORLD_HEIGHT) continue;
            Chunk *nc = world_chunk_at(w, x >> 4, z >> 4);
            if (!nc) continue;
            int i = CHUNK_INDEX(x & 15, y, z & 15);
            int nv = get_l(&nc->light[i], sky);
            if (nv == 0) continue;
            if (nv < n.v || (sky && d == 5 && n.v == 15 && nv == 15)) {
                int emit = sky ? 0 : BLOCK_TABLE[nc->blocks[i]].light_emission;
                set_l(&nc->light[i], sky, emit);
                nc->version = w->light_stamp;
                if (emit) q_push(&w->add_q, x, y, z, emit);
                q_push(q, x, y, z, nv);
            } else {
                q_push(&w->add_q, x, y, z, nv);
            }
        }
    }
    q->head = q->tail = 0;
}

/* Seeds the add queue with the cells of the neighbour chunk (dxc, dzc) of c that border c and
 * can light it in channel `sky`. */
static void seed_border(World *w, const Chunk *c, int dxc, int dzc, int sky) {
    const Chunk *nb = world_chunk_at(w, c->cx + dxc, c->cz + dzc);
    if (!nb) return;
    for (int k = 0; k < 16; k++) {
        int lx = dxc > 0 ? 0 : dxc < 0 ? 15 : k;
        int lz = dzc > 0 ? 0 : dzc < 0 ? 15 : k;
        /* the cell of c next to it: above c's column top c is already fully sky-lit */
        int cxl = dxc > 0 ? 15 : dxc < 0 ? 0 : k;
        int czl = dzc > 0 ? 15 : dzc < 0 ? 0 : k;
        int ymax = sky ? c->top[czl * 16 + cxl] : WORLD_HEIGHT;
        for (int y = 0; y < ymax; y++) {
            uint8_t l = nb->light[CHUNK_INDEX(lx, y, lz)];
            if ((sky ? (l >> 4) : (l & 15)) > 1)
                q_push(&w->add_q, nb->cx * 16 + lx, y, nb->cz * 16 + lz, 0);
        }
    }
}

static void seed_borders(World *w, const Chunk *c, int sky) {
    seed_border(w, c, 1, 0, sky);
    seed_border(w, c, -1, 0, sky);
    seed_border(w, c, 0, 1, sky);
    seed_border(w, c, 0, -1, sky);
}

static int neighbour_top_max(World *w, const Chunk *c, int x, int z) {
    int m = 0;
    for (int d = 0; d < 4; d++) {
        int nx = x + DIRS[d][0], nz = z + DIRS[d][2];
        int t;
        if (nx >= 0 && nx < 16 && nz >= 0 && nz < 16) {
            t = c->top[nz * 16 + nx];
        } else {
            const Chunk *nb = world_chunk_at(w, c->cx + (nx >> 4), c->cz + (nz >> 4));
            t = nb ? nb->top[(nz & 15) * 16 + (nx & 15)] : 0;
        }
        if (t > m) m = t;
    }
    return m;
}

/* Sky light straight down, one layer at a time from the top (sequential memory). Returns a
 * layer at and below which the sky light is 0 everywhere in the chunk. */
static int sky_columns(Chunk *c) {
    uint8_t v[CHUNK_AREA];
    memset(v, 15, sizeof v);
    int alive = CHUNK_AREA;
    /* At and above every column's top (c->top is current) the blocks pass light without loss:
     * full sky light, the same for every cell of the layer. */
    int y_top = 0;
    for (int col = 0; col < CHUNK_AREA; col++) y_top = c->top[col] > y_top ? c->top[col] : y_top;
    for (int y = WORLD_HEIGHT - 1; y >= y_top; y--)
        memset(&c->light[y * CHUNK_AREA], 15 << SKY_SHIFT, CHUNK_AREA);
    int y = y_top - 1;
    for (; y >= 0 && alive > 0; y--) {
        const uint8_t *row = &c->blocks[y * CHUNK_AREA];
        uint8_t *lrow = &c->light[y * CHUNK_AREA];
        for (int col = 0; col < CHUNK_AREA; col++) {
            if (!v[col]) continue;
            int op = BLOCK_TABLE[row[col]].light_opacity;
            if (op || v[col] < 15) { /* only full sky light falls without loss */
                int nv = v[col] - (op > 1 ? op : 1);
                v[col] = (uint8_t)(nv > 0 ? nv : 0);
                if (!v[col]) alive--;
            }
            lrow[col] = (uint8_t)(v[col] << SKY_SHIFT);
        }
    }
    return y + 1 > 0 ? y + 1 : 0; /* the last layer written (all dark) or 0 */
}

void light_chunk_init(World *w, Chunk *c) {
    memset(c->light, 0, sizeof c->light);
    int y_dark = sky_columns(c); /* below it: no sky light to spread sideways */
    /* sky sideways: cells below a neighbour column's top may light the neighbour */
    int bx = c->cx * 16, bz = c->cz * 16;
    uint8_t nmax[CHUNK_AREA];
    int ymax_all = 0;
    for (int z = 0; z < 16; z++)
        for (int x = 0; x < 16; x++) {
            int m = neighbour_top_max(w, c, x, z);
            nmax[z * 16 + x] = (uint8_t)m;
            ymax_all = m > ymax_all ? m : ymax_all;
        }
    for (int y = y_dark; y < ymax_all; y++) {
        const uint8_t *lrow = &c->light[y * CHUNK_AREA];
        for (int col = 0; col < CHUNK_AREA; col++)
            if (y < nmax[col] && (lrow[col] >> 4) > 1)
                q_push(&w->add_q, bx + (col & 15), y, bz + (col >> 4), 0);
    }
    seed_borders(w, c, 1);
    bfs_add(w, 1);
    LightQueue *q = &w->add_q;
    seed_borders(w, c, 0);
    /* block light: emitters of this chunk (memchr per emitting id: usually none present) */
    for (int id = 0; id < BLOCK_COUNT; id++) {
        int e = BLOCK_TABLE[id].light_emission;
        if (!e) continue;
        const uint8_t *p = c->blocks, *end = c->blocks + CHUNK_VOLUME;
        while ((p = memchr(p, id, (size_t)(end - p))) != NULL) {
            int i = (int)(p - c->blocks);
            c->light[i] = (uint8_t)((c->light[i] & 0xF0) | e);
            q_push(q, bx + (i & 15), i / CHUNK_AREA, bz + ((i >> 4) & 15), e);
            p++;
        }
    }
    bfs_add(w, 0);
}

void light_block_changed(World *w, int x, int y, int z, uint8_t old_block, uint8_t new_block) {
    Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
    uint8_t *cell = &c->light[CHUNK_INDEX(x & 15, y, z & 15)];
    const BlockInfo *ob = &BLOCK_TABLE[old_block], *nb = &BLOCK_TABLE[new_block];
    for (int sky = 1; sky >= 0; sky--) {
        int old_v = get_l(cell, sky);
        int more_opaque = nb->light_opacity > ob->light_opacity;
        int dimmer = !sky && nb->light_emission < ob->light_emission;
        if ((more_opaque || dimmer) && old_v > 0) {
            set_l(cell, sky, 0);
            q_push(&w->rem_q, x, y, z, old_v);
            bfs_remove(w, sky);
        }
        if (!sky && nb->light_emission > get_l(cell, 0)) {
            set_l(cell, 0, nb->light_emission);
            q_push(&w->add_q, x, y, z, 0);
        }
        if (nb->light_opacity < ob->light_opacity || more_opaque) {
            /* let the neighbours (re)light this cell and beyond */
            for (int d = 0; d < 6; d++) {
                int ny = y + DIRS[d][1];
                if ((unsigned)ny < WORLD_HEIGHT)
                    q_push(&w->add_q, x + DIRS[d][0], ny, z + DIRS[d][2], 0);
            }
        }
        bfs_add(w, sky);
    }
}
