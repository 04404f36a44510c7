/* test_video_yuv.c: the encoder's RGB24 -> yuv420p conversion (video/yuv.h).
 *
 * 1. Every Y/U/V byte is within 1 of the exactly rounded BT.601 limited-range value computed in
 *    double precision (Y per pixel, U/V from the 2x2 mean), on random, flat (0, 255, primaries)
 *    and gradient images, at widths that cover the kernel's column chunks and their tail.
 * 2. The SIMD path and the scalar twin give the same bytes, with padded strides.
 * 3. Against libswscale (the flags the encoder used before): Y within 1 everywhere; U/V within 2
 *    on smooth gradients and inside flat colour patches. swscale filters chroma vertically over
 *    4 rows ([1 3 3 1] / 8) where we take the 2x2 mean, so at sharp edges the two differ by
 *    design (up to ~16 on rendered frames, measured); the matrix and range are the same. */
#include <libswscale/swscale.h>
#include <math.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "tests/check.h"
#include "video/yuv.h"

/* (h, w, 3) -> planes of one buffer: y (h, w), u, v (h/2, w/2). */
typedef struct Yuv {
    uint8_t *buf, *y, *u, *v;
    int w, h;
} Yuv;

static Yuv yuv_alloc(int w, int h) {
    Yuv p = {mem_alloc((size_t)w * h * 3 / 2), NULL, NULL, NULL, w, h};
    p.y = p.buf;
    p.u = p.buf + (size_t)w * h;
    p.v = p.u + (size_t)w * h / 4;
    return p;
}

static void convert(Yuv *p, const uint8_t *rgb, int scalar) {
    if (scalar)
        video_rgb_to_yuv420p_scalar(p->y, p->w, p->u, p->v, p->w / 2, rgb, p->w * 3, p->w, p->h);
    else
        video_rgb_to_yuv420p(p->y, p->w, p->u, p->v, p->w / 2, rgb, p->w * 3, p->w, p->h);
}

/* BT.601: Kr = 0.299, Kb = 0.114; limited range 16 + 219 * Y', 128 + 224 * C. */
static double ref_y(double r, double g, double b) {
    return 16.0 + 219.0 * (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
}
static double ref_cb(double r, double g, double b) {
    double y = 0.299 * r + 0.587 * g + 0.114 * b;
    return 128.0 + 224.0 * ((b - y) / (2.0 * (1.0 - 0.114))) / 255.0;
}
static double ref_cr(double r, double g, double b) {
    double y = 0.299 * r + 0.587 * g + 0.114 * b;
    return 128.0 + 224.0 * ((r - y) / (2.0 * (1.0 - 0.299))) / 255.0;
}

/* Largest |ours - round(reference)| over all planes; *exact counts bytes equal to it. */
static int max_error_vs_reference(const Yuv *p, const uint8_t *rgb, long *exact) {
    int worst = 0;
    *exact = 0;
    for (int y = 0; y < p->h; y++)
        for (int x = 0; x < p->w; x++) {
            const uint8_t *s = rgb + ((size_t)y * p->w + x) * 3;
            int d = abs(p->y[y * p->w + x] - (int)lround(ref_y(s[0], s[1], s[2])));
            *exact += d == 0;
            if (d > worst) worst = d;
        }
    for (int y = 0; y < p->h / 2; y++)
        for (int x = 0; x < p->w / 2; x++) {
            double m[3] = {0, 0, 0};
            for (int k = 0; k < 4; k++) {
                const uint8_t *s = rgb + ((size_t)(2 * y + k / 2) * p->w + 2 * x + k % 2) * 3;
                for (int c = 0; c < 3; c++) m[c] += s[c] / 4.0;
            }
            int i = y * p->w / 2 + x;
            int du = abs(p->u[i] - (int)lround(ref_cb(m[0], m[1], m[2])));
            int dv = abs(p->v[i] - (int)lround(ref_cr(m[0], m[1], m[2])));
            *exact += (du == 0) + (dv == 0);
            if (du > worst) worst = du;
            if (dv > worst) worst = dv;
        }
    return worst;
}

typedef enum Pattern {
    PAT_RANDOM,
    PAT_BLACK,
    PAT_WHITE,
    PAT_PRIMARIES, /* 2x2 blocks cycling red, green, blue, cyan, magenta, yellow, black, white */
    PAT_GRADIENT,  /* R ramps along x, G along y, B along x + y, each 0..255 end to end */
    PAT_PATCHES,   /* 8x8 patches, each one random colour */
    PAT_COUNT
} Pattern;

static const char *pattern_name[PAT_COUNT] = {"random",    "black",    "white",
                                              "primaries", "gradient", "patches"};

static void fill(uint8_t *rgb, int w, int h, Pattern pat, Rng *rng) {
    uint8_t patch[3];
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = rgb + ((size_t)y * w + x) * 3;
            int block = (y / 2) * (w / 2) + x / 2;
            switch (pat) {
            case PAT_RANDOM:
                for (int c = 0; c < 3; c++) p[c] = (uint8_t)rng_below(rng, 256);
                break;
            case PAT_BLACK:
            case PAT_WHITE:
                memset(p, pat == PAT_WHITE ? 255 : 0, 3);
                break;
            case PAT_PRIMARIES: {
                static const uint8_t c8[8][3] = {{255, 0, 0},   {0, 255, 0},    {0, 0, 255},
                                                 {0, 255, 255}, {255, 0, 255},  {255, 255, 0},
                                                 {0, 0, 0},     {255, 255, 255}};
                memcpy(p, c8[block % 8], 3);
                break;
            }
            case PAT_GRADIENT:
                p[0] = (uint8_t)(x * 255 / (w - 1));
                p[1] = (uint8_t)(y * 255 / (h - 1));
                p[2] = (uint8_t)((x + y) * 255 / (w + h - 2));
                break;
            case PAT_PATCHES:
                if (x % 8 == 0) {
                    /* The patch's colour: a hash of its index, the same for its 8 rows. */
                    uint32_t k = (uint32_t)((y / 8) * 1000 + x / 8) * 2654435761u;
                    patch[0] = (uint8_t)(k >> 8);
                    patch[1] = (uint8_t)(k >> 16);
                    patch[2] = (uint8_t)(k >> 24);
                }
                memcpy(p, patch, 3);
                break;
            case PAT_COUNT:
                break;
            }
        }
}

