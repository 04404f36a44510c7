/* rl_train.c: `vpt rl train` (rl.h): PPO with GAE over N envs and a KL penalty to the frozen
 * BC prior. One update = a rollout of T steps in every env (render 64x64 observations over the
 * pool, one batched policy step, sample each env's action with its own Rng, step the envs over
 * the pool), then the prior replays the chunk from its own carried state, GAE, and `epochs`
 * passes of `minibatches` gradient steps over whole env sequences replayed from the stored
 * chunk-start LSTM state. Metrics JSONL per update; checkpoints every save_every updates and at
 * the end (rl_state.c holds what makes --resume bit-identical). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agent/rl_internal.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/progress.h"

#define TAG "rl"

void rl_train_options_default(RlTrainOptions *o) {
    memset(o, 0, sizeof *o);
    rl_config_default(&o->cfg);
    o->steps = 4096;
    o->save_every = 10;
    o->threads = 1;
}

uint64_t rl_episode_seed(uint64_t run_seed, int i, uint64_t e) {
    return rng_mix64(rng_mix64(run_seed ^ 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(i + 1) << 40) ^ e);
}

void rl_slot_push(RlEnvSlot *s, int btn, int cam) {
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->acts = mem_realloc(s->acts, sizeof(uint16_t) * 2 * (size_t)s->cap);
    }
    s->acts[2 * s->len] = (uint16_t)btn;
    s->acts[2 * s->len + 1] = (uint16_t)cam;
    s->len++;
}

void rl_episode_begin(RlRun *r, int i, int reset) {
    RlEnvSlot *s = &r->slots[i];
    s->seed = rl_episode_seed(r->cfg.seed, i, s->episode);
    if (reset) env_reset(r->envs[i], s->seed);
    s->len = 0, s->ret = 0;
    r->start[i] = 1;
    memset(r->h + (size_t)i * r->Hd, 0, sizeof(float) * (size_t)r->Hd);
    memset(r->c + (size_t)i * r->Hd, 0, sizeof(float) * (size_t)r->Hd);
    if (r->o->hooks.on_reset) r->o->hooks.on_reset(r->o->hooks.ctx, i, r->envs[i]);
}

/* ---------------------------------------------------------------- rollout */

static void to_float(float *dst, const uint8_t *src, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = (float)src[i] * (1.0f / 255.0f);
}

/* Inverse-CDF draw from log-probabilities. */
static int sample_log(const float *logp, int n, Rng *rng) {
    const double u = rng_double(rng);
    double acc = 0.0;
    for (int i = 0; i < n; i++) {
        acc += exp((double)logp[i]);
        if (u < acc) return i;
    }
    return n - 1;
}

/* Renders every env and runs the policy one step from state (h, c); the new state goes to
 * (hT, cT) when they are not NULL. Returns the activations (in the arena). */
static RlActs policy_step(RlRun *r, float *hT, float *cT) {
    const int64_t fb = (int64_t)r->H * r->W * 3;
    render_batch_cached(r->renderer, r->pool, r->caches, (const Env *const *)r->envs, r->N, r->rgb,
                        r->W, r->H);
    to_float(r->frames, r->rgb, r->N * fb);
    nn_arena_reset(&r->arena);
    RlActs a;
    rl_model_forward(&r->pol, &r->ctx, &r->arena, &a, r->frames, r->h, r->c, NULL, r->N, 1, 0);
    if (hT) memcpy(hT, a.hT, sizeof(float) * (size_t)r->N * (size_t)r->Hd);
    if (cT) memcpy(cT, a.cT, sizeof(float) * (size_t)r->N * (size_t)r->Hd);
    return a;
}

static void end_episode(RlRun *r, int i) {
    r->recent[r->recent_pos] = r->slots[i].ret;
    r->recent_pos = (r->recent_pos + 1) % RL_RECENT;
    if (r->n_recent < RL_RECENT) r->n_recent++;
    r->episodes++;
    r->slots[i].episode++;
    rl_episode_begin(r, i, 1);
}

