/* test_bc.c: the BC policy (agent/bc.h): the joint action encoding round trip over every class,
 * the model overfitting a tiny fixed batch, null-action frames left out of the loss, the
 * "bc:CKPT" agent (valid actions, deterministic for a seed, different for another) and clear
 * failures for missing or corrupt checkpoints. Small models keep it fast under ASan. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/bc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/rng.h"
#include "idm/idm.h"
#include "sim/env.h"
#include "tests/check.h"
#include "tests/video/util.h"

static char tmp[512];

static void small_config(BcConfig *c) {
    bc_config_default(c);
    c->frame_h = c->frame_w = 16;
    c->n_stacks = 2;
    c->widths[0] = 4, c->widths[1] = 8;
    c->dense = 16, c->hidden = 16;
}

static void test_encoding_round_trip(void) {
    CHECK_EQ_INT(BC_N_BUTTON_CLASSES, 10 * 3 * 3 * 3 * 2 * 2 * 2 * 2 * 2 + 1);
    CHECK_EQ_INT(BC_N_CAMERA_CLASSES, 121);
    int bad = 0, cam_on = 0;
    for (int c = 0; c < BC_N_BUTTON_CLASSES; c++) {
        const int on = bc_class_camera_on(c);
        cam_on += on;
        for (int k = 0; k < BC_N_CAMERA_CLASSES; k++) {
            if (on ? k == BC_CAMERA_NULL_CLASS : k != BC_CAMERA_NULL_CLASS) continue;
            Action a;
            bc_decode(&a, c, k);
            BcTarget t;
            bc_encode(&t, &a);
            if (t.buttons != c || t.camera != k) bad++;
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(cam_on, 4320);
    /* The null action is class 0 with a null camera; it decodes to the null action. */
    Action null_a;
    memset(&null_a, 0, sizeof null_a);
    BcTarget t;
    bc_encode(&t, &null_a);
    CHECK_EQ_INT(t.buttons, 0);
    CHECK_EQ_INT(t.camera, BC_CAMERA_NULL_CLASS);
    Action d;
    bc_decode(&d, 0, BC_CAMERA_NULL_CLASS);
    CHECK(action_is_null(&d));
    /* Opposite keys cancel; inventory is exclusive; the camera sets camera-on. */
    Action a;
    memset(&a, 0, sizeof a);
    action_key_set(&a, KEY_FORWARD, 1);
    action_key_set(&a, KEY_BACK, 1);
    action_key_set(&a, KEY_ATTACK, 1);
    bc_encode(&t, &a);
    bc_decode(&d, t.buttons, t.camera);
    CHECK(!action_key_down(&d, KEY_FORWARD) && !action_key_down(&d, KEY_BACK));
    CHECK(action_key_down(&d, KEY_ATTACK));
    CHECK(!bc_class_camera_on(t.buttons));
    action_key_set(&a, KEY_INVENTORY, 1);
    a.mouse_dx = 30;
    bc_encode(&t, &a);
    CHECK_EQ_INT(t.buttons, BC_INVENTORY_CLASS);
    CHECK(!bc_class_camera_on(t.buttons));
    memset(&a, 0, sizeof a);
    a.mouse_dx = 20; /* 3 degrees right -> yaw bin 7 */
    bc_encode(&t, &a);
    CHECK(bc_class_camera_on(t.buttons));
    CHECK_EQ_INT(t.camera, 5 * 11 + idm_camera_bin(3.0f));
    char label[24];
    bc_class_label(t.buttons, label, sizeof label);
    CHECK_STR_EQ(label, "cam");
    bc_class_label(0, label, sizeof label);
    CHECK_STR_EQ(label, "null");
}

/* Frames and targets of a fixed tiny batch. */
static void fixed_batch(float *frames, BcTarget *tg, int n, int px, uint64_t seed) {
    Rng rng;
    rng_seed(&rng, seed);
    for (int64_t i = 0; i < (int64_t)n * px; i++) frames[i] = rng_float(&rng);
    for (int i = 0; i < n; i++) {
        tg[i].buttons = (int32_t)rng_below(&rng, BC_N_BUTTON_CLASSES);
        tg[i].camera = (int32_t)rng_below(&rng, BC_N_CAMERA_CLASSES);
    }
}

