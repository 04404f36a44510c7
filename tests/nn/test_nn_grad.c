/* test_nn_grad.c: finite-difference gradient checks for every nn/ layer and block (small
 * shapes, per-layer epsilon and tolerance), plus the GEMM convolution against its naive twin. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/pool.h"
#include "nn/nn.h"
#include "tests/check.h"
#include "tests/nn/gradcheck.h"

static Rng test_rng(void) { return rng_stream(7, 1); }

static float *rnd(Rng *r, int64_t n, float scale) {
    float *p = mem_calloc((size_t)n, sizeof(float));
    for (int64_t i = 0; i < n; i++) p[i] = (float)rng_normal(r) * scale;
    return p;
}

/* Adds a differentiable buffer to a case with its own gradient buffer. */
static float *gc_add(GcCase *c, const char *name, float *data, int64_t n) {
    int b = c->n_bufs++;
    c->buf_name[b] = name;
    c->buf[b] = data;
    c->len[b] = n;
    c->grad[b] = mem_calloc((size_t)n, sizeof(float));
    return data;
}

static void gc_free(GcCase *c) {
    for (int b = 0; b < c->n_bufs; b++) {
        mem_free(c->buf[b]);
        mem_free(c->grad[b]);
    }
}

/* ------------------------------------------------------------ linear */
typedef struct {
    int N, In, O;
    NnCtx *ctx; /* NULL: serial kernels; else the pooled row-split versions */
} LinDims;
static void lin_fwd(GcCase *c, float *out) {
    LinDims *d = c->user;
    nn_linear_forward_ctx(d->ctx, out, c->buf[0], c->buf[1], c->buf[2], d->N, d->In, d->O);
}
static void lin_bwd(GcCase *c, const float *dout) {
    LinDims *d = c->user;
    nn_linear_backward_ctx(d->ctx, c->grad[0], c->grad[1], c->grad[2], dout, c->buf[0], c->buf[1],
                           d->N, d->In, d->O);
}
static void test_grad_linear(void) {
    Rng r = test_rng();
    LinDims d = {5, 7, 4, NULL};
    GcCase c = {.name = "linear",
                .user = &d,
                .forward = lin_fwd,
                .backward = lin_bwd,
                .eps = 1e-2f,
                .tol = 2e-3f,
                .out_len = 5 * 4};
    gc_add(&c, "x", rnd(&r, 35, 1), 35);
    gc_add(&c, "w", rnd(&r, 28, 0.5f), 28);
    gc_add(&c, "b", rnd(&r, 4, 0.5f), 4);
    gc_run(&c, &r);
    ThreadPool *pool = pool_create(3);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    d.ctx = &ctx;
    c.name = "linear pooled rows";
    gc_run(&c, &r);
    d.ctx = NULL;
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
    gc_free(&c);
}

