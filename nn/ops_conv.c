/* ops_conv.c: 2D convolution, NHWC: the direct register-blocked kernels (conv_direct_impl.h) for
 * 16/32 output channels on AVX2/AVX-512 CPUs, otherwise im2col + one GEMM per group of images;
 * temporal convolution over frames; max-pool (vectorized for 8/16-multiple channels); and the
 * naive direct convolution used as the test oracle.
 * Threading: the batch is cut into ctx->n_chunks fixed chunks; chunk c always covers the same
 * images and owns scratch slot c, and weight-gradient partials are summed in chunk order, so
 * results do not depend on scheduling. */
#include <cblas.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "nn/conv_direct.h"
#include "nn/nn.h"

/* Cap on im2col floats per GEMM (16 MB) so big batches do not balloon the scratch. */
#define NN_COL_MAX_FLOATS (4 << 20)

int nn_conv_out_h(const NnConvShape *s) { return (s->H + 2 * s->pad - s->KH) / s->stride + 1; }
int nn_conv_out_w(const NnConvShape *s) { return (s->W + 2 * s->pad - s->KW) / s->stride + 1; }

static int conv_is_pointwise(const NnConvShape *s) {
    return s->KH == 1 && s->KW == 1 && s->stride == 1 && s->pad == 0;
}

/* col (OH*OW, KH*KW*C) for one image (H,W,C). */
static void im2col(float *col, const float *img, const NnConvShape *s, int OH, int OW) {
    const int C = s->C, K = s->KH * s->KW * C;
    for (int oh = 0; oh < OH; oh++) {
        for (int ow = 0; ow < OW; ow++) {
            float *row = col + ((int64_t)oh * OW + ow) * K;
            for (int kh = 0; kh < s->KH; kh++) {
                int ih = oh * s->stride - s->pad + kh;
                float *dst = row + kh * s->KW * C;
                if (ih < 0 || ih >= s->H) {
                    memset(dst, 0, (size_t)s->KW * C * sizeof(float));
                    continue;
                }
                int iw0 = ow * s->stride - s->pad;
                if (iw0 >= 0 && iw0 + s->KW <= s->W) { /* whole window inside: one copy */
                    memcpy(dst, img + ((int64_t)ih * s->W + iw0) * C,
                           (size_t)s->KW * C * sizeof(float));
                    continue;
                }
                for (int kw = 0; kw < s->KW; kw++) {
                    int iw = iw0 + kw;
                    if (iw < 0 || iw >= s->W)
                        memset(dst + kw * C, 0, (size_t)C * sizeof(float));
                    else
                        memcpy(dst + kw * C, img + ((int64_t)ih * s->W + iw) * C,
                               (size_t)C * sizeof(float));
                }
            }
        }
    }
}

/* img (H,W,C) += col2im(dcol (OH*OW, K)). */
static void col2im_add(float *img, const float *dcol, const NnConvShape *s, int OH, int OW) {
    const int C = s->C, K = s->KH * s->KW * C;
    for (int oh = 0; oh < OH; oh++) {
        for (int ow = 0; ow < OW; ow++) {
            const float *row = dcol + ((int64_t)oh * OW + ow) * K;
            for (int kh = 0; kh < s->KH; kh++) {
                int ih = oh * s->stride - s->pad + kh;
                if (ih < 0 || ih >= s->H) continue;
                for (int kw = 0; kw < s->KW; kw++) {
                    int iw = ow * s->stride - s->pad + kw;
                    if (iw < 0 || iw >= s->W) continue;
                    float *dst = img + ((int64_t)ih * s->W + iw) * C;
                    const float *src = row + (kh * s->KW + kw) * C;
                    for (int c = 0; c < C; c++) dst[c] += src[c];
                }
            }
        }
    }
}

typedef struct ConvJob {
    NnCtx *ctx;
    const NnConvShape *s;
    float *out, *dinp, *dw, *db;
    const float *inp, *w, *b, *dout;
    float *wt, *wt2; /* direct path: (KH,KW,C,O) and flipped (KH,KW,O,C) weights */
    int n_chunks;
    int relu;         /* forward: apply ReLU to the output */
    const float *res; /* forward: residual added to the output */
} ConvJob;

/* Direct kernels: output channels in vectors of 16 (forward and weight gradient); the input
 * gradient as a stride-1 convolution of the padded output gradient with flipped weights. */
typedef enum ConvIsa { CONV_ISA_NONE = 0, CONV_ISA_AVX2, CONV_ISA_AVX512 } ConvIsa;

/* The best kernel set this CPU runs. VPT_NN_ISA=avx2|none caps it (tests use it to run every
 * kernel set on one machine). */
