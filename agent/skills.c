/* skills.c: the scripted player's world skills: keys, looking, ray casts against the world,
 * finding blocks, path following with mining on the way, mining, placing, collecting drops.
 * Every skill only writes an Intent (keys held, camera target); nothing here touches the env. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agent/scripted_internal.h"
#include "core/log.h"
#include "sim/world.h"

#define EYE_HEIGHT 1.62

void sk_hold(Scripted *s, ActionKey k) { s->out.keys |= ACTION_KEY_BIT(k); }

int sk_press(Scripted *s, ActionKey k) {
    if (s->prev_keys & ACTION_KEY_BIT(k)) return 0;
    s->out.keys |= ACTION_KEY_BIT(k);
    return 1;
}

double sk_eye_y(const Scripted *s) { return s->pv.y + EYE_HEIGHT; }

void sk_look_at(Scripted *s, double x, double y, double z) {
    float yaw, pitch;
    camera_look_angles(s->pv.x, sk_eye_y(s), s->pv.z, x, y, z, &yaw, &pitch);
    s->out.cam = 1;
    s->out.yaw = yaw;
    s->out.pitch = pitch;
}

int sk_cam_settled(const Scripted *s, float tol) {
    if (!s->out.cam) return 1;
    return fabsf(camera_angle_diff(s->out.yaw, s->pv.yaw)) <= tol &&
           fabsf(s->out.pitch - s->pv.pitch) <= tol;
}

int sk_raycast(const Scripted *s, double ex, double ey, double ez, double tx, double ty, double tz,
               double max_d, int hit[3]) {
    double dx = tx - ex, dy = ty - ey, dz = tz - ez;
    double len = sqrt(dx * dx + dy * dy + dz * dz);
    if (len < 1e-9) return 0;
    dx /= len;
    dy /= len;
    dz /= len;
    int x = (int)floor(ex), y = (int)floor(ey), z = (int)floor(ez);
    int sx = dx > 0 ? 1 : -1, sy = dy > 0 ? 1 : -1, sz = dz > 0 ? 1 : -1;
    double inf = 1e30;
    double tdx = fabs(dx) > 1e-12 ? fabs(1.0 / dx) : inf,
           tdy = fabs(dy) > 1e-12 ? fabs(1.0 / dy) : inf,
           tdz = fabs(dz) > 1e-12 ? fabs(1.0 / dz) : inf;
    double tmx = fabs(dx) > 1e-12 ? ((sx > 0 ? x + 1 - ex : ex - x) * tdx) : inf;
    double tmy = fabs(dy) > 1e-12 ? ((sy > 0 ? y + 1 - ey : ey - y) * tdy) : inf;
    double tmz = fabs(dz) > 1e-12 ? ((sz > 0 ? z + 1 - ez : ez - z) * tdz) : inf;
    double t = 0;
    while (t <= max_d) {
        uint8_t b = view_block(s->env, x, y, z);
        if (b != BLOCK_AIR && !view_block_liquid(b)) {
            hit[0] = x;
            hit[1] = y;
            hit[2] = z;
            return 1;
        }
        if (tmx < tmy && tmx < tmz) {
            x += sx;
            t = tmx;
            tmx += tdx;
        } else if (tmy < tmz) {
            y += sy;
            t = tmy;
            tmy += tdy;
        } else {
            z += sz;
            t = tmz;
            tmz += tdz;
        }
    }
    return 0;
}

typedef struct ReachCtx {
    const Scripted *s;
    int bx, by, bz;
} ReachCtx;

static int reach_from(const Scripted *s, int x, int y, int z, int bx, int by, int bz) {
    double ex = x + 0.5, ey = y + EYE_HEIGHT, ez = z + 0.5;
    double cx = bx + 0.5, cy = by + 0.5, cz = bz + 0.5;
    double d2 = (cx - ex) * (cx - ex) + (cy - ey) * (cy - ey) + (cz - ez) * (cz - ez);
    if (d2 > 4.0 * 4.0) return 0;
    /* Never stand inside the block or directly on top of it (it would drop us). */
    if (bx == x && bz == z && (by == y || by == y + 1 || by == y - 1)) return 0;
    int hit[3];
    if (!sk_raycast(s, ex, ey, ez, cx, cy, cz, 4.5, hit)) return 0;
    return hit[0] == bx && hit[1] == by && hit[2] == bz;
}