static void rollout(RlRun *r, RlUpdateStats *us) {
    const int N = r->N, T = r->T;
    const int64_t fb = (int64_t)r->H * r->W * 3;
    const size_t hs = sizeof(float) * (size_t)N * (size_t)r->Hd;
    memcpy(r->h0, r->h, hs);
    memcpy(r->c0, r->c, hs);
    Action *acts = mem_alloc(sizeof(Action) * (size_t)N);
    StepResult *res = mem_alloc(sizeof(StepResult) * (size_t)N);
    float *lb = mem_alloc(sizeof(float) * BC_N_BUTTON_CLASSES);
    float *lc = mem_alloc(sizeof(float) * BC_N_CAMERA_CLASSES);
    const RlHooks *hk = &r->o->hooks;
    double rsum = 0;
    for (int t = 0; t < T; t++) {
        RlActs a = policy_step(r, r->h, r->c);
        for (int i = 0; i < N; i++) {
            const int64_t k = (int64_t)i * T + t;
            memcpy(r->obs + k * fb, r->rgb + i * fb, (size_t)fb);
            r->first[k] = r->start[i];
            r->start[i] = 0;
            nn_log_softmax_forward(lb, a.btn + (int64_t)i * BC_N_BUTTON_CLASSES, 1,
                                   BC_N_BUTTON_CLASSES);
            nn_log_softmax_forward(lc, a.cam + (int64_t)i * BC_N_CAMERA_CLASSES, 1,
                                   BC_N_CAMERA_CLASSES);
            Rng *rng = &r->slots[i].rng;
            const int b = sample_log(lb, BC_N_BUTTON_CLASSES, rng);
            const int c = bc_class_camera_on(b) ? sample_log(lc, BC_N_CAMERA_CLASSES, rng)
                                                : BC_CAMERA_NULL_CLASS;
            r->a_btn[k] = b, r->a_cam[k] = c;
            r->logp[k] = (float)rl_joint_logprob(lb, lc, b, c);
            r->val[k] = a.val[i];
            bc_decode(&acts[i], b, c);
        }
        env_step_batch(r->envs, N, acts, res, r->pool);
        for (int i = 0; i < N; i++) {
            const int64_t k = (int64_t)i * T + t;
            const float rew =
                hk->reward ? hk->reward(hk->ctx, i, r->envs[i], &res[i]) : res[i].reward;
            r->rew[k] = rew, r->done[k] = (uint8_t)(res[i].done != 0);
            rsum += rew;
            RlEnvSlot *s = &r->slots[i];
            rl_slot_push(s, r->a_btn[k], r->a_cam[k]);
            s->ret += rew;
            if (res[i].done) {
                end_episode(r, i);
                us->episodes++;
            }
        }
    }
    /* Bootstrap values of the states after the chunk (the state is not advanced). */
    RlActs a = policy_step(r, NULL, NULL);
    memcpy(r->last_val, a.val, sizeof(float) * (size_t)N);
    r->env_steps += (int64_t)N * T;
    us->reward_per_step = rsum / ((double)N * T);
    mem_free(acts);
    mem_free(res);
    mem_free(lb);
    mem_free(lc);
}

/* ---------------------------------------------------------------- update */

/* The prior on the whole chunk from its carried state; its log-softmaxed heads are kept. */
static void prior_pass(RlRun *r) {
    const int64_t NT = (int64_t)r->N * r->T, fb = (int64_t)r->H * r->W * 3;
    to_float(r->frames, r->obs, NT * fb);
    nn_arena_reset(&r->arena);
    RlActs a;
    rl_model_forward(&r->prior, &r->ctx, &r->arena, &a, r->frames, r->ph, r->pc, r->first, r->N,
                     r->T, 0);
    nn_log_softmax_forward(r->prior_btn, a.btn, NT, BC_N_BUTTON_CLASSES);
    nn_log_softmax_forward(r->prior_cam, a.cam, NT, BC_N_CAMERA_CLASSES);
    memcpy(r->ph, a.hT, sizeof(float) * (size_t)r->N * (size_t)r->Hd);
    memcpy(r->pc, a.cT, sizeof(float) * (size_t)r->N * (size_t)r->Hd);
}

