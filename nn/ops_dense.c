/* ops_dense.c: element-wise and dense kernels (linear, activations, layer norm, embedding),
 * the losses and the mu-law quantizer. Backward kernels accumulate into their gradients;
 * loss functions overwrite their logit gradients (they start the backward pass). */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "core/log.h"
#include "nn/nn.h"

void nn_linear_forward(float *out, const float *inp, const float *w, const float *b, int64_t N,
                       int In, int O) {
    if (N == 0) return;
    float beta = 0.0f;
    if (b) {
        for (int64_t n = 0; n < N; n++) memcpy(out + n * O, b, (size_t)O * sizeof(float));
        beta = 1.0f;
    }
    /* out (N,O) = inp (N,I) @ w^T */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, O, In, 1.0f, inp, In, w, In, beta,
                out, O);
}

void nn_linear_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, int64_t N, int In, int O) {
    if (N == 0) return;
    if (dinp) /* dinp (N,I) += dout (N,O) @ w (O,I) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, In, O, 1.0f, dout, O, w, In,
                    1.0f, dinp, In);
    if (dw) /* dw (O,I) += dout^T (O,N) @ inp (N,I) */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, In, (int)N, 1.0f, dout, O, inp, In,
                    1.0f, dw, In);
    if (db)
        for (int64_t n = 0; n < N; n++)
            for (int o = 0; o < O; o++) db[o] += dout[n * O + o];
}

typedef struct LinearJob {
    NnCtx *ctx;
    float *out, *dinp, *dw, *db;
    const float *inp, *w, *b, *dout;
    int64_t N;
    int In, O, nc;
} LinearJob;

static void linear_rows(const LinearJob *j, int64_t c, int64_t *n0, int64_t *n1) {
    *n0 = j->N * c / j->nc;
    *n1 = j->N * (c + 1) / j->nc;
}

static void linear_forward_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const LinearJob *j = vj;
    for (int64_t c = begin; c < end; c++) {
        int64_t n0, n1;
        linear_rows(j, c, &n0, &n1);
        nn_linear_forward(j->out + n0 * j->O, j->inp + n0 * j->In, j->w, j->b, n1 - n0, j->In,
                          j->O);
    }
}

void nn_linear_forward_ctx(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                           int64_t N, int In, int O) {
    LinearJob j = {.ctx = ctx,
                   .out = out,
                   .inp = inp,
                   .w = w,
                   .b = b,
                   .N = N,
                   .In = In,
                   .O = O,
                   .nc = nn_ctx_chunks(ctx, N)};
    if (j.nc <= 1) {
        nn_linear_forward(out, inp, w, b, N, In, O);
        return;
    }
    pool_parallel_for(ctx->pool, j.nc, 1, linear_forward_chunk, &j);
}

static void linear_backward_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const LinearJob *j = vj;
    for (int64_t c = begin; c < end; c++) {
        int64_t n0, n1;
        linear_rows(j, c, &n0, &n1);
        float *part = j->ctx->scratch[c][1]; /* (O*In + O), zeroed by the caller */
        nn_linear_backward(j->dinp ? j->dinp + n0 * j->In : NULL, j->dw ? part : NULL,
                           j->db ? part + (int64_t)j->O * j->In : NULL, j->dout + n0 * j->O,
                           j->inp + n0 * j->In, j->w, n1 - n0, j->In, j->O);
    }
}

void nn_linear_backward_ctx(NnCtx *ctx, float *dinp, float *dw, float *db, const float *dout,
                            const float *inp, const float *w, int64_t N, int In, int O) {
    LinearJob j = {.ctx = ctx,
                   .dinp = dinp,
                   .dw = dw,
                   .db = db,
                   .dout = dout,
                   .inp = inp,
                   .w = w,
                   .N = N,
                   .In = In,
                   .O = O,
                   .nc = nn_ctx_chunks(ctx, N)};
    if (j.nc <= 1) {
        nn_linear_backward(dinp, dw, db, dout, inp, w, N, In, O);
        return;
    }
    const int64_t np = (int64_t)O * In + O;
    for (int c = 0; c < j.nc; c++)
        memset(nn_ctx_scratch(ctx, c, 1, np), 0, (size_t)np * sizeof(float));
    pool_parallel_for(ctx->pool, j.nc, 1, linear_backward_chunk, &j);
    for (int c = 0; c < j.nc; c++) { /* chunk order: deterministic */
        const float *part = ctx->scratch[c][1];
        if (dw)
            for (int64_t i = 0; i < (int64_t)O * In; i++) dw[i] += part[i];
        if (db)
            for (int o = 0; o < O; o++) db[o] += part[(int64_t)O * In + o];
    }
}

