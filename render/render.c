/* render.c: the public entry points: create/destroy, one frame, a frame split over a pool,
 * and batches of frames over a pool (see render.h).
 *
 * Determinism: each pixel depends only on the scene and the immutable textures, so the row
 * split of render_scene_pool and the frame split of render_batch cannot change any byte.
 * The only per-frame shared state is the chunk "top" cache of a FrameCtx, which the pool
 * variant fills completely before the rows run in parallel. */
#include <math.h>
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

/* ---- frame-to-frame reuse ------------------------------------------------------------- */

RenderCache *render_cache_create(void) { return mem_calloc(1, sizeof(RenderCache)); }

void render_cache_destroy(RenderCache *c) {
    if (!c) return;
    mem_free(c->e);
    mem_free(c->cell);
    mem_free(c);
}

void render_cache_reset(RenderCache *c) { c->have_key = 0; }

void render_cache_stats(const RenderCache *c, RenderCacheStats *out) { *out = c->stats; }

/* Grows rect (pixels, inclusive) to cover every pixel whose ray may meet cell (x, y, z): the
 * cell's corners projected as world_tile aims the rays, 2 pixels of margin; the whole frame
 * when a corner is not in front of the eye. */
static void cover_cell(const FrameCtx *fc, int x, int y, int z, int *rect) {
    float lo[2] = {RENDER_BIG, RENDER_BIG}, hi[2] = {-RENDER_BIG, -RENDER_BIG};
    for (int k = 0; k < 8; k++) {
        float v[3] = {(float)(x + (k & 1) - fc->ecx) - fc->ex,
                      (float)(y + (k >> 1 & 1) - fc->ecy) - fc->ey,
                      (float)(z + (k >> 2) - fc->ecz) - fc->ez};
        float c = v[0] * fc->fwd[0] + v[1] * fc->fwd[1] + v[2] * fc->fwd[2];
        if (c < 0.05f) {
            rect[0] = rect[1] = 0, rect[2] = fc->width - 1, rect[3] = fc->height - 1;
            return;
        }
        float a = v[0] * fc->right[0] + v[1] * fc->right[1] + v[2] * fc->right[2];
        float b = v[0] * fc->up[0] + v[1] * fc->up[1] + v[2] * fc->up[2];
        float px = (a / c / fc->tan_x + 1.0f) * 0.5f * (float)fc->width - 0.5f;
        float py = (1.0f - b / c / fc->tan_y) * 0.5f * (float)fc->height - 0.5f;
        lo[0] = px < lo[0] ? px : lo[0], hi[0] = px > hi[0] ? px : hi[0];
        lo[1] = py < lo[1] ? py : lo[1], hi[1] = py > hi[1] ? py : hi[1];
    }
    int r[4] = {(int)floorf(lo[0]) - 2, (int)floorf(lo[1]) - 2, (int)ceilf(hi[0]) + 2,
                (int)ceilf(hi[1]) + 2};
    if (rect[0] > rect[2]) { /* empty so far */
        memcpy(rect, r, sizeof r);
        return;
    }
    rect[0] = r[0] < rect[0] ? r[0] : rect[0], rect[1] = r[1] < rect[1] ? r[1] : rect[1];
    rect[2] = r[2] > rect[2] ? r[2] : rect[2], rect[3] = r[3] > rect[3] ? r[3] : rect[3];
}

