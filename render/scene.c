/* scene.c: reading an Env into a RenderScene, and the env-level entry points render_frame
 * and render_batch (see render.h). Only this file knows the sim's env API; the passes draw
 * from the RenderScene alone. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "render/internal.h"
#include "sim/env.h"
#include "sim/furnace.h"
#include "sim/gui.h"
#include "sim/mob.h"
#include "sim/recipe.h"

_Static_assert(RENDER_MAX_GUI_SLOTS >= GUI_MAX_ELEMS, "every GUI element must fit the scene");
_Static_assert((int)RENDER_MOB_COUNT == (int)MOB_TYPE_COUNT, "one render model per mob type");

static const uint8_t *world_blocks_cb(const void *ctx, int cx, int cz) {
    return world_chunk_blocks((const World *)ctx, cx, cz);
}

static const uint8_t *world_light_cb(const void *ctx, int cx, int cz) {
    return world_chunk_light((const World *)ctx, cx, cz);
}

static int world_top_cb(const void *ctx, int cx, int cz) {
    return world_chunk_top((const World *)ctx, cx, cz);
}

static uint64_t world_version_cb(const void *ctx, int cx, int cz) {
    return world_chunk_version((const World *)ctx, cx, cz);
}

static void scene_items(const Env *env, RenderScene *sc) {
    sc->n_items = 0;
    int n = env_item_count(env);
    for (int i = 0; i < n && sc->n_items < RENDER_MAX_ITEMS; i++) {
        const ItemEntity *e = env_item_get(env, i);
        if (!e || e->stack.count == 0) continue;
        RenderItemEntity *it = &sc->items[sc->n_items++];
        it->x = e->x;
        it->y = e->y;
        it->z = e->z;
        it->item = e->stack.item;
        it->count = e->stack.count;
        it->age = e->age;
    }
}

static void scene_mobs(const Env *env, RenderScene *sc) {
    sc->n_mobs = 0;
    int n = env_mob_count(env);
    for (int i = 0; i < n && sc->n_mobs < RENDER_MAX_MOBS; i++) {
        const Mob *m = env_mob_get(env, i);
        RenderMob *rm = &sc->mobs[sc->n_mobs++];
        static const int TYPE[MOB_TYPE_COUNT] = {RENDER_MOB_PIG, RENDER_MOB_COW, RENDER_MOB_SHEEP,
                                                 RENDER_MOB_ZOMBIE};
        rm->type = TYPE[m->type];
        rm->x = m->x;
        rm->y = m->y;
        rm->z = m->z;
        rm->yaw = m->yaw;
        rm->hurt = m->hurt_timer;
    }
}

static RenderRect rect_of(GuiRect r) {
    RenderRect o = {r.x, r.y, r.w, r.h};
    return o;
}

/* Copies the sim's GUI layout and state into the scene. inv: the player's 36 slots. */
static void scene_gui_fill(RenderScene *sc, const Gui *g, const ItemStack *inv_src,
                           const Furnace *fur, const RecipeSet *recipes) {
    RenderGui *rg = &sc->gui;
    const GuiLayout *lay = gui_layout(g->screen);
    static const char *const TITLES[GUI_SCREEN_COUNT] = {NULL, "Crafting", "Crafting", "Furnace"};
    ItemStack inv[GUI_INV_SLOTS];
    memcpy(inv, inv_src, sizeof inv);
    GuiContext ctx = {inv, recipes, (Furnace *)fur};
    rg->open = 1;
    rg->title = TITLES[g->screen];
    rg->panel = rect_of(lay->panel);
    rg->book_panel = rect_of(lay->book);
    rg->progress_arrow = rect_of(lay->arrow);
    rg->fuel_flame = rect_of(lay->flame);
    rg->furnace_progress = fur ? furnace_cook_fraction(fur) : -1.0f;
    rg->furnace_fuel = fur ? furnace_burn_fraction(fur) : -1.0f;
    rg->cursor_x = g->cursor_x;
    rg->cursor_y = g->cursor_y;
    rg->cursor_stack = g->cursor;
    rg->hovered = gui_hovered(g);
    rg->n_elems = lay->n_elems < RENDER_MAX_GUI_SLOTS ? lay->n_elems : RENDER_MAX_GUI_SLOTS;
    for (int i = 0; i < rg->n_elems; i++) {
        const GuiElem *e = &lay->elems[i];
        ItemStack st = {ITEM_NONE, 0, 0};
        int style = RENDER_GUI_SLOT;
        switch (e->kind) {
        case GUI_ELEM_INVENTORY:
            st = inv[e->index];
            break;
        case GUI_ELEM_GRID:
            st = g->grid[e->index];
            break;
        case GUI_ELEM_OUTPUT:
            st = gui_output(g, &ctx);
            style = RENDER_GUI_OUTPUT;
            break;
        case GUI_ELEM_FURNACE_INPUT:
            st = fur ? fur->input : st;
            break;
        case GUI_ELEM_FURNACE_FUEL:
            st = fur ? fur->fuel : st;
            break;
        case GUI_ELEM_FURNACE_OUTPUT:
            st = fur ? fur->output : st;
            style = RENDER_GUI_OUTPUT;
            break;
        case GUI_ELEM_RECIPE: {
            int rid = gui_book_recipe(g, e->index);
            if (rid >= 0) {
                st.item = recipes->recipes[rid].result;
                st.count = (uint8_t)recipes->recipes[rid].count;
            }
            style = RENDER_GUI_RECIPE;
            break;
        }
        case GUI_ELEM_PAGE_PREV:
            style = RENDER_GUI_PAGE_PREV;
            break;
        case GUI_ELEM_PAGE_NEXT:
            style = RENDER_GUI_PAGE_NEXT;
            break;
        default:
            break;
        }
        rg->rect[i] = rect_of(e->rect);
        rg->stack[i] = st;
        rg->style[i] = (uint8_t)style;
    }
}

