/* yuv.c: RGB24 -> yuv420p, BT.601 limited range, 2x2 mean chroma (see yuv.h).
 *
 * Fixed point: coefficients are the exact ones times 2^15, rounded, then nudged so that the Y
 * row sums to 219/255 * 2^15 (grey stays grey: 0 -> 16, 255 -> 235) and each chroma row sums to
 * 0 (grey has Cb = Cr = 128). Chroma takes the sum of the 4 pixels of its block, so its shift is
 * 15 + 2. Every intermediate fits int32 (|c| * 1020 + 128 << 17 < 2^31) and stays >= 0, so the
 * shifts are floor divisions on every path.
 *
 * One kernel source, two builds: the loop over a pair of rows is written plainly (no
 * cross-iteration dependencies, unit-stride stores) and compiled twice, for the baseline ISA and
 * with target("avx2"); __builtin_cpu_supports picks one at run time. Integer math makes both
 * give the same bytes (tested). video/CMakeLists.txt gives this file GCC's dynamic vectorizer
 * cost model, without which -O2 leaves the loops scalar. */
#include "video/yuv.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

enum {
    YUV_SHIFT = 15,
    Y_R = 8414,   /* 0.299 * 219/255 * 2^15 = 8414.4 */
    Y_G = 16520,  /* 0.587 * 219/255 * 2^15 = 16519.3, +1 so the row sums to 28142 */
    Y_B = 3208,   /* 0.114 * 219/255 * 2^15 = 3208.2 */
    CB_R = -4857, /* -0.168736 * 224/255 * 2^15 = -4857.0 */
    CB_G = -9535, /* -0.331264 * 224/255 * 2^15 = -9535.3 */
    CB_B = 14392, /* 0.5 * 224/255 * 2^15 = 14392.2 */
    CR_R = 14392,
    CR_G = -12052, /* -0.418688 * 224/255 * 2^15 = -12051.7 */
    CR_B = -2340,  /* -0.081312 * 224/255 * 2^15 = -2340.5 */
};
_Static_assert(Y_R + Y_G + Y_B == 28142, "219/255 * 2^15");
_Static_assert(CB_R + CB_G + CB_B == 0 && CR_R + CR_G + CR_B == 0, "grey has no chroma");

#define Y_BIAS ((16 << YUV_SHIFT) + (1 << (YUV_SHIFT - 1)))
#define C_BIAS ((128 << (YUV_SHIFT + 2)) + (1 << (YUV_SHIFT + 1)))

/* Columns per chunk of the row-pair loop (its column sums live on the stack). */
enum { YUV_CHUNK = 256 };

/* Two rows: s0, s1 (w, 3) -> y0, y1 (w), u, v (w/2), in chunks of YUV_CHUNK columns. Two plain
 * loops a vectorizer takes: per pixel (loads of stride 3) the luma of both rows and the sums of
 * each column's two pixels; then per pair of columns (loads of stride 2) the chroma. */
