/* ops_seq.c: sequence kernels: multi-head scaled dot-product attention (optionally causal over
 * a Transformer-XL memory, with a learned relative position bias) and one LSTM layer with
 * episode-start resets. Backward kernels accumulate into their gradients. */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "nn/conv_direct.h"
#include "nn/nn.h"

static int attn_visible(const NnAttnShape *s, int i, int j) {
    if (!s->causal) return 1;
    int M = s->Tk - s->Tq, d = M + i - j;
    return d >= 0 && (s->window <= 0 || d < s->window);
}

static int attn_rel(const NnAttnShape *s, int i, int j) {
    int d = (s->Tk - s->Tq) + i - j;
    if (d > s->R) d = s->R;
    if (d < -s->R) d = -s->R;
    return d + s->R;
}

void nn_attention_forward(float *out, float *att, const float *q, const float *k, const float *v,
                          const float *relbias, const NnAttnShape *s) {
    const int Tq = s->Tq, Tk = s->Tk, H = s->H, D = s->D;
    const float scale = 1.0f / sqrtf((float)D);
    ASSERT(Tk >= Tq);
    for (int b = 0; b < s->B; b++)
        for (int h = 0; h < H; h++)
            for (int i = 0; i < Tq; i++) {
                const float *qi = q + (((int64_t)b * Tq + i) * H + h) * D;
                float *a = att + (((int64_t)b * H + h) * Tq + i) * Tk;
                float mx = -FLT_MAX;
                for (int j = 0; j < Tk; j++) {
                    if (!attn_visible(s, i, j)) continue;
                    const float *kj = k + (((int64_t)b * Tk + j) * H + h) * D;
                    float dot = 0.0f;
                    for (int d = 0; d < D; d++) dot += qi[d] * kj[d];
                    dot *= scale;
                    if (relbias) dot += relbias[(int64_t)h * (2 * s->R + 1) + attn_rel(s, i, j)];
                    a[j] = dot;
                    mx = dot > mx ? dot : mx;
                }
                float sum = 0.0f;
                for (int j = 0; j < Tk; j++) {
                    if (!attn_visible(s, i, j)) {
                        a[j] = 0.0f;
                        continue;
                    }
                    a[j] = expf(a[j] - mx);
                    sum += a[j];
                }
                float inv = 1.0f / sum;
                float *o = out + (((int64_t)b * Tq + i) * H + h) * D;
                memset(o, 0, (size_t)D * sizeof(float));
                for (int j = 0; j < Tk; j++) {
                    a[j] *= inv;
                    if (a[j] == 0.0f) continue;
                    const float *vj = v + (((int64_t)b * Tk + j) * H + h) * D;
                    for (int d = 0; d < D; d++) o[d] += a[j] * vj[d];
                }
            }
}

void nn_attention_backward(float *dq, float *dk, float *dv, float *drelbias, const float *dout,
                           const float *att, const float *q, const float *k, const float *v,
                           const NnAttnShape *s) {
    const int Tq = s->Tq, Tk = s->Tk, H = s->H, D = s->D;
    const float scale = 1.0f / sqrtf((float)D);
    float *datt = mem_alloc((size_t)Tk * sizeof(float));
    for (int b = 0; b < s->B; b++)
        for (int h = 0; h < H; h++)
            for (int i = 0; i < Tq; i++) {
                const float *a = att + (((int64_t)b * H + h) * Tq + i) * Tk;
                const float *dO = dout + (((int64_t)b * Tq + i) * H + h) * D;
                const float *qi = q + (((int64_t)b * Tq + i) * H + h) * D;
                float dot_sum = 0.0f;
                for (int j = 0; j < Tk; j++) {
                    datt[j] = 0.0f;
                    if (!attn_visible(s, i, j)) continue;
                    int64_t kv = (((int64_t)b * Tk + j) * H + h) * D;
                    float dd = 0.0f;
                    for (int d = 0; d < D; d++) dd += dO[d] * v[kv + d];
                    if (dv)
                        for (int d = 0; d < D; d++) dv[kv + d] += a[j] * dO[d];
                    datt[j] = dd;
                    dot_sum += a[j] * dd;
                }
                for (int j = 0; j < Tk; j++) {
                    if (!attn_visible(s, i, j)) continue;
                    float dl = a[j] * (datt[j] - dot_sum); /* d logit */
                    if (drelbias) drelbias[(int64_t)h * (2 * s->R + 1) + attn_rel(s, i, j)] += dl;
                    int64_t kv = (((int64_t)b * Tk + j) * H + h) * D;
                    if (dq) {
                        float *dqi = dq + (((int64_t)b * Tq + i) * H + h) * D;
                        for (int d = 0; d < D; d++) dqi[d] += dl * scale * k[kv + d];
                    }
                    if (dk)
                        for (int d = 0; d < D; d++) dk[kv + d] += dl * scale * qi[d];
                }
            }
    mem_free(datt);
}