/* Copies rows rows[0..B) of a (N, T, n) buffer into dst (B, T, n), as n-element items. */
static void gather(void *dst, const void *src, const int *rows, int B, int64_t row_bytes) {
    for (int b = 0; b < B; b++)
        memcpy((char *)dst + b * row_bytes, (const char *)src + rows[b] * row_bytes,
               (size_t)row_bytes);
}

static void minibatch_step(RlRun *r, const int *rows, int B, float kl_coef, NnAdamW *opt,
                           RlLossStats *acc, double *gnorm) {
    const int T = r->T, Hd = r->Hd;
    const int64_t n = (int64_t)B * T, fb = (int64_t)r->H * r->W * 3;
    const int NB = BC_N_BUTTON_CLASSES, NC = BC_N_CAMERA_CLASSES;
    NnArena *ar = &r->arena;
    nn_arena_reset(ar);
    float *frames = nn_arena_alloc_uninit(ar, n * fb); // (B, T, H, W, 3)
    uint8_t *obs = (uint8_t *)nn_arena_alloc_uninit(ar, (n * fb + 3) / 4);
    gather(obs, r->obs, rows, B, T * fb);
    to_float(frames, obs, n * fb);
    float *h0 = nn_arena_alloc_uninit(ar, (int64_t)B * Hd), *c0 = nn_arena_alloc_uninit(ar, B * Hd);
    gather(h0, r->h0, rows, B, sizeof(float) * Hd);
    gather(c0, r->c0, rows, B, sizeof(float) * Hd);
    uint8_t *first = (uint8_t *)nn_arena_alloc_uninit(ar, (n + 3) / 4);
    gather(first, r->first, rows, B, T);
    int32_t *ab = (int32_t *)nn_arena_alloc_uninit(ar, n),
            *ac = (int32_t *)nn_arena_alloc_uninit(ar, n);
    gather(ab, r->a_btn, rows, B, sizeof(int32_t) * T);
    gather(ac, r->a_cam, rows, B, sizeof(int32_t) * T);
    float *lo = nn_arena_alloc_uninit(ar, n), *adv = nn_arena_alloc_uninit(ar, n);
    float *ret = nn_arena_alloc_uninit(ar, n);
    gather(lo, r->logp, rows, B, sizeof(float) * T);
    gather(adv, r->adv, rows, B, sizeof(float) * T);
    gather(ret, r->ret, rows, B, sizeof(float) * T);
    float *qb = nn_arena_alloc_uninit(ar, n * NB), *qc = nn_arena_alloc_uninit(ar, n * NC);
    gather(qb, r->prior_btn, rows, B, sizeof(float) * T * NB);
    gather(qc, r->prior_cam, rows, B, sizeof(float) * T * NC);
    /* Advantages normalised over the minibatch. */
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; i++) mean += adv[i];
    mean /= (double)n;
    for (int64_t i = 0; i < n; i++) var += (adv[i] - mean) * (adv[i] - mean);
    const double sd = sqrt(var / (double)n);
    for (int64_t i = 0; i < n; i++) adv[i] = (float)((adv[i] - mean) / (sd + 1e-8));

    RlActs a;
    rl_model_forward(&r->pol, &r->ctx, ar, &a, frames, h0, c0, first, B, T, 1);
    float *dbtn = nn_arena_alloc_uninit(ar, n * NB), *dcam = nn_arena_alloc_uninit(ar, n * NC);
    float *dval = nn_arena_alloc_uninit(ar, n);
    const RlLossCoefs coefs = {(float)r->cfg.clip, (float)r->cfg.vf_coef, kl_coef,
                               (float)r->cfg.ent_coef};
    RlLossStats st;
    rl_loss(&st, dbtn, dcam, dval, a.btn, a.cam, a.val, ab, ac, lo, adv, ret, qb, qc, n, &coefs);
    nn_params_zero_grad_ctx(&r->ctx, &r->pol.params);
    rl_model_backward(&r->pol, &r->ctx, ar, &a, frames, h0, c0, first, dbtn, dcam, dval);
    *gnorm += r->cfg.max_grad_norm > 0 ? nn_clip_grad_norm(&r->pol.params, r->cfg.max_grad_norm)
                                       : nn_grad_norm(&r->pol.params);
    nn_adamw_step_ctx(&r->ctx, &r->pol.params, opt, (float)r->cfg.lr);
    acc->loss += st.loss, acc->pg_loss += st.pg_loss, acc->v_loss += st.v_loss;
    acc->kl += st.kl, acc->entropy += st.entropy, acc->clip_frac += st.clip_frac;
    acc->approx_kl += st.approx_kl;
}