int sk_can_reach(const Env *env, int x, int y, int z, int bx, int by, int bz) {
    Scripted tmp;
    tmp.env = env;
    return reach_from(&tmp, x, y, z, bx, by, bz);
}

static int goal_reach(const Env *env, void *ctx, int x, int y, int z) {
    (void)env;
    ReachCtx *c = ctx;
    return reach_from(c->s, x, y, z, c->bx, c->by, c->bz);
}

void sk_tools(const Scripted *s, ItemId tools[4]) {
    for (int i = 0; i < 4; i++) tools[i] = ITEM_NONE;
    for (int i = 0; i < INVENTORY_HOTBAR; i++) {
        ItemId it = s->pv.inv.slots[i].item;
        if (s->pv.inv.slots[i].count == 0) continue;
        if (it == ITEM_DIAMOND_PICKAXE || it == ITEM_IRON_PICKAXE || it == ITEM_STONE_PICKAXE ||
            it == ITEM_WOODEN_PICKAXE) {
            if (tools[0] == ITEM_NONE || it > tools[0]) tools[0] = it;
        }
        if (it == ITEM_WOODEN_AXE || it == ITEM_STONE_AXE || it == ITEM_IRON_AXE ||
            it == ITEM_DIAMOND_AXE)
            tools[1] = it;
        if (it == ITEM_WOODEN_SHOVEL || it == ITEM_STONE_SHOVEL || it == ITEM_IRON_SHOVEL ||
            it == ITEM_DIAMOND_SHOVEL)
            tools[2] = it;
    }
}

static int count_blocks_in_hotbar(const Scripted *s) {
    int n = 0;
    for (int i = 0; i < INVENTORY_HOTBAR; i++) {
        ItemId it = s->pv.inv.slots[i].item;
        if (it == BLOCK_DIRT || it == BLOCK_COBBLESTONE) n += s->pv.inv.slots[i].count;
    }
    return n;
}

static void nav_params(Scripted *s, NavParams *p, int hx, int hy, int hz, int allow_dig) {
    memset(p, 0, sizeof *p);
    p->hx = hx;
    p->hy = hy;
    p->hz = hz;
    sk_tools(s, p->tools);
    p->allow_dig = allow_dig;
    p->allow_pillar = count_blocks_in_hotbar(s) > 2;
    p->h_weight = allow_dig ? 14.0f : 6.0f;
    p->max_nodes = 6000;
}

static void player_cell(const Scripted *s, int *x, int *y, int *z) {
    *x = (int)floor(s->pv.x);
    *y = (int)floor(s->pv.y + 0.05);
    *z = (int)floor(s->pv.z);
}

int sk_plan_to_block(Scripted *s, int bx, int by, int bz, int allow_dig) {
    int x, y, z;
    player_cell(s, &x, &y, &z);
    NavParams p;
    nav_params(s, &p, bx, by, bz, allow_dig);
    ReachCtx ctx = {s, bx, by, bz};
    s->path_valid = nav_plan(s->nav, s->env, x, y, z, goal_reach, &ctx, &p, &s->path);
    if (!s->path_valid && goal_reach(s->env, &ctx, x, y, z)) {
        s->path.n = 1;
        s->path.partial = 0;
        s->path.nodes[0] = (NavNode){x, y, z, NAV_START};
        s->path_valid = 1;
    }
    s->path_i = 0;
    s->path_stall = 0;
    s->goal_x = bx;
    s->goal_y = by;
    s->goal_z = bz;
    return s->path_valid;
}

typedef struct NearCtx {
    int x, y, z, tol;
} NearCtx;

static int goal_near(const Env *env, void *ctx, int x, int y, int z) {
    (void)env;
    NearCtx *c = ctx;
    return abs(x - c->x) <= c->tol && abs(z - c->z) <= c->tol && abs(y - c->y) <= c->tol + 2;
}

int sk_plan_near(Scripted *s, int tx, int ty, int tz, int tol, int allow_dig, int max_nodes) {
    int x, y, z;
    player_cell(s, &x, &y, &z);
    NavParams p;
    nav_params(s, &p, tx, ty, tz, allow_dig);
    p.max_nodes = max_nodes;
    if (!allow_dig) p.h_weight = 7.0f;
    NearCtx ctx = {tx, ty, tz, tol};
    s->path_valid = nav_plan(s->nav, s->env, x, y, z, goal_near, &ctx, &p, &s->path);
    s->path_i = 0;
    s->path_stall = 0;
    return s->path_valid;
}

