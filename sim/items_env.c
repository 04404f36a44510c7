/* items_env.c: the issue-4 phases of env_step (GUI input, opening screens, mob attacks,
 * furnaces and mobs, survival, rewards and statistics) and their accessors. env.c and
 * interact.c call these at the marked points of their phases; the rules themselves live in
 * gui.c, furnace.c, mob.c, survival.c, task.c and stats.c.
 *
 * Invariants: while a GUI is open the player neither turns, moves by keys, mines nor places;
 * every item a GUI operation throws out becomes an item entity in front of the player; what
 * the player holds for reward accounting = inventory + cursor + crafting grid. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "sim/env_internal.h"
#include "sim/trace.h"

#define MOB_REACH 3.0

static GuiContext gui_ctx(Env *e) {
    Furnace *f = e->gui.furnace >= 0 ? &e->furnaces.f[e->gui.furnace] : NULL;
    return (GuiContext){.inv = e->player.inventory.slots, .recipes = e->recipes, .furnace = f};
}

/* Turns GUI effects into entities, events and counters. */
static void apply_fx(Env *e, const GuiEffects *fx) {
    Player *p = &e->player;
    for (int i = 0; i < fx->n_dropped; i++) {
        env_throw_stack(e, fx->dropped[i], 0);
        env_event(e, ENV_EVENT_DROPPED, fx->dropped[i].item, fx->dropped[i].count, (int)floor(p->x),
                  (int)floor(p->y), (int)floor(p->z), 0);
    }
    for (int i = 1; i < ITEM_COUNT; i++) {
        e->consumed[i] += fx->consumed[i];
        e->consumed_any |= fx->consumed[i] != 0;
        if (fx->crafted[i]) {
            e->stats.crafted[i] += (uint32_t)fx->crafted[i];
            env_event(e, ENV_EVENT_CRAFTED, i, fx->crafted[i], 0, 0, 0, 0);
        }
    }
}

void items_env_reset(Env *e) {
    gui_init(&e->gui);
    memset(&e->furnaces, 0, sizeof e->furnaces);
    mob_table_reset(&e->mobs, e->seed);
    survival_init(&e->survival);
    stats_init(&e->stats);
    memset(e->consumed, 0, sizeof e->consumed);
    e->consumed_any = 0;
    memset(e->held_cache, 0, sizeof e->held_cache);
    if (!e->recipes) e->recipes = recipe_set_default();
    if (!e->task_set) {
        const char *name = e->preset.task;
        if (name[0] == '\0' || strcmp(name, task_default()->name) == 0) {
            e->task = *task_default();
        } else {
            char path[256];
            snprintf(path, sizeof path, "worlds/tasks/%s.json", name);
            if (task_load_file(path, &e->task) != STATUS_OK) {
                LOG_WARN("sim", "task '%s': not found as %s; this env gives no reward", name, path);
                memset(&e->task, 0, sizeof e->task);
            }
        }
        e->task_set = 1;
    }
    int held[ITEM_COUNT];
    items_held_counts(e, held);
    task_tracker_reset(&e->tracker, held);
}

void env_set_task(Env *e, const Task *task) {
    e->task = *task;
    e->task_set = 1;
    int held[ITEM_COUNT];
    items_held_counts(e, held);
    task_tracker_reset(&e->tracker, held);
}

void items_held_counts(const Env *e, int held[ITEM_COUNT]) {
    memset(held, 0, sizeof(int) * ITEM_COUNT);
    const ItemStack *s = e->player.inventory.slots;
    for (int i = 0; i < INVENTORY_SLOTS; i++) held[s[i].item] += s[i].count;
    for (int i = 0; i < 9; i++) held[e->gui.grid[i].item] += e->gui.grid[i].count;
    held[e->gui.cursor.item] += e->gui.cursor.count;
    held[ITEM_NONE] = 0;
}

