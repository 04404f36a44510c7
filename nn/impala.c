/* impala.c: VPT's ImpalaCNN building block (conv, max-pool stride 2, two residual blocks per
 * stack, then a dense layer), forward, backward and inference over NHWC batches.
 * Threads: with a pooled NnCtx the batch is cut into fixed chunks and each chunk runs the whole
 * block (every conv, pool, ReLU and the dense layer) on one worker with single-threaded BLAS;
 * parameter gradients go to per-chunk partials (ImpalaCNN's parameters only, zeroed by their
 * worker) that are summed in chunk order afterwards, so results do not depend on scheduling.
 * Buffers for the whole batch are allocated up front from the arena (the arena is not
 * thread-safe); chunks only write their own slices and their own scratch block.
 * Activation slots per stack (acts->x[s][k]): 0 conv0, 1 pool, 2 relu, 3 conv1, 4 relu,
 * 5 conv2, 6 add, 7 relu, 8 conv3, 9 relu, 10 conv4, 11 add (the stack's output). Only 1, 4,
 * 6, 9, 11 are stored (3, 5, 8, 10 alias 4, 6, 9, 11; 0, 2, 7 are NULL): conv0's output lives
 * in per-chunk scratch until pooled (the backward needs only the argmax, per-image indices),
 * relu(skip) (slots 2, 7) is applied while conv1/conv3 pad their input, conv1/conv3 store with
 * their ReLU fused and conv2/conv4 with the residual add fused. The backward's temporaries
 * (ReLU and pool gradients, the gradient between stacks) are per-chunk group scratch too, so a
 * step writes and reads about half the memory it would with every slot stored. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "nn/conv_direct.h"
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

/* The block's convolutions, weights repacked once per forward / backward call. */
typedef struct ImpalaPrep {
    NnConvPrep conv[NN_IMPALA_MAX_STACKS][5];
    int64_t goff[NN_IMPALA_MAX_STACKS][5]; /* offset of (dw, db) in a chunk's gradient partial */
    int64_t fc_off, n_part;                /* fc (dw, db) offset; partial size in floats */
} ImpalaPrep;

static void prep_convs(NnArena *ar, ImpalaPrep *ip, const NnImpala *m, const NnParams *p,
                       int flipped) {
    int64_t off = 0;
    for (int s = 0; s < m->n_stacks; s++) {
        StackDims d = stack_dims(m, s);
        for (int k = 0; k < 5; k++) {
            NnConvShape cs =
                k == 0 ? conv3(1, d.h, d.w, d.cin, d.c) : conv3(1, d.h2, d.w2, d.c, d.c);
            int64_t nf = nn_conv_prep_floats(&cs);
            float *buf = nf > 0 ? nn_arena_alloc_uninit(ar, nf) : NULL;
            nn_conv_prep(&ip->conv[s][k], buf, nn_param(p, m->conv_w[s][k]),
                         nn_param(p, m->conv_b[s][k]), &cs, flipped);
            ip->goff[s][k] = off;
            off += ((int64_t)cs.O * 9 * cs.C + cs.O + 15) / 16 * 16;
        }
    }
    ip->fc_off = off;
    ip->n_part = off + (int64_t)m->dense * m->flat + m->dense;
}

