/* transformer.c: a pre-norm transformer block (multi-head attention + GELU MLP), non-causal or
 * causal over a Transformer-XL memory of earlier keys/values with a relative position bias.
 * The memory is a constant (no gradient flows into earlier segments). Shapes: x (B,T,C),
 * heads H of size C/H, keys/values (B,M+T,C) with the memory first. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "nn/nn.h"

void nn_transformer_init(NnTransformer *m, NnParams *p, const char *prefix, int C, int H,
                         int causal, int mem_len, int R) {
    ASSERT(C % H == 0);
    memset(m, 0, sizeof *m);
    m->C = C;
    m->H = H;
    m->causal = causal;
    m->mem_len = mem_len;
    m->R = R;
    char name[NN_NAME_MAX];
#define ADD(field, suffix, nd, decay, ...)                                                         \
    do {                                                                                           \
        int64_t sh_[] = {__VA_ARGS__};                                                             \
        snprintf(name, sizeof name, "%s.%s", prefix, suffix);                                      \
        m->field = nn_params_add(p, name, nd, sh_, decay);                                         \
    } while (0)
    ADD(ln1_g, "ln1.g", 1, 0, C);
    ADD(ln1_b, "ln1.b", 1, 0, C);
    ADD(wqkv, "attn.wqkv", 2, 1, 3 * C, C);
    ADD(bqkv, "attn.bqkv", 1, 0, 3 * C);
    ADD(wo, "attn.wo", 2, 1, C, C);
    ADD(bo, "attn.bo", 1, 0, C);
    ADD(relbias, "attn.relbias", 2, 0, H, 2 * R + 1);
    ADD(ln2_g, "ln2.g", 1, 0, C);
    ADD(ln2_b, "ln2.b", 1, 0, C);
    ADD(w1, "mlp.w1", 2, 1, 4 * C, C);
    ADD(b1, "mlp.b1", 1, 0, 4 * C);
    ADD(w2, "mlp.w2", 2, 1, C, 4 * C);
    ADD(b2, "mlp.b2", 1, 0, C);
#undef ADD
}

void nn_transformer_reset_params(const NnTransformer *m, NnParams *p, Rng *rng) {
    const int C = m->C;
    nn_params_fill(p, m->ln1_g, 1.0f);
    nn_params_fill(p, m->ln1_b, 0.0f);
    nn_params_fill(p, m->ln2_g, 1.0f);
    nn_params_fill(p, m->ln2_b, 0.0f);
    nn_params_fill(p, m->relbias, 0.0f);
    float bc = 1.0f / sqrtf((float)C), b4 = 1.0f / sqrtf(4.0f * C);
    nn_params_fill_uniform(p, m->wqkv, bc, rng);
    nn_params_fill_uniform(p, m->bqkv, bc, rng);
    nn_params_fill_uniform(p, m->wo, bc, rng);
    nn_params_fill_uniform(p, m->bo, bc, rng);
    nn_params_fill_uniform(p, m->w1, bc, rng);
    nn_params_fill_uniform(p, m->b1, bc, rng);
    nn_params_fill_uniform(p, m->w2, b4, rng);
    nn_params_fill_uniform(p, m->b2, b4, rng);
}

/* Attention split over batch rows on ctx's pool (rows are independent; the relative-bias
 * gradient, shared by all rows, is summed from per-chunk partials in chunk order). */
typedef struct AttnJob {
    NnCtx *ctx;
    const NnAttnShape *s;
    float *out, *att, *dq, *dk, *dv, *drel;
    const float *q, *k, *v, *rel, *dout;
    int nc, backward;
} AttnJob;

static void attn_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const AttnJob *j = vj;
    const NnAttnShape *s = j->s;
    for (int64_t c = begin; c < end; c++) {
        int b0 = (int)((int64_t)s->B * c / j->nc), b1 = (int)((int64_t)s->B * (c + 1) / j->nc);
        NnAttnShape cs = *s;
        cs.B = b1 - b0;
        const int64_t qo = (int64_t)b0 * s->Tq * s->H * s->D,
                      ko = (int64_t)b0 * s->Tk * s->H * s->D;
        const int64_t ao = (int64_t)b0 * s->H * s->Tq * s->Tk;
        if (!j->backward) {
            nn_attention_forward(j->out + qo, j->att + ao, j->q + qo, j->k + ko, j->v + ko, j->rel,
                                 &cs);
        } else {
            float *drel = j->drel ? j->ctx->scratch[c][1] : NULL;
            nn_attention_backward(j->dq + qo, j->dk + ko, j->dv + ko, drel, j->dout + qo,
                                  j->att + ao, j->q + qo, j->k + ko, j->v + ko, &cs);
        }
    }
}

