/* golden.h: helpers for comparing nn/ against the PyTorch fixtures in tests/data/nn/
 * (written by tools/ref/gen_golden.py). Header-only because check.h's counters are per
 * translation unit. */
#ifndef TESTS_NN_GOLDEN_H
#define TESTS_NN_GOLDEN_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/nn.h"
#include "tests/check.h"

static NnStFile g_fix; /* the fixture being checked (one at a time) */

static int fix_open(const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/nn/%s.safetensors", VPT_SOURCE_DIR, name);
    Status st = nn_st_load(path, &g_fix);
    CHECK_MSG(st == STATUS_OK, "cannot load fixture %s", path);
    return st == STATUS_OK;
}

static const float *fix_get(const char *name, int64_t expect_size) {
    const NnStEntry *e = nn_st_find(&g_fix, name);
    CHECK_MSG(e != NULL, "%s: tensor '%s' missing", g_fix.path, name);
    if (!e) return NULL;
    CHECK_MSG(expect_size < 0 || e->size == expect_size, "%s: '%s' has %lld values, expected %lld",
              g_fix.path, name, (long long)e->size, (long long)expect_size);
    return e->data;
}

static int fix_meta_int(const char *key) {
    const char *s = nn_st_meta(&g_fix, key);
    CHECK_MSG(s != NULL, "%s: metadata '%s' missing", g_fix.path, key);
    return s ? atoi(s) : 0;
}

/* max |got - want| / (atol + rtol |want|) must be <= 1. Returns the worst absolute error. */
static double fix_compare(const char *what, const float *got, const char *want_name, int64_t n,
                          double atol, double rtol) {
    const float *want = fix_get(want_name, n);
    if (!want) return INFINITY;
    double worst = 0.0, worst_ratio = 0.0;
    int64_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - want[i]);
        double ratio = d == 0.0 ? 0.0 : d / (atol + rtol * fabs(want[i]));
        if (!(ratio <= worst_ratio)) {
            worst_ratio = ratio;
            at = i;
        }
        if (d > worst) worst = d;
    }
    fprintf(stderr, "  golden %-20s %-16s max abs err %.2e (atol %.0e rtol %.0e)\n",
            g_fix.path + (strlen(g_fix.path) > 40 ? strlen(g_fix.path) - 40 : 0), what, worst, atol,
            rtol);
    CHECK_MSG(worst_ratio <= 1.0, "%s: %s[%lld] = %.8g, PyTorch %.8g (atol %g, rtol %g)",
              g_fix.path, what, (long long)at, (double)got[at], (double)want[at], atol, rtol);
    return worst;
}

#endif
