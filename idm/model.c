/* model.c: the IDM network (idm.h): temporal conv 5x1x1 -> ReLU -> ImpalaCNN per frame -> dense
 * -> non-causal transformer blocks -> 20 button logits + 2 x 11 camera logits; its config, its
 * checkpoints, and clip labelling with overlapping windows.
 * Parameters live in the model's NnParams; activations in the caller's arena (the caller resets
 * it between steps). Names: tconv.{w,b}, cnn.*, tfK.*, head.btn.{w,b}, head.cam.{w,b}. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "idm/idm.h"

#define TAG "idm"

void idm_config_default(IdmConfig *c) {
    memset(c, 0, sizeof *c);
    c->frame_h = c->frame_w = 64;
    c->window = 32;
    c->tconv_ch = 16;
    c->tconv_k = 5;
    c->n_stacks = 3;
    c->widths[0] = 16;
    c->widths[1] = 32;
    c->widths[2] = 32;
    c->dense = 256;
    c->blocks = 1;
    c->heads = 8;
    c->rel = 16;
}

static Status bad_field(const char *where, const char *field, const char *why) {
    LOG_ERROR(TAG, "%s: field '%s': %s", where, field, why);
    return STATUS_INVALID_ARGUMENT;
}

Status idm_config_validate(const IdmConfig *c, const char *where) {
    if (c->frame_h < 8 || c->frame_h > 512) return bad_field(where, "frame_h", "not in [8, 512]");
    if (c->frame_w < 8 || c->frame_w > 512) return bad_field(where, "frame_w", "not in [8, 512]");
    if (c->window < 1 || c->window > 1024) return bad_field(where, "window", "not in [1, 1024]");
    if (c->tconv_ch < 1 || c->tconv_ch > 256)
        return bad_field(where, "tconv_ch", "not in [1, 256]");
    if (c->tconv_k < 1 || c->tconv_k > 15 || c->tconv_k % 2 == 0)
        return bad_field(where, "tconv_k", "must be odd, in [1, 15]");
    if (c->n_stacks < 1 || c->n_stacks > NN_IMPALA_MAX_STACKS)
        return bad_field(where, "n_stacks", "not in [1, 4]");
    for (int i = 0; i < c->n_stacks; i++)
        if (c->widths[i] < 1 || c->widths[i] > 1024)
            return bad_field(where, "widths", "each width must be in [1, 1024]");
    if (c->dense < 1 || c->dense > 4096) return bad_field(where, "dense", "not in [1, 4096]");
    if (c->blocks < 0 || c->blocks > IDM_MAX_BLOCKS)
        return bad_field(where, "blocks", "not in [0, 4]");
    if (c->heads < 1 || c->dense % c->heads != 0)
        return bad_field(where, "heads", "must be >= 1 and divide dense");
    if (c->rel < 0 || c->rel > 1024) return bad_field(where, "rel", "not in [0, 1024]");
    return STATUS_OK;
}

json_t *idm_config_to_json(const IdmConfig *c) {
    json_t *w = json_array();
    for (int i = 0; i < c->n_stacks; i++) json_array_append_new(w, json_integer(c->widths[i]));
    return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:o,s:i,s:i,s:i,s:i}", "frame_h", c->frame_h,
                     "frame_w", c->frame_w, "window", c->window, "tconv_ch", c->tconv_ch, "tconv_k",
                     c->tconv_k, "n_stacks", c->n_stacks, "widths", w, "dense", c->dense, "blocks",
                     c->blocks, "heads", c->heads, "rel", c->rel);
}

Status idm_config_from_json(const json_t *o, const char *where, IdmConfig *c) {
    static const char *const keys[] = {"frame_h", "frame_w",  "window", "tconv_ch",
                                       "tconv_k", "n_stacks", "widths", "dense",
                                       "blocks",  "heads",    "rel",    NULL};
    if (!json_is_object(o)) return bad_field(where, "idm", "not an object");
    Status st = jsonio_check_keys(o, where, keys);
    if (st != STATUS_OK) return st;
    memset(c, 0, sizeof *c);
    long long v[10];
    const char *ints[10] = {"frame_h",  "frame_w", "window", "tconv_ch", "tconv_k",
                            "n_stacks", "dense",   "blocks", "heads",    "rel"};
    for (int i = 0; i < 10; i++) {
        st = jsonio_get_int(o, where, ints[i], 1, 0, 1 << 20, &v[i]);
        if (st != STATUS_OK) return st;
    }
    c->frame_h = (int)v[0], c->frame_w = (int)v[1], c->window = (int)v[2];
    c->tconv_ch = (int)v[3], c->tconv_k = (int)v[4], c->n_stacks = (int)v[5];
    c->dense = (int)v[6], c->blocks = (int)v[7], c->heads = (int)v[8], c->rel = (int)v[9];
    const json_t *w = json_object_get(o, "widths");
    if (!json_is_array(w) || (int)json_array_size(w) != c->n_stacks || c->n_stacks < 1 ||
        c->n_stacks > NN_IMPALA_MAX_STACKS)
        return bad_field(where, "widths", "expected an array of n_stacks (1..4) integers");
    for (int i = 0; i < c->n_stacks; i++) {
        const json_t *x = json_array_get(w, (size_t)i);
        if (!json_is_integer(x)) return bad_field(where, "widths", "expected integers");
        c->widths[i] = (int)json_integer_value(x);
    }
    return idm_config_validate(c, where);
}

Status idm_config_compare(const IdmConfig *want, const IdmConfig *have, const char *where) {
    struct {
        const char *name;
        int a, b;
    } f[] = {
        {"frame_h", want->frame_h, have->frame_h}, {"frame_w", want->frame_w, have->frame_w},
        {"window", want->window, have->window},    {"tconv_ch", want->tconv_ch, have->tconv_ch},
        {"tconv_k", want->tconv_k, have->tconv_k}, {"n_stacks", want->n_stacks, have->n_stacks},
        {"dense", want->dense, have->dense},       {"blocks", want->blocks, have->blocks},
        {"heads", want->heads, have->heads},       {"rel", want->rel, have->rel}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (f[i].a != f[i].b) {
            LOG_ERROR(TAG, "%s: config field '%s' is %d in the request but %d in the checkpoint",
                      where, f[i].name, f[i].a, f[i].b);
            return STATUS_INVALID_ARGUMENT;
        }
    }
    for (int i = 0; i < want->n_stacks; i++) {
        if (want->widths[i] != have->widths[i]) {
            LOG_ERROR(TAG,
                      "%s: config field 'widths[%d]' is %d in the request but %d in the "
                      "checkpoint",
                      where, i, want->widths[i], have->widths[i]);
            return STATUS_INVALID_ARGUMENT;
        }
    }
    return STATUS_OK;
}

void idm_model_init(IdmModel *m, const IdmConfig *cfg, uint64_t seed) {
    ASSERT(idm_config_validate(cfg, "idm_model_init") == STATUS_OK);
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    NnParams *p = &m->params;
    nn_params_init(p);
    const int C = 3, O = cfg->tconv_ch, K = cfg->tconv_k, D = cfg->dense;
    m->tconv_w = nn_params_add(p, "tconv.w", 3, (int64_t[]){O, K, C}, 1);
    m->tconv_b = nn_params_add(p, "tconv.b", 1, (int64_t[]){O}, 0);
    nn_impala_init(&m->cnn, p, "cnn", cfg->frame_h, cfg->frame_w, O, cfg->n_stacks, cfg->widths, D);
    for (int k = 0; k < cfg->blocks; k++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "tf%d", k);
        nn_transformer_init(&m->tf[k], p, prefix, D, cfg->heads, 0, 0, cfg->rel);
    }
    m->btn_w = nn_params_add(p, "head.btn.w", 2, (int64_t[]){IDM_N_BUTTONS, D}, 1);
    m->btn_b = nn_params_add(p, "head.btn.b", 1, (int64_t[]){IDM_N_BUTTONS}, 0);
    m->cam_w = nn_params_add(p, "head.cam.w", 2, (int64_t[]){2 * IDM_CAMERA_BINS, D}, 1);
    m->cam_b = nn_params_add(p, "head.cam.b", 1, (int64_t[]){2 * IDM_CAMERA_BINS}, 0);
    nn_params_alloc(p);
    Rng rng;
    rng_seed(&rng, seed);
    float bt = 1.0f / sqrtf((float)(K * C)), bh = 1.0f / sqrtf((float)D);
    nn_params_fill_uniform(p, m->tconv_w, bt, &rng);
    nn_params_fill_uniform(p, m->tconv_b, bt, &rng);
    nn_impala_reset_params(&m->cnn, p, &rng);
    for (int k = 0; k < cfg->blocks; k++) nn_transformer_reset_params(&m->tf[k], p, &rng);
    nn_params_fill_uniform(p, m->btn_w, bh, &rng);
    nn_params_fill_uniform(p, m->btn_b, bh, &rng);
    nn_params_fill_uniform(p, m->cam_w, bh, &rng);
    nn_params_fill_uniform(p, m->cam_b, bh, &rng);
}

void idm_model_deinit(IdmModel *m) {
    if (!m) return;
    nn_params_deinit(&m->params);
    memset(m, 0, sizeof *m);
}

int64_t idm_model_param_count(const IdmModel *m) { return m->params.total; }

Status idm_model_save(const IdmModel *m, const IdmTrainMeta *meta, const char *path,
                      int with_optimizer) {
    json_t *root = json_pack("{s:s,s:o}", "model", "idm", "idm", idm_config_to_json(&m->cfg));
    if (meta) {
        json_object_set_new(root, "train",
                            json_pack("{s:f,s:I,s:i,s:f,s:I}", "val_fraction", meta->val_fraction,
                                      "seed", (json_int_t)meta->seed, "batch", meta->batch, "lr",
                                      meta->lr, "total_steps", (json_int_t)meta->total_steps));
    }
    char *cfg = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    Status st = nn_checkpoint_save(path, &m->params, cfg, with_optimizer);
    free(cfg);
    return st;
}

static Status read_meta(const json_t *t, const char *where, IdmTrainMeta *meta) {
    memset(meta, 0, sizeof *meta);
    if (!t) return STATUS_OK;
    long long seed = 0, batch = 0, steps = 0;
    Status st = jsonio_get_number(t, where, "val_fraction", 0, 0.0, 1.0, &meta->val_fraction);
    if (st == STATUS_OK) st = jsonio_get_int(t, where, "seed", 0, 0, INT64_MAX, &seed);
    if (st == STATUS_OK) st = jsonio_get_int(t, where, "batch", 0, 0, 1 << 20, &batch);
    if (st == STATUS_OK) st = jsonio_get_number(t, where, "lr", 0, 0.0, 1e3, &meta->lr);
    if (st == STATUS_OK) st = jsonio_get_int(t, where, "total_steps", 0, 0, INT64_MAX, &steps);
    meta->seed = (uint64_t)seed, meta->batch = (int)batch, meta->total_steps = steps;
    return st;
}

Status idm_model_load(IdmModel *m, IdmTrainMeta *meta, const char *path, int with_optimizer) {
    memset(m, 0, sizeof *m);
    NnStFile f;
    Status st = nn_st_load(path, &f);
    if (st != STATUS_OK) return st;
    char where[600];
    snprintf(where, sizeof where, "%s: __metadata__.config", path);
    const char *cfg_text = nn_st_meta(&f, "config"), *step_text = nn_st_meta(&f, "step");
    const long long step = step_text ? atoll(step_text) : 0;
    json_t *root = NULL;
    if (!cfg_text) {
        LOG_ERROR(TAG, "%s: no __metadata__.config (not an IDM checkpoint)", path);
        st = STATUS_PARSE;
    } else {
        st = jsonio_load_buffer(cfg_text, strlen(cfg_text), where, 0, &root);
    }
    nn_st_free(&f);
    if (st != STATUS_OK) return st;
    const json_t *model = json_object_get(root, "model");
    IdmConfig cfg;
    IdmTrainMeta tm;
    if (!json_is_string(model) || strcmp(json_string_value(model), "idm") != 0) {
        LOG_ERROR(TAG, "%s: field 'model': expected \"idm\" (not an IDM checkpoint)", where);
        st = STATUS_PARSE;
    }
    if (st == STATUS_OK) st = idm_config_from_json(json_object_get(root, "idm"), where, &cfg);
    if (st == STATUS_OK) st = read_meta(json_object_get(root, "train"), where, &tm);
    json_decref(root);
    if (st != STATUS_OK) return st == STATUS_INVALID_ARGUMENT ? STATUS_PARSE : st;
    idm_model_init(m, &cfg, 0);
    st = nn_checkpoint_load(path, &m->params, with_optimizer, NULL);
    if (st != STATUS_OK) {
        idm_model_deinit(m);
        return st;
    }
    if (!with_optimizer) m->params.step = step; /* for reports: which training step this is */
    if (meta) *meta = tm;
    return STATUS_OK;
}

