/* bc_model.c: the BC policy network (bc.h): ImpalaCNN -> dense -> LSTM -> heads 8641 + 121,
 * its config and checkpoints, the masked training step and one-step inference with a carried
 * LSTM state. Parameters: cnn.*, ln.{g,b} (layer norm of the CNN features), lstm.{wih,whh,bih,bhh},
 * head.btn.{w,b}, head.cam.{w,b}. Activations live in the caller's arena (reset by the caller
 * between steps). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agent/bc.h"
#include "core/alloc.h"
#include "core/jsonio.h"
#include "core/log.h"

#define TAG "bc"

void bc_config_default(BcConfig *c) {
    memset(c, 0, sizeof *c);
    c->frame_h = c->frame_w = 64;
    c->n_stacks = 3;
    c->widths[0] = 16;
    c->widths[1] = 32;
    c->widths[2] = 32;
    c->dense = 256;
    c->hidden = 256;
}

static Status bad_field(const char *where, const char *field, const char *why) {
    LOG_ERROR(TAG, "%s: field '%s': %s", where, field, why);
    return STATUS_INVALID_ARGUMENT;
}

Status bc_config_validate(const BcConfig *c, const char *where) {
    if (c->frame_h < 8 || c->frame_h > 512) return bad_field(where, "frame_h", "not in [8, 512]");
    if (c->frame_w < 8 || c->frame_w > 512) return bad_field(where, "frame_w", "not in [8, 512]");
    if (c->n_stacks < 1 || c->n_stacks > NN_IMPALA_MAX_STACKS)
        return bad_field(where, "n_stacks", "not in [1, 4]");
    for (int i = 0; i < c->n_stacks; i++)
        if (c->widths[i] < 1 || c->widths[i] > 1024)
            return bad_field(where, "widths", "each width must be in [1, 1024]");
    if (c->dense < 1 || c->dense > 4096) return bad_field(where, "dense", "not in [1, 4096]");
    if (c->hidden < 1 || c->hidden > 4096) return bad_field(where, "hidden", "not in [1, 4096]");
    return STATUS_OK;
}

json_t *bc_config_to_json(const BcConfig *c) {
    json_t *w = json_array();
    for (int i = 0; i < c->n_stacks; i++) json_array_append_new(w, json_integer(c->widths[i]));
    return json_pack("{s:i,s:i,s:i,s:o,s:i,s:i}", "frame_h", c->frame_h, "frame_w", c->frame_w,
                     "n_stacks", c->n_stacks, "widths", w, "dense", c->dense, "hidden", c->hidden);
}

static Status config_from_json(const json_t *o, const char *where, BcConfig *c) {
    static const char *const keys[] = {"frame_h", "frame_w", "n_stacks", "widths",
                                       "dense",   "hidden",  NULL};
    if (!json_is_object(o)) return bad_field(where, "bc", "missing or not an object");
    Status st = jsonio_check_keys(o, where, keys);
    if (st != STATUS_OK) return st;
    memset(c, 0, sizeof *c);
    const char *ints[5] = {"frame_h", "frame_w", "n_stacks", "dense", "hidden"};
    long long v[5];
    for (int i = 0; i < 5; i++) {
        st = jsonio_get_int(o, where, ints[i], 1, 1, 1 << 20, &v[i]);
        if (st != STATUS_OK) return st;
    }
    c->frame_h = (int)v[0], c->frame_w = (int)v[1], c->n_stacks = (int)v[2];
    c->dense = (int)v[3], c->hidden = (int)v[4];
    const json_t *w = json_object_get(o, "widths");
    if (!json_is_array(w) || (int)json_array_size(w) != c->n_stacks ||
        c->n_stacks > NN_IMPALA_MAX_STACKS)
        return bad_field(where, "widths", "expected an array of n_stacks (1..4) integers");
    for (int i = 0; i < c->n_stacks; i++) {
        const json_t *x = json_array_get(w, (size_t)i);
        if (!json_is_integer(x)) return bad_field(where, "widths", "expected integers");
        c->widths[i] = (int)json_integer_value(x);
    }
    return bc_config_validate(c, where);
}

void bc_model_init(BcModel *m, const BcConfig *cfg, uint64_t seed) {
    bc_model_init_value(m, cfg, seed, 0);
}

void bc_model_init_value(BcModel *m, const BcConfig *cfg, uint64_t seed, int value_head) {
    ASSERT(bc_config_validate(cfg, "bc_model_init") == STATUS_OK);
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    NnParams *p = &m->params;
    nn_params_init(p);
    const int D = cfg->dense, Hd = cfg->hidden;
    nn_impala_init(&m->cnn, p, "cnn", cfg->frame_h, cfg->frame_w, 3, cfg->n_stacks, cfg->widths, D);
    m->ln_g = nn_params_add(p, "ln.g", 1, (int64_t[]){D}, 0);
    m->ln_b = nn_params_add(p, "ln.b", 1, (int64_t[]){D}, 0);
    m->lstm_wih = nn_params_add(p, "lstm.wih", 2, (int64_t[]){4 * Hd, D}, 1);
    m->lstm_whh = nn_params_add(p, "lstm.whh", 2, (int64_t[]){4 * Hd, Hd}, 1);
    m->lstm_bih = nn_params_add(p, "lstm.bih", 1, (int64_t[]){4 * Hd}, 0);
    m->lstm_bhh = nn_params_add(p, "lstm.bhh", 1, (int64_t[]){4 * Hd}, 0);
    m->btn_w = nn_params_add(p, "head.btn.w", 2, (int64_t[]){BC_N_BUTTON_CLASSES, Hd}, 1);
    m->btn_b = nn_params_add(p, "head.btn.b", 1, (int64_t[]){BC_N_BUTTON_CLASSES}, 0);
    m->cam_w = nn_params_add(p, "head.cam.w", 2, (int64_t[]){BC_N_CAMERA_CLASSES, Hd}, 1);
    m->cam_b = nn_params_add(p, "head.cam.b", 1, (int64_t[]){BC_N_CAMERA_CLASSES}, 0);
    m->val_w = value_head ? nn_params_add(p, "head.value.w", 2, (int64_t[]){1, Hd}, 1) : -1;
    m->val_b = value_head ? nn_params_add(p, "head.value.b", 1, (int64_t[]){1}, 0) : -1;
    nn_params_alloc(p);
    Rng rng;
    rng_seed(&rng, seed);
    nn_impala_reset_params(&m->cnn, p, &rng);
    nn_params_fill(p, m->ln_g, 1.0f);
    nn_params_fill(p, m->ln_b, 0.0f);
    const float bh = 1.0f / sqrtf((float)Hd);
    nn_params_fill_uniform(p, m->lstm_wih, bh, &rng);
    nn_params_fill_uniform(p, m->lstm_whh, bh, &rng);
    nn_params_fill_uniform(p, m->lstm_bih, bh, &rng);
    nn_params_fill_uniform(p, m->lstm_bhh, bh, &rng);
    /* Small heads: the initial policy is close to uniform. */
    nn_params_fill_uniform(p, m->btn_w, 0.1f * bh, &rng);
    nn_params_fill(p, m->btn_b, 0.0f);
    nn_params_fill_uniform(p, m->cam_w, 0.1f * bh, &rng);
    nn_params_fill(p, m->cam_b, 0.0f);
}

