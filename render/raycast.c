/* raycast.c: the world pass, a voxel ray caster (Amanatides-Woo DDA over chunk arrays).
 *
 * Per pixel: one ray from the eye; entity boxes (items, mobs) are intersected first and cap
 * the ray length; then the DDA walks cells. Empty-space skipping: the highest non-air y of
 * each chunk and of each of its REGION_SIZE-wide column regions ("tops", computed lazily once per
 * frame per chunk) let a ray that is above a region walk the regions in 2D (whole chunks at a time
 * where it is above the chunk) until it comes down below one's top, and resume the cell walk there;
 * the skip is exact (only regions the ray passes above). Opaque blocks end the ray; leaves and
 * glass are alpha-tested per texel; water is a translucent tinted volume whose opacity grows with
 * the distance travelled in it; torches are small boxes in their cell. Colour = texel x face shade
 * x max(sky light x daylight, torch light), fogged to the sky's horizon colour at the view
 * distance; rays that hit nothing take the sky's colour (sky.c). Runs of air below a region's
 * top and runs of water go through a tight inner loop that takes exactly the steps of the full
 * loop (same cells, same distances), so it changes no byte. Pixels under opaque GUI panels and
 * under the bare arm are not traced (the overlay covers them). Everything is computed per pixel
 * from the frame's immutable setup, so any row split gives the same bytes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"

enum { KIND_AIR = 0, KIND_SOLID, KIND_CUTOUT, KIND_GLASS, KIND_WATER, KIND_TORCH };

static const uint8_t BLOCK_KIND[BLOCK_COUNT] = {
    [BLOCK_AIR] = KIND_AIR,
    [BLOCK_STONE] = KIND_SOLID,
    [BLOCK_GRASS] = KIND_SOLID,
    [BLOCK_DIRT] = KIND_SOLID,
    [BLOCK_COBBLESTONE] = KIND_SOLID,
    [BLOCK_BEDROCK] = KIND_SOLID,
    [BLOCK_SAND] = KIND_SOLID,
    [BLOCK_GRAVEL] = KIND_SOLID,
    [BLOCK_WATER] = KIND_WATER,
    [BLOCK_OAK_LOG] = KIND_SOLID,
    [BLOCK_OAK_LEAVES] = KIND_CUTOUT,
    [BLOCK_OAK_PLANKS] = KIND_SOLID,
    [BLOCK_CRAFTING_TABLE] = KIND_SOLID,
    [BLOCK_FURNACE] = KIND_SOLID,
    [BLOCK_COAL_ORE] = KIND_SOLID,
    [BLOCK_IRON_ORE] = KIND_SOLID,
    [BLOCK_DIAMOND_ORE] = KIND_SOLID,
    [BLOCK_TORCH] = KIND_TORCH,
    [BLOCK_OBSIDIAN] = KIND_SOLID,
    [BLOCK_GLASS] = KIND_GLASS,
    [BLOCK_SANDSTONE] = KIND_SOLID,
    [BLOCK_STONE_BRICKS] = KIND_SOLID,
};

#define WORLD_H RENDER_WORLD_H
#define BIG RENDER_BIG

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

static void mix3(float *c, const float *to, float f) {
    for (int k = 0; k < 3; k++) c[k] += (to[k] - c[k]) * f;
}

/* ---- frame setup ---------------------------------------------------------------------- */

