/* trace_simd.c: the cell walk of render_trace for 16 rays at once, in AVX-512 lanes.
 *
 * Each lane walks one ray, doing at every cell what raycast.c's trace_from loop does there:
 * the same comparisons choose the axis and the same float sums advance the boundaries; the
 * block byte comes from a 32-bit gather; a step into another chunk takes the next chunk's
 * block array and top from the frame's tables; above its region's top a lane either steps on
 * through air or takes the region skip, as the scalar loop decides. The commonest ends are
 * finished here: an opaque
 * block entered through air (a RAY_BLOCK record for span.c's colour passes), the sky (a
 * RAY_SKY record) or the ray's entity; a leaf texel's alpha decides, as in hit_cell, between a
 * hit and going on through the hole; the region skip runs in the lanes too (lanes_skip). Every
 * other ray is handed to render_trace_resume with the lane's exact state, which is the state
 * render_trace itself would be in at that point, so each pixel's bytes are the scalar tracer's
 * (test_render checks them frame by frame against RenderOptions.scalar_only). A lane whose ray has
 * ended takes the next ray at once, so the lanes stay busy although rays take very different
 * numbers of steps, and four groups of 16 lanes are walked in turn so that their gathers (the
 * walk's cost: tens of cycles of latency each) overlap.
 *
 * Frames qualify (FrameCtx.simd) when the CPU has AVX-512 (F, BW, VBMI) and BMI2, the eye is inside
 * the chunk table and the chunk arrays lie within 256 MiB of each other at 16-byte multiples (the
 * offsets are packed with the chunk tops into 32 bits for one gather). */
#include <stdint.h>
#include <string.h>

#include "render/internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include "render/texel_simd.h"

#define SIMD_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2,popcnt")))

int render_simd_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("bmi2");
}

enum { LANES = 16 };

#define INLINE static inline __attribute__((always_inline))

/* The walk state of the 16 lanes (kept in registers by the hot loop). Per lane: the cell
 * (x, y, z), its byte's offset from fc->vbase (addr: the chunk's offset + the cell index), the
 * region top, the last face entered and distance t, the next boundaries tm*, the ray's
 * constants (|1/d|, the distance limit, the step signs) and its index (ray). */
typedef struct Lanes {
    __m512i x, y, z, addr, top, face, ray;
    __m512 tmx, tmy, tmz, t, idx, idy, idz, limit, dx, dy, dz;
    __m512i sx, sy, sz;
    __m512i fx, fy, fz, ay8, az4, nx, nz; /* per ray: the faces entered by a step along each axis,
                                           the cell offsets of y and z steps, and x's and z's
                                           sign masks (-1 going -x, for the region-edge test) */
    __mmask16 active, ent, up; /* lanes with a ray; whose ray met an entity; with d[1] >= 0 */
    /* between lanes_fetch and lanes_step: the gathered words of the lanes' cells, the lanes
     * below their distance limit, and those of them inside the world below their region top */
    __m512i word;
    __mmask16 below, ok_y;
} Lanes;

/* Lanes m's rays are handed to the scalar walk from where they stand (render_trace_resume). */
SIMD_TARGET __attribute__((noinline)) static void lanes_hand_over(FrameCtx *fc, const Lanes *L,
                                                                  __mmask16 m, const RaySoA *in,
                                                                  Ray *rays, RayHit *hits,
                                                                  float (*colors)[3]) {
    int32_t x[LANES], y[LANES], z[LANES], face[LANES], ray[LANES];
    float tmx[LANES], tmy[LANES], tmz[LANES], t[LANES];
    _mm512_storeu_si512(x, L->x);
    _mm512_storeu_si512(y, L->y);
    _mm512_storeu_si512(z, L->z);
    _mm512_storeu_si512(face, L->face);
    _mm512_storeu_si512(ray, L->ray);
    _mm512_storeu_ps(tmx, L->tmx);
    _mm512_storeu_ps(tmy, L->tmy);
    _mm512_storeu_ps(tmz, L->tmz);
    _mm512_storeu_ps(t, L->t);
    for (unsigned mm = m; mm; mm &= mm - 1) {
        int j = __builtin_ctz(mm), r = ray[j];
        int cell[3] = {x[j], y[j], z[j]};
        float tm[3] = {tmx[j], tmy[j], tmz[j]};
        if (!in->ent[r]) /* (rays with an entity are set up already, with its colour) */
            render_ray_init(&rays[r], in->dx[r], in->dy[r], in->dz[r], in->ix[r], in->iy[r],
                            in->iz[r], in->limit[r], 0);
        render_trace_resume(fc, &rays[r], cell, tm, t[j], face[j], colors[r], &hits[r]);
    }
}

/* Chunk tops not computed yet in this frame (first use of the chunk). */
SIMD_TARGET __attribute__((noinline)) static void lanes_chunk_tops(FrameCtx *fc, __m512i k,
                                                                   __mmask16 m) {
    int32_t ks[LANES];
    _mm512_storeu_si512(ks, k);
    for (unsigned mm = m; mm; mm &= mm - 1) render_chunk_top(fc, ks[__builtin_ctz(mm)]);
}

