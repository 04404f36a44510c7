/* tasks.c: the scripted player's tasks, each a small state machine over the skills: get a
 * block type (find, walk/tunnel, mine, collect), craft (open the inventory or a crafting
 * table, recipe book or hand placement, take the output, close), smelt, eat, fight, hunt,
 * explore, idle, build a shelter, place a torch. A task ends with SK_DONE or SK_FAILED; the
 * planner (scripted.c) then picks the next one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agent/scripted_internal.h"
#include "core/log.h"
#include "sim/world.h"

static const char *const TASK_NAMES[TASK_KIND_COUNT] = {"none", "get",     "craft", "smelt",
                                                        "eat",  "fight",   "hunt",  "explore",
                                                        "idle", "shelter", "torch", "hotbar"};

const char *task_kind_name(int kind) {
    return kind >= 0 && kind < TASK_KIND_COUNT ? TASK_NAMES[kind] : "?";
}

int sk_count(const Scripted *s, ItemId item) { return inventory_count(&s->pv.inv, item); }

int sk_in_hotbar(const Scripted *s, ItemId item) {
    for (int i = 0; i < INVENTORY_HOTBAR; i++)
        if (s->pv.inv.slots[i].count && s->pv.inv.slots[i].item == item) return 1;
    return 0;
}

/* Hotbar slot whose content matters least (an empty one first). */
static int victim_slot(const Scripted *s) {
    static const ItemId JUNK[] = {BLOCK_DIRT,        BLOCK_GRAVEL,    BLOCK_SAND,
                                  BLOCK_COBBLESTONE, BLOCK_TORCH,     ITEM_STICK,
                                  BLOCK_OAK_PLANKS,  BLOCK_OAK_LOG,   ITEM_COAL,
                                  BLOCK_IRON_ORE,    ITEM_IRON_INGOT, ITEM_WOODEN_PICKAXE};
    for (int i = 0; i < INVENTORY_HOTBAR; i++)
        if (s->pv.inv.slots[i].count == 0) return i;
    for (size_t k = 0; k < sizeof JUNK / sizeof JUNK[0]; k++)
        for (int i = 0; i < INVENTORY_HOTBAR; i++)
            if (s->pv.inv.slots[i].item == JUNK[k]) return i;
    return INVENTORY_HOTBAR - 1;
}

/* Opens the inventory and swaps the item into the hotbar with three clicks. */
static SkStatus task_hotbar(Scripted *s) {
    if (++s->t_ticks > 300) return SK_FAILED;
    if (s->t_phase == 0) {
        if (sk_in_hotbar(s, (ItemId)s->t_arg) || !sk_count(s, (ItemId)s->t_arg)) return SK_DONE;
        if (s->gv.screen != GUI_INVENTORY) {
            sk_press(s, KEY_INVENTORY);
            return SK_RUNNING;
        }
        sk_ops_clear(s);
        sk_ops_add(s, OP_INV_ITEM, s->t_arg, GUI_CLICK_LEFT);
        sk_ops_add(s, OP_INV_SLOT, victim_slot(s), GUI_CLICK_LEFT);
        sk_ops_add(s, OP_INV_BACK, 0, GUI_CLICK_LEFT);
        s->t_phase = 1;
    }
    if (s->t_phase == 1) {
        SkStatus st = sk_run_ops(s);
        if (st == SK_RUNNING) return st;
        s->t_err = st == SK_FAILED;
        s->t_phase = 2;
    }
    if (s->gv.screen != GUI_NONE) {
        sk_press(s, KEY_INVENTORY);
        return SK_RUNNING;
    }
    return s->t_err ? SK_FAILED : SK_DONE;
}

void task_start(Scripted *s, int kind, int arg, int item, int n) {
    s->task = kind;
    s->t_arg = arg;
    s->t_item = item;
    s->t_n = n;
    s->t_phase = 0;
    s->t_ticks = 0;
    s->t_fail = 0;
    s->t_done = 0;
    s->t_err = 0;
    s->mine_active = 0;
    s->path_valid = 0;
    s->t_cells = 0;
    s->t_cell_i = 0;
    s->t_before = kind == TASK_GET ? sk_count(s, (ItemId)item) : 0;
    sk_ops_clear(s);
}