/* ------------------------------------------------------------ conv2d */
typedef struct {
    NnConvShape s;
    NnCtx *ctx;
} ConvCase;
static void conv_fwd(GcCase *c, float *out) {
    ConvCase *d = c->user;
    nn_conv2d_forward(d->ctx, out, c->buf[0], c->buf[1], c->buf[2], &d->s);
}
static void conv_bwd(GcCase *c, const float *dout) {
    ConvCase *d = c->user;
    nn_conv2d_backward(d->ctx, c->grad[0], c->grad[1], c->grad[2], dout, c->buf[0], c->buf[1],
                       &d->s);
}
static void conv_case(NnConvShape s, NnCtx *ctx, const char *name) {
    Rng r = test_rng();
    ConvCase d = {s, ctx};
    int64_t nin = (int64_t)s.N * s.H * s.W * s.C, nw = (int64_t)s.O * s.KH * s.KW * s.C;
    int64_t nout = (int64_t)s.N * nn_conv_out_h(&s) * nn_conv_out_w(&s) * s.O;
    GcCase c = {.name = name,
                .user = &d,
                .forward = conv_fwd,
                .backward = conv_bwd,
                .eps = 1e-2f,
                .tol = 3e-3f,
                .out_len = nout};
    gc_add(&c, "x", rnd(&r, nin, 1), nin);
    gc_add(&c, "w", rnd(&r, nw, 0.3f), nw);
    gc_add(&c, "b", rnd(&r, s.O, 0.3f), s.O);
    gc_run(&c, &r);
    /* the GEMM path must equal the naive oracle */
    float *a = mem_calloc((size_t)nout, sizeof(float)),
          *b = mem_calloc((size_t)nout, sizeof(float));
    nn_conv2d_forward(ctx, a, c.buf[0], c.buf[1], c.buf[2], &s);
    nn_conv2d_forward_naive(b, c.buf[0], c.buf[1], c.buf[2], &s);
    double md = 0;
    for (int64_t i = 0; i < nout; i++) md = fmax(md, fabs(a[i] - b[i]));
    CHECK_MSG(md < 1e-5, "%s: GEMM conv differs from naive by %g", name, md);
    mem_free(a);
    mem_free(b);
    gc_free(&c);
}
static void test_grad_conv2d(void) {
    conv_case((NnConvShape){2, 5, 6, 3, 4, 3, 3, 1, 1}, NULL, "conv2d 3x3 s1 p1");
    conv_case((NnConvShape){2, 7, 7, 2, 3, 3, 3, 2, 0}, NULL, "conv2d 3x3 s2 p0");
    conv_case((NnConvShape){1, 6, 5, 2, 3, 2, 3, 2, 1}, NULL, "conv2d 2x3 s2 p1");
    conv_case((NnConvShape){3, 4, 4, 3, 2, 1, 1, 1, 0}, NULL, "conv2d 1x1");
    /* O = 16/32 take the direct (register-blocked) kernels where the CPU has AVX2/AVX-512 */
    conv_case((NnConvShape){2, 6, 5, 16, 16, 3, 3, 1, 1}, NULL, "conv2d direct 16->16");
    conv_case((NnConvShape){2, 5, 6, 3, 16, 3, 3, 1, 1}, NULL, "conv2d direct 3->16");
    conv_case((NnConvShape){1, 5, 7, 32, 32, 3, 3, 1, 1}, NULL, "conv2d direct 32->32");
    conv_case((NnConvShape){1, 7, 7, 16, 32, 3, 3, 2, 1}, NULL, "conv2d direct s2 16->32");
    conv_case((NnConvShape){1, 6, 6, 16, 16, 5, 5, 1, 2}, NULL, "conv2d direct 5x5");
    const char *isas[2] = {"avx2", "none"}; /* the other kernel sets, capped by VPT_NN_ISA */
    for (int i = 0; i < 2; i++) {
        setenv("VPT_NN_ISA", isas[i], 1);
        conv_case((NnConvShape){2, 6, 5, 16, 16, 3, 3, 1, 1}, NULL, isas[i]);
        conv_case((NnConvShape){1, 7, 5, 32, 32, 3, 3, 1, 1}, NULL, isas[i]);
        conv_case((NnConvShape){1, 7, 7, 3, 32, 3, 3, 2, 1}, NULL, isas[i]);
    }
    unsetenv("VPT_NN_ISA");
    ThreadPool *pool = pool_create(3);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    conv_case((NnConvShape){5, 5, 5, 3, 4, 3, 3, 1, 1}, &ctx, "conv2d pooled 3 chunks");
    conv_case((NnConvShape){4, 5, 5, 16, 16, 3, 3, 1, 1}, &ctx, "conv2d direct pooled");
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
}

