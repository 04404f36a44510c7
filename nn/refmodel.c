/* refmodel.c: the reference model used by the benchmark and the golden tests:
 * frames (B,T,H,W,C) -> ImpalaCNN -> dense -> LSTM (or a causal transformer block) -> two
 * linear heads (n1 and n2 classes), loss = xent(head1) + xent(head2). Parameters live in the
 * model's NnParams; activations in the caller's arena (reset by the caller between steps). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "nn/nn.h"

void nn_ref_init(NnRefModel *m, const NnRefConfig *cfg, uint64_t seed) {
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    NnParams *p = &m->params;
    nn_params_init(p);
    nn_impala_init(&m->cnn, p, "cnn", cfg->H, cfg->W, cfg->C, cfg->n_stacks, cfg->widths,
                   cfg->dense);
    const int D = cfg->dense, Hd = cfg->hidden;
    if (cfg->use_attention) {
        ASSERT(D == Hd);
        nn_transformer_init(&m->tf, p, "tf", D, cfg->heads, 1, cfg->mem_len, cfg->R);
    } else {
        int64_t wih[2] = {4 * Hd, D}, whh[2] = {4 * Hd, Hd}, b[1] = {4 * Hd};
        m->lstm_wih = nn_params_add(p, "lstm.wih", 2, wih, 1);
        m->lstm_whh = nn_params_add(p, "lstm.whh", 2, whh, 1);
        m->lstm_bih = nn_params_add(p, "lstm.bih", 1, b, 0);
        m->lstm_bhh = nn_params_add(p, "lstm.bhh", 1, b, 0);
    }
    int64_t w1[2] = {cfg->n1, Hd}, b1[1] = {cfg->n1}, w2[2] = {cfg->n2, Hd}, b2[1] = {cfg->n2};
    m->h1_w = nn_params_add(p, "head1.w", 2, w1, 1);
    m->h1_b = nn_params_add(p, "head1.b", 1, b1, 0);
    m->h2_w = nn_params_add(p, "head2.w", 2, w2, 1);
    m->h2_b = nn_params_add(p, "head2.b", 1, b2, 0);
    nn_params_alloc(p);
    Rng rng;
    rng_seed(&rng, seed);
    nn_impala_reset_params(&m->cnn, p, &rng);
    float bh = 1.0f / sqrtf((float)Hd);
    if (cfg->use_attention) {
        nn_transformer_reset_params(&m->tf, p, &rng);
    } else {
        nn_params_fill_uniform(p, m->lstm_wih, bh, &rng);
        nn_params_fill_uniform(p, m->lstm_whh, bh, &rng);
        nn_params_fill_uniform(p, m->lstm_bih, bh, &rng);
        nn_params_fill_uniform(p, m->lstm_bhh, bh, &rng);
    }
    nn_params_fill_uniform(p, m->h1_w, bh, &rng);
    nn_params_fill_uniform(p, m->h1_b, bh, &rng);
    nn_params_fill_uniform(p, m->h2_w, bh, &rng);
    nn_params_fill_uniform(p, m->h2_b, bh, &rng);
}

void nn_ref_deinit(NnRefModel *m) {
    if (!m) return;
    nn_params_deinit(&m->params);
}

char *nn_ref_config_json(const NnRefConfig *c) {
    char buf[512];
    snprintf(buf, sizeof buf,
             "{\"model\":\"nn_ref\",\"H\":%d,\"W\":%d,\"C\":%d,\"widths\":[%d,%d,%d,%d],"
             "\"n_stacks\":%d,\"dense\":%d,\"hidden\":%d,\"use_attention\":%d,\"heads\":%d,"
             "\"mem_len\":%d,\"R\":%d,\"n1\":%d,\"n2\":%d}",
             c->H, c->W, c->C, c->widths[0], c->widths[1], c->widths[2], c->widths[3], c->n_stacks,
             c->dense, c->hidden, c->use_attention, c->heads, c->mem_len, c->R, c->n1, c->n2);
    return mem_strdup(buf);
}

typedef struct RefActs {
    NnImpalaActs cnn;
    NnTransformerActs tf;
    float *seq, *gates, *cs, *xw, *logits1, *logits2;
} RefActs;

/* infer: the CNN stores no activations (a->cnn.out only). */
static void ref_forward(NnRefModel *m, NnCtx *ctx, NnArena *ar, RefActs *a, const float *frames,
                        int B, int T, int infer) {
    const NnRefConfig *c = &m->cfg;
    const NnParams *p = &m->params;
    const int N = B * T, Hd = c->hidden;
    if (infer) {
        memset(&a->cnn, 0, sizeof a->cnn);
        a->cnn.N = N;
        a->cnn.out = nn_arena_alloc_uninit(ar, (int64_t)N * c->dense);
        nn_impala_infer(ctx, ar, a->cnn.out, &m->cnn, p, frames, N);
    } else {
        nn_impala_forward(ctx, ar, &a->cnn, &m->cnn, p, frames, N);
    }
    if (c->use_attention) {
        nn_transformer_forward(ctx, ar, &a->tf, &m->tf, p, a->cnn.out, NULL, NULL, B, T, 0);
        a->seq = a->tf.out;
    } else {
        NnLstmShape ls = {B, T, c->dense, Hd};
        a->seq = nn_arena_alloc_uninit(ar, (int64_t)N * Hd);
        a->gates = nn_arena_alloc_uninit(ar, (int64_t)N * 4 * Hd);
        a->cs = nn_arena_alloc_uninit(ar, (int64_t)N * Hd);
        a->xw = nn_arena_alloc_uninit(ar, (int64_t)N * 4 * Hd);
        nn_lstm_forward_ctx(ctx, a->seq, a->gates, a->cs, NULL, NULL, a->xw, a->cnn.out, NULL, NULL,
                            NULL, nn_param(p, m->lstm_wih), nn_param(p, m->lstm_whh),
                            nn_param(p, m->lstm_bih), nn_param(p, m->lstm_bhh), &ls);
    }
    a->logits1 = nn_arena_alloc_uninit(ar, (int64_t)N * c->n1);
    a->logits2 = nn_arena_alloc_uninit(ar, (int64_t)N * c->n2);
    nn_linear_forward_ctx(ctx, a->logits1, a->seq, nn_param(p, m->h1_w), nn_param(p, m->h1_b), N,
                          Hd, c->n1);
    nn_linear_forward_ctx(ctx, a->logits2, a->seq, nn_param(p, m->h2_w), nn_param(p, m->h2_b), N,
                          Hd, c->n2);
}

