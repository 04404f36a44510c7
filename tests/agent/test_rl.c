/* test_rl.c: the RL stage (agent/rl.h): GAE and the PPO clip against hand-computed examples,
 * the KL term (zero at initialisation, gradients against finite differences through the whole
 * network), learning on an easy task on the real Env (walk forward: the reward is the distance
 * gained along +z each tick), the KL coefficient holding the policy near the prior, and
 * --resume continuing bit-identically. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/rl.h"
#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/rng.h"
#include "tests/check.h"

#define NB BC_N_BUTTON_CLASSES
#define NC BC_N_CAMERA_CLASSES

/* ---------------------------------------------------------------- (b) GAE */

static void test_gae_hand_example(void) {
    /* Row 0: rewards 1, 0, 2; values .5, .4, .3; the episode ends with step 1; V(after) = .6;
     * gamma .9, lambda .8:
     *   t=2: delta = 2 + .9*.6 - .3 = 2.24                 -> A = 2.24
     *   t=1: terminal: delta = 0 - .4 = -.4                 -> A = -.4
     *   t=0: delta = 1 + .9*.4 - .5 = .86; A = .86 + .72*(-.4) = .572
     * Row 1: zero rewards and values, V(after) = 1, no end: A = .9 (.72)^k chain. */
    const float rew[6] = {1, 0, 2, 0, 0, 0}, val[6] = {0.5f, 0.4f, 0.3f, 0, 0, 0};
    const uint8_t done[6] = {0, 1, 0, 0, 0, 0};
    const float last[2] = {0.6f, 1.0f};
    float adv[6], ret[6];
    rl_gae(adv, ret, rew, val, done, last, 2, 3, 0.9f, 0.8f);
    const double want[6] = {0.572, -0.4, 2.24, 0.9 * 0.72 * 0.72, 0.9 * 0.72, 0.9};
    for (int i = 0; i < 6; i++) {
        CHECK_NEAR(adv[i], want[i], 1e-6);
        CHECK_NEAR(ret[i], want[i] + val[i], 1e-6);
    }
    /* gamma = lambda = 1, no end: the advantage is the sum of rewards ahead + V(after) - V. */
    rl_gae(adv, ret, rew, val, (const uint8_t[6]){0}, last, 2, 3, 1.0f, 1.0f);
    CHECK_NEAR(adv[0], 1 + 0 + 2 + 0.6 - 0.5, 1e-6);
    CHECK_NEAR(ret[0], 3.6, 1e-6);
}

/* ---------------------------------------------------------------- (c) PPO clip */