static void test_overfit(void) {
    BcConfig cfg;
    small_config(&cfg);
    cfg.dense = cfg.hidden = 64;
    BcModel m;
    bc_model_init(&m, &cfg, 3);
    enum { B = 2, T = 4 };
    const int px = 16 * 16 * 3;
    float *frames = malloc(sizeof(float) * B * T * px);
    BcTarget tg[B * T];
    fixed_batch(frames, tg, B * T, px, 11);
    NnCtx ctx;
    nn_ctx_init(&ctx, NULL);
    NnArena ar;
    nn_arena_init(&ar, 1 << 16);
    /* eps 1e-5 as in bc_train: with 8641 classes, most rows of the head get gradients near
     * Adam's default eps and would take full-size random steps. */
    NnAdamW opt = NN_ADAMW_DEFAULT;
    opt.weight_decay = 0;
    opt.eps = 1e-5f;
    BcStepStats st, first;
    for (int step = 0; step < 500; step++) {
        nn_arena_reset(&ar);
        bc_train_step(&m, &ctx, &ar, frames, tg, B, T, &st);
        if (step == 0) first = st;
        nn_clip_grad_norm(&m.params, 5.0);
        nn_adamw_step(&m.params, &opt, 1e-2f);
    }
    LOG_INFO("test", "overfit: loss %.4f -> %.4f, acc %lld/%lld", first.loss, st.loss,
             (long long)st.btn_correct, (long long)st.used);
    CHECK(first.loss > 8.0); /* ~ln 8641 + the camera's share at init */
    CHECK_MSG(st.loss < 0.05, "final loss %g", st.loss);
    CHECK_EQ_INT(st.btn_correct, B * T);
    nn_arena_deinit(&ar);
    nn_ctx_deinit(&ctx);
    free(frames);
    bc_model_deinit(&m);
}

/* A window of null frames changes neither the loss nor any gradient: B=2 with the second
 * window all null equals B=1 with the first alone; the loader's null flags become -1. */
static void test_null_frames_excluded(void) {
    Action acts[4];
    memset(acts, 0, sizeof acts);
    action_key_set(&acts[1], KEY_FORWARD, 1);
    action_key_set(&acts[3], KEY_JUMP, 1);
    const uint8_t nul[4] = {1, 0, 1, 0};
    BcTarget t4[4];
    bc_targets_from_window(t4, acts, nul, 4);
    CHECK(t4[0].buttons < 0 && t4[2].buttons < 0 && t4[0].camera < 0);
    CHECK(t4[1].buttons > 0 && t4[3].buttons > 0);

    BcConfig cfg;
    small_config(&cfg);
    BcModel m;
    bc_model_init(&m, &cfg, 5);
    enum { T = 4 };
    const int px = 16 * 16 * 3;
    float frames[2 * T * 16 * 16 * 3];
    BcTarget tg[2 * T];
    fixed_batch(frames, tg, 2 * T, px, 21);
    tg[1].buttons = tg[1].camera = -1; /* one null frame inside the used window */
    for (int t = T; t < 2 * T; t++) tg[t].buttons = tg[t].camera = -1;
    NnCtx ctx;
    nn_ctx_init(&ctx, NULL);
    NnArena ar;
    nn_arena_init(&ar, 1 << 16);
    BcStepStats s1, s2;
    bc_train_step(&m, &ctx, &ar, frames, tg, 1, T, &s1);
    const int64_t n = m.params.total;
    float *g1 = malloc(sizeof(float) * (size_t)n);
    memcpy(g1, m.params.grad, sizeof(float) * (size_t)n);
    nn_arena_reset(&ar);
    bc_train_step(&m, &ctx, &ar, frames, tg, 2, T, &s2);
    CHECK_EQ_INT(s1.used, T - 1);
    CHECK_EQ_INT(s2.used, T - 1);
    CHECK_EQ_INT(s2.frames, 2 * T);
    CHECK_NEAR(s1.loss, s2.loss, 1e-5);
    double maxdiff = 0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs((double)g1[i] - (double)m.params.grad[i]);
        if (d > maxdiff) maxdiff = d;
    }
    CHECK_MSG(maxdiff < 1e-5, "gradients differ by %g", maxdiff);
    /* All null: no loss, no gradient. */
    for (int t = 0; t < T; t++) tg[t].buttons = tg[t].camera = -1;
    nn_arena_reset(&ar);
    bc_train_step(&m, &ctx, &ar, frames, tg, 1, T, &s1);
    CHECK_EQ_INT(s1.used, 0);
    CHECK(s1.loss == 0.0);
    CHECK(nn_grad_norm(&m.params) == 0.0);
    free(g1);
    nn_arena_deinit(&ar);
    nn_ctx_deinit(&ctx);
    bc_model_deinit(&m);
}

static char ckpt[700];