/* ------------------------------------------------------------ temporal conv */
typedef struct {
    int B, T, P, C, O, KT, pad;
} TcDims;
static void tc_fwd(GcCase *c, float *out) {
    TcDims *d = c->user;
    nn_tconv_forward(out, c->buf[0], c->buf[1], c->buf[2], d->B, d->T, d->P, d->C, d->O, d->KT,
                     d->pad);
}
static void tc_bwd(GcCase *c, const float *dout) {
    TcDims *d = c->user;
    nn_tconv_backward(c->grad[0], c->grad[1], c->grad[2], dout, c->buf[0], c->buf[1], d->B, d->T,
                      d->P, d->C, d->O, d->KT, d->pad);
}
static void test_grad_tconv(void) {
    Rng r = test_rng();
    TcDims d = {2, 6, 3, 2, 3, 5, 2};
    int64_t nin = 2 * 6 * 3 * 2, nw = 3 * 5 * 2, nout = 2 * 6 * 3 * 3;
    GcCase c = {.name = "tconv k5 p2",
                .user = &d,
                .forward = tc_fwd,
                .backward = tc_bwd,
                .eps = 1e-2f,
                .tol = 3e-3f,
                .out_len = nout};
    gc_add(&c, "x", rnd(&r, nin, 1), nin);
    gc_add(&c, "w", rnd(&r, nw, 0.3f), nw);
    gc_add(&c, "b", rnd(&r, 3, 0.3f), 3);
    gc_run(&c, &r);
    gc_free(&c);
}

/* ------------------------------------------------------------ max-pool, activations, add */
static void mp_fwd(GcCase *c, float *out) {
    int32_t *am = c->user;
    nn_maxpool_forward(out, am, c->buf[0], 2, 5, 6, 3, 3, 2, 1);
}
static void mp_bwd(GcCase *c, const float *dout) {
    nn_maxpool_backward(c->grad[0], dout, c->user, c->out_len);
}
static void test_grad_maxpool(void) {
    Rng r = test_rng();
    int32_t am[2 * 3 * 3 * 3];
    GcCase c = {.name = "maxpool 3 s2 p1",
                .user = am,
                .forward = mp_fwd,
                .backward = mp_bwd,
                .eps = 1e-3f,
                .tol = 3e-3f,
                .out_len = 2 * 3 * 3 * 3,
                .max_samples = 60};
    gc_add(&c, "x", rnd(&r, 180, 1), 180);
    gc_run(&c, &r);
    gc_free(&c);
}

/* The vector max-pool (C % 8/16 == 0) must equal the scalar one, argmax included. */
static void test_maxpool_vector_equals_scalar(void) {
    Rng r = test_rng();
    const int N = 2, H = 9, W = 7, C = 32, OH = 5, OW = 4;
    float *x = rnd(&r, N * H * W * C, 1);
    for (int i = 0; i < 40; i++) x[rng_below(&r, N * H * W * C)] = 0.5f; /* ties */
    float *y[3];
    int32_t *am[3];
    const char *isas[3] = {NULL, "avx2", "none"};
    for (int k = 0; k < 3; k++) {
        y[k] = mem_calloc(N * OH * OW * C, 4);
        am[k] = mem_calloc(N * OH * OW * C, 4);
        if (isas[k]) setenv("VPT_NN_ISA", isas[k], 1);
        nn_maxpool_forward(y[k], am[k], x, N, H, W, C, 3, 2, 1);
        unsetenv("VPT_NN_ISA");
    }
    for (int k = 0; k < 2; k++) {
        CHECK(memcmp(y[k], y[2], (size_t)N * OH * OW * C * 4) == 0);
        CHECK(memcmp(am[k], am[2], (size_t)N * OH * OW * C * 4) == 0);
        mem_free(y[k]);
        mem_free(am[k]);
    }
    mem_free(y[2]);
    mem_free(am[2]);
    mem_free(x);
}