/* Records lanes m as RAY_BLOCK hits (out->b_*) and lanes sky as RAY_SKY (out->s_ray). */
SIMD_TARGET INLINE void lanes_record(const Lanes *L, __m512i blk, __mmask16 m, __mmask16 sky,
                                     __mmask16 ent, SimdOut *out) {
    /* compress in registers, then plain 64-byte stores (the arrays have 16 entries of slack;
     * compressing straight to memory is microcoded on some cores) */
    if (m) {
        int nb = out->nb;
        _mm512_storeu_si512(out->b_ray + nb, _mm512_maskz_compress_epi32(m, L->ray));
        _mm512_storeu_ps(out->b_t + nb, _mm512_maskz_compress_ps(m, L->t));
        _mm512_storeu_si512(out->b_x + nb, _mm512_maskz_compress_epi32(m, L->x));
        _mm512_storeu_si512(out->b_y + nb, _mm512_maskz_compress_epi32(m, L->y));
        _mm512_storeu_si512(out->b_z + nb, _mm512_maskz_compress_epi32(m, L->z));
        _mm512_storeu_si512(out->b_face + nb, _mm512_maskz_compress_epi32(m, L->face));
        _mm512_storeu_si512(out->b_block + nb, _mm512_maskz_compress_epi32(m, blk));
        out->nb = nb + __builtin_popcount(m);
    }
    if (sky) {
        _mm512_storeu_si512(out->s_ray + out->ns, _mm512_maskz_compress_epi32(sky, L->ray));
        out->ns += __builtin_popcount(sky);
    }
    if (ent) {
        _mm512_storeu_si512(out->e_ray + out->ne, _mm512_maskz_compress_epi32(ent, L->ray));
        out->ne += __builtin_popcount(ent);
    }
}

/* Loads rays next.. into the idle lanes m, at the eye's cell (dda_init and render_trace's
 * boundaries at the eye). */
