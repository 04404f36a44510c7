/* test_nn_golden_more.h: golden checks of the transformer blocks, losses, mu-law bins, AdamW
 * and the two reference models (10 AdamW steps), included by test_nn_golden.c. */

/* Copies every parameter of p from fixture tensors named PREFIX + parameter name. */
static void fix_load_params(NnParams *p, const char *prefix) {
    char name[256];
    for (int i = 0; i < p->count; i++) {
        snprintf(name, sizeof name, "%s%s", prefix, p->info[i].name);
        const float *src = fix_get(name, p->info[i].size);
        if (src) memcpy(nn_param(p, i), src, (size_t)p->info[i].size * sizeof(float));
    }
}

static void block_golden(const char *name, int causal) {
    if (!fix_open(name)) return;
    int B = fix_meta_int("B"), T = fix_meta_int("T"), C = fix_meta_int("C");
    int M = causal ? fix_meta_int("M") : 0;
    NnParams p;
    nn_params_init(&p);
    NnTransformer m;
    nn_transformer_init(&m, &p, "tf", C, fix_meta_int("H"), causal, 8, fix_meta_int("R"));
    nn_params_alloc(&p);
    fix_load_params(&p, "");
    NnStFile mem = {0};
    const float *mk = NULL, *mv = NULL;
    if (M) {
        char path[512];
        snprintf(path, sizeof path, "%s/tests/data/nn/%s_memory.safetensors", VPT_SOURCE_DIR, name);
        CHECK(nn_st_load(path, &mem) == STATUS_OK);
        mk = nn_st_find(&mem, "mem_k") ? nn_st_find(&mem, "mem_k")->data : NULL;
        mv = nn_st_find(&mem, "mem_v") ? nn_st_find(&mem, "mem_v")->data : NULL;
        CHECK(mk && mv);
    }
    NnArena ar;
    nn_arena_init(&ar, 1024);
    NnTransformerActs a;
    const int64_t n = (int64_t)B * T * C;
    const float *x = fix_get("x", n);
    if (x && (!M || (mk && mv))) {
        nn_transformer_forward(NULL, &ar, &a, &m, &p, x, mk, mv, B, T, M);
        fix_compare("y", a.out, "y", n, Y_ATOL, Y_RTOL);
        float *dx = nn_arena_alloc(&ar, n);
        nn_params_zero_grad(&p);
        nn_transformer_backward(NULL, &ar, dx, &m, &p, &a, x, fix_get("dy", n));
        fix_compare("dx", dx, "d_x", n, G_ATOL, G_RTOL);
        char gname[128];
        for (int i = 0; i < p.count; i++) {
            if (!causal && i == m.relbias) continue; /* torch's MHA has no relative bias */
            snprintf(gname, sizeof gname, "d_%s", p.info[i].name);
            fix_compare(p.info[i].name, nn_grad(&p, i), gname, p.info[i].size, G_ATOL, G_RTOL);
        }
    }
    nn_arena_deinit(&ar);
    nn_st_free(&mem);
    nn_params_deinit(&p);
    nn_st_free(&g_fix);
}

static void test_golden_blocks(void) {
    block_golden("block_mha", 0); /* against torch.nn.MultiheadAttention */
    block_golden("block_causal_mem", 1);
}