static void attn_forward_ctx(NnCtx *ctx, float *out, float *att, const float *q, const float *k,
                             const float *v, const float *rel, const NnAttnShape *s) {
    AttnJob j = {.ctx = ctx,
                 .s = s,
                 .out = out,
                 .att = att,
                 .q = q,
                 .k = k,
                 .v = v,
                 .rel = rel,
                 .nc = nn_ctx_chunks(ctx, s->B)};
    if (j.nc <= 1) {
        nn_attention_forward(out, att, q, k, v, rel, s);
        return;
    }
    pool_parallel_for(ctx->pool, j.nc, 1, attn_chunk, &j);
}

static void attn_backward_ctx(NnCtx *ctx, float *dq, float *dk, float *dv, float *drel,
                              const float *dout, const float *att, const float *q, const float *k,
                              const float *v, const NnAttnShape *s) {
    AttnJob j = {.ctx = ctx,
                 .s = s,
                 .dq = dq,
                 .dk = dk,
                 .dv = dv,
                 .drel = drel,
                 .dout = dout,
                 .att = (float *)att,
                 .q = q,
                 .k = k,
                 .v = v,
                 .nc = nn_ctx_chunks(ctx, s->B),
                 .backward = 1};
    if (j.nc <= 1) {
        nn_attention_backward(dq, dk, dv, drel, dout, att, q, k, v, s);
        return;
    }
    const int64_t nr = (int64_t)s->H * (2 * s->R + 1);
    for (int c = 0; c < j.nc && drel; c++)
        memset(nn_ctx_scratch(ctx, c, 1, nr), 0, (size_t)nr * sizeof(float));
    pool_parallel_for(ctx->pool, j.nc, 1, attn_chunk, &j);
    for (int c = 0; c < j.nc && drel; c++)
        for (int64_t i = 0; i < nr; i++) drel[i] += ctx->scratch[c][1][i];
}

static NnAttnShape attn_shape(const NnTransformer *m, int B, int T, int M) {
    return (NnAttnShape){B, T, M + T, m->H, m->C / m->H, m->causal, 0, m->R};
}

void nn_transformer_forward(NnCtx *ctx, NnArena *ar, NnTransformerActs *a, const NnTransformer *m,
                            const NnParams *p, const float *x, const float *mem_k,
                            const float *mem_v, int B, int T, int M) {
    const int C = m->C, Tk = M + T;
    const int64_t N = (int64_t)B * T;
    ASSERT(M == 0 || (mem_k && mem_v));
    memset(a, 0, sizeof *a);
    a->B = B;
    a->T = T;
    a->M = M;
    a->ln1 = nn_arena_alloc(ar, N * C);
    a->mean1 = nn_arena_alloc(ar, N);
    a->rstd1 = nn_arena_alloc(ar, N);
    nn_layernorm_forward(a->ln1, a->mean1, a->rstd1, x, nn_param(p, m->ln1_g),
                         nn_param(p, m->ln1_b), N, C);
    a->qkv = nn_arena_alloc(ar, N * 3 * C);
    nn_linear_forward_ctx(ctx, a->qkv, a->ln1, nn_param(p, m->wqkv), nn_param(p, m->bqkv), N, C,
                          3 * C);
    a->q = nn_arena_alloc(ar, N * C);
    a->k = nn_arena_alloc(ar, (int64_t)B * Tk * C);
    a->v = nn_arena_alloc(ar, (int64_t)B * Tk * C);
    for (int b = 0; b < B; b++) {
        size_t row = (size_t)C * sizeof(float);
        if (M) {
            memcpy(a->k + (int64_t)b * Tk * C, mem_k + (int64_t)b * M * C, M * row);
            memcpy(a->v + (int64_t)b * Tk * C, mem_v + (int64_t)b * M * C, M * row);
        }
        for (int t = 0; t < T; t++) {
            const float *src = a->qkv + ((int64_t)b * T + t) * 3 * C;
            memcpy(a->q + ((int64_t)b * T + t) * C, src, row);
            memcpy(a->k + ((int64_t)b * Tk + M + t) * C, src + C, row);
            memcpy(a->v + ((int64_t)b * Tk + M + t) * C, src + 2 * C, row);
        }
    }
    NnAttnShape as = attn_shape(m, B, T, M);
    a->att = nn_arena_alloc(ar, (int64_t)B * m->H * T * Tk);
    a->attn = nn_arena_alloc(ar, N * C);
    attn_forward_ctx(ctx, a->attn, a->att, a->q, a->k, a->v, nn_param(p, m->relbias), &as);
    a->x1 = nn_arena_alloc(ar, N * C);
    nn_linear_forward_ctx(ctx, a->x1, a->attn, nn_param(p, m->wo), nn_param(p, m->bo), N, C, C);
    nn_add_forward(a->x1, a->x1, x, N * C);
    a->ln2 = nn_arena_alloc(ar, N * C);
    a->mean2 = nn_arena_alloc(ar, N);
    a->rstd2 = nn_arena_alloc(ar, N);
    nn_layernorm_forward(a->ln2, a->mean2, a->rstd2, a->x1, nn_param(p, m->ln2_g),
                         nn_param(p, m->ln2_b), N, C);
    a->h1 = nn_arena_alloc(ar, N * 4 * C);
    nn_linear_forward_ctx(ctx, a->h1, a->ln2, nn_param(p, m->w1), nn_param(p, m->b1), N, C, 4 * C);
    a->h1g = nn_arena_alloc(ar, N * 4 * C);
    nn_gelu_forward(a->h1g, a->h1, N * 4 * C);
    a->out = nn_arena_alloc(ar, N * C);
    nn_linear_forward_ctx(ctx, a->out, a->h1g, nn_param(p, m->w2), nn_param(p, m->b2), N, 4 * C, C);
    nn_add_forward(a->out, a->out, a->x1, N * C);
}

