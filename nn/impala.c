/* impala.c: VPT's ImpalaCNN building block (conv, max-pool stride 2, two residual blocks per
 * stack, then a dense layer), forward and backward over NHWC batches.
 * Threads: with a pooled NnCtx the batch is cut into fixed chunks and each chunk runs the whole
 * block (every conv, pool, ReLU and the dense layer) on one worker with single-threaded BLAS;
 * parameter gradients go to per-chunk partials that are summed in chunk order afterwards, so
 * results do not depend on scheduling. Activations for the whole batch are allocated up front
 * from the arena (the arena is not thread-safe); chunks only write their own slices.
 * Activation slots per stack (acts->x[s][k]): 0 conv0, 1 pool, 2 relu, 3 conv1, 4 relu,
 * 5 conv2, 6 add, 7 relu, 8 conv3, 9 relu, 10 conv4, 11 add (the stack's output). Slots 3, 5,
 * 8, 10 alias 4, 6, 9, 11: conv1/conv3 run with their ReLU fused (nn_conv2d_forward_relu) and
 * conv2/conv4 with the residual add fused (nn_conv2d_forward_add), so only the fused results are
 * stored. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "nn/nn.h"

typedef struct StackDims {
    int h, w, cin, c, h2, w2;
} StackDims;

static StackDims stack_dims(const NnImpala *m, int s) {
    StackDims d = {m->H, m->W, m->C, m->widths[0], 0, 0};
    for (int i = 0;; i++) {
        d.c = m->widths[i];
        d.h2 = (d.h + 2 - 3) / 2 + 1;
        d.w2 = (d.w + 2 - 3) / 2 + 1;
        if (i == s) return d;
        d.h = d.h2;
        d.w = d.w2;
        d.cin = d.c;
    }
}

void nn_impala_init(NnImpala *m, NnParams *p, const char *prefix, int H, int W, int C, int n_stacks,
                    const int *widths, int dense) {
    ASSERT(n_stacks >= 1 && n_stacks <= NN_IMPALA_MAX_STACKS);
    memset(m, 0, sizeof *m);
    m->H = H;
    m->W = W;
    m->C = C;
    m->n_stacks = n_stacks;
    m->dense = dense;
    for (int s = 0; s < n_stacks; s++) m->widths[s] = widths[s];
    char name[NN_NAME_MAX];
    for (int s = 0; s < n_stacks; s++) {
        StackDims d = stack_dims(m, s);
        for (int k = 0; k < 5; k++) {
            int cin = k == 0 ? d.cin : d.c;
            int64_t ws[4] = {d.c, 3, 3, cin}, bs[1] = {d.c};
            snprintf(name, sizeof name, "%s.s%d.conv%d.w", prefix, s, k);
            m->conv_w[s][k] = nn_params_add(p, name, 4, ws, 1);
            snprintf(name, sizeof name, "%s.s%d.conv%d.b", prefix, s, k);
            m->conv_b[s][k] = nn_params_add(p, name, 1, bs, 0);
        }
        m->out_h = d.h2;
        m->out_w = d.w2;
    }
    m->flat = m->out_h * m->out_w * widths[n_stacks - 1];
    int64_t fw[2] = {dense, m->flat}, fb[1] = {dense};
    snprintf(name, sizeof name, "%s.fc.w", prefix);
    m->fc_w = nn_params_add(p, name, 2, fw, 1);
    snprintf(name, sizeof name, "%s.fc.b", prefix);
    m->fc_b = nn_params_add(p, name, 1, fb, 0);
}

void nn_impala_reset_params(const NnImpala *m, NnParams *p, Rng *rng) {
    for (int s = 0; s < m->n_stacks; s++) {
        StackDims d = stack_dims(m, s);
        for (int k = 0; k < 5; k++) {
            float bound = 1.0f / sqrtf(9.0f * (k == 0 ? d.cin : d.c));
            nn_params_fill_uniform(p, m->conv_w[s][k], bound, rng);
            nn_params_fill_uniform(p, m->conv_b[s][k], bound, rng);
        }
    }
    float bound = 1.0f / sqrtf((float)m->flat);
    nn_params_fill_uniform(p, m->fc_w, bound, rng);
    nn_params_fill_uniform(p, m->fc_b, bound, rng);
}

static NnConvShape conv3(int N, int h, int w, int cin, int cout) {
    return (NnConvShape){N, h, w, cin, cout, 3, 3, 1, 1};
}

static void chunk_bounds(int N, int nc, int c, int *n0, int *n1) {
    *n0 = (int)((int64_t)N * c / nc);
    *n1 = (int)((int64_t)N * (c + 1) / nc);
}

static void acts_alloc(NnArena *ar, NnImpalaActs *a, const NnImpala *m, int N) {
    memset(a, 0, sizeof *a);
    a->N = N;
    for (int s = 0; s < m->n_stacks; s++) {
        StackDims d = stack_dims(m, s);
        int64_t n1 = (int64_t)N * d.h * d.w * d.c, n2 = (int64_t)N * d.h2 * d.w2 * d.c;
        a->x[s][0] = nn_arena_alloc_uninit(ar, n1);
        for (int k = 1; k < 12; k++) /* conv1/conv3 outputs are stored after their ReLU only */
            a->x[s][k] =
                k == 3 || k == 5 || k == 8 || k == 10 ? NULL : nn_arena_alloc_uninit(ar, n2);
        a->x[s][3] = a->x[s][4];
        a->x[s][5] = a->x[s][6];
        a->x[s][8] = a->x[s][9];
        a->x[s][10] = a->x[s][11];
        a->argmax[s] = (int32_t *)nn_arena_alloc_uninit(ar, n2);
    }
    a->flat = nn_arena_alloc_uninit(ar, (int64_t)N * m->flat);
    a->fc = nn_arena_alloc_uninit(ar, (int64_t)N * m->dense);
    a->out = nn_arena_alloc_uninit(ar, (int64_t)N * m->dense);
}

