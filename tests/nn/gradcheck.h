/* gradcheck.h: finite-difference gradient checking for nn/ layers.
 *
 * A case names its differentiable buffers (inputs and weights) and gives forward/backward
 * callbacks. The checker draws a fixed random upstream gradient R, takes the scalar
 * L = sum(out * R) accumulated in double, runs backward with dout = R, and compares each
 * sampled analytic derivative with the central difference (L(x+eps) - L(x-eps)) / 2eps.
 * The error measure per buffer is ||analytic - numeric|| / max(||analytic||, ||numeric||, 1e-3)
 * over the sampled entries, which must stay below the case's tolerance. */
#ifndef TESTS_NN_GRADCHECK_H
#define TESTS_NN_GRADCHECK_H

#include <stdint.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "tests/check.h"

#define GC_MAX_BUFS 48

typedef struct GcCase GcCase;
struct GcCase {
    const char *name;
    int n_bufs;
    const char *buf_name[GC_MAX_BUFS];
    float *buf[GC_MAX_BUFS];
    float *grad[GC_MAX_BUFS]; /* zeroed by the checker before each backward */
    int64_t len[GC_MAX_BUFS];
    int64_t out_len;
    void (*forward)(GcCase *c, float *out);
    void (*backward)(GcCase *c, const float *dout);
    void *user;
    float eps, tol;
    const char *loose_buf; /* optional: this buffer is checked at 10x tol (see the case) */
    int max_samples;       /* per buffer; 0 = 24 */
};

static double gc_loss(GcCase *c, float *out, const float *r) {
    c->forward(c, out);
    double s = 0.0;
    for (int64_t i = 0; i < c->out_len; i++) s += (double)out[i] * r[i];
    return s;
}

/* Returns the worst relative error over the buffers; reports each buffer's error on stderr.
 * Records a CHECK failure naming the case and buffer when a buffer exceeds the tolerance.
 * (Header-only: check.h keeps its counters per translation unit.) */
static double gc_run(GcCase *c, Rng *rng) {
    float *out = mem_calloc((size_t)c->out_len, sizeof(float));
    float *r = mem_calloc((size_t)c->out_len, sizeof(float));
    for (int64_t i = 0; i < c->out_len; i++) r[i] = (float)rng_normal(rng);
    c->forward(c, out);
    for (int b = 0; b < c->n_bufs; b++)
        if (c->grad[b]) memset(c->grad[b], 0, (size_t)c->len[b] * sizeof(float));
    c->backward(c, r);
    int samples = c->max_samples ? c->max_samples : 24;
    double worst = 0.0;
    for (int b = 0; b < c->n_bufs; b++) {
        double dn = 0, na = 0, nn = 0;
        int n = c->len[b] < samples ? (int)c->len[b] : samples;
        for (int s = 0; s < n; s++) {
            int64_t i = c->len[b] <= samples ? s : (int64_t)rng_below(rng, (uint32_t)c->len[b]);
            float keep = c->buf[b][i];
            c->buf[b][i] = keep + c->eps;
            double lp = gc_loss(c, out, r);
            c->buf[b][i] = keep - c->eps;
            double lm = gc_loss(c, out, r);
            c->buf[b][i] = keep;
            double num = (lp - lm) / (2.0 * c->eps), ana = c->grad[b][i];
            if (getenv("GC_VERBOSE"))
                fprintf(stderr, "    %s[%ld] num %.6g ana %.6g\n", c->buf_name[b], (long)i, num,
                        ana);
            dn += (num - ana) * (num - ana);
            na += ana * ana;
            nn += num * num;
        }
        double denom = fmax(fmax(sqrt(na), sqrt(nn)), 1e-3);
        double err = sqrt(dn) / denom;
        fprintf(stderr, "  gradcheck %-24s %-8s rel err %.2e (tol %.0e)\n", c->name, c->buf_name[b],
                err, (double)c->tol);
        double tol =
            c->loose_buf && strcmp(c->loose_buf, c->buf_name[b]) == 0 ? 10.0 * c->tol : c->tol;
        CHECK_MSG(err <= tol, "%s: d/d%s relative error %.3e > %.1e", c->name, c->buf_name[b], err,
                  tol);
        CHECK_MSG(na > 0.0 || nn < 1e-12, "%s: d/d%s analytic gradient is all zero", c->name,
                  c->buf_name[b]);
        if (err > worst) worst = err;
    }
    mem_free(out);
    mem_free(r);
    return worst;
}

#endif