static void act_fwd(GcCase *c, float *out) {
    int kind = *(int *)c->user;
    if (kind == 0) nn_relu_forward(out, c->buf[0], c->len[0]);
    if (kind == 1) nn_gelu_forward(out, c->buf[0], c->len[0]);
    if (kind == 2) nn_add_forward(out, c->buf[0], c->buf[1], c->len[0]);
}
static void act_bwd(GcCase *c, const float *dout) {
    int kind = *(int *)c->user;
    float *tmp = mem_calloc((size_t)c->len[0], sizeof(float));
    if (kind == 0) {
        nn_relu_forward(tmp, c->buf[0], c->len[0]);
        nn_relu_backward(c->grad[0], dout, tmp, c->len[0]);
    }
    if (kind == 1) nn_gelu_backward(c->grad[0], dout, c->buf[0], c->len[0]);
    if (kind == 2) nn_add_backward(c->grad[0], c->grad[1], dout, c->len[0]);
    mem_free(tmp);
}
static void test_grad_activations(void) {
    const char *names[3] = {"relu", "gelu", "residual add"};
    for (int kind = 0; kind < 3; kind++) {
        Rng r = test_rng();
        GcCase c = {.name = names[kind],
                    .user = &kind,
                    .forward = act_fwd,
                    .backward = act_bwd,
                    .eps = 1e-3f,
                    .tol = 3e-3f,
                    .out_len = 40};
        gc_add(&c, "x", rnd(&r, 40, 1.5f), 40);
        if (kind == 2) gc_add(&c, "y", rnd(&r, 40, 1), 40);
        gc_run(&c, &r);
        gc_free(&c);
    }
}

/* ------------------------------------------------------------ layer norm, embedding */
static void ln_fwd(GcCase *c, float *out) {
    float mean[4], rstd[4];
    nn_layernorm_forward(out, mean, rstd, c->buf[0], c->buf[1], c->buf[2], 4, 6);
}
static void ln_bwd(GcCase *c, const float *dout) {
    float mean[4], rstd[4], out[24];
    nn_layernorm_forward(out, mean, rstd, c->buf[0], c->buf[1], c->buf[2], 4, 6);
    nn_layernorm_backward(c->grad[0], c->grad[1], c->grad[2], dout, c->buf[0], c->buf[1], mean,
                          rstd, 4, 6);
}
static void test_grad_layernorm(void) {
    Rng r = test_rng();
    GcCase c = {.name = "layernorm",
                .forward = ln_fwd,
                .backward = ln_bwd,
                .eps = 1e-2f,
                .tol = 3e-3f,
                .out_len = 24};
    gc_add(&c, "x", rnd(&r, 24, 1), 24);
    gc_add(&c, "gamma", rnd(&r, 6, 1), 6);
    gc_add(&c, "beta", rnd(&r, 6, 1), 6);
    gc_run(&c, &r);
    gc_free(&c);
}

static void lsm_fwd(GcCase *c, float *out) { nn_log_softmax_forward(out, c->buf[0], 4, 7); }
static void lsm_bwd(GcCase *c, const float *dout) {
    float out[28];
    nn_log_softmax_forward(out, c->buf[0], 4, 7);
    nn_log_softmax_backward(c->grad[0], dout, out, 4, 7);
}
static void test_grad_log_softmax(void) {
    Rng r = test_rng();
    GcCase c = {.name = "log_softmax",
                .forward = lsm_fwd,
                .backward = lsm_bwd,
                .eps = 1e-2f,
                .tol = 3e-3f,
                .out_len = 28};
    gc_add(&c, "x", rnd(&r, 28, 2), 28);
    gc_run(&c, &r);
    gc_free(&c);
}

static const int32_t EMB_IDX[5] = {2, 0, 3, 2, 1};
static void emb_fwd(GcCase *c, float *out) {
    nn_embedding_forward(out, EMB_IDX, c->buf[0], 5, 4, 3);
}
static void emb_bwd(GcCase *c, const float *dout) {
    nn_embedding_backward(c->grad[0], dout, EMB_IDX, 5, 3);
}
static void test_grad_embedding(void) {
    Rng r = test_rng();
    GcCase c = {.name = "embedding",
                .forward = emb_fwd,
                .backward = emb_bwd,
                .eps = 1e-2f,
                .tol = 1e-3f,
                .out_len = 15};
    gc_add(&c, "table", rnd(&r, 12, 1), 12);
    gc_run(&c, &r);
    gc_free(&c);
}

