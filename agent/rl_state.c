/* rl_state.c: the RL run's settings and checkpoints (rl.h, rl_internal.h). The checkpoint is a
 * BC checkpoint with metadata model "rl" whose config carries, besides the BC config, the run's
 * settings and its whole state: counters, the minibatch Rng, both LSTM states, and per env the
 * episode number and seed, the sampling Rng, the return so far and the actions since the
 * episode start (raw little-endian bytes as hex strings, so floats round-trip exactly). Resume
 * resets each env to its episode seed and replays those actions (the sim is deterministic), so
 * the continued run is bit-identical to one that never stopped. Every field is validated on
 * load; errors name the file and the field. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "agent/rl_internal.h"
#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"

#define TAG "rl"

void rl_config_default(RlConfig *c) {
    memset(c, 0, sizeof *c);
    c->envs = 4, c->rollout = 32, c->epochs = 2, c->minibatches = 1, c->episode_ticks = 0;
    c->lr = 1e-5, c->gamma = 0.999, c->lambda = 0.95, c->clip = 0.2;
    c->kl_coef = 0.2, c->kl_decay = 1.0, c->vf_coef = 0.5, c->ent_coef = 0.0;
    c->max_grad_norm = 1.0, c->seed = 1;
}

static Status bad(const char *where, const char *field, const char *why) {
    LOG_ERROR(TAG, "%s: field '%s': %s", where, field, why);
    return STATUS_INVALID_ARGUMENT;
}

Status rl_config_validate(const RlConfig *c, const char *where) {
    if (c->envs < 1 || c->envs > 1024) return bad(where, "envs", "not in [1, 1024]");
    if (c->rollout < 1 || c->rollout > 4096) return bad(where, "rollout", "not in [1, 4096]");
    if (c->epochs < 1 || c->epochs > 100) return bad(where, "epochs", "not in [1, 100]");
    if (c->minibatches < 1 || c->envs % c->minibatches != 0)
        return bad(where, "minibatches", "must divide envs (whole env sequences per minibatch)");
    if (c->episode_ticks < 0) return bad(where, "episode_ticks", "negative");
    if (!(c->lr > 0 && c->lr <= 1)) return bad(where, "lr", "not in (0, 1]");
    if (!(c->gamma >= 0 && c->gamma <= 1)) return bad(where, "gamma", "not in [0, 1]");
    if (!(c->lambda >= 0 && c->lambda <= 1)) return bad(where, "lambda", "not in [0, 1]");
    if (!(c->clip > 0 && c->clip < 1)) return bad(where, "clip", "not in (0, 1)");
    if (!(c->kl_coef >= 0 && c->kl_coef <= 1e6)) return bad(where, "kl_coef", "not in [0, 1e6]");
    if (!(c->kl_decay > 0 && c->kl_decay <= 1)) return bad(where, "kl_decay", "not in (0, 1]");
    if (!(c->vf_coef >= 0 && c->vf_coef <= 1e3)) return bad(where, "vf_coef", "not in [0, 1e3]");
    if (!(c->ent_coef >= 0 && c->ent_coef <= 10)) return bad(where, "ent_coef", "not in [0, 10]");
    if (!(c->max_grad_norm >= 0)) return bad(where, "max_grad_norm", "negative");
    return STATUS_OK;
}

/* ---------------------------------------------------------------- JSON of the settings */

static json_t *config_to_json(const RlConfig *c) {
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->seed);
    return json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:s}", "world",
                     c->world, "envs", c->envs, "rollout", c->rollout, "epochs", c->epochs,
                     "minibatches", c->minibatches, "episode_ticks", c->episode_ticks, "lr", c->lr,
                     "gamma", c->gamma, "lambda", c->lambda, "clip", c->clip, "kl_coef", c->kl_coef,
                     "kl_decay", c->kl_decay, "vf_coef", c->vf_coef, "ent_coef", c->ent_coef,
                     "max_grad_norm", c->max_grad_norm, "seed", seed);
}

