/* test_nn_core_more.h: optimizer utilities, mu-law properties, thread determinism and the
 * overfitting test, included by test_nn_core.c. */

static void test_optim_utils(void) {
    NnParams p;
    nn_params_init(&p);
    int64_t s[1] = {4};
    int id = nn_params_add(&p, "w", 1, s, 1);
    nn_params_alloc(&p);
    float *g = nn_grad(&p, id);
    g[0] = 3;
    g[1] = 4; /* norm 5 */
    CHECK_NEAR(nn_grad_norm(&p), 5.0, 1e-9);
    CHECK_NEAR(nn_clip_grad_norm(&p, 10.0), 5.0, 1e-9);
    CHECK(g[0] == 3.0f); /* under the limit: untouched */
    CHECK_NEAR(nn_clip_grad_norm(&p, 1.0), 5.0, 1e-9);
    CHECK_NEAR(nn_grad_norm(&p), 1.0, 1e-5);
    CHECK_NEAR(g[0] / g[1], 0.75, 1e-6);
    /* decoupled weight decay: zero gradient, decay only: w *= 1 - lr*wd */
    nn_params_zero_grad(&p);
    nn_params_fill(&p, id, 2.0f);
    NnAdamW cfg = {0.1f, 0.9f, 0.999f, 1e-8f, 0.5f};
    nn_adamw_step(&p, &cfg, 0.1f);
    CHECK_NEAR(nn_param(&p, id)[0], 2.0 * (1 - 0.05), 1e-6);
    nn_params_deinit(&p);
    NnSchedule sc = {NN_SCHED_COSINE, 1.0f, 0.1f, 10, 110};
    CHECK_NEAR(nn_schedule_lr(&sc, 0), 0.1, 1e-6);
    CHECK_NEAR(nn_schedule_lr(&sc, 9), 1.0, 1e-6);
    CHECK_NEAR(nn_schedule_lr(&sc, 10), 1.0, 1e-6);
    CHECK_NEAR(nn_schedule_lr(&sc, 60), 0.55, 1e-5);
    CHECK_NEAR(nn_schedule_lr(&sc, 110), 0.1, 1e-6);
    CHECK_NEAR(nn_schedule_lr(&sc, 500), 0.1, 1e-6);
    sc.kind = NN_SCHED_LINEAR;
    CHECK_NEAR(nn_schedule_lr(&sc, 35), 0.775, 1e-5);
    sc.kind = NN_SCHED_CONSTANT;
    CHECK_NEAR(nn_schedule_lr(&sc, 90), 1.0, 1e-6);
}

static void test_mulaw_props(void) {
    const NnMuLaw q = NN_MULAW_VPT_CAMERA;
    CHECK_EQ_INT(nn_mulaw_encode(q, 0.0f), 5);
    CHECK_EQ_INT(nn_mulaw_encode(q, 1000.0f), 10);
    CHECK_EQ_INT(nn_mulaw_encode(q, -1000.0f), 0);
    int prev = 0;
    for (float x = -12; x <= 12; x += 0.01f) { /* monotone and symmetric */
        int b = nn_mulaw_encode(q, x);
        CHECK(b >= prev);
        prev = b;
        CHECK_EQ_INT(nn_mulaw_encode(q, -x), 10 - b);
    }
}

static void test_threads_deterministic(void) {
    const int B = 3, T = 2, N = B * T;
    NnRefConfig cfg = tiny_cfg(0);
    float *frames = mem_calloc((size_t)N * 12 * 12 * 3, 4);
    int32_t t1[6], t2[6];
    make_batch(frames, t1, t2, N, 12 * 12 * 3, 9);
    NnRefModel a, b;
    nn_ref_init(&a, &cfg, 4);
    nn_ref_init(&b, &cfg, 4);
    ThreadPool *pool = pool_create(3);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    double la = train(&a, &ctx, frames, t1, t2, B, T, 2, 1e-3f);
    double la2 = 0;
    NnRefModel c;
    nn_ref_init(&c, &cfg, 4);
    la2 = train(&c, &ctx, frames, t1, t2, B, T, 2, 1e-3f);
    double lb = train(&b, NULL, frames, t1, t2, B, T, 2, 1e-3f);
    CHECK(la == la2); /* same thread count: bit-identical */
    CHECK(memcmp(a.params.value, c.params.value, (size_t)a.params.total * 4) == 0);
    CHECK_NEAR(la, lb, 1e-5 * fabs(lb)); /* serial vs pooled: same up to summation order */
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
    nn_ref_deinit(&a);
    nn_ref_deinit(&b);
    nn_ref_deinit(&c);
    mem_free(frames);
}