static inline __attribute__((always_inline)) void
rows_body(uint8_t *restrict y0, uint8_t *restrict y1, uint8_t *restrict u, uint8_t *restrict v,
          const uint8_t *restrict s0, const uint8_t *restrict s1, int w) {
    uint16_t rs[YUV_CHUNK], gs[YUV_CHUNK], bs[YUV_CHUNK]; /* (n): column sums of 2 pixels */
    for (int x0 = 0; x0 < w; x0 += YUV_CHUNK) {
        int n = w - x0 < YUV_CHUNK ? w - x0 : YUV_CHUNK;
        const uint8_t *a = s0 + 3 * x0, *b = s1 + 3 * x0;
        uint8_t *ya = y0 + x0, *yb = y1 + x0;
        for (int x = 0; x < n; x++) {
            int ra = a[3 * x], ga = a[3 * x + 1], ba = a[3 * x + 2];
            int rb = b[3 * x], gb = b[3 * x + 1], bb = b[3 * x + 2];
            ya[x] = (uint8_t)((Y_R * ra + Y_G * ga + Y_B * ba + Y_BIAS) >> YUV_SHIFT);
            yb[x] = (uint8_t)((Y_R * rb + Y_G * gb + Y_B * bb + Y_BIAS) >> YUV_SHIFT);
            rs[x] = (uint16_t)(ra + rb);
            gs[x] = (uint16_t)(ga + gb);
            bs[x] = (uint16_t)(ba + bb);
        }
        uint8_t *uc = u + x0 / 2, *vc = v + x0 / 2;
        for (int i = 0; i < n / 2; i++) {
            int r4 = rs[2 * i] + rs[2 * i + 1], g4 = gs[2 * i] + gs[2 * i + 1];
            int b4 = bs[2 * i] + bs[2 * i + 1];
            uc[i] = (uint8_t)((CB_R * r4 + CB_G * g4 + CB_B * b4 + C_BIAS) >> (YUV_SHIFT + 2));
            vc[i] = (uint8_t)((CR_R * r4 + CR_G * g4 + CR_B * b4 + C_BIAS) >> (YUV_SHIFT + 2));
        }
    }
}

typedef void (*RowsFn)(uint8_t *restrict, uint8_t *restrict, uint8_t *restrict, uint8_t *restrict,
                       const uint8_t *restrict, const uint8_t *restrict, int);

static void rows_scalar(uint8_t *restrict y0, uint8_t *restrict y1, uint8_t *restrict u,
                        uint8_t *restrict v, const uint8_t *restrict s0, const uint8_t *restrict s1,
                        int w) {
    rows_body(y0, y1, u, v, s0, s1, w);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define YUV_HAVE_AVX2 1
__attribute__((target("avx2"))) static void rows_avx2(uint8_t *restrict y0, uint8_t *restrict y1,
                                                      uint8_t *restrict u, uint8_t *restrict v,
                                                      const uint8_t *restrict s0,
                                                      const uint8_t *restrict s1, int w) {
    rows_body(y0, y1, u, v, s0, s1, w);
}
#endif

static void convert(RowsFn rows, uint8_t *y, int y_stride, uint8_t *u, uint8_t *v, int uv_stride,
                    const uint8_t *rgb, int rgb_stride, int w, int h) {
    ASSERT(w > 0 && h > 0 && !(w & 1) && !(h & 1));
    ASSERT(y_stride >= w && uv_stride >= w / 2 && rgb_stride >= 3 * w);
    for (int r = 0; r < h / 2; r++) {
        const uint8_t *s0 = rgb + (size_t)(2 * r) * rgb_stride;
        uint8_t *y0 = y + (size_t)(2 * r) * y_stride;
        rows(y0, y0 + y_stride, u + (size_t)r * uv_stride, v + (size_t)r * uv_stride, s0,
             s0 + rgb_stride, w);
    }
}

static RowsFn pick_rows(void) {
    const char *cap = getenv("VPT_YUV_ISA");
    if (cap && strcmp(cap, "scalar") == 0) return rows_scalar;
#ifdef YUV_HAVE_AVX2
    if (__builtin_cpu_supports("avx2")) return rows_avx2;
#endif
    return rows_scalar;
}

const char *video_yuv_isa(void) { return pick_rows() == rows_scalar ? "scalar" : "avx2"; }

void video_rgb_to_yuv420p(uint8_t *y, int y_stride, uint8_t *u, uint8_t *v, int uv_stride,
                          const uint8_t *rgb, int rgb_stride, int w, int h) {
    convert(pick_rows(), y, y_stride, u, v, uv_stride, rgb, rgb_stride, w, h);
}

void video_rgb_to_yuv420p_scalar(uint8_t *y, int y_stride, uint8_t *u, uint8_t *v, int uv_stride,
                                 const uint8_t *rgb, int rgb_stride, int w, int h) {
    convert(rows_scalar, y, y_stride, u, v, uv_stride, rgb, rgb_stride, w, h);
}