/* ------------------------------------------------------------ losses (out = the loss) */
static const int32_t XENT_T[4] = {1, -1, 4, 0};
static void loss_fwd(GcCase *c, float *out) {
    int kind = *(int *)c->user;
    if (kind == 0) out[0] = (float)nn_softmax_xent(NULL, c->buf[0], XENT_T, 4, 5, 1.0f);
    if (kind == 1) out[0] = (float)nn_bce_logits(NULL, c->buf[0], c->buf[1], 20, 1.0f);
    if (kind == 2) out[0] = (float)nn_mse(NULL, c->buf[0], c->buf[1], 20, 1.0f);
}
static void loss_bwd(GcCase *c, const float *dout) {
    int kind = *(int *)c->user;
    if (kind == 0) nn_softmax_xent(c->grad[0], c->buf[0], XENT_T, 4, 5, dout[0]);
    if (kind == 1) nn_bce_logits(c->grad[0], c->buf[0], c->buf[1], 20, dout[0]);
    if (kind == 2) nn_mse(c->grad[0], c->buf[0], c->buf[1], 20, dout[0]);
}
static void test_grad_losses(void) {
    const char *names[3] = {"softmax xent", "bce logits", "mse"};
    for (int kind = 0; kind < 3; kind++) {
        Rng r = test_rng();
        GcCase c = {.name = names[kind],
                    .user = &kind,
                    .forward = loss_fwd,
                    .backward = loss_bwd,
                    .eps = 1e-2f,
                    .tol = 3e-3f,
                    .out_len = 1};
        gc_add(&c, "logits", rnd(&r, 20, 1.5f), 20);
        if (kind > 0) {
            float *t = gc_add(&c, "target", rnd(&r, 20, 1), 20);
            for (int i = 0; i < 20 && kind == 1; i++) t[i] = t[i] > 0 ? 1.0f : 0.25f;
            c.n_bufs = 1; /* targets are data, not differentiated */
            c.buf[1] = t;
        }
        gc_run(&c, &r);
        mem_free(c.buf[1]);
        mem_free(c.grad[1]);
        c.buf[1] = c.grad[1] = NULL;
        gc_free(&c);
    }
}

/* ------------------------------------------------------------ attention */
static void attn_fwd(GcCase *c, float *out) {
    NnAttnShape *s = c->user;
    float *att = mem_calloc((size_t)s->B * s->H * s->Tq * s->Tk, sizeof(float));
    nn_attention_forward(out, att, c->buf[0], c->buf[1], c->buf[2], c->buf[3], s);
    mem_free(att);
}
static void attn_bwd(GcCase *c, const float *dout) {
    NnAttnShape *s = c->user;
    float *att = mem_calloc((size_t)s->B * s->H * s->Tq * s->Tk, sizeof(float));
    float *out = mem_calloc((size_t)c->out_len, sizeof(float));
    nn_attention_forward(out, att, c->buf[0], c->buf[1], c->buf[2], c->buf[3], s);
    nn_attention_backward(c->grad[0], c->grad[1], c->grad[2], c->grad[3], dout, att, c->buf[0],
                          c->buf[1], c->buf[2], s);
    mem_free(att);
    mem_free(out);
}
static void attn_case(NnAttnShape s, const char *name) {
    Rng r = test_rng();
    int64_t nq = (int64_t)s.B * s.Tq * s.H * s.D, nk = (int64_t)s.B * s.Tk * s.H * s.D;
    GcCase c = {.name = name,
                .user = &s,
                .forward = attn_fwd,
                .backward = attn_bwd,
                .eps = 1e-2f,
                .tol = 3e-3f,
                .out_len = nq};
    gc_add(&c, "q", rnd(&r, nq, 1), nq);
    gc_add(&c, "k", rnd(&r, nk, 1), nk);
    gc_add(&c, "v", rnd(&r, nk, 1), nk);
    gc_add(&c, "relbias", rnd(&r, s.H * (2 * s.R + 1), 0.5f), s.H * (2 * s.R + 1));
    gc_run(&c, &r);
    gc_free(&c);
}
static void test_grad_attention(void) {
    attn_case((NnAttnShape){2, 4, 4, 2, 3, 0, 0, 2}, "attention non-causal");
    attn_case((NnAttnShape){2, 3, 5, 2, 3, 1, 0, 3}, "attention causal mem 2");
    attn_case((NnAttnShape){1, 4, 6, 2, 2, 1, 3, 4}, "attention causal window");
}