void sk_move_toward(Scripted *s, double tx, double tz, double stop) {
    double dx = tx - s->pv.x, dz = tz - s->pv.z;
    if (sqrt(dx * dx + dz * dz) < stop) return;
    double yaw = s->pv.yaw * 3.14159265358979323846 / 180.0;
    double fx = -sin(yaw), fz = cos(yaw), rx = -cos(yaw), rz = -sin(yaw);
    double fw = dx * fx + dz * fz, sd = dx * rx + dz * rz;
    double thr = 0.06;
    if (fw > thr) sk_hold(s, KEY_FORWARD);
    if (fw < -thr) sk_hold(s, KEY_BACK);
    if (sd > thr) sk_hold(s, KEY_RIGHT);
    if (sd < -thr) sk_hold(s, KEY_LEFT);
}

static int player_intersects_cell(const Scripted *s, int cx, int cy, int cz) {
    const double hw = 0.3;
    return s->pv.x + hw > cx && s->pv.x - hw < cx + 1 && s->pv.z + hw > cz &&
           s->pv.z - hw < cz + 1 && s->pv.y + 1.8 > cy && s->pv.y < cy + 1;
}

/* Look-ahead target for the camera while walking: a few nodes ahead, at eye level. */
static void look_along_path(Scripted *s) {
    int k = s->path_i + 3 < s->path.n ? s->path_i + 3 : s->path.n - 1;
    const NavNode *n = &s->path.nodes[k];
    double dx = n->x + 0.5 - s->pv.x, dz = n->z + 0.5 - s->pv.z;
    if (dx * dx + dz * dz < 1.0) return;
    sk_look_at(s, n->x + 0.5, n->y + 1.2, n->z + 0.5);
}

static SkStatus follow_move(Scripted *s, const NavNode *cur, const NavNode *nxt) {
    double tx = nxt->x + 0.5, tz = nxt->z + 0.5;
    int in_water = s->pv.in_water;
    switch (nxt->move) {
    case NAV_PILLAR:
        sk_move_toward(s, cur->x + 0.5, cur->z + 0.5, 0.12);
        s->out.cam = 1;
        s->out.yaw = s->pv.yaw;
        s->out.pitch = 89.0f;
        if (s->pv.pitch > 80.0f) {
            sk_hold(s, KEY_JUMP);
            ItemId blk = ITEM_NONE;
            for (int i = 0; i < INVENTORY_HOTBAR; i++) {
                ItemId it = s->pv.inv.slots[i].item;
                if ((it == BLOCK_DIRT || it == BLOCK_COBBLESTONE) && s->pv.inv.slots[i].count > 0)
                    blk = it;
            }
            if (blk == ITEM_NONE) return SK_FAILED;
            /* `use` on a table or furnace would open it instead of placing. */
            uint8_t below =
                s->pv.has_target ? view_block(s->env, s->pv.tx, s->pv.ty, s->pv.tz) : BLOCK_AIR;
            if (below == BLOCK_CRAFTING_TABLE || below == BLOCK_FURNACE) return SK_FAILED;
            if (sk_select_item(s, blk) == 1 && s->pv.y > cur->y + 1.02 && !s->pv.on_ground)
                sk_press(s, KEY_USE);
        }
        return SK_RUNNING;
    case NAV_DIG_DOWN:
        sk_move_toward(s, tx, tz, 0.1);
        return SK_RUNNING;
    case NAV_UP:
    case NAV_SWIM_UP:
        sk_move_toward(s, tx, tz, 0.05);
        sk_hold(s, KEY_JUMP);
        break;
    default:
        sk_move_toward(s, tx, tz, 0.05);
        if (in_water && nxt->y >= cur->y) sk_hold(s, KEY_JUMP);
        break;
    }
    look_along_path(s);
    return SK_RUNNING;
}