static void test_matches_reference(void) {
    /* 600 = two full chunks of 256 columns and a tail of 88; 2 and 6: tiny rows. */
    static const int sizes[][2] = {{64, 48}, {600, 10}, {2, 2}, {6, 4}};
    Rng rng;
    rng_seed(&rng, 42);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        uint8_t *rgb = mem_alloc((size_t)w * h * 3);
        Yuv p = yuv_alloc(w, h);
        for (int pat = 0; pat < PAT_COUNT; pat++) {
            fill(rgb, w, h, (Pattern)pat, &rng);
            for (int scalar = 0; scalar < 2; scalar++) {
                convert(&p, rgb, scalar);
                long exact = 0;
                int err = max_error_vs_reference(&p, rgb, &exact);
                CHECK_MSG(err <= 1, "%dx%d %s (%s): max error %d vs the float reference", w, h,
                          pattern_name[pat], scalar ? "scalar" : video_yuv_isa(), err);
            }
        }
        mem_free(rgb);
        mem_free(p.buf);
    }
    /* The fixed points of the range: black -> (16, 128, 128), white -> (235, 128, 128). */
    uint8_t px[2 * 2 * 3];
    Yuv p = yuv_alloc(2, 2);
    for (int v = 0; v < 2; v++) {
        memset(px, v ? 255 : 0, sizeof px);
        convert(&p, px, 0);
        CHECK_EQ_INT(p.y[0], v ? 235 : 16);
        CHECK_EQ_INT(p.y[3], v ? 235 : 16);
        CHECK_EQ_INT(p.u[0], 128);
        CHECK_EQ_INT(p.v[0], 128);
    }
    /* Pure red: Cr at the top of its range (240), Cb = 128 - 0.1482 * 255 = 90.2. */
    for (int i = 0; i < 4; i++) memcpy(px + 3 * i, (uint8_t[3]){255, 0, 0}, 3);
    convert(&p, px, 0);
    CHECK_EQ_INT(p.y[0], 81);
    CHECK_EQ_INT(p.u[0], 90);
    CHECK_EQ_INT(p.v[0], 240);
    mem_free(p.buf);
}