void nn_relu_forward(float *out, const float *inp, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

void nn_relu_backward(float *dinp, const float *dout, const float *out, int64_t n) {
    /* branch-free so it vectorizes: the signs are data, a branch mispredicts half the time */
    for (int64_t i = 0; i < n; i++) dinp[i] += out[i] > 0.0f ? dout[i] : 0.0f;
}

void nn_gelu_forward(float *out, const float *inp, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        float x = inp[i];
        out[i] = 0.5f * x * (1.0f + erff(x * (float)M_SQRT1_2));
    }
}

void nn_gelu_backward(float *dinp, const float *dout, const float *inp, int64_t n) {
    const float inv_sqrt_2pi = 0.3989422804014327f;
    for (int64_t i = 0; i < n; i++) {
        float x = inp[i];
        float cdf = 0.5f * (1.0f + erff(x * (float)M_SQRT1_2));
        float pdf = inv_sqrt_2pi * expf(-0.5f * x * x);
        dinp[i] += dout[i] * (cdf + x * pdf);
    }
}

void nn_add_forward(float *out, const float *a, const float *b, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void nn_add_backward(float *da, float *db, const float *dout, int64_t n) {
    if (da)
        for (int64_t i = 0; i < n; i++) da[i] += dout[i];
    if (db)
        for (int64_t i = 0; i < n; i++) db[i] += dout[i];
}

void nn_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                          const float *gamma, const float *beta, int64_t N, int C) {
    const float eps = 1e-5f;
    for (int64_t n = 0; n < N; n++) {
        const float *x = inp + n * C;
        double m = 0.0, v = 0.0;
        for (int c = 0; c < C; c++) m += x[c];
        m /= C;
        for (int c = 0; c < C; c++) v += (x[c] - m) * (x[c] - m);
        v /= C;
        float rs = (float)(1.0 / sqrt(v + eps));
        float *y = out + n * C;
        for (int c = 0; c < C; c++) y[c] = ((x[c] - (float)m) * rs) * gamma[c] + beta[c];
        mean[n] = (float)m;
        rstd[n] = rs;
    }
}

void nn_layernorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout,
                           const float *inp, const float *gamma, const float *mean,
                           const float *rstd, int64_t N, int C) {
    for (int64_t n = 0; n < N; n++) {
        const float *x = inp + n * C, *dy = dout + n * C;
        float m = mean[n], rs = rstd[n];
        double sum_dn = 0.0, sum_dn_xhat = 0.0;
        for (int c = 0; c < C; c++) {
            float xhat = (x[c] - m) * rs;
            float dn = dy[c] * gamma[c];
            sum_dn += dn;
            sum_dn_xhat += dn * xhat;
            if (dgamma) dgamma[c] += dy[c] * xhat;
            if (dbeta) dbeta[c] += dy[c];
        }
        if (!dinp) continue;
        float a = (float)(sum_dn / C), b = (float)(sum_dn_xhat / C);
        float *dx = dinp + n * C;
        for (int c = 0; c < C; c++) {
            float xhat = (x[c] - m) * rs;
            dx[c] += rs * (dy[c] * gamma[c] - a - xhat * b);
        }
    }
}

void nn_log_softmax_forward(float *out, const float *inp, int64_t N, int C) {
    for (int64_t n = 0; n < N; n++) {
        const float *x = inp + n * C;
        float mx = x[0];
        for (int c = 1; c < C; c++) mx = x[c] > mx ? x[c] : mx;
        double sum = 0.0;
        for (int c = 0; c < C; c++) sum += exp((double)(x[c] - mx));
        float lse = mx + (float)log(sum);
        for (int c = 0; c < C; c++) out[n * C + c] = x[c] - lse;
    }
}

