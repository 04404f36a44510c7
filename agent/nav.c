/* nav.c: bounded weighted A* over feet cells with digging (see nav.h). */
#include "agent/nav.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agent/view.h"
#include "core/alloc.h"
#include "core/log.h"

#define NAV_POOL 40000
#define NAV_HASH (1 << 17)
#define NAV_INF 0x3fffffff
#define NAV_HEAP (NAV_POOL * 4)

typedef struct PNode {
    int x, y, z;
    int g, f, h;
    int parent;
    uint8_t move, closed;
} PNode;

struct NavPlanner {
    PNode *pool;
    int n_pool;
    uint64_t *keys; /* 0 = empty */
    int32_t *vals;
    int32_t *heap;
    int n_heap;
};

NavPlanner *nav_create(void) {
    NavPlanner *p = mem_calloc(1, sizeof *p);
    p->pool = MEM_NEW_ARRAY(PNode, NAV_POOL);
    p->keys = MEM_NEW_ARRAY(uint64_t, NAV_HASH);
    p->vals = MEM_NEW_ARRAY(int32_t, NAV_HASH);
    p->heap = MEM_NEW_ARRAY(int32_t, NAV_HEAP);
    return p;
}

void nav_destroy(NavPlanner *p) {
    if (!p) return;
    mem_free(p->pool);
    mem_free(p->keys);
    mem_free(p->vals);
    mem_free(p->heap);
    mem_free(p);
}

static uint64_t node_key(int x, int y, int z) {
    return ((uint64_t)(uint32_t)(x + (1 << 20)) << 28) ^
           ((uint64_t)(uint32_t)(z + (1 << 20)) << 7) ^ (uint64_t)(uint32_t)y ^ (1ull << 63);
}

static uint32_t key_slot(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 29;
    return (uint32_t)k & (NAV_HASH - 1);
}

/* Index of node (x,y,z), creating it when absent (returns -1 when the pool is full). */
static int node_get(NavPlanner *p, int x, int y, int z, int *created) {
    uint64_t k = node_key(x, y, z);
    uint32_t s = key_slot(k);
    *created = 0;
    while (p->keys[s]) {
        if (p->keys[s] == k) return p->vals[s];
        s = (s + 1) & (NAV_HASH - 1);
    }
    if (p->n_pool >= NAV_POOL) return -1;
    int i = p->n_pool++;
    p->keys[s] = k;
    p->vals[s] = i;
    PNode *n = &p->pool[i];
    n->x = x;
    n->y = y;
    n->z = z;
    n->g = NAV_INF;
    n->parent = -1;
    n->closed = 0;
    *created = 1;
    return i;
}

static void heap_push(NavPlanner *p, int i) {
    if (p->n_heap >= NAV_HEAP) return;
    int c = p->n_heap++;
    p->heap[c] = i;
    while (c > 0) {
        int par = (c - 1) / 2;
        if (p->pool[p->heap[par]].f <= p->pool[p->heap[c]].f) break;
        int t = p->heap[par];
        p->heap[par] = p->heap[c];
        p->heap[c] = t;
        c = par;
    }
}

static int heap_pop(NavPlanner *p) {
    int top = p->heap[0];
    p->heap[0] = p->heap[--p->n_heap];
    int c = 0;
    for (;;) {
        int l = 2 * c + 1, r = l + 1, m = c;
        if (l < p->n_heap && p->pool[p->heap[l]].f < p->pool[p->heap[m]].f) m = l;
        if (r < p->n_heap && p->pool[p->heap[r]].f < p->pool[p->heap[m]].f) m = r;
        if (m == c) break;
        int t = p->heap[m];
        p->heap[m] = p->heap[c];
        p->heap[c] = t;
        c = m;
    }
    return top;
}

int nav_break_cost(uint8_t b, const ItemId tools[4]) {
    int best = NAV_INF, drops;
    int t = view_break_ticks(b, ITEM_NONE, &drops);
    if (t >= 0) best = t;
    for (int i = 0; i < 4; i++) {
        if (tools[i] == ITEM_NONE) continue;
        t = view_break_ticks(b, tools[i], &drops);
        if (t >= 0 && t < best) best = t;
    }
    return best;
}

int nav_standable(const Env *env, int x, int y, int z) {
    if (y < 1 || y >= 126) return 0;
    uint8_t feet = view_block(env, x, y, z), head = view_block(env, x, y + 1, z);
    if (view_block_solid(feet) || view_block_solid(head)) return 0;
    return view_block_solid(view_block(env, x, y - 1, z)) || view_block_liquid(feet);
}