static void test_simd_equals_scalar(void) {
    /* Padded strides everywhere: source rows of 3w + 5 bytes, Y rows of w + 3, U/V of w/2 + 1. */
    enum { W = 640, H = 360, RS = W * 3 + 5, YS = W + 3, CS = W / 2 + 1 };
    uint8_t *rgb = mem_alloc((size_t)RS * H);
    Rng rng;
    rng_seed(&rng, 7);
    for (size_t i = 0; i < (size_t)RS * H; i++) rgb[i] = (uint8_t)rng_below(&rng, 256);
    uint8_t *a = mem_calloc((size_t)(YS + CS) * H, 1), *b = mem_calloc((size_t)(YS + CS) * H, 1);
    uint8_t *ua = a + (size_t)YS * H, *va = ua + (size_t)CS * H / 2;
    uint8_t *ub = b + (size_t)YS * H, *vb = ub + (size_t)CS * H / 2;
    video_rgb_to_yuv420p(a, YS, ua, va, CS, rgb, RS, W, H);
    video_rgb_to_yuv420p_scalar(b, YS, ub, vb, CS, rgb, RS, W, H);
    CHECK(memcmp(a, b, (size_t)(YS + CS) * H) == 0);
    fprintf(stderr, "  conversion path: %s\n", video_yuv_isa());
    mem_free(rgb);
    mem_free(a);
    mem_free(b);
}

/* Largest |ours - swscale| of Y, and of U/V over the chroma samples where keep(x, y) says so. */
static void vs_swscale(const uint8_t *rgb, int w, int h, int *dy, int *dc,
                       int (*keep)(int x, int y)) {
    Yuv ours = yuv_alloc(w, h), sw = yuv_alloc(w, h);
    convert(&ours, rgb, 0);
    struct SwsContext *sws = sws_getContext(w, h, AV_PIX_FMT_RGB24, w, h, AV_PIX_FMT_YUV420P,
                                            SWS_BILINEAR | SWS_ACCURATE_RND, NULL, NULL, NULL);
    CHECK(sws != NULL);
    const uint8_t *src[4] = {rgb, NULL, NULL, NULL};
    int src_stride[4] = {w * 3, 0, 0, 0};
    uint8_t *dst[4] = {sw.y, sw.u, sw.v, NULL};
    int dst_stride[4] = {w, w / 2, w / 2, 0};
    if (sws) sws_scale(sws, src, src_stride, 0, h, dst, dst_stride);
    sws_freeContext(sws);
    *dy = *dc = 0;
    for (int i = 0; i < w * h; i++)
        *dy = abs(ours.y[i] - sw.y[i]) > *dy ? abs(ours.y[i] - sw.y[i]) : *dy;
    for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++) {
            if (keep && !keep(x, y)) continue;
            int i = y * w / 2 + x;
            int d = abs(ours.u[i] - sw.u[i]) > abs(ours.v[i] - sw.v[i]) ? abs(ours.u[i] - sw.u[i])
                                                                        : abs(ours.v[i] - sw.v[i]);
            if (d > *dc) *dc = d;
        }
    mem_free(ours.buf);
    mem_free(sw.buf);
}

/* Chroma samples (x, y) whose swscale footprint (source rows 2y-1..2y+2, columns 2x..2x+1)
 * lies inside one 8x8 patch. */
static int inside_patch(int x, int y) {
    (void)x;
    return (2 * y) % 8 != 0 && (2 * y + 2) % 8 != 0;
}

static void test_close_to_swscale(void) {
    enum { W = 640, H = 360 };
    uint8_t *rgb = mem_alloc((size_t)W * H * 3);
    Rng rng;
    rng_seed(&rng, 3);
    int dy, dc;
    fill(rgb, W, H, PAT_GRADIENT, &rng);
    vs_swscale(rgb, W, H, &dy, &dc, NULL);
    CHECK_MSG(dy <= 1 && dc <= 2, "gradient: |dY| %d, |dC| %d vs swscale", dy, dc);
    fill(rgb, W, H, PAT_PATCHES, &rng);
    vs_swscale(rgb, W, H, &dy, &dc, inside_patch);
    CHECK_MSG(dy <= 1 && dc <= 2, "patches: |dY| %d, |dC| %d vs swscale", dy, dc);
    fill(rgb, W, H, PAT_RANDOM, &rng);
    vs_swscale(rgb, W, H, &dy, &dc, NULL);
    CHECK_MSG(dy <= 1, "random: |dY| %d vs swscale", dy);
    mem_free(rgb);
}

int main(void) {
    TEST_RUN(test_matches_reference);
    TEST_RUN(test_simd_equals_scalar);
    TEST_RUN(test_close_to_swscale);
    return check_finish();
}