/* Forward on a pooled context, backward serial: same gradients as all-serial (indices saved by
 * the forward are batch-absolute, so the chunking of the two passes may differ). */
static void test_impala_mixed_contexts(void) {
    NnParams p;
    nn_params_init(&p);
    NnImpala m;
    nn_impala_init(&m, &p, "cnn", 12, 10, 3, 2, (int[]){16, 32}, 8);
    nn_params_alloc(&p);
    Rng r = rng_stream(3, 3);
    nn_impala_reset_params(&m, &p, &r);
    const int N = 5;
    float *x = mem_calloc((size_t)N * 12 * 10 * 3, 4), *dout = mem_calloc((size_t)N * 8, 4);
    for (int i = 0; i < N * 12 * 10 * 3; i++) x[i] = rng_float(&r);
    for (int i = 0; i < N * 8; i++) dout[i] = rng_float(&r) - 0.5f;
    float *g[2];
    ThreadPool *pool = pool_create(3);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    for (int k = 0; k < 2; k++) {
        NnArena ar;
        nn_arena_init(&ar, 1024);
        NnImpalaActs a;
        nn_params_zero_grad(&p);
        nn_impala_forward(k ? &ctx : NULL, &ar, &a, &m, &p, x, N);
        nn_impala_backward(NULL, &ar, NULL, &m, &p, &a, x, dout);
        g[k] = mem_alloc((size_t)p.total * 4);
        memcpy(g[k], p.grad, (size_t)p.total * 4);
        nn_arena_deinit(&ar);
    }
    double md = 0;
    for (int64_t i = 0; i < p.total; i++) md = fmax(md, fabs(g[0][i] - g[1][i]));
    CHECK_MSG(md < 1e-5, "max grad difference %g", md);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
    mem_free(g[0]);
    mem_free(g[1]);
    mem_free(x);
    mem_free(dout);
    nn_params_deinit(&p);
}

/* nn_impala_infer gives nn_impala_forward's output (serial and pooled), and the backward's
 * input gradient accumulates (+=) and does not depend on the context; widths mix the direct
 * kernels (16, 32) and the im2col path (8), whose GEMMs may round differently when the images
 * are grouped differently, hence the tolerance. */
static float max_abs_diff(const float *a, const float *b, int n) {
    float m = 0.0f;
    for (int i = 0; i < n; i++) m = fmaxf(m, fabsf(a[i] - b[i]));
    return m;
}

static void test_impala_infer_and_dinp(void) {
    NnParams p;
    nn_params_init(&p);
    NnImpala m;
    nn_impala_init(&m, &p, "cnn", 12, 10, 3, 3, (int[]){16, 8, 32}, 6);
    nn_params_alloc(&p);
    Rng r = rng_stream(3, 4);
    nn_impala_reset_params(&m, &p, &r);
    const int N = 5, nx = N * 12 * 10 * 3;
    float *x = mem_alloc((size_t)nx * 4), *dout = mem_alloc((size_t)N * 6 * 4);
    for (int i = 0; i < nx; i++) x[i] = rng_float(&r) - 0.3f;
    for (int i = 0; i < N * 6; i++) dout[i] = rng_float(&r) - 0.5f;
    ThreadPool *pool = pool_create(3);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    NnArena ar;
    nn_arena_init(&ar, 1024);
    NnImpalaActs a;
    nn_impala_forward(NULL, &ar, &a, &m, &p, x, N);
    float *o1 = mem_alloc((size_t)N * 6 * 4), *o2 = mem_alloc((size_t)N * 6 * 4);
    nn_impala_infer(NULL, &ar, o1, &m, &p, x, N);
    nn_impala_infer(&ctx, &ar, o2, &m, &p, x, N);
    int pos = 0;
    for (int i = 0; i < N * 6; i++) pos += a.out[i] > 0.0f;
    CHECK(pos > 0);
    CHECK(max_abs_diff(o1, a.out, N * 6) < 1e-6f);
    CHECK(max_abs_diff(o2, a.out, N * 6) < 1e-6f);
    float *d[3];
    for (int k = 0; k < 3; k++) { /* serial from 0, pooled from 0, serial from 1 */
        d[k] = mem_alloc((size_t)nx * 4);
        for (int i = 0; i < nx; i++) d[k][i] = k == 2 ? 1.0f : 0.0f;
        nn_impala_backward(k == 1 ? &ctx : NULL, &ar, d[k], &m, &p, &a, x, dout);
    }
    int nz = 0, acc = 1;
    for (int i = 0; i < nx; i++) {
        nz += d[0][i] != 0.0f;
        acc &= d[2][i] == 1.0f + d[0][i];
    }
    CHECK(nz > nx / 2);
    CHECK(max_abs_diff(d[0], d[1], nx) < 1e-6f);
    CHECK(acc);
    for (int k = 0; k < 3; k++) mem_free(d[k]);
    nn_arena_deinit(&ar);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
    mem_free(o1);
    mem_free(o2);
    mem_free(x);
    mem_free(dout);
    nn_params_deinit(&p);
}