void bc_model_deinit(BcModel *m) {
    if (!m) return;
    nn_params_deinit(&m->params);
    memset(m, 0, sizeof *m);
}

Status bc_model_save(const BcModel *m, const BcTrainMeta *meta, const char *path,
                     int with_optimizer) {
    json_t *root = json_pack("{s:s,s:o}", "model", "bc", "bc", bc_config_to_json(&m->cfg));
    if (meta)
        json_object_set_new(root, "train",
                            json_pack("{s:I,s:i,s:i,s:f,s:I,s:s}", "seed", (json_int_t)meta->seed,
                                      "batch", meta->batch, "window", meta->window, "lr", meta->lr,
                                      "total_steps", (json_int_t)meta->total_steps, "data",
                                      meta->data));
    char *cfg = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    Status st = nn_checkpoint_save(path, &m->params, cfg, with_optimizer);
    free(cfg);
    return st;
}

static void read_meta(const json_t *t, BcTrainMeta *meta) {
    memset(meta, 0, sizeof *meta);
    if (!json_is_object(t)) return;
    long long v = 0;
    if (jsonio_get_int(t, "train", "seed", 0, 0, INT64_MAX, &v) == STATUS_OK)
        meta->seed = (uint64_t)v;
    v = 0;
    if (jsonio_get_int(t, "train", "batch", 0, 0, 1 << 20, &v) == STATUS_OK) meta->batch = (int)v;
    v = 0;
    if (jsonio_get_int(t, "train", "window", 0, 0, 1 << 20, &v) == STATUS_OK) meta->window = (int)v;
    v = 0;
    if (jsonio_get_int(t, "train", "total_steps", 0, 0, INT64_MAX, &v) == STATUS_OK)
        meta->total_steps = v;
    jsonio_get_number(t, "train", "lr", 0, 0.0, 1e3, &meta->lr);
    const char *d = NULL;
    if (jsonio_get_string(t, "train", "data", 0, &d) == STATUS_OK && d)
        snprintf(meta->data, sizeof meta->data, "%s", d);
}

