/* trace_simd.c: the cell walk of render_trace for 16 rays at once, in AVX-512 lanes.
 *
 * Each lane walks one ray through runs of air below its region's top: exactly the steps of
 * raycast.c's walk_air (the same comparisons choose the axis, the same float sums advance the
 * boundaries), the block fetch as a 32-bit gather, and the step into another chunk (the next
 * chunk's block array and top from the frame's tables) without leaving the vector code. A lane
 * stops where walk_air would: at the view's or an entity's distance, above its region's top
 * or below the world, or at a non-air cell. The commonest ends are finished here: an opaque
 * block entered through air (a RAY_BLOCK record for span.c's colour passes) and the sky (a
 * RAY_SKY record). Every other ray is handed to render_trace_resume with the lane's exact
 * state, which is the state render_trace itself would be in at that point, so each pixel's
 * bytes are the scalar tracer's (test_render checks them frame by frame against
 * RenderOptions.scalar_only). A lane whose ray has ended takes the next ray at once, so the
 * lanes stay busy although rays take very different numbers of steps.
 *
 * Frames qualify (FrameCtx.simd) when the CPU has AVX-512F and BMI2, the eye is in an air
 * cell below its region's top (every ray then starts with a plain step) and the chunk arrays
 * lie within 2 GiB of each other (32-bit gather offsets). */
#include <stdint.h>
#include <string.h>

#include "render/internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define SIMD_TARGET __attribute__((target("avx512f,bmi,bmi2,popcnt")))

int render_simd_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("bmi2");
}

enum { LANES = 16 };

/* The walk state of the 16 lanes, as the hot loop keeps it in registers. Per lane: the cell
 * (x, y, z), its byte's offset from fc->vbase (addr: the chunk's offset + the cell index), the
 * region top, the last face entered and distance t, the next boundaries tm*, and the ray's
 * constants (|1/d|, the distance limit, the step signs). The ray index per lane is in ray[]. */
typedef struct Lanes {
    __m512i x, y, z, addr, top, face;
    __m512 tmx, tmy, tmz, t, idx, idy, idz, limit;
    __m512i sx, sy, sz;
    int32_t ray[LANES];
} Lanes;

/* A lane's state, stored for the scalar code. */
typedef struct LaneDump {
    int32_t x[LANES], y[LANES], z[LANES], face[LANES], blk[LANES];
    float tmx[LANES], tmy[LANES], tmz[LANES], t[LANES];
} LaneDump;

SIMD_TARGET static inline void lanes_dump(const Lanes *L, __m512i blk, LaneDump *o) {
    _mm512_storeu_si512(o->x, L->x);
    _mm512_storeu_si512(o->y, L->y);
    _mm512_storeu_si512(o->z, L->z);
    _mm512_storeu_si512(o->face, L->face);
    _mm512_storeu_si512(o->blk, blk);
    _mm512_storeu_ps(o->tmx, L->tmx);
    _mm512_storeu_ps(o->tmy, L->tmy);
    _mm512_storeu_ps(o->tmz, L->tmz);
    _mm512_storeu_ps(o->t, L->t);
}

/* Lane j's ray is handed to the scalar walk from where the lane stands. */
static void hand_over(FrameCtx *fc, Ray *rays, RayHit *hits, float (*colors)[3],
                      const LaneDump *o, int r, int j) {
    int cell[3] = {o->x[j], o->y[j], o->z[j]};
    float tm[3] = {o->tmx[j], o->tmy[j], o->tmz[j]};
    render_trace_resume(fc, &rays[r], cell, tm, o->t[j], o->face[j], colors[r], &hits[r]);
}

/* Lane j's ray ended without a hit (the view's or an entity's distance, or the edge of the
 * chunk table): the sky, or the entity through render_trace_resume's finish. */
static void end_no_hit(FrameCtx *fc, Ray *rays, RayHit *hits, float (*colors)[3],
                       const LaneDump *o, int r, int j) {
    if (rays[r].ent_hit)
        hand_over(fc, rays, hits, colors, o, r, j);
    else
        hits[r].status = RAY_SKY;
}