static void gui_close_env(Env *e) {
    GuiContext ctx = gui_ctx(e);
    GuiEffects fx;
    memset(&fx, 0, sizeof fx);
    gui_close(&e->gui, &ctx, &fx);
    apply_fx(e, &fx);
}

static void gui_open_env(Env *e, GuiScreen s, int furnace) {
    e->gui.furnace = furnace;
    GuiContext ctx = gui_ctx(e);
    gui_open(&e->gui, s, furnace, &ctx);
    e->player.target.break_ticks = 0;
    e->player.target.break_progress = 0;
}

/* Takes from the furnace output show up as SMELTED events. */
static void gui_click_env(Env *e, GuiClick click, int drop) {
    GuiContext ctx = gui_ctx(e);
    GuiEffects fx;
    memset(&fx, 0, sizeof fx);
    int out_before = ctx.furnace ? ctx.furnace->output.count : 0;
    ItemId out_item = ctx.furnace ? ctx.furnace->output.item : ITEM_NONE;
    if (drop)
        gui_drop_hovered(&e->gui, &ctx, &fx);
    else
        gui_click(&e->gui, click, &ctx, &fx);
    if (ctx.furnace && ctx.furnace->output.count < out_before && !drop)
        env_event(e, ENV_EVENT_SMELTED, out_item, out_before - ctx.furnace->output.count, 0, 0, 0,
                  0);
    apply_fx(e, &fx);
}

int items_phase_gui(Env *e, const Action *a) {
    Player *p = &e->player;
    e->pre_on_ground = p->on_ground;
    e->pre_pos[0] = p->x, e->pre_pos[1] = p->y, e->pre_pos[2] = p->z;
    if (e->consumed_any) memset(e->consumed, 0, sizeof e->consumed);
    e->consumed_any = 0;
    e->mob_attacks = 0;
    if (e->gui.screen == GUI_NONE) {
        if (env_key_pressed(e, a, KEY_INVENTORY) && p->health > 0) {
            gui_open_env(e, GUI_INVENTORY, -1);
            return 1;
        }
        return 0;
    }
    if (env_key_pressed(e, a, KEY_INVENTORY) || env_key_pressed(e, a, KEY_ESC)) {
        gui_close_env(e);
        return 1;
    }
    gui_move_cursor(&e->gui, a->mouse_dx, a->mouse_dy);
    if (env_key_pressed(e, a, KEY_ATTACK))
        gui_click_env(e, action_key_down(a, KEY_SNEAK) ? GUI_CLICK_SHIFT_LEFT : GUI_CLICK_LEFT, 0);
    if (env_key_pressed(e, a, KEY_USE)) gui_click_env(e, GUI_CLICK_RIGHT, 0);
    if (env_key_pressed(e, a, KEY_DROP)) gui_click_env(e, GUI_CLICK_LEFT, 1);
    for (int k = 0; k < 9; k++) {
        if (!env_key_pressed(e, a, (ActionKey)(KEY_HOTBAR_1 + k))) continue;
        GuiContext ctx = gui_ctx(e);
        gui_hotbar_swap(&e->gui, k, &ctx);
    }
    return 1;
}

int items_gui_open(const Env *e) { return e->gui.screen != GUI_NONE; }

int items_use_block(Env *e) {
    const PlayerTarget *t = &e->player.target;
    if (!t->has_target || e->player.sneaking) return 0;
    uint8_t b = world_block_get(e->world, t->x, t->y, t->z);
    if (b == BLOCK_CRAFTING_TABLE) {
        gui_open_env(e, GUI_CRAFTING_TABLE, -1);
        return 1;
    }
    if (b == BLOCK_FURNACE) {
        Furnace *f = furnace_table_get(&e->furnaces, t->x, t->y, t->z);
        if (!f) return 1; /* every furnace slot in use: nothing opens */
        gui_open_env(e, GUI_FURNACE, (int)(f - e->furnaces.f));
        return 1;
    }
    return 0;
}