static ConvIsa conv_isa(void) {
    const char *cap = getenv("VPT_NN_ISA");
    if (cap && strcmp(cap, "none") == 0) return CONV_ISA_NONE;
#if defined(__x86_64__) && defined(__GNUC__)
    if (cap && strcmp(cap, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? CONV_ISA_AVX2
                                                                               : CONV_ISA_NONE;
    if (__builtin_cpu_supports("avx512f")) return CONV_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CONV_ISA_AVX2;
#endif
    return CONV_ISA_NONE;
}

static int direct_ok(const NnConvShape *s) {
    return (s->O == 16 || s->O == 32) && conv_isa() != CONV_ISA_NONE;
}

static void direct_forward_image(float *out, const float *ip, const float *wt, const float *bias,
                                 const NnDirectDims *d, int accumulate) {
    if (conv_isa() == CONV_ISA_AVX512)
        nn_direct_forward_image_avx512(out, ip, wt, bias, d, accumulate);
    else
        nn_direct_forward_image_avx2(out, ip, wt, bias, d, accumulate);
}

static void direct_dw_image(float *dwt, const float *ip, const float *dout, const NnDirectDims *d) {
    if (conv_isa() == CONV_ISA_AVX512)
        nn_direct_dw_image_avx512(dwt, ip, dout, d);
    else
        nn_direct_dw_image_avx2(dwt, ip, dout, d);
}

/* dst (H+2p, W+2p, C) = zero-padded src (H,W,C). */
static void pad_image(float *dst, const float *src, int H, int W, int C, int pad) {
    const int Wp = W + 2 * pad;
    memset(dst, 0, (size_t)pad * Wp * C * sizeof(float));
    for (int h = 0; h < H; h++) {
        float *row = dst + (int64_t)(h + pad) * Wp * C;
        memset(row, 0, (size_t)pad * C * sizeof(float));
        memcpy(row + (int64_t)pad * C, src + (int64_t)h * W * C, (size_t)W * C * sizeof(float));
        memset(row + (int64_t)(pad + W) * C, 0, (size_t)pad * C * sizeof(float));
    }
    memset(dst + (int64_t)(H + pad) * Wp * C, 0, (size_t)pad * Wp * C * sizeof(float));
}

/* pad_image of max(src, 0) (as nn_relu_forward). */
static void pad_image_relu(float *dst, const float *src, int H, int W, int C, int pad) {
    const int Wp = W + 2 * pad;
    memset(dst, 0, (size_t)pad * Wp * C * sizeof(float));
    for (int h = 0; h < H; h++) {
        float *restrict row = dst + (int64_t)(h + pad) * Wp * C;
        const float *restrict in = src + (int64_t)h * W * C;
        memset(row, 0, (size_t)pad * C * sizeof(float));
        for (int64_t i = 0; i < (int64_t)W * C; i++) row[pad * C + i] = in[i] > 0.0f ? in[i] : 0.0f;
        memset(row + (int64_t)(pad + W) * C, 0, (size_t)pad * C * sizeof(float));
    }
    memset(dst + (int64_t)(H + pad) * Wp * C, 0, (size_t)pad * Wp * C * sizeof(float));
}

static int direct_dx_ok(const NnConvShape *s) {
    return s->stride == 1 && (s->C == 16 || s->C == 32) && s->KH == s->KW && s->pad <= s->KH - 1 &&
           s->pad <= s->KW - 1;
}

static NnDirectDims direct_dims_plain(const NnConvShape *s);

/* Forward / weight-gradient dims. A stride-1 conv with few input channels (the 3-channel first
 * layer) runs as KW = 1 over KW * C channels: (kw, c) are contiguous in a padded NHWC row. */
static NnDirectDims direct_dims(const NnConvShape *s) {
    NnDirectDims d = direct_dims_plain(s);
    if (s->stride == 1 && s->C < 8) {
        d.xs = s->C;
        d.rs = d.Wp * s->C;
        d.C = s->KW * s->C;
        d.KW = 1;
    }
    return d;
}

static NnDirectDims direct_dims_plain(const NnConvShape *s) {
    return (NnDirectDims){.Hp = s->H + 2 * s->pad,
                          .Wp = s->W + 2 * s->pad,
                          .C = s->C,
                          .O = s->O,
                          .KH = s->KH,
                          .KW = s->KW,
                          .stride = s->stride,
                          .OH = nn_conv_out_h(s),
                          .OW = nn_conv_out_w(s)};
}

/* (O,KH,KW,C) -> j->wt (KH,KW,C,O), and flipped j->wt2 (KH,KW,O,C) for the input gradient
 * when j->wt2 is non-NULL. */
static void repack_into(ConvJob *j) {
    const NnConvShape *s = j->s;
    const int K = s->KH * s->KW, flipped = j->wt2 != NULL;
    for (int o = 0; o < s->O; o++)
        for (int k = 0; k < K; k++)
            for (int c = 0; c < s->C; c++) {
                float v = j->w[((int64_t)o * K + k) * s->C + c];
                j->wt[((int64_t)k * s->C + c) * s->O + o] = v;
                if (flipped) j->wt2[((int64_t)(K - 1 - k) * s->O + o) * s->C + c] = v;
            }
}

static void repack_weights(ConvJob *j, int flipped) {
    const NnConvShape *s = j->s;
    const size_t n = (size_t)s->KH * s->KW * s->C * s->O;
    j->wt = mem_alloc(n * sizeof(float));
    j->wt2 = flipped ? mem_alloc(n * sizeof(float)) : NULL;
    repack_into(j);
}

static void direct_forward_chunk(ConvJob *j, int c, int n0, int n1) {
    const NnConvShape *s = j->s;
    NnDirectDims d = direct_dims(s);
    d.relu = j->relu;
    float *pad = nn_ctx_scratch(j->ctx, c, 0, (int64_t)d.Hp * d.Wp * s->C);
    const int64_t in_img = (int64_t)s->H * s->W * s->C, out_img = (int64_t)d.OH * d.OW * s->O;
    for (int n = n0; n < n1; n++) {
        pad_image(pad, j->inp + n * in_img, s->H, s->W, s->C, s->pad);
        d.res = j->res ? j->res + n * out_img : NULL;
        direct_forward_image(j->out + n * out_img, pad, j->wt, j->b, &d, 0);
    }
}

/* Dims of the input gradient as a stride-1 conv of the padded output gradient. */
static NnDirectDims dx_dims(const NnConvShape *s) {
    const int pt = s->KH - 1 - s->pad, pl = s->KW - 1 - s->pad;
    return (NnDirectDims){.Hp = nn_conv_out_h(s) + 2 * pt,
                          .Wp = nn_conv_out_w(s) + 2 * pl,
                          .C = s->O,
                          .O = s->C,
                          .KH = s->KH,
                          .KW = s->KW,
                          .stride = 1,
                          .OH = s->H,
                          .OW = s->W};
}

/* Images [n0, n1): weight/bias gradients into dw/db (may be chunk partials), input gradient
 * into j->dinp. */
static void direct_backward_chunk(ConvJob *j, int c, int n0, int n1, float *dw, float *db) {
    const NnConvShape *s = j->s;
    NnDirectDims d = direct_dims(s);
    const int K = s->KH * s->KW, pt = s->KH - 1 - s->pad;
    NnDirectDims dt = dx_dims(s);
    const int64_t in_img = (int64_t)s->H * s->W * s->C, out_img = (int64_t)d.OH * d.OW * s->O;
    const int64_t n_pad = (int64_t)d.Hp * d.Wp * s->C, n_dpad = (int64_t)dt.Hp * dt.Wp * s->O;
    const int64_t n_dwt = (int64_t)K * s->C * s->O;
    const int dx_direct = j->dinp && direct_dx_ok(s);
    float *pad =
        nn_ctx_scratch(j->ctx, c, 0, n_pad + n_dpad + n_dwt + (int64_t)d.OH * d.OW * K * s->C);
    float *dpad = pad + n_pad, *dwt = dpad + n_dpad, *dcol = dwt + n_dwt;
    memset(dwt, 0, (size_t)n_dwt * sizeof(float));
    for (int n = n0; n < n1; n++) {
        const float *dy = j->dout + n * out_img;
        if (dw) {
            pad_image(pad, j->inp + n * in_img, s->H, s->W, s->C, s->pad);
            direct_dw_image(dwt, pad, dy, &d);
        }
        if (db)
            for (int64_t px = 0; px < (int64_t)d.OH * d.OW; px++)
                for (int o = 0; o < s->O; o++) db[o] += dy[px * s->O + o];
        if (dx_direct) {
            pad_image(dpad, dy, d.OH, d.OW, s->O, pt); /* pt == pl for square pads */
            direct_forward_image(j->dinp + n * in_img, dpad, j->wt2, NULL, &dt, 1);
        } else if (j->dinp) { /* dcol (OH*OW, K*C) = dy @ w, scattered back */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d.OH * d.OW, K * s->C, s->O,
                        1.0f, dy, s->O, j->w, K * s->C, 0.0f, dcol, K * s->C);
            col2im_add(j->dinp + n * in_img, dcol, s, d.OH, d.OW);
        }
    }
    if (dw) /* (KH,KW,C,O) -> (O,KH,KW,C) */
        for (int o = 0; o < s->O; o++)
            for (int k = 0; k < K; k++)
                for (int ch = 0; ch < s->C; ch++)
                    dw[((int64_t)o * K + k) * s->C + ch] +=
                        dwt[((int64_t)k * s->C + ch) * s->O + o];
}

static void chunk_range(int N, int n_chunks, int c, int *n0, int *n1) {
    *n0 = (int)((int64_t)N * c / n_chunks);
    *n1 = (int)((int64_t)N * (c + 1) / n_chunks);
}

static int images_per_gemm(const NnConvShape *s, int OH, int OW) {
    int64_t per = (int64_t)OH * OW * s->KH * s->KW * s->C;
    int64_t g = NN_COL_MAX_FLOATS / (per > 0 ? per : 1);
    return g < 1 ? 1 : (int)g;
}

static void conv_forward_chunk(void *vctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    ConvJob *j = vctx;
    const NnConvShape *s = j->s;
    const int OH = nn_conv_out_h(s), OW = nn_conv_out_w(s), K = s->KH * s->KW * s->C;
    const int64_t in_img = (int64_t)s->H * s->W * s->C, out_img = (int64_t)OH * OW * s->O;
    const int G = images_per_gemm(s, OH, OW);
    for (int64_t c = begin; c < end; c++) {
        int n0, n1;
        chunk_range(s->N, j->n_chunks, (int)c, &n0, &n1);
        if (j->wt) {
            direct_forward_chunk(j, (int)c, n0, n1);
            continue;
        }
        for (int g0 = n0; g0 < n1; g0 += G) {
            int g = n1 - g0 < G ? n1 - g0 : G;
            const float *col = j->inp + g0 * in_img;
            if (!conv_is_pointwise(s)) {
                float *buf = nn_ctx_scratch(j->ctx, (int)c, 0, (int64_t)g * OH * OW * K);
                for (int i = 0; i < g; i++)
                    im2col(buf + (int64_t)i * OH * OW * K, j->inp + (g0 + i) * in_img, s, OH, OW);
                col = buf;
            }
            nn_linear_forward(j->out + g0 * out_img, col, j->w, j->b, (int64_t)g * OH * OW, K,
                              s->O);
            if (j->res)
                nn_add_forward(j->out + g0 * out_img, j->res + g0 * out_img, j->out + g0 * out_img,
                               g * out_img);
            if (j->relu) nn_relu_forward(j->out + g0 * out_img, j->out + g0 * out_img, g * out_img);
        }
    }
}

static void conv2d_forward(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                           const float *res, const NnConvShape *s, int relu) {
    NnCtx local;
    int own = ctx == NULL;
    if (own) {
        nn_ctx_init(&local, NULL);
        ctx = &local;
    }
    ConvJob j = {
        .ctx = ctx, .s = s, .out = out, .inp = inp, .w = w, .b = b, .relu = relu, .res = res};
    j.n_chunks = ctx->n_chunks < s->N ? ctx->n_chunks : s->N;
    if (j.n_chunks < 1) j.n_chunks = 1;
    if (direct_ok(s)) repack_weights(&j, 0);
    pool_parallel_for(j.n_chunks > 1 ? ctx->pool : NULL, j.n_chunks, 1, conv_forward_chunk, &j);
    mem_free(j.wt);
    if (own) nn_ctx_deinit(&local);
}

void nn_conv2d_forward(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                       const NnConvShape *s) {
    conv2d_forward(ctx, out, inp, w, b, NULL, s, 0);
}

void nn_conv2d_forward_add(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                           const float *res, const NnConvShape *s) {
    conv2d_forward(ctx, out, inp, w, b, res, s, 0);
}

void nn_conv2d_forward_relu(NnCtx *ctx, float *out, const float *inp, const float *w,
                            const float *b, const NnConvShape *s) {
    conv2d_forward(ctx, out, inp, w, b, NULL, s, 1);
}

static void conv_backward_chunk(void *vctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    ConvJob *j = vctx;
    const NnConvShape *s = j->s;
    const int OH = nn_conv_out_h(s), OW = nn_conv_out_w(s), K = s->KH * s->KW * s->C, O = s->O;
    const int64_t in_img = (int64_t)s->H * s->W * s->C, out_img = (int64_t)OH * OW * O;
    const int G = images_per_gemm(s, OH, OW);
    const int pw = conv_is_pointwise(s);
    for (int64_t c = begin; c < end; c++) {
        int n0, n1;
        chunk_range(s->N, j->n_chunks, (int)c, &n0, &n1);
        float *dw = j->dw, *db = j->db;
        if (j->n_chunks > 1 && (dw || db)) { /* private partials, reduced in chunk order */
            float *part = nn_ctx_scratch(j->ctx, (int)c, 1, (int64_t)O * K + O);
            memset(part, 0, ((size_t)O * K + O) * sizeof(float));
            dw = dw ? part : NULL;
            db = db ? part + (int64_t)O * K : NULL;
        }
        if (j->wt) {
            direct_backward_chunk(j, (int)c, n0, n1, dw, db);
            continue;
        }
        for (int g0 = n0; g0 < n1; g0 += G) {
            int g = n1 - g0 < G ? n1 - g0 : G;
            int64_t rows = (int64_t)g * OH * OW;
            const float *dout = j->dout + g0 * out_img;
            if (pw) {
                nn_linear_backward(j->dinp ? j->dinp + g0 * in_img : NULL, dw, db, dout,
                                   j->inp + g0 * in_img, j->w, rows, K, O);
                continue;
            }
            float *col = nn_ctx_scratch(j->ctx, (int)c, 0, 2 * rows * K);
            float *dcol = col + rows * K;
            for (int i = 0; i < g; i++)
                im2col(col + (int64_t)i * OH * OW * K, j->inp + (g0 + i) * in_img, s, OH, OW);
            if (j->dinp) memset(dcol, 0, (size_t)rows * K * sizeof(float));
            nn_linear_backward(j->dinp ? dcol : NULL, dw, db, dout, col, j->w, rows, K, O);
            if (j->dinp)
                for (int i = 0; i < g; i++)
                    col2im_add(j->dinp + (g0 + i) * in_img, dcol + (int64_t)i * OH * OW * K, s, OH,
                               OW);
        }
    }
}

void nn_conv2d_backward(NnCtx *ctx, float *dinp, float *dw, float *db, const float *dout,
                        const float *inp, const float *w, const NnConvShape *s) {
    NnCtx local;
    int own = ctx == NULL;
    if (own) {
        nn_ctx_init(&local, NULL);
        ctx = &local;
    }
    ConvJob j = {
        .ctx = ctx, .s = s, .dinp = dinp, .dw = dw, .db = db, .dout = dout, .inp = inp, .w = w};
    j.n_chunks = ctx->n_chunks < s->N ? ctx->n_chunks : s->N;
    if (j.n_chunks < 1) j.n_chunks = 1;
    if (direct_ok(s)) repack_weights(&j, dinp && direct_dx_ok(s));
    pool_parallel_for(j.n_chunks > 1 ? ctx->pool : NULL, j.n_chunks, 1, conv_backward_chunk, &j);
    mem_free(j.wt);
    mem_free(j.wt2);
    if (j.n_chunks > 1 && (dw || db)) {
        const int64_t OK = (int64_t)s->O * s->KH * s->KW * s->C;
        for (int c = 0; c < j.n_chunks; c++) {
            const float *part = ctx->scratch[c][1];
            if (dw)
                for (int64_t i = 0; i < OK; i++) dw[i] += part[i];
            if (db)
                for (int o = 0; o < s->O; o++) db[o] += part[OK + o];
        }
    }
    if (own) nn_ctx_deinit(&local);
}

/* ---------------------------------------------------------------- small-M GEMM */

int nn_smallm_ok(int N) {
    const ConvIsa isa = conv_isa();
    return (isa == CONV_ISA_AVX512 && N % 64 == 0) || (isa == CONV_ISA_AVX2 && N % 32 == 0);
}

void nn_smallm_gemm(float *out, int64_t ldo, const float *a, int64_t lda, const float *w,
                    int64_t ldw, int M, int N, int K, int accumulate) {
    const ConvIsa isa = conv_isa();
    if (isa == CONV_ISA_AVX512 && N % 64 == 0)
        nn_direct_smallm_avx512(out, ldo, a, lda, w, ldw, M, N, K, accumulate);
    else if (isa == CONV_ISA_AVX2 && N % 32 == 0)
        nn_direct_smallm_avx2(out, ldo, a, lda, w, ldw, M, N, K, accumulate);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, (int)lda, w,
                    (int)ldw, accumulate ? 1.0f : 0.0f, out, (int)ldo);
}