static void setup_chunks(FrameCtx *fc) {
    int radius = (int)(fc->max_dist / 16.0f) + 1;
    if (radius > FRAME_MAX_CHUNK_RADIUS) radius = FRAME_MAX_CHUNK_RADIUS;
    fc->ccx0 = (fc->ecx >> 4) - FRAME_MAX_CHUNK_RADIUS;
    fc->ccz0 = (fc->ecz >> 4) - FRAME_MAX_CHUNK_RADIUS;
    const RenderWorldView *w = &fc->sc->world;
    fc->have_versions = w->chunk_version != NULL;
    fc->cache = NULL;
    fc->cache_ok = 0;
    for (int j = 0; j < FRAME_CHUNK_DIM; j++)
        for (int i = 0; i < FRAME_CHUNK_DIM; i++) {
            int di = i - FRAME_MAX_CHUNK_RADIUS, dj = j - FRAME_MAX_CHUNK_RADIUS;
            const uint8_t *ch = NULL, *li = NULL;
            if (w->chunk_blocks && abs(di) <= radius && abs(dj) <= radius) {
                ch = w->chunk_blocks(w->ctx, fc->ccx0 + i, fc->ccz0 + j);
                if (ch && w->chunk_light) li = w->chunk_light(w->ctx, fc->ccx0 + i, fc->ccz0 + j);
            }
            fc->chunks[j * FRAME_CHUNK_DIM + i] = ch;
            fc->lights[j * FRAME_CHUNK_DIM + i] = li;
            fc->versions[j * FRAME_CHUNK_DIM + i] =
                ch && w->chunk_version ? w->chunk_version(w->ctx, fc->ccx0 + i, fc->ccz0 + j) : 0;
            fc->tops[j * FRAME_CHUNK_DIM + i] = -1;
        }
    /* chunk tops kept by the world (else computed on first use, chunk_top) */
    fc->all_tops = w->chunk_top && REGION_PER_CHUNK == 1;
    for (int k = 0; k < FRAME_CHUNK_DIM * FRAME_CHUNK_DIM && fc->all_tops; k++) {
        int t = 0;
        if (fc->chunks[k]) {
            t = w->chunk_top(w->ctx, fc->ccx0 + k % FRAME_CHUNK_DIM,
                             fc->ccz0 + k / FRAME_CHUNK_DIM);
            t = t < 0 ? 0 : t > WORLD_H ? WORLD_H : t;
        }
        fc->tops[k] = (int16_t)t;
        fc->region_tops[k][0] = (uint8_t)t;
        fc->tops8[k] = (uint8_t)t;
    }
    /* the highest top of the table: a rising ray above it meets nothing more */
    fc->max_top = WORLD_H;
    if (fc->all_tops) {
        fc->max_top = 0;
        for (int k = 0; k < FRAME_CHUNK_DIM * FRAME_CHUNK_DIM; k++)
            fc->max_top = fc->tops[k] > fc->max_top ? fc->tops[k] : fc->max_top;
    }
    /* the SIMD walk addresses chunks by 32-bit offsets from the lowest chunk array */
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int k = 0; k < FRAME_CHUNK_DIM * FRAME_CHUNK_DIM; k++) {
        uintptr_t p = (uintptr_t)fc->chunks[k];
        if (!p) continue;
        lo = p < lo ? p : lo;
        hi = p > hi ? p : hi;
    }
    /* packed with the chunk's top: offsets in 16-byte units below 2^24 */
    fc->vbase = lo == UINTPTR_MAX ? NULL : (const uint8_t *)lo;
    int fits = lo == UINTPTR_MAX || hi - lo < ((uintptr_t)1 << 28);
    for (int k = 0; k < FRAME_CHUNK_DIM * FRAME_CHUNK_DIM; k++) {
        uintptr_t off = fc->chunks[k] ? (uintptr_t)fc->chunks[k] - lo : 0;
        fits = fits && off % 16 == 0;
        fc->vchunk[k] = (uint32_t)(off >> 4) << 8 | (fc->all_tops ? (uint32_t)fc->tops[k] : 0xFFu);
        for (int b = 0; b < 3; b++) fc->voff8[b][k] = (uint8_t)(fc->vchunk[k] >> (8 + 8 * b));
    }
    fc->simd = fits;
    fc->vlight_ok = fc->vbase != NULL;
    for (int k = 0; k < FRAME_CHUNK_DIM * FRAME_CHUNK_DIM; k++) {
        fc->vlight[k] = -1;
        if (!fc->lights[k] || !fc->vbase) continue;
        intptr_t off = (intptr_t)((uintptr_t)fc->lights[k] - (uintptr_t)fc->vbase);
        if (off < -(intptr_t)INT32_MAX + 65536 || off > (intptr_t)INT32_MAX - 65536)
            fc->vlight_ok = 0;
        else
            fc->vlight[k] = (int32_t)off;
    }
}

static void eye_walk(FrameCtx *fc);

void render_frame_setup(FrameCtx *fc, const Renderer *r, const RenderScene *sc, int width,
                        int height) {
    fc->r = r;
    fc->sc = sc;
    fc->width = width;
    fc->height = height;
    double fx = floor(sc->eye[0]), fy = floor(sc->eye[1]), fz = floor(sc->eye[2]);
    fc->ecx = (int)fx;
    fc->ecy = (int)fy;
    fc->ecz = (int)fz;
    fc->ex = (float)(sc->eye[0] - fx);
    fc->ey = (float)(sc->eye[1] - fy);
    fc->ez = (float)(sc->eye[2] - fz);
    float yaw = sc->yaw * 0.017453293f, pitch = sc->pitch * 0.017453293f;
    fc->fwd[0] = -sinf(yaw) * cosf(pitch);
    fc->fwd[1] = -sinf(pitch);
    fc->fwd[2] = cosf(yaw) * cosf(pitch);
    fc->right[0] = -cosf(yaw);
    fc->right[1] = 0.0f;
    fc->right[2] = -sinf(yaw);
    const float *a = fc->right, *b = fc->fwd;
    fc->up[0] = a[1] * b[2] - a[2] * b[1];
    fc->up[1] = a[2] * b[0] - a[0] * b[2];
    fc->up[2] = a[0] * b[1] - a[1] * b[0];
    const RenderOptions *opt = render_options(r);
    fc->tan_y = tanf(35.0f * 0.017453293f);
    float aspect = opt->virtual_aspect ? 16.0f / 9.0f : (float)width / (float)height;
    fc->tan_x = fc->tan_y * aspect;
    fc->max_dist = (float)opt->view_distance;
    if (sc->view_limit > 0 && (float)sc->view_limit < fc->max_dist)
        fc->max_dist = (float)(sc->view_limit < 16 ? 16 : sc->view_limit);
    fc->fog_start = fc->max_dist * 0.6f;
    fc->pix_angle = 2.0f * fc->tan_y / (float)height;
    render_sky_setup(fc, sc->time_of_day);
    setup_chunks(fc);
    fc->has_target = sc->has_target;
    fc->tx = sc->target[0];
    fc->ty = sc->target[1];
    fc->tz = sc->target[2];
    fc->crack_stage = -1;
    if (sc->has_target && sc->break_progress > 0.0f) {
        int st = (int)(sc->break_progress * 10.0f);
        fc->crack_stage = st > 9 ? 9 : st;
    }
    render_entities_setup(fc);
    eye_walk(fc);
    fc->simd = fc->simd && !opt->scalar_only && REGION_SHIFT == 4 && fc->eye_inside &&
               render_simd_available();
    fc->hand = render_hand_shown(sc);
    fc->n_occluders = 0;
    if (sc->show_hud && sc->gui.open) { /* same mapping as hud.c's gui_px */
        const RenderRect *rs[2] = {&sc->gui.panel, &sc->gui.book_panel};
        for (int i = 0; i < 2; i++) {
            const RenderRect *q = rs[i];
            if (q->w <= 0 || q->h <= 0) continue;
            int *o = fc->occ[fc->n_occluders++];
            o[0] = q->x * width / 640, o[1] = q->y * height / 360;
            o[2] = (q->x + q->w) * width / 640, o[3] = (q->y + q->h) * height / 360;
        }
    }
}