/* Lanes ev stopped before a step: finish or hand over each one (see the file comment). */
SIMD_TARGET __attribute__((noinline)) static void lanes_events(
    FrameCtx *fc, const Lanes *L, __m512i blk, __mmask16 ev, __mmask16 below, __mmask16 in_range,
    Ray *rays, RayHit *hits, float (*colors)[3]) {
    LaneDump o;
    lanes_dump(L, blk, &o);
    for (unsigned m = ev; m; m &= m - 1) {
        int j = __builtin_ctz(m);
        int r = L->ray[j];
        if (!(below >> j & 1)) {
            end_no_hit(fc, rays, hits, colors, &o, r, j);
        } else if ((in_range >> j & 1) && render_block_is_solid(o.blk[j]) &&
                   !(fc->has_target && o.x[j] == fc->tx && o.y[j] == fc->ty &&
                     o.z[j] == fc->tz)) {
            RayHit *h = &hits[r];
            h->status = RAY_BLOCK;
            h->t = o.t[j];
            h->x = o.x[j], h->y = o.y[j], h->z = o.z[j];
            h->face = o.face[j], h->block = o.blk[j];
        } else {
            hand_over(fc, rays, hits, colors, &o, r, j);
        }
    }
}

/* Lanes cr stepped into another chunk: its block array and top (walk_locate). Returns the
 * lanes that left the chunk table (their rays end there, handled here). */
SIMD_TARGET __attribute__((noinline)) static __mmask16 lanes_relocate(
    FrameCtx *fc, Lanes *L, __mmask16 cr, Ray *rays, RayHit *hits, float (*colors)[3]) {
    const __m512i dim = _mm512_set1_epi32(FRAME_CHUNK_DIM), m15 = _mm512_set1_epi32(15);
    __m512i kx = _mm512_sub_epi32(_mm512_srai_epi32(L->x, 4), _mm512_set1_epi32(fc->ccx0));
    __m512i kz = _mm512_sub_epi32(_mm512_srai_epi32(L->z, 4), _mm512_set1_epi32(fc->ccz0));
    __mmask16 in = _mm512_mask_cmplt_epu32_mask(cr, kx, dim);
    in = _mm512_mask_cmplt_epu32_mask(in, kz, dim);
    __m512i k = _mm512_add_epi32(_mm512_mullo_epi32(kz, dim), kx);
    __m512i top = _mm512_mask_i32gather_epi32(L->top, in, k, fc->vtop, 4);
    __mmask16 unknown = _mm512_mask_cmplt_epi32_mask(in, top, _mm512_setzero_si512());
    if (unknown) { /* first use of these chunks in the frame */
        int32_t ks[LANES];
        _mm512_storeu_si512(ks, k);
        for (unsigned m = unknown; m; m &= m - 1) render_chunk_top(fc, ks[__builtin_ctz(m)]);
        top = _mm512_mask_i32gather_epi32(L->top, in, k, fc->vtop, 4);
    }
    L->top = top;
    __m512i choff = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), in, k, fc->choff, 4);
    __m512i cell = _mm512_add_epi32(
        _mm512_slli_epi32(L->y, 8),
        _mm512_add_epi32(_mm512_slli_epi32(_mm512_and_si512(L->z, m15), 4),
                         _mm512_and_si512(L->x, m15)));
    L->addr = _mm512_mask_add_epi32(L->addr, in, choff, cell);
    __mmask16 left = cr & (__mmask16)~in;
    if (left) { /* walk_locate failed: the scalar loop ends with no hit */
        LaneDump o;
        lanes_dump(L, _mm512_setzero_si512(), &o);
        for (unsigned m = left; m; m &= m - 1) {
            int j = __builtin_ctz(m);
            end_no_hit(fc, rays, hits, colors, &o, L->ray[j], j);
        }
    }
    return left;
}

/* Loads rays next.. into the idle lanes m, at the eye's cell (dda_init and render_trace's
 * boundaries at the eye). */