/* ---------------------------------------------------------------- prepared convolutions */

int64_t nn_conv_prep_floats(const NnConvShape *s) {
    return direct_ok(s) ? 2 * (int64_t)s->KH * s->KW * s->C * s->O : 0;
}

void nn_conv_prep(NnConvPrep *cp, float *buf, const float *w, const float *b, const NnConvShape *s,
                  int flipped) {
    memset(cp, 0, sizeof *cp);
    cp->s = *s;
    cp->w = w;
    cp->b = b;
    cp->isa = (int)conv_isa();
    if (!direct_ok(s)) return;
    ConvJob j = {.s = s, .w = w};
    const int64_t n = (int64_t)s->KH * s->KW * s->C * s->O;
    flipped = flipped && direct_dx_ok(s);
    j.wt = buf;
    j.wt2 = flipped ? buf + n : NULL;
    repack_into(&j);
    cp->wt = j.wt;
    cp->wt2 = j.wt2;
}

static void prep_fwd_image(const NnConvPrep *cp, float *out, const float *ip, const float *wt,
                           const float *bias, const NnDirectDims *d) {
    if (cp->isa == CONV_ISA_AVX512)
        nn_direct_forward_image_avx512(out, ip, wt, bias, d, 0);
    else
        nn_direct_forward_image_avx2(out, ip, wt, bias, d, 0);
}