/* ---- per-ray helpers -------------------------------------------------------------------- */

static const uint8_t ZERO_LAYER[256];

/* Highest non-air y + 1 of chunk k, and of each of its REGION_SIZE-wide column regions (computed
 * once per frame per chunk: a scan down from the top, 8 bytes at a time). */
static int chunk_top(FrameCtx *fc, int k) {
    int16_t t = fc->tops[k];
    if (t >= 0) return t;
    const uint8_t *ch = fc->chunks[k];
    uint8_t *rt = fc->region_tops[k];
    memset(rt, 0, REGIONS);
    int top = 0, found = 0;
    for (int y = WORLD_H - 1; y >= 0 && ch && found < REGIONS; y--) {
        const uint8_t *layer = ch + y * 256;
        if (memcmp(layer, ZERO_LAYER, 256) == 0) continue; /* libc's vectorised compare */
        if (!top) top = y + 1;
        for (int r = 0; r < REGIONS; r++) {
            if (rt[r]) continue;
            const uint8_t *p = layer + (r / REGION_PER_CHUNK) * REGION_SIZE * 16 +
                               (r % REGION_PER_CHUNK) * REGION_SIZE;
            int any = 0;
            for (int row = 0; row < REGION_SIZE && !any; row++)
                any = memcmp(p + row * 16, ZERO_LAYER, REGION_SIZE) != 0;
            if (any) rt[r] = (uint8_t)(y + 1), found++;
        }
    }
    /* Benign race: two threads of one frame may both compute the same value. Frames drawn
     * in parallel each own their FrameCtx, so only render_scene_pool shares one, and it fills
     * every top before the rows run. */
    fc->tops[k] = (int16_t)top;
    fc->vchunk[k] = (fc->vchunk[k] & ~0xFFu) | (uint32_t)top;
    return top;
}

void render_fill_tops(FrameCtx *fc) {
    for (int k = 0; k < FRAME_CHUNK_DIM * FRAME_CHUNK_DIM; k++)
        if (fc->chunks[k]) chunk_top(fc, k);
}

void render_light_rgb(const FrameCtx *fc, int x, int y, int z, float *out) {
    memcpy(out, light_at(fc, x, y, z), 3 * sizeof(float));
}

/* Ray against a torch's stick inside its cell (cell-local origin o). Returns t or -1. */
static float torch_hit(const float *o, const float *d, int *face) {
    static const float LO[3] = {7.0f / 16, 0.0f, 7.0f / 16},
                       HI[3] = {9.0f / 16, 12.0f / 16, 9.0f / 16};
    float t0 = -BIG, t1 = BIG;
    int f = -1;
    for (int k = 0; k < 3; k++) {
        if (fabsf(d[k]) < 1e-9f) {
            if (o[k] < LO[k] || o[k] > HI[k]) return -1.0f;
            continue;
        }
        float inv = 1.0f / d[k];
        float a = (LO[k] - o[k]) * inv, b = (HI[k] - o[k]) * inv;
        int fa = 2 * k, fb = 2 * k + 1; /* entering through the low face when going + */
        if (a > b) {
            float tmp = a;
            a = b;
            b = tmp;
            fa = 2 * k + 1;
        }
        (void)fb;
        if (a > t0) {
            t0 = a;
            f = fa;
        }
        if (b < t1) t1 = b;
    }
    if (t0 > t1 || t1 < 0.0f) return -1.0f;
    *face = f;
    return t0 < 0.0f ? 0.0f : t0;
}

/* Shades a surface texel at cell (x, y, z) hit on `face` at distance t. */
static inline void shade_hit(const FrameCtx *fc, const Texel *tx, int face, int x, int y, int z,
                             float *out) {
    const int *n = RFACE_NORMAL[face];
    const float *l = light_at(fc, x + n[0], y + n[1], z + n[2]);
    float s = RFACE_SHADE[face];
    out[0] = tx->r * s * l[0];
    out[1] = tx->g * s * l[1];
    out[2] = tx->b * s * l[2];
}

/* Darkens the target block's edges (outline) and applies the crack overlay. */
static void target_marks(const FrameCtx *fc, float u, float v, int level, float t, float *c) {
    float w = fmaxf(1.0f / 40.0f, 1.1f * t * fc->pix_angle);
    if (u < w || v < w || u > 1.0f - w || v > 1.0f - w) {
        for (int k = 0; k < 3; k++) c[k] *= 0.15f;
        return;
    }
    if (fc->crack_stage >= 0) {
        const Texel *ct = tex_sample(fc->r->tex->tex[TEX_CRACK_0 + fc->crack_stage], level, u, v);
        float a = ct->a / 255.0f * 0.75f;
        for (int k = 0; k < 3; k++) c[k] *= 1.0f - a;
    }
}