/* ---------------------------------------------------------------- LSTM */

/* Batch rows up to which the recurrent products use nn_smallm_gemm. */
#define NN_LSTM_SMALL_B 16

static float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

/* h_prev / c_prev of row b before step t (zeros after a reset or with no initial state). */
static const float *lstm_prev(const float *seq, const float *init, const uint8_t *first, int b,
                              int t, const NnLstmShape *s) {
    if (first && first[(int64_t)b * s->T + t]) return NULL;
    if (t > 0) return seq + ((int64_t)b * s->T + t - 1) * s->Hd;
    return init ? init + (int64_t)b * s->Hd : NULL;
}

void nn_lstm_forward(float *out, float *gates, float *cs, float *hT, float *cT, float *xw,
                     const float *inp, const float *h0, const float *c0, const uint8_t *first,
                     const float *wih, const float *whh, const float *bih, const float *bhh,
                     const NnLstmShape *s) {
    const int B = s->B, T = s->T, Hd = s->Hd, G = 4 * Hd;
    nn_linear_forward(xw, inp, wih, bih, (int64_t)B * T, s->In, G);
    for (int64_t n = 0; n < (int64_t)B * T; n++)
        for (int g = 0; g < G; g++) xw[n * G + g] += bhh[g];
    float *hbuf = mem_calloc((size_t)B * Hd, sizeof(float));
    /* Few rows: the per-step products use the small-M kernel on whh^T (OpenBLAS would repack
     * the whole of whh on every step). */
    float *whh_t = NULL;
    if (B <= NN_LSTM_SMALL_B && nn_smallm_ok(G)) {
        whh_t = mem_alloc((size_t)G * Hd * sizeof(float));
        for (int g = 0; g < G; g++)
            for (int u = 0; u < Hd; u++) whh_t[(int64_t)u * G + g] = whh[(int64_t)g * Hd + u];
    }
    for (int t = 0; t < T; t++) {
        for (int b = 0; b < B; b++) {
            const float *hp = lstm_prev(out, h0, first, b, t, s);
            if (hp)
                memcpy(hbuf + (int64_t)b * Hd, hp, (size_t)Hd * sizeof(float));
            else
                memset(hbuf + (int64_t)b * Hd, 0, (size_t)Hd * sizeof(float));
            memcpy(gates + ((int64_t)b * T + t) * G, xw + ((int64_t)b * T + t) * G,
                   (size_t)G * sizeof(float));
        }
        /* gates[:, t] (B,G) += hbuf (B,Hd) @ whh^T (Hd,G) */
        if (whh_t)
            nn_smallm_gemm(gates + (int64_t)t * G, (int64_t)T * G, hbuf, Hd, whh_t, G, B, G, Hd, 1);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, G, Hd, 1.0f, hbuf, Hd, whh, Hd,
                        1.0f, gates + (int64_t)t * G, T * G);
        for (int b = 0; b < B; b++) {
            float *gt = gates + ((int64_t)b * T + t) * G;
            const float *cp = lstm_prev(cs, c0, first, b, t, s);
            float *c = cs + ((int64_t)b * T + t) * Hd, *h = out + ((int64_t)b * T + t) * Hd;
            for (int u = 0; u < Hd; u++) {
                float ig = sigmoidf(gt[u]), fg = sigmoidf(gt[Hd + u]);
                float gg = tanhf(gt[2 * Hd + u]), og = sigmoidf(gt[3 * Hd + u]);
                gt[u] = ig;
                gt[Hd + u] = fg;
                gt[2 * Hd + u] = gg;
                gt[3 * Hd + u] = og;
                c[u] = fg * (cp ? cp[u] : 0.0f) + ig * gg;
                h[u] = og * tanhf(c[u]);
            }
        }
    }
    for (int b = 0; b < B; b++) {
        if (hT) memcpy(hT + (int64_t)b * Hd, out + ((int64_t)b * T + T - 1) * Hd, Hd * 4);
        if (cT) memcpy(cT + (int64_t)b * Hd, cs + ((int64_t)b * T + T - 1) * Hd, Hd * 4);
    }
    mem_free(hbuf);
    mem_free(whh_t);
}