void nn_log_softmax_backward(float *dinp, const float *dout, const float *out, int64_t N, int C) {
    for (int64_t n = 0; n < N; n++) {
        double sum = 0.0;
        for (int c = 0; c < C; c++) sum += dout[n * C + c];
        for (int c = 0; c < C; c++)
            dinp[n * C + c] += dout[n * C + c] - expf(out[n * C + c]) * (float)sum;
    }
}

void nn_embedding_forward(float *out, const int32_t *idx, const float *table, int64_t N, int V,
                          int D) {
    for (int64_t n = 0; n < N; n++) {
        ASSERT(idx[n] >= 0 && idx[n] < V);
        memcpy(out + n * D, table + (int64_t)idx[n] * D, (size_t)D * sizeof(float));
    }
}

void nn_embedding_backward(float *dtable, const float *dout, const int32_t *idx, int64_t N, int D) {
    for (int64_t n = 0; n < N; n++) {
        float *dt = dtable + (int64_t)idx[n] * D;
        for (int d = 0; d < D; d++) dt[d] += dout[n * D + d];
    }
}

/* ---------------------------------------------------------------- losses */

double nn_softmax_xent(float *dlogits, const float *logits, const int32_t *targets, int64_t N,
                       int C, float scale) {
    int64_t valid = 0;
    for (int64_t n = 0; n < N; n++) valid += targets[n] >= 0;
    double total = 0.0;
    float inv = valid ? scale / (float)valid : 0.0f;
    for (int64_t n = 0; n < N; n++) {
        const float *z = logits + n * C;
        float *dz = dlogits ? dlogits + n * C : NULL;
        if (targets[n] < 0) {
            if (dz) memset(dz, 0, (size_t)C * sizeof(float));
            continue;
        }
        ASSERT(targets[n] < C);
        float mx = z[0];
        for (int c = 1; c < C; c++) mx = z[c] > mx ? z[c] : mx;
        double sum = 0.0;
        for (int c = 0; c < C; c++) sum += exp((double)(z[c] - mx));
        double lse = mx + log(sum);
        total += lse - z[targets[n]];
        if (dz) {
            for (int c = 0; c < C; c++) dz[c] = (float)(exp(z[c] - lse)) * inv;
            dz[targets[n]] -= inv;
        }
    }
    return valid ? total / (double)valid : 0.0;
}

double nn_bce_logits(float *dlogits, const float *logits, const float *targets, int64_t n,
                     float scale) {
    double total = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double x = logits[i], y = targets[i];
        /* stable: max(x,0) - x*y + log(1 + exp(-|x|)) */
        total += (x > 0 ? x : 0) - x * y + log1p(exp(-fabs(x)));
        if (dlogits) {
            double sig = 1.0 / (1.0 + exp(-x));
            dlogits[i] = (float)((sig - y) * scale / (double)n);
        }
    }
    return n ? total / (double)n : 0.0;
}

double nn_mse(float *dpred, const float *pred, const float *target, int64_t n, float scale) {
    double total = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = (double)pred[i] - target[i];
        total += d * d;
        if (dpred) dpred[i] = (float)(2.0 * d * scale / (double)n);
    }
    return n ? total / (double)n : 0.0;
}

/* ---------------------------------------------------------------- mu-law */

int nn_mulaw_encode(NnMuLaw q, float x) {
    ASSERT(q.n_bins >= 2 && q.max_val > 0 && q.mu > 0);
    if (isnan(x)) x = 0.0f;
    if (x > q.max_val) x = q.max_val;
    if (x < -q.max_val) x = -q.max_val;
    double u = x / q.max_val;
    double y = (u < 0 ? -1.0 : 1.0) * log1p(q.mu * fabs(u)) / log1p(q.mu); /* in [-1, 1] */
    double pos = (y + 1.0) * 0.5 * (q.n_bins - 1);
    int bin = (int)floor(pos + 0.5);
    if (bin < 0) bin = 0;
    if (bin > q.n_bins - 1) bin = q.n_bins - 1;
    return bin;
}

float nn_mulaw_decode(NnMuLaw q, int bin) {
    ASSERT(bin >= 0 && bin < q.n_bins);
    double y = 2.0 * bin / (q.n_bins - 1) - 1.0;
    double u = (y < 0 ? -1.0 : 1.0) * (pow(1.0 + q.mu, fabs(y)) - 1.0) / q.mu;
    return (float)(u * q.max_val);
}
