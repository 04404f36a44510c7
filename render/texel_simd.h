/* texel_simd.h: the texel a ray sees on a block face, for 16 hits at once (AVX-512F): the
 * float operations of face_uv, mip_level and tex_sample in raycast.c, lane by lane, so the
 * same texel as the scalar code. Shared by the SIMD walk (the leaves' alpha test) and the
 * colour pass of span_v4.c. Include only from code built for AVX-512. */
#ifndef RENDER_TEXEL_SIMD_H
#define RENDER_TEXEL_SIMD_H

#include <immintrin.h>

#include "render/internal.h"

/* The RGBA texel (r in the low byte) on face f of block blk at cell (x, y, z), hit at
 * distance t along d, for the lanes in m (0 elsewhere). */
static inline __attribute__((always_inline, target("avx512f"))) __m512i
render_texel16(const FrameCtx *fc, __mmask16 m, __m512 t, __m512 dx, __m512 dy, __m512 dz,
               __m512i x, __m512i y, __m512i z, __m512i f, __m512i blk) {
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f),
                 hi = _mm512_set1_ps(0.999f), sixteen = _mm512_set1_ps(16.0f);
    const __m512i izero = _mm512_setzero_si512(), ione = _mm512_set1_epi32(1);
    __m512 cx = _mm512_sub_ps(_mm512_add_ps(_mm512_set1_ps(fc->ex), _mm512_mul_ps(dx, t)),
                              _mm512_cvtepi32_ps(_mm512_sub_epi32(x, _mm512_set1_epi32(fc->ecx))));
    __m512 cy = _mm512_sub_ps(_mm512_add_ps(_mm512_set1_ps(fc->ey), _mm512_mul_ps(dy, t)),
                              _mm512_cvtepi32_ps(_mm512_sub_epi32(y, _mm512_set1_epi32(fc->ecy))));
    __m512 cz = _mm512_sub_ps(_mm512_add_ps(_mm512_set1_ps(fc->ez), _mm512_mul_ps(dz, t)),
                              _mm512_cvtepi32_ps(_mm512_sub_epi32(z, _mm512_set1_epi32(fc->ecz))));
    /* clampf(c, 0, 0.999f) */
    cx = _mm512_mask_mov_ps(_mm512_mask_mov_ps(cx, _mm512_cmp_ps_mask(cx, hi, _CMP_GT_OQ), hi),
                            _mm512_cmp_ps_mask(cx, zero, _CMP_LT_OQ), zero);
    cy = _mm512_mask_mov_ps(_mm512_mask_mov_ps(cy, _mm512_cmp_ps_mask(cy, hi, _CMP_GT_OQ), hi),
                            _mm512_cmp_ps_mask(cy, zero, _CMP_LT_OQ), zero);
    cz = _mm512_mask_mov_ps(_mm512_mask_mov_ps(cz, _mm512_cmp_ps_mask(cz, hi, _CMP_GT_OQ), hi),
                            _mm512_cmp_ps_mask(cz, zero, _CMP_LT_OQ), zero);
    /* face_uv: u from z on x faces, else from x; v from z on y faces, else from y; flipped
     * (1 - c) on +x and -z (u) and on every face but +y (v) */
    __mmask16 xface = _mm512_cmplt_epi32_mask(f, _mm512_set1_epi32(RFACE_NY));
    __mmask16 yface = _mm512_cmpeq_epi32_mask(f, _mm512_set1_epi32(RFACE_NY)) |
                      _mm512_cmpeq_epi32_mask(f, _mm512_set1_epi32(RFACE_PY));
    __mmask16 uflip = _mm512_cmpeq_epi32_mask(f, _mm512_set1_epi32(RFACE_PX)) |
                      _mm512_cmpeq_epi32_mask(f, _mm512_set1_epi32(RFACE_NZ));
    __mmask16 vflip = _mm512_cmpneq_epi32_mask(f, _mm512_set1_epi32(RFACE_PY));
    __m512 su = _mm512_mask_blend_ps(xface, cx, cz), sv = _mm512_mask_blend_ps(yface, cy, cz);
    __m512 u = _mm512_mask_blend_ps(uflip, su, _mm512_sub_ps(one, su));
    __m512 v = _mm512_mask_blend_ps(vflip, sv, _mm512_sub_ps(one, sv));
    /* mip_level: the halvings that keep texels under a pixel >= 2 */
    __m512 texels = _mm512_mul_ps(_mm512_mul_ps(t, _mm512_set1_ps(fc->pix_angle)), sixteen);
    __m512i level = izero;
    for (int i = 1; i < TEX_LEVELS; i++)
        level = _mm512_mask_add_epi32(
            level, _mm512_cmp_ps_mask(texels, _mm512_set1_ps((float)(1 << i)), _CMP_GE_OQ), level,
            ione);
    /* tex_sample */
    __m512i n = _mm512_srlv_epi32(_mm512_set1_epi32(TEX_SIZE), level);
    __m512 nf = _mm512_cvtepi32_ps(n);
    __m512i nm1 = _mm512_sub_epi32(n, ione);
    __m512i ix =
        _mm512_min_epi32(_mm512_max_epi32(_mm512_cvttps_epi32(_mm512_mul_ps(u, nf)), izero), nm1);
    __m512i iy =
        _mm512_min_epi32(_mm512_max_epi32(_mm512_cvttps_epi32(_mm512_mul_ps(v, nf)), izero), nm1);
    const __m512i level_off =
        _mm512_setr_epi32(0, 256, 320, 336, 340, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    __m512i toff = _mm512_add_epi32(_mm512_permutexvar_epi32(level, level_off),
                                    _mm512_add_epi32(_mm512_mullo_epi32(iy, n), ix));
    __m512i tidx = _mm512_mask_i32gather_epi32(
        izero, m, _mm512_add_epi32(_mm512_slli_epi32(blk, 3), f), fc->r->face_tex32, 4);
    return _mm512_mask_i32gather_epi32(
        izero, m,
        _mm512_add_epi32(_mm512_mullo_epi32(tidx, _mm512_set1_epi32(TEX_MIP_TEXELS)), toff),
        (const int *)fc->r->tex->tex, 4);
}

#endif