SIMD_TARGET INLINE void lanes_load(const FrameCtx *fc, Lanes *L, const RaySoA *in, int next,
                                   __mmask16 m) {
    const __m512 zero = _mm512_setzero_ps(), big = _mm512_set1_ps(RENDER_BIG);
    const __m512i one = _mm512_set1_epi32(1), neg = _mm512_set1_epi32(-1);
    __m512 dx = _mm512_mask_expandloadu_ps(zero, m, in->dx + next);
    __m512 dy = _mm512_mask_expandloadu_ps(zero, m, in->dy + next);
    __m512 dz = _mm512_mask_expandloadu_ps(zero, m, in->dz + next);
    __m512 idx = _mm512_mask_expandloadu_ps(zero, m, in->ix + next);
    __m512 idy = _mm512_mask_expandloadu_ps(zero, m, in->iy + next);
    __m512 idz = _mm512_mask_expandloadu_ps(zero, m, in->iz + next);
    __m512i ent = _mm512_mask_expandloadu_epi32(_mm512_setzero_si512(), m, in->ent + next);
    L->ent = (__mmask16)((L->ent & ~m) | _mm512_mask_test_epi32_mask(m, ent, ent));
    L->idx = _mm512_mask_mov_ps(L->idx, m, idx);
    L->idy = _mm512_mask_mov_ps(L->idy, m, idy);
    L->idz = _mm512_mask_mov_ps(L->idz, m, idz);
    L->dx = _mm512_mask_mov_ps(L->dx, m, dx);
    L->dy = _mm512_mask_mov_ps(L->dy, m, dy);
    L->dz = _mm512_mask_mov_ps(L->dz, m, dz);
    L->up = (__mmask16)((L->up & ~m) | _mm512_mask_cmp_ps_mask(m, dy, zero, _CMP_GE_OQ));
    L->limit = _mm512_mask_expandloadu_ps(L->limit, m, in->limit + next);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    L->ray = _mm512_mask_expand_epi32(L->ray, m, _mm512_add_epi32(iota, _mm512_set1_epi32(next)));
    __mmask16 px = _mm512_cmp_ps_mask(dx, zero, _CMP_GT_OQ);
    __mmask16 nx = _mm512_cmp_ps_mask(dx, zero, _CMP_LT_OQ);
    __mmask16 py = _mm512_cmp_ps_mask(dy, zero, _CMP_GT_OQ);
    __mmask16 ny = _mm512_cmp_ps_mask(dy, zero, _CMP_LT_OQ);
    __mmask16 pz = _mm512_cmp_ps_mask(dz, zero, _CMP_GT_OQ);
    __mmask16 nz = _mm512_cmp_ps_mask(dz, zero, _CMP_LT_OQ);
    L->sx = _mm512_mask_mov_epi32(L->sx, m, _mm512_mask_blend_epi32(px, neg, one));
    L->sy = _mm512_mask_mov_epi32(L->sy, m, _mm512_mask_blend_epi32(py, neg, one));
    L->sz = _mm512_mask_mov_epi32(L->sz, m, _mm512_mask_blend_epi32(pz, neg, one));
    L->fx = _mm512_mask_mov_epi32(
        L->fx, m,
        _mm512_mask_blend_epi32(px, _mm512_set1_epi32(RFACE_PX), _mm512_set1_epi32(RFACE_NX)));
    L->fy = _mm512_mask_mov_epi32(
        L->fy, m,
        _mm512_mask_blend_epi32(py, _mm512_set1_epi32(RFACE_PY), _mm512_set1_epi32(RFACE_NY)));
    L->fz = _mm512_mask_mov_epi32(
        L->fz, m,
        _mm512_mask_blend_epi32(pz, _mm512_set1_epi32(RFACE_PZ), _mm512_set1_epi32(RFACE_NZ)));
    L->ay8 = _mm512_mask_mov_epi32(L->ay8, m, _mm512_slli_epi32(L->sy, 8));
    L->az4 = _mm512_mask_mov_epi32(L->az4, m, _mm512_slli_epi32(L->sz, 4));
    L->nx = _mm512_mask_mov_epi32(L->nx, m, _mm512_srai_epi32(L->sx, 31));
    L->nz = _mm512_mask_mov_epi32(L->nz, m, _mm512_srai_epi32(L->sz, 31));
    __m512 tmx = _mm512_mask_blend_ps(nx, big, _mm512_mul_ps(_mm512_set1_ps(fc->ex), idx));
    tmx = _mm512_mask_blend_ps(px, tmx, _mm512_mul_ps(_mm512_set1_ps(1.0f - fc->ex), idx));
    __m512 tmy = _mm512_mask_blend_ps(ny, big, _mm512_mul_ps(_mm512_set1_ps(fc->ey), idy));
    tmy = _mm512_mask_blend_ps(py, tmy, _mm512_mul_ps(_mm512_set1_ps(1.0f - fc->ey), idy));
    __m512 tmz = _mm512_mask_blend_ps(nz, big, _mm512_mul_ps(_mm512_set1_ps(fc->ez), idz));
    tmz = _mm512_mask_blend_ps(pz, tmz, _mm512_mul_ps(_mm512_set1_ps(1.0f - fc->ez), idz));
    L->tmx = _mm512_mask_mov_ps(L->tmx, m, tmx);
    L->tmy = _mm512_mask_mov_ps(L->tmy, m, tmy);
    L->tmz = _mm512_mask_mov_ps(L->tmz, m, tmz);
    L->x = _mm512_mask_mov_epi32(L->x, m, _mm512_set1_epi32(fc->ecx));
    L->y = _mm512_mask_mov_epi32(L->y, m, _mm512_set1_epi32(fc->ecy));
    L->z = _mm512_mask_mov_epi32(L->z, m, _mm512_set1_epi32(fc->ecz));
    L->addr = _mm512_mask_mov_epi32(
        L->addr, m, _mm512_set1_epi32((int32_t)(fc->vchunk[fc->eye_k] >> 8) * 16 + fc->eye_cell));
    L->top = _mm512_mask_mov_epi32(L->top, m, _mm512_set1_epi32(fc->eye_top));
    L->t = _mm512_mask_mov_ps(L->t, m, zero);
    L->face = _mm512_mask_mov_epi32(L->face, m, neg);
    L->active |= m;
}

/* Chunk k's packed entry (fc->vchunk) for lanes m, computing tops not known yet. */
SIMD_TARGET INLINE __m512i chunk_entry(FrameCtx *fc, __m512i k, __mmask16 m) {
    const __m512i ff = _mm512_set1_epi32(0xFF);
    __m512i e = _mm512_mask_i32gather_epi32(ff, m, k, fc->vchunk, 4);
    __mmask16 unknown = _mm512_mask_cmpeq_epi32_mask(m, _mm512_and_si512(e, ff), ff);
    if (unknown) { /* first use of these chunks in the frame */
        lanes_chunk_tops(fc, k, unknown);
        e = _mm512_mask_i32gather_epi32(ff, m, k, fc->vchunk, 4);
    }
    return e;
}

/* Entry k of a 384-byte table of the frame for every lane: three 128-entry byte permutes
 * instead of a gather. */
SIMD_TARGET INLINE __m512i byte_table16(const uint8_t *t, __m512i k) {
    __m512i r0 = _mm512_permutex2var_epi8(_mm512_loadu_si512(t), k, _mm512_loadu_si512(t + 64));
    __m512i r1 =
        _mm512_permutex2var_epi8(_mm512_loadu_si512(t + 128), k, _mm512_loadu_si512(t + 192));
    __m512i r2 =
        _mm512_permutex2var_epi8(_mm512_loadu_si512(t + 256), k, _mm512_loadu_si512(t + 320));
    __m512i hi = _mm512_srli_epi32(k, 7);
    __m512i r = _mm512_mask_mov_epi32(r0, _mm512_cmpeq_epi32_mask(hi, _mm512_set1_epi32(1)), r1);
    r = _mm512_mask_mov_epi32(r, _mm512_cmpeq_epi32_mask(hi, _mm512_set1_epi32(2)), r2);
    return _mm512_and_si512(r, _mm512_set1_epi32(0xFF));
}