/* The im2col path's input: inp, or relu(inp) in chunk-0 scratch slot 1 (from float `off`). */
static const float *prep_input(NnCtx *ctx, const float *inp, int64_t n, int in_relu, int64_t off) {
    if (!in_relu) return inp;
    float *r = nn_ctx_scratch(ctx, 0, 1, off + n) + off;
    nn_relu_forward(r, inp, n);
    return r;
}

void nn_conv_prep_forward(NnCtx *ctx, const NnConvPrep *cp, float *out, const float *inp, int n,
                          int in_relu, const float *res, int relu, float *relu_out) {
    NnConvShape s = cp->s;
    s.N = n;
    const int64_t out_img = (int64_t)nn_conv_out_h(&s) * nn_conv_out_w(&s) * s.O;
    if (!cp->wt) {
        inp = prep_input(ctx, inp, n * (int64_t)s.H * s.W * s.C, in_relu, 0);
        conv2d_forward(ctx, out, inp, cp->w, cp->b, res, &s, relu);
        if (relu_out) nn_relu_forward(relu_out, out, n * out_img);
        return;
    }
    NnDirectDims d = direct_dims(&s);
    d.relu = relu;
    float *pad = nn_ctx_scratch(ctx, 0, 0, (int64_t)d.Hp * d.Wp * s.C);
    const int64_t in_img = (int64_t)s.H * s.W * s.C;
    for (int i = 0; i < n; i++) {
        (in_relu ? pad_image_relu : pad_image)(pad, inp + i * in_img, s.H, s.W, s.C, s.pad);
        d.res = res ? res + i * out_img : NULL;
        d.relu_out = relu_out ? relu_out + i * out_img : NULL;
        prep_fwd_image(cp, out + i * out_img, pad, cp->wt, cp->b, &d);
    }
}