void nn_transformer_backward(NnCtx *ctx, NnArena *ar, float *dx, const NnTransformer *m,
                             NnParams *p, const NnTransformerActs *a, const float *x,
                             const float *dout) {
    const int C = m->C, B = a->B, T = a->T, M = a->M, Tk = M + T;
    const int64_t N = (int64_t)B * T;
    /* MLP branch */
    float *dh1g = nn_arena_alloc(ar, N * 4 * C), *dh1 = nn_arena_alloc(ar, N * 4 * C);
    nn_linear_backward_ctx(ctx, dh1g, nn_grad(p, m->w2), nn_grad(p, m->b2), dout, a->h1g,
                           nn_param(p, m->w2), N, 4 * C, C);
    nn_gelu_backward(dh1, dh1g, a->h1, N * 4 * C);
    float *dln2 = nn_arena_alloc(ar, N * C);
    nn_linear_backward_ctx(ctx, dln2, nn_grad(p, m->w1), nn_grad(p, m->b1), dh1, a->ln2,
                           nn_param(p, m->w1), N, C, 4 * C);
    float *dx1 = nn_arena_alloc(ar, N * C);
    memcpy(dx1, dout, (size_t)N * C * sizeof(float)); /* residual */
    nn_layernorm_backward(dx1, nn_grad(p, m->ln2_g), nn_grad(p, m->ln2_b), dln2, a->x1,
                          nn_param(p, m->ln2_g), a->mean2, a->rstd2, N, C);
    /* attention branch */
    float *dattn = nn_arena_alloc(ar, N * C);
    nn_linear_backward_ctx(ctx, dattn, nn_grad(p, m->wo), nn_grad(p, m->bo), dx1, a->attn,
                           nn_param(p, m->wo), N, C, C);
    float *dq = nn_arena_alloc(ar, N * C);
    float *dk = nn_arena_alloc(ar, (int64_t)B * Tk * C),
          *dv = nn_arena_alloc(ar, (int64_t)B * Tk * C);
    NnAttnShape as = attn_shape(m, B, T, M);
    attn_backward_ctx(ctx, dq, dk, dv, nn_grad(p, m->relbias), dattn, a->att, a->q, a->k, a->v,
                      &as);
    float *dqkv = nn_arena_alloc(ar, N * 3 * C);
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            float *dst = dqkv + ((int64_t)b * T + t) * 3 * C;
            size_t row = (size_t)C * sizeof(float);
            memcpy(dst, dq + ((int64_t)b * T + t) * C, row);
            memcpy(dst + C, dk + ((int64_t)b * Tk + M + t) * C, row);
            memcpy(dst + 2 * C, dv + ((int64_t)b * Tk + M + t) * C, row);
        }
    float *dln1 = nn_arena_alloc(ar, N * C);
    nn_linear_backward_ctx(ctx, dln1, nn_grad(p, m->wqkv), nn_grad(p, m->bqkv), dqkv, a->ln1,
                           nn_param(p, m->wqkv), N, C, 3 * C);
    if (dx) {
        nn_add_backward(dx, NULL, dx1, N * C);
        nn_layernorm_backward(dx, nn_grad(p, m->ln1_g), nn_grad(p, m->ln1_b), dln1, x,
                              nn_param(p, m->ln1_g), a->mean1, a->rstd1, N, C);
    } else {
        nn_layernorm_backward(NULL, nn_grad(p, m->ln1_g), nn_grad(p, m->ln1_b), dln1, x,
                              nn_param(p, m->ln1_g), a->mean1, a->rstd1, N, C);
    }
}

int nn_transformer_next_memory(float *new_k, float *new_v, const NnTransformer *m,
                               const NnTransformerActs *a) {
    const int C = m->C, Tk = a->M + a->T;
    int keep = Tk < m->mem_len ? Tk : m->mem_len;
    for (int b = 0; b < a->B; b++) {
        size_t bytes = (size_t)keep * C * sizeof(float);
        memmove(new_k + (int64_t)b * keep * C, a->k + ((int64_t)b * Tk + Tk - keep) * C, bytes);
        memmove(new_v + (int64_t)b * keep * C, a->v + ((int64_t)b * Tk + Tk - keep) * C, bytes);
    }
    return keep;
}