static int feet_cell(const Scripted *s, int c[3]) {
    c[0] = (int)floor(s->pv.x);
    c[1] = (int)floor(s->pv.y + 0.05);
    c[2] = (int)floor(s->pv.z);
    return 1;
}

static int reach_now(const Scripted *s, int bx, int by, int bz) {
    int c[3];
    feet_cell(s, c);
    return sk_can_reach(s->env, c[0], c[1], c[2], bx, by, bz);
}

/* ---- get a block ---- */
static SkStatus task_get(Scripted *s) {
    if (sk_count(s, (ItemId)s->t_item) >= s->t_n && s->t_phase != 2) return SK_DONE;
    /* No new item for two minutes: give up on this plan for now. */
    if (sk_count(s, (ItemId)s->t_item) > s->t_before) {
        s->t_before = sk_count(s, (ItemId)s->t_item);
        s->t_done = 0;
    } else if (++s->t_done > 2400) {
        return SK_FAILED;
    }
    switch (s->t_phase) {
    case 0: {
        int c[3];
        if (s->t_fail > 12 || !sk_find_block(s, (uint8_t)s->t_arg, 48, c)) return SK_FAILED;
        s->t_x = c[0];
        s->t_y = c[1];
        s->t_z = c[2];
        if (!sk_plan_to_block(s, c[0], c[1], c[2], 1)) {
            sk_mark_bad(s, c[0], c[1], c[2]);
            s->t_fail++;
            return SK_RUNNING;
        }
        s->t_err = 0;
        s->t_phase = 1;
        return SK_RUNNING;
    }
    case 1: {
        if (view_block(s->env, s->t_x, s->t_y, s->t_z) != (uint8_t)s->t_arg) {
            s->t_phase = 0;
            return SK_RUNNING;
        }
        if (reach_now(s, s->t_x, s->t_y, s->t_z) && (s->pv.on_ground || s->pv.in_water)) {
            s->t_phase = 2;
            return SK_RUNNING;
        }
        SkStatus st = sk_follow(s);
        if (st == SK_RUNNING) return st;
        if (++s->t_err > 10 || !sk_plan_to_block(s, s->t_x, s->t_y, s->t_z, 1)) {
            sk_mark_bad(s, s->t_x, s->t_y, s->t_z);
            s->t_fail++;
            s->t_phase = 0;
        }
        return SK_RUNNING;
    }
    case 2: {
        SkStatus st = sk_mine(s, s->t_x, s->t_y, s->t_z);
        if (st == SK_RUNNING) return st;
        s->t_phase = st == SK_DONE ? 3 : 0;
        s->t_ticks = 0;
        return SK_RUNNING;
    }
    default: {
        if (++s->t_ticks > 50 || sk_collect(s, 3.5) == SK_DONE) s->t_phase = 0;
        return SK_RUNNING;
    }
    }
}

/* ---- craft ---- */
/* A station block (crafting table, furnace) the player can click from where it stands. */
int sk_station_near(Scripted *s, uint8_t block, int out[3]) {
    if (!sk_find_block(s, block, 4, out)) return 0;
    return reach_now(s, out[0], out[1], out[2]);
}

static int station_block(Scripted *s, uint8_t block, int out[3]) {
    return sk_station_near(s, block, out);
}

static SkStatus close_gui(Scripted *s, SkStatus result) {
    if (s->gv.screen != GUI_NONE) {
        if (++s->t_ticks > 60) return SK_FAILED;
        sk_press(s, KEY_INVENTORY);
        return SK_RUNNING;
    }
    return result;
}

/* Walks into reach of (t_x, t_y, t_z) and right-clicks it; SK_DONE once `screen` is open. */
static SkStatus open_station(Scripted *s, GuiScreen screen) {
    if (s->gv.screen == screen) return SK_DONE;
    if (++s->t_ticks > 150) {
        sk_mark_bad(s, s->t_x, s->t_y, s->t_z);
        return SK_FAILED;
    }
    if (!reach_now(s, s->t_x, s->t_y, s->t_z)) {
        if (!s->path_valid && !sk_plan_to_block(s, s->t_x, s->t_y, s->t_z, 1)) return SK_FAILED;
        if (sk_follow(s) != SK_RUNNING) s->path_valid = 0;
        return SK_RUNNING;
    }
    sk_look_at(s, s->t_x + 0.5, s->t_y + 0.5, s->t_z + 0.5);
    if (s->pv.has_target && s->pv.tx == s->t_x && s->pv.ty == s->t_y && s->pv.tz == s->t_z &&
        sk_cam_settled(s, 3.0f))
        sk_press(s, KEY_USE);
    return SK_RUNNING;
}

