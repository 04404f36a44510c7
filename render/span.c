/* span.c: the world pass around the cell walk. Rays are set up, traced and coloured a span (up
 * to SPAN pixels of a row) at a time, in arrays, so that the arithmetic before and after each
 * ray's cell walk (raycast.c) runs as loops over all of them that the compiler vectorizes:
 * directions and their inverses; for the rays that end on an opaque block seen through air
 * (most of them), texture coordinates, mip level, face shade, light and fog; the bytes.
 * Every operation is the same IEEE operation, in the same order, as the per-ray code it
 * replaced (no contraction into FMA: render/ is built with -ffp-contract=off), so the bytes do not
 * depend on how these loops are compiled or on the vector width. The other rays (water, leaves
 * and glass, torches, the targeted block, entities) are finished by render_trace itself, and
 * the sky by render_sky_color. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "render/internal.h"

/* Columns whose ray-direction part (fwd + u * right) is computed once per frame tile. */
#define COL_TILE 256
/* Rays traced and coloured together (whole rows of a column tile, up to this many pixels). */
#define SPAN 256

typedef struct Span {
    int n;
    int32_t px[SPAN], py[SPAN];         /* the pixel of each ray */
    float dx[SPAN], dy[SPAN], dz[SPAN]; /* unit directions */
    float ix[SPAN], iy[SPAN], iz[SPAN]; /* |1 / d| */
    float limit[SPAN];                  /* t_limit */
    int32_t ent[SPAN];                  /* ent_hit */
    Ray ray[SPAN];
    RayHit hit[SPAN];
    float col[SPAN][3];              /* RAY_COLOR: the colour render_trace finished */
    float r[SPAN], g[SPAN], b[SPAN]; /* final colours (0..255) */
    /* the rays that ended on an opaque block seen through air (RAY_BLOCK), compacted */
    int nb;
    /* (16 entries of slack: the SIMD walk stores 16 at a time) */
    int32_t b_pix[SPAN + 16]; /* index in the span */
    float b_t[SPAN + 16], b_dx[SPAN], b_dy[SPAN], b_dz[SPAN];
    int32_t b_x[SPAN + 16], b_y[SPAN + 16], b_z[SPAN + 16], b_face[SPAN + 16], b_block[SPAN + 16];
    int32_t b_off[SPAN]; /* texel offset in the image's mip chain */
    float b_s[SPAN];     /* face shade */
    float b_tr[SPAN], b_tg[SPAN], b_tb[SPAN], b_lr[SPAN], b_lg[SPAN], b_lb[SPAN];
    /* the rays that left the world through air (RAY_SKY) */
    int ns;
    int32_t s_pix[SPAN + 16];
} Span;

/* Rounds a 0..255 colour to a byte: clamped first (maxss/minss, no libm call), which gives the
 * same byte as testing the ends (v <= 0 -> 0, v >= 255 -> 255) and then rounding. */
static inline uint8_t to8(float v) {
    v = v > 0.0f ? v : 0.0f;
    v = v < 255.0f ? v : 255.0f;
    return (uint8_t)(int)(v + 0.5f);
}

/* Unit directions and |1 / d| of the span's n rays (dx, dy, dz hold them unnormalised). */
static void span_directions(Span *sp, int n) {
    for (int i = 0; i < n; i++) {
        float x = sp->dx[i], y = sp->dy[i], z = sp->dz[i];
        float k = 1.0f / sqrtf(x * x + y * y + z * z);
        sp->dx[i] = x * k, sp->dy[i] = y * k, sp->dz[i] = z * k;
    }
    for (int i = 0; i < n; i++) {
        float ax = fabsf(1.0f / sp->dx[i]), ay = fabsf(1.0f / sp->dy[i]),
              az = fabsf(1.0f / sp->dz[i]);
        sp->ix[i] = sp->dx[i] != 0.0f ? ax : RENDER_BIG;
        sp->iy[i] = sp->dy[i] != 0.0f ? ay : RENDER_BIG;
        sp->iz[i] = sp->dz[i] != 0.0f ? az : RENDER_BIG;
    }
}