/* dinp = or += (mask ? (mask > 0 ? t : 0) : t), as relu_grad / nn_relu_backward. */
static void apply_dx(float *restrict dinp, const float *restrict t, const float *restrict mask,
                     int add, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        float y = mask ? (mask[i] > 0.0f ? t[i] : 0.0f) : t[i];
        dinp[i] = add ? dinp[i] + y : y;
    }
}

static inline void bias_grad_o(float *restrict db, const float *restrict dy, int64_t P, int O) {
    float acc[32] = {0};
    for (int64_t px = 0; px < P; px++)
        for (int o = 0; o < O; o++) acc[o] += dy[px * O + o];
    for (int o = 0; o < O; o++) db[o] += acc[o];
}

void nn_conv_prep_backward(NnCtx *ctx, const NnConvPrep *cp, float *dinp, int dx_add,
                           const float *mask, float *dwt, float *db, const float *dout,
                           const float *inp, int in_relu, int n) {
    NnConvShape s = cp->s;
    s.N = n;
    const int64_t in_img = (int64_t)s.H * s.W * s.C;
    if (!cp->wt) { /* im2col path: weight gradient in the parameter layout */
        float *tmp = dinp ? nn_ctx_scratch(ctx, 0, 1, 2 * n * in_img) : NULL;
        if (tmp) memset(tmp, 0, (size_t)(n * in_img) * sizeof(float));
        inp = prep_input(ctx, inp, n * in_img, in_relu, n * in_img);
        nn_conv2d_backward(ctx, tmp, dwt, db, dout, inp, cp->w, &s);
        if (dinp) apply_dx(dinp, tmp, mask, dx_add, n * in_img);
        return;
    }
    NnDirectDims d = direct_dims(&s), dt = dx_dims(&s);
    dt.add_out = dx_add;
    const int K = s.KH * s.KW, pt = s.KH - 1 - s.pad;
    const int64_t P = (int64_t)d.OH * d.OW, out_img = P * s.O;
    const int64_t n_pad = (int64_t)d.Hp * d.Wp * s.C, n_dpad = (int64_t)dt.Hp * dt.Wp * s.O;
    const int64_t n_tmp = dinp && !cp->wt2 ? in_img + P * K * s.C : 0;
    float *pad = nn_ctx_scratch(ctx, 0, 0, n_pad + n_dpad + n_tmp);
    float *dpad = pad + n_pad, *tmp = dpad + n_dpad, *dcol = tmp + in_img;
    for (int i = 0; i < n; i++) {
        const float *dy = dout + i * out_img;
        if (dwt) {
            (in_relu ? pad_image_relu : pad_image)(pad, inp + i * in_img, s.H, s.W, s.C, s.pad);
            if (cp->isa == CONV_ISA_AVX512)
                nn_direct_dw_image_avx512(dwt, pad, dy, &d);
            else
                nn_direct_dw_image_avx2(dwt, pad, dy, &d);
        }
        if (db) {
            if (s.O == 16)
                bias_grad_o(db, dy, P, 16);
            else
                bias_grad_o(db, dy, P, 32);
        }
        if (!dinp) continue;
        const float *mk = mask ? mask + i * in_img : NULL;
        if (cp->wt2) { /* stride 1: conv of the padded output gradient, flipped weights */
            pad_image(dpad, dy, d.OH, d.OW, s.O, pt);
            dt.mask = mk;
            prep_fwd_image(cp, dinp + i * in_img, dpad, cp->wt2, NULL, &dt);
        } else { /* dcol (P, K*C) = dy @ w, scattered back */
            memset(tmp, 0, (size_t)in_img * sizeof(float));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)P, K * s.C, s.O, 1.0f, dy,
                        s.O, cp->w, K * s.C, 0.0f, dcol, K * s.C);
            col2im_add(tmp, dcol, &s, d.OH, d.OW);
            apply_dx(dinp + i * in_img, tmp, mk, dx_add, in_img);
        }
    }
}