static SkStatus place_station(Scripted *s, ItemId item) {
    if (s->t_cells == 0) {
        int c[3];
        if (!sk_find_place_cell(s, c)) return SK_FAILED;
        s->t_list[0][0] = c[0];
        s->t_list[0][1] = c[1];
        s->t_list[0][2] = c[2];
        s->t_cells = 1;
    }
    if (++s->t_ticks > 120) return SK_FAILED;
    return sk_place(s, item, s->t_list[0][0], s->t_list[0][1], s->t_list[0][2]);
}

static SkStatus task_craft(Scripted *s) {
    ItemId item = (ItemId)s->t_arg;
    int r2 = sk_recipe_for(s, item, 2), r3 = sk_recipe_for(s, item, 3);
    switch (s->t_phase) {
    case 0: { /* choose the station */
        if (r3 < 0) return SK_FAILED;
        s->t_ticks = 0;
        s->path_valid = 0;
        if (r2 >= 0) {
            s->t_phase = 1;
            return SK_RUNNING;
        }
        int c[3];
        if (station_block(s, BLOCK_CRAFTING_TABLE, c)) {
            s->t_x = c[0];
            s->t_y = c[1];
            s->t_z = c[2];
            s->t_phase = 1;
        } else if (sk_count(s, BLOCK_CRAFTING_TABLE) > 0) {
            s->t_cells = 0;
            s->t_phase = 5;
        } else {
            return SK_FAILED;
        }
        return SK_RUNNING;
    }
    case 1: { /* open */
        GuiScreen want = r2 >= 0 ? GUI_INVENTORY : GUI_CRAFTING_TABLE;
        if (s->gv.screen == want) {
            s->t_before = sk_count(s, item);
            int hand = rng_float(&s->rng) < s->persona.skill.hand_craft_rate;
            if (!sk_queue_craft(s, r2 >= 0 ? r2 : r3, hand)) {
                s->t_phase = 9;
                s->t_err = 1;
                return SK_RUNNING;
            }
            s->t_phase = 2;
            return SK_RUNNING;
        }
        if (s->gv.screen != GUI_NONE) return close_gui(s, SK_RUNNING);
        if (r2 >= 0) {
            if (++s->t_ticks > 60) return SK_FAILED;
            sk_press(s, KEY_INVENTORY);
            return SK_RUNNING;
        }
        SkStatus st = open_station(s, GUI_CRAFTING_TABLE);
        return st == SK_FAILED ? SK_FAILED : SK_RUNNING;
    }
    case 2: { /* work the grid */
        SkStatus st = sk_run_ops(s);
        if (st == SK_RUNNING) return st;
        if (st == SK_DONE && sk_count(s, item) > s->t_before) {
            if (++s->t_done >= s->t_n) {
                s->t_phase = 9;
                s->t_ticks = 0;
            } else {
                s->t_phase = 1;
            }
        } else {
            s->t_err = 1;
            s->t_phase = 9;
            s->t_ticks = 0;
        }
        return SK_RUNNING;
    }
    case 5: { /* place a crafting table */
        SkStatus st = place_station(s, BLOCK_CRAFTING_TABLE);
        if (st == SK_FAILED) return SK_FAILED;
        if (st == SK_DONE) s->t_phase = 0;
        return SK_RUNNING;
    }
    default: { /* close */
        SkStatus st = close_gui(s, s->t_err ? SK_FAILED : SK_DONE);
        return st;
    }
    }
}