static void test_ppo_clip_hand_example(void) {
    double d = 0;
    int cl = 0;
    /* r = 1.5, A = 2: min(3, 1.2*2) = 2.4 from the clipped branch: no gradient. */
    CHECK_NEAR(rl_ppo_surrogate(log(1.5), 2, 0.2, &d, &cl), -2.4, 1e-12);
    CHECK(cl == 1 && d == 0.0);
    /* r = 1.5, A = -2: min(-3, -2.4) = -3 unclipped; d/dlogr of -rA = -A r = 3. */
    CHECK_NEAR(rl_ppo_surrogate(log(1.5), -2, 0.2, &d, &cl), 3.0, 1e-12);
    CHECK(cl == 0);
    CHECK_NEAR(d, 3.0, 1e-12);
    /* r = .5, A = 1: min(.5, .8) = .5 unclipped. */
    CHECK_NEAR(rl_ppo_surrogate(log(0.5), 1, 0.2, &d, &cl), -0.5, 1e-12);
    CHECK(cl == 0);
    CHECK_NEAR(d, -0.5, 1e-12);
    /* r = .5, A = -1: min(-.5, -.8) = -.8 clipped. */
    CHECK_NEAR(rl_ppo_surrogate(log(0.5), -1, 0.2, &d, &cl), 0.8, 1e-12);
    CHECK(cl == 1 && d == 0.0);
    /* Inside the range both branches agree: unclipped, gradient -A r. */
    CHECK_NEAR(rl_ppo_surrogate(log(1.1), 1, 0.2, &d, &cl), -1.1, 1e-12);
    CHECK(cl == 0);
    CHECK_NEAR(d, -1.1, 1e-12);

    /* rl_loss on two samples with uniform heads (log pi = -log 8641 [- log 121 if camera-on]):
     * sample 0: camera-on class 1, ratio 1.5, A = 2 -> clipped, -2.4;
     * sample 1: camera-off class 2, ratio 1, A = -1 -> 1 (unclipped, dlogr = 1).
     * Values 1, 0 against returns 0, 2: v_loss = (0.5 + 2) / 2. Prior = policy: KL 0. */
    float *btn = mem_calloc(2 * NB, sizeof(float)), *cam = mem_calloc(2 * NC, sizeof(float));
    float *pb = mem_alloc(sizeof(float) * 2 * NB), *pc = mem_alloc(sizeof(float) * 2 * NC);
    nn_log_softmax_forward(pb, btn, 2, NB);
    nn_log_softmax_forward(pc, cam, 2, NC);
    const int32_t ab[2] = {1, 2}, ac[2] = {7, BC_CAMERA_NULL_CLASS};
    const double lp0 = -log((double)NB) - log((double)NC), lp1 = -log((double)NB);
    const float lo[2] = {(float)(lp0 - log(1.5)), (float)lp1}, adv[2] = {2, -1};
    const float val[2] = {1, 0}, ret[2] = {0, 2};
    float *db = mem_alloc(sizeof(float) * 2 * NB), *dc = mem_alloc(sizeof(float) * 2 * NC);
    float dv[2];
    RlLossStats st;
    const RlLossCoefs co = {0.2f, 0.5f, 1.0f, 0.0f};
    rl_loss(&st, db, dc, dv, btn, cam, val, ab, ac, lo, adv, ret, pb, pc, 2, &co);
    CHECK_NEAR(st.pg_loss, (-2.4 + 1.0) / 2, 1e-5);
    CHECK_NEAR(st.clip_frac, 0.5, 1e-12);
    CHECK_NEAR(st.v_loss, 1.25, 1e-6);
    CHECK_NEAR(st.kl, 0.0, 1e-9);
    CHECK_NEAR(st.entropy, log((double)NB) + (4320.0 / NB) * log((double)NC), 1e-4);
    CHECK_NEAR(st.loss, st.pg_loss + 0.5 * 1.25, 1e-5);
    CHECK_NEAR(dv[0], 0.5 * (1 - 0) / 2, 1e-7);
    CHECK_NEAR(dv[1], 0.5 * (0 - 2) / 2, 1e-7);
    /* Clipped sample: no policy gradient; unclipped: dlogr/N (onehot - p) = .5 (onehot - 1/8641),
     * nothing on its camera head (camera off). */
    double g0 = 0, g1 = 0;
    for (int j = 0; j < NB; j++) g0 += fabs(db[j]);
    for (int j = 0; j < NC; j++) g0 += fabs(dc[j]) + fabs(dc[NC + j]);
    CHECK_NEAR(g0, 0.0, 1e-7);
    CHECK_NEAR(db[NB + 2], 0.5 * (1 - 1.0 / NB), 1e-6);
    CHECK_NEAR(db[NB + 5], -0.5 / NB, 1e-8);
    for (int j = 0; j < NB; j++) g1 += db[NB + j];
    CHECK_NEAR(g1, 0.0, 1e-5);
    mem_free(btn), mem_free(cam), mem_free(pb), mem_free(pc), mem_free(db), mem_free(dc);
}

/* ---------------------------------------------------------------- (a) KL */

static void small_cfg(BcConfig *c, int size) {
    bc_config_default(c);
    c->frame_h = c->frame_w = size;
    c->n_stacks = 1;
    c->widths[0] = 4;
    c->dense = 8;
    c->hidden = 8;
}