/* ------------------------------------------------------------ LSTM */
static const uint8_t LSTM_FIRST[2 * 4] = {0, 0, 1, 0, 0, 0, 0, 0};
typedef struct LstmCase {
    NnLstmShape s;
    NnCtx *ctx;
} LstmCase;
static void lstm_run(GcCase *c, float *out, const float *dout) {
    LstmCase *lc = c->user;
    NnLstmShape *s = &lc->s;
    int64_t N = (int64_t)s->B * s->T, G = 4 * s->Hd;
    float *gates = mem_calloc((size_t)(N * G), 4), *cs = mem_calloc((size_t)(N * s->Hd), 4);
    float *xw = mem_calloc((size_t)(N * G), 4), *tmp = mem_calloc((size_t)(N * s->Hd), 4);
    float *o = out ? out : tmp;
    nn_lstm_forward_ctx(lc->ctx, o, gates, cs, NULL, NULL, xw, c->buf[0], c->buf[5], c->buf[6],
                        LSTM_FIRST, c->buf[1], c->buf[2], c->buf[3], c->buf[4], s);
    if (dout)
        nn_lstm_backward_ctx(lc->ctx, c->grad[0], c->grad[1], c->grad[2], c->grad[3], c->grad[4],
                             c->grad[5], c->grad[6], xw, dout, o, gates, cs, c->buf[0], c->buf[5],
                             c->buf[6], LSTM_FIRST, c->buf[1], c->buf[2], s);
    mem_free(gates);
    mem_free(cs);
    mem_free(xw);
    mem_free(tmp);
}
static void lstm_fwd(GcCase *c, float *out) { lstm_run(c, out, NULL); }
static void lstm_bwd(GcCase *c, const float *dout) { lstm_run(c, NULL, dout); }
static void test_grad_lstm(void) {
    Rng r = test_rng();
    LstmCase s = {{2, 4, 3, 3}, NULL};
    GcCase c = {.name = "lstm (reset at b0 t2)",
                .user = &s,
                .forward = lstm_fwd,
                .backward = lstm_bwd,
                .eps = 1e-2f,
                .tol = 3e-3f,
                .out_len = 2 * 4 * 3};
    gc_add(&c, "x", rnd(&r, 24, 1), 24);
    gc_add(&c, "wih", rnd(&r, 36, 0.5f), 36);
    gc_add(&c, "whh", rnd(&r, 36, 0.5f), 36);
    gc_add(&c, "bih", rnd(&r, 12, 0.5f), 12);
    gc_add(&c, "bhh", rnd(&r, 12, 0.5f), 12);
    gc_add(&c, "h0", rnd(&r, 6, 0.5f), 6);
    gc_add(&c, "c0", rnd(&r, 6, 0.5f), 6);
    gc_run(&c, &r);
    ThreadPool *pool = pool_create(2);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    s.ctx = &ctx;
    c.name = "lstm pooled rows";
    gc_run(&c, &r);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
    gc_free(&c);
}

#include "tests/nn/test_nn_grad_blocks.h"

int main(void) {
    pool_blas_threads_set(1);
    TEST_RUN(test_grad_linear);
    TEST_RUN(test_grad_conv2d);
    TEST_RUN(test_grad_tconv);
    TEST_RUN(test_grad_maxpool);
    TEST_RUN(test_maxpool_vector_equals_scalar);
    TEST_RUN(test_grad_activations);
    TEST_RUN(test_grad_layernorm);
    TEST_RUN(test_grad_embedding);
    TEST_RUN(test_grad_log_softmax);
    TEST_RUN(test_grad_losses);
    TEST_RUN(test_grad_attention);
    TEST_RUN(test_grad_lstm);
    TEST_RUN(test_grad_impala);
    TEST_RUN(test_grad_transformer);
    TEST_RUN(test_grad_refmodel);
    return check_finish();
}