/* For the compacted RAY_BLOCK rays: the texel offset (face_uv, mip_level and tex_sample of
 * one ray, without branches) and the face shade. */
static void block_texels(const FrameCtx *fc, Span *sp) {
    const float ex = fc->ex, ey = fc->ey, ez = fc->ez, pa = fc->pix_angle;
    const int ecx = fc->ecx, ecy = fc->ecy, ecz = fc->ecz;
    for (int j = 0; j < sp->nb; j++) {
        float t = sp->b_t[j];
        float cx = ex + sp->b_dx[j] * t - (float)(sp->b_x[j] - ecx);
        float cy = ey + sp->b_dy[j] * t - (float)(sp->b_y[j] - ecy);
        float cz = ez + sp->b_dz[j] * t - (float)(sp->b_z[j] - ecz);
        cx = cx < 0.0f ? 0.0f : cx > 0.999f ? 0.999f : cx;
        cy = cy < 0.0f ? 0.0f : cy > 0.999f ? 0.999f : cy;
        cz = cz < 0.0f ? 0.0f : cz > 0.999f ? 0.999f : cz;
        int f = sp->b_face[j];
        /* face_uv: u from z on x faces, else from x; v from z on y faces, else from y; flipped
         * (1 - c) on +x and -z (u) and on every face but +y (v) */
        float su = f < RFACE_NY ? cz : cx;
        float sv = f == RFACE_NY || f == RFACE_PY ? cz : cy;
        float u = f == RFACE_PX || f == RFACE_NZ ? 1.0f - su : su;
        float v = f != RFACE_PY ? 1.0f - sv : sv;
        float texels = t * pa * 16.0f;
        int level = (texels >= 2.0f) + (texels >= 4.0f) + (texels >= 8.0f) + (texels >= 16.0f);
        int n = level == 0 ? 16 : level == 1 ? 8 : level == 2 ? 4 : level == 3 ? 2 : 1;
        int off = level == 0 ? 0 : level == 1 ? 256 : level == 2 ? 320 : level == 3 ? 336 : 340;
        float nf = (float)n;
        int x = (int)(u * nf), y = (int)(v * nf);
        x = x < 0 ? 0 : x >= n ? n - 1 : x;
        y = y < 0 ? 0 : y >= n ? n - 1 : y;
        sp->b_off[j] = off + y * n + x;
        sp->b_s[j] = f < RFACE_NY ? 0.62f : f == RFACE_NY ? 0.5f : f == RFACE_PY ? 1.0f : 0.8f;
    }
}

/* For the compacted RAY_BLOCK rays: the texel and the light of the air cell in front. */
static void block_fetch(const FrameCtx *fc, Span *sp) {
    const RenderTextures *tex = fc->r->tex;
    for (int j = 0; j < sp->nb; j++) {
        int f = sp->b_face[j];
        const Texel *tx = &tex->tex[tex->face_tex[sp->b_block[j]][f]][sp->b_off[j]];
        const int *nrm = RFACE_NORMAL[f];
        const float *l = light_at(fc, sp->b_x[j] + nrm[0], sp->b_y[j] + nrm[1], sp->b_z[j] + nrm[2]);
        sp->b_tr[j] = tx->r, sp->b_tg[j] = tx->g, sp->b_tb[j] = tx->b;
        sp->b_lr[j] = l[0], sp->b_lg[j] = l[1], sp->b_lb[j] = l[2];
    }
}