/* Chunk k's top for every lane (fc->all_tops). */
SIMD_TARGET INLINE __m512i chunk_top16(const FrameCtx *fc, __m512i k) {
    return byte_table16(fc->tops8, k);
}

/* walk_locate for lanes m: the chunk of their cell, its block array (addr) and top. Returns
 * the lanes whose cell is inside the chunk table. */
SIMD_TARGET INLINE __mmask16 lanes_locate(FrameCtx *fc, Lanes *L, __mmask16 m) {
    const __m512i dim = _mm512_set1_epi32(FRAME_CHUNK_DIM), m15 = _mm512_set1_epi32(15);
    __m512i kx = _mm512_sub_epi32(_mm512_srai_epi32(L->x, 4), _mm512_set1_epi32(fc->ccx0));
    __m512i kz = _mm512_sub_epi32(_mm512_srai_epi32(L->z, 4), _mm512_set1_epi32(fc->ccz0));
    __mmask16 in = _mm512_mask_cmplt_epu32_mask(m, kx, dim);
    in = _mm512_mask_cmplt_epu32_mask(in, kz, dim);
    __m512i k = _mm512_add_epi32(_mm512_mullo_epi32(kz, dim), kx), choff;
    if (fc->all_tops) { /* the packed entry from byte tables in registers: no gather */
        k = _mm512_maskz_mov_epi32(in, k);
        L->top = _mm512_mask_mov_epi32(L->top, in, byte_table16(fc->tops8, k));
        __m512i off =
            _mm512_or_si512(byte_table16(fc->voff8[0], k),
                            _mm512_or_si512(_mm512_slli_epi32(byte_table16(fc->voff8[1], k), 8),
                                            _mm512_slli_epi32(byte_table16(fc->voff8[2], k), 16)));
        choff = _mm512_slli_epi32(off, 4);
    } else {
        __m512i e = chunk_entry(fc, k, in);
        L->top = _mm512_mask_and_epi32(L->top, in, e, _mm512_set1_epi32(0xFF));
        choff = _mm512_slli_epi32(_mm512_srli_epi32(e, 8), 4);
    }
    __m512i cell =
        _mm512_add_epi32(_mm512_slli_epi32(L->y, 8),
                         _mm512_add_epi32(_mm512_slli_epi32(_mm512_and_si512(L->z, m15), 4),
                                          _mm512_and_si512(L->x, m15)));
    L->addr = _mm512_mask_add_epi32(L->addr, in, choff, cell);
    return in;
}

/* Lanes m's rays ended without a hit: the sky, or their entity. */
SIMD_TARGET INLINE void lanes_end(Lanes *L, __mmask16 m, SimdOut *out) {
    lanes_record(L, _mm512_setzero_si512(), 0, m & (__mmask16)~L->ent, m & L->ent, out);
    L->active &= (__mmask16)~m;
}

/* Lanes cr stepped onto a region's first cell, in another chunk (walk_locate); lanes that
 * left the chunk table end there. */
SIMD_TARGET INLINE void lanes_relocate(FrameCtx *fc, Lanes *L, __mmask16 cr, SimdOut *out) {
    __mmask16 left = cr & (__mmask16)~lanes_locate(fc, L, cr);
    if (left) lanes_end(L, left, out);
}

/* dda_axis for 16 lanes: the cell and next boundary along one axis at distance t. */
SIMD_TARGET INLINE void dda_axis16(__m512 e, __m512 dv, __m512 inv, __m512 t, __m512i base,
                                   __mmask16 m, __m512i *cell, __m512 *tmax) {
    __m512 p = _mm512_add_ps(e, _mm512_mul_ps(dv, t));
    __m512i ip = _mm512_cvttps_epi32(p);
    __mmask16 gt = _mm512_cmp_ps_mask(_mm512_cvtepi32_ps(ip), p, _CMP_GT_OQ);
    ip = _mm512_mask_sub_epi32(ip, gt, ip, _mm512_set1_epi32(1));
    __m512 fl = _mm512_cvtepi32_ps(ip);
    *cell = _mm512_mask_add_epi32(*cell, m, base, ip);
    __mmask16 pos = _mm512_cmp_ps_mask(dv, _mm512_setzero_ps(), _CMP_GT_OQ);
    __mmask16 neg = _mm512_cmp_ps_mask(dv, _mm512_setzero_ps(), _CMP_LT_OQ);
    __m512 up = _mm512_add_ps(
        t, _mm512_mul_ps(_mm512_sub_ps(_mm512_add_ps(fl, _mm512_set1_ps(1.0f)), p), inv));
    __m512 dn = _mm512_add_ps(t, _mm512_mul_ps(_mm512_sub_ps(p, fl), inv));
    __m512 r = _mm512_mask_blend_ps(neg, _mm512_set1_ps(RENDER_BIG), dn);
    *tmax = _mm512_mask_mov_ps(*tmax, m, _mm512_mask_blend_ps(pos, r, up));
}