/* Ray against the frame's entity boxes: nearest opaque texel. */
void render_trace_entities(const FrameCtx *fc, const uint8_t *list, int n, int px, int py,
                           Ray *ray) {
    const float *d = ray->d;
    for (int li = 0; li < n; li++) {
        const FrameBox *b = &fc->boxes[list[li]];
        if (px < b->sx0 || px > b->sx1 || py < b->sy0 || py > b->sy1) continue;
        float wx = fc->ex - b->px, wy = fc->ey - b->py, wz = fc->ez - b->pz;
        float o[3] = {b->c * wx - b->s * wz, wy, b->s * wx + b->c * wz};
        float l[3] = {b->c * d[0] - b->s * d[2], d[1], b->s * d[0] + b->c * d[2]};
        float t0 = -BIG, t1 = BIG;
        int face = -1;
        for (int k = 0; k < 3; k++) {
            if (fabsf(l[k]) < 1e-9f) {
                if (o[k] < b->lo[k] || o[k] > b->hi[k]) t0 = BIG;
                continue;
            }
            float inv = 1.0f / l[k];
            float ta = (b->lo[k] - o[k]) * inv, tb = (b->hi[k] - o[k]) * inv;
            int fa = 2 * k;
            if (ta > tb) {
                float tmp = ta;
                ta = tb;
                tb = tmp;
                fa = 2 * k + 1;
            }
            if (ta > t0) {
                t0 = ta;
                face = fa;
            }
            if (tb < t1) t1 = tb;
        }
        if (t0 > t1 || t0 <= 0.0f || t0 >= ray->t_limit || face < 0 || !b->face[face]) continue;
        float f[3];
        for (int k = 0; k < 3; k++)
            f[k] = clampf((o[k] + l[k] * t0 - b->lo[k]) / (b->hi[k] - b->lo[k]), 0.0f, 0.999f);
        float u, v;
        face_uv(face, f[0], f[1], f[2], &u, &v);
        float size = fmaxf(b->hi[0] - b->lo[0], b->hi[1] - b->lo[1]);
        const Texel *tx = tex_sample(b->face[face], mip_level(fc, t0 / fmaxf(size, 0.1f)), u, v);
        if (tx->a < 128) continue;
        float s = RFACE_SHADE[face];
        ray->ent_color[0] = tx->r * s * b->light[0];
        ray->ent_color[1] = tx->g * s * b->light[1];
        ray->ent_color[2] = tx->b * s * b->light[2];
        if (b->tint_red) {
            ray->ent_color[0] = ray->ent_color[0] * 0.5f + 128.0f;
            ray->ent_color[1] *= 0.5f;
            ray->ent_color[2] *= 0.5f;
        }
        ray->t_limit = t0;
        ray->ent_hit = 1;
    }
}

/* The DDA state of one ray. */
typedef struct Dda {
    int x, y, z, sx, sy, sz;
    float tmx, tmy, tmz, idx, idy, idz;
    int fx, fy, fz; /* the face a step along each axis enters through */
    int cy, cz;     /* chunk-array index change of a step in y, in z */
} Dda;

/* Cell and next boundary distance along one axis at distance t (inv = |1/dv|, precomputed). */
static inline void dda_axis(float e, float dv, float inv, float t, int base, int *cell,
                            float *tmax) {
    float p = e + dv * t;
    int ip = (int)p;
    ip -= (float)ip > p; /* floor without a libm call */
    float fl = (float)ip;
    *cell = base + ip;
    *tmax = dv > 0.0f ? t + (fl + 1.0f - p) * inv : dv < 0.0f ? t + (p - fl) * inv : BIG;
}

/* Sets the per-ray constants (steps; inverse directions id from the span pass). */
static void dda_init(const float *d, const float *id, Dda *s) {
    s->sx = d[0] > 0 ? 1 : -1;
    s->sy = d[1] > 0 ? 1 : -1;
    s->sz = d[2] > 0 ? 1 : -1;
    s->fx = s->sx > 0 ? RFACE_NX : RFACE_PX;
    s->fy = s->sy > 0 ? RFACE_NY : RFACE_PY;
    s->fz = s->sz > 0 ? RFACE_NZ : RFACE_PZ;
    s->cy = 256 * s->sy;
    s->cz = 16 * s->sz;
    s->idx = id[0];
    s->idy = id[1];
    s->idz = id[2];
}

/* (Re)starts the DDA at distance t along d (t = 0: at the eye). */
static inline void dda_start(const FrameCtx *fc, const float *d, float t, Dda *s) {
    dda_axis(fc->ex, d[0], s->idx, t, fc->ecx, &s->x, &s->tmx);
    dda_axis(fc->ey, d[1], s->idy, t, fc->ecy, &s->y, &s->tmy);
    dda_axis(fc->ez, d[2], s->idz, t, fc->ecz, &s->z, &s->tmz);
}

/* Distances at which the ray crosses the next x and z boundaries of the size-wide column
 * cell whose corner is (cx, cz) (world coordinates). */
