/* idm.h: the inverse dynamics model (VPT's IDM; DESIGN.md sections 1, 3) and the model-side
 * action encoding shared with agent/.
 *
 * Encoding (owned here once): 20 independent binary buttons in VPT's order (attack, back,
 * forward, jump, left, right, sneak, sprint, use, drop, inventory, hotbar.1-9) and a camera of
 * 2 x 11 bins: mouse counts x 0.15 deg -> degrees, clipped to +-10, mu-law (mu 10) into 11 bins
 * per axis (nn_mulaw_*), axis 0 = pitch (mouse dy), axis 1 = yaw (mouse dx); bin 5 is the null
 * camera. The inverse gives an Action with the bin centre's mouse counts.
 *
 * Model: frames (B,T,H,W,3) in [0,1] -> temporal conv 5x1x1 over frames (zero padded, same T)
 * -> ReLU -> ImpalaCNN per frame -> dense -> `blocks` non-causal transformer blocks over time
 * -> heads: 20 button logits (BCE) and 2 x 11 camera logits (softmax CE per axis).
 * Frame i of a window is paired with action i (the action chosen while frame i was shown; its
 * effect is visible in the following frames, which the IDM sees).
 * Checkpoints are nn/ safetensors with the config JSON in the metadata; loading rebuilds the
 * model from that config, and resuming checks it against the requested one field by field. */
#ifndef IDM_IDM_H
#define IDM_IDM_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "core/status.h"
#include "nn/nn.h"
#include "sim/action.h"
#include "video/loader.h"

/* ---------------------------------------------------------------- action encoding */

#define IDM_N_BUTTONS 20
#define IDM_CAMERA_BINS 11
#define IDM_CAMERA_NULL_BIN 5
#define IDM_CAMERA_MAX_DEG 10.0f

/* VPT button i's native key and name ("attack", "hotbar.1"). */
ActionKey idm_button_key(int i);
const char *idm_button_name(int i);

typedef struct IdmLabel {
    uint8_t buttons[IDM_N_BUTTONS]; /* 0/1, VPT order */
    int32_t camera[2];              /* bins: [0] pitch (dy), [1] yaw (dx) */
} IdmLabel;

/* Camera degrees of a mouse count delta, not clipped. */
float idm_counts_to_degrees(float counts);
/* Bin of a camera angle in degrees (clipped to +-10, mu-law mu 10, 11 bins). */
int idm_camera_bin(float degrees);
/* Centre of a bin in degrees (0, +-0.615, +-1.609, +-3.215, +-5.809, +-10). */
float idm_camera_bin_degrees(int bin);
void idm_label_from_action(IdmLabel *out, const Action *a);
/* Keys of the 20 buttons (others up) and the bin centres as mouse counts. */
void idm_label_to_action(Action *out, const IdmLabel *l);
/* 1 if the label decodes to VPT's null action (no button, both camera bins null). */
int idm_label_is_null(const IdmLabel *l);

/* ---------------------------------------------------------------- model */

#define IDM_MAX_BLOCKS 4

typedef struct IdmConfig {
    int frame_h, frame_w;             /* model input size (64x64) */
    int window;                       /* T frames per window (32) */
    int tconv_ch, tconv_k;            /* temporal conv output channels (16), kernel (5) */
    int n_stacks;                     /* ImpalaCNN stacks (3) */
    int widths[NN_IMPALA_MAX_STACKS]; /* 16/32/32 */
    int dense;                        /* width of the dense layer and the transformer (256) */
    int blocks, heads, rel; /* non-causal transformer blocks (1), heads (8), rel. bias range (16) */
} IdmConfig;

void idm_config_default(IdmConfig *c);
/* Checks ranges (window >= 1, dense divisible by heads, ...); logs the field. */
Status idm_config_validate(const IdmConfig *c, const char *where);
/* The config as a JSON object (caller json_decref) / from one (every field required). */
json_t *idm_config_to_json(const IdmConfig *c);
Status idm_config_from_json(const json_t *o, const char *where, IdmConfig *c);
/* STATUS_INVALID_ARGUMENT naming the first field that differs ("window is 16 in the request
 * but 32 in CKPT"). */
Status idm_config_compare(const IdmConfig *want, const IdmConfig *have, const char *where);

typedef struct IdmModel {
    IdmConfig cfg;
    NnParams params;
    int tconv_w, tconv_b;
    NnImpala cnn;
    NnTransformer tf[IDM_MAX_BLOCKS];
    int btn_w, btn_b, cam_w, cam_b;
} IdmModel;