/* Forward of images [n0, n1) of one stack. */
static void stack_forward(NnCtx *ctx, NnImpalaActs *a, const NnImpala *m, const NnParams *p, int s,
                          const float *inp, int n0, int n1) {
    const int n = n1 - n0;
    StackDims d = stack_dims(m, s);
    const int64_t i1 = (int64_t)d.h * d.w * d.c, i2 = (int64_t)d.h2 * d.w2 * d.c;
    const int64_t in_img = (int64_t)d.h * d.w * d.cin, e2 = n * i2;
    float *x[12];
    x[0] = a->x[s][0] + n0 * i1;
    for (int k = 1; k < 12; k++) x[k] = a->x[s][k] + n0 * i2;
    NnConvShape cs = conv3(n, d.h, d.w, d.cin, d.c);
    nn_conv2d_forward(ctx, x[0], inp + n0 * in_img, nn_param(p, m->conv_w[s][0]),
                      nn_param(p, m->conv_b[s][0]), &cs);
    int32_t *am = a->argmax[s] + n0 * i2;
    nn_maxpool_forward(x[1], am, x[0], n, d.h, d.w, d.c, 3, 2, 1);
    for (int64_t i = 0; i < e2; i++) am[i] += (int32_t)(n0 * i1); /* batch-absolute indices */
    NnConvShape rs = conv3(n, d.h2, d.w2, d.c, d.c);
    for (int blk = 0; blk < 2; blk++) {
        int base = 2 + 5 * blk, k = 1 + 2 * blk;
        const float *skip = x[base - 1];
        nn_relu_forward(x[base], skip, e2);
        nn_conv2d_forward_relu(ctx, x[base + 2], x[base], nn_param(p, m->conv_w[s][k]),
                               nn_param(p, m->conv_b[s][k]), &rs);
        nn_conv2d_forward_add(ctx, x[base + 4], x[base + 2], nn_param(p, m->conv_w[s][k + 1]),
                              nn_param(p, m->conv_b[s][k + 1]), skip, &rs);
    }
}

/* Images go through the conv stacks NN_IMPALA_GROUP at a time, so each layer's output is still
 * in cache when the next layer reads it; the dense layer then takes the whole range at once. */
#define NN_IMPALA_GROUP 2

static void range_forward(NnCtx *ctx, NnImpalaActs *a, const NnImpala *m, const NnParams *p,
                          const float *inp, int n0, int n1) {
    for (int g0 = n0; g0 < n1; g0 += NN_IMPALA_GROUP) {
        int g1 = g0 + NN_IMPALA_GROUP < n1 ? g0 + NN_IMPALA_GROUP : n1;
        for (int s = 0; s < m->n_stacks; s++)
            stack_forward(ctx, a, m, p, s, s == 0 ? inp : a->x[s - 1][11], g0, g1);
    }
    const int64_t F = m->flat, D = m->dense, n = n1 - n0;
    nn_relu_forward(a->flat + n0 * F, a->x[m->n_stacks - 1][11] + n0 * F, n * F);
    nn_linear_forward(a->fc + n0 * D, a->flat + n0 * F, nn_param(p, m->fc_w), nn_param(p, m->fc_b),
                      n, (int)F, (int)D);
    nn_relu_forward(a->out + n0 * D, a->fc + n0 * D, n * D);
}

