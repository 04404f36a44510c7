/* scene.c: reading an Env into a RenderScene, and the env-level entry points render_frame
 * and render_batch (see render.h). Only this file knows the sim's env API; the passes draw
 * from the RenderScene alone. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "render/internal.h"
#include "sim/env.h"

static const uint8_t *world_blocks_cb(const void *ctx, int cx, int cz) {
    return world_chunk_blocks((const World *)ctx, cx, cz);
}

static const uint8_t *world_light_cb(const void *ctx, int cx, int cz) {
    return world_chunk_light((const World *)ctx, cx, cz);
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

void render_scene_from_env(const Env *env, RenderScene *sc) {
    ASSERT(env && sc);
    memset(sc, 0, sizeof *sc);
    const World *w = env_world(env);
    const Player *p = env_player(env);
    sc->world.ctx = w;
    sc->world.chunk_blocks = world_blocks_cb;
    sc->world.chunk_light = world_light_cb;
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
    sc->swing = 0;
    scene_items(env, sc);
    sc->gui.open = 0;
    sc->gui.hovered_slot = -1;
    sc->gui.hovered_button = -1;
    sc->show_hud = 1;
}

void render_frame(const Renderer *r, const Env *env, uint8_t *out_rgb, int width, int height) {
    RenderScene *sc = mem_alloc(sizeof *sc);
    render_scene_from_env(env, sc);
    render_scene(r, sc, out_rgb, width, height);
    mem_free(sc);
}

typedef struct BatchJob {
    const Renderer *r;
    const Env *const *envs;
    uint8_t *out;
    int width, height;
} BatchJob;

static void batch_range(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    BatchJob *job = ctx;
    size_t frame = (size_t)job->width * job->height * 3;
    for (int64_t i = begin; i < end; i++)
        render_frame(job->r, job->envs[i], job->out + frame * (size_t)i, job->width, job->height);
}

void render_batch(const Renderer *r, ThreadPool *pool, const Env *const *envs, int n,
                  uint8_t *out_rgb, int width, int height) {
    ASSERT(r && envs && out_rgb && n >= 0 && width > 0 && height > 0);
    BatchJob job = {r, envs, out_rgb, width, height};
    pool_parallel_for(pool, n, 1, batch_range, &job);
}

Status render_scene_open_gui(RenderScene *sc, const Env *env, const char *name) {
    (void)sc;
    (void)env;
    LOG_ERROR("render", "GUI screen '%s': not available in this build", name);
    return STATUS_INVALID_ARGUMENT;
}
