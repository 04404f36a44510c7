/* scripted.c: the scripted contractors: per-persona planners over the tasks (tasks.c), and the
 * per-tick driver that turns the current intent into one native Action through the human-like
 * camera and cursor models. The player reads the env (const) and acts only via the Action.
 *
 * Planners are reactive: each time a task ends they look at the inventory and the world and
 * pick the next task (danger and hunger first, then the persona's goals). Tasks that failed
 * are remembered for a while so the player does not repeat a hopeless plan. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agent/scripted.h"
#include "agent/scripted_internal.h"
#include "core/alloc.h"
#include "core/log.h"

/* ---- inventory helpers ---- */

static int pick_tier(const Scripted *s) {
    if (sk_count(s, ITEM_DIAMOND_PICKAXE)) return 4;
    if (sk_count(s, ITEM_IRON_PICKAXE)) return 3;
    if (sk_count(s, ITEM_STONE_PICKAXE)) return 2;
    if (sk_count(s, ITEM_WOODEN_PICKAXE)) return 1;
    return 0;
}

static int near_block(Scripted *s, uint8_t b, int radius) {
    (void)radius;
    int c[3];
    return sk_station_near(s, b, c);
}

/* Fills the task that makes progress toward holding n of item; returns 0 when the item is
 * already there (no task needed). Recurses over the ingredients. */
static int plan_item(Scripted *s, ItemId item, int n, int depth);

static int plan_craft(Scripted *s, ItemId item, int n_crafts, int needs_table) {
    if (needs_table && !near_block(s, BLOCK_CRAFTING_TABLE, 5) &&
        sk_count(s, BLOCK_CRAFTING_TABLE) == 0)
        return plan_item(s, BLOCK_CRAFTING_TABLE, 1, 1);
    task_start(s, TASK_CRAFT, item, item, n_crafts);
    return 1;
}

static int plan_tool(Scripted *s, ItemId tool, ItemId material, int depth) {
    if (sk_count(s, tool)) return 0;
    if (sk_count(s, ITEM_STICK) < 2) return plan_item(s, ITEM_STICK, 2, depth + 1);
    if (sk_count(s, material) < 3) return plan_item(s, material, 3, depth + 1);
    return plan_craft(s, tool, 1, 1);
}

static int plan_item(Scripted *s, ItemId item, int n, int depth) {
    int have = sk_count(s, item);
    if (have >= n || depth > 8) return 0;
    switch (item) {
    case BLOCK_OAK_LOG:
        task_start(s, TASK_GET, BLOCK_OAK_LOG, BLOCK_OAK_LOG, n);
        return 1;
    case BLOCK_OAK_PLANKS: {
        int crafts = (n - have + 3) / 4;
        if (sk_count(s, BLOCK_OAK_LOG) < crafts) {
            int logs = sk_count(s, BLOCK_OAK_LOG);
            if (logs > 0) return plan_craft(s, BLOCK_OAK_PLANKS, logs, 0);
            return plan_item(s, BLOCK_OAK_LOG, crafts, depth + 1);
        }
        return plan_craft(s, BLOCK_OAK_PLANKS, crafts, 0);
    }
    case ITEM_STICK: {
        int crafts = (n - have + 3) / 4;
        if (sk_count(s, BLOCK_OAK_PLANKS) < 2 * crafts)
            return plan_item(s, BLOCK_OAK_PLANKS, 2 * crafts, depth + 1);
        return plan_craft(s, ITEM_STICK, crafts, 0);
    }
    case BLOCK_CRAFTING_TABLE:
        if (sk_count(s, BLOCK_OAK_PLANKS) < 4) return plan_item(s, BLOCK_OAK_PLANKS, 4, depth + 1);
        return plan_craft(s, BLOCK_CRAFTING_TABLE, 1, 0);
    case ITEM_WOODEN_PICKAXE:
        return plan_tool(s, item, BLOCK_OAK_PLANKS, depth);
    case ITEM_STONE_PICKAXE:
    case ITEM_STONE_SWORD:
        return plan_tool(s, item, BLOCK_COBBLESTONE, depth);
    case ITEM_IRON_PICKAXE:
        return plan_tool(s, item, ITEM_IRON_INGOT, depth);
    case ITEM_DIAMOND_PICKAXE:
        return plan_tool(s, item, ITEM_DIAMOND, depth);
    case BLOCK_COBBLESTONE:
        if (pick_tier(s) < 1) return plan_item(s, ITEM_WOODEN_PICKAXE, 1, depth + 1);
        task_start(s, TASK_GET, BLOCK_STONE, BLOCK_COBBLESTONE, n);
        return 1;
    case ITEM_COAL:
        if (pick_tier(s) < 1) return plan_item(s, ITEM_WOODEN_PICKAXE, 1, depth + 1);
        task_start(s, TASK_GET, BLOCK_COAL_ORE, ITEM_COAL, n);
        return 1;
    case BLOCK_IRON_ORE:
        if (pick_tier(s) < 2) return plan_item(s, ITEM_STONE_PICKAXE, 1, depth + 1);
        task_start(s, TASK_GET, BLOCK_IRON_ORE, BLOCK_IRON_ORE, n);
        return 1;
    case ITEM_DIAMOND:
        if (pick_tier(s) < 3) return plan_item(s, ITEM_IRON_PICKAXE, 1, depth + 1);
        task_start(s, TASK_GET, BLOCK_DIAMOND_ORE, ITEM_DIAMOND, n);
        return 1;
    case BLOCK_FURNACE:
        if (sk_count(s, BLOCK_COBBLESTONE) < 8)
            return plan_item(s, BLOCK_COBBLESTONE, 8, depth + 1);
        return plan_craft(s, BLOCK_FURNACE, 1, 1);
    case BLOCK_TORCH:
        if (sk_count(s, ITEM_COAL) < 1) return plan_item(s, ITEM_COAL, 1, depth + 1);
        if (sk_count(s, ITEM_STICK) < 1) return plan_item(s, ITEM_STICK, 1, depth + 1);
        return plan_craft(s, BLOCK_TORCH, 1, 0);
    case ITEM_IRON_INGOT: {
        int need_ore = n - have;
        if (sk_count(s, BLOCK_IRON_ORE) < need_ore)
            return plan_item(s, BLOCK_IRON_ORE, need_ore, depth + 1);
        if (!near_block(s, BLOCK_FURNACE, 5) && sk_count(s, BLOCK_FURNACE) == 0)
            return plan_item(s, BLOCK_FURNACE, 1, depth + 1);
        if (sk_count(s, ITEM_COAL) == 0 && sk_count(s, BLOCK_OAK_PLANKS) < 2)
            return plan_item(s, ITEM_COAL, 1, depth + 1);
        task_start(s, TASK_SMELT, 0, ITEM_IRON_INGOT, n);
        return 1;
    }
    default:
        return 0;
    }
}