typedef struct ImpalaJob {
    NnCtx *ctx;
    NnImpalaActs *a;
    const NnImpala *m;
    NnParams *p;
    const float *inp, *dout;
    float *dinp;
    float *tmp[NN_IMPALA_MAX_STACKS][4]; /* backward temporaries for the whole batch */
    float *head[3];                      /* dfc, dflat, dx */
    int nc;
} ImpalaJob;

static void forward_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    ImpalaJob *j = vj;
    for (int64_t c = begin; c < end; c++) {
        int n0, n1;
        chunk_bounds(j->a->N, j->nc, (int)c, &n0, &n1);
        range_forward(nn_ctx_sub(j->ctx, (int)c), j->a, j->m, j->p, j->inp, n0, n1);
    }
}

void nn_impala_forward(NnCtx *ctx, NnArena *arena, NnImpalaActs *a, const NnImpala *m,
                       const NnParams *p, const float *inp, int N) {
    acts_alloc(arena, a, m, N);
    int nc = nn_ctx_chunks(ctx, N);
    if (nc <= 1) {
        range_forward(ctx, a, m, p, inp, 0, N);
        return;
    }
    ImpalaJob j = {.ctx = ctx, .a = a, .m = m, .p = (NnParams *)p, .inp = inp, .nc = nc};
    pool_parallel_for(ctx->pool, nc, 1, forward_chunk, &j);
}