Status bc_model_load(BcModel *m, BcTrainMeta *meta, const char *path, int with_optimizer) {
    memset(m, 0, sizeof *m);
    NnStFile f;
    Status st = nn_st_load(path, &f);
    if (st != STATUS_OK) {
        LOG_ERROR(TAG, "%s: cannot load the BC checkpoint", path);
        return st;
    }
    char where[600];
    snprintf(where, sizeof where, "%s: __metadata__.config", path);
    const char *text = nn_st_meta(&f, "config");
    json_t *root = NULL;
    if (!text) {
        LOG_ERROR(TAG, "%s: no __metadata__.config (not a BC checkpoint)", path);
        st = STATUS_PARSE;
    } else {
        st = jsonio_load_buffer(text, strlen(text), where, 0, &root);
    }
    nn_st_free(&f);
    if (st != STATUS_OK) return st;
    const json_t *model = json_object_get(root, "model");
    BcConfig cfg;
    const int is_rl = json_is_string(model) && strcmp(json_string_value(model), "rl") == 0;
    if (!is_rl && (!json_is_string(model) || strcmp(json_string_value(model), "bc") != 0)) {
        LOG_ERROR(TAG, "%s: field 'model': expected \"bc\" (not a BC checkpoint)", where);
        st = STATUS_PARSE;
    }
    if (st == STATUS_OK) st = config_from_json(json_object_get(root, "bc"), where, &cfg);
    if (st == STATUS_OK && meta) read_meta(json_object_get(root, "train"), meta);
    json_decref(root);
    if (st != STATUS_OK) return st == STATUS_INVALID_ARGUMENT ? STATUS_PARSE : st;
    bc_model_init_value(m, &cfg, 0, is_rl);
    st = nn_checkpoint_load(path, &m->params, with_optimizer, NULL);
    if (st != STATUS_OK) bc_model_deinit(m);
    return st;
}

typedef struct BcActs {
    NnImpalaActs cnn;
    float *ln, *ln_mean, *ln_rstd; /* layer norm of the CNN features (N, dense) */
    float *seq, *gates, *cs, *xw, *btn, *cam;
} BcActs;

static void lstm_shape(const BcModel *m, NnLstmShape *ls, int B, int T) {
    ls->B = B, ls->T = T, ls->In = m->cfg.dense, ls->Hd = m->cfg.hidden;
}

static void layer_norm(BcModel *m, NnArena *ar, BcActs *a, const float *feat, int64_t N) {
    const int D = m->cfg.dense;
    a->ln = nn_arena_alloc_uninit(ar, N * D);
    a->ln_mean = nn_arena_alloc_uninit(ar, N);
    a->ln_rstd = nn_arena_alloc_uninit(ar, N);
    nn_layernorm_forward(a->ln, a->ln_mean, a->ln_rstd, feat, nn_param(&m->params, m->ln_g),
                         nn_param(&m->params, m->ln_b), N, D);
}

