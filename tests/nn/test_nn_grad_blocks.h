/* test_nn_grad_blocks.h: gradient checks of the composite blocks (ImpalaCNN, transformer block
 * with memory, the reference model's loss), included by test_nn_grad.c. Every parameter view
 * of the block is its own checked buffer, so a wrong gradient names the parameter. */

typedef struct BlockCase {
    NnParams *p;
    NnImpala *cnn;
    NnTransformer *tf;
    NnRefModel *ref;
    const float *mem_k, *mem_v;
    int N, B, T, M;
    const int32_t *t1, *t2;
    const float *frames;
    NnCtx *ctx;      /* transformer cases: NULL or pooled */
    double baseline; /* loss at the unperturbed point: outputs are loss - baseline, so the
                        float output keeps the digits that the finite difference needs */
    int have_baseline;
} BlockCase;

/* The last buffer is the input; the others are the parameter views. */
static void block_add_params(GcCase *c, NnParams *p) {
    for (int i = 0; i < p->count; i++) {
        int b = c->n_bufs++;
        c->buf_name[b] = p->info[i].name;
        c->buf[b] = nn_param(p, i);
        c->grad[b] = nn_grad(p, i);
        c->len[b] = p->info[i].size;
    }
}

static void impala_run(GcCase *c, float *out, const float *dout) {
    BlockCase *k = c->user;
    NnArena ar;
    nn_arena_init(&ar, 1 << 12);
    NnImpalaActs a;
    const float *x = c->buf[c->n_bufs - 1];
    nn_impala_forward(NULL, &ar, &a, k->cnn, k->p, x, k->N);
    if (out) memcpy(out, a.out, (size_t)c->out_len * sizeof(float));
    if (dout) nn_impala_backward(NULL, &ar, c->grad[c->n_bufs - 1], k->cnn, k->p, &a, x, dout);
    nn_arena_deinit(&ar);
}
static void impala_fwd(GcCase *c, float *out) { impala_run(c, out, NULL); }
static void impala_bwd(GcCase *c, const float *dout) { impala_run(c, NULL, dout); }

static void test_grad_impala(void) {
    Rng r = test_rng();
    NnParams p;
    nn_params_init(&p);
    NnImpala m;
    int widths[2] = {3, 4};
    nn_impala_init(&m, &p, "cnn", 7, 8, 2, 2, widths, 5);
    nn_params_alloc(&p);
    nn_impala_reset_params(&m, &p, &r);
    BlockCase k = {.p = &p, .cnn = &m, .N = 2};
    GcCase c = {.name = "impala",
                .user = &k,
                .forward = impala_fwd,
                .backward = impala_bwd,
                .eps = 5e-4f,
                .tol = 1e-2f,
                .out_len = 2 * 5,
                .max_samples = 12};
    block_add_params(&c, &p);
    int64_t nx = 2 * 7 * 8 * 2;
    gc_add(&c, "x", rnd(&r, nx, 1), nx);
    gc_run(&c, &r);
    CHECK_EQ_INT(m.out_h, 2);
    CHECK_EQ_INT(m.out_w, 2);
    mem_free(c.buf[c.n_bufs - 1]);
    mem_free(c.grad[c.n_bufs - 1]);
    nn_params_deinit(&p);
}

static void tf_run(GcCase *c, float *out, const float *dout) {
    BlockCase *k = c->user;
    NnArena ar;
    nn_arena_init(&ar, 1 << 12);
    NnTransformerActs a;
    const float *x = c->buf[c->n_bufs - 1];
    nn_transformer_forward(k->ctx, &ar, &a, k->tf, k->p, x, k->mem_k, k->mem_v, k->B, k->T, k->M);
    if (out) memcpy(out, a.out, (size_t)c->out_len * sizeof(float));
    if (dout)
        nn_transformer_backward(k->ctx, &ar, c->grad[c->n_bufs - 1], k->tf, k->p, &a, x, dout);
    nn_arena_deinit(&ar);
}
static void tf_fwd(GcCase *c, float *out) { tf_run(c, out, NULL); }
static void tf_bwd(GcCase *c, const float *dout) { tf_run(c, NULL, dout); }