void nn_conv_prep_grad_add(const NnConvPrep *cp, float *dw, const float *dwt) {
    const NnConvShape *s = &cp->s;
    const int K = s->KH * s->KW;
    if (!cp->wt) {
        for (int64_t i = 0; i < (int64_t)s->O * K * s->C; i++) dw[i] += dwt[i];
        return;
    }
    for (int o = 0; o < s->O; o++) /* (KH,KW,C,O) -> (O,KH,KW,C) */
        for (int k = 0; k < K; k++)
            for (int c = 0; c < s->C; c++)
                dw[((int64_t)o * K + k) * s->C + c] += dwt[((int64_t)k * s->C + c) * s->O + o];
}

int nn_maxpool_vector_ok(int C) {
    const ConvIsa isa = conv_isa();
    return (isa == CONV_ISA_AVX512 && C % 16 == 0) || (isa == CONV_ISA_AVX2 && C % 8 == 0);
}

void nn_maxpool_forward_relu(float *out, int32_t *argmax, float *relu_out, const float *inp, int N,
                             int H, int W, int C, int k, int s, int p, int32_t base) {
    const int OH = (H + 2 * p - k) / s + 1, OW = (W + 2 * p - k) / s + 1;
    const int64_t in_img = (int64_t)H * W * C, out_img = (int64_t)OH * OW * C;
    const ConvIsa isa = conv_isa();
    if ((isa == CONV_ISA_AVX512 && C % 16 == 0) || (isa == CONV_ISA_AVX2 && C % 8 == 0)) {
        for (int n = 0; n < N; n++) {
            int32_t b = (int32_t)(base + n * in_img);
            float *ro = relu_out ? relu_out + n * out_img : NULL;
            int32_t *am = argmax ? argmax + n * out_img : NULL;
            if (isa == CONV_ISA_AVX512)
                nn_direct_maxpool_image_avx512(out + n * out_img, am, ro, inp + n * in_img, H, W, C,
                                               k, s, p, b);
            else
                nn_direct_maxpool_image_avx2(out + n * out_img, am, ro, inp + n * in_img, H, W, C,
                                             k, s, p, b);
        }
        return;
    }
    ASSERT(argmax); /* the scalar path always records the argmax */
    nn_maxpool_forward(out, argmax, inp, N, H, W, C, k, s, p);
    for (int64_t i = 0; i < N * out_img; i++) argmax[i] += base;
    if (relu_out) nn_relu_forward(relu_out, out, N * out_img);
}