SIMD_TARGET __attribute__((noinline)) static void lanes_load(const FrameCtx *fc, Lanes *L,
                                                            const RaySoA *in, int next,
                                                            __mmask16 m) {
    const __m512 zero = _mm512_setzero_ps(), big = _mm512_set1_ps(RENDER_BIG);
    const __m512i one = _mm512_set1_epi32(1), neg = _mm512_set1_epi32(-1);
    __m512 dx = _mm512_mask_expandloadu_ps(zero, m, in->dx + next);
    __m512 dy = _mm512_mask_expandloadu_ps(zero, m, in->dy + next);
    __m512 dz = _mm512_mask_expandloadu_ps(zero, m, in->dz + next);
    __m512 idx = _mm512_mask_expandloadu_ps(zero, m, in->ix + next);
    __m512 idy = _mm512_mask_expandloadu_ps(zero, m, in->iy + next);
    __m512 idz = _mm512_mask_expandloadu_ps(zero, m, in->iz + next);
    L->idx = _mm512_mask_mov_ps(L->idx, m, idx);
    L->idy = _mm512_mask_mov_ps(L->idy, m, idy);
    L->idz = _mm512_mask_mov_ps(L->idz, m, idz);
    L->limit = _mm512_mask_expandloadu_ps(L->limit, m, in->limit + next);
    int r = next;
    for (unsigned mm = m; mm; mm &= mm - 1) L->ray[__builtin_ctz(mm)] = r++;
    __mmask16 px = _mm512_cmp_ps_mask(dx, zero, _CMP_GT_OQ);
    __mmask16 nx = _mm512_cmp_ps_mask(dx, zero, _CMP_LT_OQ);
    __mmask16 py = _mm512_cmp_ps_mask(dy, zero, _CMP_GT_OQ);
    __mmask16 ny = _mm512_cmp_ps_mask(dy, zero, _CMP_LT_OQ);
    __mmask16 pz = _mm512_cmp_ps_mask(dz, zero, _CMP_GT_OQ);
    __mmask16 nz = _mm512_cmp_ps_mask(dz, zero, _CMP_LT_OQ);
    L->sx = _mm512_mask_mov_epi32(L->sx, m, _mm512_mask_blend_epi32(px, neg, one));
    L->sy = _mm512_mask_mov_epi32(L->sy, m, _mm512_mask_blend_epi32(py, neg, one));
    L->sz = _mm512_mask_mov_epi32(L->sz, m, _mm512_mask_blend_epi32(pz, neg, one));
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
    L->addr = _mm512_mask_mov_epi32(L->addr, m,
                                    _mm512_set1_epi32(fc->choff[fc->eye_k] + fc->eye_cell));
    L->top = _mm512_mask_mov_epi32(L->top, m, _mm512_set1_epi32(fc->eye_top));
    L->t = _mm512_mask_mov_ps(L->t, m, zero);
    L->face = _mm512_mask_mov_epi32(L->face, m, neg);
}

