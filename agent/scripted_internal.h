/* scripted_internal.h: state shared by the scripted player's skills (skills.c, gui_skills.c)
 * and its planner (scripted.c). Not a public header.
 *
 * Per tick: the planner reads the env into `pv`/`gv`, the current task's step writes an
 * intent into `out` (held keys, a camera target in the world, or a cursor target in a GUI),
 * and scripted.c turns the intent into one native Action through the camera/cursor models.
 * Edge-triggered keys go through sk_press(), which only presses a key that was up last tick. */
#ifndef AGENT_SCRIPTED_INTERNAL_H
#define AGENT_SCRIPTED_INTERNAL_H

#include <stdint.h>

#include "agent/agent.h"
#include "agent/camera.h"
#include "agent/nav.h"
#include "agent/persona.h"
#include "agent/view.h"

typedef enum SkStatus { SK_RUNNING = 0, SK_DONE, SK_FAILED } SkStatus;

typedef struct Intent {
    uint32_t keys;
    int cam; /* 1: turn toward (yaw, pitch) */
    float yaw, pitch;
    int cursor; /* 1: move the GUI cursor toward (cx, cy) */
    float cx, cy;
} Intent;

/* A GUI operation: a semantic target resolved to a slot when it runs. */
typedef enum GuiOpKind {
    OP_BOOK = 0,  /* the recipe button showing recipe `arg` (turning pages as needed) */
    OP_OUTPUT,    /* crafting output */
    OP_INV_ITEM,  /* first inventory slot holding item `arg` */
    OP_INV_BACK,  /* the slot the last OP_INV_ITEM used (put the rest back) */
    OP_INV_EMPTY, /* the first empty inventory slot */
    OP_GRID,      /* grid cell `arg` */
    OP_FURN_IN,
    OP_FURN_FUEL,
    OP_FURN_OUT,
    OP_WAIT_SMELT, /* wait until the furnace output holds `arg` items or nothing cooks */
    OP_INV_SLOT,   /* inventory slot `arg` */
} GuiOpKind;

typedef struct GuiOp {
    GuiOpKind kind;
    int arg;
    GuiClick click;
} GuiOp;

#define SK_MAX_OPS 40
#define SK_MAX_BAD 64

typedef struct Scripted {
    Persona persona;
    int fixed_persona; /* -1: drawn per episode */
    Rng rng;
    CameraCtl cam;
    NavPlanner *nav;
    const Env *env;
    PlayerView pv;
    GuiView gv;
    Intent out;
    uint32_t prev_keys;
    int64_t tick;

    /* navigation */
    NavPath path;
    int path_i, path_stall, path_valid;
    int goal_x, goal_y, goal_z; /* what the current path leads to */
    double best_d;

    /* mining */
    int mine_x, mine_y, mine_z, mine_ticks, mine_active;

    /* GUI work */
    GuiOp ops[SK_MAX_OPS];
    int n_ops, op_i, op_phase, op_ticks, back_slot, page_turn;
    int slip_elem;        /* >= 0: a mistaken click on this (empty) slot before the real one */
    float cur_ax, cur_ay; /* aim point inside the current element */
    float cvx, cvy;

    /* current task */
    int task, t_arg, t_n, t_phase, t_ticks, t_fail, t_x, t_y, t_z;
    int t_item, t_done, t_before, t_err, t_cells, t_cell_i;
    int t_list[32][3];
    int hand_craft;
    int idle_left;
    int shelter_built, fail_streak, last_task, last_arg, mistake_left;
    int64_t last_torch_tick;
    int gui_idle; /* ticks a screen stayed open with nothing done in it */
    uint32_t mistake_keys;
    float idle_yaw, idle_pitch;
    int bad[SK_MAX_BAD][3];
    int n_bad;
    char goal_text[64];
    char describe[96];
} Scripted;

/* ---- keys ---- */
void sk_hold(Scripted *s, ActionKey k);
/* Presses k this tick if it was up last tick; returns 1 when pressed. */
int sk_press(Scripted *s, ActionKey k);

/* ---- looking ---- */
void sk_look_at(Scripted *s, double x, double y, double z);
int sk_cam_settled(const Scripted *s, float tol);
double sk_eye_y(const Scripted *s);

/* ---- world queries ---- */
/* First solid block hit by a ray from the eye toward (tx,ty,tz) within max_d: returns 1 and the
 * cell, 0 when none. */
