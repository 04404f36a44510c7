/* impala.c: VPT's ImpalaCNN building block (conv, max-pool stride 2, two residual blocks per
 * stack, then a dense layer), forward and backward over NHWC batches.
 * Activation slots per stack (acts->x[s][k]): 0 conv0, 1 pool, 2 relu, 3 conv1, 4 relu,
 * 5 conv2, 6 add, 7 relu, 8 conv3, 9 relu, 10 conv4, 11 add (the stack's output). */
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

static void stack_forward(NnCtx *ctx, NnArena *ar, NnImpalaActs *a, const NnImpala *m,
                          const NnParams *p, int s, const float *inp) {
    const int N = a->N;
    StackDims d = stack_dims(m, s);
    int64_t n1 = (int64_t)N * d.h * d.w * d.c, n2 = (int64_t)N * d.h2 * d.w2 * d.c;
    float **x = a->x[s];
    x[0] = nn_arena_alloc(ar, n1);
    NnConvShape cs = conv3(N, d.h, d.w, d.cin, d.c);
    nn_conv2d_forward(ctx, x[0], inp, nn_param(p, m->conv_w[s][0]), nn_param(p, m->conv_b[s][0]),
                      &cs);
    x[1] = nn_arena_alloc(ar, n2);
    a->argmax[s] = (int32_t *)nn_arena_alloc(ar, n2);
    nn_maxpool_forward(x[1], a->argmax[s], x[0], N, d.h, d.w, d.c, 3, 2, 1);
    NnConvShape rs = conv3(N, d.h2, d.w2, d.c, d.c);
    for (int blk = 0; blk < 2; blk++) {
        int base = 2 + 5 * blk, k = 1 + 2 * blk;
        const float *skip = x[base - 1];
        for (int i = 0; i < 5; i++) x[base + i] = nn_arena_alloc(ar, n2);
        nn_relu_forward(x[base], skip, n2);
        nn_conv2d_forward(ctx, x[base + 1], x[base], nn_param(p, m->conv_w[s][k]),
                          nn_param(p, m->conv_b[s][k]), &rs);
        nn_relu_forward(x[base + 2], x[base + 1], n2);
        nn_conv2d_forward(ctx, x[base + 3], x[base + 2], nn_param(p, m->conv_w[s][k + 1]),
                          nn_param(p, m->conv_b[s][k + 1]), &rs);
        nn_add_forward(x[base + 4], skip, x[base + 3], n2);
    }
}

void nn_impala_forward(NnCtx *ctx, NnArena *arena, NnImpalaActs *a, const NnImpala *m,
                       const NnParams *p, const float *inp, int N) {
    memset(a, 0, sizeof *a);
    a->N = N;
    const float *x = inp;
    for (int s = 0; s < m->n_stacks; s++) {
        stack_forward(ctx, arena, a, m, p, s, x);
        x = a->x[s][11];
    }
    int64_t nf = (int64_t)N * m->flat, nd = (int64_t)N * m->dense;
    a->flat = nn_arena_alloc(arena, nf);
    nn_relu_forward(a->flat, x, nf);
    a->fc = nn_arena_alloc(arena, nd);
    nn_linear_forward(a->fc, a->flat, nn_param(p, m->fc_w), nn_param(p, m->fc_b), N, m->flat,
                      m->dense);
    a->out = nn_arena_alloc(arena, nd);
    nn_relu_forward(a->out, a->fc, nd);
}

/* dx: gradient of the stack's output (N,h2,w2,c), consumed; dinp may be NULL. */
static void stack_backward(NnCtx *ctx, NnArena *ar, const NnImpalaActs *a, const NnImpala *m,
                           NnParams *p, int s, const float *inp, float *dx, float *dinp) {
    const int N = a->N;
    StackDims d = stack_dims(m, s);
    int64_t n2 = (int64_t)N * d.h2 * d.w2 * d.c;
    float *const *x = a->x[s];
    NnConvShape rs = conv3(N, d.h2, d.w2, d.c, d.c);
    float *t1 = nn_arena_alloc(ar, n2), *t2 = nn_arena_alloc(ar, n2);
    for (int blk = 1; blk >= 0; blk--) {
        int base = 2 + 5 * blk, k = 1 + 2 * blk;
        /* out = skip + conv(relu(conv(relu(skip)))); dx is d out and becomes d skip */
        memset(t1, 0, (size_t)n2 * sizeof(float));
        nn_conv2d_backward(ctx, t1, nn_grad(p, m->conv_w[s][k + 1]),
                           nn_grad(p, m->conv_b[s][k + 1]), dx, x[base + 2],
                           nn_param(p, m->conv_w[s][k + 1]), &rs);
        memset(t2, 0, (size_t)n2 * sizeof(float));
        nn_relu_backward(t2, t1, x[base + 2], n2);
        memset(t1, 0, (size_t)n2 * sizeof(float));
        nn_conv2d_backward(ctx, t1, nn_grad(p, m->conv_w[s][k]), nn_grad(p, m->conv_b[s][k]), t2,
                           x[base], nn_param(p, m->conv_w[s][k]), &rs);
        nn_relu_backward(dx, t1, x[base], n2); /* dx already holds the skip path */
    }
    int64_t n1 = (int64_t)N * d.h * d.w * d.c;
    float *d0 = nn_arena_alloc(ar, n1);
    nn_maxpool_backward(d0, dx, a->argmax[s], n2);
    NnConvShape cs = conv3(N, d.h, d.w, d.cin, d.c);
    nn_conv2d_backward(ctx, dinp, nn_grad(p, m->conv_w[s][0]), nn_grad(p, m->conv_b[s][0]), d0, inp,
                       nn_param(p, m->conv_w[s][0]), &cs);
}

void nn_impala_backward(NnCtx *ctx, NnArena *arena, float *dinp, const NnImpala *m, NnParams *p,
                        const NnImpalaActs *a, const float *inp, const float *dout) {
    const int N = a->N;
    int64_t nf = (int64_t)N * m->flat, nd = (int64_t)N * m->dense;
    float *dfc = nn_arena_alloc(arena, nd);
    nn_relu_backward(dfc, dout, a->out, nd);
    float *dflat = nn_arena_alloc(arena, nf);
    nn_linear_backward(dflat, nn_grad(p, m->fc_w), nn_grad(p, m->fc_b), dfc, a->flat,
                       nn_param(p, m->fc_w), N, m->flat, m->dense);
    float *dx = nn_arena_alloc(arena, nf);
    nn_relu_backward(dx, dflat, a->flat, nf);
    for (int s = m->n_stacks - 1; s >= 0; s--) {
        const float *sin = s > 0 ? a->x[s - 1][11] : inp;
        float *din = NULL;
        if (s > 0) {
            StackDims d = stack_dims(m, s);
            din = nn_arena_alloc(arena, (int64_t)N * d.h * d.w * d.cin);
        } else {
            din = dinp;
        }
        stack_backward(ctx, arena, a, m, p, s, sin, dx, din);
        dx = din;
    }
}
