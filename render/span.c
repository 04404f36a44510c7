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
    /* the rays that ended at their entity through air (colour and fog here) */
    int ne;
    int32_t e_pix[SPAN + 16];
    /* with a RenderCache: the rays to trace, compacted (their index in this span in map) */
    struct Span *aux;
    int32_t map[SPAN];
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
        const float *l =
            light_at(fc, sp->b_x[j] + nrm[0], sp->b_y[j] + nrm[1], sp->b_z[j] + nrm[2]);
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

#ifdef SPAN_V4
#include "render/texel_simd.h"

/* block_texels, block_fetch and block_colors, 16 hits at a time (AVX-512): the same float
 * operations lane by lane (render_texel16); light bytes and light-table entries gathered. */
static void block_shade_v4(const FrameCtx *fc, Span *sp) {
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __m512i izero = _mm512_setzero_si512();
    const __m512 shade =
        _mm512_setr_ps(0.62f, 0.62f, 0.5f, 1.0f, 0.8f, 0.8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512i nrm_x = _mm512_setr_epi32(-1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                  nrm_y = _mm512_setr_epi32(0, 0, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                  nrm_z = _mm512_setr_epi32(0, 0, 0, 0, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512i dim = _mm512_set1_epi32(FRAME_CHUNK_DIM), m15 = _mm512_set1_epi32(15);
    const float fs = fc->fog_start, fr = fc->max_dist - fc->fog_start;
    const __m512 vfs = _mm512_set1_ps(fs), vfr = _mm512_set1_ps(fr);
    for (int j = 0; j < sp->nb; j += 16) {
        __mmask16 m = sp->nb - j >= 16 ? 0xFFFF : (__mmask16)((1u << (sp->nb - j)) - 1);
        __m512 t = _mm512_maskz_loadu_ps(m, sp->b_t + j);
        __m512i x = _mm512_maskz_loadu_epi32(m, sp->b_x + j),
                y = _mm512_maskz_loadu_epi32(m, sp->b_y + j),
                z = _mm512_maskz_loadu_epi32(m, sp->b_z + j);
        __m512i f = _mm512_maskz_loadu_epi32(m, sp->b_face + j);
        __m512i blk = _mm512_maskz_loadu_epi32(m, sp->b_block + j);
        __m512i texel = render_texel16(fc, m, t, _mm512_maskz_loadu_ps(m, sp->b_dx + j),
                                       _mm512_maskz_loadu_ps(m, sp->b_dy + j),
                                       _mm512_maskz_loadu_ps(m, sp->b_dz + j), x, y, z, f, blk);
        /* light_at of the air cell in front of the face */
        __m512i lx = _mm512_add_epi32(x, _mm512_permutexvar_epi32(f, nrm_x));
        __m512i ly = _mm512_add_epi32(y, _mm512_permutexvar_epi32(f, nrm_y));
        __m512i lz = _mm512_add_epi32(z, _mm512_permutexvar_epi32(f, nrm_z));
        __m512i l = _mm512_set1_epi32(0xF0);
        l = _mm512_mask_mov_epi32(l, _mm512_cmplt_epi32_mask(ly, izero), izero);
        __mmask16 in_y = _mm512_mask_cmplt_epu32_mask(m, ly, _mm512_set1_epi32(RENDER_WORLD_H));
        __m512i kx = _mm512_sub_epi32(_mm512_srai_epi32(lx, 4), _mm512_set1_epi32(fc->ccx0));
        __m512i kz = _mm512_sub_epi32(_mm512_srai_epi32(lz, 4), _mm512_set1_epi32(fc->ccz0));
        __mmask16 in_k = _mm512_mask_cmplt_epu32_mask(in_y, kx, dim);
        in_k = _mm512_mask_cmplt_epu32_mask(in_k, kz, dim);
        __m512i loff = _mm512_mask_i32gather_epi32(
            _mm512_set1_epi32(-1), in_k, _mm512_add_epi32(_mm512_mullo_epi32(kz, dim), kx),
            fc->vlight, 4);
        __mmask16 has = _mm512_mask_cmpneq_epi32_mask(in_k, loff, _mm512_set1_epi32(-1));
        __m512i cell =
            _mm512_add_epi32(_mm512_slli_epi32(ly, 8),
                             _mm512_add_epi32(_mm512_slli_epi32(_mm512_and_si512(lz, m15), 4),
                                              _mm512_and_si512(lx, m15)));
        __m512i addr = _mm512_add_epi32(loff, cell);
        __m512i word = _mm512_mask_i32gather_epi32(
            izero, has, _mm512_and_si512(addr, _mm512_set1_epi32(~3)), fc->vbase, 1);
        __m512i lb = _mm512_and_si512(
            _mm512_srlv_epi32(word,
                              _mm512_slli_epi32(_mm512_and_si512(addr, _mm512_set1_epi32(3)), 3)),
            _mm512_set1_epi32(0xFF));
        l = _mm512_mask_mov_epi32(l, has, lb);
        /* light_tab[l] from its sky and block halves, held in registers (the same values) */
        __m512i ls = _mm512_srli_epi32(l, 4), lk = _mm512_and_si512(l, _mm512_set1_epi32(15));
        const __m512 floor3 = _mm512_set1_ps(0.03f);
        __m512 lr = _mm512_max_ps(
            _mm512_max_ps(_mm512_permutexvar_ps(ls, _mm512_loadu_ps(fc->sky_rgb[0])),
                          _mm512_permutexvar_ps(lk, _mm512_loadu_ps(fc->block_rgb[0]))),
            floor3);
        __m512 lg = _mm512_max_ps(
            _mm512_max_ps(_mm512_permutexvar_ps(ls, _mm512_loadu_ps(fc->sky_rgb[1])),
                          _mm512_permutexvar_ps(lk, _mm512_loadu_ps(fc->block_rgb[1]))),
            floor3);
        __m512 lb3 = _mm512_max_ps(
            _mm512_max_ps(_mm512_permutexvar_ps(ls, _mm512_loadu_ps(fc->sky_rgb[2])),
                          _mm512_permutexvar_ps(lk, _mm512_loadu_ps(fc->block_rgb[2]))),
            floor3);
        __m512 s = _mm512_permutexvar_ps(f, shade);
        const __m512i ff = _mm512_set1_epi32(0xFF);
        __m512 tr = _mm512_cvtepi32_ps(_mm512_and_si512(texel, ff));
        __m512 tg = _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(texel, 8), ff));
        __m512 tb = _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(texel, 16), ff));
        __m512 r = _mm512_mul_ps(_mm512_mul_ps(tr, s), lr);
        __m512 g = _mm512_mul_ps(_mm512_mul_ps(tg, s), lg);
        __m512 b = _mm512_mul_ps(_mm512_mul_ps(tb, s), lb3);
        /* finish_ray's fog */
        __mmask16 fog = _mm512_cmp_ps_mask(t, vfs, _CMP_GT_OQ);
        if (fog) {
            __m512 q = _mm512_div_ps(_mm512_sub_ps(t, vfs), vfr);
            q = _mm512_mask_mov_ps(q, _mm512_cmp_ps_mask(q, zero, _CMP_LT_OQ), zero);
            q = _mm512_mask_mov_ps(q, _mm512_cmp_ps_mask(q, one, _CMP_GT_OQ), one);
            q = _mm512_mul_ps(q, q);
            const __m512 fgr = _mm512_set1_ps(fc->fog_color[0]),
                         fgg = _mm512_set1_ps(fc->fog_color[1]),
                         fgb = _mm512_set1_ps(fc->fog_color[2]);
            r = _mm512_mask_add_ps(r, fog, r, _mm512_mul_ps(_mm512_sub_ps(fgr, r), q));
            g = _mm512_mask_add_ps(g, fog, g, _mm512_mul_ps(_mm512_sub_ps(fgg, g), q));
            b = _mm512_mask_add_ps(b, fog, b, _mm512_mul_ps(_mm512_sub_ps(fgb, b), q));
        }
        __m512i pix = _mm512_maskz_loadu_epi32(m, sp->b_pix + j);
        _mm512_mask_i32scatter_ps(sp->r, m, pix, r, 4);
        _mm512_mask_i32scatter_ps(sp->g, m, pix, g, 4);
        _mm512_mask_i32scatter_ps(sp->b, m, pix, b, 4);
    }
}
#endif