static void scene_gui(RenderScene *sc, const Gui *g, const Furnace *fur, const RecipeSet *rs) {
    scene_gui_fill(sc, g, sc->inventory, fur, rs);
}

void render_scene_from_env(const Env *env, RenderScene *sc) {
    ASSERT(env && sc);
    memset(sc, 0, sizeof *sc);
    const World *w = env_world(env);
    const Player *p = env_player(env);
    sc->world.ctx = w;
    sc->world.chunk_blocks = world_blocks_cb;
    sc->world.chunk_light = world_light_cb;
    sc->world.chunk_top = world_top_cb;
    sc->world.chunk_version = world_version_cb;
    sc->eye[0] = p->x;
    sc->eye[1] = p->y + PLAYER_EYE;
    sc->eye[2] = p->z;
    sc->yaw = p->yaw;
    sc->pitch = p->pitch;
    sc->time_of_day = env_time_of_day(env);
    sc->tick = (int)env_tick(env);
    sc->has_target = p->target.has_target;
    sc->target[0] = p->target.x;
    sc->target[1] = p->target.y;
    sc->target[2] = p->target.z;
    sc->break_progress = p->target.break_progress;
    sc->eye_in_water = world_block_get(w, (int)floor(sc->eye[0]), (int)floor(sc->eye[1]),
                                       (int)floor(sc->eye[2])) == BLOCK_WATER;
    sc->health = (int)ceilf(p->health);
    sc->food = p->food;
    sc->air = p->air;
    sc->air_max = PLAYER_MAX_AIR;
    memcpy(sc->inventory, p->inventory.slots, sizeof sc->inventory);
    sc->selected = p->inventory.selected;
    /* the arm swings while attack (mining, hitting) or use is held: a visible cue of the
     * buttons in the pixels, as in Minecraft */
    uint32_t keys = env_prev_keys(env);
    int swinging = (keys & (ACTION_KEY_BIT(KEY_ATTACK) | ACTION_KEY_BIT(KEY_USE))) != 0;
    sc->swing = swinging && env_gui(env)->screen == GUI_NONE ? (int)(env_tick(env) % 6) + 1 : 0;
    scene_items(env, sc);
    scene_mobs(env, sc);
    const Gui *g = env_gui(env);
    if (g->screen != GUI_NONE) scene_gui(sc, g, env_open_furnace(env), env_recipes(env));
    sc->show_hud = 1;
    /* chunks are loaded within view_radius of the player's chunk: at least radius*16 blocks */
    sc->view_limit = world_view_radius(w) * CHUNK_SIZE;
}

void render_frame(const Renderer *r, const Env *env, uint8_t *out_rgb, int width, int height) {
    RenderScene *sc = mem_alloc(sizeof *sc);
    render_scene_from_env(env, sc);
    render_scene(r, sc, out_rgb, width, height);
    mem_free(sc);
}

void render_frame_cached(const Renderer *r, RenderCache *c, const Env *env, uint8_t *out_rgb,
                         int width, int height) {
    RenderScene *sc = mem_alloc(sizeof *sc);
    render_scene_from_env(env, sc);
    render_scene_cached(r, c, sc, out_rgb, width, height);
    mem_free(sc);
}

typedef struct BatchJob {
    const Renderer *r;
    RenderCache *const *caches; /* NULL: none */
    const Env *const *envs;
    uint8_t *out;
    int width, height;
} BatchJob;

static void batch_range(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    BatchJob *job = ctx;
    size_t frame = (size_t)job->width * job->height * 3;
    for (int64_t i = begin; i < end; i++) {
        uint8_t *out = job->out + frame * (size_t)i;
        if (job->caches)
            render_frame_cached(job->r, job->caches[i], job->envs[i], out, job->width, job->height);
        else
            render_frame(job->r, job->envs[i], out, job->width, job->height);
    }
}

void render_batch(const Renderer *r, ThreadPool *pool, const Env *const *envs, int n,
                  uint8_t *out_rgb, int width, int height) {
    ASSERT(r && envs && out_rgb && n >= 0 && width > 0 && height > 0);
    BatchJob job = {r, NULL, envs, out_rgb, width, height};
    pool_parallel_for(pool, n, 1, batch_range, &job);
}

void render_batch_cached(const Renderer *r, ThreadPool *pool, RenderCache *const *caches,
                         const Env *const *envs, int n, uint8_t *out_rgb, int width, int height) {
    ASSERT(r && caches && envs && out_rgb && n >= 0 && width > 0 && height > 0);
    BatchJob job = {r, caches, envs, out_rgb, width, height};
    pool_parallel_for(pool, n, 1, batch_range, &job);
}

Status render_scene_open_gui(RenderScene *sc, const Env *env, const char *name) {
    GuiScreen screen = gui_screen_from_name(name);
    if (screen == GUI_NONE) {
        LOG_ERROR("render", "unknown GUI screen '%s' (inventory, crafting_table, furnace)", name);
        return STATUS_INVALID_ARGUMENT;
    }
    ItemStack inv[GUI_INV_SLOTS];
    memcpy(inv, sc->inventory, sizeof inv);
    Furnace fur;
    memset(&fur, 0, sizeof fur);
    fur.used = 1;
    GuiContext ctx = {inv, env_recipes(env), screen == GUI_FURNACE ? &fur : NULL};
    Gui g;
    gui_open(&g, screen, 0, &ctx);
    scene_gui_fill(sc, &g, sc->inventory, screen == GUI_FURNACE ? &fur : NULL, env_recipes(env));
    return STATUS_OK;
}