/* The region skip of render_trace's loop (skip_regions with whole-chunk regions, then the
 * restart with dda_start and walk_locate) for lanes m, which are at or above their region's
 * top with the skip condition met. Ends the rays that leave the view (no hit); restarts the
 * others where they come down below a chunk's top. Returns the lanes where the skip made
 * no progress: the scalar loop then takes a plain step from the current cell. */
SIMD_TARGET __attribute__((noinline)) static __mmask16 lanes_skip(FrameCtx *fc, Lanes *L,
                                                                  __mmask16 m, SimdOut *out) {
    const __m512 big = _mm512_set1_ps(RENDER_BIG), zero = _mm512_setzero_ps(),
                 size = _mm512_set1_ps((float)REGION_SIZE);
    const __m512 y0 = _mm512_set1_ps((float)fc->ecy + fc->ey),
                 /* rising above every chunk of the table, or out of the world: the 2D walk
                  * can only end without a hit (skip_regions returns 0) */
        ceiling = _mm512_set1_ps((float)fc->max_top);
    const __m512i dim = _mm512_set1_epi32(FRAME_CHUNK_DIM), ff = _mm512_set1_epi32(0xFF);
    const __mmask16 up = L->up;
    __m512i rx = _mm512_srai_epi32(L->x, 4), rz = _mm512_srai_epi32(L->z, 4);
    /* cell_bounds of the region (chunk) the lanes are in */
    __m512 x0 = _mm512_sub_ps(
        _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_slli_epi32(rx, 4), _mm512_set1_epi32(fc->ecx))),
        _mm512_set1_ps(fc->ex));
    __m512 z0 = _mm512_sub_ps(
        _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_slli_epi32(rz, 4), _mm512_set1_epi32(fc->ecz))),
        _mm512_set1_ps(fc->ez));
    __mmask16 pxm = _mm512_cmp_ps_mask(L->dx, zero, _CMP_GT_OQ);
    __mmask16 nxm = _mm512_cmp_ps_mask(L->dx, zero, _CMP_LT_OQ);
    __mmask16 pzm = _mm512_cmp_ps_mask(L->dz, zero, _CMP_GT_OQ);
    __mmask16 nzm = _mm512_cmp_ps_mask(L->dz, zero, _CMP_LT_OQ);
    const __m512i sign = _mm512_set1_epi32((int32_t)0x80000000u);
#define NEG(v) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(v), sign))
    __m512 tmx = _mm512_mask_blend_ps(nxm, big, _mm512_mul_ps(NEG(x0), L->idx));
    tmx = _mm512_mask_blend_ps(pxm, tmx, _mm512_mul_ps(_mm512_add_ps(x0, size), L->idx));
    __m512 tmz = _mm512_mask_blend_ps(nzm, big, _mm512_mul_ps(NEG(z0), L->idz));
    tmz = _mm512_mask_blend_ps(pzm, tmz, _mm512_mul_ps(_mm512_add_ps(z0, size), L->idz));