void nn_lstm_backward(float *dinp, float *dwih, float *dwhh, float *dbih, float *dbhh, float *dh0,
                      float *dc0, float *dgates, const float *dout, const float *out,
                      const float *gates, const float *cs, const float *inp, const float *h0,
                      const float *c0, const uint8_t *first, const float *wih, const float *whh,
                      const NnLstmShape *s) {
    const int B = s->B, T = s->T, Hd = s->Hd, G = 4 * Hd;
    float *dh = mem_calloc((size_t)B * Hd, sizeof(float));
    float *dc = mem_calloc((size_t)B * Hd, sizeof(float));
    float *hprev = mem_calloc((size_t)B * T * Hd, sizeof(float));
    for (int t = T - 1; t >= 0; t--) {
        for (int b = 0; b < B; b++) {
            const float *gt = gates + ((int64_t)b * T + t) * G;
            float *dg = dgates + ((int64_t)b * T + t) * G;
            const float *c = cs + ((int64_t)b * T + t) * Hd;
            const float *cp = lstm_prev(cs, c0, first, b, t, s);
            const float *hp = lstm_prev(out, h0, first, b, t, s);
            const float *dy = dout + ((int64_t)b * T + t) * Hd;
            float *dhb = dh + (int64_t)b * Hd, *dcb = dc + (int64_t)b * Hd;
            if (hp) memcpy(hprev + ((int64_t)b * T + t) * Hd, hp, (size_t)Hd * sizeof(float));
            for (int u = 0; u < Hd; u++) {
                float ig = gt[u], fg = gt[Hd + u], gg = gt[2 * Hd + u], og = gt[3 * Hd + u];
                float tc = tanhf(c[u]);
                float dhu = dy[u] + dhb[u];
                float dcu = dcb[u] + dhu * og * (1.0f - tc * tc);
                dg[u] = dcu * gg * ig * (1.0f - ig);
                dg[Hd + u] = dcu * (cp ? cp[u] : 0.0f) * fg * (1.0f - fg);
                dg[2 * Hd + u] = dcu * ig * (1.0f - gg * gg);
                dg[3 * Hd + u] = dhu * tc * og * (1.0f - og);
                dcb[u] = dcu * fg; /* dc_prev */
            }
        }
        /* dh_prev (B,Hd) = dgates[:, t] (B,G) @ whh (G,Hd) */
        if (B <= NN_LSTM_SMALL_B)
            nn_smallm_gemm(dh, Hd, dgates + (int64_t)t * G, (int64_t)T * G, whh, Hd, B, Hd, G, 0);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, Hd, G, 1.0f,
                        dgates + (int64_t)t * G, T * G, whh, Hd, 0.0f, dh, Hd);
        for (int b = 0; b < B; b++) {
            int reset = first && first[(int64_t)b * T + t];
            float *dhb = dh + (int64_t)b * Hd, *dcb = dc + (int64_t)b * Hd;
            if (reset) {
                memset(dhb, 0, (size_t)Hd * sizeof(float));
                memset(dcb, 0, (size_t)Hd * sizeof(float));
            } else if (t == 0) {
                if (dh0)
                    for (int u = 0; u < Hd; u++) dh0[(int64_t)b * Hd + u] += dhb[u];
                if (dc0)
                    for (int u = 0; u < Hd; u++) dc0[(int64_t)b * Hd + u] += dcb[u];
            }
        }
    }
    const int64_t N = (int64_t)B * T;
    nn_linear_backward(dinp, dwih, dbih, dgates, inp, wih, N, s->In, G);
    if (dwhh) /* dwhh (G,Hd) += dgates^T (G,N) @ hprev (N,Hd) */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, G, Hd, (int)N, 1.0f, dgates, G, hprev,
                    Hd, 1.0f, dwhh, Hd);
    if (dbhh)
        for (int64_t n = 0; n < N; n++)
            for (int g = 0; g < G; g++) dbhh[g] += dgates[n * G + g];
    mem_free(hprev);
    mem_free(dc);
    mem_free(dh);
}

/* ---------------------------------------------------------------- LSTM on the pool */

typedef struct LstmJob {
    NnCtx *ctx;
    const NnLstmShape *s;
    float *out, *gates, *cs, *hT, *cT, *xw, *dinp, *dh0, *dc0, *dgates;
    const float *inp, *h0, *c0, *wih, *whh, *bih, *bhh, *dout;
    const uint8_t *first;
    int nc, backward, want[4]; /* which weight gradients are wanted */
} LstmJob;

#define OFF(ptr, per) ((ptr) ? (ptr) + (int64_t)b0 * (per) : NULL)