/* ---- smelt ---- */
static SkStatus task_smelt(Scripted *s) {
    switch (s->t_phase) {
    case 0: {
        int c[3];
        s->t_ticks = 0;
        s->path_valid = 0;
        if (station_block(s, BLOCK_FURNACE, c)) {
            s->t_x = c[0];
            s->t_y = c[1];
            s->t_z = c[2];
            s->t_phase = 1;
        } else if (sk_count(s, BLOCK_FURNACE) > 0) {
            s->t_cells = 0;
            s->t_phase = 5;
        } else {
            return SK_FAILED;
        }
        return SK_RUNNING;
    }
    case 1: {
        SkStatus st = open_station(s, GUI_FURNACE);
        if (st == SK_FAILED) return SK_FAILED;
        if (st == SK_RUNNING) return st;
        sk_ops_clear(s);
        int ore = sk_count(s, BLOCK_IRON_ORE);
        if (s->gv.furnace_input.count == 0 && ore > 0) {
            sk_ops_add(s, OP_INV_ITEM, BLOCK_IRON_ORE, GUI_CLICK_LEFT);
            sk_ops_add(s, OP_FURN_IN, 0, GUI_CLICK_LEFT);
            sk_ops_add(s, OP_INV_BACK, 0, GUI_CLICK_LEFT);
        }
        if (s->gv.furnace_fuel.count == 0) {
            ItemId fuel = sk_count(s, ITEM_COAL)       ? ITEM_COAL
                          : sk_count(s, ITEM_CHARCOAL) ? ITEM_CHARCOAL
                                                       : BLOCK_OAK_PLANKS;
            sk_ops_add(s, OP_INV_ITEM, fuel, GUI_CLICK_LEFT);
            sk_ops_add(s, OP_FURN_FUEL, 0, GUI_CLICK_RIGHT);
            if (fuel == BLOCK_OAK_PLANKS) sk_ops_add(s, OP_FURN_FUEL, 0, GUI_CLICK_RIGHT);
            sk_ops_add(s, OP_INV_BACK, 0, GUI_CLICK_LEFT);
        }
        int want = ore + s->gv.furnace_input.count;
        sk_ops_add(s, OP_WAIT_SMELT, want > 0 ? want : 1, GUI_CLICK_LEFT);
        sk_ops_add(s, OP_FURN_OUT, 0, GUI_CLICK_SHIFT_LEFT);
        s->t_phase = 2;
        return SK_RUNNING;
    }
    case 2: {
        SkStatus st = sk_run_ops(s);
        if (st == SK_RUNNING) {
            /* Waiting at the furnace: glance around now and then. */
            return st;
        }
        s->t_err = st == SK_FAILED;
        s->t_phase = 9;
        s->t_ticks = 0;
        return SK_RUNNING;
    }
    case 5: {
        SkStatus st = place_station(s, BLOCK_FURNACE);
        if (st == SK_FAILED) return SK_FAILED;
        if (st == SK_DONE) s->t_phase = 0;
        return SK_RUNNING;
    }
    default:
        return close_gui(s, s->t_err ? SK_FAILED : SK_DONE);
    }
}

/* ---- eat ---- */
static SkStatus task_eat(Scripted *s) {
    if (++s->t_ticks > 80) return SK_DONE;
    if (s->t_ticks == 1) s->t_before = (int)s->pv.food;
    if ((int)s->pv.food > s->t_before) return SK_DONE;
    for (int i = 0; i < INVENTORY_HOTBAR; i++) {
        const ItemStack *st = &s->pv.inv.slots[i];
        if (st->count && view_food_points(st->item) > 0) {
            if (sk_select_item(s, st->item) == 1) sk_hold(s, KEY_USE);
            return SK_RUNNING;
        }
    }
    return SK_FAILED;
}

/* ---- fight / hunt ---- */
static int nearest_mob(const Scripted *s, int hostile, double radius, AgentMob *out) {
    int n = view_mob_count(s->env), found = 0;
    double best = radius * radius;
    for (int i = 0; i < n; i++) {
        AgentMob m;
        if (!view_mob_get(s->env, i, &m) || m.hostile != hostile || m.health <= 0) continue;
        double dx = m.x - s->pv.x, dy = m.y - s->pv.y, dz = m.z - s->pv.z;
        double d = dx * dx + dz * dz + dy * dy;
        if (d < best) {
            best = d;
            *out = m;
            found = 1;
        }
    }
    return found;
}