static void heads_forward(BcModel *m, NnCtx *ctx, NnArena *ar, BcActs *a, int64_t N) {
    const NnParams *p = &m->params;
    const int Hd = m->cfg.hidden;
    a->btn = nn_arena_alloc_uninit(ar, N * BC_N_BUTTON_CLASSES);
    a->cam = nn_arena_alloc_uninit(ar, N * BC_N_CAMERA_CLASSES);
    nn_linear_forward_ctx(ctx, a->btn, a->seq, nn_param(p, m->btn_w), nn_param(p, m->btn_b), N, Hd,
                          BC_N_BUTTON_CLASSES);
    nn_linear_forward_ctx(ctx, a->cam, a->seq, nn_param(p, m->cam_w), nn_param(p, m->cam_b), N, Hd,
                          BC_N_CAMERA_CLASSES);
}

static int argmax(const float *x, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

void bc_train_step(BcModel *m, NnCtx *ctx, NnArena *ar, const float *frames,
                   const BcTarget *targets, int B, int T, BcStepStats *st) {
    bc_train_step_norm(m, ctx, ar, frames, targets, B, T, 0, 0, st);
}

void bc_train_step_norm(BcModel *m, NnCtx *ctx, NnArena *ar, const float *frames,
                        const BcTarget *targets, int B, int T, int64_t btn_denom, int64_t cam_denom,
                        BcStepStats *st) {
    NnParams *p = &m->params;
    const int64_t N = (int64_t)B * T;
    const int Hd = m->cfg.hidden, D = m->cfg.dense;
    BcActs a;
    nn_impala_forward(ctx, ar, &a.cnn, &m->cnn, p, frames, (int)N);
    layer_norm(m, ar, &a, a.cnn.out, N);
    NnLstmShape ls;
    lstm_shape(m, &ls, B, T);
    a.seq = nn_arena_alloc_uninit(ar, N * Hd);
    a.gates = nn_arena_alloc_uninit(ar, N * 4 * Hd);
    a.cs = nn_arena_alloc_uninit(ar, N * Hd);
    a.xw = nn_arena_alloc_uninit(ar, N * 4 * Hd);
    nn_lstm_forward_ctx(ctx, a.seq, a.gates, a.cs, NULL, NULL, a.xw, a.ln, NULL, NULL, NULL,
                        nn_param(p, m->lstm_wih), nn_param(p, m->lstm_whh),
                        nn_param(p, m->lstm_bih), nn_param(p, m->lstm_bhh), &ls);
    heads_forward(m, ctx, ar, &a, N);
    /* Targets: null frames (buttons < 0) out of both losses; camera only where camera-on. */
    int32_t *tb = (int32_t *)nn_arena_alloc_uninit(ar, N), *tc = (int32_t *)nn_arena_alloc(ar, N);
    memset(st, 0, sizeof *st);
    st->frames = N;
    for (int64_t i = 0; i < N; i++) {
        tb[i] = targets[i].buttons;
        tc[i] = tb[i] >= 0 && bc_class_camera_on(tb[i]) ? targets[i].camera : -1;
        if (tb[i] >= 0) {
            st->used++;
            st->btn_correct +=
                argmax(a.btn + i * BC_N_BUTTON_CLASSES, BC_N_BUTTON_CLASSES) == tb[i];
        }
        st->cam_used += tc[i] >= 0;
    }
    float *dbtn = nn_arena_alloc_uninit(ar, N * BC_N_BUTTON_CLASSES);
    float *dcam = nn_arena_alloc_uninit(ar, N * BC_N_CAMERA_CLASSES);
    /* Gradient scale 1/denom instead of 1/(this batch's count) when a denominator is given. */
    const float btn_scale = btn_denom > 0 ? (float)st->used / (float)btn_denom : 1.0f;
    const float cam_scale = cam_denom > 0 ? (float)st->cam_used / (float)cam_denom : 1.0f;
    st->btn_loss = nn_softmax_xent(dbtn, a.btn, tb, N, BC_N_BUTTON_CLASSES, btn_scale);
    st->cam_loss = nn_softmax_xent(dcam, a.cam, tc, N, BC_N_CAMERA_CLASSES, cam_scale);
    st->loss = st->btn_loss + st->cam_loss;
    nn_params_zero_grad_ctx(ctx, p);
    float *dseq = nn_arena_alloc(ar, N * Hd);
    nn_linear_backward_ctx(ctx, dseq, nn_grad(p, m->btn_w), nn_grad(p, m->btn_b), dbtn, a.seq,
                           nn_param(p, m->btn_w), N, Hd, BC_N_BUTTON_CLASSES);
    nn_linear_backward_ctx(ctx, dseq, nn_grad(p, m->cam_w), nn_grad(p, m->cam_b), dcam, a.seq,
                           nn_param(p, m->cam_w), N, Hd, BC_N_CAMERA_CLASSES);
    float *dln = nn_arena_alloc(ar, N * D), *dcnn = nn_arena_alloc(ar, N * D);
    float *dgates = nn_arena_alloc_uninit(ar, N * 4 * Hd);
    nn_lstm_backward_ctx(ctx, dln, nn_grad(p, m->lstm_wih), nn_grad(p, m->lstm_whh),
                         nn_grad(p, m->lstm_bih), nn_grad(p, m->lstm_bhh), NULL, NULL, dgates, dseq,
                         a.seq, a.gates, a.cs, a.ln, NULL, NULL, NULL, nn_param(p, m->lstm_wih),
                         nn_param(p, m->lstm_whh), &ls);
    nn_layernorm_backward(dcnn, nn_grad(p, m->ln_g), nn_grad(p, m->ln_b), dln, a.cnn.out,
                          nn_param(p, m->ln_g), a.ln_mean, a.ln_rstd, N, D);
    nn_impala_backward(ctx, ar, NULL, &m->cnn, p, &a.cnn, frames, dcnn);
}

void bc_targets_count(const BcTarget *targets, int64_t n, int64_t *used, int64_t *cam_used) {
    *used = *cam_used = 0;
    for (int64_t i = 0; i < n; i++) {
        const int32_t b = targets[i].buttons;
        *used += b >= 0;
        *cam_used += b >= 0 && bc_class_camera_on(b) && targets[i].camera >= 0;
    }
}

void bc_state_init(BcState *s, int B, int hidden) {
    s->B = B, s->hidden = hidden;
    s->h = mem_calloc((size_t)B * (size_t)hidden, sizeof(float));
    s->c = mem_calloc((size_t)B * (size_t)hidden, sizeof(float));
}

void bc_state_deinit(BcState *s) {
    if (!s) return;
    mem_free(s->h);
    mem_free(s->c);
    memset(s, 0, sizeof *s);
}

void bc_infer_step(BcModel *m, NnCtx *ctx, NnArena *ar, BcState *s, const float *frames,
                   float **btn_logits, float **cam_logits) {
    ASSERT(s->hidden == m->cfg.hidden);
    const NnParams *p = &m->params;
    const int B = s->B, Hd = m->cfg.hidden;
    BcActs a;
    float *feat = nn_arena_alloc_uninit(ar, (int64_t)B * m->cfg.dense);
    nn_impala_infer(ctx, ar, feat, &m->cnn, p, frames, B);
    layer_norm(m, ar, &a, feat, B);
    NnLstmShape ls;
    lstm_shape(m, &ls, B, 1);
    a.seq = nn_arena_alloc_uninit(ar, (int64_t)B * Hd);
    a.gates = nn_arena_alloc_uninit(ar, (int64_t)B * 4 * Hd);
    a.cs = nn_arena_alloc_uninit(ar, (int64_t)B * Hd);
    a.xw = nn_arena_alloc_uninit(ar, (int64_t)B * 4 * Hd);
    float *hT = nn_arena_alloc_uninit(ar, (int64_t)B * Hd);
    float *cT = nn_arena_alloc_uninit(ar, (int64_t)B * Hd);
    nn_lstm_forward_ctx(ctx, a.seq, a.gates, a.cs, hT, cT, a.xw, a.ln, s->h, s->c, NULL,
                        nn_param(p, m->lstm_wih), nn_param(p, m->lstm_whh),
                        nn_param(p, m->lstm_bih), nn_param(p, m->lstm_bhh), &ls);
    memcpy(s->h, hT, sizeof(float) * (size_t)B * (size_t)Hd);
    memcpy(s->c, cT, sizeof(float) * (size_t)B * (size_t)Hd);
    heads_forward(m, ctx, ar, &a, B);
    *btn_logits = a.btn;
    *cam_logits = a.cam;
}