static inline void cell_bounds(const FrameCtx *fc, const float *d, const Dda *s, int cx, int cz,
                               float size, float *tx, float *tz) {
    float x0 = (float)(cx - fc->ecx) - fc->ex, z0 = (float)(cz - fc->ecz) - fc->ez;
    *tx = d[0] > 0 ? (x0 + size) * s->idx : d[0] < 0 ? -x0 * s->idx : BIG;
    *tz = d[2] > 0 ? (z0 + size) * s->idz : d[2] < 0 ? -z0 * s->idz : BIG;
}

static inline int floor_to_int(float p) {
    int ip = (int)p;
    return ip - ((float)ip > p);
}

/* From distance t (in a cell above its region's top), walks the REGION_SIZE-wide column regions
 * along the ray in 2D while the ray stays above each region's highest block, jumping whole chunks
 * when it is above the chunk's highest block. Returns 0 when the ray reaches the view's edge or
 * `limit` first; else 1 with the distance where the cell walk must resume and the face a
 * block there would be entered through. Resuming early is always safe (the cell walk checks
 * every cell); only regions the ray provably passes above are skipped. */
static int skip_regions(FrameCtx *fc, const float *d, const Dda *s, float t, float limit,
                        float *t_out, int *face_out) {
    int rx = s->x >> REGION_SHIFT, rz = s->z >> REGION_SHIFT;
    float tmx, tmz;
    cell_bounds(fc, d, s, rx * REGION_SIZE, rz * REGION_SIZE, (float)REGION_SIZE, &tmx, &tmz);
    float tdx = (float)REGION_SIZE * s->idx, tdz = (float)REGION_SIZE * s->idz;
    float y0 = (float)fc->ecy + fc->ey; /* eye height */
    float t_in = t;
    int face = RFACE_PY;
    int ckx = INT32_MIN, ckz = 0, k = 0, ctop = 0; /* the current chunk, cached */
    float tcx = 0.0f, tcz = 0.0f, t_cexit = 0.0f;
    for (;;) {
        if ((rx >> RC_SHIFT) != ckx || (rz >> RC_SHIFT) != ckz) {
            ckx = rx >> RC_SHIFT, ckz = rz >> RC_SHIFT;
            int kx = ckx - fc->ccx0, kz = ckz - fc->ccz0;
            if (kx < 0 || kz < 0 || kx >= FRAME_CHUNK_DIM || kz >= FRAME_CHUNK_DIM) return 0;
            k = kz * FRAME_CHUNK_DIM + kx;
            ctop = fc->chunks[k] ? chunk_top(fc, k) : 0;
            if (REGION_PER_CHUNK > 1) {
                cell_bounds(fc, d, s, ckx * 16, ckz * 16, 16.0f, &tcx, &tcz);
                t_cexit = tcx < tcz ? tcx : tcz;
            }
        }
        int top = fc->chunks[k]
                      ? fc->region_tops[k][(rz & (REGION_PER_CHUNK - 1)) * REGION_PER_CHUNK +
                                           (rx & (REGION_PER_CHUNK - 1))]
                      : 0;
        if (d[1] >= 0.0f && y0 + d[1] * t_in >= (float)WORLD_H) return 0;
        /* above the whole chunk until it leaves it: jump to the next chunk */
        /* (a region is a whole chunk when REGION_SHIFT is 4: the chunk's exit is the region's, up
         * to rounding far beyond the view distance, where both ways return 0) */
        float t_clow = d[1] >= 0.0f ? t_in : (t_cexit < limit ? t_cexit : limit);
        if (REGION_PER_CHUNK > 1 && t_cexit > tmx + 1e-3f && t_cexit > tmz + 1e-3f &&
            y0 + d[1] * t_clow >= (float)ctop) {
            if (t_cexit >= limit) return 0;
            t_in = t_cexit;
            if (tcx < tcz) {
                rx = (ckx + s->sx) * REGION_PER_CHUNK + (s->sx > 0 ? 0 : REGION_PER_CHUNK - 1);
                rz = (fc->ecz + floor_to_int(fc->ez + d[2] * t_in)) >> REGION_SHIFT;
                face = s->sx > 0 ? RFACE_NX : RFACE_PX;
            } else {
                rz = (ckz + s->sz) * REGION_PER_CHUNK + (s->sz > 0 ? 0 : REGION_PER_CHUNK - 1);
                rx = (fc->ecx + floor_to_int(fc->ex + d[0] * t_in)) >> REGION_SHIFT;
                face = s->sz > 0 ? RFACE_NZ : RFACE_PZ;
            }
            cell_bounds(fc, d, s, rx * REGION_SIZE, rz * REGION_SIZE, (float)REGION_SIZE, &tmx,
                        &tmz);
            continue;
        }
        float t_exit = tmx < tmz ? tmx : tmz;
        /* the ray's lowest point in this region: where it enters (going up) or leaves */
        float t_low = d[1] >= 0.0f ? t_in : (t_exit < limit ? t_exit : limit);
        if (y0 + d[1] * t_low < (float)top) {
            float tr = t_in;
            if (d[1] < 0.0f) {
                float t_top = ((float)top - y0) / d[1];
                if (t_top > tr) tr = t_top, face = RFACE_PY;
            }
            if (tr >= limit) return 0;
            *t_out = tr;
            *face_out = face;
            return 1;
        }
        if (t_exit >= limit) return 0;
        t_in = t_exit;
        if (tmx < tmz) {
            rx += s->sx;
            tmx += tdx;
            face = s->sx > 0 ? RFACE_NX : RFACE_PX;
        } else {
            rz += s->sz;
            tmz += tdz;
            face = s->sz > 0 ? RFACE_NZ : RFACE_PZ;
        }
    }
}