/* For the compacted RAY_BLOCK rays: texel x shade x light, then the distance fog. */
static void block_colors(const FrameCtx *fc, Span *sp) {
    const float fs = fc->fog_start, fr = fc->max_dist - fc->fog_start;
    const float fogr = fc->fog_color[0], fogg = fc->fog_color[1], fogb = fc->fog_color[2];
    for (int j = 0; j < sp->nb; j++) {
        float s = sp->b_s[j], t = sp->b_t[j];
        float r = sp->b_tr[j] * s * sp->b_lr[j];
        float g = sp->b_tg[j] * s * sp->b_lg[j];
        float b = sp->b_tb[j] * s * sp->b_lb[j];
        float f = (t - fs) / fr;
        f = f < 0.0f ? 0.0f : f > 1.0f ? 1.0f : f;
        f = f * f;
        float fogged_r = r + (fogr - r) * f, fogged_g = g + (fogg - g) * f,
              fogged_b = b + (fogb - b) * f;
        int fog = t > fs;
        sp->b_tr[j] = fog ? fogged_r : r;
        sp->b_tg[j] = fog ? fogged_g : g;
        sp->b_tb[j] = fog ? fogged_b : b;
    }
    for (int j = 0; j < sp->nb; j++) {
        int i = sp->b_pix[j];
        sp->r[i] = sp->b_tr[j], sp->g[i] = sp->b_tg[j], sp->b[i] = sp->b_tb[j];
    }
}

/* The RAY_SKY rays: the sky's colour (no fog, no water on their way). */
static void sky_colors(const FrameCtx *fc, Span *sp) {
    for (int j = 0; j < sp->ns; j++) {
        int i = sp->s_pix[j];
        float d[3] = {sp->dx[i], sp->dy[i], sp->dz[i]}, col[3];
        render_sky_color(fc, d, col);
        sp->r[i] = col[0], sp->g[i] = col[1], sp->b[i] = col[2];
    }
}

/* Whether pixel (px, py) is under an opaque GUI panel (drawn over it later). */
static inline int under_panel(const FrameCtx *fc, int px, int py) {
    for (int j = 0; j < fc->n_occluders; j++) {
        const int *o = fc->occ[j];
        if (px >= o[0] && px < o[2] && py >= o[1] && py < o[3]) return 1;
    }
    return 0;
}

/* Traces the span's rays (the SIMD walk when the frame qualifies) and sorts them by outcome. */
static void span_trace(FrameCtx *fc, Span *sp) {
    const int n = sp->n;
    for (int i = 0; i < n; i++) {
        Ray *ray = &sp->ray[i];
        ray->d[0] = sp->dx[i], ray->d[1] = sp->dy[i], ray->d[2] = sp->dz[i];
        ray->id[0] = sp->ix[i], ray->id[1] = sp->iy[i], ray->id[2] = sp->iz[i];
        ray->t_limit = fc->max_dist;
        ray->ent_hit = 0;
        if (fc->n_boxes) render_trace_entities(fc, sp->px[i], sp->py[i], ray);
        sp->limit[i] = ray->t_limit;
    }
    sp->nb = sp->ns = 0;
    if (fc->simd) {
        for (int i = 0; i < n; i++) sp->hit[i].status = -1, sp->ent[i] = sp->ray[i].ent_hit;
        RaySoA in = {sp->dx, sp->dy, sp->dz, sp->ix, sp->iy, sp->iz, sp->limit, sp->ent};
        SimdOut out = {0, 0, sp->b_pix, sp->b_x, sp->b_y, sp->b_z, sp->b_face, sp->b_block,
                       sp->s_pix, sp->b_t};
        render_trace_simd(fc, sp->ray, &in, n, sp->hit, sp->col, &out);
        sp->nb = out.nb, sp->ns = out.ns;
        for (int j = 0; j < sp->nb; j++) {
            int i = sp->b_pix[j];
            sp->b_dx[j] = sp->dx[i], sp->b_dy[j] = sp->dy[i], sp->b_dz[j] = sp->dz[i];
        }
    } else {
        for (int i = 0; i < n; i++) render_trace(fc, &sp->ray[i], sp->col[i], &sp->hit[i]);
    }
    for (int i = 0; i < n; i++) { /* the rays render_trace finished */
        const RayHit *h = &sp->hit[i];
        if (h->status == RAY_BLOCK) {
            int j = sp->nb++;
            sp->b_pix[j] = i;
            sp->b_t[j] = h->t;
            sp->b_dx[j] = sp->dx[i], sp->b_dy[j] = sp->dy[i], sp->b_dz[j] = sp->dz[i];
            sp->b_x[j] = h->x, sp->b_y[j] = h->y, sp->b_z[j] = h->z;
            sp->b_face[j] = h->face, sp->b_block[j] = h->block;
        } else if (h->status == RAY_SKY) {
            sp->s_pix[sp->ns++] = i;
        } else if (h->status == RAY_COLOR) {
            sp->r[i] = sp->col[i][0], sp->g[i] = sp->col[i][1], sp->b[i] = sp->col[i][2];
        }
    }
}