/* The pooled AdamW step and gradient zeroing give the serial results bit for bit (the chunk
 * boundaries cut through parameters with and without decay). */
static void test_adamw_pooled(void) {
    NnParams p[2];
    for (int k = 0; k < 2; k++) {
        nn_params_init(&p[k]);
        int64_t a[2] = {37, 11}, b[1] = {5}, c[1] = {301};
        nn_params_add(&p[k], "a.w", 2, a, 1);
        nn_params_add(&p[k], "b.b", 1, b, 0);
        nn_params_add(&p[k], "c.w", 1, c, 1);
        nn_params_alloc(&p[k]);
        Rng r = rng_stream(7, 1);
        for (int64_t i = 0; i < p[k].total; i++) p[k].value[i] = rng_float(&r) - 0.5f;
    }
    ThreadPool *pool = pool_create(3);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    for (int step = 0; step < 3; step++) {
        nn_params_zero_grad_ctx(step == 1 ? &ctx : NULL, &p[0]);
        nn_params_zero_grad_ctx(&ctx, &p[1]);
        Rng r = rng_stream(8, (uint64_t)step);
        for (int64_t i = 0; i < p[0].total; i++) p[0].grad[i] = p[1].grad[i] = rng_float(&r) - 0.5f;
        nn_adamw_step(&p[0], &NN_ADAMW_DEFAULT, 1e-2f);
        nn_adamw_step_ctx(&ctx, &p[1], &NN_ADAMW_DEFAULT, 1e-2f);
    }
    CHECK(memcmp(p[0].value, p[1].value, (size_t)p[0].total * 4) == 0);
    CHECK(memcmp(p[0].opt, p[1].opt, (size_t)p[0].total * 8) == 0);
    CHECK(p[1].step == 3);
    nn_params_zero_grad_ctx(&ctx, &p[1]);
    int nz = 0;
    for (int64_t i = 0; i < p[1].total; i++) nz += p[1].grad[i] != 0.0f;
    CHECK(nz == 0);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
    nn_params_deinit(&p[0]);
    nn_params_deinit(&p[1]);
}

/* The LSTM's small-M product kernel against a double-precision reference: every row count
 * 1..6 (blocks of 4 plus remainders), strided rows, overwrite and accumulate. */
static void test_smallm_gemm(void) {
    const int N = 128, K = 37, lda = 41, ldo = 133;
    Rng r = rng_stream(9, 2);
    float *a = mem_alloc((size_t)6 * lda * 4), *w = mem_alloc((size_t)K * N * 4);
    float *out = mem_alloc((size_t)6 * ldo * 4), *base = mem_alloc((size_t)6 * ldo * 4);
    for (int i = 0; i < 6 * lda; i++) a[i] = rng_float(&r) - 0.5f;
    for (int i = 0; i < K * N; i++) w[i] = rng_float(&r) - 0.5f;
    for (int i = 0; i < 6 * ldo; i++) base[i] = rng_float(&r) - 0.5f;
    double worst = 0;
    for (int M = 1; M <= 6; M++)
        for (int acc = 0; acc < 2; acc++) {
            memcpy(out, base, (size_t)6 * ldo * 4);
            nn_smallm_gemm(out, ldo, a, lda, w, N, M, N, K, acc);
            for (int m = 0; m < 6; m++)
                for (int n = 0; n < N; n++) {
                    double ref = m < M && acc ? base[m * ldo + n] : 0.0;
                    for (int k = 0; k < K && m < M; k++)
                        ref += (double)a[m * lda + k] * w[k * N + n];
                    if (m >= M) ref = base[m * ldo + n]; /* rows past M untouched */
                    worst = fmax(worst, fabs(out[m * ldo + n] - ref));
                }
        }
    CHECK_MSG(worst < 1e-5, "worst error %g", worst);
    mem_free(a);
    mem_free(w);
    mem_free(out);
    mem_free(base);
}

