/* render.c: the public entry points: create/destroy, one frame, a frame split over a pool,
 * and batches of frames over a pool (see render.h).
 *
 * Determinism: each pixel depends only on the scene and the immutable textures, so the row
 * split of render_scene_pool and the frame split of render_batch cannot change any byte.
 * The only per-frame shared state is the chunk "top" cache of a FrameCtx, which the pool
 * variant fills completely before the rows run in parallel. */
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "render/internal.h"

Renderer *render_create(const RenderOptions *opt) {
    Renderer *r = mem_calloc(1, sizeof *r);
    r->opt.view_distance = 64;
    r->opt.virtual_aspect = 1;
    if (opt) {
        ASSERT(opt->view_distance >= 16 && opt->view_distance <= 128);
        r->opt = *opt;
    }
    r->tex = render_textures_create();
    for (int b = 0; b < 256; b++) {
        r->solid32[b] = render_block_is_solid(b);
        r->cutout32[b] = render_block_is_cutout(b);
    }
    for (int i = 0; i < 256; i++)
        r->face_tex32[i] =
            i / 8 < BLOCK_COUNT && i % 8 < RFACE_COUNT ? r->tex->face_tex[i / 8][i % 8] : 0;
    return r;
}

void render_destroy(Renderer *r) {
    if (!r) return;
    render_textures_destroy(r->tex);
    mem_free(r);
}

const RenderOptions *render_options(const Renderer *r) { return &r->opt; }

const char *render_walk_name(const Renderer *r) {
    return !r->opt.scalar_only && REGION_SHIFT == 4 && render_simd_available() ? "avx512"
                                                                               : "scalar";
}

static void hand_light(FrameCtx *fc, float *out) {
    render_light_rgb(fc, fc->ecx, fc->ecy, fc->ecz, out);
}

void render_scene(const Renderer *r, const RenderScene *sc, uint8_t *out_rgb, int width,
                  int height) {
    ASSERT(r && sc && out_rgb && width > 0 && height > 0);
    FrameCtx *fc = mem_alloc(sizeof *fc);
    render_frame_setup(fc, r, sc, width, height);
    render_world_rows(fc, out_rgb, 0, height);
    if (sc->show_hud) {
        float l[3];
        hand_light(fc, l);
        render_overlay(r, sc, out_rgb, width, height, l);
    }
    mem_free(fc);
}

typedef struct RowJob {
    FrameCtx *fc;
    uint8_t *rgb;
    int rows_per_item;
} RowJob;

static void rows_range(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    RowJob *job = ctx;
    int y0 = (int)begin * job->rows_per_item, y1 = (int)end * job->rows_per_item;
    if (y1 > job->fc->height) y1 = job->fc->height;
    render_world_rows(job->fc, job->rgb, y0, y1);
}

void render_scene_pool(const Renderer *r, ThreadPool *pool, const RenderScene *sc, uint8_t *out_rgb,
                       int width, int height) {
    ASSERT(r && sc && out_rgb && width > 0 && height > 0);
    FrameCtx *fc = mem_alloc(sizeof *fc);
    render_frame_setup(fc, r, sc, width, height);
    render_fill_tops(fc);
    RowJob job = {fc, out_rgb, 8};
    int64_t items = (height + job.rows_per_item - 1) / job.rows_per_item;
    pool_parallel_for(pool, items, 1, rows_range, &job);
    if (sc->show_hud) {
        float l[3];
        hand_light(fc, l);
        render_overlay(r, sc, out_rgb, width, height, l);
    }
    mem_free(fc);
}

const uint8_t *render_block_face_rgba(const Renderer *r, int block, int face) {
    if (block <= 0 || block >= BLOCK_COUNT || face < 0 || face >= RFACE_COUNT) return NULL;
    return (const uint8_t *)r->tex->tex[r->tex->face_tex[block][face]];
}

const uint8_t *render_item_icon_rgba(const Renderer *r, int item) {
    if (item <= 0 || item >= ITEM_COUNT) return NULL;
    return (const uint8_t *)r->tex->icon[item];
}