static void tf_case(int causal, int M, const char *name, NnCtx *ctx) {
    Rng r = test_rng();
    NnParams p;
    nn_params_init(&p);
    NnTransformer m;
    const int C = 8, B = 2, T = 3;
    nn_transformer_init(&m, &p, "tf", C, 2, causal, 4, 2);
    nn_params_alloc(&p);
    nn_transformer_reset_params(&m, &p, &r);
    nn_params_fill_uniform(&p, m.relbias, 0.5f, &r);
    nn_params_fill_uniform(&p, m.ln1_b, 0.5f, &r);
    float *mk = M ? rnd(&r, (int64_t)B * M * C, 1) : NULL,
          *mv = M ? rnd(&r, (int64_t)B * M * C, 1) : NULL;
    BlockCase k = {.p = &p, .tf = &m, .B = B, .T = T, .M = M, .mem_k = mk, .mem_v = mv, .ctx = ctx};
    GcCase c = {.name = name,
                .user = &k,
                .forward = tf_fwd,
                .backward = tf_bwd,
                .eps = 1e-2f,
                .tol = 5e-3f,
                .out_len = B * T * C,
                .max_samples = 16};
    block_add_params(&c, &p);
    gc_add(&c, "x", rnd(&r, B * T * C, 1), B * T * C);
    gc_run(&c, &r);
    if (M) { /* the memory window slides: the newest mem_len keys are kept */
        NnArena ar;
        nn_arena_init(&ar, 1024);
        NnTransformerActs a;
        nn_transformer_forward(NULL, &ar, &a, &m, &p, c.buf[c.n_bufs - 1], mk, mv, B, T, M);
        float nk[2 * 4 * 8], nv[2 * 4 * 8];
        int nm = nn_transformer_next_memory(nk, nv, &m, &a);
        CHECK_EQ_INT(nm, 4);
        CHECK(memcmp(nk + 3 * C, a.k + (M + T - 1) * C, C * sizeof(float)) == 0);
        nn_arena_deinit(&ar);
    }
    mem_free(c.buf[c.n_bufs - 1]);
    mem_free(c.grad[c.n_bufs - 1]);
    mem_free(mk);
    mem_free(mv);
    nn_params_deinit(&p);
}

static void test_grad_transformer(void) {
    tf_case(0, 0, "transformer non-causal", NULL);
    tf_case(1, 2, "transformer causal mem", NULL);
    ThreadPool *pool = pool_create(2);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    tf_case(1, 2, "transformer causal pooled", &ctx);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
}

static void ref_fwd(GcCase *c, float *out) {
    BlockCase *k = c->user;
    NnArena ar;
    nn_arena_init(&ar, 1 << 12);
    float *g = mem_alloc((size_t)k->p->total * sizeof(float));
    memcpy(g, k->p->grad, (size_t)k->p->total * sizeof(float)); /* train_step zeroes grads */
    double loss = nn_ref_train_step(k->ref, NULL, &ar, k->frames, k->t1, k->t2, k->B, k->T);
    if (!k->have_baseline) {
        k->baseline = loss;
        k->have_baseline = 1;
    }
    out[0] = (float)(loss - k->baseline);
    memcpy(k->p->grad, g, (size_t)k->p->total * sizeof(float));
    mem_free(g);
    nn_arena_deinit(&ar);
}
static void ref_bwd(GcCase *c, const float *dout) {
    BlockCase *k = c->user;
    NnArena ar;
    nn_arena_init(&ar, 1 << 12);
    nn_ref_train_step(k->ref, NULL, &ar, k->frames, k->t1, k->t2, k->B, k->T);
    for (int64_t i = 0; i < k->p->total; i++) k->p->grad[i] *= dout[0];
    nn_arena_deinit(&ar);
}

static void test_grad_refmodel(void) {
    for (int att = 0; att < 2; att++) {
        Rng r = test_rng();
        NnRefConfig cfg = {8, 8, 3, 1, {4}, 8, 8, att, 2, 4, 3, 5, 3};
        NnRefModel m;
        nn_ref_init(&m, &cfg, 11);
        const int B = 2, T = 3;
        int32_t t1[6] = {0, 4, 2, 1, 3, 3}, t2[6] = {2, 1, 0, 0, 1, 2};
        float *frames = rnd(&r, (int64_t)B * T * 8 * 8 * 3, 1);
        BlockCase k = {
            .p = &m.params, .ref = &m, .B = B, .T = T, .t1 = t1, .t2 = t2, .frames = frames};
        GcCase c = {.name = att ? "refmodel attention" : "refmodel lstm",
                    .user = &k,
                    .forward = ref_fwd,
                    .backward = ref_bwd,
                    .eps = 1e-3f,
                    .tol = 1e-2f,
                    .out_len = 1,
                    .max_samples = 8};
        /* The first conv's loss gradient is ~1e-3 and every ReLU/max-pool of the whole model
         * sits downstream of it, so kinks crossed by the finite difference dominate; it is
         * checked tightly in test_grad_impala and loosely (10x) here. */
        c.loose_buf = "cnn.s0.conv0.w";
        block_add_params(&c, &m.params);
        gc_run(&c, &r);
        mem_free(frames);
        nn_ref_deinit(&m);
    }
}