static void acts_alloc(NnArena *ar, NnImpalaActs *a, const NnImpala *m, int N) {
    memset(a, 0, sizeof *a);
    a->N = N;
    for (int s = 0; s < m->n_stacks; s++) {
        StackDims d = stack_dims(m, s);
        int64_t n2 = (int64_t)N * d.h2 * d.w2 * d.c;
        for (int k = 1; k < 12; k++) /* only slots 1, 4, 6, 9, 11 are stored */
            if (k == 1 || k == 4 || k == 6 || k == 9 || k == 11)
                a->x[s][k] = nn_arena_alloc_uninit(ar, n2);
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

/* Largest conv0 output (m1) and pooled (m2) image of the stacks, in floats. */
static void group_sizes(const NnImpala *m, int64_t *m1, int64_t *m2) {
    *m1 = *m2 = 0;
    for (int s = 0; s < m->n_stacks; s++) {
        StackDims d = stack_dims(m, s);
        int64_t i1 = (int64_t)d.h * d.w * d.c, i2 = (int64_t)d.h2 * d.w2 * d.c;
        *m1 = i1 > *m1 ? i1 : *m1;
        *m2 = i2 > *m2 ? i2 : *m2;
    }
}

/* Images go through the conv stacks NN_IMPALA_GROUP at a time, so each layer's output is still
 * in cache when the next layer reads it; the dense layer then takes the whole range at once.
 * Per chunk, a scratch block of NN_IMPALA_GROUP * (m1 + 4 * m2) floats holds what is not kept
 * for the whole batch (conv0's output, the backward's temporaries, inference's activations). */
#define NN_IMPALA_GROUP 2

static int64_t scratch_floats(const NnImpala *m) {
    int64_t m1, m2;
    group_sizes(m, &m1, &m2);
    return NN_IMPALA_GROUP * (m1 + 4 * m2);
}

/* Max-pool 3/2/1 of n images with per-image argmax indices; am_needed 0 (inference): am is
 * scratch, left unwritten where the vector kernels run. */
static void pool_images(float *out, int32_t *am, int am_needed, const float *x0, int n, int h,
                        int w, int c) {
    const int64_t i1 = (int64_t)h * w * c, i2 = (int64_t)((h - 1) / 2 + 1) * ((w - 1) / 2 + 1) * c;
    int32_t *a = am_needed || !nn_maxpool_vector_ok(c) ? am : NULL;
    for (int i = 0; i < n; i++)
        nn_maxpool_forward_relu(out + i * i2, a ? a + i * i2 : NULL, NULL, x0 + i * i1, 1, h, w, c,
                                3, 2, 1, 0);
}

/* Forward of n images through one stack. x[k]: where slot k goes (only 0, 1, 4, 6, 9, 11 are
 * written); am: per-image argmax; relu_last (may be NULL) also gets relu(stack output). The
 * ReLUs before conv1/conv3 are applied while their input is padded, the one after conv1/conv3
 * in the kernels' stores, so relu(skip) is never stored. */
static void stack_forward(NnCtx *sc, const ImpalaPrep *ip, int s, float *const x[12], int32_t *am,
                          int am_needed, const float *inp, int n, float *relu_last) {
    const NnConvPrep *cv = ip->conv[s];
    const NnConvShape *c0 = &cv[0].s;
    nn_conv_prep_forward(sc, &cv[0], x[0], inp, n, 0, NULL, 0, NULL);
    pool_images(x[1], am, am_needed, x[0], n, c0->H, c0->W, c0->O);
    for (int blk = 0; blk < 2; blk++) {
        int base = 2 + 5 * blk, k = 1 + 2 * blk;
        const float *skip = x[base - 1];
        nn_conv_prep_forward(sc, &cv[k], x[base + 2], skip, n, 1, NULL, 1, NULL);
        nn_conv_prep_forward(sc, &cv[k + 1], x[base + 4], x[base + 2], n, 0, skip, 0,
                             blk == 1 ? relu_last : NULL);
    }
}

static void range_forward(NnCtx *sc, const ImpalaPrep *ip, NnImpalaActs *a, const NnImpala *m,
                          const NnParams *p, const float *inp, float *scr, int n0, int n1) {
    const int64_t F = m->flat, D = m->dense, n = n1 - n0;
    for (int g0 = n0; g0 < n1; g0 += NN_IMPALA_GROUP) {
        int g1 = g0 + NN_IMPALA_GROUP < n1 ? g0 + NN_IMPALA_GROUP : n1;
        for (int s = 0; s < m->n_stacks; s++) {
            StackDims d = stack_dims(m, s);
            const int64_t i2 = (int64_t)d.h2 * d.w2 * d.c, in_img = (int64_t)d.h * d.w * d.cin;
            float *x[12] = {scr};
            for (int k = 1; k < 12; k++) x[k] = a->x[s][k] ? a->x[s][k] + g0 * i2 : NULL;
            const float *sin = s == 0 ? inp + g0 * in_img : a->x[s - 1][11] + g0 * in_img;
            float *rl = s == m->n_stacks - 1 ? a->flat + g0 * F : NULL;
            stack_forward(sc, ip, s, x, a->argmax[s] + g0 * i2, 1, sin, g1 - g0, rl);
        }
    }
    nn_linear_forward(a->fc + n0 * D, a->flat + n0 * F, nn_param(p, m->fc_w), nn_param(p, m->fc_b),
                      n, (int)F, (int)D);
    nn_relu_forward(a->out + n0 * D, a->fc + n0 * D, n * D);
}

typedef struct ImpalaJob {
    NnCtx *ctx;
    const ImpalaPrep *ip;
    NnImpalaActs *a;
    const NnImpala *m;
    NnParams *p;
    const float *inp, *dout;
    float *dinp;
    float *head[3];             /* dfc, dflat, dx */
    float *part[NN_MAX_CHUNKS]; /* per-chunk gradient partials (ImpalaPrep layout) */
    float *scr[NN_MAX_CHUNKS];  /* per-chunk scratch (scratch_floats) */
    float *out;                 /* inference: (N, dense) */
    int nc;
} ImpalaJob;

/* Serial context for chunk c of nc (ctx may be NULL or pooled). */
static NnCtx *chunk_ctx(NnCtx *ctx, NnCtx *local, int nc, int c) {
    if (!ctx) return local;
    return nn_ctx_sub(ctx, nc > 1 ? c : 0);
}

static void alloc_scratch(NnArena *arena, ImpalaJob *j) {
    for (int c = 0; c < j->nc; c++) j->scr[c] = nn_arena_alloc_uninit(arena, scratch_floats(j->m));
}

static void forward_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    ImpalaJob *j = vj;
    for (int64_t c = begin; c < end; c++) {
        int n0, n1;
        chunk_bounds(j->a->N, j->nc, (int)c, &n0, &n1);
        range_forward(nn_ctx_sub(j->ctx, (int)c), j->ip, j->a, j->m, j->p, j->inp, j->scr[c], n0,
                      n1);
    }
}

void nn_impala_forward(NnCtx *ctx, NnArena *arena, NnImpalaActs *a, const NnImpala *m,
                       const NnParams *p, const float *inp, int N) {
    acts_alloc(arena, a, m, N);
    ImpalaPrep ip;
    prep_convs(arena, &ip, m, p, 0);
    ImpalaJob j = {.ctx = ctx,
                   .ip = &ip,
                   .a = a,
                   .m = m,
                   .p = (NnParams *)p,
                   .inp = inp,
                   .nc = nn_ctx_chunks(ctx, N)};
    alloc_scratch(arena, &j);
    if (j.nc <= 1) {
        NnCtx local;
        nn_ctx_init(&local, NULL);
        range_forward(chunk_ctx(ctx, &local, 1, 0), &ip, a, m, p, inp, j.scr[0], 0, N);
        nn_ctx_deinit(&local);
        return;
    }
    pool_parallel_for(ctx->pool, j.nc, 1, forward_chunk, &j);
}

/* Inference: slots in 3 group buffers (A: conv0's output, B, C: pooled size) plus the argmax,
 * each slot's buffer free again before it is reused. */
static void range_infer(NnCtx *sc, const ImpalaJob *j, float *buf, int n0, int n1) {
    const NnImpala *m = j->m;
    const int G = NN_IMPALA_GROUP;
    int64_t m1, m2;
    group_sizes(m, &m1, &m2);
    float *A = buf, *B = A + G * m1, *C = B + G * m2;
    int32_t *am = (int32_t *)(C + G * m2);
    float *const x[12] = {A, B, NULL, NULL, A, NULL, C, NULL, NULL, A, NULL, B};
    const int64_t F = m->flat, Dn = m->dense, n = n1 - n0, in_img = (int64_t)m->H * m->W * m->C;
    float *flat = j->head[1];
    for (int g0 = n0; g0 < n1; g0 += G) {
        int g1 = g0 + G < n1 ? g0 + G : n1;
        for (int s = 0; s < m->n_stacks; s++) {
            const float *sin = s == 0 ? j->inp + g0 * in_img : B;
            float *rl = s == m->n_stacks - 1 ? flat + g0 * F : NULL;
            stack_forward(sc, j->ip, s, x, am, 0, sin, g1 - g0, rl);
        }
    }
    nn_linear_forward(j->out + n0 * Dn, flat + n0 * F, nn_param(j->p, m->fc_w),
                      nn_param(j->p, m->fc_b), n, (int)F, (int)Dn);
    nn_relu_forward(j->out + n0 * Dn, j->out + n0 * Dn, n * Dn);
}

static void infer_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    ImpalaJob *j = vj;
    for (int64_t c = begin; c < end; c++) {
        int n0, n1;
        chunk_bounds(j->a->N, j->nc, (int)c, &n0, &n1);
        range_infer(nn_ctx_sub(j->ctx, (int)c), j, j->scr[c], n0, n1);
    }
}