static void update(RlRun *r, RlUpdateStats *us) {
    const int N = r->N, M = r->cfg.minibatches, B = N / M;
    prior_pass(r);
    rl_gae(r->adv, r->ret, r->rew, r->val, r->done, r->last_val, N, r->T, (float)r->cfg.gamma,
           (float)r->cfg.lambda);
    NnAdamW opt = NN_ADAMW_DEFAULT;
    opt.weight_decay = 0.0f; /* the KL term, not decay, keeps the weights near the prior */
    opt.eps = 1e-5f;         /* as BC: most of the 8641 button rows see tiny gradients */
    const float kl_coef = (float)(r->cfg.kl_coef * pow(r->cfg.kl_decay, (double)r->update));
    int *perm = mem_alloc(sizeof(int) * (size_t)N);
    RlLossStats acc;
    memset(&acc, 0, sizeof acc);
    double gnorm = 0;
    int steps = 0;
    for (int e = 0; e < r->cfg.epochs; e++) {
        for (int i = 0; i < N; i++) perm[i] = i;
        for (int i = N - 1; i > 0; i--) {
            const int j = (int)rng_below(&r->rng, (uint32_t)(i + 1));
            const int t = perm[i];
            perm[i] = perm[j], perm[j] = t;
        }
        for (int m = 0; m < M; m++, steps++)
            minibatch_step(r, perm + m * B, B, kl_coef, &opt, &acc, &gnorm);
    }
    mem_free(perm);
    const double s = steps;
    us->loss = (RlLossStats){acc.loss / s,    acc.pg_loss / s,   acc.v_loss / s,   acc.kl / s,
                             acc.entropy / s, acc.clip_frac / s, acc.approx_kl / s};
    us->grad_norm = gnorm / s;
    us->kl_coef = kl_coef;
    r->update++;
}

/* ---------------------------------------------------------------- setup and the loop */

/* Copies every tensor of src that dst has (same name and size). */
static void copy_params(NnParams *dst, const NnParams *src) {
    for (int i = 0; i < src->count; i++) {
        const int j = nn_params_find(dst, src->info[i].name);
        if (j < 0 || dst->info[j].size != src->info[i].size) continue;
        memcpy(nn_param(dst, j), nn_param(src, i), sizeof(float) * (size_t)src->info[i].size);
    }
}

static Status setup_new(RlRun *r) {
    const RlTrainOptions *o = r->o;
    r->cfg = o->cfg;
    Status st = rl_config_validate(&r->cfg, "rl train");
    if (st != STATUS_OK) return st;
    if (fs_exists(r->ckpt)) {
        LOG_ERROR(TAG, "%s already exists: continue it with --resume or choose another --out",
                  r->ckpt);
        return STATUS_INVALID_ARGUMENT;
    }
    BcModel init;
    st = bc_model_load(&init, NULL, o->init, 0);
    if (st != STATUS_OK) {
        LOG_ERROR(TAG, "--init %s: not a usable BC checkpoint (see above)", o->init);
        return st;
    }
    bc_model_init(&r->prior, &init.cfg, 0);
    copy_params(&r->prior.params, &init.params);
    bc_model_init_value(&r->pol, &init.cfg, 0, 1);
    copy_params(&r->pol.params, &init.params);
    bc_model_deinit(&init);
    snprintf(r->init, sizeof r->init, "%s", o->init);
    return STATUS_OK;
}