/* ---- persona planners ---- */

static int plan_urgent(Scripted *s) {
    AgentMob m;
    int n = view_mob_count(s->env);
    for (int i = 0; i < n; i++) {
        if (!view_mob_get(s->env, i, &m) || !m.hostile) continue;
        double dx = m.x - s->pv.x, dz = m.z - s->pv.z;
        if (dx * dx + dz * dz < 25.0 && fabs(m.y - s->pv.y) < 3) {
            if (s->persona.id == PERSONA_CASUAL) {
                task_start(s, TASK_EXPLORE, 0, 0, 200);
            } else {
                task_start(s, TASK_FIGHT, 0, 0, 0);
            }
            return 1;
        }
    }
    if (s->pv.food <= 12) {
        for (int i = 0; i < INVENTORY_HOTBAR; i++) {
            if (s->pv.inv.slots[i].count && view_food_points(s->pv.inv.slots[i].item) > 0) {
                task_start(s, TASK_EAT, 0, 0, 0);
                return 1;
            }
        }
        if (s->pv.food <= 6) {
            task_start(s, TASK_HUNT, 0, 0, 0);
            return 1;
        }
    }
    return 0;
}

/* The tech tree to the diamond pickaxe (speedrunner, clumsy). */
static int plan_tech(Scripted *s) {
    int tier = pick_tier(s);
    int wood = sk_count(s, BLOCK_OAK_LOG) * 4 + sk_count(s, BLOCK_OAK_PLANKS);
    if (tier == 0 && wood < 30 && sk_count(s, BLOCK_OAK_LOG) < 8)
        return plan_item(s, BLOCK_OAK_LOG, sk_count(s, BLOCK_OAK_LOG) + (33 - wood) / 4, 0);
    if (tier < 1 && plan_item(s, ITEM_WOODEN_PICKAXE, 1, 0)) return 1;
    if (tier < 2 && plan_item(s, ITEM_STONE_PICKAXE, 1, 0)) return 1;
    if (sk_count(s, BLOCK_OAK_PLANKS) < 8 && sk_count(s, BLOCK_OAK_LOG) > 0 &&
        plan_item(s, BLOCK_OAK_PLANKS,
                  sk_count(s, BLOCK_OAK_PLANKS) + sk_count(s, BLOCK_OAK_LOG) * 4, 0))
        return 1;
    if (tier < 3) {
        if (sk_count(s, ITEM_COAL) < 2 && plan_item(s, ITEM_COAL, 2, 0)) return 1;
        if (sk_count(s, BLOCK_TORCH) == 0 && plan_item(s, BLOCK_TORCH, 1, 0)) return 1;
        if (plan_item(s, ITEM_IRON_PICKAXE, 1, 0)) return 1;
    }
    if (tier < 4 && plan_item(s, ITEM_DIAMOND_PICKAXE, 1, 0)) return 1;
    if (plan_item(s, ITEM_DIAMOND, sk_count(s, ITEM_DIAMOND) + 1, 0)) return 1;
    task_start(s, TASK_EXPLORE, 0, 0, 600);
    return 1;
}