typedef struct Water {
    int inside;
    float enter, dist;
    int surface;
    float color[3];
} Water;

/* Handles a non-air cell. Returns 1 when the ray stops here with *out set. */
static int hit_cell(FrameCtx *fc, const Ray *ray, const Dda *s, int block, int prev, int face,
                    float t, Water *w, float *out) {
    const RenderTextures *tex = fc->r->tex;
    int kind = BLOCK_KIND[block];
    float cx = fc->ex + ray->d[0] * t - (float)(s->x - fc->ecx);
    float cy = fc->ey + ray->d[1] * t - (float)(s->y - fc->ecy);
    float cz = fc->ez + ray->d[2] * t - (float)(s->z - fc->ecz);
    if (kind == KIND_WATER) {
        if (!w->inside) {
            w->inside = 1;
            w->enter = t;
            if (!w->surface && prev != BLOCK_WATER) {
                float u, v;
                face_uv(face, clampf(cx, 0, 0.999f), clampf(cy, 0, 0.999f), clampf(cz, 0, 0.999f),
                        &u, &v);
                const Texel *tx = tex_sample(tex->tex[TEX_WATER], mip_level(fc, t), u, v);
                shade_hit(fc, tx, face == RFACE_NY ? RFACE_PY : face, s->x, s->y, s->z, w->color);
                w->surface = 1;
            }
        }
        return 0;
    }
    if (kind == KIND_TORCH) {
        float o[3] = {cx, cy, cz};
        int tf = 0;
        float tl = torch_hit(o, ray->d, &tf);
        if (tl < 0.0f) return 0;
        float p[3] = {o[0] + ray->d[0] * tl, o[1] + ray->d[1] * tl, o[2] + ray->d[2] * tl};
        float u, v;
        face_uv(tf, p[0], p[1], p[2], &u, &v);
        const Texel *tx = tf == RFACE_PY ? &tex->tex[TEX_TORCH][5 * 16 + 7]
                                         : tex_sample(tex->tex[TEX_TORCH], 0, u, v);
        out[0] = tx->r, out[1] = tx->g, out[2] = tx->b;
        return 1;
    }
    if (kind == KIND_GLASS && prev == block) return 0;
    float u, v;
    face_uv(face, clampf(cx, 0, 0.999f), clampf(cy, 0, 0.999f), clampf(cz, 0, 0.999f), &u, &v);
    int level = mip_level(fc, t);
    const Texel *tx = tex_sample(tex->tex[tex->face_tex[block][face]], level, u, v);
    if (kind != KIND_SOLID && tx->a < 128) return 0;
    shade_hit(fc, tx, face, s->x, s->y, s->z, out);
    if (fc->has_target && s->x == fc->tx && s->y == fc->ty && s->z == fc->tz)
        target_marks(fc, u, v, level, t, out);
    return 1;
}

/* Where the cell walk is: the chunk of the current cell, the cell's index in it (linear in y,
 * so it stays right while y is outside the world) and its region's top. Updated
 * incrementally by the steps; recomputed when a step crosses a region boundary. */
typedef struct Walk {
    const uint8_t *ch;
    int k, cell, top;
} Walk;

/* Returns 0 when the current cell is outside the frame's chunk table. */
static inline int walk_locate(FrameCtx *fc, const Dda *s, Walk *wk) {
    int kx = (s->x >> 4) - fc->ccx0, kz = (s->z >> 4) - fc->ccz0;
    if ((unsigned)kx >= FRAME_CHUNK_DIM || (unsigned)kz >= FRAME_CHUNK_DIM) return 0;
    int lx = s->x & 15, lz = s->z & 15;
    wk->k = kz * FRAME_CHUNK_DIM + kx;
    wk->ch = fc->chunks[wk->k];
    wk->cell = (s->y * 16 + lz) * 16 + lx;
    wk->top = 0;
    if (wk->ch) {
        chunk_top(fc, wk->k);
        wk->top =
            fc->region_tops[wk->k][(lz >> REGION_SHIFT) * REGION_PER_CHUNK + (lx >> REGION_SHIFT)];
    }
    return 1;
}

/* walk_locate at the eye's cell, where every ray starts (once per frame). */
static void eye_walk(FrameCtx *fc) {
    Dda s;
    memset(&s, 0, sizeof s);
    s.x = fc->ecx, s.y = fc->ecy, s.z = fc->ecz;
    Walk wk = {NULL, 0, 0, 0};
    fc->eye_inside = walk_locate(fc, &s, &wk);
    fc->eye_ch = wk.ch;
    fc->eye_k = wk.k;
    fc->eye_cell = wk.cell;
    fc->eye_top = wk.top;
}

/* One DDA step to the nearest boundary: updates the cell, t (the distance where the new cell is
 * entered) and the face it is entered through. Returns 0 when the new cell is outside the frame's
 * chunk table. wk->top is 0 where there is no chunk, so `y < top` implies wk->ch. */