void idm_model_init(IdmModel *m, const IdmConfig *cfg, uint64_t seed);
void idm_model_deinit(IdmModel *m); /* accepts NULL */
int64_t idm_model_param_count(const IdmModel *m);

/* Training metadata kept in the checkpoint beside the architecture. */
typedef struct IdmTrainMeta {
    double val_fraction;
    uint64_t seed;
    int batch;
    double lr;
    int64_t total_steps;
} IdmTrainMeta;

/* Atomic save (values, optionally AdamW state and step; metadata "config" = {"idm": cfg,
 * "train": meta}). */
Status idm_model_save(const IdmModel *m, const IdmTrainMeta *meta, const char *path,
                      int with_optimizer);
/* Reads the config from PATH's metadata, initialises *m with it and loads the tensors (and the
 * optimizer state when with_optimizer). meta may be NULL. Errors name the file and the field or
 * tensor; on failure *m is left deinitialised. */
Status idm_model_load(IdmModel *m, IdmTrainMeta *meta, const char *path, int with_optimizer);

/* Activations of one forward pass (in the caller's arena). */
typedef struct IdmActs {
    int B, T;
    float *tconv, *tconv_relu; /* (B,T,H,W,tconv_ch) */
    NnImpalaActs cnn;
    NnTransformerActs tf[IDM_MAX_BLOCKS];
    float *seq;        /* (B,T,dense) output of the last block */
    float *btn_logits; /* (B,T,20) */
    float *cam_logits; /* (B,T,2,11) */
} IdmActs;

/* frames (B,T,H,W,3) floats in [0,1]. */
void idm_forward(IdmModel *m, NnCtx *ctx, NnArena *arena, IdmActs *a, const float *frames, int B,
                 int T);

typedef struct IdmStepStats {
    double loss, btn_loss, cam_loss;
    int64_t btn_correct, btn_total, cam_correct, cam_total;
} IdmStepStats;

/* Forward + backward of one batch: targets are labels (B*T); grads in m->params (zeroed
 * first). Loss = sum over buttons of mean BCE + CE(pitch) + CE(yaw). Does not step AdamW. */
void idm_train_step(IdmModel *m, NnCtx *ctx, NnArena *arena, const float *frames,
                    const IdmLabel *targets, int B, int T, IdmStepStats *st);

/* Frames uint8 (B,T,H,W,3) -> floats in [0,1] (B*T*H*W*3). */
void idm_frames_to_float(float *out, const uint8_t *in, int64_t n_bytes);

/* Labels of every frame of a clip of n frames (n,H,W,3) uint8, from overlapping windows of
 * cfg.window frames so that each frame's label comes from a window where it is not within
 * window/4 of an edge (except the clip's own first and last frames). */
void idm_predict_clip(IdmModel *m, NnCtx *ctx, NnArena *arena, const uint8_t *frames, int64_t n,
                      IdmLabel *out);

/* The window plan used by idm_predict_clip: window k starts at starts[k] (length min(T, n))
 * and labels frames [from[k], to[k]); the ranges tile [0, n) in order. Returns the number of
 * windows; arrays need idm_window_count(n, T) entries. */
int64_t idm_window_count(int64_t n, int T);
int64_t idm_window_plan(int64_t n, int T, int64_t *starts, int64_t *from, int64_t *to);

/* ---------------------------------------------------------------- evaluation statistics */

typedef struct IdmStats {
    int64_t frames;
    int64_t tp[IDM_N_BUTTONS], fp[IDM_N_BUTTONS], fn[IDM_N_BUTTONS], tn[IDM_N_BUTTONS];
    int64_t cam_correct[2];
    int64_t cam_truth_null[2]; /* frames whose true bin is the null bin (for the baseline) */
    double sum_y[2], sum_y2[2], sum_err2[2]; /* for R^2 of degrees (truth clipped to +-10) */
    int64_t null_frames, null_exact, nonnull_frames, nonnull_exact;
} IdmStats;

void idm_stats_init(IdmStats *s);
/* pred: the model's label of a frame; truth: the native action of that frame. */
void idm_stats_add(IdmStats *s, const IdmLabel *pred, const Action *truth);
/* Adds the counts and sums of `from` into `into` (stats of disjoint frame sets, e.g. the
 * episodes labelled by different MPI ranks). */