/* Cost to make cell (x,y,z) passable: 0 for air, swim cost for water, break ticks for solids;
 * NAV_INF when it cannot be done. */
static int pass_cost(const Env *env, const NavParams *prm, int x, int y, int z) {
    if (y < 1 || y >= 127) return NAV_INF;
    uint8_t b = view_block(env, x, y, z);
    if (view_block_liquid(b)) return 6;
    if (!view_block_solid(b)) return 0;
    if (!prm->allow_dig) return NAV_INF;
    /* Never dig out a block holding up water (it would pour in). */
    if (view_block_liquid(view_block(env, x, y + 1, z))) return NAV_INF;
    int t = nav_break_cost(b, prm->tools);
    return t >= NAV_INF ? NAV_INF : t + 8;
}

static int add3(int a, int b, int c) {
    if (a >= NAV_INF || b >= NAV_INF || c >= NAV_INF) return NAV_INF;
    return a + b + c;
}

static int solid_at(const Env *env, int x, int y, int z) {
    return view_block_solid(view_block(env, x, y, z));
}

int nav_move_cells(const NavNode *from, const NavNode *to, int cells[4][3]) {
    int n = 0;
#define CELL(a, b, c)                                                                              \
    do {                                                                                           \
        cells[n][0] = (a);                                                                         \
        cells[n][1] = (b);                                                                         \
        cells[n][2] = (c);                                                                         \
        n++;                                                                                       \
    } while (0)
    switch (to->move) {
    case NAV_WALK:
        CELL(to->x, to->y + 1, to->z);
        CELL(to->x, to->y, to->z);
        break;
    case NAV_UP:
        CELL(from->x, from->y + 2, from->z);
        CELL(to->x, to->y + 1, to->z);
        CELL(to->x, to->y, to->z);
        break;
    case NAV_DOWN:
        CELL(to->x, to->y + 2, to->z);
        CELL(to->x, to->y + 1, to->z);
        CELL(to->x, to->y, to->z);
        break;
    case NAV_FALL:
        CELL(to->x, from->y + 1, to->z);
        CELL(to->x, from->y, to->z);
        break;
    case NAV_DIG_DOWN:
        CELL(to->x, to->y, to->z);
        break;
    case NAV_PILLAR:
    case NAV_SWIM_UP:
        CELL(to->x, to->y + 1, to->z);
        break;
    default:
        break;
    }
#undef CELL
    return n;
}

typedef struct Cand {
    int x, y, z, cost;
    NavMove move;
} Cand;

/* Successors of (x,y,z); returns the count written to out (at most 4*3+3). */
static int successors(const Env *env, const NavParams *prm, int x, int y, int z, Cand *out) {
    static const int DX[4] = {1, -1, 0, 0}, DZ[4] = {0, 0, 1, -1};
    int n = 0;
    uint8_t here = view_block(env, x, y, z);
    int in_water = view_block_liquid(here);
    for (int d = 0; d < 4; d++) {
        int nx = x + DX[d], nz = z + DZ[d];
        int feet = pass_cost(env, prm, nx, y, nz), head = pass_cost(env, prm, nx, y + 1, nz);
        /* Walk: floor must already be there (or we swim). */
        if (solid_at(env, nx, y - 1, nz) || view_block_liquid(view_block(env, nx, y, nz))) {
            int c = add3(feet, head, 5);
            if (c < NAV_INF) out[n++] = (Cand){nx, y, nz, c, NAV_WALK};
        }
        /* Step up onto (nx, y, nz), which must be solid. */
        if (solid_at(env, nx, y, nz) && (solid_at(env, x, y - 1, z) || in_water)) {
            int c = add3(pass_cost(env, prm, x, y + 2, z), pass_cost(env, prm, nx, y + 1, nz),
                         pass_cost(env, prm, nx, y + 2, nz));
            c = add3(c, 9, 0);
            if (c < NAV_INF) out[n++] = (Cand){nx, y + 1, nz, c, NAV_UP};
        }
        /* Step down one (staircase), floor at y-2 must be solid. */
        if (solid_at(env, nx, y - 2, nz)) {
            int c = add3(head, feet, pass_cost(env, prm, nx, y - 1, nz));
            c = add3(c, 6, 0);
            if (c < NAV_INF) out[n++] = (Cand){nx, y - 1, nz, c, NAV_DOWN};
        } else if (!solid_at(env, nx, y - 1, nz)) {
            /* Fall 2..3 blocks through open air onto a floor (or into water). */
            for (int k = 2; k <= 3; k++) {
                int ly = y - k;
                if (solid_at(env, nx, ly + 1, nz)) break;
                uint8_t land = view_block(env, nx, ly, nz);
                if (view_block_solid(land)) break;
                if (solid_at(env, nx, ly - 1, nz) || view_block_liquid(land)) {
                    int c = add3(feet, head, 6 + 2 * k);
                    if (c < NAV_INF) out[n++] = (Cand){nx, ly, nz, c, NAV_FALL};
                    break;
                }
            }
        }
    }
    /* Dig straight down (only with digging allowed; costly, the staircase is preferred). */
    if (prm->allow_dig && solid_at(env, x, y - 1, z) && solid_at(env, x, y - 2, z)) {
        int c = pass_cost(env, prm, x, y - 1, z);
        if (c < NAV_INF) out[n++] = (Cand){x, y - 1, z, c + 14, NAV_DIG_DOWN};
    }
    if (in_water && !solid_at(env, x, y + 2, z)) {
        out[n++] = (Cand){x, y + 1, z, 8, NAV_SWIM_UP};
    } else if (prm->allow_pillar && solid_at(env, x, y - 1, z)) {
        int c = pass_cost(env, prm, x, y + 2, z);
        if (c < NAV_INF) out[n++] = (Cand){x, y + 1, z, c + 16, NAV_PILLAR};
    }
    return n;
}