int sk_raycast(const Scripted *s, double ex, double ey, double ez, double tx, double ty, double tz,
               double max_d, int hit[3]);
/* 1 when block (bx,by,bz) is visible and within reach from feet cell (x,y,z). */
int sk_can_reach(const Env *env, int x, int y, int z, int bx, int by, int bz);
/* Nearest block of id within radius of the player (not in the bad list); returns 1. */
int sk_find_block(Scripted *s, uint8_t id, int radius, int out[3]);
void sk_mark_bad(Scripted *s, int x, int y, int z);
int sk_is_bad(const Scripted *s, int x, int y, int z);
void sk_tools(const Scripted *s, ItemId tools[4]);

/* ---- movement ---- */
/* Plans to a feet cell from which (bx,by,bz) is reachable (mine/use it). */
int sk_plan_to_block(Scripted *s, int bx, int by, int bz, int allow_dig);
/* Plans to a feet cell within `tol` blocks (horizontal) of (x,y,z). */
int sk_plan_near(Scripted *s, int x, int y, int z, int tol, int allow_dig, int max_nodes);
/* Follows the current path (mining what is in the way). SK_DONE at the end of a complete
 * path, SK_FAILED when stuck (replan) or at the end of a partial path. */
SkStatus sk_follow(Scripted *s);
/* Steps toward the horizontal point (x, z) with WASD relative to the current yaw. */
void sk_move_toward(Scripted *s, double x, double z, double stop);

/* ---- hands ---- */
/* Selects the hotbar slot holding item (pressing its key); returns 1 when it is selected,
 * -1 when the item is not in the hotbar. */
int sk_select_item(Scripted *s, ItemId item);
void sk_select_best_tool(Scripted *s, uint8_t block);
/* Mines (bx,by,bz) from where the player stands. */
SkStatus sk_mine(Scripted *s, int bx, int by, int bz);
/* Places the held `item` into air cell (cx,cy,cz) by clicking a neighbouring face. */
SkStatus sk_place(Scripted *s, ItemId item, int cx, int cy, int cz);
/* A free cell near the player to place a block in (floor below, player not inside). */
int sk_find_place_cell(Scripted *s, int out[3]);
/* Walks over item entities near the player; SK_DONE when none is left within radius. */
SkStatus sk_collect(Scripted *s, double radius);

/* ---- GUI ---- */
void sk_ops_clear(Scripted *s);
void sk_ops_add(Scripted *s, GuiOpKind kind, int arg, GuiClick click);
/* Runs the queued GUI operations; SK_DONE when all ran, SK_FAILED when one cannot resolve. */
SkStatus sk_run_ops(Scripted *s);
/* Queue the operations that craft recipe r once (book or by hand). Returns 0 if impossible. */
int sk_queue_craft(Scripted *s, int recipe, int by_hand);
int sk_recipe_for(const Scripted *s, ItemId item, int grid_w);

/* ---- tasks (tasks.c) ---- */
typedef enum TaskKind {
    TASK_NONE = 0,
    TASK_GET,     /* mine block t_arg until holding t_n of item t_item */
    TASK_CRAFT,   /* craft item t_arg, t_n times */
    TASK_SMELT,   /* smelt the iron ore held */
    TASK_EAT,     /* eat the food in the hotbar */
    TASK_FIGHT,   /* fight the nearest hostile mob */
    TASK_HUNT,    /* hunt the nearest animal */
    TASK_EXPLORE, /* travel toward a far point */
    TASK_IDLE,    /* look around for t_n ticks */
    TASK_SHELTER, /* build a small shelter around the player */
    TASK_TORCH,   /* place a torch nearby */
    TASK_HOTBAR,  /* move item t_arg from the main inventory into the hotbar */
    TASK_KIND_COUNT
} TaskKind;

const char *task_kind_name(int kind);
void task_start(Scripted *s, int kind, int arg, int item, int n);
/* One tick of the current task. */
SkStatus task_step(Scripted *s);
int sk_count(const Scripted *s, ItemId item);
int sk_in_hotbar(const Scripted *s, ItemId item);
/* A station block (crafting table, furnace) within reach of where the player stands. */
int sk_station_near(Scripted *s, uint8_t block, int out[3]);
uint8_t view_light(const Env *env, int x, int y, int z);

#endif