#undef NEG
    const __m512 tdx = _mm512_mul_ps(size, L->idx), tdz = _mm512_mul_ps(size, L->idz);
    const __m512i fx = _mm512_srli_epi32(_mm512_sub_epi32(_mm512_set1_epi32(RFACE_PX), L->sx), 1);
    const __m512i fz =
        _mm512_add_epi32(_mm512_set1_epi32(RFACE_NZ),
                         _mm512_srli_epi32(_mm512_sub_epi32(_mm512_set1_epi32(1), L->sz), 1));
    __m512 t_in = L->t, tr = zero;
    __m512i face = _mm512_set1_epi32(RFACE_PY);
    __mmask16 pending = m, end = 0, res = 0;
    while (pending) {
        __m512i kx = _mm512_sub_epi32(rx, _mm512_set1_epi32(fc->ccx0));
        __m512i kz = _mm512_sub_epi32(rz, _mm512_set1_epi32(fc->ccz0));
        __mmask16 in = _mm512_mask_cmplt_epu32_mask(pending, kx, dim);
        in = _mm512_mask_cmplt_epu32_mask(in, kz, dim);
        end |= pending & (__mmask16)~in;
        pending = in;
        if (!pending) break;
        __m512i k = _mm512_add_epi32(_mm512_mullo_epi32(kz, dim), kx);
        __m512 top = _mm512_cvtepi32_ps(
            fc->all_tops ? chunk_top16(fc, k) : _mm512_and_si512(chunk_entry(fc, k, pending), ff));
        /* rising out of the world */
        __m512 y_in = _mm512_add_ps(y0, _mm512_mul_ps(L->dy, t_in));
        __mmask16 gone = _mm512_mask_cmp_ps_mask(pending & up, y_in, ceiling, _CMP_GE_OQ);
        end |= gone;
        pending &= (__mmask16)~gone;
        __m512 t_exit = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(tmx, tmz, _CMP_LT_OQ), tmz, tmx);
        __m512 t_low = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(t_exit, L->limit, _CMP_LT_OQ),
                                            L->limit, t_exit);
        t_low = _mm512_mask_blend_ps(up, t_low, t_in);
        __m512 y_low = _mm512_add_ps(y0, _mm512_mul_ps(L->dy, t_low));
        __mmask16 down = _mm512_mask_cmp_ps_mask(pending, y_low, top, _CMP_LT_OQ);
        if (down) { /* the ray comes below this chunk's top: resume the cell walk */
            __m512 r = t_in;
            __mmask16 fall = down & (__mmask16)~up;
            if (fall) {
                __m512 t_top = _mm512_div_ps(_mm512_sub_ps(top, y0), L->dy);
                __mmask16 later = _mm512_mask_cmp_ps_mask(fall, t_top, r, _CMP_GT_OQ);
                r = _mm512_mask_mov_ps(r, later, t_top);
                face = _mm512_mask_mov_epi32(face, later, _mm512_set1_epi32(RFACE_PY));
            }
            __mmask16 over = _mm512_mask_cmp_ps_mask(down, r, L->limit, _CMP_GE_OQ);
            end |= over;
            res |= down & (__mmask16)~over;
            tr = _mm512_mask_mov_ps(tr, down, r);
            pending &= (__mmask16)~down;
        }
        __mmask16 past = _mm512_mask_cmp_ps_mask(pending, t_exit, L->limit, _CMP_GE_OQ);
        end |= past;
        pending &= (__mmask16)~past;
        t_in = _mm512_mask_mov_ps(t_in, pending, t_exit);
        __mmask16 ax = _mm512_mask_cmp_ps_mask(pending, tmx, tmz, _CMP_LT_OQ);
        __mmask16 az = pending & (__mmask16)~ax;
        rx = _mm512_mask_add_epi32(rx, ax, rx, L->sx);
        tmx = _mm512_mask_add_ps(tmx, ax, tmx, tdx);
        face = _mm512_mask_mov_epi32(face, ax, fx);
        rz = _mm512_mask_add_epi32(rz, az, rz, L->sz);
        tmz = _mm512_mask_add_ps(tmz, az, tmz, tdz);
        face = _mm512_mask_mov_epi32(face, az, fz);
    }
    if (end) { /* skip_regions returned 0: t = limit, the loop ends */
        L->t = _mm512_mask_mov_ps(L->t, end, L->limit);
        lanes_end(L, end, out);
    }
    /* restart where the skip made progress (or above the world), else a plain step */
    __mmask16 moved =
        _mm512_mask_cmp_ps_mask(res, tr, _mm512_add_ps(L->t, _mm512_set1_ps(1e-4f)), _CMP_GT_OQ);
    moved |= _mm512_mask_cmpge_epi32_mask(res, L->y, _mm512_set1_epi32(RENDER_WORLD_H));
    if (moved) {
        L->t = _mm512_mask_mov_ps(L->t, moved, tr);
        L->face = _mm512_mask_mov_epi32(L->face, moved, face);
        __m512 ts = _mm512_add_ps(tr, _mm512_set1_ps(1e-4f));
        dda_axis16(_mm512_set1_ps(fc->ex), L->dx, L->idx, ts, _mm512_set1_epi32(fc->ecx), moved,
                   &L->x, &L->tmx);
        dda_axis16(_mm512_set1_ps(fc->ey), L->dy, L->idy, ts, _mm512_set1_epi32(fc->ecy), moved,
                   &L->y, &L->tmy);
        dda_axis16(_mm512_set1_ps(fc->ez), L->dz, L->idz, ts, _mm512_set1_epi32(fc->ecz), moved,
                   &L->z, &L->tmz);
        __mmask16 left = moved & (__mmask16)~lanes_locate(fc, L, moved);
        if (left) lanes_end(L, left, out);
    }
    return res & (__mmask16)~moved;
}

/* What one walk pass needs besides the lanes. */
typedef struct Walk16 {
    FrameCtx *fc;
    Ray *rays;
    const RaySoA *in;
    RayHit *hits;
    float (*colors)[3];
    SimdOut *out;
    int n, next;
} Walk16;

/* Lanes that wait for the region skip until this many need it. */
#define SKIP_BATCH 8

/* The first half of a pass for one group of lanes: refill free lanes and gather the block
 * words of the lanes' cells (kept in the group for lanes_step). Returns 0 once the group is
 * empty and no rays are left. The gathers of all groups are issued before any group's
 * events are handled, so that they overlap however those branches go. */