/* din = ReLU's input gradient (overwritten, not accumulated: saves zeroing din first). */
static void relu_grad(float *restrict din, const float *restrict dout, const float *restrict out,
                      int64_t n) {
    for (int64_t i = 0; i < n; i++) din[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

/* Backward of images [n0, n1) of one stack. dx: d(stack output) of the batch, consumed. */
static void stack_backward(NnCtx *ctx, const ImpalaJob *j, NnParams *p, int s, const float *inp,
                           float *dx_all, float *dinp_all, int n0, int n1) {
    const NnImpala *m = j->m;
    const int n = n1 - n0;
    StackDims d = stack_dims(m, s);
    const int64_t i1 = (int64_t)d.h * d.w * d.c, i2 = (int64_t)d.h2 * d.w2 * d.c, e2 = n * i2;
    const int64_t in_img = (int64_t)d.h * d.w * d.cin;
    const float *x[12];
    for (int k = 1; k < 12; k++) x[k] = j->a->x[s][k] + n0 * i2;
    float *dx = dx_all + n0 * i2, *t1 = j->tmp[s][0] + n0 * i2, *t2 = j->tmp[s][1] + n0 * i2;
    NnConvShape rs = conv3(n, d.h2, d.w2, d.c, d.c);
    for (int blk = 1; blk >= 0; blk--) {
        int base = 2 + 5 * blk, k = 1 + 2 * blk;
        /* out = skip + conv(relu(conv(relu(skip)))); dx is d out and becomes d skip */
        memset(t1, 0, (size_t)e2 * sizeof(float));
        nn_conv2d_backward(ctx, t1, nn_grad(p, m->conv_w[s][k + 1]),
                           nn_grad(p, m->conv_b[s][k + 1]), dx, x[base + 2],
                           nn_param(p, m->conv_w[s][k + 1]), &rs);
        relu_grad(t2, t1, x[base + 2], e2);
        memset(t1, 0, (size_t)e2 * sizeof(float));
        nn_conv2d_backward(ctx, t1, nn_grad(p, m->conv_w[s][k]), nn_grad(p, m->conv_b[s][k]), t2,
                           x[base], nn_param(p, m->conv_w[s][k]), &rs);
        nn_relu_backward(dx, t1, x[base], e2); /* dx already holds the skip path */
    }
    float *d0 = j->tmp[s][2]; /* (N,h,w,c), batch-absolute argmax indices */
    memset(d0 + n0 * i1, 0, (size_t)n * i1 * sizeof(float));
    nn_maxpool_backward(d0, dx, j->a->argmax[s] + n0 * i2, e2);
    NnConvShape cs = conv3(n, d.h, d.w, d.cin, d.c);
    nn_conv2d_backward(ctx, dinp_all ? dinp_all + n0 * in_img : NULL, nn_grad(p, m->conv_w[s][0]),
                       nn_grad(p, m->conv_b[s][0]), d0 + n0 * i1, inp + n0 * in_img,
                       nn_param(p, m->conv_w[s][0]), &cs);
}

static void range_backward(NnCtx *ctx, const ImpalaJob *j, NnParams *p, int n0, int n1) {
    const NnImpala *m = j->m;
    const NnImpalaActs *a = j->a;
    const int64_t F = m->flat, D = m->dense, n = n1 - n0;
    float *dfc = j->head[0] + n0 * D, *dflat = j->head[1] + n0 * F, *dx = j->head[2];
    relu_grad(dfc, j->dout + n0 * D, a->out + n0 * D, n * D);
    memset(dflat, 0, (size_t)(n * F) * sizeof(float));
    nn_linear_backward(dflat, nn_grad(p, m->fc_w), nn_grad(p, m->fc_b), dfc, a->flat + n0 * F,
                       nn_param(p, m->fc_w), n, (int)F, (int)D);
    relu_grad(dx + n0 * F, dflat, a->flat + n0 * F, n * F);
    for (int g0 = n0; g0 < n1; g0 += NN_IMPALA_GROUP) {
        int g1 = g0 + NN_IMPALA_GROUP < n1 ? g0 + NN_IMPALA_GROUP : n1;
        float *dxs = dx;
        for (int s = m->n_stacks - 1; s >= 0; s--) {
            const float *sin = s > 0 ? a->x[s - 1][11] : j->inp;
            float *din = s > 0 ? j->tmp[s][3] : j->dinp;
            if (din && s > 0) {
                StackDims d = stack_dims(m, s);
                int64_t in_img = (int64_t)d.h * d.w * d.cin;
                memset(din + g0 * in_img, 0, (size_t)((g1 - g0) * in_img) * sizeof(float));
            }
            stack_backward(ctx, j, p, s, sin, dxs, din, g0, g1);
            dxs = din;
        }
    }
}

static void backward_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    ImpalaJob *j = vj;
    for (int64_t c = begin; c < end; c++) {
        int n0, n1;
        chunk_bounds(j->a->N, j->nc, (int)c, &n0, &n1);
        NnParams pc = *j->p; /* same values, private gradient partial */
        pc.grad = j->ctx->gpart[c];
        range_backward(nn_ctx_sub(j->ctx, (int)c), j, &pc, n0, n1);
    }
}

void nn_impala_backward(NnCtx *ctx, NnArena *arena, float *dinp, const NnImpala *m, NnParams *p,
                        const NnImpalaActs *a, const float *inp, const float *dout) {
    const int N = a->N;
    ImpalaJob j = {.ctx = ctx,
                   .a = (NnImpalaActs *)a,
                   .m = m,
                   .p = p,
                   .inp = inp,
                   .dout = dout,
                   .dinp = dinp,
                   .nc = nn_ctx_chunks(ctx, N)};
    for (int s = 0; s < m->n_stacks; s++) {
        StackDims d = stack_dims(m, s);
        int64_t n2 = (int64_t)N * d.h2 * d.w2 * d.c;
        j.tmp[s][0] = nn_arena_alloc_uninit(arena, n2);
        j.tmp[s][1] = nn_arena_alloc_uninit(arena, n2);
        j.tmp[s][2] = nn_arena_alloc_uninit(arena, (int64_t)N * d.h * d.w * d.c);
        j.tmp[s][3] = s > 0 ? nn_arena_alloc_uninit(arena, (int64_t)N * d.h * d.w * d.cin) : NULL;
    }
    j.head[0] = nn_arena_alloc_uninit(arena, (int64_t)N * m->dense);
    j.head[1] = nn_arena_alloc_uninit(arena, (int64_t)N * m->flat);
    j.head[2] = nn_arena_alloc_uninit(arena, (int64_t)N * m->flat);
    if (j.nc <= 1) {
        range_backward(ctx, &j, p, 0, N);
        return;
    }
    for (int c = 0; c < j.nc; c++) nn_ctx_grad_partial(ctx, c, p->total);
    pool_parallel_for(ctx->pool, j.nc, 1, backward_chunk, &j);
    for (int c = 0; c < j.nc; c++) { /* fixed order: deterministic sums */
        const float *g = ctx->gpart[c];
        for (int64_t i = 0; i < p->total; i++) p->grad[i] += g[i];
    }
}