SkStatus sk_follow(Scripted *s) {
    if (!s->path_valid || s->path.n == 0) return SK_FAILED;
    int px, py, pz;
    player_cell(s, &px, &py, &pz);
    /* Advance past every node we already stand in (falls and slides skip nodes). */
    for (int k = s->path_i + 1; k < s->path.n && k <= s->path_i + 3; k++) {
        const NavNode *n = &s->path.nodes[k];
        if (n->x == px && n->z == pz && abs(n->y - py) <= 0 &&
            (s->pv.on_ground || s->pv.in_water)) {
            s->path_i = k;
            s->path_stall = 0;
        }
    }
    if (s->path_i >= s->path.n - 1) {
        const NavNode *last = &s->path.nodes[s->path.n - 1];
        double dx = last->x + 0.5 - s->pv.x, dz = last->z + 0.5 - s->pv.z;
        if (dx * dx + dz * dz > 0.12 && s->path_stall < 20) {
            sk_move_toward(s, last->x + 0.5, last->z + 0.5, 0.2);
            s->path_stall++;
            return SK_RUNNING;
        }
        return s->path.partial ? SK_FAILED : SK_DONE;
    }
    const NavNode *cur = &s->path.nodes[s->path_i], *nxt = &s->path.nodes[s->path_i + 1];
    int cells[4][3];
    int nc = nav_move_cells(cur, nxt, cells);
    for (int i = 0; i < nc; i++) {
        uint8_t b = view_block(s->env, cells[i][0], cells[i][1], cells[i][2]);
        if (view_block_solid(b)) {
            /* Stand still near the node centre and dig. */
            sk_move_toward(s, cur->x + 0.5, cur->z + 0.5, 0.25);
            SkStatus st = sk_mine(s, cells[i][0], cells[i][1], cells[i][2]);
            if (st == SK_FAILED) return SK_FAILED;
            s->path_stall = 0;
            return SK_RUNNING;
        }
    }
    s->mine_active = 0;
    if (++s->path_stall > 70) return SK_FAILED;
    if (s->path_stall > 20 && (s->path_stall / 8) % 2 == 1) {
        /* Caught on a corner: back to the middle of the current cell, hop, then go on. */
        sk_move_toward(s, cur->x + 0.5, cur->z + 0.5, 0.1);
        if (s->pv.on_ground) sk_hold(s, KEY_JUMP);
        return SK_RUNNING;
    }
    return follow_move(s, cur, nxt);
}

int sk_select_item(Scripted *s, ItemId item) {
    for (int i = 0; i < INVENTORY_HOTBAR; i++) {
        if (s->pv.inv.slots[i].item == item && s->pv.inv.slots[i].count > 0) {
            if (s->pv.inv.selected == i) return 1;
            sk_press(s, (ActionKey)(KEY_HOTBAR_1 + i));
            return 0;
        }
    }
    return -1;
}

void sk_select_best_tool(Scripted *s, uint8_t block) {
    int best = s->pv.inv.selected, drops;
    const ItemStack *sel = &s->pv.inv.slots[best];
    int best_t = view_break_ticks(block, sel->count ? sel->item : ITEM_NONE, &drops);
    if (best_t < 0) best_t = 1 << 30;
    for (int i = 0; i < INVENTORY_HOTBAR; i++) {
        const ItemStack *st = &s->pv.inv.slots[i];
        int t = view_break_ticks(block, st->count ? st->item : ITEM_NONE, &drops);
        if (t >= 0 && t < best_t) {
            best_t = t;
            best = i;
        }
    }
    if (best != s->pv.inv.selected) sk_press(s, (ActionKey)(KEY_HOTBAR_1 + best));
}

SkStatus sk_mine(Scripted *s, int bx, int by, int bz) {
    uint8_t b = view_block(s->env, bx, by, bz);
    if (!view_block_solid(b) && b != BLOCK_TORCH) {
        s->mine_active = 0;
        return SK_DONE;
    }
    if (!s->mine_active || s->mine_x != bx || s->mine_y != by || s->mine_z != bz) {
        s->mine_active = 1;
        s->mine_x = bx;
        s->mine_y = by;
        s->mine_z = bz;
        s->mine_ticks = 0;
    }
    s->mine_ticks++;
    sk_select_best_tool(s, b);
    sk_look_at(s, bx + 0.5, by + 0.5, bz + 0.5);
    int on = s->pv.has_target && s->pv.tx == bx && s->pv.ty == by && s->pv.tz == bz;
    int fx = (int)floor(s->pv.x), fy = (int)floor(s->pv.y + 0.05) - 1, fz = (int)floor(s->pv.z);
    int on_floor = s->pv.has_target && s->pv.tx == fx && s->pv.ty == fy && s->pv.tz == fz &&
                   !(bx == fx && by == fy && bz == fz);
    if (on || (s->pv.has_target && !on_floor && s->mine_ticks > 25 && sk_cam_settled(s, 2.0f)))
        sk_hold(s, KEY_ATTACK);
    int drops;
    int need = view_break_ticks(b, ITEM_NONE, &drops);
    if (need < 0) {
        sk_mark_bad(s, bx, by, bz);
        s->mine_active = 0;
        return SK_FAILED;
    }
    if (s->mine_ticks > need * 2 + 200) {
        sk_mark_bad(s, bx, by, bz);
        s->mine_active = 0;
        return SK_FAILED;
    }
    return SK_RUNNING;
}