void nn_impala_infer(NnCtx *ctx, NnArena *arena, float *out, const NnImpala *m, const NnParams *p,
                     const float *inp, int N) {
    ImpalaPrep ip;
    prep_convs(arena, &ip, m, p, 0);
    NnImpalaActs a = {.N = N};
    ImpalaJob j = {.ctx = ctx,
                   .ip = &ip,
                   .a = &a,
                   .m = m,
                   .p = (NnParams *)p,
                   .inp = inp,
                   .out = out,
                   .nc = nn_ctx_chunks(ctx, N)};
    alloc_scratch(arena, &j);
    j.head[1] = nn_arena_alloc_uninit(arena, (int64_t)N * m->flat);
    if (j.nc <= 1) {
        NnCtx local;
        nn_ctx_init(&local, NULL);
        range_infer(chunk_ctx(ctx, &local, 1, 0), &j, j.scr[0], 0, N);
        nn_ctx_deinit(&local);
        return;
    }
    pool_parallel_for(ctx->pool, j.nc, 1, infer_chunk, &j);
}

/* din = ReLU's input gradient (overwritten, not accumulated: saves zeroing din first). */
static void relu_grad(float *restrict din, const float *restrict dout, const float *restrict out,
                      int64_t n) {
    for (int64_t i = 0; i < n; i++) din[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

static float *bias_part(const NnConvPrep *c, float *dw) {
    return dw + (int64_t)c->s.O * c->s.KH * c->s.KW * c->s.C;
}

/* Backward of images [g0, g0+n) of one stack into the chunk's gradient partial. dx: d(stack
 * output) of the group, consumed. din: d(stack input) of the group, overwritten (accumulated
 * when din_add; may be NULL). t, d0: group scratch. The ReLU input gradients are fused into
 * the convs' input-gradient stores (relu(skip) > 0 exactly where skip > 0). */
static void stack_backward(NnCtx *sc, const ImpalaJob *j, float *part, int s, const float *inp,
                           float *dx, float *din, int din_add, float *t, float *d0, int g0, int n) {
    const NnConvPrep *cv = j->ip->conv[s];
    const int64_t *go = j->ip->goff[s];
    StackDims d = stack_dims(j->m, s);
    const int64_t i1 = (int64_t)d.h * d.w * d.c, i2 = (int64_t)d.h2 * d.w2 * d.c;
    const float *x[12];
    for (int k = 1; k < 12; k++) x[k] = j->a->x[s][k] ? j->a->x[s][k] + g0 * i2 : NULL;
    for (int blk = 1; blk >= 0; blk--) {
        int base = 2 + 5 * blk, k = 1 + 2 * blk;
        /* out = skip + conv(relu(conv(relu(skip)))); dx is d out and becomes d skip */
        const float *skip = x[base - 1];
        float *dw2 = part + go[k + 1], *dw1 = part + go[k];
        nn_conv_prep_backward(sc, &cv[k + 1], t, 0, x[base + 2], dw2, bias_part(&cv[k + 1], dw2),
                              dx, x[base + 2], 0, n);
        nn_conv_prep_backward(sc, &cv[k], dx, 1, skip, dw1, bias_part(&cv[k], dw1), t, skip, 1, n);
    }
    memset(d0, 0, (size_t)(n * i1) * sizeof(float));
    for (int i = 0; i < n; i++) /* per-image argmax indices */
        nn_maxpool_backward(d0 + i * i1, dx + i * i2, j->a->argmax[s] + (g0 + i) * i2, i2);
    float *dw0 = part + go[0];
    nn_conv_prep_backward(sc, &cv[0], din, din_add, NULL, dw0, bias_part(&cv[0], dw0), d0, inp, 0,
                          n);
}

static void range_backward(NnCtx *sc, const ImpalaJob *j, float *part, float *scr, int n0, int n1) {
    const NnImpala *m = j->m;
    const NnImpalaActs *a = j->a;
    const int64_t F = m->flat, D = m->dense, n = n1 - n0, G = NN_IMPALA_GROUP;
    float *dfc = j->head[0] + n0 * D, *dflat = j->head[1] + n0 * F, *dx = j->head[2];
    float *gw = part + j->ip->fc_off;
    relu_grad(dfc, j->dout + n0 * D, a->out + n0 * D, n * D);
    memset(dflat, 0, (size_t)(n * F) * sizeof(float));
    nn_linear_backward(dflat, gw, gw + D * F, dfc, a->flat + n0 * F, nn_param(j->p, m->fc_w), n,
                       (int)F, (int)D);
    relu_grad(dx + n0 * F, dflat, a->flat + n0 * F, n * F);
    int64_t m1, m2;
    group_sizes(m, &m1, &m2);
    float *d0 = scr, *t = d0 + G * m1, *pp[2] = {t + G * m2, t + 2 * G * m2};
    for (int g0 = n0; g0 < n1; g0 += NN_IMPALA_GROUP) {
        int g1 = g0 + NN_IMPALA_GROUP < n1 ? g0 + NN_IMPALA_GROUP : n1;
        float *dxs = dx + g0 * F;
        for (int s = m->n_stacks - 1; s >= 0; s--) {
            StackDims d = stack_dims(m, s);
            const int64_t in_img = (int64_t)d.h * d.w * d.cin;
            const float *sin = (s > 0 ? a->x[s - 1][11] : j->inp) + g0 * in_img;
            /* d(stack input): group scratch, ping-pong; the caller's dinp accumulates */
            float *din = s > 0 ? pp[s & 1] : j->dinp ? j->dinp + g0 * in_img : NULL;
            stack_backward(sc, j, part, s, sin, dxs, din, s == 0, t, d0, g0, g1 - g0);
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
        memset(j->part[c], 0, (size_t)j->ip->n_part * sizeof(float)); /* own partial only */
        range_backward(nn_ctx_sub(j->ctx, (int)c), j, j->part[c], j->scr[c], n0, n1);
    }
}

static void reduce_partials(const ImpalaJob *j, NnParams *p) {
    const NnImpala *m = j->m;
    const ImpalaPrep *ip = j->ip;
    const int64_t DF = (int64_t)m->dense * m->flat;
    for (int c = 0; c < j->nc; c++) {
        const float *part = j->part[c];
        for (int s = 0; s < m->n_stacks; s++)
            for (int k = 0; k < 5; k++) {
                const NnConvPrep *cv = &ip->conv[s][k];
                const float *dw = part + ip->goff[s][k], *db = dw + (int64_t)cv->s.O * 9 * cv->s.C;
                nn_conv_prep_grad_add(cv, nn_grad(p, m->conv_w[s][k]), dw);
                float *gb = nn_grad(p, m->conv_b[s][k]);
                for (int o = 0; o < cv->s.O; o++) gb[o] += db[o];
            }
        float *gw = nn_grad(p, m->fc_w), *gb = nn_grad(p, m->fc_b);
        const float *pw = part + ip->fc_off;
        for (int64_t i = 0; i < DF; i++) gw[i] += pw[i];
        for (int i = 0; i < m->dense; i++) gb[i] += pw[DF + i];
    }
}

void nn_impala_backward(NnCtx *ctx, NnArena *arena, float *dinp, const NnImpala *m, NnParams *p,
                        const NnImpalaActs *a, const float *inp, const float *dout) {
    const int N = a->N;
    ImpalaPrep ip;
    prep_convs(arena, &ip, m, p, 1);
    ImpalaJob j = {.ctx = ctx,
                   .ip = &ip,
                   .a = (NnImpalaActs *)a,
                   .m = m,
                   .p = p,
                   .inp = inp,
                   .dout = dout,
                   .dinp = dinp,
                   .nc = nn_ctx_chunks(ctx, N)};
    alloc_scratch(arena, &j);
    j.head[0] = nn_arena_alloc_uninit(arena, (int64_t)N * m->dense);
    j.head[1] = nn_arena_alloc_uninit(arena, (int64_t)N * m->flat);
    j.head[2] = nn_arena_alloc_uninit(arena, (int64_t)N * m->flat);
    for (int c = 0; c < j.nc; c++) j.part[c] = nn_arena_alloc_uninit(arena, ip.n_part);
    if (j.nc <= 1) {
        NnCtx local;
        nn_ctx_init(&local, NULL);
        memset(j.part[0], 0, (size_t)ip.n_part * sizeof(float));
        range_backward(chunk_ctx(ctx, &local, 1, 0), &j, j.part[0], j.scr[0], 0, N);
        nn_ctx_deinit(&local);
    } else {
        pool_parallel_for(ctx->pool, j.nc, 1, backward_chunk, &j);
    }
    reduce_partials(&j, p);
}