/* Traces, colours and writes the span's pixels. */
static void span_run(FrameCtx *fc, Span *sp, uint8_t *rgb) {
    span_directions(sp, sp->n);
    span_trace(fc, sp);
    block_texels(fc, sp);
    block_fetch(fc, sp);
    block_colors(fc, sp);
    sky_colors(fc, sp);
    for (int i = 0; i < sp->n; i++) {
        uint8_t *o = rgb + ((size_t)sp->py[i] * fc->width + sp->px[i]) * 3;
        o[0] = to8(sp->r[i]);
        o[1] = to8(sp->g[i]);
        o[2] = to8(sp->b[i]);
    }
}

/* Rows [y0, y1) of columns [x0, x1), whose fwd + u * right are col_dir[px - x0]. Pixels
 * under an opaque GUI panel or the bare arm are left black (the overlay covers them). */
static void world_tile(FrameCtx *fc, uint8_t *rgb, int x0, int x1, int y0, int y1,
                       const float (*col_dir)[3], Span *sp) {
    sp->n = 0;
    for (int py = y0; py < y1; py++) {
        if (sp->n + (x1 - x0) > SPAN) span_run(fc, sp, rgb), sp->n = 0;
        float v = (1.0f - 2.0f * ((float)py + 0.5f) / (float)fc->height) * fc->tan_y;
        float vup[3] = {v * fc->up[0], v * fc->up[1], v * fc->up[2]};
        int hx0 = 0, hx1 = 0; /* the arm's pixels in this row */
        if (fc->hand && !render_hand_span(fc->sc, fc->width, fc->height, py, &hx0, &hx1)) hx1 = 0;
        for (int px = x0; px < x1; px++) {
            if ((px >= hx0 && px < hx1) || (fc->n_occluders && under_panel(fc, px, py))) {
                uint8_t *o = rgb + ((size_t)py * fc->width + px) * 3;
                o[0] = o[1] = o[2] = 0;
                continue;
            }
            int i = sp->n++;
            sp->px[i] = px, sp->py[i] = py;
            /* the same sum as fwd + u * right + v * up, evaluated left to right */
            const float *c = col_dir[px - x0];
            sp->dx[i] = c[0] + vup[0], sp->dy[i] = c[1] + vup[1], sp->dz[i] = c[2] + vup[2];
        }
    }
    if (sp->n) span_run(fc, sp, rgb);
}

#ifdef SPAN_V4
void render_world_rows_v4(FrameCtx *fc, uint8_t *rgb, int y0, int y1);
void render_world_rows_v4(FrameCtx *fc, uint8_t *rgb, int y0, int y1) {
#else
void render_world_rows_v4(FrameCtx *fc, uint8_t *rgb, int y0, int y1);
void render_world_rows(FrameCtx *fc, uint8_t *rgb, int y0, int y1) {
#if defined(__x86_64__)
    if (fc->simd) { /* the CPU has AVX-512: the same passes compiled for it (span_v4.c) */
        render_world_rows_v4(fc, rgb, y0, y1);
        return;
    }
#endif
#endif
    const int W = fc->width;
    float col_dir[COL_TILE][3];
    Span *sp = mem_alloc(sizeof *sp);
    for (int x0 = 0; x0 < W; x0 += COL_TILE) {
        int x1 = x0 + COL_TILE < W ? x0 + COL_TILE : W;
        for (int px = x0; px < x1; px++) {
            float u = (2.0f * ((float)px + 0.5f) / (float)W - 1.0f) * fc->tan_x;
            for (int k = 0; k < 3; k++) col_dir[px - x0][k] = fc->fwd[k] + u * fc->right[k];
        }
        world_tile(fc, rgb, x0, x1, y0, y1, col_dir, sp);
    }
    mem_free(sp);
}