/* The mob under the crosshair within reach and nearer than the targeted block, or -1. */
static int mob_in_sight(const Env *e) {
    const Player *p = &e->player;
    double dir[3];
    player_look_dir(p, dir);
    double dist = 0;
    int m = mob_raycast(&e->mobs, p->x, p->y + PLAYER_EYE, p->z, dir[0], dir[1], dir[2], MOB_REACH,
                        &dist);
    if (m < 0) return -1;
    if (p->target.has_target) {
        double bx = p->target.x + 0.5 - p->x, by = p->target.y + 0.5 - (p->y + PLAYER_EYE);
        double bz = p->target.z + 0.5 - p->z;
        if (sqrt(bx * bx + by * by + bz * bz) - 0.5 < dist) return -1;
    }
    return m;
}

int items_attack_mob(Env *e, const Action *a) {
    if (!action_key_down(a, KEY_ATTACK)) return 0;
    int m = mob_in_sight(e);
    if (m < 0) return 0;
    if (env_key_pressed(e, a, KEY_ATTACK)) {
        Player *p = &e->player;
        const ItemStack *held = &p->inventory.slots[p->inventory.selected];
        MobTickOut out;
        memset(&out, 0, sizeof out);
        MobType type = e->mobs.mobs[m].type;
        if (mob_hurt(&e->mobs, m, mob_attack_damage(held->count ? held->item : ITEM_NONE), p->x,
                     p->z, &out))
            e->mob_attacks++;
        for (int i = 0; i < out.n_drops; i++)
            env_item_spawn(e, out.drop_pos[i][0], out.drop_pos[i][1], out.drop_pos[i][2],
                           out.drops[i], ITEM_PICKUP_DELAY_BLOCK);
        if (out.killed[type]) {
            e->stats.killed[type]++;
            e->stats.mob_kills++;
        }
    }
    e->player.target.break_ticks = 0;
    e->player.target.break_progress = 0;
    return 1; /* attack went to the mob: no mining this tick */
}

int items_mob_blocks_place(const Env *e, int x, int y, int z) {
    for (int i = 0; i < e->mobs.n; i++) {
        const Mob *m = &e->mobs.mobs[i];
        const MobTypeInfo *ti = mob_type_info(m->type);
        double hw = ti->width * 0.5;
        if (m->x + hw > x && m->x - hw < x + 1 && m->z + hw > z && m->z - hw < z + 1 &&
            m->y + ti->height > y && m->y < y + 1)
            return 1;
    }
    return 0;
}

/* Furnaces tick; a furnace whose block is gone drops its contents. */
static void furnaces_tick(Env *e) {
    for (int i = 0; i < FURNACE_MAX && e->furnaces.n_used > 0; i++) {
        Furnace *f = &e->furnaces.f[i];
        if (!f->used) continue;
        if (world_block_get(e->world, f->x, f->y, f->z) != BLOCK_FURNACE) {
            if (e->gui.furnace == i) gui_close_env(e);
            ItemStack *s[3] = {&f->input, &f->fuel, &f->output};
            for (int k = 0; k < 3; k++)
                if (s[k]->count)
                    env_item_spawn(e, f->x + 0.5, f->y + 0.3, f->z + 0.5, *s[k],
                                   ITEM_PICKUP_DELAY_BLOCK);
            memset(f, 0, sizeof *f);
            e->furnaces.n_used--;
            continue;
        }
        furnace_tick(f, e->recipes);
    }
}