#ifdef SPAN_V4
/* render_sky_color_memo for 16 RAY_SKY rays at a time: the same float (and, for the clouds,
 * double) operations in the same order, lane by lane; the cloud cells are looked up one by
 * one (with the memo: neighbouring rays mostly share a cell). */
static void sky_colors_v4(const FrameCtx *fc, Span *sp) {
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f),
                 half = _mm512_set1_ps(0.5f);
    const __m512 s0 = _mm512_set1_ps(fc->sun_dir[0]), s1 = _mm512_set1_ps(fc->sun_dir[1]),
                 ns1 = _mm512_set1_ps(-fc->sun_dir[1]);
    const __m512i sign = _mm512_set1_epi32(0x7FFFFFFF);
    const float eye_y = (float)fc->ecy + fc->ey;
    const int stars = fc->daylight < 0.6f, clouds = eye_y < CLOUD_Y;
    const float st = (0.6f - fc->daylight) / 0.6f * 200.0f, cv = 60.0f + 195.0f * fc->daylight;
    const double ax = (double)fc->ecx + fc->ex, az = (double)fc->ecz + fc->ez,
                 drift = 0.03 * (double)fc->sc->tick;
    SkyMemo memo = {0, 0, 0, 0};
    for (int j = 0; j < sp->ns; j += 16) {
        __mmask16 m = sp->ns - j >= 16 ? 0xFFFF : (__mmask16)((1u << (sp->ns - j)) - 1);
        __m512i pix = _mm512_maskz_loadu_epi32(m, sp->s_pix + j);
        __m512 dx = _mm512_mask_i32gather_ps(zero, m, pix, sp->dx, 4);
        __m512 dy = _mm512_mask_i32gather_ps(zero, m, pix, sp->dy, 4);
        __m512 dz = _mm512_mask_i32gather_ps(zero, m, pix, sp->dz, 4);
        /* the gradient: above the horizon by sqrt(e), below darker */
        __mmask16 up = _mm512_cmp_ps_mask(dy, zero, _CMP_GE_OQ);
        __m512 f = _mm512_sqrt_ps(_mm512_max_ps(dy, zero));
        __m512 below = _mm512_add_ps(one, _mm512_mul_ps(dy, half));
        __m512 col[3];
        for (int k = 0; k < 3; k++) {
            __m512 hor = _mm512_set1_ps(fc->sky_horizon[k]);
            __m512 dz_h = _mm512_set1_ps(fc->sky_zenith[k] - fc->sky_horizon[k]);
            col[k] = _mm512_mask_blend_ps(up, _mm512_mul_ps(hor, below),
                                          _mm512_add_ps(hor, _mm512_mul_ps(dz_h, f)));
        }
        /* square sun and moon */
        __m512 c = _mm512_add_ps(_mm512_mul_ps(dx, s0), _mm512_mul_ps(dy, s1));
        __m512 b = _mm512_add_ps(_mm512_mul_ps(dx, ns1), _mm512_mul_ps(dy, s0));
        __m512 fa = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(dz), sign));
        __m512 fb = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(b), sign));
        __m512 ks = _mm512_mul_ps(_mm512_set1_ps(0.05f), c);
        __mmask16 sun = _mm512_cmp_ps_mask(c, zero, _CMP_GT_OQ);
        sun = _mm512_mask_cmp_ps_mask(sun, fa, ks, _CMP_LT_OQ);
        sun = _mm512_mask_cmp_ps_mask(sun, fb, ks, _CMP_LT_OQ);
        __m512 nc = _mm512_sub_ps(zero, c);
        __m512 km = _mm512_mul_ps(_mm512_set1_ps(0.035f), nc);
        __mmask16 moon = _mm512_mask_cmp_ps_mask((__mmask16)~sun, c, zero, _CMP_LT_OQ);
        moon = _mm512_mask_cmp_ps_mask(moon, fa, km, _CMP_LT_OQ);
        moon = _mm512_mask_cmp_ps_mask(moon, fb, km, _CMP_LT_OQ);
        static const float SUN[3] = {255, 250, 210}, MOON[3] = {220, 224, 235};
        for (int k = 0; k < 3; k++) {
            col[k] = _mm512_mask_mov_ps(col[k], sun, _mm512_set1_ps(SUN[k]));
            col[k] = _mm512_mask_mov_ps(col[k], moon, _mm512_set1_ps(MOON[k]));
        }
        /* stars: a hash of the direction quantised on a fine grid */
        __mmask16 sky = m & (__mmask16) ~(sun | moon);
        if (stars) {
            __mmask16 hi = _mm512_mask_cmp_ps_mask(sky, dy, _mm512_set1_ps(0.05f), _CMP_GT_OQ);
            if (hi) {
                const __m512 k180 = _mm512_set1_ps(180.0f);
                __m512i qx = _mm512_cvttps_epi32(_mm512_floor_ps(_mm512_mul_ps(dx, k180)));
                __m512i qy = _mm512_cvttps_epi32(_mm512_floor_ps(_mm512_mul_ps(dy, k180)));
                __m512i qz = _mm512_cvttps_epi32(_mm512_floor_ps(_mm512_mul_ps(dz, k180)));
                __m512i h = _mm512_xor_si512(
                    _mm512_xor_si512(_mm512_mullo_epi32(qx, _mm512_set1_epi32(73856093)),
                                     _mm512_mullo_epi32(qy, _mm512_set1_epi32(19349663))),
                    _mm512_mullo_epi32(qz, _mm512_set1_epi32(83492791)));
                h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 13));
                h = _mm512_mullo_epi32(h, _mm512_set1_epi32((int)0x5bd1e995u));
                h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 15));
                /* h % 1000 < 4, in doubles (exact: h < 2^32) */
                __mmask16 star = 0;
                for (int half_i = 0; half_i < 2; half_i++) {
                    __m256i h8 =
                        half_i ? _mm512_extracti64x4_epi64(h, 1) : _mm512_castsi512_si256(h);
                    __m512d hd = _mm512_cvtepu32_pd(h8);
                    __m512d q = _mm512_floor_pd(_mm512_div_pd(hd, _mm512_set1_pd(1000.0)));
                    __m512d r = _mm512_sub_pd(hd, _mm512_mul_pd(q, _mm512_set1_pd(1000.0)));
                    __mmask8 lt = _mm512_cmp_pd_mask(r, _mm512_set1_pd(4.0), _CMP_LT_OQ);
                    star |= (__mmask16)((unsigned)lt << (8 * half_i));
                }
                star &= hi;
                for (int k = 0; k < 3; k++)
                    col[k] = _mm512_mask_max_ps(col[k], star, col[k], _mm512_set1_ps(st));
            }
        }
        /* clouds: where the ray meets the layer, the cell of that point */
        __mmask16 cl =
            clouds ? _mm512_mask_cmp_ps_mask(m, dy, _mm512_set1_ps(0.02f), _CMP_GT_OQ) : 0;
        __m512 t = _mm512_div_ps(_mm512_set1_ps(CLOUD_Y - eye_y), dy);
        cl = _mm512_mask_cmp_ps_mask(cl, t, _mm512_set1_ps(600.0f), _CMP_LE_OQ);
        if (cl) {
            int64_t cxs[16], czs[16];
            __m512 px = _mm512_mul_ps(dx, t), pz = _mm512_mul_ps(dz, t);
            for (int half_i = 0; half_i < 2; half_i++) {
                __m256 px8 = half_i ? _mm512_extractf32x8_ps(px, 1) : _mm512_castps512_ps256(px);
                __m256 pz8 = half_i ? _mm512_extractf32x8_ps(pz, 1) : _mm512_castps512_ps256(pz);
                __m512d x = _mm512_add_pd(_mm512_add_pd(_mm512_set1_pd(ax), _mm512_cvtps_pd(px8)),
                                          _mm512_set1_pd(drift));
                __m512d z = _mm512_add_pd(_mm512_set1_pd(az), _mm512_cvtps_pd(pz8));
                const __m512d cell = _mm512_set1_pd((double)CLOUD_CELL);
                _mm512_storeu_si512(cxs + 8 * half_i,
                                    _mm512_cvttpd_epi64(_mm512_floor_pd(_mm512_div_pd(x, cell))));
                _mm512_storeu_si512(czs + 8 * half_i,
                                    _mm512_cvttpd_epi64(_mm512_floor_pd(_mm512_div_pd(z, cell))));
            }
            __mmask16 cloudy = 0;
            for (unsigned mm = cl; mm; mm &= mm - 1) {
                int l = __builtin_ctz(mm);
                if (!memo.valid || memo.cx != cxs[l] || memo.cz != czs[l]) {
                    memo.valid = 1, memo.cx = cxs[l], memo.cz = czs[l];
                    memo.cloudy = render_cloud_cell(cxs[l], czs[l]);
                }
                if (memo.cloudy) cloudy |= (__mmask16)(1u << l);
            }
            if (cloudy) {
                __m512 a =
                    _mm512_mul_ps(_mm512_set1_ps(0.8f),
                                  _mm512_sub_ps(one, _mm512_div_ps(t, _mm512_set1_ps(600.0f))));
                __m512 v = _mm512_set1_ps(cv);
                for (int k = 0; k < 3; k++)
                    col[k] = _mm512_mask_add_ps(col[k], cloudy, col[k],
                                                _mm512_mul_ps(_mm512_sub_ps(v, col[k]), a));
            }
        }
        _mm512_mask_i32scatter_ps(sp->r, m, pix, col[0], 4);
        _mm512_mask_i32scatter_ps(sp->g, m, pix, col[1], 4);
        _mm512_mask_i32scatter_ps(sp->b, m, pix, col[2], 4);
    }
}
#endif