/* The frame's key; fc->cache_ok when the cache's last frame had the same one. */
static void cache_begin(RenderCache *c, FrameCtx *fc) {
    CacheKey k;
    memset(&k, 0, sizeof k); /* (padding too: keys are compared with memcmp) */
    k.r = fc->r;
    k.width = fc->width, k.height = fc->height;
    k.ecx = fc->ecx, k.ecy = fc->ecy, k.ecz = fc->ecz, k.ccx0 = fc->ccx0, k.ccz0 = fc->ccz0;
    k.ex = fc->ex, k.ey = fc->ey, k.ez = fc->ez;
    memcpy(k.fwd, fc->fwd, sizeof k.fwd);
    memcpy(k.right, fc->right, sizeof k.right);
    memcpy(k.up, fc->up, sizeof k.up);
    k.tan_x = fc->tan_x, k.tan_y = fc->tan_y, k.max_dist = fc->max_dist;
    k.pix_angle = fc->pix_angle;
    int n = fc->width * fc->height;
    if (c->pixels != n) {
        mem_free(c->e);
        mem_free(c->cell);
        c->e = MEM_NEW_ARRAY(CacheEntry, (size_t)n);
        c->cell = MEM_NEW_ARRAY(CacheCell, (size_t)n);
        c->pixels = n;
        c->have_key = 0;
    }
    ShadeKey sh;
    memset(&sh, 0, sizeof sh);
    sh.daylight = fc->daylight;
    memcpy(sh.sky_zenith, fc->sky_zenith, sizeof sh.sky_zenith);
    memcpy(sh.sky_horizon, fc->sky_horizon, sizeof sh.sky_horizon);
    memcpy(sh.fog_color, fc->fog_color, sizeof sh.fog_color);
    memcpy(sh.light_tab, fc->light_tab, sizeof sh.light_tab);
    fc->cache = c;
    fc->cache_ok = c->have_key && memcmp(&k, &c->key, sizeof k) == 0;
    /* the nearest chunk that changed (or came or went) */
    fc->reuse_dist = RENDER_BIG;
    double eye_x = (double)fc->ecx + fc->ex, eye_z = (double)fc->ecz + fc->ez;
    for (int j = 0; j < FRAME_CHUNK_DIM && fc->cache_ok; j++)
        for (int i = 0; i < FRAME_CHUNK_DIM; i++) {
            int q = j * FRAME_CHUNK_DIM + i;
            if (fc->chunks[q] == c->chunks[q] && fc->versions[q] == c->versions[q]) continue;
            double x0 = 16.0 * (fc->ccx0 + i), z0 = 16.0 * (fc->ccz0 + j);
            double dx = eye_x < x0 ? x0 - eye_x : eye_x > x0 + 16.0 ? eye_x - x0 - 16.0 : 0.0;
            double dz = eye_z < z0 ? z0 - eye_z : eye_z > z0 + 16.0 ? eye_z - z0 - 16.0 : 0.0;
            float d = (float)sqrt(dx * dx + dz * dz);
            fc->reuse_dist = d < fc->reuse_dist ? d : fc->reuse_dist;
        }
    memcpy(c->chunks, fc->chunks, sizeof c->chunks);
    memcpy(c->versions, fc->versions, sizeof c->versions);
    fc->shade_ok = fc->cache_ok && memcmp(&sh, &c->shade, sizeof sh) == 0;
    fc->target_ok = fc->shade_ok && c->has_target == fc->has_target &&
                    (!fc->has_target || (c->target[0] == fc->tx && c->target[1] == fc->ty &&
                                         c->target[2] == fc->tz)) &&
                    c->crack_stage == fc->crack_stage;
    fc->prev_has_target = c->have_key && c->has_target;
    memcpy(fc->prev_target, c->target, sizeof c->target);
    fc->target_rect[0] = 1, fc->target_rect[2] = 0;
    if (fc->has_target) cover_cell(fc, fc->tx, fc->ty, fc->tz, fc->target_rect);
    if (!fc->target_ok && fc->prev_has_target)
        cover_cell(fc, fc->prev_target[0], fc->prev_target[1], fc->prev_target[2], fc->target_rect);
    c->key = k;
    c->shade = sh;
    c->has_target = fc->has_target;
    c->target[0] = fc->tx, c->target[1] = fc->ty, c->target[2] = fc->tz;
    c->crack_stage = fc->crack_stage;
    c->have_key = fc->have_versions; /* (a world that cannot say when blocks change: never) */
    c->stats.frames++;
    c->stats.reused_frames += fc->cache_ok;
}

/* One frame on this thread, through cache c (NULL: none). */
static void draw_scene(const Renderer *r, RenderCache *c, const RenderScene *sc, uint8_t *out_rgb,
                       int width, int height) {
    ASSERT(r && sc && out_rgb && width > 0 && height > 0);
    FrameCtx *fc = mem_alloc(sizeof *fc);
    render_frame_setup(fc, r, sc, width, height);
    if (c) cache_begin(c, fc);
    render_world_rows(fc, out_rgb, 0, height);
    if (sc->show_hud) {
        float l[3];
        hand_light(fc, l);
        render_overlay(r, sc, out_rgb, width, height, l);
    }
    mem_free(fc);
}

void render_scene(const Renderer *r, const RenderScene *sc, uint8_t *out_rgb, int width,
                  int height) {
    draw_scene(r, NULL, sc, out_rgb, width, height);
}

void render_scene_cached(const Renderer *r, RenderCache *c, const RenderScene *sc, uint8_t *out_rgb,
                         int width, int height) {
    ASSERT(c);
    draw_scene(r, c, sc, out_rgb, width, height);
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

static void draw_scene_pool(const Renderer *r, ThreadPool *pool, RenderCache *c,
                            const RenderScene *sc, uint8_t *out_rgb, int width, int height) {
    ASSERT(r && sc && out_rgb && width > 0 && height > 0);
    FrameCtx *fc = mem_alloc(sizeof *fc);
    render_frame_setup(fc, r, sc, width, height);
    render_fill_tops(fc);
    if (c) cache_begin(c, fc); /* (each row's pixels are one thread's) */
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

void render_scene_pool(const Renderer *r, ThreadPool *pool, const RenderScene *sc, uint8_t *out_rgb,
                       int width, int height) {
    draw_scene_pool(r, pool, NULL, sc, out_rgb, width, height);
}

void render_scene_pool_cached(const Renderer *r, ThreadPool *pool, RenderCache *c,
                              const RenderScene *sc, uint8_t *out_rgb, int width, int height) {
    ASSERT(c);
    draw_scene_pool(r, pool, c, sc, out_rgb, width, height);
}

const uint8_t *render_block_face_rgba(const Renderer *r, int block, int face) {
    if (block <= 0 || block >= BLOCK_COUNT || face < 0 || face >= RFACE_COUNT) return NULL;
    return (const uint8_t *)r->tex->tex[r->tex->face_tex[block][face]];
}

const uint8_t *render_item_icon_rgba(const Renderer *r, int item) {
    if (item <= 0 || item >= ITEM_COUNT) return NULL;
    return (const uint8_t *)r->tex->icon[item];
}