void items_phase_entities(Env *e) {
    furnaces_tick(e);
    Player *p = &e->player;
    MobView v = {.world = e->world,
                 .px = p->x,
                 .py = p->y,
                 .pz = p->z,
                 .player_alive = p->health > 0,
                 .time_of_day = env_time_of_day(e),
                 .spawn_passive = e->preset.mobs,
                 .spawn_hostile = e->preset.mobs && e->preset.hostile_mobs};
    MobTickOut out;
    memset(&out, 0, sizeof out);
    mob_table_tick(&e->mobs, &v, &out);
    for (int i = 0; i < out.n_drops; i++)
        env_item_spawn(e, out.drop_pos[i][0], out.drop_pos[i][1], out.drop_pos[i][2], out.drops[i],
                       ITEM_PICKUP_DELAY_BLOCK);
    if (out.damage_to_player > 0 && p->health > 0) {
        env_damage(e, out.damage_to_player, DAMAGE_MOB);
        p->vx += out.knock_x;
        p->vz += out.knock_z;
        if (p->on_ground) p->vy = 0.4;
    }
}

/* Survival: eating, hunger, regeneration, starvation, drowning. Runs before the death check. */
void items_phase_survival(Env *e, const Action *a) {
    Player *p = &e->player;
    if (p->health <= 0) return;
    SurvivalBody b = {p->health, PLAYER_MAX_HEALTH, p->food, p->saturation, p->exhaustion, p->air};
    int use = action_key_down(a, KEY_USE) && e->gui.screen == GUI_NONE;
    ItemStack *sel = &p->inventory.slots[p->inventory.selected];
    ItemId eaten = sel->item;
    if (survival_eat(&e->survival, use, p->inventory.selected, sel, &b)) {
        e->consumed[eaten]++;
        e->consumed_any = 1;
        e->stats.used[eaten]++;
        env_event(e, ENV_EVENT_ATE, eaten, 1, 0, 0, 0, 0);
    }
    SurvivalInput in = {0};
    double dx = p->x - e->pre_pos[0], dz = p->z - e->pre_pos[2];
    double horiz = sqrt(dx * dx + dz * dz);
    int jumped = e->pre_on_ground && !p->on_ground && p->vy > 0.2 && !p->in_water;
    in.eyes_in_water = world_block_get(e->world, (int)floor(p->x), (int)floor(p->y + PLAYER_EYE),
                                       (int)floor(p->z)) == BLOCK_WATER;
    in.sprint_m = p->sprinting && !p->in_water ? (float)horiz : 0.0f;
    in.swim_m = p->in_water ? (float)horiz : 0.0f;
    in.jumped = jumped;
    in.sprint_jumped = jumped && p->sprinting;
    in.attacks = e->mob_attacks;
    StepResult *r = e->result;
    for (int i = 0; r && i < r->n_events; i++) {
        if (r->events[i].type == ENV_EVENT_MINED) in.blocks_mined++;
        if (r->events[i].type == ENV_EVENT_DAMAGED) in.damage_taken += r->events[i].amount;
    }
    float damage = survival_tick(&e->survival, &in, &b);
    p->health = b.health;
    p->food = b.food;
    p->saturation = b.saturation;
    p->exhaustion = b.exhaustion;
    p->air = b.air;
    if (damage > 0) env_damage(e, damage, in.eyes_in_water ? DAMAGE_DROWN : DAMAGE_STARVE);
    /* statistics of movement */
    e->stats.jumps += (uint32_t)jumped;
    uint32_t cm = (uint32_t)lround(horiz * 100.0);
    if (p->in_water)
        e->stats.swim_cm += cm;
    else if (p->sprinting)
        e->stats.sprint_cm += cm;
    else if (p->on_ground)
        e->stats.walk_cm += cm;
    if (!p->on_ground && p->y < e->pre_pos[1])
        e->stats.fall_cm += (uint32_t)lround((e->pre_pos[1] - p->y) * 100.0);
}

/* Before the inventory drops at death: the open screen closes (its items join the drop). */
void items_on_death(Env *e) {
    if (e->gui.screen != GUI_NONE) gui_close_env(e);
    survival_init(&e->survival);
    e->stats.deaths++;
}