static int plan_builder(Scripted *s) {
    int blocks =
        sk_count(s, BLOCK_OAK_PLANKS) + sk_count(s, BLOCK_DIRT) + sk_count(s, BLOCK_COBBLESTONE);
    if (!sk_count(s, ITEM_WOODEN_PICKAXE) && plan_item(s, ITEM_WOODEN_PICKAXE, 1, 0)) return 1;
    if (!s->shelter_built && blocks < 26) {
        if (sk_count(s, BLOCK_OAK_LOG) > 0)
            return plan_item(s, BLOCK_OAK_PLANKS, sk_count(s, BLOCK_OAK_PLANKS) + 4, 0);
        if (rng_float(&s->rng) < 0.5f) return plan_item(s, BLOCK_OAK_LOG, 3, 0);
        task_start(s, TASK_GET, BLOCK_GRASS, BLOCK_DIRT, sk_count(s, BLOCK_DIRT) + 12);
        return 1;
    }
    if (!s->shelter_built) {
        s->shelter_built = 1; /* one shelter per episode, then tools and exploring */
        task_start(s, TASK_SHELTER, 0, 0, 0);
        return 1;
    }
    if (plan_item(s, ITEM_STONE_PICKAXE, 1, 0)) return 1;
    if (plan_item(s, BLOCK_FURNACE, 1, 0)) return 1;
    task_start(s, TASK_EXPLORE, 0, 0, 400);
    return 1;
}

static int plan_explorer(Scripted *s) {
    AgentMob m;
    int n = view_mob_count(s->env);
    for (int i = 0; i < n; i++) {
        if (!view_mob_get(s->env, i, &m) || m.hostile) continue;
        double dx = m.x - s->pv.x, dz = m.z - s->pv.z;
        if (dx * dx + dz * dz < 144.0 && rng_float(&s->rng) < s->persona.hunt_bias) {
            task_start(s, TASK_HUNT, 0, 0, 0);
            return 1;
        }
    }
    float r = rng_float(&s->rng);
    if (r < 0.25f && plan_item(s, ITEM_WOODEN_PICKAXE, 1, 0)) return 1;
    if (r < 0.35f && plan_item(s, ITEM_STONE_PICKAXE, 1, 0)) return 1;
    if (r < 0.45f && sk_count(s, ITEM_STONE_PICKAXE) && plan_item(s, ITEM_COAL, 3, 0)) return 1;
    if (r < 0.55f) {
        task_start(s, TASK_IDLE, 0, 0, 20 + (int)rng_below(&s->rng, 60));
        return 1;
    }
    task_start(s, TASK_EXPLORE, 0, 0, 900);
    return 1;
}

static int plan_casual(Scripted *s) {
    float r = rng_float(&s->rng);
    if (r < 0.35f) {
        task_start(s, TASK_IDLE, 0, 0, 40 + (int)rng_below(&s->rng, 300));
        return 1;
    }
    if (r < 0.6f) {
        task_start(s, TASK_EXPLORE, 0, 0, 200 + (int)rng_below(&s->rng, 300));
        return 1;
    }
    if (r < 0.8f && plan_item(s, BLOCK_OAK_LOG, sk_count(s, BLOCK_OAK_LOG) + 2, 0)) return 1;
    if (r < 0.9f && plan_item(s, BLOCK_CRAFTING_TABLE, 1, 0)) return 1;
    if (plan_item(s, ITEM_WOODEN_PICKAXE, 1, 0)) return 1;
    task_start(s, TASK_IDLE, 0, 0, 100);
    return 1;
}

/* Tools, stations and food sitting in the main inventory go to the hotbar first: only hotbar
 * items can be held. */