static void test_golden_losses(void) {
    if (fix_open("xent")) {
        const float *tf = fix_get("targets", 6);
        int32_t t[6];
        for (int i = 0; i < 6; i++) t[i] = tf ? (int32_t)tf[i] : 0;
        float d[30], loss;
        loss = (float)nn_softmax_xent(d, fix_get("logits", 30), t, 6, 5, 1.0f);
        fix_compare("loss", &loss, "loss", 1, 1e-6, 1e-6);
        fix_compare("dlogits", d, "d_logits", 30, 1e-7, 1e-5);
        nn_st_free(&g_fix);
    }
    if (fix_open("bce")) {
        float d[12],
            loss = (float)nn_bce_logits(d, fix_get("logits", 12), fix_get("targets", 12), 12, 1.0f);
        fix_compare("loss", &loss, "loss", 1, 1e-6, 1e-6);
        fix_compare("dlogits", d, "d_logits", 12, 1e-7, 1e-5);
        nn_st_free(&g_fix);
    }
    if (fix_open("mse")) {
        float d[12], loss = (float)nn_mse(d, fix_get("pred", 12), fix_get("target", 12), 12, 1.0f);
        fix_compare("loss", &loss, "loss", 1, 1e-6, 1e-6);
        fix_compare("dpred", d, "d_pred", 12, 1e-7, 1e-5);
        nn_st_free(&g_fix);
    }
}

static void test_golden_mulaw(void) {
    if (!fix_open("mulaw")) return;
    const NnMuLaw q = NN_MULAW_VPT_CAMERA;
    const float *x = fix_get("x", 18);
    float bins[18], centres[11];
    for (int i = 0; i < 18 && x; i++) bins[i] = (float)nn_mulaw_encode(q, x[i]);
    for (int b = 0; b < 11; b++) centres[b] = nn_mulaw_decode(q, b);
    fix_compare("bins", bins, "bins", 18, 0, 0);
    fix_compare("centres", centres, "centres", 11, 1e-5, 1e-6);
    /* VPT's documented centres */
    CHECK_NEAR(centres[5], 0.0, 1e-6);
    CHECK_NEAR(centres[6], 0.615, 1e-3);
    CHECK_NEAR(centres[7], 1.609, 1e-3);
    CHECK_NEAR(centres[8], 3.215, 1e-3);
    CHECK_NEAR(centres[9], 5.809, 1e-3);
    CHECK_NEAR(centres[10], 10.0, 1e-5);
    CHECK_NEAR(centres[0], -10.0, 1e-5);
    for (int b = 0; b < 11; b++) CHECK_EQ_INT(nn_mulaw_encode(q, centres[b]), b);
    nn_st_free(&g_fix);
}

static void test_golden_adamw(void) {
    if (!fix_open("adamw")) return;
    NnParams p;
    nn_params_init(&p);
    int64_t s7[1] = {7}, s3[1] = {3};
    int ip = nn_params_add(&p, "p", 1, s7, 1), iq = nn_params_add(&p, "q", 1, s3, 0);
    nn_params_alloc(&p);
    memcpy(nn_param(&p, ip), fix_get("p0", 7), 7 * 4);
    memcpy(nn_param(&p, iq), fix_get("q0", 3), 3 * 4);
    const float *c = fix_get("c", 7);
    NnAdamW cfg = {0.05f, 0.9f, 0.99f, 1e-8f, 0.1f};
    for (int step = 0; step < 10; step++) {
        float *pv = nn_param(&p, ip), *qv = nn_param(&p, iq);
        for (int i = 0; i < 7; i++) nn_grad(&p, ip)[i] = 2.0f * c[i] * pv[i] + 1.0f;
        for (int i = 0; i < 3; i++) nn_grad(&p, iq)[i] = 3.0f * qv[i] * qv[i];
        nn_adamw_step(&p, &cfg, cfg.lr);
    }
    CHECK_EQ_INT(p.step, 10);
    fix_compare("p after 10", nn_param(&p, ip), "p10", 7, 2e-6, 1e-5);
    fix_compare("q after 10", nn_param(&p, iq), "q10", 3, 2e-6, 1e-5);
    nn_params_deinit(&p);
    nn_st_free(&g_fix);
}