/* Logits-level check of rl_joint_kl's gradient against central differences (double). */
static void test_joint_kl_grad_logits(void) {
    Rng rng;
    rng_seed(&rng, 5);
    float *zb = mem_alloc(sizeof(float) * NB), *zc = mem_alloc(sizeof(float) * NC);
    float *qb = mem_alloc(sizeof(float) * NB), *qc = mem_alloc(sizeof(float) * NC);
    float *lb = mem_alloc(sizeof(float) * NB), *lc = mem_alloc(sizeof(float) * NC);
    float *db = mem_calloc(NB, sizeof(float)), *dc = mem_calloc(NC, sizeof(float));
    for (int j = 0; j < NB; j++) zb[j] = 3.0f * (float)rng_normal(&rng);
    for (int j = 0; j < NC; j++) zc[j] = 2.0f * (float)rng_normal(&rng);
    for (int j = 0; j < NB; j++) lb[j] = 3.0f * (float)rng_normal(&rng);
    for (int j = 0; j < NC; j++) lc[j] = 2.0f * (float)rng_normal(&rng);
    nn_log_softmax_forward(qb, lb, 1, NB);
    nn_log_softmax_forward(qc, lc, 1, NC);
    nn_log_softmax_forward(lb, zb, 1, NB);
    nn_log_softmax_forward(lc, zc, 1, NC);
    const double kl = rl_joint_kl(db, dc, lb, lc, qb, qc, 1.0f);
    CHECK(kl > 0.1);
    /* The largest-probability classes carry the gradient: check them and a few others. */
    int idx[12], n = 0;
    for (int j = 0; j < NB && n < 6; j++)
        if (lb[j] > -4.0f) idx[n++] = j;
    for (; n < 9; n++) idx[n] = (int)rng_below(&rng, NB);
    for (; n < 12; n++) idx[n] = NB + (int)rng_below(&rng, NC); /* camera logits */
    double num2 = 0, err2 = 0;
    for (int s = 0; s < 12; s++) {
        const int camera = idx[s] >= NB, j = camera ? idx[s] - NB : idx[s];
        float *z = camera ? zc : zb;
        const float z0 = z[j], eps = 1e-2f;
        double f[2];
        for (int k = 0; k < 2; k++) {
            z[j] = z0 + (k ? -eps : eps);
            nn_log_softmax_forward(lb, zb, 1, NB);
            nn_log_softmax_forward(lc, zc, 1, NC);
            f[k] = rl_joint_kl(NULL, NULL, lb, lc, qb, qc, 1.0f);
        }
        z[j] = z0;
        const double numeric = (f[0] - f[1]) / (2.0 * eps), analytic = camera ? dc[j] : db[j];
        num2 += numeric * numeric;
        err2 += (numeric - analytic) * (numeric - analytic);
    }
    CHECK_MSG(sqrt(err2) <= 2e-2 * fmax(sqrt(num2), 1e-3), "err %g vs norm %g", sqrt(err2),
              sqrt(num2));
    mem_free(zb), mem_free(zc), mem_free(qb), mem_free(qc), mem_free(lb), mem_free(lc);
    mem_free(db), mem_free(dc);
}

typedef struct KlCase {
    BcModel *pol, *prior;
    NnArena *ar;
    float *frames, *h0, *c0;
    uint8_t *first;
    int B, T;
    float *qb, *qc;
} KlCase;

/* kl_coef * mean KL(pi || prior) through the whole policy network; with grads when `backward`. */
static double kl_loss(KlCase *k, int backward) {
    const int64_t n = (int64_t)k->B * k->T;
    nn_arena_reset(k->ar);
    RlActs pa;
    rl_model_forward(k->prior, NULL, k->ar, &pa, k->frames, k->h0, k->c0, k->first, k->B, k->T, 0);
    nn_log_softmax_forward(k->qb, pa.btn, n, NB);
    nn_log_softmax_forward(k->qc, pa.cam, n, NC);
    RlActs a;
    rl_model_forward(k->pol, NULL, k->ar, &a, k->frames, k->h0, k->c0, k->first, k->B, k->T, 1);
    float *db = nn_arena_alloc(k->ar, n * NB), *dc = nn_arena_alloc(k->ar, n * NC);
    float *dv = nn_arena_alloc(k->ar, n), *zero = nn_arena_alloc(k->ar, n);
    int32_t *ab = (int32_t *)nn_arena_alloc(k->ar, n), *ac = (int32_t *)nn_arena_alloc(k->ar, n);
    const RlLossCoefs co = {0.2f, 0.0f, 1.0f, 0.0f}; /* KL only (advantages 0, no value) */
    RlLossStats st;
    rl_loss(&st, db, dc, dv, a.btn, a.cam, a.val, ab, ac, zero, zero, a.val, k->qb, k->qc, n, &co);
    if (backward) {
        nn_params_zero_grad(&k->pol->params);
        rl_model_backward(k->pol, NULL, k->ar, &a, k->frames, k->h0, k->c0, k->first, db, dc, dv);
    }
    return st.loss;
}