static SkStatus task_fight(Scripted *s, int hostile) {
    if (++s->t_ticks > 600) return SK_DONE;
    AgentMob m;
    if (!nearest_mob(s, hostile, hostile ? 12.0 : 24.0, &m)) {
        if (!hostile && s->t_ticks < 580 && sk_collect(s, 5.0) == SK_RUNNING) return SK_RUNNING;
        return SK_DONE;
    }
    static const ItemId WEAPONS[] = {ITEM_DIAMOND_SWORD, ITEM_IRON_SWORD,  ITEM_STONE_SWORD,
                                     ITEM_WOODEN_SWORD,  ITEM_DIAMOND_AXE, ITEM_IRON_AXE,
                                     ITEM_STONE_AXE,     ITEM_WOODEN_AXE};
    for (size_t i = 0; i < sizeof WEAPONS / sizeof WEAPONS[0]; i++)
        if (sk_select_item(s, WEAPONS[i]) >= 0) break;
    double dx = m.x - s->pv.x, dz = m.z - s->pv.z, d = sqrt(dx * dx + dz * dz);
    sk_look_at(s, m.x, m.y + 0.7, m.z);
    if (d > 2.2) {
        sk_move_toward(s, m.x, m.z, 1.8);
        if (d > 6 && !hostile) sk_hold(s, KEY_SPRINT);
        if (s->pv.on_ground && s->t_ticks % 23 == 0) sk_hold(s, KEY_JUMP);
    }
    if (d < 3.2 && sk_cam_settled(s, 8.0f) && s->t_ticks % 8 == 0) sk_press(s, KEY_ATTACK);
    return SK_RUNNING;
}

/* ---- explore, idle ---- */
static int surface_y(const Scripted *s, int x, int z) {
    for (int y = WORLD_HEIGHT - 2; y > 1; y--)
        if (view_block_solid(view_block(s->env, x, y, z))) return y + 1;
    return -1;
}

static SkStatus task_explore(Scripted *s) {
    if (++s->t_ticks > s->t_n) return SK_DONE;
    if (s->t_phase == 0) {
        double ang = rng_double(&s->rng) * 6.283185307179586;
        double dist = 24 + rng_double(&s->rng) * (16 + 40 * s->persona.explore_bias);
        s->t_x = (int)floor(s->pv.x - sin(ang) * dist);
        s->t_z = (int)floor(s->pv.z + cos(ang) * dist);
        s->t_y = (int)floor(s->pv.y);
        s->t_phase = 1;
        s->path_valid = 0;
    }
    int sy = surface_y(s, s->t_x, s->t_z);
    if (sy > 0) s->t_y = sy;
    double dx = s->t_x + 0.5 - s->pv.x, dz = s->t_z + 0.5 - s->pv.z;
    if (dx * dx + dz * dz < 9.0) return SK_DONE;
    if (!s->path_valid) {
        if (!sk_plan_near(s, s->t_x, s->t_y, s->t_z, 2, 1, 3000)) {
            if (++s->t_fail > 6) return SK_FAILED;
            s->t_phase = 0;
            return SK_RUNNING;
        }
    }
    SkStatus st = sk_follow(s);
    if (st != SK_RUNNING) s->path_valid = 0;
    if (s->path_valid && s->path.n - s->path_i > 4 && !s->pv.in_water) sk_hold(s, KEY_SPRINT);
    return SK_RUNNING;
}

static SkStatus task_idle(Scripted *s) {
    if (++s->t_ticks > s->t_n) return SK_DONE;
    if (s->t_ticks % 40 == 1) {
        /* Glance somewhere new every two seconds. */
        s->idle_yaw = s->pv.yaw + (rng_float(&s->rng) - 0.5f) * 120.0f;
        s->idle_pitch = (rng_float(&s->rng) - 0.5f) * 50.0f;
    }
    s->out.cam = 1;
    s->out.yaw = s->idle_yaw;
    s->out.pitch = s->idle_pitch;
    return SK_RUNNING;
}