static void lstm_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const LstmJob *j = vj;
    const NnLstmShape *s = j->s;
    const int64_t G = 4 * s->Hd, NI = s->In, Hd = s->Hd, T = s->T;
    for (int64_t c = begin; c < end; c++) {
        int b0 = (int)((int64_t)s->B * c / j->nc), b1 = (int)((int64_t)s->B * (c + 1) / j->nc);
        NnLstmShape cs = *s;
        cs.B = b1 - b0;
        const uint8_t *first = j->first ? j->first + (int64_t)b0 * T : NULL;
        if (!j->backward) {
            nn_lstm_forward(OFF(j->out, T * Hd), OFF(j->gates, T * G), OFF(j->cs, T * Hd),
                            OFF(j->hT, Hd), OFF(j->cT, Hd), OFF(j->xw, T * G), OFF(j->inp, T * NI),
                            OFF(j->h0, Hd), OFF(j->c0, Hd), first, j->wih, j->whh, j->bih, j->bhh,
                            &cs);
            continue;
        }
        float *part = j->ctx->scratch[c][1]; /* dwih | dwhh | dbih | dbhh */
        nn_lstm_backward(
            OFF(j->dinp, T * NI), j->want[0] ? part : NULL, j->want[1] ? part + G * NI : NULL,
            j->want[2] ? part + G * (NI + Hd) : NULL, j->want[3] ? part + G * (NI + Hd + 1) : NULL,
            OFF(j->dh0, Hd), OFF(j->dc0, Hd), OFF(j->dgates, T * G), OFF(j->dout, T * Hd),
            OFF(j->out, T * Hd), OFF(j->gates, T * G), OFF(j->cs, T * Hd), OFF(j->inp, T * NI),
            OFF(j->h0, Hd), OFF(j->c0, Hd), first, j->wih, j->whh, &cs);
    }
}

#undef OFF

void nn_lstm_forward_ctx(NnCtx *ctx, float *out, float *gates, float *cs, float *hT, float *cT,
                         float *xw, const float *inp, const float *h0, const float *c0,
                         const uint8_t *first, const float *wih, const float *whh, const float *bih,
                         const float *bhh, const NnLstmShape *s) {
    LstmJob j = {.ctx = ctx,
                 .s = s,
                 .out = out,
                 .gates = gates,
                 .cs = cs,
                 .hT = hT,
                 .cT = cT,
                 .xw = xw,
                 .inp = inp,
                 .h0 = h0,
                 .c0 = c0,
                 .first = first,
                 .wih = wih,
                 .whh = whh,
                 .bih = bih,
                 .bhh = bhh,
                 .nc = nn_ctx_chunks(ctx, s->B)};
    if (j.nc <= 1) {
        nn_lstm_forward(out, gates, cs, hT, cT, xw, inp, h0, c0, first, wih, whh, bih, bhh, s);
        return;
    }
    pool_parallel_for(ctx->pool, j.nc, 1, lstm_chunk, &j);
}

void nn_lstm_backward_ctx(NnCtx *ctx, float *dinp, float *dwih, float *dwhh, float *dbih,
                          float *dbhh, float *dh0, float *dc0, float *dgates, const float *dout,
                          const float *out, const float *gates, const float *cs, const float *inp,
                          const float *h0, const float *c0, const uint8_t *first, const float *wih,
                          const float *whh, const NnLstmShape *s) {
    LstmJob j = {.ctx = ctx,
                 .s = s,
                 .dinp = dinp,
                 .dh0 = dh0,
                 .dc0 = dc0,
                 .dgates = dgates,
                 .dout = dout,
                 .out = (float *)out,
                 .gates = (float *)gates,
                 .cs = (float *)cs,
                 .inp = inp,
                 .h0 = h0,
                 .c0 = c0,
                 .first = first,
                 .wih = wih,
                 .whh = whh,
                 .nc = nn_ctx_chunks(ctx, s->B),
                 .backward = 1,
                 .want = {dwih != NULL, dwhh != NULL, dbih != NULL, dbhh != NULL}};
    if (j.nc <= 1) {
        nn_lstm_backward(dinp, dwih, dwhh, dbih, dbhh, dh0, dc0, dgates, dout, out, gates, cs, inp,
                         h0, c0, first, wih, whh, s);
        return;
    }
    const int64_t G = 4 * s->Hd, np = G * (s->In + s->Hd + 2);
    for (int c = 0; c < j.nc; c++)
        memset(nn_ctx_scratch(ctx, c, 1, np), 0, (size_t)np * sizeof(float));
    pool_parallel_for(ctx->pool, j.nc, 1, lstm_chunk, &j);
    float *dst[4] = {dwih, dwhh, dbih, dbhh};
    const int64_t off[5] = {0, G * s->In, G * (s->In + s->Hd), G * (s->In + s->Hd + 1), np};
    for (int c = 0; c < j.nc; c++) /* chunk order: deterministic */
        for (int k = 0; k < 4; k++)
            if (dst[k])
                for (int64_t i = off[k]; i < off[k + 1]; i++)
                    dst[k][i - off[k]] += ctx->scratch[c][1][i];
}