SIMD_TARGET INLINE int lanes_fetch(Walk16 *w, Lanes *Lp) {
    FrameCtx *fc = w->fc;
#define L (*Lp)
    __mmask16 idle = (__mmask16)~L.active;
    /* refill when a quarter of the lanes are free (or nothing else runs) */
    if (w->next < w->n && (__builtin_popcount(idle) >= 4 || !L.active)) {
        int k = __builtin_popcount(idle);
        if (k > w->n - w->next) k = w->n - w->next;
        lanes_load(fc, &L, w->in, w->next, (__mmask16)_pdep_u32((1u << k) - 1u, idle));
        w->next += k;
    }
    if (!L.active) return 0;
    /* walk_air's test at each lane's cell: t < limit, 0 <= y < top, air */
    L.below = _mm512_mask_cmp_ps_mask(L.active, L.t, L.limit, _CMP_LT_OQ);
    L.ok_y = _mm512_mask_cmplt_epu32_mask(L.below, L.y, L.top);
    L.word =
        _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), L.ok_y,
                                    _mm512_and_si512(L.addr, _mm512_set1_epi32(~3)), fc->vbase, 1);
    return 1;
#undef L
}

/* The second half: test each lane's cell, finish or hand over the lanes that stop, step the
 * others. */
SIMD_TARGET INLINE void lanes_step(Walk16 *w, Lanes *Lp) {
    FrameCtx *fc = w->fc;
    Ray *rays = w->rays;
    RayHit *hits = w->hits;
    float(*colors)[3] = w->colors;
    SimdOut *out = w->out;
#define L (*Lp)
    const __m512i m15 = _mm512_set1_epi32(REGION_SIZE - 1), zero = _mm512_setzero_si512();
    const __m512i three = _mm512_set1_epi32(3), ff = _mm512_set1_epi32(0xFF);
    const __m512i tx = _mm512_set1_epi32(fc->tx), ty = _mm512_set1_epi32(fc->ty),
                  tz = _mm512_set1_epi32(fc->tz);
    /* render_block_is_solid as a 32-entry table in two registers (blocks ids are < 32) */
    _Static_assert(BLOCK_COUNT <= 32, "the SIMD walk's solid table holds 32 block ids");
    const __m512i solid_lo = _mm512_loadu_si512(fc->r->solid32),
                  solid_hi = _mm512_loadu_si512(fc->r->solid32 + 16);
    const __m512i cutout_lo = _mm512_loadu_si512(fc->r->cutout32),
                  cutout_hi = _mm512_loadu_si512(fc->r->cutout32 + 16);
    const __m512 eye_y = _mm512_set1_ps((float)fc->ecy + fc->ey), three_f = _mm512_set1_ps(3.0f);
    const __m512i world_h = _mm512_set1_epi32(RENDER_WORLD_H);
    {
        const __mmask16 below = L.below, ok_y = L.ok_y;
        const __m512i word = L.word;
        __m512i shift = _mm512_slli_epi32(_mm512_and_si512(L.addr, three), 3);
        __m512i blk = _mm512_and_si512(_mm512_srlv_epi32(word, shift), ff);
        __mmask16 air = _mm512_mask_testn_epi32_mask(ok_y, blk, blk);
        /* at or above the region's top: the scalar loop's region skip (handed over) when the
         * ray rises or stays more than 3 blocks above the top, else a plain step through air */
        __mmask16 above = _mm512_mask_cmpge_epi32_mask(below, L.y, L.top), skipped = 0;
        if (above) {
            __m512 h = _mm512_sub_ps(_mm512_add_ps(eye_y, _mm512_mul_ps(L.dy, L.t)),
                                     _mm512_cvtepi32_ps(L.top));
            __mmask16 far = _mm512_cmp_ps_mask(_mm512_mul_ps(h, L.idy), three_f, _CMP_GT_OQ);
            __mmask16 skip = above & (L.up | far);
            air |= above & (__mmask16)~skip;
            /* rising out of the top of the world: the sky (the scalar loop breaks) */
            __mmask16 out_top = _mm512_mask_cmpge_epi32_mask(skip & L.up, L.y, world_h);
            if (out_top) lanes_end(&L, out_top, out);
            skip &= (__mmask16)~out_top;
            /* the skip is done for several lanes at once: until enough need it (or nothing
             * else can move), they wait as they are (their state decides the same skip later) */
            if (skip && (__builtin_popcount(skip) >= SKIP_BATCH || w->next >= w->n ||
                         !(L.active & (__mmask16)~skip)))
                air |= lanes_skip(fc, &L, skip, out);
            skipped = above & ~air;
        }
        __mmask16 ev = L.active & (__mmask16)~air & (__mmask16)~skipped;
        if (ev) {
            /* an opaque block through air (not the target): a RAY_BLOCK record; the view's
             * distance without an entity: the sky; anything else: the scalar walk */
            /* (not the eye's own cell, not the targeted block) */
            __mmask16 at_block = _mm512_mask_cmpge_epi32_mask(ev & ok_y, L.face, zero);
            if (fc->has_target) {
                __mmask16 tgt = _mm512_mask_cmpeq_epi32_mask(at_block, L.x, tx);
                tgt = _mm512_mask_cmpeq_epi32_mask(tgt, L.y, ty);
                tgt = _mm512_mask_cmpeq_epi32_mask(tgt, L.z, tz);
                at_block &= (__mmask16)~tgt;
            }
            __m512i kind = _mm512_permutex2var_epi32(solid_lo, blk, solid_hi);
            __mmask16 hit = _mm512_mask_test_epi32_mask(at_block, kind, kind), pass = 0;
            /* leaves: hit_cell's alpha test; through a hole the ray goes on as through air */
            kind = _mm512_permutex2var_epi32(cutout_lo, blk, cutout_hi);
            __mmask16 cut = _mm512_mask_test_epi32_mask(at_block, kind, kind);
            if (cut) {
                __m512i texel =
                    render_texel16(fc, cut, L.t, L.dx, L.dy, L.dz, L.x, L.y, L.z, L.face, blk);
                __mmask16 opaque = _mm512_mask_cmpge_epu32_mask(cut, _mm512_srli_epi32(texel, 24),
                                                                _mm512_set1_epi32(128));
                hit |= opaque;
                pass = cut & (__mmask16)~opaque;
            }
            __mmask16 done = ev & (__mmask16)~below; /* at the view's or the entity's distance */
            lanes_record(&L, blk, hit, done & (__mmask16)~L.ent, done & L.ent, out);
            __mmask16 rest = ev & (__mmask16) ~(hit | done | pass);
            if (rest) lanes_hand_over(fc, &L, rest, w->in, rays, hits, colors);
            L.active &= (__mmask16) ~(ev & ~pass);
            air |= pass;
        }
        if (!air) return;
        /* dda_step, lane by lane: x if tmx < tmy and tmx < tmz, else y if tmy < tmz, else z */
        __mmask16 ax = _mm512_mask_cmp_ps_mask(air, L.tmx, L.tmz, _CMP_LT_OQ);
        ax = _mm512_mask_cmp_ps_mask(ax, L.tmx, L.tmy, _CMP_LT_OQ);
        __mmask16 rest = air & (__mmask16)~ax;
        __mmask16 ay = _mm512_mask_cmp_ps_mask(rest, L.tmy, L.tmz, _CMP_LT_OQ);
        __mmask16 az = rest & (__mmask16)~ay;
        L.t = _mm512_mask_mov_ps(L.t, ax, L.tmx);
        L.t = _mm512_mask_mov_ps(L.t, ay, L.tmy);
        L.t = _mm512_mask_mov_ps(L.t, az, L.tmz);
        L.tmx = _mm512_mask_add_ps(L.tmx, ax, L.tmx, L.idx);
        L.tmy = _mm512_mask_add_ps(L.tmy, ay, L.tmy, L.idy);
        L.tmz = _mm512_mask_add_ps(L.tmz, az, L.tmz, L.idz);
        L.x = _mm512_mask_add_epi32(L.x, ax, L.x, L.sx);
        L.y = _mm512_mask_add_epi32(L.y, ay, L.y, L.sy);
        L.z = _mm512_mask_add_epi32(L.z, az, L.z, L.sz);
        L.face = _mm512_mask_mov_epi32(L.face, ax, L.fx);
        L.face = _mm512_mask_mov_epi32(L.face, ay, L.fy);
        L.face = _mm512_mask_mov_epi32(L.face, az, L.fz);
        L.addr = _mm512_mask_add_epi32(L.addr, ax, L.addr, L.sx);
        L.addr = _mm512_mask_add_epi32(L.addr, ay, L.addr, L.ay8);
        L.addr = _mm512_mask_add_epi32(L.addr, az, L.addr, L.az4);
        /* a step onto a region's first cell (x & 15 == 0 going +x, 15 going -x) */
        __mmask16 cr = _mm512_mask_testn_epi32_mask(ax, _mm512_xor_si512(L.x, L.nx), m15) |
                       _mm512_mask_testn_epi32_mask(az, _mm512_xor_si512(L.z, L.nz), m15);
        if (cr) lanes_relocate(fc, &L, cr, out);
    }
#undef L
}