/* ---- shelter: walls two high around the player with a doorway, and a roof ---- */
static void shelter_cells(Scripted *s) {
    int c[3];
    feet_cell(s, c);
    static const int RING[8][2] = {{1, 0},  {1, 1},   {0, 1},  {-1, 1},
                                   {-1, 0}, {-1, -1}, {0, -1}, {1, -1}};
    s->t_cells = 0;
    for (int layer = 0; layer < 3; layer++) {
        for (int i = 0; i < 8; i++) {
            if (layer < 2 && i == 0) continue; /* doorway on +x */
            s->t_list[s->t_cells][0] = c[0] + RING[i][0];
            s->t_list[s->t_cells][1] = c[1] + layer;
            s->t_list[s->t_cells][2] = c[2] + RING[i][1];
            s->t_cells++;
        }
    }
    s->t_list[s->t_cells][0] = c[0];
    s->t_list[s->t_cells][1] = c[1] + 2;
    s->t_list[s->t_cells][2] = c[2];
    s->t_cells++;
    s->t_cell_i = 0;
}

static ItemId building_block(const Scripted *s) {
    static const ItemId B[] = {BLOCK_OAK_PLANKS, BLOCK_COBBLESTONE, BLOCK_DIRT};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < INVENTORY_HOTBAR; i++)
            if (s->pv.inv.slots[i].item == B[k] && s->pv.inv.slots[i].count > 0) return B[k];
    return ITEM_NONE;
}

static SkStatus task_shelter(Scripted *s) {
    if (++s->t_ticks > 3000) return SK_FAILED;
    if (s->t_phase == 0) {
        int c[3];
        feet_cell(s, c);
        sk_move_toward(s, c[0] + 0.5, c[2] + 0.5, 0.08);
        if (fabs(s->pv.x - (c[0] + 0.5)) < 0.1 && fabs(s->pv.z - (c[2] + 0.5)) < 0.1) {
            shelter_cells(s);
            s->t_phase = 1;
            s->t_done = 0;
        }
        return SK_RUNNING;
    }
    while (s->t_cell_i < s->t_cells) {
        int *c = s->t_list[s->t_cell_i];
        if (view_block_solid(view_block(s->env, c[0], c[1], c[2]))) {
            s->t_cell_i++;
            s->t_done = 0;
            continue;
        }
        ItemId b = building_block(s);
        if (b == ITEM_NONE) return SK_FAILED;
        /* Roof cells: their supports' top faces are only visible at the top of a jump. */
        int roof = c[1] >= (int)floor(s->pv.y + 0.05) + 2;
        if (roof) sk_hold(s, KEY_JUMP);
        SkStatus st = sk_place(s, b, c[0], c[1], c[2]);
        if (roof && st == SK_FAILED) {
            st = SK_RUNNING;
            double x = s->pv.x, z = s->pv.z;
            if (fabs(x - floor(x) - 0.5) > 0.15 || fabs(z - floor(z) - 0.5) > 0.15)
                sk_move_toward(s, floor(x) + 0.5, floor(z) + 0.5, 0.05);
        }
        if (st == SK_RUNNING && ++s->t_done < 80) return st;
        s->t_cell_i++;
        s->t_done = 0;
    }
    return SK_DONE;
}

static SkStatus task_torch(Scripted *s) {
    if (++s->t_ticks > 80) return SK_FAILED;
    if (s->t_cells == 0) {
        int c[3];
        if (!sk_find_place_cell(s, c)) return SK_FAILED;
        memcpy(s->t_list[0], c, sizeof c);
        s->t_cells = 1;
    }
    if (view_block(s->env, s->t_list[0][0], s->t_list[0][1], s->t_list[0][2]) == BLOCK_TORCH)
        return SK_DONE;
    return sk_place(s, BLOCK_TORCH, s->t_list[0][0], s->t_list[0][1], s->t_list[0][2]);
}

SkStatus task_step(Scripted *s) {
    switch (s->task) {
    case TASK_GET:
        return task_get(s);
    case TASK_CRAFT:
        return task_craft(s);
    case TASK_SMELT:
        return task_smelt(s);
    case TASK_EAT:
        return task_eat(s);
    case TASK_FIGHT:
        return task_fight(s, 1);
    case TASK_HUNT:
        return task_fight(s, 0);
    case TASK_EXPLORE:
        return task_explore(s);
    case TASK_IDLE:
        return task_idle(s);
    case TASK_SHELTER:
        return task_shelter(s);
    case TASK_TORCH:
        return task_torch(s);
    case TASK_HOTBAR:
        return task_hotbar(s);
    default:
        return SK_DONE;
    }
}
