/* ops_conv.c: 2D convolution as GEMM (NHWC im2col, one GEMM per group of images), temporal
 * convolution over frames, max-pool, and the naive direct convolution used as the test oracle.
 * Threading: the batch is cut into ctx->n_chunks fixed chunks; chunk c always covers the same
 * images and owns scratch slot c, and weight-gradient partials are summed in chunk order, so
 * results do not depend on scheduling. */
#include <cblas.h>
#include <float.h>
#include <string.h>

#include "core/log.h"
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
    int n_chunks;
} ConvJob;

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
        }
    }
}

void nn_conv2d_forward(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                       const NnConvShape *s) {
    NnCtx local;
    int own = ctx == NULL;
    if (own) {
        nn_ctx_init(&local, NULL);
        ctx = &local;
    }
    ConvJob j = {.ctx = ctx, .s = s, .out = out, .inp = inp, .w = w, .b = b};
    j.n_chunks = ctx->n_chunks < s->N ? ctx->n_chunks : s->N;
    if (j.n_chunks < 1) j.n_chunks = 1;
    pool_parallel_for(j.n_chunks > 1 ? ctx->pool : NULL, j.n_chunks, 1, conv_forward_chunk, &j);
    if (own) nn_ctx_deinit(&local);
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
    pool_parallel_for(j.n_chunks > 1 ? ctx->pool : NULL, j.n_chunks, 1, conv_backward_chunk, &j);
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
    for (int n = 0; n < N; n++)
        for (int oh = 0; oh < OH; oh++)
            for (int ow = 0; ow < OW; ow++) {
                float *y = out + (((int64_t)n * OH + oh) * OW + ow) * C;
                int32_t *am = argmax + (((int64_t)n * OH + oh) * OW + ow) * C;
                for (int c = 0; c < C; c++) {
                    y[c] = -FLT_MAX;
                    am[c] = -1;
                }
                for (int kh = 0; kh < k; kh++) {
                    int ih = oh * s - p + kh;
                    if (ih < 0 || ih >= H) continue;
                    for (int kw = 0; kw < k; kw++) {
                        int iw = ow * s - p + kw;
                        if (iw < 0 || iw >= W) continue;
                        int64_t base = (((int64_t)n * H + ih) * W + iw) * C;
                        for (int c = 0; c < C; c++)
                            if (inp[base + c] > y[c] || am[c] < 0) {
                                y[c] = inp[base + c];
                                am[c] = (int32_t)(base + c);
                            }
                    }
                }
            }
}

void nn_maxpool_backward(float *dinp, const float *dout, const int32_t *argmax, int64_t n_out) {
    for (int64_t i = 0; i < n_out; i++) dinp[argmax[i]] += dout[i];
}