/* Lane groups walked in turn: their gathers are independent, so the core overlaps them (all
 * groups fetch, then all step). */
#define GROUPS 4

SIMD_TARGET void render_trace_simd(FrameCtx *fc, Ray *rays, const RaySoA *in, int n, RayHit *hits,
                                   float (*colors)[3], SimdOut *out) {
    Lanes G[GROUPS];
    memset(G, 0, sizeof G);
    out->nb = out->ns = out->ne = 0;
    Walk16 w = {fc, rays, in, hits, colors, out, n, 0};
    for (int live = GROUPS; live;) {
        int act[GROUPS];
        live = 0;
        for (int g = 0; g < GROUPS; g++) live += act[g] = lanes_fetch(&w, &G[g]);
        for (int g = 0; g < GROUPS; g++)
            if (act[g]) lanes_step(&w, &G[g]);
    }
}

#else /* no AVX-512 build support: the scalar walk only */

int render_simd_available(void) { return 0; }

void render_trace_simd(FrameCtx *fc, Ray *rays, const RaySoA *in, int n, RayHit *hits,
                       float (*colors)[3], SimdOut *out) {
    (void)in;
    out->nb = out->ns = out->ne = 0;
    for (int i = 0; i < n; i++) render_trace(fc, &rays[i], colors[i], &hits[i]);
}

#endif