/* The RAY_SKY rays: the sky's colour (no fog, no water on their way). */
static void sky_colors(const FrameCtx *fc, Span *sp) {
#ifdef SPAN_V4
    sky_colors_v4(fc, sp);
    return;
#endif
    SkyMemo memo = {0, 0, 0, 0};
    for (int j = 0; j < sp->ns; j++) {
        int i = sp->s_pix[j];
        float d[3] = {sp->dx[i], sp->dy[i], sp->dz[i]}, col[3];
        render_sky_color_memo(fc, d, col, &memo);
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

/* finish_ray for a ray that ends at its entity through air: its colour, fogged. */
static void entity_end(const FrameCtx *fc, Span *sp, int i) {
    float *c = sp->ray[i].ent_color, t_end = sp->ray[i].t_limit;
    float col[3] = {c[0], c[1], c[2]};
    if (t_end > fc->fog_start) {
        float f =
            render_clampf((t_end - fc->fog_start) / (fc->max_dist - fc->fog_start), 0.0f, 1.0f);
        f = f * f;
        for (int k = 0; k < 3; k++) col[k] += (fc->fog_color[k] - col[k]) * f;
    }
    sp->r[i] = col[0], sp->g[i] = col[1], sp->b[i] = col[2];
}

/* The entity pass: each ray's t_limit and ent_hit (sp->limit, sp->ent; sp->ray[i] set where
 * ent_hit). */
#ifdef SPAN_V4
static void span_entities_v4(FrameCtx *fc, Span *sp);
#endif

static void span_entities(FrameCtx *fc, Span *sp) {
#ifdef SPAN_V4
    if (fc->n_boxes) {
        span_entities_v4(fc, sp);
        return;
    }
#endif
    const int n = sp->n;
    uint8_t boxes[FRAME_MAX_BOXES];             /* the boxes whose screen rows include row `row` */
    int n_boxes = 0, row = -1, x0 = 0, x1 = -1; /* [x0, x1]: the row's boxes' columns */
    _Static_assert(FRAME_MAX_BOXES <= 256, "box indices are bytes");
    for (int i = 0; i < n; i++) sp->limit[i] = fc->max_dist, sp->ent[i] = 0;
    for (int i = 0; i < n && fc->n_boxes; i++) { /* rays that may meet an entity */
        if (sp->py[i] != row) {
            row = sp->py[i];
            n_boxes = 0, x0 = INT32_MAX, x1 = INT32_MIN;
            for (int b = 0; b < fc->n_boxes; b++) {
                const FrameBox *fb = &fc->boxes[b];
                if (row < fb->sy0 || row > fb->sy1) continue;
                boxes[n_boxes++] = (uint8_t)b;
                x0 = fb->sx0 < x0 ? fb->sx0 : x0;
                x1 = fb->sx1 > x1 ? fb->sx1 : x1;
            }
        }
        if (sp->px[i] < x0 || sp->px[i] > x1) continue; /* (no box covers the pixel) */
        Ray *ray = &sp->ray[i];
        render_ray_init(ray, sp->dx[i], sp->dy[i], sp->dz[i], sp->ix[i], sp->iy[i], sp->iz[i],
                        fc->max_dist, 0);
        render_trace_entities(fc, boxes, n_boxes, sp->px[i], sp->py[i], ray);
        sp->limit[i] = ray->t_limit;
        sp->ent[i] = ray->ent_hit;
    }
}

#ifdef SPAN_V4
/* span_entities with 16 rays at a time per box: render_trace_entities' float operations in the
 * same order, lane by lane. Boxes are taken in order and each ray meets them in that order,
 * as the scalar pass does; a box is tested only on the span's rays inside its screen
 * rectangle. */
static void span_entities_v4(FrameCtx *fc, Span *sp) {
    const int n = sp->n;
    float ecr[SPAN], ecg[SPAN], ecb[SPAN]; /* the entity colour where ent */
    for (int i = 0; i < n; i++) sp->limit[i] = fc->max_dist, sp->ent[i] = 0;
    const Texel *base = &fc->r->tex->tex[0][0];
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f),
                 big = _mm512_set1_ps(RENDER_BIG), nbig = _mm512_set1_ps(-RENDER_BIG);
    const __m512i izero = _mm512_setzero_si512();
    const __m512i absmask = _mm512_set1_epi32(0x7FFFFFFF);
    for (int bi = 0; bi < fc->n_boxes; bi++) {
        const FrameBox *b = &fc->boxes[bi];
        int32_t idx[SPAN + 16];
        int m = 0;
        const __m512i sx0 = _mm512_set1_epi32(b->sx0), sx1 = _mm512_set1_epi32(b->sx1),
                      sy0 = _mm512_set1_epi32(b->sy0), sy1 = _mm512_set1_epi32(b->sy1);
        const __m512i iota =
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int i = 0; i < n; i += 16) {
            __mmask16 v = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1);
            __m512i px = _mm512_maskz_loadu_epi32(v, sp->px + i),
                    py = _mm512_maskz_loadu_epi32(v, sp->py + i);
            v = _mm512_mask_cmpge_epi32_mask(v, px, sx0);
            v = _mm512_mask_cmple_epi32_mask(v, px, sx1);
            v = _mm512_mask_cmpge_epi32_mask(v, py, sy0);
            v = _mm512_mask_cmple_epi32_mask(v, py, sy1);
            _mm512_storeu_si512(idx + m, _mm512_maskz_compress_epi32(
                                             v, _mm512_add_epi32(iota, _mm512_set1_epi32(i))));
            m += __builtin_popcount(v);
        }
        if (!m) continue;
        /* the box's constants, as render_trace_entities computes them */
        float wx = fc->ex - b->px, wy = fc->ey - b->py, wz = fc->ez - b->pz;
        float o[3] = {b->c * wx - b->s * wz, wy, b->s * wx + b->c * wz};
        int32_t foff[16] = {0};
        int has = 0;
        for (int f = 0; f < 6; f++)
            if (b->face[f]) foff[f] = (int32_t)(b->face[f] - base), has |= 1 << f;
        const __m512i vfoff = _mm512_loadu_si512(foff);
        float size = fmaxf(b->hi[0] - b->lo[0], b->hi[1] - b->lo[1]);
        const __m512 vsz = _mm512_set1_ps(fmaxf(size, 0.1f));
        const __m512 bc = _mm512_set1_ps(b->c), bs = _mm512_set1_ps(b->s);
        for (int j = 0; j < m; j += 16) {
            __mmask16 lm = m - j >= 16 ? 0xFFFF : (__mmask16)((1u << (m - j)) - 1);
            __m512i ii = _mm512_maskz_loadu_epi32(lm, idx + j);
            __m512 dx = _mm512_mask_i32gather_ps(zero, lm, ii, sp->dx, 4);
            __m512 dy = _mm512_mask_i32gather_ps(zero, lm, ii, sp->dy, 4);
            __m512 dz = _mm512_mask_i32gather_ps(zero, lm, ii, sp->dz, 4);
            __m512 lim = _mm512_mask_i32gather_ps(zero, lm, ii, sp->limit, 4);
            __m512 l[3] = {_mm512_sub_ps(_mm512_mul_ps(bc, dx), _mm512_mul_ps(bs, dz)), dy,
                           _mm512_add_ps(_mm512_mul_ps(bs, dx), _mm512_mul_ps(bc, dz))};
            __m512 t0 = nbig, t1 = big;
            __m512i face = _mm512_set1_epi32(-1);
            for (int k = 0; k < 3; k++) {
                __m512 al =
                    _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(l[k]), absmask));
                __mmask16 par = _mm512_cmp_ps_mask(al, _mm512_set1_ps(1e-9f), _CMP_LT_OQ);
                if (o[k] < b->lo[k] || o[k] > b->hi[k]) t0 = _mm512_mask_mov_ps(t0, par, big);
                __mmask16 np = lm & (__mmask16)~par;
                __m512 inv = _mm512_div_ps(one, l[k]);
                __m512 ta = _mm512_mul_ps(_mm512_set1_ps(b->lo[k] - o[k]), inv);
                __m512 tb = _mm512_mul_ps(_mm512_set1_ps(b->hi[k] - o[k]), inv);
                __mmask16 sw = _mm512_mask_cmp_ps_mask(np, ta, tb, _CMP_GT_OQ);
                __m512 a2 = _mm512_mask_blend_ps(sw, ta, tb), b2 = _mm512_mask_blend_ps(sw, tb, ta);
                __m512i fa = _mm512_mask_blend_epi32(sw, _mm512_set1_epi32(2 * k),
                                                     _mm512_set1_epi32(2 * k + 1));
                __mmask16 up = _mm512_mask_cmp_ps_mask(np, a2, t0, _CMP_GT_OQ);
                t0 = _mm512_mask_mov_ps(t0, up, a2);
                face = _mm512_mask_mov_epi32(face, up, fa);
                __mmask16 dn = _mm512_mask_cmp_ps_mask(np, b2, t1, _CMP_LT_OQ);
                t1 = _mm512_mask_mov_ps(t1, dn, b2);
            }
            /* t0 > t1 || t0 <= 0 || t0 >= t_limit || face < 0 || !b->face[face]: no hit */
            __mmask16 hit = _mm512_mask_cmp_ps_mask(lm, t0, t1, _CMP_LE_OQ);
            hit = _mm512_mask_cmp_ps_mask(hit, t0, zero, _CMP_GT_OQ);
            hit = _mm512_mask_cmp_ps_mask(hit, t0, lim, _CMP_LT_OQ);
            hit = _mm512_mask_cmpge_epi32_mask(hit, face, izero);
            __m512i fbit = _mm512_sllv_epi32(_mm512_set1_epi32(1), _mm512_max_epi32(face, izero));
            hit = _mm512_mask_test_epi32_mask(hit, fbit, _mm512_set1_epi32(has));
            if (!hit) continue;
            /* the texel: clamped box coordinates, face_uv, mip level, tex_sample */
            __m512 f[3];
            for (int k = 0; k < 3; k++) {
                __m512 q =
                    _mm512_sub_ps(_mm512_add_ps(_mm512_set1_ps(o[k]), _mm512_mul_ps(l[k], t0)),
                                  _mm512_set1_ps(b->lo[k]));
                q = _mm512_div_ps(q, _mm512_set1_ps(b->hi[k] - b->lo[k]));
                q = _mm512_mask_mov_ps(q, _mm512_cmp_ps_mask(q, zero, _CMP_LT_OQ), zero);
                f[k] =
                    _mm512_mask_mov_ps(q, _mm512_cmp_ps_mask(q, _mm512_set1_ps(0.999f), _CMP_GT_OQ),
                                       _mm512_set1_ps(0.999f));
            }
            /* face_uv: NX u=fz v=1-fy; PX u=1-fz v=1-fy; NZ u=1-fx v=1-fy; PZ u=fx v=1-fy;
             * PY u=fx v=fz; NY u=fx v=1-fz */
            __mmask16 is[6];
            for (int q = 0; q < 6; q++) is[q] = _mm512_cmpeq_epi32_mask(face, _mm512_set1_epi32(q));
            __m512 u = f[0];
            u = _mm512_mask_mov_ps(u, is[RFACE_NX], f[2]);
            u = _mm512_mask_mov_ps(u, is[RFACE_PX], _mm512_sub_ps(one, f[2]));
            u = _mm512_mask_mov_ps(u, is[RFACE_NZ], _mm512_sub_ps(one, f[0]));
            __m512 v = _mm512_sub_ps(one, f[1]);
            v = _mm512_mask_mov_ps(v, is[RFACE_PY], f[2]);
            v = _mm512_mask_mov_ps(v, is[RFACE_NY], _mm512_sub_ps(one, f[2]));
            __m512 texels =
                _mm512_mul_ps(_mm512_mul_ps(_mm512_div_ps(t0, vsz), _mm512_set1_ps(fc->pix_angle)),
                              _mm512_set1_ps(16.0f));
            __m512i level = izero;
            for (int q = 1; q < TEX_LEVELS; q++)
                level = _mm512_mask_add_epi32(
                    level, _mm512_cmp_ps_mask(texels, _mm512_set1_ps((float)(1 << q)), _CMP_GE_OQ),
                    level, _mm512_set1_epi32(1));
            __m512i nn = _mm512_srlv_epi32(_mm512_set1_epi32(TEX_SIZE), level);
            __m512 nf = _mm512_cvtepi32_ps(nn);
            __m512i nm1 = _mm512_sub_epi32(nn, _mm512_set1_epi32(1));
            __m512i tx = _mm512_cvttps_epi32(_mm512_mul_ps(u, nf));
            __m512i ty = _mm512_cvttps_epi32(_mm512_mul_ps(v, nf));
            tx = _mm512_min_epi32(_mm512_max_epi32(tx, izero), nm1);
            ty = _mm512_min_epi32(_mm512_max_epi32(ty, izero), nm1);
            const __m512i loff =
                _mm512_setr_epi32(0, 256, 320, 336, 340, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            __m512i off = _mm512_add_epi32(_mm512_add_epi32(_mm512_permutexvar_epi32(face, vfoff),
                                                            _mm512_permutexvar_epi32(level, loff)),
                                           _mm512_add_epi32(_mm512_mullo_epi32(ty, nn), tx));
            __m512i texel = _mm512_mask_i32gather_epi32(izero, hit, off, base, 4);
            hit = _mm512_mask_cmpge_epu32_mask(hit, _mm512_srli_epi32(texel, 24),
                                               _mm512_set1_epi32(128));
            if (!hit) continue;
            const __m512 shade =
                _mm512_setr_ps(0.62f, 0.62f, 0.5f, 1.0f, 0.8f, 0.8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            __m512 s = _mm512_permutexvar_ps(face, shade);
            const __m512i ff = _mm512_set1_epi32(0xFF);
            __m512 cr =
                _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(texel, ff)), s),
                              _mm512_set1_ps(b->light[0]));
            __m512 cg = _mm512_mul_ps(
                _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(texel, 8), ff)),
                              s),
                _mm512_set1_ps(b->light[1]));
            __m512 cb = _mm512_mul_ps(
                _mm512_mul_ps(
                    _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(texel, 16), ff)), s),
                _mm512_set1_ps(b->light[2]));
            if (b->tint_red) {
                cr = _mm512_add_ps(_mm512_mul_ps(cr, _mm512_set1_ps(0.5f)), _mm512_set1_ps(128.0f));
                cg = _mm512_mul_ps(cg, _mm512_set1_ps(0.5f));
                cb = _mm512_mul_ps(cb, _mm512_set1_ps(0.5f));
            }
            _mm512_mask_i32scatter_ps(sp->limit, hit, ii, t0, 4);
            _mm512_mask_i32scatter_epi32(sp->ent, hit, ii, _mm512_set1_epi32(1), 4);
            _mm512_mask_i32scatter_ps(ecr, hit, ii, cr, 4);
            _mm512_mask_i32scatter_ps(ecg, hit, ii, cg, 4);
            _mm512_mask_i32scatter_ps(ecb, hit, ii, cb, 4);
        }
    }
    /* the rays that met an entity, as render_trace_entities leaves them */
    for (int i = 0; i < n; i++) {
        if (!sp->ent[i]) continue;
        Ray *ray = &sp->ray[i];
        render_ray_init(ray, sp->dx[i], sp->dy[i], sp->dz[i], sp->ix[i], sp->iy[i], sp->iz[i],
                        sp->limit[i], 1);
        ray->ent_color[0] = ecr[i], ray->ent_color[1] = ecg[i], ray->ent_color[2] = ecb[i];
    }
}
#endif

