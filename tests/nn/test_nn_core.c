/* test_nn_core.c: parameter arenas and views, the activation arena, checkpoints (round trip,
 * exact resume, mismatches named, truncation/corruption fuzz), optimizer utilities, the mu-law
 * quantizer, deterministic threading, and a small model overfitting a fixed batch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "nn/conv_direct.h"
#include "nn/nn.h"
#include "tests/check.h"

typedef struct LogCapture {
    char text[2048];
} LogCapture;

static void capture_sink(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)level;
    (void)tag;
    LogCapture *c = user;
    size_t n = strlen(c->text);
    snprintf(c->text + n, sizeof c->text - n, "%s\n", msg);
}

static void tmp_path(char *buf, size_t n, const char *name) {
    snprintf(buf, n, "%s/tests/nn/%s", VPT_BINARY_DIR, name);
}

static void test_params_arena(void) {
    NnParams p;
    nn_params_init(&p);
    int64_t a[2] = {3, 5}, b[1] = {7};
    int ia = nn_params_add(&p, "a.w", 2, a, 1), ib = nn_params_add(&p, "b.b", 1, b, 0);
    nn_params_alloc(&p);
    CHECK_EQ_INT(nn_params_find(&p, "b.b"), ib);
    CHECK_EQ_INT(nn_params_find(&p, "nope"), -1);
    /* one contiguous allocation per arena; views at the same offsets in each */
    CHECK(nn_param(&p, ia) == p.value && nn_grad(&p, ia) == p.grad);
    CHECK(nn_param(&p, ib) - p.value == nn_grad(&p, ib) - p.grad);
    CHECK(nn_param(&p, ib) >= nn_param(&p, ia) + 15);
    CHECK(((uintptr_t)nn_param(&p, ib) & 63) == 0);
    CHECK(p.total >= 22);
    NnTensor tw = nn_param_tensor(&p, ia), tg = nn_grad_tensor(&p, ib);
    CHECK(tw.data == nn_param(&p, ia) && tw.ndim == 2 && tw.shape[0] == 3 && tw.shape[1] == 5);
    CHECK_EQ_INT(nn_tensor_size(&tw), 15);
    CHECK(tg.data == nn_grad(&p, ib) && tg.ndim == 1 && tg.shape[0] == 7);
    nn_params_fill(&p, ib, 2.5f);
    CHECK(nn_param(&p, ib)[6] == 2.5f && nn_param(&p, ia)[14] == 0.0f);
    nn_params_deinit(&p);
}

static void test_activation_arena(void) {
    NnArena ar;
    nn_arena_init(&ar, 100);
    float *base = ar.base;
    float *x = nn_arena_alloc(&ar, 40);
    x[39] = 1.0f;
    float *y = nn_arena_alloc(&ar, 40);
    CHECK(y >= x + 40 && ((uintptr_t)y & 63) == 0);
    float *z = nn_arena_alloc(&ar, 500); /* over capacity: a side block, still usable */
    z[499] = 3.0f;
    CHECK(z[0] == 0.0f);
    nn_arena_reset(&ar); /* grows to the peak: the next step fits in one block */
    CHECK(ar.cap >= ar.peak && ar.n_extra == 0);
    float *x2 = nn_arena_alloc(&ar, 40);
    CHECK(x2 == ar.base && x2[39] == 0.0f); /* reset, and allocations come back zeroed */
    nn_arena_alloc(&ar, 40);
    nn_arena_alloc(&ar, 500);
    CHECK_EQ_INT(ar.n_extra, 0);
    float *keep = ar.base;
    nn_arena_reset(&ar);
    CHECK(ar.base == keep); /* steady state: reset does not free or move */
    (void)base;
    nn_arena_deinit(&ar);
}

static NnRefConfig tiny_cfg(int att) {
    NnRefConfig c = {12, 12, 3, 2, {4, 6}, 16, 16, att, 2, 4, 3, 5, 4};
    return c;
}

static void make_batch(float *frames, int32_t *t1, int32_t *t2, int n_frames, int frame_size,
                       uint64_t seed) {
    Rng r = rng_stream(seed, 0);
    for (int64_t i = 0; i < (int64_t)n_frames * frame_size; i++) frames[i] = rng_float(&r);
    for (int i = 0; i < n_frames; i++) {
        t1[i] = (int32_t)rng_below(&r, 5);
        t2[i] = (int32_t)rng_below(&r, 4);
    }
}

/* Trains `steps` steps from the model's current state; returns the last loss. */
static double train(NnRefModel *m, NnCtx *ctx, const float *frames, const int32_t *t1,
                    const int32_t *t2, int B, int T, int steps, float lr) {
    NnArena ar;
    nn_arena_init(&ar, 1 << 14);
    NnAdamW opt = NN_ADAMW_DEFAULT;
    double loss = 0;
    for (int s = 0; s < steps; s++) {
        nn_arena_reset(&ar);
        loss = nn_ref_train_step(m, ctx, &ar, frames, t1, t2, B, T);
        nn_clip_grad_norm(&m->params, 5.0);
        nn_adamw_step(&m->params, &opt, lr);
    }
    nn_arena_deinit(&ar);
    return loss;
}