/* Picks the neighbour face to click to put a block into cell c; returns 1 with the neighbour
 * cell and the aim point. */
static int place_face(Scripted *s, int cx, int cy, int cz, int n_out[3], double aim[3]) {
    static const int D[6][3] = {{0, -1, 0}, {1, 0, 0},  {-1, 0, 0},
                                {0, 0, 1},  {0, 0, -1}, {0, 1, 0}};
    double ex = s->pv.x, ey = sk_eye_y(s), ez = s->pv.z;
    double best = 1e9;
    int found = 0;
    for (int d = 0; d < 6; d++) {
        int nx = cx + D[d][0], ny = cy + D[d][1], nz = cz + D[d][2];
        if (!view_block_solid(view_block(s->env, nx, ny, nz))) continue;
        /* Face of n toward c: centre at c's centre + 0.5 * dir. */
        double fxp = cx + 0.5 + 0.5 * D[d][0], fyp = cy + 0.5 + 0.5 * D[d][1],
               fzp = cz + 0.5 + 0.5 * D[d][2];
        double side = (ex - fxp) * -D[d][0] + (ey - fyp) * -D[d][1] + (ez - fzp) * -D[d][2];
        if (side <= 0.05) continue;
        /* Aim a little toward the eye from the face centre: a ray through the exact centre
         * of a diagonal neighbour grazes block corners. Try that point, then the centre. */
        for (int k = 0; k < 3; k++) {
            double o[3] = {0, 0, 0}, e[3] = {ex, ey, ez}, fc[3] = {fxp, fyp, fzp};
            int tangential = 0;
            for (int a = 0; a < 3 && k < 2; a++) {
                if (D[d][a] != 0) continue;
                double v = (e[a] - fc[a]) * 0.25 + (tangential++ == k ? 0.12 : 0.0);
                o[a] = v < -0.35 ? -0.35 : v > 0.35 ? 0.35 : v;
            }
            double px = fxp + o[0] + 0.01 * D[d][0], py = fyp + o[1] + 0.01 * D[d][1],
                   pz = fzp + o[2] + 0.01 * D[d][2];
            double dist =
                sqrt((px - ex) * (px - ex) + (py - ey) * (py - ey) + (pz - ez) * (pz - ez));
            if (dist > 4.2 || dist >= best) continue;
            int hit[3];
            if (!sk_raycast(s, ex, ey, ez, px, py, pz, 4.5, hit)) continue;
            if (hit[0] != nx || hit[1] != ny || hit[2] != nz) continue;
            best = dist;
            n_out[0] = nx;
            n_out[1] = ny;
            n_out[2] = nz;
            aim[0] = px;
            aim[1] = py;
            aim[2] = pz;
            found = 1;
            break;
        }
    }
    return found;
}

SkStatus sk_place(Scripted *s, ItemId item, int cx, int cy, int cz) {
    if (s->gv.screen != GUI_NONE) {
        /* A click opened a screen (the face clicked was a table or furnace): close it. */
        sk_press(s, KEY_INVENTORY);
        return SK_RUNNING;
    }
    uint8_t want = view_item_places(item);
    uint8_t b = view_block(s->env, cx, cy, cz);
    if (want != BLOCK_AIR && b == want) return SK_DONE;
    if (view_block_solid(b) || player_intersects_cell(s, cx, cy, cz)) return SK_FAILED;
    int n[3];
    double aim[3];
    if (!place_face(s, cx, cy, cz, n, aim)) return SK_FAILED;
    int sel = sk_select_item(s, item);
    if (sel < 0) return SK_FAILED;
    sk_look_at(s, aim[0], aim[1], aim[2]);
    if (sel == 1 && s->pv.has_target && s->pv.tx == n[0] && s->pv.ty == n[1] && s->pv.tz == n[2] &&
        sk_cam_settled(s, 1.5f))
        sk_press(s, KEY_USE);
    return SK_RUNNING;
}