static void test_kl_zero_at_init_and_gradcheck(void) {
    BcConfig cfg;
    small_cfg(&cfg, 16);
    BcModel pol, prior;
    bc_model_init_value(&pol, &cfg, 11, 1);
    bc_model_init(&prior, &cfg, 11);
    NnArena ar;
    nn_arena_init(&ar, 1 << 16);
    KlCase k = {&pol, &prior, &ar, NULL, NULL, NULL, NULL, 2, 3, NULL, NULL};
    const int64_t n = (int64_t)k.B * k.T;
    Rng rng;
    rng_seed(&rng, 3);
    k.frames = mem_alloc(sizeof(float) * (size_t)(n * 16 * 16 * 3));
    for (int64_t i = 0; i < n * 16 * 16 * 3; i++) k.frames[i] = rng_float(&rng);
    k.h0 = mem_alloc(sizeof(float) * 2 * 8), k.c0 = mem_alloc(sizeof(float) * 2 * 8);
    for (int i = 0; i < 16; i++) k.h0[i] = 0.5f * (float)rng_normal(&rng);
    for (int i = 0; i < 16; i++) k.c0[i] = 0.5f * (float)rng_normal(&rng);
    uint8_t first[6] = {0, 0, 1, 1, 0, 0};
    k.first = first;
    k.qb = mem_alloc(sizeof(float) * (size_t)(n * NB));
    k.qc = mem_alloc(sizeof(float) * (size_t)(n * NC));

    /* At initialisation the policy is the prior: KL and its gradient are zero. */
    CHECK_NEAR(kl_loss(&k, 1), 0.0, 1e-9);
    CHECK_NEAR(nn_grad_norm(&pol.params), 0.0, 1e-6);

    /* Move the policy away (heads, LSTM, CNN) and compare gradients with central differences. */
    const int moved[] = {pol.btn_w,
                         pol.btn_b,
                         pol.cam_w,
                         pol.lstm_whh,
                         pol.lstm_wih,
                         pol.ln_g,
                         pol.cnn.conv_w[0][0],
                         pol.cnn.fc_w};
    for (size_t t = 0; t < sizeof moved / sizeof moved[0]; t++) {
        float *p = nn_param(&pol.params, moved[t]);
        const int64_t sz = pol.params.info[moved[t]].size;
        const float amp = moved[t] == pol.btn_w || moved[t] == pol.cam_w ? 1.0f : 0.3f;
        for (int64_t i = 0; i < sz; i++) p[i] += amp * (float)rng_normal(&rng);
    }
    const double L = kl_loss(&k, 1);
    CHECK(L > 0.05);
    for (size_t t = 0; t < sizeof moved / sizeof moved[0]; t++) {
        const int id = moved[t];
        float *p = nn_param(&pol.params, id);
        const float *g = nn_grad(&pol.params, id);
        const int64_t sz = pol.params.info[id].size;
        /* the 4 entries with the largest analytic gradient, plus 4 random ones */
        int64_t pick[8];
        for (int s = 0; s < 4; s++) {
            pick[s] = -1;
            for (int64_t i = 0; i < sz; i++) {
                int taken = 0;
                for (int q = 0; q < s; q++) taken |= pick[q] == i;
                if (!taken && (pick[s] < 0 || fabsf(g[i]) > fabsf(g[pick[s]]))) pick[s] = i;
            }
        }
        for (int s = 4; s < 8; s++) pick[s] = (int64_t)rng_below(&rng, (uint32_t)sz);
        double num2 = 0, err2 = 0, an2 = 0;
        for (int s = 0; s < 8; s++) {
            /* larger steps beat float noise; the CNN's kinks want smaller ones */
            const float h = id == pol.cnn.conv_w[0][0] ? 1e-2f : 3e-2f;
            const float p0 = p[pick[s]], eps = h * fmaxf(1.0f, fabsf(p0));
            p[pick[s]] = p0 + eps;
            const double fp = kl_loss(&k, 0);
            p[pick[s]] = p0 - eps;
            const double fm = kl_loss(&k, 0);
            p[pick[s]] = p0;
            const double numeric = (fp - fm) / (2.0 * eps), analytic = g[pick[s]];
            num2 += numeric * numeric, an2 += analytic * analytic;
            err2 += (numeric - analytic) * (numeric - analytic);
        }
        const double rel = sqrt(err2) / fmax(fmax(sqrt(num2), sqrt(an2)), 1e-4);
        /* float32 forward: ~1e-6 noise in L; the CNN's ReLU/max-pool kinks add a little more */
        const double tol = id == pol.cnn.conv_w[0][0] ? 0.1 : 5e-2;
        fprintf(stderr, "KL gradcheck %-16s rel err %.4f (|grad| %.3g)\n", pol.params.info[id].name,
                rel, sqrt(an2));
        CHECK_MSG(rel < tol, "%s: relative error %g (|grad| %g)", pol.params.info[id].name, rel,
                  sqrt(an2));
    }
    mem_free(k.frames), mem_free(k.h0), mem_free(k.c0), mem_free(k.qb), mem_free(k.qc);
    nn_arena_deinit(&ar);
    bc_model_deinit(&pol);
    bc_model_deinit(&prior);
}

