/* physics.c: per-axis clipping of a moving box against the unit boxes of solid blocks. Cost is
 * the number of blocks the swept box touches (a dozen or two per tick for a walking player). */
#include "sim/physics.h"
#include "sim/world_internal.h"

#include <math.h>

#define EPS 1e-7

static inline int fl(double v) { return (int)floor(v); }

/* Clips displacement d along axis a (0 x, 1 y, 2 z) of box [mn, mx). */
static double clip_axis(const World *w, const double mn[3], const double mx[3], int a, double d) {
    if (d == 0.0) return 0.0;
    double lo[3], hi[3];
    for (int i = 0; i < 3; i++) {
        lo[i] = mn[i];
        hi[i] = mx[i];
    }
    if (d < 0)
        lo[a] += d;
    else
        hi[a] += d;
    int x0 = fl(lo[0] + EPS), x1 = fl(hi[0] - EPS);
    int y0 = fl(lo[1] + EPS), y1 = fl(hi[1] - EPS);
    int z0 = fl(lo[2] + EPS), z1 = fl(hi[2] - EPS);
    if (y0 < 0) y0 = 0;
    if (y1 >= WORLD_HEIGHT) y1 = WORLD_HEIGHT - 1;
    for (int y = y0; y <= y1; y++)
        for (int z = z0; z <= z1; z++)
            for (int x = x0; x <= x1; x++) {
                if (!block_is_solid(world_block_fast(w, x, y, z))) continue;
                double bmin = a == 0 ? x : a == 1 ? y : z;
                if (d > 0) {
                    if (bmin >= mx[a] - EPS && bmin - mx[a] < d) d = bmin - mx[a];
                } else {
                    double bmax = bmin + 1.0;
                    if (bmax <= mn[a] + EPS && bmax - mn[a] > d) d = bmax - mn[a];
                }
            }
    return d;
}

void phys_move(const World *w, double pos[3], double hw, double h, double d[3], MoveResult *r) {
    static const int ORDER[3] = {1, 0, 2};
    int hit[3] = {0, 0, 0};
    double dy0 = d[1];
    for (int k = 0; k < 3; k++) {
        int a = ORDER[k];
        double mn[3] = {pos[0] - hw, pos[1], pos[2] - hw};
        double mx[3] = {pos[0] + hw, pos[1] + h, pos[2] + hw};
        double c = clip_axis(w, mn, mx, a, d[a]);
        if (c != d[a]) hit[a] = 1;
        d[a] = c;
        pos[a] += c;
    }
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
    for (int y = ay; y <= by; y++)
        for (int z = az; z <= bz; z++)
            for (int x = ax; x <= bx; x++)
                if (block_is_solid(world_block_fast(w, x, y, z))) return 1;
    return 0;
}

int phys_box_in_liquid(const World *w, double x0, double y0, double z0, double x1, double y1,
                       double z1) {
    int ax = fl(x0), bx = fl(x1), ay = fl(y0), by = fl(y1), az = fl(z0), bz = fl(z1);
    for (int y = ay; y <= by; y++)
        for (int z = az; z <= bz; z++)
            for (int x = ax; x <= bx; x++)
                if (BLOCK_TABLE[world_block_fast(w, x, y, z)].flags & BLOCK_FLAG_LIQUID) return 1;
    return 0;
}