/* Traces the span's rays (the SIMD walk when the frame qualifies) and sorts them by outcome:
 * RAY_BLOCK records (b_*), RAY_SKY pixels (s_pix), and the colour of the others (r, g, b), of
 * which those that ended at their entity through air are listed in e_pix. */
static void span_trace_rays(FrameCtx *fc, Span *sp) {
    const int n = sp->n;
    sp->nb = sp->ns = sp->ne = 0;
    if (fc->simd) {
        for (int i = 0; i < n; i++) sp->hit[i].status = -1;
        RaySoA in = {sp->dx, sp->dy, sp->dz, sp->ix, sp->iy, sp->iz, sp->limit, sp->ent};
        SimdOut out = {0,       0,          0,           sp->b_pix, sp->b_x, sp->b_y,
                       sp->b_z, sp->b_face, sp->b_block, sp->s_pix, sp->b_t, sp->e_pix};
        render_trace_simd(fc, sp->ray, &in, n, sp->hit, sp->col, &out);
        sp->nb = out.nb, sp->ns = out.ns, sp->ne = out.ne;
        for (int j = 0; j < out.ne; j++) entity_end(fc, sp, sp->e_pix[j]);
        for (int j = 0; j < sp->nb; j++) {
            int i = sp->b_pix[j];
            sp->b_dx[j] = sp->dx[i], sp->b_dy[j] = sp->dy[i], sp->b_dz[j] = sp->dz[i];
        }
    } else {
        for (int i = 0; i < n; i++) {
            Ray *ray = &sp->ray[i];
            if (!sp->ent[i])
                render_ray_init(ray, sp->dx[i], sp->dy[i], sp->dz[i], sp->ix[i], sp->iy[i],
                                sp->iz[i], sp->limit[i], 0);
            render_trace(fc, ray, sp->col[i], &sp->hit[i]);
        }
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

/* Adds a span's pixels and traced rays to the statistics (rows may run on several threads). */
static inline void cache_count(RenderCache *c, int pixels, int traced) {
    __atomic_fetch_add(&c->stats.pixels, (int64_t)pixels, __ATOMIC_RELAXED);
    __atomic_fetch_add(&c->stats.traced, (int64_t)traced, __ATOMIC_RELAXED);
}

/* Ray i's pixel index, and its cache entry. */
static inline size_t pixel_of(const FrameCtx *fc, const Span *sp, int i) {
    return (size_t)sp->py[i] * (size_t)fc->width + (size_t)sp->px[i];
}
static inline CacheEntry *cache_entry(const FrameCtx *fc, const Span *sp, int i) {
    return &fc->cache->e[pixel_of(fc, sp, i)];
}

/* Keeps the outcomes of the span's traced rays (after span_trace_rays; the colours are kept
 * by span_run once they are known). */
static void cache_store(const FrameCtx *fc, Span *sp) {
    RenderCache *c = fc->cache;
    for (int i = 0; i < sp->n; i++) {
        size_t p = pixel_of(fc, sp, i);
        CacheEntry *e = &c->e[p];
        const RayHit *h = &sp->hit[i];
        int kept = h->status == RAY_COLOR && h->stopped;
        e->status = kept ? CACHE_COLOR : CACHE_TRACE;
        if (kept) c->cell[p] = (CacheCell){h->x, h->y, h->z}, e->t = h->t;
        e->limit = sp->limit[i];
        e->ent = (uint8_t)sp->ent[i];
    }
    for (int j = 0; j < sp->ns; j++) cache_entry(fc, sp, sp->s_pix[j])->status = CACHE_SKY;
    for (int j = 0; j < sp->ne; j++) cache_entry(fc, sp, sp->e_pix[j])->status = CACHE_ENT;
    for (int j = 0; j < sp->nb; j++) {
        size_t p = pixel_of(fc, sp, sp->b_pix[j]);
        CacheEntry *e = &c->e[p];
        e->status = CACHE_BLOCK;
        e->t = sp->b_t[j];
        c->cell[p] = (CacheCell){sp->b_x[j], sp->b_y[j], sp->b_z[j]};
        e->face = (uint8_t)sp->b_face[j], e->block = (uint8_t)sp->b_block[j];
    }
}

/* Reads of a ray that ended at distance t (cells it entered, the light in front of its hit,
 * chunk tops on its way) stay within this much of t horizontally. */
#define CACHE_READ_MARGIN 2.0f

/* Whether entry e is what tracing ray i would give now: the frame's key is the cache's
 * (fc->cache_ok), the ray's entity distance and flag are the same, and it ended before any
 * chunk that changed (a ray that reached the sky or its entity counts as ending at that
 * distance); then the sky, the entity and an opaque block that is not the target stand as
 * they were, and a colour that render_trace finished on a block stands while the light, sky
 * and fog colours are the same and neither the last nor this frame's target is that block (or
 * the target is unchanged). */
static inline int cache_reusable(const FrameCtx *fc, const RenderCache *c, size_t p,
                                 const CacheEntry *e, const Span *sp, int i) {
    int st = e->status;
    if (st == CACHE_NONE || st == CACHE_TRACE) return 0;
    if (e->ent != (uint8_t)sp->ent[i] || memcmp(&e->limit, &sp->limit[i], 4) != 0) return 0;
    int hit = st == CACHE_BLOCK || st == CACHE_COLOR;
    float t_end = hit ? e->t : e->limit;
    if (t_end + CACHE_READ_MARGIN >= fc->reuse_dist) return 0;
    if (st == CACHE_COLOR && !fc->shade_ok) return 0;
    if (!hit || sp->px[i] < fc->target_rect[0] || sp->px[i] > fc->target_rect[2] ||
        sp->py[i] < fc->target_rect[1] || sp->py[i] > fc->target_rect[3])
        return 1; /* (a ray off the rectangle cannot meet the target) */
    const CacheCell *q = &c->cell[p];
    int cur = fc->has_target && q->x == fc->tx && q->y == fc->ty && q->z == fc->tz;
    if (st == CACHE_BLOCK) return !cur;
    if (fc->target_ok) return 1;
    int prev = fc->prev_has_target && q->x == fc->prev_target[0] && q->y == fc->prev_target[1] &&
               q->z == fc->prev_target[2];
    return !cur && !prev;
}

/* span_trace_rays through the cache: kept colours are copied (light, sky and fog unchanged),
 * kept hits go straight to the colour passes' lists, and the other rays are traced together
 * (in sp->aux) and their outcomes kept. */
static void span_trace_cached(FrameCtx *fc, Span *sp) {
    RenderCache *c = fc->cache;
    Span *cs = sp->aux;
    int m = 0;
    sp->nb = sp->ns = sp->ne = 0;
    for (int i = 0; i < sp->n; i++) {
        size_t p = pixel_of(fc, sp, i);
        const CacheEntry *e = &c->e[p];
        if (!cache_reusable(fc, c, p, e, sp, i)) {
            cs->px[m] = sp->px[i], cs->py[m] = sp->py[i];
            cs->dx[m] = sp->dx[i], cs->dy[m] = sp->dy[i], cs->dz[m] = sp->dz[i];
            cs->ix[m] = sp->ix[i], cs->iy[m] = sp->iy[i], cs->iz[m] = sp->iz[i];
            cs->limit[m] = sp->limit[i], cs->ent[m] = sp->ent[i];
            if (sp->ent[i]) cs->ray[m] = sp->ray[i];
            cs->map[m++] = i;
        } else if (e->status == CACHE_SKY) {
            sp->s_pix[sp->ns++] = i;
        } else if (e->status == CACHE_ENT) {
            entity_end(fc, sp, i);
        } else if (e->status == CACHE_COLOR || fc->shade_ok) {
            sp->r[i] = e->rgb[0], sp->g[i] = e->rgb[1], sp->b[i] = e->rgb[2];
        } else { /* the hit stands, its colour does not: the colour passes */
            int j = sp->nb++;
            sp->b_pix[j] = i;
            sp->b_t[j] = e->t;
            sp->b_dx[j] = sp->dx[i], sp->b_dy[j] = sp->dy[i], sp->b_dz[j] = sp->dz[i];
            sp->b_x[j] = c->cell[p].x, sp->b_y[j] = c->cell[p].y, sp->b_z[j] = c->cell[p].z;
            sp->b_face[j] = e->face, sp->b_block[j] = e->block;
        }
    }
    cache_count(c, sp->n, m);
    if (!m) return;
    cs->n = m;
    span_trace_rays(fc, cs);
    cache_store(fc, cs);
    /* the traced rays' outcomes, back at their index in sp */
    for (int k = 0; k < m; k++) {
        int i = cs->map[k];
        sp->r[i] = cs->r[k], sp->g[i] = cs->g[k], sp->b[i] = cs->b[k];
    }
    for (int j = 0; j < cs->ns; j++) sp->s_pix[sp->ns++] = cs->map[cs->s_pix[j]];
    for (int j = 0; j < cs->nb; j++) {
        int k = sp->nb++;
        sp->b_pix[k] = cs->map[cs->b_pix[j]];
        sp->b_t[k] = cs->b_t[j];
        sp->b_dx[k] = cs->b_dx[j], sp->b_dy[k] = cs->b_dy[j], sp->b_dz[k] = cs->b_dz[j];
        sp->b_x[k] = cs->b_x[j], sp->b_y[k] = cs->b_y[j], sp->b_z[k] = cs->b_z[j];
        sp->b_face[k] = cs->b_face[j], sp->b_block[k] = cs->b_block[j];
    }
}

/* The entity pass, then the trace (through the frame's cache if it has one). */
static void span_trace(FrameCtx *fc, Span *sp) {
    span_entities(fc, sp);
    if (fc->cache && fc->cache_ok) {
        span_trace_cached(fc, sp);
        return;
    }
    span_trace_rays(fc, sp);
    if (fc->cache) {
        cache_count(fc->cache, sp->n, sp->n);
        cache_store(fc, sp);
    }
}

/* Traces, colours and writes the span's pixels. */
static void span_run(FrameCtx *fc, Span *sp, uint8_t *rgb) {
    span_directions(sp, sp->n);
    span_trace(fc, sp);
#ifdef SPAN_V4
    if (fc->vlight_ok) {
        block_shade_v4(fc, sp);
    } else
#endif
    {
        block_texels(fc, sp);
        block_fetch(fc, sp);
        block_colors(fc, sp);
    }
    sky_colors(fc, sp);
    /* the bytes: a loop over arrays (vectorized), then the stores into the frame */
    uint8_t r8[SPAN], g8[SPAN], b8[SPAN];
    for (int i = 0; i < sp->n; i++)
        r8[i] = to8(sp->r[i]), g8[i] = to8(sp->g[i]), b8[i] = to8(sp->b[i]);
    if (fc->cache) /* (to8 of a byte's float gives the byte back) */
        for (int i = 0; i < sp->n; i++) {
            CacheEntry *e = cache_entry(fc, sp, i);
            e->rgb[0] = r8[i], e->rgb[1] = g8[i], e->rgb[2] = b8[i];
        }
    for (int i = 0; i < sp->n; i++) {
        uint8_t *o = rgb + ((size_t)sp->py[i] * fc->width + sp->px[i]) * 3;
        o[0] = r8[i], o[1] = g8[i], o[2] = b8[i];
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
                if (fc->cache) fc->cache->e[(size_t)py * fc->width + px].status = CACHE_NONE;
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
    sp->aux = fc->cache ? mem_alloc(sizeof *sp) : NULL;
    for (int x0 = 0; x0 < W; x0 += COL_TILE) {
        int x1 = x0 + COL_TILE < W ? x0 + COL_TILE : W;
        for (int px = x0; px < x1; px++) {
            float u = (2.0f * ((float)px + 0.5f) / (float)W - 1.0f) * fc->tan_x;
            for (int k = 0; k < 3; k++) col_dir[px - x0][k] = fc->fwd[k] + u * fc->right[k];
        }
        world_tile(fc, rgb, x0, x1, y0, y1, col_dir, sp);
    }
    mem_free(sp->aux);
    mem_free(sp);
}
