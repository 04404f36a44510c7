/* nav.h: A* path planning over the voxel world for the scripted players.
 *
 * A node is a feet cell (x, y, z): the player stands in (x,y,z)+(x,y+1,z) on a solid floor (or
 * swims in water). Moves: walk to a side cell, step up one block (jump), step down one block
 * (digging a staircase when needed), fall 2-3 blocks, dig straight down, pillar up (jump and
 * place a block below; needs blocks to place) and swim up. Solid cells on the way may be broken:
 * their cost is the ticks to break them with the best tool held, so the planner trades
 * walking around against tunnelling through. Costs are in ticks (walking ~5 per block).
 *
 * The planner is bounded: when the node budget runs out before a goal is reached it returns
 * the path to the explored node closest to the heuristic target (a partial path; replan on
 * arrival). Scratch memory is allocated once per NavPlanner; planning allocates nothing.
 * Invariants: consecutive path nodes differ by exactly one move; path[0] is the start. */
#ifndef AGENT_NAV_H
#define AGENT_NAV_H

#include <stdint.h>

#include "sim/item.h"

typedef struct Env Env;

typedef enum NavMove {
    NAV_START = 0,
    NAV_WALK,
    NAV_UP,
    NAV_DOWN,
    NAV_FALL,
    NAV_DIG_DOWN,
    NAV_PILLAR,
    NAV_SWIM_UP,
} NavMove;

typedef struct NavNode {
    int x, y, z;
    NavMove move; /* how this node is reached from the previous one */
} NavNode;

#define NAV_MAX_PATH 256

typedef struct NavPath {
    int n;
    int partial; /* 1: the goal was not reached within the budget */
    NavNode nodes[NAV_MAX_PATH];
} NavPath;

/* Goal test on a feet cell. */
typedef int (*NavGoalFn)(const Env *env, void *ctx, int x, int y, int z);

typedef struct NavParams {
    int hx, hy, hz;   /* heuristic target (the thing we walk to) */
    float h_weight;   /* cost per block of distance in the heuristic (>= 4; larger = greedier) */
    int max_nodes;    /* expansion budget */
    int allow_dig;    /* break blocks on the way */
    int allow_pillar; /* has blocks to place */
    ItemId tools[4];  /* best pickaxe, axe, shovel held (ITEM_NONE if none), for costs */
} NavParams;

typedef struct NavPlanner NavPlanner;

NavPlanner *nav_create(void);
void nav_destroy(NavPlanner *p); /* accepts NULL */

/* Plans from feet cell (sx, sy, sz). Returns 1 with a path (maybe partial), 0 when nothing
 * but the start was reachable. */
int nav_plan(NavPlanner *p, const Env *env, int sx, int sy, int sz, NavGoalFn goal, void *ctx,
             const NavParams *params, NavPath *out);

/* Cells a move must clear (air) before the player can make it, in mining order; returns n. */
int nav_move_cells(const NavNode *from, const NavNode *to, int cells[4][3]);

/* Ticks to break block b with the best of the given tools (large for unbreakable). */
int nav_break_cost(uint8_t b, const ItemId tools[4]);
/* 1 when the player can stand with feet in (x,y,z). */
int nav_standable(const Env *env, int x, int y, int z);

#endif
