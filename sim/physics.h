/* physics.h: swept axis-aligned box movement against solid blocks, shared by the player, item
 * entities and mobs. A body is a box of half-width hw and height h whose position is the
 * center of its bottom face. Movement is clipped per axis (y, then x, then z) against every
 * solid block the swept box touches, so nothing tunnels at any speed. */
#ifndef SIM_PHYSICS_H
#define SIM_PHYSICS_H

#include "sim/world.h"

typedef struct MoveResult {
    int hit_x, hit_y, hit_z; /* the motion along that axis was clipped */
    int on_ground;           /* clipped while moving down */
} MoveResult;

/* (int)floor(v) for |v| < 2^31 (world coordinates are far inside), without the libm rounding
 * sequence the baseline x86-64 target needs. */
static inline int phys_floor(double v) {
    int i = (int)v;
    return i - (v < (double)i);
}

/* Moves pos (x, y, z) by d (dx, dy, dz) clipped against solid blocks; d is replaced by the
 * motion actually made. */
void phys_move(const World *w, double pos[3], double hw, double h, double d[3], MoveResult *r);
/* 1 if the box [x0,x1) x [y0,y1) x [z0,z1) overlaps a solid block. */
int phys_box_collides(const World *w, double x0, double y0, double z0, double x1, double y1,
                      double z1);
/* 1 if the box overlaps a block with BLOCK_FLAG_LIQUID. */
int phys_box_in_liquid(const World *w, double x0, double y0, double z0, double x1, double y1,
                       double z1);

#endif