static inline int dda_step(FrameCtx *fc, Dda *s, Walk *wk, float *t, int *face, int edge_x,
                           int edge_z) {
    if (s->tmx < s->tmy && s->tmx < s->tmz) {
        s->x += s->sx;
        *t = s->tmx;
        s->tmx += s->idx;
        *face = s->fx;
        if ((s->x & (REGION_SIZE - 1)) == edge_x) return walk_locate(fc, s, wk);
        wk->cell += s->sx;
    } else if (s->tmy < s->tmz) {
        s->y += s->sy;
        *t = s->tmy;
        s->tmy += s->idy;
        *face = s->fy;
        wk->cell += s->cy;
    } else {
        s->z += s->sz;
        *t = s->tmz;
        s->tmz += s->idz;
        *face = s->fz;
        if ((s->z & (REGION_SIZE - 1)) == edge_z) return walk_locate(fc, s, wk);
        wk->cell += s->cz;
    }
    return 1;
}

/* The cell walk's fast path: steps while the current cell is air below its region's top
 * (nothing to skip, no water to account for) and t < limit. Takes exactly the steps of
 * repeated dda_step calls (same axis choice, same sums), with the state in registers. Returns
 * whether it stepped at least once; *inside becomes 0 when a step leaves the chunk table. */
static inline int walk_air(FrameCtx *fc, Dda *s, Walk *wk, float *tp, int *facep, int *inside,
                           float limit, int edge_x, int edge_z) {
    int x = s->x, y = s->y, z = s->z, cell = wk->cell, top = wk->top;
    const uint8_t *ch = wk->ch;
    float tmx = s->tmx, tmy = s->tmy, tmz = s->tmz, t = *tp;
    const float idx = s->idx, idy = s->idy, idz = s->idz;
    int face = *facep, stepped = 0;
    while (t < limit && (unsigned)y < (unsigned)top && ch[cell] == BLOCK_AIR) {
        stepped = 1;
        if (tmx < tmz && tmx < tmy) {
            x += s->sx;
            t = tmx;
            tmx += idx;
            face = s->fx;
            if ((x & (REGION_SIZE - 1)) == edge_x) goto relocate;
            cell += s->sx;
        } else if (tmy < tmz) {
            y += s->sy;
            t = tmy;
            tmy += idy;
            face = s->fy;
            cell += s->cy;
        } else {
            z += s->sz;
            t = tmz;
            tmz += idz;
            face = s->fz;
            if ((z & (REGION_SIZE - 1)) == edge_z) goto relocate;
            cell += s->cz;
        }
        continue;
    relocate:
        s->x = x, s->y = y, s->z = z;
        if (!walk_locate(fc, s, wk)) {
            *inside = 0;
            break;
        }
        ch = wk->ch, cell = wk->cell, top = wk->top;
    }
    s->x = x, s->y = y, s->z = z;
    s->tmx = tmx, s->tmy = tmy, s->tmz = tmz;
    wk->cell = cell;
    *tp = t;
    *facep = face;
    return stepped;
}

/* Final colour of a ray: the hit (or the entity behind the ray's end, or the sky), fogged by
 * distance, then seen through the water it crossed. col holds the hit colour when hit. */
static void finish_ray(const FrameCtx *fc, const Ray *ray, const Water *w, int hit, float t,
                       float *col) {
    float t_end = t;
    if (!hit) {
        if (ray->ent_hit) {
            memcpy(col, ray->ent_color, 3 * sizeof(float));
            t_end = ray->t_limit;
        } else {
            render_sky_color(fc, ray->d, col);
            t_end = -1.0f;
        }
    }
    if (t_end > fc->fog_start) {
        float f = clampf((t_end - fc->fog_start) / (fc->max_dist - fc->fog_start), 0.0f, 1.0f);
        mix3(col, fc->fog_color, f * f);
    }
    if (w->surface || w->dist > 0.0f) {
        float deep[3] = {20.0f + 20.0f * fc->daylight, 40.0f + 40.0f * fc->daylight,
                         70.0f + 110.0f * fc->daylight};
        const float *wc = w->surface ? w->color : deep;
        /* seen through the surface: the surface tint plus depth; from inside: dense fog */
        float a = w->surface ? 0.45f + 0.55f * (1.0f - expf(-w->dist / 6.0f))
                             : 0.15f + 0.85f * (1.0f - expf(-w->dist / 5.0f));
        mix3(col, wc, clampf(a, 0.0f, 0.95f));
    }
}

/* Traces one ray through the world: either writes the final colour (0..255 floats) to out
 * (hit->status RAY_COLOR) or leaves a RAY_BLOCK / RAY_SKY record for the span's passes. */
/* The cell walk from a state at the top of its loop (see render_trace): s and wk at the current
 * cell, entered at distance t through `face` (-1: the eye's cell) after a cell `prev`. */