static int heuristic(const NavParams *prm, int x, int y, int z) {
    double dx = x - prm->hx, dy = y - prm->hy, dz = z - prm->hz;
    return (int)(prm->h_weight * sqrt(dx * dx + dy * dy + dz * dz));
}

static void reconstruct(const NavPlanner *p, int end, NavPath *out) {
    int chain[NAV_POOL > 4096 ? 4096 : NAV_POOL];
    int n = 0;
    for (int i = end; i >= 0 && n < 4096; i = p->pool[i].parent) chain[n++] = i;
    /* Keep the first NAV_MAX_PATH nodes from the start. */
    int keep = n < NAV_MAX_PATH ? n : NAV_MAX_PATH;
    out->n = keep;
    for (int k = 0; k < keep; k++) {
        const PNode *nd = &p->pool[chain[n - 1 - k]];
        out->nodes[k] = (NavNode){nd->x, nd->y, nd->z, (NavMove)nd->move};
    }
    if (keep < n) out->partial = 1;
}

int nav_plan(NavPlanner *p, const Env *env, int sx, int sy, int sz, NavGoalFn goal, void *ctx,
             const NavParams *prm, NavPath *out) {
    memset(p->keys, 0, sizeof(uint64_t) * NAV_HASH);
    p->n_pool = 0;
    p->n_heap = 0;
    out->n = 0;
    out->partial = 0;
    int created;
    int s = node_get(p, sx, sy, sz, &created);
    p->pool[s].g = 0;
    p->pool[s].h = heuristic(prm, sx, sy, sz);
    p->pool[s].f = p->pool[s].h;
    p->pool[s].move = NAV_START;
    heap_push(p, s);
    int best = s, expanded = 0;
    Cand cand[24];
    while (p->n_heap > 0 && expanded < prm->max_nodes) {
        int i = heap_pop(p);
        PNode *nd = &p->pool[i];
        if (nd->closed) continue;
        nd->closed = 1;
        expanded++;
        if (goal(env, ctx, nd->x, nd->y, nd->z)) {
            reconstruct(p, i, out);
            return 1;
        }
        if (nd->h < p->pool[best].h) best = i;
        int nc = successors(env, prm, nd->x, nd->y, nd->z, cand);
        for (int c = 0; c < nc; c++) {
            int j = node_get(p, cand[c].x, cand[c].y, cand[c].z, &created);
            if (j < 0) break;
            PNode *m = &p->pool[j];
            nd = &p->pool[i];
            int g = nd->g + cand[c].cost;
            if (m->closed || g >= m->g) continue;
            m->g = g;
            if (created) m->h = heuristic(prm, m->x, m->y, m->z);
            m->f = g + m->h;
            m->parent = i;
            m->move = (uint8_t)cand[c].move;
            heap_push(p, j);
        }
    }
    if (best == s) return 0;
    reconstruct(p, best, out);
    out->partial = 1;
    return 1;
}