SIMD_TARGET void render_trace_simd(FrameCtx *fc, Ray *rays, const RaySoA *in, int n,
                                   RayHit *hits, float (*colors)[3]) {
    Lanes L;
    memset(&L, 0, sizeof L);
    const __m512i m15 = _mm512_set1_epi32(REGION_SIZE - 1), zero = _mm512_setzero_si512();
    const __m512i not3 = _mm512_set1_epi32(~3), three = _mm512_set1_epi32(3),
                  ff = _mm512_set1_epi32(0xFF);
    const __m512i fpx = _mm512_set1_epi32(RFACE_PX), fpy = _mm512_set1_epi32(RFACE_PY),
                  fpz = _mm512_set1_epi32(RFACE_PZ);
    const uint8_t *base = fc->vbase;
    __mmask16 active = 0;
    int next = 0;
    /* the hot state in registers; L holds it across the (rare) calls */
    __m512i x = L.x, y = L.y, z = L.z, addr = L.addr, top = L.top, face = L.face;
    __m512 tmx = L.tmx, tmy = L.tmy, tmz = L.tmz, t = L.t, idx = L.idx, idy = L.idy,
           idz = L.idz, limit = L.limit;
    __m512i sx = L.sx, sy = L.sy, sz = L.sz;
#define LANES_SAVE()                                                                               \
    (L.x = x, L.y = y, L.z = z, L.addr = addr, L.top = top, L.face = face, L.tmx = tmx,            \
     L.tmy = tmy, L.tmz = tmz, L.t = t, L.idx = idx, L.idy = idy, L.idz = idz, L.limit = limit,    \
     L.sx = sx, L.sy = sy, L.sz = sz)
#define LANES_LOAD()                                                                               \
    (x = L.x, y = L.y, z = L.z, addr = L.addr, top = L.top, face = L.face, tmx = L.tmx,            \
     tmy = L.tmy, tmz = L.tmz, t = L.t, idx = L.idx, idy = L.idy, idz = L.idz, limit = L.limit,    \
     sx = L.sx, sy = L.sy, sz = L.sz)
    for (;;) {
        __mmask16 idle = (__mmask16)~active;
        /* refill when a quarter of the lanes are free (or nothing else runs) */
        if (next < n && (__builtin_popcount(idle) >= 4 || !active)) {
            int k = __builtin_popcount(idle);
            if (k > n - next) k = n - next;
            __mmask16 m = (__mmask16)_pdep_u32((1u << k) - 1u, idle);
            LANES_SAVE();
            lanes_load(fc, &L, in, next, m);
            LANES_LOAD();
            active |= m;
            next += k;
        }
        if (!active) break;
        /* walk_air's test at each lane's cell: t < limit, 0 <= y < top, air */
        __mmask16 below = _mm512_mask_cmp_ps_mask(active, t, limit, _CMP_LT_OQ);
        __mmask16 ok_y = _mm512_mask_cmplt_epu32_mask(below, y, top);
        __m512i word =
            _mm512_mask_i32gather_epi32(zero, ok_y, _mm512_and_si512(addr, not3), base, 1);
        __m512i shift = _mm512_slli_epi32(_mm512_and_si512(addr, three), 3);
        __m512i blk = _mm512_and_si512(_mm512_srlv_epi32(word, shift), ff);
        __mmask16 air = _mm512_mask_testn_epi32_mask(ok_y, blk, blk);
        __mmask16 ev = active & (__mmask16)~air;
        if (ev) {
            LANES_SAVE();
            lanes_events(fc, &L, blk, ev, below, ok_y, rays, hits, colors);
            active = air;
            if (!air) continue;
        }
        /* dda_step, lane by lane: x if tmx < tmy and tmx < tmz, else y if tmy < tmz, else z */
        __mmask16 ax = _mm512_mask_cmp_ps_mask(air, tmx, tmz, _CMP_LT_OQ);
        ax = _mm512_mask_cmp_ps_mask(ax, tmx, tmy, _CMP_LT_OQ);
        __mmask16 rest = air & (__mmask16)~ax;
        __mmask16 ay = _mm512_mask_cmp_ps_mask(rest, tmy, tmz, _CMP_LT_OQ);
        __mmask16 az = rest & (__mmask16)~ay;
        t = _mm512_mask_mov_ps(t, ax, tmx);
        t = _mm512_mask_mov_ps(t, ay, tmy);
        t = _mm512_mask_mov_ps(t, az, tmz);
        tmx = _mm512_mask_add_ps(tmx, ax, tmx, idx);
        tmy = _mm512_mask_add_ps(tmy, ay, tmy, idy);
        tmz = _mm512_mask_add_ps(tmz, az, tmz, idz);
        x = _mm512_mask_add_epi32(x, ax, x, sx);
        y = _mm512_mask_add_epi32(y, ay, y, sy);
        z = _mm512_mask_add_epi32(z, az, z, sz);
        /* the face entered: -x side (RFACE_NX) when stepping +x, etc. */
        face = _mm512_mask_mov_epi32(face, ax, _mm512_srli_epi32(_mm512_sub_epi32(fpx, sx), 1));
        face = _mm512_mask_mov_epi32(
            face, ay, _mm512_add_epi32(_mm512_set1_epi32(RFACE_NY),
                                       _mm512_srli_epi32(_mm512_sub_epi32(_mm512_set1_epi32(1), sy), 1)));
        face = _mm512_mask_mov_epi32(
            face, az, _mm512_add_epi32(_mm512_set1_epi32(RFACE_NZ),
                                       _mm512_srli_epi32(_mm512_sub_epi32(_mm512_set1_epi32(1), sz), 1)));
        addr = _mm512_mask_add_epi32(addr, ax, addr, sx);
        addr = _mm512_mask_add_epi32(addr, ay, addr, _mm512_slli_epi32(sy, 8));
        addr = _mm512_mask_add_epi32(addr, az, addr, _mm512_slli_epi32(sz, 4));
        /* a step onto a region's first cell (x & 15 == 0 going +x, 15 going -x) */
        __mmask16 cr =
            _mm512_mask_testn_epi32_mask(ax, _mm512_xor_si512(x, _mm512_srai_epi32(sx, 31)), m15) |
            _mm512_mask_testn_epi32_mask(az, _mm512_xor_si512(z, _mm512_srai_epi32(sz, 31)), m15);
        if (cr) {
            LANES_SAVE();
            active &= (__mmask16)~lanes_relocate(fc, &L, cr, rays, hits, colors);
            LANES_LOAD();
        }
    }
    (void)fpy, (void)fpz;
#undef LANES_SAVE
#undef LANES_LOAD
}

#else /* no AVX-512 build support: the scalar walk only */

int render_simd_available(void) { return 0; }

void render_trace_simd(FrameCtx *fc, Ray *rays, const RaySoA *in, int n, RayHit *hits,
                       float (*colors)[3]) {
    (void)in;
    for (int i = 0; i < n; i++) render_trace(fc, &rays[i], colors[i], &hits[i]);
}

#endif