static void save_small_checkpoint(void) {
    BcConfig cfg;
    small_config(&cfg);
    BcModel m;
    bc_model_init(&m, &cfg, 9);
    snprintf(ckpt, sizeof ckpt, "%s/bc.safetensors", tmp);
    BcTrainMeta meta;
    memset(&meta, 0, sizeof meta);
    meta.total_steps = 0;
    CHECK_EQ_INT(bc_model_save(&m, &meta, ckpt, 0), STATUS_OK);
    BcModel back;
    CHECK_EQ_INT(bc_model_load(&back, NULL, ckpt, 0), STATUS_OK);
    CHECK_EQ_INT(back.cfg.frame_w, 16);
    CHECK_EQ_INT(back.cfg.hidden, 16);
    CHECK(back.params.total == m.params.total &&
          memcmp(back.params.value, m.params.value, sizeof(float) * (size_t)m.params.total) == 0);
    bc_model_deinit(&back);
    bc_model_deinit(&m);
}

/* Plays N ticks of the agent in a fresh env; returns the actions (caller frees). */
static Action *play(const char *spec, uint64_t seed, int n, int *valid) {
    char full[800];
    snprintf(full, sizeof full, "bc:%s", spec);
    Agent *ag = agent_create(full, seed);
    CHECK(ag != NULL);
    if (!ag) return NULL;
    CHECK_STR_EQ(agent_kind(ag), "bc");
    WorldPreset preset;
    preset_init_default(&preset);
    Env *env = env_create(&preset, 77);
    preset_deinit(&preset);
    agent_reset(ag, env, seed);
    Action *out = calloc((size_t)n, sizeof *out);
    *valid = 1;
    for (int t = 0; t < n; t++) {
        AgentInfo info;
        agent_act(ag, env, NULL, 0, 0, &out[t], &info);
        BcTarget tg;
        bc_encode(&tg, &out[t]);
        Action again;
        bc_decode(&again, tg.buttons, tg.camera);
        if (memcmp(&again, &out[t], sizeof again) != 0 || !isfinite(out[t].mouse_dx) ||
            info.n_probs != AGENT_INFO_MAX_PROBS || info.probs[0].p < info.probs[1].p ||
            strncmp(info.goal, "bc: ", 4) != 0)
            *valid = 0;
        env_step(env, &out[t]);
    }
    env_destroy(env);
    agent_destroy(ag);
    return out;
}

static void test_agent(void) {
    save_small_checkpoint();
    enum { N = 24 };
    int v1, v2, v3;
    Action *a = play(ckpt, 1, N, &v1), *b = play(ckpt, 1, N, &v2), *c = play(ckpt, 2, N, &v3);
    if (a && b && c) {
        CHECK(v1 && v2 && v3);
        CHECK(memcmp(a, b, sizeof(Action) * N) == 0);
        CHECK(memcmp(a, c, sizeof(Action) * N) != 0);
    }
    free(a);
    free(b);
    free(c);
}

static void test_bad_checkpoints(void) {
    char path[800], spec[900];
    snprintf(spec, sizeof spec, "bc:%s/missing.safetensors", tmp);
    CHECK(agent_create(spec, 1) == NULL);
    CHECK(agent_create("bc:", 1) == NULL);
    snprintf(path, sizeof path, "%s/corrupt.safetensors", tmp);
    CHECK_EQ_INT(fs_write_atomic(path, "garbage!garbage!", 16), STATUS_OK);
    snprintf(spec, sizeof spec, "bc:%s", path);
    CHECK(agent_create(spec, 1) == NULL);
    /* A valid nn checkpoint that is not a BC model (an IDM's). */
    IdmConfig ic;
    idm_config_default(&ic);
    ic.frame_h = ic.frame_w = 16, ic.window = 4, ic.tconv_ch = 2, ic.n_stacks = 1;
    ic.widths[0] = 4, ic.dense = 8, ic.heads = 2, ic.rel = 2;
    IdmModel im;
    idm_model_init(&im, &ic, 1);
    snprintf(path, sizeof path, "%s/idm.safetensors", tmp);
    CHECK_EQ_INT(idm_model_save(&im, NULL, path, 0), STATUS_OK);
    idm_model_deinit(&im);
    BcModel m;
    CHECK_EQ_INT(bc_model_load(&m, NULL, path, 0), STATUS_PARSE);
    snprintf(spec, sizeof spec, "bc:%s", path);
    CHECK(agent_create(spec, 1) == NULL);
}

int main(void) {
    tu_tmpdir(tmp, sizeof tmp, "bc");
    pool_blas_threads_set(1); /* serial: tiny matrices, no spinning BLAS threads */
    TEST_RUN(test_encoding_round_trip);
    TEST_RUN(test_overfit);
    TEST_RUN(test_null_frames_excluded);
    TEST_RUN(test_agent);
    TEST_RUN(test_bad_checkpoints);
    tu_sh("rm -rf '%s'", tmp);
    return check_finish();
}