double nn_ref_train_step(NnRefModel *m, NnCtx *ctx, NnArena *ar, const float *frames,
                         const int32_t *t1, const int32_t *t2, int B, int T) {
    const NnRefConfig *c = &m->cfg;
    NnParams *p = &m->params;
    const int N = B * T, Hd = c->hidden;
    RefActs a;
    ref_forward(m, ctx, ar, &a, frames, B, T, 0);
    float *dl1 = nn_arena_alloc_uninit(ar, (int64_t)N * c->n1),
          *dl2 = nn_arena_alloc_uninit(ar, (int64_t)N * c->n2);
    double loss = nn_softmax_xent(dl1, a.logits1, t1, N, c->n1, 1.0f) +
                  nn_softmax_xent(dl2, a.logits2, t2, N, c->n2, 1.0f);
    nn_params_zero_grad_ctx(ctx, p);
    float *dseq = nn_arena_alloc(ar, (int64_t)N * Hd);
    nn_linear_backward_ctx(ctx, dseq, nn_grad(p, m->h1_w), nn_grad(p, m->h1_b), dl1, a.seq,
                           nn_param(p, m->h1_w), N, Hd, c->n1);
    nn_linear_backward_ctx(ctx, dseq, nn_grad(p, m->h2_w), nn_grad(p, m->h2_b), dl2, a.seq,
                           nn_param(p, m->h2_w), N, Hd, c->n2);
    float *dcnn = nn_arena_alloc(ar, (int64_t)N * c->dense);
    if (c->use_attention) {
        nn_transformer_backward(ctx, ar, dcnn, &m->tf, p, &a.tf, a.cnn.out, dseq);
    } else {
        NnLstmShape ls = {B, T, c->dense, Hd};
        float *dgates = nn_arena_alloc_uninit(ar, (int64_t)N * 4 * Hd);
        nn_lstm_backward_ctx(ctx, dcnn, nn_grad(p, m->lstm_wih), nn_grad(p, m->lstm_whh),
                             nn_grad(p, m->lstm_bih), nn_grad(p, m->lstm_bhh), NULL, NULL, dgates,
                             dseq, a.seq, a.gates, a.cs, a.cnn.out, NULL, NULL, NULL,
                             nn_param(p, m->lstm_wih), nn_param(p, m->lstm_whh), &ls);
    }
    nn_impala_backward(ctx, ar, NULL, &m->cnn, p, &a.cnn, frames, dcnn);
    return loss;
}

void nn_ref_infer(NnRefModel *m, NnCtx *ctx, NnArena *arena, const float *frames, int B, int T,
                  float **logits1, float **logits2) {
    RefActs a;
    ref_forward(m, ctx, arena, &a, frames, B, T, 1);
    *logits1 = a.logits1;
    *logits2 = a.logits2;
}