/* ---------------------------------------------------------------- runs on the real Env */

#define MAX_ENVS 8
typedef struct Walk {
    double prev_z[MAX_ENVS];
} Walk;

static void walk_reset(void *ctx, int i, Env *env) {
    ((Walk *)ctx)->prev_z[i] = env_player(env)->z;
}

/* The distance gained along +z this tick (the spawn faces +z). */
static float walk_reward(void *ctx, int i, const Env *env, const StepResult *res) {
    (void)res;
    Walk *w = ctx;
    const double z = env_player(env)->z, dz = z - w->prev_z[i];
    w->prev_z[i] = z;
    return (float)dz;
}

typedef struct Curve {
    int n;
    double reward[512], kl[512];
} Curve;

static void on_update(void *ctx, const RlUpdateStats *u) {
    Curve *c = ctx;
    if (c->n < 512) {
        c->reward[c->n] = u->reward_per_step;
        c->kl[c->n] = u->loss.kl;
        c->n++;
    }
}

static char tmp_root[256];

/* A BC-like prior: like a trained BC policy, it puts most of its mass (~90%) on a few button
 * classes (null, forward, back, left, right, jump, attack, a camera move); which of those to
 * prefer is what RL has to find. */
static void make_init(const char *path, int size) {
    BcConfig cfg;
    small_cfg(&cfg, size);
    BcModel m;
    bc_model_init(&m, &cfg, 21);
    const int keys[] = {-1, KEY_FORWARD, KEY_BACK, KEY_LEFT, KEY_RIGHT, KEY_JUMP, KEY_ATTACK, -2};
    float *bias = nn_param(&m.params, m.btn_b);
    for (int i = 0; i < 8; i++) {
        Action a = {0, 0, 0};
        if (keys[i] >= 0) a.keys = ACTION_KEY_BIT(keys[i]);
        if (keys[i] == -2) a.mouse_dx = 40; /* camera on: a turn of 6 degrees */
        BcTarget t;
        bc_encode(&t, &a);
        bias[t.buttons] = 9.0f;
    }
    CHECK(bc_model_save(&m, NULL, path, 0) == STATUS_OK);
    bc_model_deinit(&m);
}