static Status setup_resume(RlRun *r) {
    Status st = rl_state_load_model(r);
    if (st != STATUS_OK) return st;
    st = bc_model_load(&r->prior, NULL, r->prior_path, 0);
    if (st == STATUS_OK && memcmp(&r->prior.cfg, &r->pol.cfg, sizeof r->pol.cfg) != 0) {
        LOG_ERROR(TAG, "%s: the prior's model config differs from %s", r->prior_path, r->ckpt);
        st = STATUS_PARSE;
    }
    return st;
}

static void alloc_run(RlRun *r) {
    const int N = r->N, T = r->T;
    const size_t NT = (size_t)N * T, hs = (size_t)N * r->Hd, fb = (size_t)r->H * r->W * 3;
    r->envs = mem_calloc((size_t)N, sizeof(Env *));
    r->caches = mem_calloc((size_t)N, sizeof(RenderCache *));
    for (int i = 0; i < N; i++) r->caches[i] = render_cache_create();
    r->slots = mem_calloc((size_t)N, sizeof(RlEnvSlot));
    r->h = mem_calloc(hs, sizeof(float)), r->c = mem_calloc(hs, sizeof(float));
    r->ph = mem_calloc(hs, sizeof(float)), r->pc = mem_calloc(hs, sizeof(float));
    r->h0 = mem_calloc(hs, sizeof(float)), r->c0 = mem_calloc(hs, sizeof(float));
    r->start = mem_calloc((size_t)N, 1);
    r->obs = mem_alloc(NT * fb);
    r->rgb = mem_alloc((size_t)N * fb);
    r->frames = mem_alloc(sizeof(float) * NT * fb);
    r->a_btn = mem_calloc(NT, sizeof(int32_t)), r->a_cam = mem_calloc(NT, sizeof(int32_t));
    r->logp = mem_calloc(NT, sizeof(float)), r->val = mem_calloc(NT, sizeof(float));
    r->rew = mem_calloc(NT, sizeof(float)), r->adv = mem_calloc(NT, sizeof(float));
    r->ret = mem_calloc(NT, sizeof(float));
    r->done = mem_calloc(NT, 1), r->first = mem_calloc(NT, 1);
    r->last_val = mem_calloc((size_t)N, sizeof(float));
    r->prior_btn = mem_alloc(sizeof(float) * NT * BC_N_BUTTON_CLASSES);
    r->prior_cam = mem_alloc(sizeof(float) * NT * BC_N_CAMERA_CLASSES);
}

static void free_run(RlRun *r) {
    for (int i = 0; r->envs && i < r->N; i++) env_destroy(r->envs[i]);
    for (int i = 0; r->caches && i < r->N; i++) render_cache_destroy(r->caches[i]);
    mem_free(r->caches);
    for (int i = 0; r->slots && i < r->N; i++) mem_free(r->slots[i].acts);
    void *bufs[] = {r->envs,  r->slots, r->h,     r->c,        r->ph,        r->pc,
                    r->h0,    r->c0,    r->start, r->obs,      r->rgb,       r->frames,
                    r->a_btn, r->a_cam, r->logp,  r->val,      r->rew,       r->adv,
                    r->ret,   r->done,  r->first, r->last_val, r->prior_btn, r->prior_cam};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) mem_free(bufs[i]);
    if (r->metrics) fclose(r->metrics);
    if (r->resume) json_decref(r->resume);
    render_destroy(r->renderer);
    nn_arena_deinit(&r->arena);
    nn_ctx_deinit(&r->ctx);
    pool_destroy(r->pool);
    bc_model_deinit(&r->pol);
    bc_model_deinit(&r->prior);
    preset_deinit(&r->preset);
}