/* Rewards, first-obtained events and statistics from this tick's events. */
void items_phase_reward(Env *e, StepResult *r) {
    for (int i = 0; i < r->n_events; i++) {
        const EnvEvent *ev = &r->events[i];
        if (ev->type == ENV_EVENT_MINED && ev->item < BLOCK_COUNT) e->stats.mined[ev->item]++;
        if (ev->type == ENV_EVENT_PICKED_UP) e->stats.picked_up[ev->item] += (uint32_t)ev->count;
        if (ev->type == ENV_EVENT_DROPPED) e->stats.dropped[ev->item] += (uint32_t)ev->count;
        if (ev->type == ENV_EVENT_PLACED) e->stats.used[ev->item]++;
        if (ev->type == ENV_EVENT_DAMAGED)
            e->stats.damage_taken_x10 += (uint32_t)lround(ev->amount * 10.0f);
    }
    e->stats.play_ticks++;
    /* Fast path: nothing held changed and nothing was used up -> no reward, no new item. */
    ItemStack now[INVENTORY_SLOTS + 10];
    memcpy(now, e->player.inventory.slots, sizeof(ItemStack) * INVENTORY_SLOTS);
    memcpy(now + INVENTORY_SLOTS, e->gui.grid, sizeof(ItemStack) * 9);
    now[INVENTORY_SLOTS + 9] = e->gui.cursor;
    if (!e->consumed_any && memcmp(now, e->held_cache, sizeof now) == 0) return;
    memcpy(e->held_cache, now, sizeof now);
    int held[ITEM_COUNT];
    items_held_counts(e, held);
    ItemId firsts[ITEM_COUNT];
    int n_firsts = 0;
    double reward = task_tracker_update(&e->tracker, &e->task, held, e->consumed, (int64_t)e->tick,
                                        firsts, &n_firsts);
    r->reward += (float)reward;
    for (int i = 0; i < n_firsts; i++) env_event(e, ENV_EVENT_OBTAINED, firsts[i], 1, 0, 0, 0, 0);
}

/* Field by field (struct bytes would include padding). */
static uint64_t hmix(uint64_t h, uint64_t v) { return rng_mix64(h ^ v) + 0x9E3779B97F4A7C15ull; }
static uint64_t hdbl(uint64_t h, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return hmix(h, u);
}
static uint64_t hstack(uint64_t h, const ItemStack *s) {
    return hmix(h, (uint64_t)s->item | (uint64_t)s->count << 16 | (uint64_t)s->damage << 24);
}

uint64_t items_hash(const Env *e, uint64_t h) {
    const Gui *g = &e->gui;
    h = hmix(h, (uint64_t)g->screen | (uint64_t)(uint32_t)g->furnace << 8 |
                    (uint64_t)g->book_page << 40);
    h = hdbl(h, g->cursor_x), h = hdbl(h, g->cursor_y), h = hstack(h, &g->cursor);
    for (int i = 0; i < 9; i++) h = hstack(h, &g->grid[i]);
    for (int i = 0; i < FURNACE_MAX; i++) {
        const Furnace *f = &e->furnaces.f[i];
        if (!f->used) continue;
        h = hmix(h, (uint64_t)(uint32_t)f->x ^ (uint64_t)(uint32_t)f->y << 20 ^
                        (uint64_t)(uint32_t)f->z << 40);
        h = hstack(h, &f->input), h = hstack(h, &f->fuel), h = hstack(h, &f->output);
        h = hmix(h,
                 (uint64_t)f->burn_left | (uint64_t)f->burn_total << 24 | (uint64_t)f->cook << 48);
    }
    h = hmix(h,
             (uint64_t)e->mobs.n | (uint64_t)e->mobs.next_id << 8 | (uint64_t)e->mobs.ticks << 32);
    for (int i = 0; i < 4; i++) h = hmix(h, e->mobs.rng.s[i]);
    for (int i = 0; i < e->mobs.n; i++) {
        const Mob *m = &e->mobs.mobs[i];
        h = hdbl(h, m->x), h = hdbl(h, m->y), h = hdbl(h, m->z);
        h = hdbl(h, m->vx), h = hdbl(h, m->vy), h = hdbl(h, m->vz);
        h = hdbl(h, m->yaw), h = hdbl(h, m->health);
        h = hmix(h, (uint64_t)m->type | (uint64_t)m->hurt_timer << 4 | (uint64_t)m->ai_timer << 12 |
                        (uint64_t)m->flee_timer << 24 | (uint64_t)m->attack_cooldown << 36 |
                        (uint64_t)m->walking << 48 | (uint64_t)m->on_ground << 49);
    }
    h = hmix(h, (uint64_t)e->survival.food_timer | (uint64_t)e->survival.eat_ticks << 16 |
                    (uint64_t)(uint32_t)e->survival.eat_slot << 32);
    for (int i = 0; i < ITEM_COUNT; i++)
        h = hmix(h, (uint64_t)e->tracker.pool[i] | (uint64_t)e->tracker.counted[i] << 32);
    return h;
}