static void trace_from(FrameCtx *fc, Ray *ray, Dda *sp, Walk *wkp, float t, int face, int prev,
                       int inside, float *out, RayHit *hit_out) {
    const float *d = ray->d;
    Dda s = *sp;
    Walk wk = *wkp;
    float limit = ray->t_limit;
    int hit = 0;
    Water w = {0};
    float col[3] = {0, 0, 0};
    /* x & (REGION_SIZE - 1) when a step enters a new region */
    const int edge_x = s.sx > 0 ? 0 : REGION_SIZE - 1, edge_z = s.sz > 0 ? 0 : REGION_SIZE - 1;
    while (inside && t < limit) {
        int block = BLOCK_AIR;
        /* (not worth it when a falling ray reaches the region's top within 3 blocks) */
        if (s.y >= wk.top && !w.inside &&
            (d[1] >= 0.0f || ((float)fc->ecy + fc->ey + d[1] * t - (float)wk.top) * s.idy > 3.0f)) {
            /* above everything in this region: walk regions in 2D until the ray
             * comes down below one's top, then resume the cell walk there */
            float tr;
            int jf;
            if (s.y >= WORLD_H && d[1] >= 0.0f) break;
            if (!skip_regions(fc, d, &s, t, limit, &tr, &jf)) {
                t = limit;
                break;
            }
            if (tr > t + 1e-4f || s.y >= WORLD_H) {
                t = tr;
                face = jf;
                dda_start(fc, d, t + 1e-4f, &s);
                prev = BLOCK_AIR;
                inside = walk_locate(fc, &s, &wk);
                continue;
            }
        }
        if ((unsigned)s.y < WORLD_H) {
            if (wk.ch) block = wk.ch[wk.cell];
        } else if ((s.y >= WORLD_H) == (d[1] >= 0)) {
            break; /* above the world going up, or below it going down */
        }
        if (w.inside && block != BLOCK_WATER) {
            w.dist += t - w.enter;
            w.inside = 0;
        }
        if (block != BLOCK_AIR) {
            if (face < 0) { /* the eye's own cell: only water counts */
                if (block == BLOCK_WATER) w.inside = 1, w.enter = 0.0f;
            } else if (BLOCK_KIND[block] == KIND_SOLID && !w.surface && w.dist == 0.0f &&
                       !(fc->has_target && s.x == fc->tx && s.y == fc->ty && s.z == fc->tz)) {
                /* the common case, coloured later with the span (shade_block_hits) */
                hit_out->status = RAY_BLOCK;
                hit_out->t = t;
                hit_out->x = s.x, hit_out->y = s.y, hit_out->z = s.z;
                hit_out->face = face, hit_out->block = block;
                return;
            } else if (hit_cell(fc, ray, &s, block, prev, face, t, &w, col)) {
                hit = 1;
                break;
            }
        }
        prev = block;
        inside = dda_step(fc, &s, &wk, &t, &face, edge_x, edge_z);
        /* fast path: a run of air cells below the region's top (no skipping possible, no
         * water to account for): the same steps as above without the per-cell checks */
        if (w.inside) {
            /* likewise a run of water cells (nothing to do but step) */
            while (inside && t < limit && (unsigned)s.y < WORLD_H && wk.ch &&
                   wk.ch[wk.cell] == BLOCK_WATER) {
                prev = BLOCK_WATER;
                inside = dda_step(fc, &s, &wk, &t, &face, edge_x, edge_z);
            }
            continue;
        }
        if (inside && walk_air(fc, &s, &wk, &t, &face, &inside, limit, edge_x, edge_z))
            prev = BLOCK_AIR;
    }
    if (w.inside) w.dist += fminf(t, limit) - w.enter;
    if (!hit && !ray->ent_hit && !w.surface && w.dist == 0.0f) {
        hit_out->status = RAY_SKY; /* coloured later with the span (sky_hits) */
        return;
    }
    hit_out->status = RAY_COLOR;
    hit_out->stopped = hit;
    hit_out->t = t;
    hit_out->x = s.x, hit_out->y = s.y, hit_out->z = s.z;
    finish_ray(fc, ray, &w, hit, t, col);
    memcpy(out, col, sizeof col);
}

void render_trace(FrameCtx *fc, Ray *ray, float *out, RayHit *hit_out) {
    const float *d = ray->d;
    Dda s;
    dda_init(d, ray->id, &s);
    /* at the eye: its cell, and boundaries from its fractional position (no floor needed) */
    s.x = fc->ecx, s.y = fc->ecy, s.z = fc->ecz;
    s.tmx = d[0] > 0 ? (1.0f - fc->ex) * s.idx : d[0] < 0 ? fc->ex * s.idx : BIG;
    s.tmy = d[1] > 0 ? (1.0f - fc->ey) * s.idy : d[1] < 0 ? fc->ey * s.idy : BIG;
    s.tmz = d[2] > 0 ? (1.0f - fc->ez) * s.idz : d[2] < 0 ? fc->ez * s.idz : BIG;
    Walk wk = {fc->eye_ch, fc->eye_k, fc->eye_cell, fc->eye_top}; /* walk_locate at the eye */
    trace_from(fc, ray, &s, &wk, 0.0f, -1, BLOCK_AIR, fc->eye_inside, out, hit_out);
}

void render_trace_resume(FrameCtx *fc, Ray *ray, const int *cell, const float *tm, float t,
                         int face, float *out, RayHit *hit_out) {
    Dda s;
    dda_init(ray->d, ray->id, &s);
    s.x = cell[0], s.y = cell[1], s.z = cell[2];
    s.tmx = tm[0], s.tmy = tm[1], s.tmz = tm[2];
    Walk wk = {NULL, 0, 0, 0};
    int inside = walk_locate(fc, &s, &wk);
    trace_from(fc, ray, &s, &wk, t, face, BLOCK_AIR, inside, out, hit_out);
}

int render_chunk_top(FrameCtx *fc, int k) { return chunk_top(fc, k); }

int render_block_is_cutout(int block) {
    return (unsigned)block < BLOCK_COUNT && BLOCK_KIND[block] == KIND_CUTOUT;
}

int render_block_is_solid(int block) {
    return (unsigned)block < BLOCK_COUNT && BLOCK_KIND[block] == KIND_SOLID;
}