void idm_frames_to_float(float *out, const uint8_t *in, int64_t n_bytes) {
    for (int64_t i = 0; i < n_bytes; i++) out[i] = (float)in[i] * (1.0f / 255.0f);
}

void idm_forward(IdmModel *m, NnCtx *ctx, NnArena *ar, IdmActs *a, const float *frames, int B,
                 int T) {
    const IdmConfig *c = &m->cfg;
    const NnParams *p = &m->params;
    const int P = c->frame_h * c->frame_w, O = c->tconv_ch, N = B * T, D = c->dense;
    a->B = B, a->T = T;
    a->tconv = nn_arena_alloc_uninit(ar, (int64_t)N * P * O);
    a->tconv_relu = nn_arena_alloc_uninit(ar, (int64_t)N * P * O);
    nn_tconv_forward(a->tconv, frames, nn_param(p, m->tconv_w), nn_param(p, m->tconv_b), B, T, P, 3,
                     O, c->tconv_k, c->tconv_k / 2);
    nn_relu_forward(a->tconv_relu, a->tconv, (int64_t)N * P * O);
    nn_impala_forward(ctx, ar, &a->cnn, &m->cnn, p, a->tconv_relu, N);
    const float *x = a->cnn.out;
    for (int k = 0; k < c->blocks; k++) {
        nn_transformer_forward(ctx, ar, &a->tf[k], &m->tf[k], p, x, NULL, NULL, B, T, 0);
        x = a->tf[k].out;
    }
    a->seq = (float *)x;
    a->btn_logits = nn_arena_alloc_uninit(ar, (int64_t)N * IDM_N_BUTTONS);
    a->cam_logits = nn_arena_alloc_uninit(ar, (int64_t)N * 2 * IDM_CAMERA_BINS);
    nn_linear_forward(a->btn_logits, a->seq, nn_param(p, m->btn_w), nn_param(p, m->btn_b), N, D,
                      IDM_N_BUTTONS);
    nn_linear_forward(a->cam_logits, a->seq, nn_param(p, m->cam_w), nn_param(p, m->cam_b), N, D,
                      2 * IDM_CAMERA_BINS);
}