static void test_checkpoint_resume_exact(void) {
    const int B = 2, T = 3, N = B * T;
    NnRefConfig cfg = tiny_cfg(0);
    float *frames = mem_calloc((size_t)N * 12 * 12 * 3, 4);
    int32_t t1[6], t2[6];
    make_batch(frames, t1, t2, N, 12 * 12 * 3, 5);
    NnRefModel a, b;
    nn_ref_init(&a, &cfg, 3);
    train(&a, NULL, frames, t1, t2, B, T, 3, 1e-3f);
    char path[512];
    tmp_path(path, sizeof path, "resume.safetensors");
    char *cj = nn_ref_config_json(&cfg);
    CHECK(nn_checkpoint_save(path, &a.params, cj, 1) == STATUS_OK);
    nn_ref_init(&b, &cfg, 999); /* different init: everything must come from the file */
    char *cfg_back = NULL;
    CHECK(nn_checkpoint_load(path, &b.params, 1, &cfg_back) == STATUS_OK);
    CHECK_STR_EQ(cfg_back, cj);
    CHECK_EQ_INT(b.params.step, 3);
    double la = train(&a, NULL, frames, t1, t2, B, T, 3, 1e-3f);
    double lb = train(&b, NULL, frames, t1, t2, B, T, 3, 1e-3f);
    CHECK(la == lb);
    CHECK(memcmp(a.params.value, b.params.value, (size_t)a.params.total * 4) == 0);
    CHECK(memcmp(a.params.opt, b.params.opt, (size_t)a.params.total * 8) == 0);
    mem_free(cfg_back);
    mem_free(cj);
    nn_ref_deinit(&a);
    nn_ref_deinit(&b);
    mem_free(frames);
}

static void test_checkpoint_mismatch_named(void) {
    NnParams p, q;
    nn_params_init(&p);
    nn_params_init(&q);
    int64_t s1[2] = {4, 3}, s2[1] = {4}, s3[2] = {4, 2};
    nn_params_add(&p, "enc.w", 2, s1, 1);
    nn_params_add(&p, "enc.b", 1, s2, 0);
    nn_params_alloc(&p);
    nn_params_add(&q, "enc.w", 2, s3, 1);
    nn_params_add(&q, "enc.b", 1, s2, 0);
    nn_params_alloc(&q);
    char path[512];
    tmp_path(path, sizeof path, "mismatch.safetensors");
    CHECK(nn_checkpoint_save(path, &p, "{}", 0) == STATUS_OK);
    LogCapture cap = {{0}};
    log_set_sink(capture_sink, &cap);
    nn_params_fill(&q, 1, 7.0f);
    CHECK(nn_checkpoint_load(path, &q, 0, NULL) == STATUS_INVALID_ARGUMENT);
    CHECK_MSG(strstr(cap.text, "'enc.w'") && strstr(cap.text, "[4, 3]"), "log: %s", cap.text);
    CHECK(nn_param(&q, 1)[0] == 7.0f); /* nothing half-loaded */
    cap.text[0] = 0;
    CHECK(nn_checkpoint_load(path, &p, 1, NULL) == STATUS_INVALID_ARGUMENT); /* no optimizer */
    CHECK_MSG(strstr(cap.text, "optim.m.enc.w"), "log: %s", cap.text);
    NnParams r;
    nn_params_init(&r);
    nn_params_add(&r, "enc.w", 2, s1, 1);
    nn_params_alloc(&r);
    cap.text[0] = 0;
    CHECK(nn_checkpoint_load(path, &r, 0, NULL) == STATUS_INVALID_ARGUMENT); /* extra tensor */
    CHECK_MSG(strstr(cap.text, "enc.b"), "log: %s", cap.text);
    cap.text[0] = 0;
    tmp_path(path, sizeof path, "does-not-exist.safetensors");
    CHECK(nn_checkpoint_load(path, &p, 0, NULL) != STATUS_OK);
    CHECK_MSG(strstr(cap.text, "does-not-exist"), "log: %s", cap.text);
    tmp_path(path, sizeof path, "no-such-dir/ckpt.safetensors"); /* unwritable: error, no file */
    CHECK(nn_checkpoint_save(path, &p, "{}", 1) != STATUS_OK);
    CHECK(!fs_exists(path));
    log_set_sink(NULL, NULL);
    nn_params_deinit(&p);
    nn_params_deinit(&q);
    nn_params_deinit(&r);
}