int sk_find_place_cell(Scripted *s, int out[3]) {
    int px, py, pz;
    player_cell(s, &px, &py, &pz);
    static const int C[12][2] = {{2, 0}, {-2, 0}, {0, 2}, {0, -2}, {1, 0},   {-1, 0},
                                 {0, 1}, {0, -1}, {2, 1}, {1, 2},  {-2, -1}, {-1, -2}};
    /* First choice: on the floor near the player; then anywhere a face can hold it (a wall
     * of a tunnel, the ceiling of a staircase). */
    static const int DY[4] = {0, -1, 1, 2};
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < 4; k++) {
            if (pass == 0 && k >= 2) break;
            for (int i = 0; i < 12; i++) {
                int cx = px + C[i][0], cz = pz + C[i][1], cy = py + DY[k];
                if (view_block(s->env, cx, cy, cz) != BLOCK_AIR) continue;
                if (pass == 0 && !view_block_solid(view_block(s->env, cx, cy - 1, cz))) continue;
                if (player_intersects_cell(s, cx, cy, cz)) continue;
                /* Keep the way out free: not straight above the player's head. */
                if (cx == px && cz == pz) continue;
                int n[3];
                double aim[3];
                if (!place_face(s, cx, cy, cz, n, aim)) continue;
                out[0] = cx;
                out[1] = cy;
                out[2] = cz;
                return 1;
            }
        }
    }
    return 0;
}

SkStatus sk_collect(Scripted *s, double radius) {
    int n = view_item_count(s->env), best = -1;
    double bd = radius * radius, bx = 0, by = 0, bz = 0;
    for (int i = 0; i < n; i++) {
        double x, y, z;
        ItemId it;
        if (!view_item_get(s->env, i, &x, &y, &z, &it)) continue;
        double dx = x - s->pv.x, dy = y - s->pv.y, dz = z - s->pv.z;
        double d2 = dx * dx + dz * dz + 4 * dy * dy;
        if (d2 < bd) {
            bd = d2;
            best = i;
            bx = x;
            by = y;
            bz = z;
        }
    }
    if (best < 0) return SK_DONE;
    sk_move_toward(s, bx, bz, 0.1);
    sk_look_at(s, bx, by + 0.2, bz);
    if (by > s->pv.y + 0.6 && s->pv.on_ground) sk_hold(s, KEY_JUMP);
    return SK_RUNNING;
}

void sk_mark_bad(Scripted *s, int x, int y, int z) {
    int i = s->n_bad < SK_MAX_BAD ? s->n_bad++ : (int)(s->tick % SK_MAX_BAD);
    s->bad[i][0] = x;
    s->bad[i][1] = y;
    s->bad[i][2] = z;
}

int sk_is_bad(const Scripted *s, int x, int y, int z) {
    for (int i = 0; i < s->n_bad; i++)
        if (s->bad[i][0] == x && s->bad[i][1] == y && s->bad[i][2] == z) return 1;
    return 0;
}

int sk_find_block(Scripted *s, uint8_t id, int radius, int out[3]) {
    int px = (int)floor(s->pv.x), py = (int)floor(s->pv.y), pz = (int)floor(s->pv.z);
    double best = 1e30;
    int found = 0;
    int c0x = world_chunk_coord(px - radius), c1x = world_chunk_coord(px + radius);
    int c0z = world_chunk_coord(pz - radius), c1z = world_chunk_coord(pz + radius);
    for (int cx = c0x; cx <= c1x; cx++) {
        for (int cz = c0z; cz <= c1z; cz++) {
            const uint8_t *blk = view_chunk_blocks(s->env, cx, cz);
            if (!blk) continue;
            for (int i = 0; i < CHUNK_VOLUME; i++) {
                if (blk[i] != id) continue;
                int lx = i & 15, lz = (i >> 4) & 15, y = i >> 8;
                int x = cx * 16 + lx, z = cz * 16 + lz;
                double dx = x - px, dy = y - py, dz = z - pz;
                double d = dx * dx + dz * dz + (dy < 0 ? 2.0 : 3.0) * dy * dy;
                if (d >= best || fabs(dx) > radius || fabs(dz) > radius) continue;
                if (sk_is_bad(s, x, y, z)) continue;
                best = d;
                out[0] = x;
                out[1] = y;
                out[2] = z;
                found = 1;
            }
        }
    }
    return found;
}