static void remove_run(const char *dir) {
    const char *files[] = {"rl.safetensors", "prior.safetensors", "metrics.jsonl"};
    char p[600];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void walk_options(RlTrainOptions *o, const char *init, const char *out, Walk *w) {
    rl_train_options_default(o);
    o->init = init, o->out = out;
    snprintf(o->cfg.world, sizeof o->cfg.world, "%s/worlds/flat.json", VPT_SOURCE_DIR);
    o->cfg.envs = 8, o->cfg.rollout = 16, o->cfg.episode_ticks = 64;
    o->cfg.epochs = 2, o->cfg.minibatches = 2, o->cfg.lr = 3e-3;
    o->cfg.gamma = 0.9, o->cfg.lambda = 0.9, o->cfg.kl_coef = 0.0, o->cfg.seed = 5;
    o->save_every = 1000;
    o->hooks = (RlHooks){w, walk_reset, walk_reward};
}

static double mean_of(const double *x, int a, int b) {
    double s = 0;
    for (int i = a; i < b; i++) s += x[i];
    return s / (b - a);
}

/* (d) Walking forward: the policy learns to hold forward (and not turn) within a few dozen
 * updates; the reward per step rises from ~0 to most of walking speed (0.216 blocks/tick). */
static void test_learns_to_walk(void) {
    char init[300], out[300];
    snprintf(init, sizeof init, "%s/init.safetensors", tmp_root);
    snprintf(out, sizeof out, "%s/walk", tmp_root);
    make_init(init, 16);
    Walk w;
    RlTrainOptions o;
    walk_options(&o, init, out, &w);
    const int updates = 60;
    o.steps = (int64_t)updates * o.cfg.envs * o.cfg.rollout;
    Curve c = {0};
    RlTrainReport rep;
    CHECK(rl_train(&o, &rep, on_update, &c) == STATUS_OK);
    CHECK_EQ_INT(c.n, updates);
    const double before = mean_of(c.reward, 0, 3), after = mean_of(c.reward, updates - 5, updates);
    fprintf(stderr, "walk: reward/step first 3 updates %.4f, last 5 %.4f\n", before, after);
    for (int i = 0; i < c.n; i += 5) fprintf(stderr, "  update %d: %.4f\n", i + 1, c.reward[i]);
    CHECK_MSG(after > 0.12 && after > before + 0.08, "before %.4f after %.4f", before, after);
    /* The checkpoint plays as a BC policy. */
    char ckpt[400];
    snprintf(ckpt, sizeof ckpt, "bc:%s/rl.safetensors", out);
    Agent *ag = agent_create(ckpt, 1);
    CHECK(ag != NULL);
    agent_destroy(ag);
    remove_run(out);
}

/* (e) A huge KL coefficient keeps the policy at the prior; without it the policy moves. */
static void test_kl_coef_holds_policy(void) {
    char init[300], out[300];
    snprintf(init, sizeof init, "%s/init.safetensors", tmp_root);
    snprintf(out, sizeof out, "%s/kl", tmp_root);
    double last_kl[2];
    const double coefs[2] = {0.0, 1000.0};
    for (int k = 0; k < 2; k++) {
        Walk w;
        RlTrainOptions o;
        walk_options(&o, init, out, &w);
        o.cfg.kl_coef = coefs[k];
        o.steps = 15LL * o.cfg.envs * o.cfg.rollout;
        Curve c = {0};
        RlTrainReport rep;
        CHECK(rl_train(&o, &rep, on_update, &c) == STATUS_OK);
        last_kl[k] = mean_of(c.kl, c.n - 3, c.n);
        remove_run(out);
    }
    fprintf(stderr, "KL after 15 updates: kl_coef 0 -> %.5f, kl_coef 1000 -> %.6f\n", last_kl[0],
            last_kl[1]);
    CHECK_MSG(last_kl[0] > 0.05, "kl_coef 0: KL %g", last_kl[0]);
    CHECK_MSG(last_kl[1] < 0.01 && last_kl[1] < last_kl[0] / 10, "kl_coef 1000: KL %g", last_kl[1]);
}

/* (f) 2 updates, stop, --resume to 5: the same checkpoint bytes as 5 straight (episodes of 12
 * ticks end inside chunks of 8 steps, so the resumed envs are mid-episode); and two runs on 2
 * threads agree to the byte. */
static void test_resume_bit_identical(void) {
    char init[300], a[300], b[300];
    snprintf(init, sizeof init, "%s/init.safetensors", tmp_root);
    snprintf(a, sizeof a, "%s/straight", tmp_root);
    snprintf(b, sizeof b, "%s/resumed", tmp_root);
    RlTrainReport rep;
    Walk w;
    RlTrainOptions o;
    walk_options(&o, init, a, &w);
    o.cfg.envs = 2, o.cfg.rollout = 8, o.cfg.episode_ticks = 12, o.cfg.minibatches = 2;
    o.cfg.kl_coef = 0.5, o.cfg.ent_coef = 0.01, o.save_every = 2;
    const int64_t per = 16;
    o.steps = 5 * per;
    CHECK(rl_train(&o, &rep, NULL, NULL) == STATUS_OK);
    CHECK_EQ_INT(rep.updates, 5);
    o.out = b, o.steps = 2 * per;
    CHECK(rl_train(&o, &rep, NULL, NULL) == STATUS_OK);
    CHECK_EQ_INT(rep.updates, 2);
    /* Without --resume an existing run is refused. */
    CHECK(rl_train(&o, &rep, NULL, NULL) == STATUS_INVALID_ARGUMENT);
    RlTrainOptions r = o;
    r.resume = 1, r.init = NULL, r.steps = 5 * per;
    memset(&r.cfg, 0, sizeof r.cfg); /* the checkpoint's settings are used */
    CHECK(rl_train(&r, &rep, NULL, NULL) == STATUS_OK);
    CHECK_EQ_INT(rep.start_update, 2);
    CHECK_EQ_INT(rep.updates, 3);
    char pa[400], pb[400];
    snprintf(pa, sizeof pa, "%s/rl.safetensors", a);
    snprintf(pb, sizeof pb, "%s/rl.safetensors", b);
    char *da = NULL, *db = NULL;
    size_t la = 0, lb = 0;
    CHECK(fs_read_file(pa, &da, &la) == STATUS_OK);
    CHECK(fs_read_file(pb, &db, &lb) == STATUS_OK);
    CHECK_MSG(la == lb && da && db && memcmp(da, db, la) == 0, "checkpoints differ (%zu vs %zu)",
              la, lb);
    mem_free(da), mem_free(db);
    /* The metrics of the resumed run: updates 1..5 once each. */
    snprintf(pb, sizeof pb, "%s/metrics.jsonl", b);
    FILE *f = fopen(pb, "r");
    char line[2048];
    int n = 0, ok = 1;
    while (f && fgets(line, sizeof line, f)) {
        long long u = 0;
        ok &= sscanf(line, "{\"update\": %lld", &u) == 1 && u == n + 1;
        n++;
    }
    if (f) fclose(f);
    CHECK(ok && n == 5);
    remove_run(a);
    remove_run(b);
    /* With a thread pool (envs, rendering and the network split over 2 threads) the run is
     * still a function of its inputs: two runs, the same bytes. */
    o.threads = 2, o.steps = 3 * per, o.out = a;
    CHECK(rl_train(&o, &rep, NULL, NULL) == STATUS_OK);
    o.out = b;
    CHECK(rl_train(&o, &rep, NULL, NULL) == STATUS_OK);
    da = db = NULL;
    snprintf(pa, sizeof pa, "%s/rl.safetensors", a);
    snprintf(pb, sizeof pb, "%s/rl.safetensors", b);
    CHECK(fs_read_file(pa, &da, &la) == STATUS_OK && fs_read_file(pb, &db, &lb) == STATUS_OK);
    CHECK_MSG(la == lb && da && db && memcmp(da, db, la) == 0, "2-thread runs differ");
    mem_free(da), mem_free(db);
    remove_run(a);
    remove_run(b);
}

/* (g) Bad checkpoints and settings fail with the file/field named and write nothing. */
static void test_bad_inputs(void) {
    char init[300], out[300], junk[300];
    snprintf(init, sizeof init, "%s/init.safetensors", tmp_root);
    snprintf(out, sizeof out, "%s/bad", tmp_root);
    snprintf(junk, sizeof junk, "%s/junk.safetensors", tmp_root);
    CHECK(fs_write_atomic(junk, "garbage", 7) == STATUS_OK);
    Walk w;
    RlTrainOptions o;
    walk_options(&o, junk, out, &w);
    o.steps = 16;
    RlTrainReport rep;
    CHECK(rl_train(&o, &rep, NULL, NULL) != STATUS_OK);
    CHECK(!fs_exists(out));
    o.init = init;
    o.cfg.minibatches = 3; /* does not divide 8 envs */
    CHECK(rl_train(&o, &rep, NULL, NULL) == STATUS_INVALID_ARGUMENT);
    CHECK(!fs_exists(out));
    o.cfg.minibatches = 1;
    snprintf(o.cfg.world, sizeof o.cfg.world, "%s/nosuch.json", tmp_root);
    CHECK(rl_train(&o, &rep, NULL, NULL) != STATUS_OK);
    CHECK(!fs_exists(out));
    o.resume = 1, o.out = tmp_root; /* nothing to resume there */
    CHECK(rl_train(&o, &rep, NULL, NULL) == STATUS_NOT_FOUND);
    unlink(junk);
    remove_run(out);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    snprintf(tmp_root, sizeof tmp_root, "/tmp/vpt_test_rl_XXXXXX");
    if (!mkdtemp(tmp_root)) return 1;
    TEST_RUN(test_gae_hand_example);
    TEST_RUN(test_ppo_clip_hand_example);
    TEST_RUN(test_joint_kl_grad_logits);
    TEST_RUN(test_kl_zero_at_init_and_gradcheck);
    char init[300];
    snprintf(init, sizeof init, "%s/init.safetensors", tmp_root);
    make_init(init, 16);
    TEST_RUN(test_bad_inputs);
    TEST_RUN(test_resume_bit_identical);
    TEST_RUN(test_kl_coef_holds_policy);
    TEST_RUN(test_learns_to_walk);
    unlink(init);
    rmdir(tmp_root);
    return check_finish();
}