static void test_safetensors_fuzz(void) {
    /* a valid file with metadata and three tensors */
    float a[6] = {1, 2, 3, 4, 5, 6}, b[2] = {7, 8}, c[1] = {9};
    int64_t sa[2] = {2, 3}, sb[1] = {2}, sc[3] = {1, 1, 1};
    NnStWriter *w = nn_st_writer_create();
    nn_st_writer_add(w, "a", a, 2, sa);
    nn_st_writer_add(w, "b", b, 1, sb);
    nn_st_writer_add(w, "c.scalar", c, 3, sc);
    nn_st_writer_meta(w, "config", "{\"x\": 1}");
    char path[512];
    tmp_path(path, sizeof path, "fuzz.safetensors");
    CHECK(nn_st_writer_save(w, path) == STATUS_OK);
    nn_st_writer_destroy(w);
    char *orig = NULL;
    size_t len = 0;
    CHECK(fs_read_file(path, &orig, &len) == STATUS_OK);
    NnStFile f;
    CHECK(nn_st_load(path, &f) == STATUS_OK);
    CHECK_EQ_INT(f.count, 3);
    CHECK(nn_st_find(&f, "b") && nn_st_find(&f, "b")->data[1] == 8.0f);
    CHECK_STR_EQ(nn_st_meta(&f, "config"), "{\"x\": 1}");
    nn_st_free(&f);
    LogLevel lvl = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    int truncated_ok = 0, flips_ok = 0, flips = 0;
    for (size_t n = 0; n < len; n++) { /* every truncation is an error, never a crash */
        char *buf = mem_alloc(n + 1);
        memcpy(buf, orig, n);
        truncated_ok += nn_st_parse("trunc", buf, n, &f) == STATUS_OK;
        nn_st_free(&f);
    }
    Rng r = rng_stream(42, 0);
    for (int it = 0; it < 4000; it++) { /* random byte flips: parse or refuse, never crash */
        char *buf = mem_alloc(len + 1);
        memcpy(buf, orig, len);
        int nflip = 1 + (int)rng_below(&r, 3);
        for (int k = 0; k < nflip; k++)
            buf[rng_below(&r, (uint32_t)len)] ^= (char)(1 + rng_below(&r, 255));
        flips++;
        if (nn_st_parse("flip", buf, len, &f) == STATUS_OK) {
            flips_ok++;
            for (int e = 0; e < f.count; e++) /* every view must be readable */
                for (int64_t i = 0; i < f.entries[e].size; i++) (void)f.entries[e].data[i];
        }
        nn_st_free(&f);
    }
    log_set_level(lvl);
    CHECK_EQ_INT(truncated_ok, 0);
    CHECK(flips_ok < flips);
    fprintf(stderr, "  fuzz: %zu truncations refused, %d/%d flipped files still parse\n", len,
            flips_ok, flips);
    mem_free(orig);
}

static void test_safetensors_bad_fields(void) {
    const char *bad[] = {
        "{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1],\"data_offsets\":[0,4]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        "{\"__metadata__\":{\"step\":3}}",
        "[1,2]",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}",
    };
    const char *field[] = {"dtype F16",         "data_offsets", "data_offsets",
                           "data_offsets",      "shape",        "overlap",
                           "__metadata__.step", "JSON object",  "data_offsets"};
    LogCapture cap;
    log_set_sink(capture_sink, &cap);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t hl = strlen(bad[i]), len = 8 + hl + 4;
        char *buf = mem_calloc(len, 1);
        for (int k = 0; k < 8; k++) buf[k] = (char)((uint64_t)hl >> (8 * k));
        memcpy(buf + 8, bad[i], hl);
        NnStFile f;
        cap.text[0] = 0;
        CHECK_MSG(nn_st_parse("bad.safetensors", buf, len, &f) == STATUS_PARSE, "case %zu", i);
        CHECK_MSG(strstr(cap.text, "bad.safetensors") && strstr(cap.text, field[i]),
                  "case %zu: log '%s' should name '%s'", i, cap.text, field[i]);
    }
    log_set_sink(NULL, NULL);
}

#include "tests/nn/test_nn_core_more.h"

int main(void) {
    pool_blas_threads_set(1);
    TEST_RUN(test_params_arena);
    TEST_RUN(test_activation_arena);
    TEST_RUN(test_checkpoint_resume_exact);
    TEST_RUN(test_checkpoint_mismatch_named);
    TEST_RUN(test_safetensors_fuzz);
    TEST_RUN(test_safetensors_bad_fields);
    TEST_RUN(test_optim_utils);
    TEST_RUN(test_mulaw_props);
    TEST_RUN(test_threads_deterministic);
    TEST_RUN(test_impala_mixed_contexts);
    TEST_RUN(test_impala_infer_and_dinp);
    TEST_RUN(test_adamw_pooled);
    TEST_RUN(test_smallm_gemm);
    TEST_RUN(test_conv_relu_fused);
    TEST_RUN(test_overfit_fixed_batch);
    return check_finish();
}