static int argmax(const float *x, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* Label of frame i from the logits of a forward pass. */
static void decode_frame(IdmLabel *out, const IdmActs *a, int64_t i) {
    const float *bl = a->btn_logits + i * IDM_N_BUTTONS;
    for (int b = 0; b < IDM_N_BUTTONS; b++) out->buttons[b] = bl[b] > 0.0f;
    const float *cl = a->cam_logits + i * 2 * IDM_CAMERA_BINS;
    out->camera[0] = argmax(cl, IDM_CAMERA_BINS);
    out->camera[1] = argmax(cl + IDM_CAMERA_BINS, IDM_CAMERA_BINS);
}

void idm_train_step(IdmModel *m, NnCtx *ctx, NnArena *ar, const float *frames,
                    const IdmLabel *targets, int B, int T, IdmStepStats *st) {
    const IdmConfig *c = &m->cfg;
    NnParams *p = &m->params;
    const int N = B * T, D = c->dense, P = c->frame_h * c->frame_w, O = c->tconv_ch;
    IdmActs a;
    idm_forward(m, ctx, ar, &a, frames, B, T);
    float *tb = nn_arena_alloc_uninit(ar, (int64_t)N * IDM_N_BUTTONS);
    int32_t *tc = (int32_t *)nn_arena_alloc_uninit(ar, (int64_t)N * 2);
    memset(st, 0, sizeof *st);
    for (int i = 0; i < N; i++) {
        IdmLabel pred;
        decode_frame(&pred, &a, i);
        for (int b = 0; b < IDM_N_BUTTONS; b++) {
            tb[i * IDM_N_BUTTONS + b] = targets[i].buttons[b];
            st->btn_correct += pred.buttons[b] == targets[i].buttons[b];
        }
        for (int k = 0; k < 2; k++) {
            tc[2 * i + k] = targets[i].camera[k];
            st->cam_correct += pred.camera[k] == targets[i].camera[k];
        }
    }
    st->btn_total = (int64_t)N * IDM_N_BUTTONS;
    st->cam_total = (int64_t)N * 2;
    float *dbtn = nn_arena_alloc_uninit(ar, (int64_t)N * IDM_N_BUTTONS);
    float *dcam = nn_arena_alloc_uninit(ar, (int64_t)N * 2 * IDM_CAMERA_BINS);
    /* Sum over the 20 buttons of their mean BCE, and the sum of the two camera CEs. */
    st->btn_loss = IDM_N_BUTTONS * nn_bce_logits(dbtn, a.btn_logits, tb, (int64_t)N * IDM_N_BUTTONS,
                                                 (float)IDM_N_BUTTONS);
    st->cam_loss =
        2.0 * nn_softmax_xent(dcam, a.cam_logits, tc, (int64_t)N * 2, IDM_CAMERA_BINS, 2.0f);
    st->loss = st->btn_loss + st->cam_loss;
    nn_params_zero_grad(p);
    float *dseq = nn_arena_alloc(ar, (int64_t)N * D);
    nn_linear_backward(dseq, nn_grad(p, m->btn_w), nn_grad(p, m->btn_b), dbtn, a.seq,
                       nn_param(p, m->btn_w), N, D, IDM_N_BUTTONS);
    nn_linear_backward(dseq, nn_grad(p, m->cam_w), nn_grad(p, m->cam_b), dcam, a.seq,
                       nn_param(p, m->cam_w), N, D, 2 * IDM_CAMERA_BINS);
    for (int k = c->blocks - 1; k >= 0; k--) {
        const float *xin = k == 0 ? a.cnn.out : a.tf[k - 1].out;
        float *dx = nn_arena_alloc(ar, (int64_t)N * D);
        nn_transformer_backward(ctx, ar, dx, &m->tf[k], p, &a.tf[k], xin, dseq);
        dseq = dx;
    }
    float *dimg = nn_arena_alloc(ar, (int64_t)N * P * O);
    nn_impala_backward(ctx, ar, dimg, &m->cnn, p, &a.cnn, a.tconv_relu, dseq);
    float *dtc = nn_arena_alloc(ar, (int64_t)N * P * O);
    nn_relu_backward(dtc, dimg, a.tconv_relu, (int64_t)N * P * O);
    nn_tconv_backward(NULL, nn_grad(p, m->tconv_w), nn_grad(p, m->tconv_b), dtc, frames,
                      nn_param(p, m->tconv_w), B, T, P, 3, O, c->tconv_k, c->tconv_k / 2);
}

int64_t idm_window_count(int64_t n, int T) {
    ASSERT(n >= 0 && T >= 1);
    if (n <= T) return n > 0 ? 1 : 0;
    const int margin = T / 4, stride = T - 2 * margin;
    /* Windows at 0, stride, 2 stride, ... until one reaches the end (the last is clamped). */
    return 1 + (n - T + stride - 1) / stride;
}

int64_t idm_window_plan(int64_t n, int T, int64_t *starts, int64_t *from, int64_t *to) {
    const int64_t count = idm_window_count(n, T);
    if (count == 0) return 0;
    if (n <= T) {
        starts[0] = 0, from[0] = 0, to[0] = n;
        return 1;
    }
    const int margin = T / 4, stride = T - 2 * margin;
    int64_t done = 0;
    for (int64_t k = 0; k < count; k++) {
        int64_t s = k * stride;
        if (s > n - T) s = n - T;
        starts[k] = s;
        from[k] = done;
        to[k] = k == count - 1 ? n : s + T - margin;
        done = to[k];
    }
    return count;
}

#define IDM_PREDICT_BATCH 4

void idm_predict_clip(IdmModel *m, NnCtx *ctx, NnArena *ar, const uint8_t *frames, int64_t n,
                      IdmLabel *out) {
    const IdmConfig *c = &m->cfg;
    const int64_t count = idm_window_count(n, c->window);
    if (count == 0) return;
    const int T = n < c->window ? (int)n : c->window;
    const int64_t fbytes = (int64_t)c->frame_h * c->frame_w * 3;
    int64_t *plan = mem_alloc(sizeof(int64_t) * 3 * (size_t)count);
    idm_window_plan(n, c->window, plan, plan + count, plan + 2 * count);
    for (int64_t k0 = 0; k0 < count; k0 += IDM_PREDICT_BATCH) {
        const int B = (int)(count - k0 < IDM_PREDICT_BATCH ? count - k0 : IDM_PREDICT_BATCH);
        nn_arena_reset(ar);
        float *x = nn_arena_alloc_uninit(ar, (int64_t)B * T * fbytes);
        for (int b = 0; b < B; b++)
            idm_frames_to_float(x + (int64_t)b * T * fbytes, frames + plan[k0 + b] * fbytes,
                                (int64_t)T * fbytes);
        IdmActs a;
        idm_forward(m, ctx, ar, &a, x, B, T);
        for (int b = 0; b < B; b++) {
            const int64_t k = k0 + b, s = plan[k];
            for (int64_t i = plan[count + k]; i < plan[2 * count + k]; i++)
                decode_frame(&out[i], &a, (int64_t)b * T + (i - s));
        }
    }
    nn_arena_reset(ar);
    mem_free(plan);
}