/* Keeps the metrics lines of updates <= r->update (a resumed run rewrites what followed). */
static Status open_metrics(RlRun *r, int resume) {
    if (resume && fs_exists(r->metrics_path)) {
        char *text = NULL;
        size_t len = 0;
        Status st = fs_read_file(r->metrics_path, &text, &len);
        if (st != STATUS_OK) return st;
        size_t keep = 0;
        for (char *line = text; *line;) {
            char *nl = strchr(line, '\n');
            if (!nl) break;
            long long u = -1;
            if (sscanf(line, "{\"update\": %lld", &u) != 1 || u > r->update) break;
            keep = (size_t)(nl + 1 - text);
            line = nl + 1;
        }
        st = fs_write_atomic(r->metrics_path, text, keep);
        mem_free(text);
        if (st != STATUS_OK) return st;
    }
    r->metrics = fopen(r->metrics_path, resume ? "a" : "w");
    if (!r->metrics) {
        LOG_ERROR(TAG, "%s: cannot open for writing", r->metrics_path);
        return STATUS_IO;
    }
    return STATUS_OK;
}

static void json_num(FILE *f, const char *key, double v) {
    if (isfinite(v))
        fprintf(f, ", \"%s\": %.6g", key, v);
    else
        fprintf(f, ", \"%s\": null", key);
}

static void write_metrics(RlRun *r, const RlUpdateStats *u, double seconds) {
    FILE *f = r->metrics;
    fprintf(f, "{\"update\": %lld, \"env_steps\": %lld, \"episodes\": %lld", (long long)u->update,
            (long long)u->env_steps, (long long)u->episodes);
    json_num(f, "episode_reward", u->episode_reward);
    json_num(f, "reward_per_step", u->reward_per_step);
    json_num(f, "kl", u->loss.kl);
    json_num(f, "kl_coef", u->kl_coef);
    json_num(f, "policy_loss", u->loss.pg_loss);
    json_num(f, "value_loss", u->loss.v_loss);
    json_num(f, "entropy", u->loss.entropy);
    json_num(f, "clip_frac", u->loss.clip_frac);
    json_num(f, "approx_kl", u->loss.approx_kl);
    json_num(f, "grad_norm", u->grad_norm);
    json_num(f, "env_steps_per_s", u->steps_per_s);
    json_num(f, "update_seconds", seconds);
    fprintf(f, "}\n");
    fflush(f);
}

static Status setup_envs(RlRun *r, int resume) {
    Status st = STATUS_OK;
    if (r->cfg.world[0])
        st = preset_load_file(r->cfg.world, &r->preset);
    else
        preset_init_default(&r->preset);
    if (st != STATUS_OK) {
        LOG_ERROR(TAG, "--world %s: not a usable world preset (see above)", r->cfg.world);
        return st;
    }
    if (r->cfg.episode_ticks > 0) r->preset.episode_length = r->cfg.episode_ticks;
    r->N = r->cfg.envs, r->T = r->cfg.rollout;
    r->H = r->pol.cfg.frame_h, r->W = r->pol.cfg.frame_w, r->Hd = r->pol.cfg.hidden;
    alloc_run(r);
    r->rng = rng_stream(r->cfg.seed, 0);
    for (int i = 0; i < r->N; i++) {
        r->slots[i].rng = rng_stream(r->cfg.seed, 1 + (uint64_t)i);
        r->envs[i] = env_create(&r->preset, rl_episode_seed(r->cfg.seed, i, 0));
        if (!resume) rl_episode_begin(r, i, 0);
    }
    return resume ? rl_state_load_run(r) : STATUS_OK;
}

static double recent_mean(const RlRun *r) {
    if (!r->n_recent) return NAN;
    double s = 0;
    for (int i = 0; i < r->n_recent; i++) s += r->recent[i];
    return s / r->n_recent;
}