static void ref_golden(const char *name) {
    if (!fix_open(name)) return;
    NnRefConfig cfg = {
        fix_meta_int("H"), fix_meta_int("W"), fix_meta_int("C"), 2, {0}, 0, 0, 0, 0, 0, 0, 0, 0};
    const char *w = nn_st_meta(&g_fix, "widths");
    if (w) sscanf(w, "%d,%d", &cfg.widths[0], &cfg.widths[1]);
    cfg.dense = fix_meta_int("dense");
    cfg.hidden = fix_meta_int("hidden");
    cfg.use_attention = fix_meta_int("use_attention");
    cfg.heads = fix_meta_int("heads");
    cfg.mem_len = fix_meta_int("mem_len");
    cfg.R = fix_meta_int("R");
    cfg.n1 = fix_meta_int("n1");
    cfg.n2 = fix_meta_int("n2");
    const int B = fix_meta_int("B"), T = fix_meta_int("T"), N = B * T;
    NnRefModel m;
    nn_ref_init(&m, &cfg, 1);
    NnParams *p = &m.params;
    fix_load_params(p, "init.");
    /* the checkpoint of these initial weights is what tools/ref/check_checkpoint.py loads */
    char path[512], *cj = nn_ref_config_json(&cfg);
    snprintf(path, sizeof path, "%s/tests/nn/ckpt_%s.safetensors", VPT_BINARY_DIR, name);
    CHECK(nn_checkpoint_save(path, p, cj, 0) == STATUS_OK);
    mem_free(cj);
    const float *frames = fix_get("frames", (int64_t)N * cfg.H * cfg.W * cfg.C);
    const float *t1f = fix_get("t1", N), *t2f = fix_get("t2", N);
    int32_t *t1 = mem_calloc((size_t)N, 4), *t2 = mem_calloc((size_t)N, 4);
    for (int i = 0; i < N && t1f && t2f; i++) {
        t1[i] = (int32_t)t1f[i];
        t2[i] = (int32_t)t2f[i];
    }
    NnAdamW opt = {3e-3f, 0.9f, 0.999f, 1e-8f, 0.01f};
    ThreadPool *pool = pool_create(2);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool);
    NnArena ar;
    nn_arena_init(&ar, 1 << 16);
    float losses[10];
    char gname[128];
    for (int step = 0; step < 10 && frames; step++) {
        nn_arena_reset(&ar);
        losses[step] = (float)nn_ref_train_step(&m, &ctx, &ar, frames, t1, t2, B, T);
        if (step == 0)
            for (int i = 0; i < p->count; i++) {
                snprintf(gname, sizeof gname, "grad0.%s", p->info[i].name);
                fix_compare(gname, nn_grad(p, i), gname, p->info[i].size, 1e-5, 2e-3);
            }
        nn_adamw_step(p, &opt, opt.lr);
    }
    fix_compare("10 AdamW losses", losses, "losses", 10, 0, 2e-5);
    for (int i = 0; i < p->count; i++) {
        snprintf(gname, sizeof gname, "final.%s", p->info[i].name);
        if (cfg.use_attention && i == m.tf.bqkv) {
            /* The key bias has an exactly-zero true gradient (it shifts every logit of a row
             * equally), so Adam turns its rounding noise into +-lr steps on either side:
             * compare the query and value parts only. */
            const int C = cfg.dense;
            const float *want = fix_get(gname, 3 * C), *got = nn_param(p, i);
            for (int j = 0; j < 3 * C && want; j++)
                if (j < C || j >= 2 * C)
                    CHECK_MSG(fabs(got[j] - want[j]) <= 3e-4, "%s[%d] %g vs %g", gname, j,
                              (double)got[j], (double)want[j]);
            continue;
        }
        fix_compare(gname, nn_param(p, i), gname, p->info[i].size, 3e-4, 0);
    }
    nn_arena_deinit(&ar);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    mem_free(t1);
    mem_free(t2);
    nn_ref_deinit(&m);
    nn_st_free(&g_fix);
}

static void test_golden_ref_lstm(void) { ref_golden("ref_lstm"); }
static void test_golden_ref_attn(void) { ref_golden("ref_attn"); }