void nn_conv2d_forward_naive(float *out, const float *inp, const float *w, const float *b,
                             const NnConvShape *s) {
    const int OH = nn_conv_out_h(s), OW = nn_conv_out_w(s);
    for (int n = 0; n < s->N; n++)
        for (int oh = 0; oh < OH; oh++)
            for (int ow = 0; ow < OW; ow++)
                for (int o = 0; o < s->O; o++) {
                    double acc = b ? b[o] : 0.0;
                    for (int kh = 0; kh < s->KH; kh++) {
                        int ih = oh * s->stride - s->pad + kh;
                        if (ih < 0 || ih >= s->H) continue;
                        for (int kw = 0; kw < s->KW; kw++) {
                            int iw = ow * s->stride - s->pad + kw;
                            if (iw < 0 || iw >= s->W) continue;
                            const float *x = inp + (((int64_t)n * s->H + ih) * s->W + iw) * s->C;
                            const float *k = w + (((int64_t)o * s->KH + kh) * s->KW + kw) * s->C;
                            for (int c = 0; c < s->C; c++) acc += (double)x[c] * k[c];
                        }
                    }
                    out[(((int64_t)n * OH + oh) * OW + ow) * s->O + o] = (float)acc;
                }
}

/* ---------------------------------------------------------------- temporal conv */