static int plan_hotbar(Scripted *s) {
    static const ItemId KEEP[] = {ITEM_DIAMOND_PICKAXE, ITEM_IRON_PICKAXE, ITEM_STONE_PICKAXE,
                                  BLOCK_CRAFTING_TABLE, BLOCK_FURNACE,     ITEM_WOODEN_PICKAXE};
    int best_pick_done = 0;
    for (size_t k = 0; k < sizeof KEEP / sizeof KEEP[0]; k++) {
        ItemId it = KEEP[k];
        int is_pick = k < 3 || it == ITEM_WOODEN_PICKAXE;
        if (is_pick && best_pick_done) continue;
        if (!sk_count(s, it)) continue;
        if (is_pick) best_pick_done = 1;
        if (sk_in_hotbar(s, it)) continue;
        task_start(s, TASK_HOTBAR, it, it, 0);
        return 1;
    }
    if (s->pv.food <= 14) {
        for (int i = INVENTORY_HOTBAR; i < INVENTORY_SLOTS; i++) {
            ItemId it = s->pv.inv.slots[i].item;
            if (s->pv.inv.slots[i].count && view_food_points(it) > 0 && !sk_in_hotbar(s, it)) {
                int any = 0;
                for (int h = 0; h < INVENTORY_HOTBAR; h++)
                    any |= s->pv.inv.slots[h].count && view_food_points(s->pv.inv.slots[h].item);
                if (any) break;
                task_start(s, TASK_HOTBAR, it, it, 0);
                return 1;
            }
        }
    }
    return 0;
}

/* Underground in the dark with torches in the hotbar: light the way now and then. */
static int plan_torch(Scripted *s) {
    if (!sk_in_hotbar(s, BLOCK_TORCH) || s->tick - s->last_torch_tick < 250) return 0;
    int x = (int)floor(s->pv.x), y = (int)floor(s->pv.y + 0.05), z = (int)floor(s->pv.z);
    uint8_t light = view_light(s->env, x, y + 1, z);
    if ((light >> 4) > 6 || (light & 15) > 6) return 0;
    if (rng_float(&s->rng) >= s->persona.torch_rate) {
        s->last_torch_tick = s->tick;
        return 0;
    }
    s->last_torch_tick = s->tick;
    task_start(s, TASK_TORCH, BLOCK_TORCH, BLOCK_TORCH, 1);
    return 1;
}

static void plan_next(Scripted *s) {
    if (plan_hotbar(s)) return;
    if (plan_urgent(s)) return;
    if (plan_torch(s)) return;
    switch (s->persona.id) {
    case PERSONA_BUILDER:
        plan_builder(s);
        break;
    case PERSONA_EXPLORER:
        plan_explorer(s);
        break;
    case PERSONA_CASUAL:
        plan_casual(s);
        break;
    default:
        plan_tech(s);
        break;
    }
    if (s->task == TASK_NONE) task_start(s, TASK_EXPLORE, 0, 0, 200); /* nothing to do here */
}

/* ---- the per-tick driver ---- */

/* Clumsy hands: now and then a wrong key for a few ticks (a jump, a strafe, a hotbar slip). */
static void apply_mistakes(Scripted *s) {
    if (s->gv.screen != GUI_NONE) return;
    if (s->mistake_left > 0) {
        s->mistake_left--;
        s->out.keys |= s->mistake_keys;
        return;
    }
    if (rng_float(&s->rng) >= s->persona.skill.mistake_rate * 0.1f) return;
    static const ActionKey SLIPS[] = {KEY_JUMP, KEY_LEFT, KEY_RIGHT, KEY_BACK, KEY_SNEAK};
    ActionKey k = SLIPS[rng_below(&s->rng, 5)];
    s->mistake_keys = ACTION_KEY_BIT(k);
    s->mistake_left = 2 + (int)rng_below(&s->rng, 8);
}

/* A screen can open by accident (`use` on a table or furnace while pillaring or placing): one
 * left open with nothing done in it for 1.5 s is closed, except while waiting at a furnace. */
static void close_stray_gui(Scripted *s) {
    const uint32_t busy = ACTION_KEY_BIT(KEY_ATTACK) | ACTION_KEY_BIT(KEY_USE) |
                          ACTION_KEY_BIT(KEY_SNEAK) | ACTION_KEY_BIT(KEY_INVENTORY);
    int waiting = s->task == TASK_SMELT && s->t_phase == 2;
    if (s->gv.screen == GUI_NONE || s->out.cursor || (s->out.keys & busy) || waiting) {
        s->gui_idle = 0;
        return;
    }
    if (++s->gui_idle > 30) sk_press(s, KEY_INVENTORY);
}

