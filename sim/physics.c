/* physics.c: per-axis clipping of a moving box against the unit boxes of solid blocks. Cost is
 * the number of blocks the swept box touches (a dozen or two per tick for a walking player). */
#include "sim/physics.h"
#include "sim/world_internal.h"

#include <math.h>

#define EPS 1e-7

static inline int fl(double v) { return phys_floor(v); }

/* 1 if a block with any of `flags` lies in the block range [x0..x1] x [y0..y1] x [z0..z1].
 * Unloaded chunks and y outside the world are air (no flags), so the walk is one chunk lookup
 * per column and a strided walk up the clamped y range. */
static int range_has(const World *w, int x0, int x1, int y0, int y1, int z0, int z1,
                     unsigned flags) {
    if (y0 < 0) y0 = 0;
    if (y1 >= WORLD_HEIGHT) y1 = WORLD_HEIGHT - 1;
    for (int z = z0; z <= z1; z++)
        for (int x = x0; x <= x1; x++) {
            const Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
            if (!c) continue;
            const uint8_t *col = c->blocks + CHUNK_INDEX(x & 15, 0, z & 15);
            for (int y = y0; y <= y1; y++)
                if (BLOCK_TABLE[col[y * CHUNK_AREA]].flags & flags) return 1;
        }
    return 0;
}

/* A moving box during one phys_move: its extents and the blocks they overlap per axis
 * (r0 = fl(mn + EPS), r1 = fl(mx - EPS)), kept current as each axis moves. */
typedef struct Body {
    double mn[3], mx[3];
    int r0[3], r1[3];
} Body;

static inline void body_axis(Body *b, const double pos[3], double hw, double h, int i) {
    b->mn[i] = i == 1 ? pos[1] : pos[i] - hw;
    b->mx[i] = i == 1 ? pos[1] + h : pos[i] + hw;
    b->r0[i] = fl(b->mn[i] + EPS);
    b->r1[i] = fl(b->mx[i] - EPS);
}

/* Clips displacement d along axis a (0 x, 1 y, 2 z) of the box against the solid blocks the
 * swept box touches. Only blocks wholly ahead of the box along a can clip it (the tests in the
 * loop): block k qualifies moving up iff k >= mx[a] - EPS, moving down iff
 * k + 1 <= mn[a] + EPS, so the layers the box already overlaps are skipped. */
static inline double clip_axis(const World *w, const Body *b, int a, double d) {
    if (d == 0.0) return 0.0;
    int r0[3] = {b->r0[0], b->r0[1], b->r0[2]}, r1[3] = {b->r1[0], b->r1[1], b->r1[2]};
    const double mn = b->mn[a], mx = b->mx[a];
    if (d > 0) {
        r1[a] = fl((mx + d) - EPS);
        double t = mx - EPS; /* ceil(t) from fl(t) = r1 of the unmoved box */
        int k = b->r1[a] + ((double)b->r1[a] < t);
        if (k > r0[a]) r0[a] = k;
    } else {
        r0[a] = fl((mn + d) + EPS);
        int k = b->r0[a] - 1; /* fl(mn + EPS) - 1 */
        if (k < r1[a]) r1[a] = k;
    }
    int x0 = r0[0], x1 = r1[0], y0 = r0[1], y1 = r1[1], z0 = r0[2], z1 = r1[2];
    if (y0 < 0) y0 = 0;
    if (y1 >= WORLD_HEIGHT) y1 = WORLD_HEIGHT - 1;
    /* column by column: one chunk lookup per (x, z), then a strided walk up the column */
    for (int z = z0; z <= z1; z++)
        for (int x = x0; x <= x1; x++) {
            const Chunk *c = world_chunk_at(w, x >> 4, z >> 4);
            if (!c) continue; /* unloaded: air */
            const uint8_t *col = c->blocks + CHUNK_INDEX(x & 15, 0, z & 15);
            for (int y = y0; y <= y1; y++) {
                if (!block_is_solid(col[y * CHUNK_AREA])) continue;
                double bmin = a == 0 ? x : a == 1 ? y : z;
                if (d > 0) {
                    if (bmin >= mx - EPS && bmin - mx < d) d = bmin - mx;
                } else {
                    double bmax = bmin + 1.0;
                    if (bmax <= mn + EPS && bmax - mn > d) d = bmax - mn;
                }
            }
        }
    return d;
}

/* Moves along axis a (clipped), then updates the box. */
static inline void move_axis(const World *w, Body *b, double pos[3], double hw, double h,
                             double d[3], int a, int hit[3]) {
    double c = clip_axis(w, b, a, d[a]);
    if (c != d[a]) hit[a] = 1;
    d[a] = c;
    pos[a] += c;
    if (c != 0.0) body_axis(b, pos, hw, h, a); /* (a zero move leaves the same box values) */
}

void phys_move(const World *w, double pos[3], double hw, double h, double d[3], MoveResult *r) {
    int hit[3] = {0, 0, 0};
    double dy0 = d[1];
    Body b;
    for (int i = 0; i < 3; i++) body_axis(&b, pos, hw, h, i);
    /* y, then x, then z */
    move_axis(w, &b, pos, hw, h, d, 1, hit);
    move_axis(w, &b, pos, hw, h, d, 0, hit);
    move_axis(w, &b, pos, hw, h, d, 2, hit);
    if (r) {
        r->hit_x = hit[0];
        r->hit_y = hit[1];
        r->hit_z = hit[2];
        r->on_ground = hit[1] && dy0 < 0.0;
    }
}

int phys_box_collides(const World *w, double x0, double y0, double z0, double x1, double y1,
                      double z1) {
    int ax = fl(x0 + EPS), bx = fl(x1 - EPS), ay = fl(y0 + EPS), by = fl(y1 - EPS);
    int az = fl(z0 + EPS), bz = fl(z1 - EPS);
    return range_has(w, ax, bx, ay, by, az, bz, BLOCK_FLAG_SOLID);
}

int phys_box_in_liquid(const World *w, double x0, double y0, double z0, double x1, double y1,
                       double z1) {
    int ax = fl(x0), bx = fl(x1), ay = fl(y0), by = fl(y1), az = fl(z0), bz = fl(z1);
    return range_has(w, ax, bx, ay, by, az, bz, BLOCK_FLAG_LIQUID);
}