static Status train_loop(RlRun *r, int64_t total, RlTrainReport *rep, RlUpdateFn fn, void *ctx) {
    const RlTrainOptions *o = r->o;
    Progress *pg = o->progress ? progress_create("rl train", (double)total, "updates") : NULL;
    const double t0 = clock_now();
    Status st = STATUS_OK;
    rep->start_update = r->update;
    while (r->update < total && st == STATUS_OK) {
        RlUpdateStats us;
        memset(&us, 0, sizeof us);
        const double t1 = clock_now();
        rollout(r, &us);
        const double t2 = clock_now();
        update(r, &us);
        us.update = r->update, us.env_steps = r->env_steps;
        us.episode_reward = recent_mean(r);
        us.steps_per_s = (double)r->N * r->T / (t2 - t1 > 0 ? t2 - t1 : 1e-9);
        us.seconds = clock_now() - t1;
        write_metrics(r, &us, us.seconds);
        if (rep->updates == 0) rep->first = us;
        rep->last = us;
        rep->updates++;
        if (fn) fn(ctx, &us);
        if (r->update % o->save_every == 0 || r->update == total) st = rl_state_save(r);
        if (pg) {
            char note[96];
            snprintf(note, sizeof note, "reward/step %.4f kl %.4f", us.reward_per_step, us.loss.kl);
            progress_set_note(pg, note);
            progress_update(pg, (double)r->update);
        }
    }
    progress_finish(pg);
    rep->seconds = clock_now() - t0;
    rep->env_steps = r->env_steps;
    const double secs = rep->seconds > 0 ? rep->seconds : 1e-9;
    rep->steps_per_s = (double)rep->updates * r->N * r->T / secs;
    rep->updates_per_s = (double)rep->updates / secs;
    return st;
}

Status rl_train(const RlTrainOptions *o, RlTrainReport *rep, RlUpdateFn fn, void *ctx) {
    memset(rep, 0, sizeof *rep);
    ASSERT(o->out && (o->steps >= 1 || o->resume) && o->save_every >= 1 && o->threads >= 1);
    ASSERT(o->resume || o->init);
    RlRun r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.total_steps = o->steps; /* 0 on resume: the checkpoint's */
    snprintf(r.ckpt, sizeof r.ckpt, "%s/rl.safetensors", o->out);
    snprintf(r.prior_path, sizeof r.prior_path, "%s/prior.safetensors", o->out);
    snprintf(r.metrics_path, sizeof r.metrics_path, "%s/metrics.jsonl", o->out);
    Status st = o->resume ? setup_resume(&r) : setup_new(&r);
    if (st == STATUS_OK) st = setup_envs(&r, o->resume);
    /* Only now, with every input checked, does a new run write into OUT. */
    if (st == STATUS_OK && !o->resume) st = fs_mkdir_p(o->out);
    if (st == STATUS_OK && !o->resume) st = bc_model_save(&r.prior, NULL, r.prior_path, 0);
    int64_t total = 0;
    if (st == STATUS_OK) {
        const int64_t per = (int64_t)r.N * r.T;
        total = (r.total_steps + per - 1) / per;
        rep->params = r.pol.params.total;
        r.pool = nn_ctx_init_threads(&r.ctx, o->threads);
        nn_arena_init(&r.arena, 1 << 20);
        r.renderer = render_create(NULL);
        st = open_metrics(&r, o->resume);
    }
    if (st == STATUS_OK) {
        LOG_INFO(TAG, "%s %s: %d envs x %d steps per update, updates %lld..%lld, %lld params",
                 o->resume ? "resuming" : "starting", o->out, r.N, r.T, (long long)r.update,
                 (long long)total, (long long)rep->params);
        st = train_loop(&r, total, rep, fn, ctx);
    }
    if (st == STATUS_OK && rep->updates == 0 && !fs_exists(r.ckpt)) st = rl_state_save(&r);
    free_run(&r);
    return st;
}