static Status config_from_json(const json_t *o, const char *where, RlConfig *c) {
    if (!json_is_object(o)) return bad(where, "rl", "missing or not an object");
    rl_config_default(c);
    const char *ints[] = {"envs", "rollout", "epochs", "minibatches", "episode_ticks"};
    int *idst[] = {&c->envs, &c->rollout, &c->epochs, &c->minibatches, &c->episode_ticks};
    for (int i = 0; i < 5; i++) {
        long long v = 0;
        Status st = jsonio_get_int(o, where, ints[i], 1, 0, 1 << 30, &v);
        if (st != STATUS_OK) return st;
        *idst[i] = (int)v;
    }
    const char *dbl[] = {"lr",       "gamma",   "lambda",   "clip",         "kl_coef",
                         "kl_decay", "vf_coef", "ent_coef", "max_grad_norm"};
    double *ddst[] = {&c->lr,       &c->gamma,   &c->lambda,   &c->clip,         &c->kl_coef,
                      &c->kl_decay, &c->vf_coef, &c->ent_coef, &c->max_grad_norm};
    for (int i = 0; i < 9; i++) {
        Status st = jsonio_get_number(o, where, dbl[i], 1, -1e9, 1e9, ddst[i]);
        if (st != STATUS_OK) return st;
    }
    const char *world = NULL, *seed = NULL;
    Status st = jsonio_get_string(o, where, "world", 1, &world);
    if (st == STATUS_OK) st = jsonio_get_string(o, where, "seed", 1, &seed);
    if (st != STATUS_OK) return st;
    snprintf(c->world, sizeof c->world, "%s", world);
    char *end = NULL;
    c->seed = strtoull(seed, &end, 10);
    if (!*seed || *end) return bad(where, "seed", "not an unsigned integer");
    return rl_config_validate(c, where);
}

/* ---------------------------------------------------------------- hex blobs */

static json_t *hex_json(const void *data, size_t n) {
    static const char digits[] = "0123456789abcdef";
    const uint8_t *b = data;
    char *s = mem_alloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) s[2 * i] = digits[b[i] >> 4], s[2 * i + 1] = digits[b[i] & 15];
    s[2 * n] = 0;
    json_t *j = json_string(s);
    mem_free(s);
    return j;
}