void nn_tconv_forward(float *out, const float *inp, const float *w, const float *b, int B, int T,
                      int P, int C, int O, int KT, int pad) {
    const int T2 = T + 2 * pad - KT + 1;
    ASSERT(T2 >= 1);
    for (int bt = 0; bt < B * T2; bt++) {
        int bi = bt / T2, t = bt % T2;
        float *y = out + (int64_t)bt * P * O;
        for (int p = 0; p < P; p++) {
            if (b)
                memcpy(y + (int64_t)p * O, b, (size_t)O * sizeof(float));
            else
                memset(y + (int64_t)p * O, 0, (size_t)O * sizeof(float));
        }
        for (int k = 0; k < KT; k++) {
            int ti = t + k - pad;
            if (ti < 0 || ti >= T) continue;
            const float *x = inp + ((int64_t)bi * T + ti) * P * C;
            /* y (P,O) += x (P,C) @ w[:,k,:]^T */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, P, O, C, 1.0f, x, C, w + k * C,
                        KT * C, 1.0f, y, O);
        }
    }
}

void nn_tconv_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                       const float *w, int B, int T, int P, int C, int O, int KT, int pad) {
    const int T2 = T + 2 * pad - KT + 1;
    for (int bt = 0; bt < B * T2; bt++) {
        int bi = bt / T2, t = bt % T2;
        const float *dy = dout + (int64_t)bt * P * O;
        if (db)
            for (int p = 0; p < P; p++)
                for (int o = 0; o < O; o++) db[o] += dy[(int64_t)p * O + o];
        for (int k = 0; k < KT; k++) {
            int ti = t + k - pad;
            if (ti < 0 || ti >= T) continue;
            int64_t off = ((int64_t)bi * T + ti) * P * C;
            if (dinp) /* dx (P,C) += dy (P,O) @ w[:,k,:] */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, P, C, O, 1.0f, dy, O,
                            w + k * C, KT * C, 1.0f, dinp + off, C);
            if (dw) /* dw[:,k,:] (O,C) += dy^T (O,P) @ x (P,C) */
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, C, P, 1.0f, dy, O,
                            inp + off, C, 1.0f, dw + k * C, KT * C);
        }
    }
}

/* ---------------------------------------------------------------- max-pool */

void nn_maxpool_forward(float *out, int32_t *argmax, const float *inp, int N, int H, int W, int C,
                        int k, int s, int p) {
    const int OH = (H + 2 * p - k) / s + 1, OW = (W + 2 * p - k) / s + 1;
    const ConvIsa isa = conv_isa();
    if ((isa == CONV_ISA_AVX512 && C % 16 == 0) || (isa == CONV_ISA_AVX2 && C % 8 == 0)) {
        const int64_t in_img = (int64_t)H * W * C, out_img = (int64_t)OH * OW * C;
        for (int n = 0; n < N; n++) {
            if (isa == CONV_ISA_AVX512)
                nn_direct_maxpool_image_avx512(out + n * out_img, argmax + n * out_img, NULL,
                                               inp + n * in_img, H, W, C, k, s, p,
                                               (int32_t)(n * in_img));
            else
                nn_direct_maxpool_image_avx2(out + n * out_img, argmax + n * out_img, NULL,
                                             inp + n * in_img, H, W, C, k, s, p,
                                             (int32_t)(n * in_img));
        }
        return;
    }
    for (int n = 0; n < N; n++)
        for (int oh = 0; oh < OH; oh++) {
            const int h0 = oh * s - p < 0 ? 0 : oh * s - p;
            const int h1 = oh * s - p + k > H ? H : oh * s - p + k;
            for (int ow = 0; ow < OW; ow++) {
                const int w0 = ow * s - p < 0 ? 0 : ow * s - p;
                const int w1 = ow * s - p + k > W ? W : ow * s - p + k;
                float *restrict y = out + (((int64_t)n * OH + oh) * OW + ow) * C;
                int32_t *restrict am = argmax + (((int64_t)n * OH + oh) * OW + ow) * C;
                const int64_t first = (((int64_t)n * H + h0) * W + w0) * C;
                for (int c = 0; c < C; c++) { /* the window's first element starts the max */
                    y[c] = inp[first + c];
                    am[c] = (int32_t)(first + c);
                }
                for (int ih = h0; ih < h1; ih++)
                    for (int iw = (ih == h0 ? w0 + 1 : w0); iw < w1; iw++) {
                        const int32_t base = (int32_t)((((int64_t)n * H + ih) * W + iw) * C);
                        const float *restrict x = inp + base;
                        for (int c = 0; c < C; c++) { /* branch-free: vectorizes */
                            float xv = x[c], yv = y[c];
                            int32_t iv = base + c, av = am[c];
                            y[c] = xv > yv ? xv : yv;
                            am[c] = xv > yv ? iv : av;
                        }
                    }
            }
        }
}

void nn_maxpool_backward(float *dinp, const float *dout, const int32_t *argmax, int64_t n_out) {
    for (int64_t i = 0; i < n_out; i++) dinp[argmax[i]] += dout[i];
}