void idm_stats_merge(IdmStats *into, const IdmStats *from);
/* {"frames", "keypress_accuracy", "buttons": {name: {accuracy, f1, precision, recall,
 *  positives}}, "camera_accuracy": {pitch, yaw, mean}, "camera_r2": {pitch, yaw, mean},
 *  "null_frames": {frames, exact_accuracy}, "nonnull_frames": {...},
 *  "null_baseline": {keypress_accuracy, camera_accuracy}} (what always predicting the null
 *  action scores on the same frames: the floor a model has to beat) */
json_t *idm_stats_json(const IdmStats *s);
void idm_stats_print(const IdmStats *s, FILE *out);
/* Mean over buttons of per-button accuracy (VPT's keypress accuracy). */
double idm_stats_keypress_accuracy(const IdmStats *s);
double idm_stats_camera_accuracy(const IdmStats *s); /* mean of the two axes */

/* ---------------------------------------------------------------- train, eval, label */

typedef struct IdmTrainOptions {
    const char *data, *out; /* dataset folder; checkpoint path (metrics at OUT.metrics.jsonl) */
    IdmConfig cfg;
    int64_t steps; /* total optimizer steps (also when resuming) */
    int batch;
    double lr, val_fraction, weight_decay, clip;
    int threads;        /* compute threads (NnCtx pool; 1 = serial) */
    int loader_threads; /* decode lanes: part of the data order, keep it on resume */
    uint64_t seed;
    int resume;
    int64_t log_every, ckpt_every;
    int64_t stop_at; /* > 0: stop after this step as an interruption would (checkpoint kept) */
    int progress;
} IdmTrainOptions;

void idm_train_options_default(IdmTrainOptions *o);

typedef struct IdmTrainReport {
    int64_t steps_done, start_step;
    double last_loss, btn_acc, cam_acc, frames_per_s, seconds;
    int64_t params;
} IdmTrainReport;

Status idm_train(const IdmTrainOptions *o, IdmTrainReport *rep);

/* The global batch of one data-parallel training step (dist/dist.h; idm train and bc train):
 * rank 0 draws `batch` windows from its loader (the job decodes each window once), every rank
 * receives all of them and computes on its own shard (dist_batch_shard). */
typedef struct IdmBatch {
    int batch, T;
    int64_t window_bytes; /* T*H*W*3 */
    uint8_t *frames;      /* (batch,T,H,W,3) */
    Action *actions;      /* (batch,T) */
    uint8_t *vpt_null;    /* (batch,T) 1 where VPT's null action */
    VideoWindow win;      /* rank 0's scratch window */
} IdmBatch;

void idm_batch_init(IdmBatch *b, int batch, int T, int width, int height);
void idm_batch_deinit(IdmBatch *b); /* accepts NULL */
/* Fills *b with the next global batch: loader is rank 0's (other ranks pass NULL). STATUS_IO,
 * logged naming `data`, when the loader runs dry. A collective on several ranks. */
Status idm_batch_next(IdmBatch *b, VideoLoader *loader, const char *data);

/* Reads frames of an mp4 at the model size through the decoder (the one resize). *frames is
 * mem_alloc'd (n,H,W,3); caller mem_frees. */
Status idm_read_video(const char *path, int w, int h, uint8_t **frames, int64_t *n);
/* Reads a VPT jsonl into native actions (*actions mem_alloc'd). */
Status idm_read_actions(const char *path, Action **actions, int64_t *n);

typedef enum IdmSplit { IDM_SPLIT_VAL = 0, IDM_SPLIT_ALL, IDM_SPLIT_TRAIN } IdmSplit;

/* Labels every episode of the split (needs NAME.mp4 and NAME.jsonl) and accumulates stats.
 * val_fraction < 0 uses the checkpoint's. */
Status idm_eval_dataset(IdmModel *m, const IdmTrainMeta *meta, const char *data, IdmSplit split,
                        double val_fraction, int threads, IdmStats *stats, int *episodes);

typedef struct IdmLabelOptions {
    const char *data, *out, *truth; /* truth may be NULL */
    int threads;
    int progress;
    const char *model_path; /* recorded in the options files */
} IdmLabelOptions;

typedef struct IdmLabelReport {
    int episodes;
    int64_t frames;
    double seconds;
    int have_truth;
    IdmStats stats; /* vs truth when have_truth */
} IdmLabelReport;

/* Writes OUT/NAME.mp4 (hard link or copy), OUT/NAME.jsonl (one line per frame),
 * OUT/NAME-options.json and OUT/manifest.jsonl (provenance "idm-labeled"). */
Status idm_label_dataset(IdmModel *m, const IdmLabelOptions *o, IdmLabelReport *rep);

#endif