/* The fused conv+ReLU equals conv then ReLU, and the fused conv+residual conv then add, bit for
 * bit, on the direct kernels (16/32 output channels, stride 1 and 2) and on the im2col path (8);
 * the data has negative pre-activations to clip. */
static void test_conv_relu_fused(void) {
    const NnConvShape shapes[] = {
        {3, 9, 11, 3, 16, 3, 3, 1, 1}, {2, 8, 8, 16, 32, 3, 3, 2, 1}, {2, 7, 6, 5, 8, 3, 3, 1, 1}};
    Rng r = rng_stream(5, 1);
    for (int t = 0; t < 3; t++) {
        const NnConvShape *s = &shapes[t];
        int64_t nin = (int64_t)s->N * s->H * s->W * s->C, nw = (int64_t)s->O * 9 * s->C;
        int64_t nout = (int64_t)s->N * nn_conv_out_h(s) * nn_conv_out_w(s) * s->O;
        float *x = mem_alloc((size_t)nin * 4), *w = mem_alloc((size_t)nw * 4);
        float *b = mem_alloc((size_t)s->O * 4), *y = mem_alloc((size_t)nout * 4);
        float *ref = mem_alloc((size_t)nout * 4), *fused = mem_alloc((size_t)nout * 4);
        for (int64_t i = 0; i < nin; i++) x[i] = rng_float(&r) - 0.5f;
        for (int64_t i = 0; i < nw; i++) w[i] = rng_float(&r) - 0.5f;
        for (int o = 0; o < s->O; o++) b[o] = rng_float(&r) - 0.5f;
        nn_conv2d_forward(NULL, y, x, w, b, s);
        nn_relu_forward(ref, y, nout);
        nn_conv2d_forward_relu(NULL, fused, x, w, b, s);
        int64_t neg = 0, diff = 0;
        for (int64_t i = 0; i < nout; i++) {
            neg += y[i] < 0.0f;
            diff += memcmp(&ref[i], &fused[i], 4) != 0;
        }
        CHECK_MSG(neg > 0 && neg < nout, "shape %d: %lld negative of %lld", t, (long long)neg,
                  (long long)nout);
        CHECK_MSG(diff == 0, "shape %d: %lld outputs differ", t, (long long)diff);
        float *res = mem_alloc((size_t)nout * 4);
        for (int64_t i = 0; i < nout; i++) res[i] = rng_float(&r) - 0.5f;
        nn_add_forward(ref, res, y, nout);
        nn_conv2d_forward_add(NULL, fused, x, w, b, res, s);
        diff = 0;
        for (int64_t i = 0; i < nout; i++) diff += memcmp(&ref[i], &fused[i], 4) != 0;
        CHECK_MSG(diff == 0, "shape %d: %lld residual outputs differ", t, (long long)diff);
        mem_free(res);
        mem_free(x);
        mem_free(w);
        mem_free(b);
        mem_free(y);
        mem_free(ref);
        mem_free(fused);
    }
}

static void test_overfit_fixed_batch(void) {
    for (int att = 0; att < 2; att++) {
        const int B = 2, T = 4, N = B * T;
        NnRefConfig cfg = tiny_cfg(att);
        float *frames = mem_calloc((size_t)N * 12 * 12 * 3, 4);
        int32_t t1[8], t2[8];
        make_batch(frames, t1, t2, N, 12 * 12 * 3, 17);
        NnRefModel m;
        nn_ref_init(&m, &cfg, 8);
        double first = train(&m, NULL, frames, t1, t2, B, T, 1, 3e-3f);
        double last = train(&m, NULL, frames, t1, t2, B, T, 400, 1e-2f);
        fprintf(stderr, "  overfit %s: loss %.4f -> %.5f\n", att ? "attention" : "lstm", first,
                last);
        CHECK_MSG(last < 0.02, "%s: loss %.4f after 400 steps (from %.4f)",
                  att ? "attention" : "lstm", last, first);
        nn_ref_deinit(&m);
        mem_free(frames);
    }
}