static int hex_val(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

/* Decodes obj[field], which must be exactly n bytes of hex, into out. */
static Status hex_get(const json_t *obj, const char *where, const char *field, void *out,
                      size_t n) {
    const char *s = NULL;
    Status st = jsonio_get_string(obj, where, field, 1, &s);
    if (st != STATUS_OK) return st;
    if (strlen(s) != 2 * n) return bad(where, field, "hex blob of the wrong length");
    uint8_t *b = out;
    for (size_t i = 0; i < n; i++) {
        const int hi = hex_val(s[2 * i]), lo = hex_val(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return bad(where, field, "not lowercase hex");
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- save */

static json_t *state_json(const RlRun *r) {
    const size_t hs = sizeof(float) * (size_t)r->N * (size_t)r->Hd;
    json_t *recent = json_array();
    for (int i = 0; i < r->n_recent; i++) json_array_append_new(recent, json_real(r->recent[i]));
    json_t *envs = json_array();
    for (int i = 0; i < r->N; i++) {
        const RlEnvSlot *s = &r->slots[i];
        json_array_append_new(
            envs, json_pack("{s:I,s:o,s:o,s:f,s:o}", "episode", (json_int_t)s->episode, "seed",
                            hex_json(&s->seed, sizeof s->seed), "rng",
                            hex_json(&s->rng, sizeof s->rng), "return", s->ret, "actions",
                            hex_json(s->acts, sizeof(uint16_t) * 2 * (size_t)s->len)));
    }
    return json_pack("{s:I,s:I,s:I,s:I,s:o,s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o}", "update",
                     (json_int_t)r->update, "total_steps", (json_int_t)r->total_steps, "env_steps",
                     (json_int_t)r->env_steps, "episodes", (json_int_t)r->episodes, "rng",
                     hex_json(&r->rng, sizeof r->rng), "recent", recent, "recent_pos",
                     r->recent_pos, "policy_h", hex_json(r->h, hs), "policy_c", hex_json(r->c, hs),
                     "prior_h", hex_json(r->ph, hs), "prior_c", hex_json(r->pc, hs), "start",
                     hex_json(r->start, (size_t)r->N), "envs", envs);
}

Status rl_state_save(RlRun *r) {
    json_t *rl = config_to_json(&r->cfg);
    json_object_set_new(rl, "init", json_string(r->init));
    json_object_set_new(rl, "state", state_json(r));
    json_t *root =
        json_pack("{s:s,s:o,s:o,s:o}", "model", "rl", "bc", bc_config_to_json(&r->pol.cfg), "train",
                  json_pack("{s:I,s:f,s:I,s:s}", "seed", (json_int_t)(r->cfg.seed & INT64_MAX),
                            "lr", r->cfg.lr, "total_steps", (json_int_t)r->update, "data",
                            r->cfg.world[0] ? r->cfg.world : "default world"),
                  "rl", rl);
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    Status st = nn_checkpoint_save(r->ckpt, &r->pol.params, text, 1);
    free(text);
    if (st != STATUS_OK) LOG_ERROR(TAG, "%s: cannot write the checkpoint", r->ckpt);
    return st;
}

/* ---------------------------------------------------------------- resume */

Status rl_state_load_model(RlRun *r) {
    if (!fs_exists(r->ckpt)) {
        LOG_ERROR(TAG, "%s: no checkpoint to resume (run without --resume to start)", r->ckpt);
        return STATUS_NOT_FOUND;
    }
    NnStFile f;
    Status st = nn_st_load(r->ckpt, &f);
    if (st != STATUS_OK) return st;
    char where[1100];
    snprintf(where, sizeof where, "%s: __metadata__.config", r->ckpt);
    const char *text = nn_st_meta(&f, "config");
    json_t *root = NULL;
    if (!text) {
        LOG_ERROR(TAG, "%s: no __metadata__.config (not an RL checkpoint)", r->ckpt);
        st = STATUS_PARSE;
    } else {
        st = jsonio_load_buffer(text, strlen(text), where, 0, &root);
    }
    nn_st_free(&f);
    if (st != STATUS_OK) return STATUS_PARSE;
    const json_t *model = json_object_get(root, "model");
    const json_t *rl = json_object_get(root, "rl");
    const char *init = NULL;
    if (!json_is_string(model) || strcmp(json_string_value(model), "rl") != 0) {
        LOG_ERROR(TAG, "%s: field 'model': expected \"rl\" (not an RL checkpoint)", where);
        st = STATUS_PARSE;
    }
    if (st == STATUS_OK) st = config_from_json(rl, where, &r->cfg);
    if (st == STATUS_OK) st = jsonio_get_string(rl, where, "init", 1, &init);
    if (st == STATUS_OK && !json_is_object(json_object_get(rl, "state")))
        st = bad(where, "rl.state", "missing or not an object");
    if (st == STATUS_OK) {
        snprintf(r->init, sizeof r->init, "%s", init);
        r->resume = json_incref(json_object_get(rl, "state"));
    }
    json_decref(root);
    if (st != STATUS_OK) return STATUS_PARSE;
    st = bc_model_load(&r->pol, NULL, r->ckpt, 1);
    if (st == STATUS_OK && r->pol.val_w < 0) {
        LOG_ERROR(TAG, "%s: no value head", r->ckpt);
        st = STATUS_PARSE;
    }
    return st;
}

/* Replays env i's episode from its seed and logged actions. */
static void replay_env(RlRun *r, int i) {
    RlEnvSlot *s = &r->slots[i];
    env_reset(r->envs[i], s->seed);
    const RlHooks *hk = &r->o->hooks;
    if (hk->on_reset) hk->on_reset(hk->ctx, i, r->envs[i]);
    for (int64_t t = 0; t < s->len; t++) {
        Action a;
        bc_decode(&a, s->acts[2 * t], s->acts[2 * t + 1]);
        StepResult res = env_step(r->envs[i], &a);
        if (hk->reward) hk->reward(hk->ctx, i, r->envs[i], &res);
    }
}

static Status load_env(RlRun *r, const json_t *e, int i) {
    char where[1200];
    snprintf(where, sizeof where, "%s: __metadata__.config rl.state.envs[%d]", r->ckpt, i);
    RlEnvSlot *s = &r->slots[i];
    long long ep = 0;
    double ret = 0;
    Status st = jsonio_get_int(e, where, "episode", 1, 0, INT64_MAX, &ep);
    if (st == STATUS_OK) st = jsonio_get_number(e, where, "return", 1, -1e300, 1e300, &ret);
    if (st == STATUS_OK) st = hex_get(e, where, "seed", &s->seed, sizeof s->seed);
    if (st == STATUS_OK) st = hex_get(e, where, "rng", &s->rng, sizeof s->rng);
    const char *acts = NULL;
    if (st == STATUS_OK) st = jsonio_get_string(e, where, "actions", 1, &acts);
    if (st != STATUS_OK) return st;
    const size_t n = strlen(acts) / 8; /* 4 bytes = 8 hex digits per step */
    if (strlen(acts) % 8) return bad(where, "actions", "not whole (button, camera) pairs");
    s->episode = (uint64_t)ep, s->ret = ret;
    s->len = 0;
    for (size_t k = 0; k < n; k++) rl_slot_push(s, 0, 0);
    st = hex_get(e, where, "actions", s->acts, 4 * n);
    for (size_t k = 0; k < n && st == STATUS_OK; k++)
        if (s->acts[2 * k] >= BC_N_BUTTON_CLASSES || s->acts[2 * k + 1] >= BC_N_CAMERA_CLASSES)
            st = bad(where, "actions", "class out of range");
    if (st == STATUS_OK && s->seed != rl_episode_seed(r->cfg.seed, i, s->episode))
        st = bad(where, "seed", "does not match the run seed and episode");
    return st;
}

Status rl_state_load_run(RlRun *r) {
    const json_t *o = r->resume;
    char where[1100];
    snprintf(where, sizeof where, "%s: __metadata__.config rl.state", r->ckpt);
    long long u = 0, steps = 0, eps = 0, pos = 0, total = 0;
    Status st = jsonio_get_int(o, where, "update", 1, 0, INT64_MAX, &u);
    if (st == STATUS_OK) st = jsonio_get_int(o, where, "total_steps", 1, 1, INT64_MAX, &total);
    if (st == STATUS_OK) st = jsonio_get_int(o, where, "env_steps", 1, 0, INT64_MAX, &steps);
    if (st == STATUS_OK) st = jsonio_get_int(o, where, "episodes", 1, 0, INT64_MAX, &eps);
    if (st == STATUS_OK) st = jsonio_get_int(o, where, "recent_pos", 1, 0, RL_RECENT - 1, &pos);
    const size_t hs = sizeof(float) * (size_t)r->N * (size_t)r->Hd;
    if (st == STATUS_OK) st = hex_get(o, where, "rng", &r->rng, sizeof r->rng);
    if (st == STATUS_OK) st = hex_get(o, where, "policy_h", r->h, hs);
    if (st == STATUS_OK) st = hex_get(o, where, "policy_c", r->c, hs);
    if (st == STATUS_OK) st = hex_get(o, where, "prior_h", r->ph, hs);
    if (st == STATUS_OK) st = hex_get(o, where, "prior_c", r->pc, hs);
    if (st == STATUS_OK) st = hex_get(o, where, "start", r->start, (size_t)r->N);
    if (st != STATUS_OK) return STATUS_PARSE;
    const json_t *recent = json_object_get(o, "recent");
    if (!json_is_array(recent) || json_array_size(recent) > RL_RECENT) {
        bad(where, "recent", "expected an array of at most 100 numbers");
        return STATUS_PARSE;
    }
    r->n_recent = (int)json_array_size(recent);
    for (int i = 0; i < r->n_recent; i++) {
        const json_t *x = json_array_get(recent, (size_t)i);
        if (!json_is_number(x)) {
            bad(where, "recent", "expected numbers");
            return STATUS_PARSE;
        }
        r->recent[i] = json_number_value(x);
    }
    const json_t *envs = json_object_get(o, "envs");
    if (!json_is_array(envs) || (int)json_array_size(envs) != r->N) {
        bad(where, "envs", "expected one entry per env");
        return STATUS_PARSE;
    }
    for (int i = 0; i < r->N; i++) {
        st = load_env(r, json_array_get(envs, (size_t)i), i);
        if (st != STATUS_OK) return STATUS_PARSE;
    }
    if (!r->total_steps) r->total_steps = total;
    r->update = u, r->env_steps = steps, r->episodes = eps, r->recent_pos = (int)pos;
    for (int i = 0; i < r->N; i++) replay_env(r, i);
    json_decref(r->resume);
    r->resume = NULL;
    return STATUS_OK;
}