static void update_task(Scripted *s) {
    if (s->idle_left > 0) {
        s->idle_left--;
        return;
    }
    if (s->task == TASK_NONE) plan_next(s);
    /* Walking a tunnel in the dark: stop for a torch now and then (the walk is replanned). */
    if (s->task == TASK_GET && s->t_phase == 1 && s->pv.on_ground) plan_torch(s);
    SkStatus st = task_step(s);
    if (st == SK_RUNNING) return;
    if (st == SK_FAILED) {
        s->fail_streak =
            (s->last_task == s->task && s->last_arg == s->t_arg) ? s->fail_streak + 1 : 1;
        s->last_task = s->task;
        s->last_arg = s->t_arg;
    } else {
        s->fail_streak = 0;
    }
    int failed_kind = st == SK_FAILED ? s->task : TASK_NONE;
    s->task = TASK_NONE;
    if (s->gv.screen != GUI_NONE) {
        sk_press(s, KEY_INVENTORY); /* never leave a screen open between tasks */
        return;
    }
    /* Stuck on the same thing: go somewhere else before trying again. */
    if (failed_kind != TASK_NONE && s->fail_streak >= 3) {
        task_start(s, TASK_EXPLORE, 0, 0, 160);
        s->fail_streak = 0;
    } else if (rng_float(&s->rng) < s->persona.skill.idle_rate * 40.0f) {
        s->idle_left = 5 + (int)rng_below(&s->rng, 30);
    }
}

static void scripted_reset(void *self, const Env *env, uint64_t seed) {
    Scripted *s = self;
    NavPlanner *nav = s->nav;
    int fixed = s->fixed_persona;
    memset(s, 0, sizeof *s);
    s->nav = nav;
    s->fixed_persona = fixed;
    s->env = env;
    s->rng = rng_stream(seed, 0x5c1ull);
    PersonaId id = fixed >= 0 ? (PersonaId)fixed : (PersonaId)rng_below(&s->rng, PERSONA_COUNT);
    persona_draw(id, &s->rng, &s->persona);
    camera_init(&s->cam, &s->persona.skill);
    s->task = TASK_NONE;
    snprintf(s->describe, sizeof s->describe, "scripted:%s skill %.2f", persona_name(id),
             (double)s->persona.skill.level);
}

static void fill_info(Scripted *s, AgentInfo *info) {
    char goal[64];
    if (s->task == TASK_GET || s->task == TASK_CRAFT)
        snprintf(goal, sizeof goal, "%s %s/%d", task_kind_name(s->task),
                 item_info((ItemId)(s->task == TASK_GET ? s->t_item : s->t_arg))->name, s->t_phase);
    else
        snprintf(goal, sizeof goal, "%s", s->idle_left > 0 ? "pause" : task_kind_name(s->task));
    agent_info_set_goal(info, goal);
    agent_info_add_prob(info, persona_name(s->persona.id), s->persona.skill.level);
}

static void scripted_act(void *self, const Env *env, const uint8_t *obs, int w, int h, Action *out,
                         AgentInfo *info) {
    (void)obs;
    (void)w;
    (void)h;
    Scripted *s = self;
    s->env = env;
    view_player(env, &s->pv);
    view_gui(env, &s->gv);
    memset(&s->out, 0, sizeof s->out);
    update_task(s);
    close_stray_gui(s);
    apply_mistakes(s);
    out->keys = s->out.keys;
    if (s->gv.screen != GUI_NONE) {
        camera_release(&s->cam);
        if (s->out.cursor) {
            out->mouse_dx = roundf(s->out.cx);
            out->mouse_dy = roundf(s->out.cy);
        }
    } else if (s->out.cam) {
        camera_set_target(&s->cam, s->pv.yaw, s->pv.pitch, s->out.yaw, s->out.pitch, &s->rng);
        camera_step(&s->cam, s->pv.yaw, s->pv.pitch, &s->rng, &out->mouse_dx, &out->mouse_dy);
    } else {
        camera_release(&s->cam);
    }
    s->prev_keys = out->keys;
    s->tick++;
    fill_info(s, info);
}

static void scripted_destroy(void *self) {
    Scripted *s = self;
    nav_destroy(s->nav);
    mem_free(s);
}

static const char *scripted_describe(const void *self) {
    return ((const Scripted *)self)->describe;
}

static const AgentVtbl SCRIPTED_VTBL = {"scripted", scripted_reset, scripted_act, scripted_destroy,
                                        scripted_describe};

Agent *scripted_create(int persona, uint64_t seed) {
    ASSERT(persona >= -1 && persona < PERSONA_COUNT);
    Scripted *s = mem_calloc(1, sizeof *s);
    s->nav = nav_create();
    s->fixed_persona = persona;
    scripted_reset(s, NULL, seed);
    return agent_wrap(&SCRIPTED_VTBL, s);
}