/* ---- accessors (env.h) ---- */

int env_mob_count(const Env *e) { return e->mobs.n; }
const Mob *env_mob_get(const Env *e, int i) {
    ASSERT(i >= 0 && i < e->mobs.n);
    return &e->mobs.mobs[i];
}
const Gui *env_gui(const Env *e) { return &e->gui; }
const Furnace *env_open_furnace(const Env *e) {
    return e->gui.furnace >= 0 ? &e->furnaces.f[e->gui.furnace] : NULL;
}
const RecipeSet *env_recipes(const Env *e) { return e->recipes; }
ItemStack env_gui_output(const Env *e) {
    if (e->gui.grid_w == 0) return (ItemStack){0};
    int r = recipe_match(e->recipes, e->gui.grid, e->gui.grid_w);
    if (r < 0) return (ItemStack){0};
    return (ItemStack){.item = e->recipes->recipes[r].result,
                       .count = (uint8_t)e->recipes->recipes[r].count};
}
const Stats *env_stats(const Env *e) { return &e->stats; }
const TaskTracker *env_task_tracker(const Env *e) { return &e->tracker; }
const Task *env_task(const Env *e) { return &e->task; }
int env_mob_spawn(Env *e, int type, double x, double y, double z) {
    return mob_spawn(&e->mobs, (MobType)type, x, y, z);
}

void env_trace_write_items(const Env *e, FILE *out) {
    const Gui *g = &e->gui;
    const char *name = gui_screen_name(g->screen);
    if (name)
        fprintf(out, ",\"gui\":\"%s\"", name);
    else
        fputs(",\"gui\":null", out);
    fprintf(out, ",\"cursor\":{\"x\":%.1f,\"y\":%.1f},\"hovered\":", (double)g->cursor_x,
            (double)g->cursor_y);
    int h = gui_hovered(g);
    if (h >= 0) {
        const GuiElem *el = &gui_layout(g->screen)->elems[h];
        fprintf(out, "{\"kind\":\"%s\",\"index\":%d", gui_elem_kind_name(el->kind), el->index);
        if (el->kind == GUI_ELEM_RECIPE) {
            int r = gui_book_recipe(g, el->index);
            if (r >= 0)
                fprintf(out, ",\"recipe\":\"%s\"", item_name(e->recipes->recipes[r].result));
        }
        fputc('}', out);
    } else {
        fputs("null", out);
    }
    if (g->cursor.count)
        fprintf(out, ",\"cursor_stack\":{\"type\":\"%s\",\"quantity\":%d}",
                item_name(g->cursor.item), g->cursor.count);
    else
        fputs(",\"cursor_stack\":null", out);
    fputs(",\"obtained\":{", out);
    int first = 1;
    for (int k = 0; k < e->task.n_items; k++) {
        ItemId it = e->task.items[k].item;
        if (e->tracker.first_tick[it] < 0) continue;
        fprintf(out, "%s\"%s\":%lld", first ? "" : ",", item_name(it),
                (long long)e->tracker.first_tick[it]);
        first = 0;
    }
    fputc('}', out);
}
