/* bc.h: the behavioral-cloning (BC) policy (VPT's BC stage; DESIGN.md sections 1 and 3):
 * its action encoding, its model, `vpt bc train`, and the "bc:CKPT" agent.
 *
 * Encoding (VPT's joint one): the buttons head is one categorical over
 *   hotbar 10 (none, 1..9) x forward/back 3 x left/right 3 x sprint/sneak 3 x use 2 x drop 2
 *   x attack 2 x jump 2 x camera-on 2 = 8640 classes, plus one exclusive inventory class (8640).
 * Class index = mixed radix in that order (hotbar most significant, camera-on least), so the
 * null action is class 0. Opposite keys held together (forward+back, left+right, sprint+sneak)
 * mean neither; several hotbar keys mean the lowest one. Inventory overrides every other key
 * and forces a null camera. The camera head is the joint 11 x 11 = 121 bins (pitch bin * 11 +
 * yaw bin, idm.h's mu-law bins); camera-on is set when either bin is not the null bin, and the
 * camera class only counts (loss, decoding) when camera-on.
 * Invariant: bc_encode(bc_decode(c, k)) == (c, k) for every class c and, where c has camera-on,
 * every non-null camera class k.
 *
 * Model: frames (B,T,64,64,3) in [0,1] -> ImpalaCNN 16/32/32 -> dense 256 -> layer norm (keeps
 * the LSTM's gates out of saturation when the CNN's scale grows) -> LSTM 256 (causal,
 * state carried between calls) -> heads 8641 and 121. Loss = CE(buttons) + CE(camera) over the
 * frames that are not VPT null actions (VPT's BC skips them), camera CE only where camera-on.
 * Checkpoints are nn/ safetensors whose metadata "config" is {"model": "bc", "bc": {...},
 * "train": {...}}; loading rebuilds the model from it, errors name the file and field/tensor. */
#ifndef AGENT_BC_H
#define AGENT_BC_H

#include <stdint.h>

#include "agent/agent.h"
#include "core/status.h"
#include "nn/nn.h"
#include "sim/action.h"

/* ---------------------------------------------------------------- action encoding */

#define BC_N_JOINT 8640
#define BC_INVENTORY_CLASS 8640
#define BC_N_BUTTON_CLASSES 8641
#define BC_N_CAMERA_CLASSES 121
#define BC_CAMERA_NULL_CLASS 60 /* pitch bin 5, yaw bin 5 */

typedef struct BcTarget {
    int32_t buttons; /* [0, 8641) */
    int32_t camera;  /* [0, 121); meaningful only when bc_class_camera_on(buttons) */
} BcTarget;

void bc_encode(BcTarget *out, const Action *a);
/* The Action of a (button class, camera class): keys of the class, mouse counts of the camera
 * bin centres when camera-on (zero otherwise). */
void bc_decode(Action *out, int32_t button_class, int32_t camera_class);
int bc_class_camera_on(int32_t button_class);
/* Training targets of T frames: VPT null-action frames (vpt_null[t] != 0) get buttons = camera
 * = -1 (out of the loss, as VPT's BC skips them); the others bc_encode their action. */
void bc_targets_from_window(BcTarget *out, const Action *actions, const uint8_t *vpt_null, int T);
/* Short label of a button class ("fwd+atk+cam", "inventory", "null"); buf >= 24 bytes. */
void bc_class_label(int32_t button_class, char *buf, int n);

/* ---------------------------------------------------------------- model */

typedef struct BcConfig {
    int frame_h, frame_w;             /* 64x64 */
    int n_stacks;                     /* 3 */
    int widths[NN_IMPALA_MAX_STACKS]; /* 16/32/32 */
    int dense, hidden;                /* 256, 256 */
} BcConfig;

void bc_config_default(BcConfig *c);
Status bc_config_validate(const BcConfig *c, const char *where);

typedef struct BcModel {
    BcConfig cfg;
    NnParams params;
    NnImpala cnn;
    int ln_g, ln_b, lstm_wih, lstm_whh, lstm_bih, lstm_bhh, btn_w, btn_b, cam_w, cam_b;
    int val_w, val_b; /* value head (RL checkpoints, agent/rl.h); -1 when absent */
} BcModel;

void bc_model_init(BcModel *m, const BcConfig *cfg, uint64_t seed);
/* The same plus, when value_head, the RL value head head.value.{w,b} ((1, hidden), (1); zeros,
 * registered after the BC tensors and drawing nothing from the init Rng, so the BC weights equal
 * bc_model_init's for the same seed). RL checkpoints (metadata model "rl") carry it;
 * bc_model_load loads both kinds and the bc:CKPT agent ignores the value head. */
void bc_model_init_value(BcModel *m, const BcConfig *cfg, uint64_t seed, int value_head);
/* The "bc" object of a checkpoint config (a new jansson reference). */
struct json_t *bc_config_to_json(const BcConfig *c);
void bc_model_deinit(BcModel *m); /* accepts NULL */

typedef struct BcTrainMeta {
    uint64_t seed;
    int batch, window;
    double lr;
    int64_t total_steps;
    char data[256];
} BcTrainMeta;

/* Atomic save (optionally with the AdamW state and step). */
Status bc_model_save(const BcModel *m, const BcTrainMeta *meta, const char *path,
                     int with_optimizer);
/* Rebuilds *m from PATH's config and loads its tensors; meta may be NULL. On failure *m is
 * deinitialised and the error (file, field or tensor) logged. */
Status bc_model_load(BcModel *m, BcTrainMeta *meta, const char *path, int with_optimizer);

typedef struct BcStepStats {
    double loss, btn_loss, cam_loss;
    int64_t frames, used, cam_used; /* frames seen, not null (in the loss), camera-on */
    int64_t btn_correct;            /* argmax == target over the used frames */
} BcStepStats;

/* Forward + backward of B windows of T frames from a zero LSTM state. targets (B*T); a frame
 * whose buttons target is < 0 is left out of the loss (null action). Gradients in m->params
 * (zeroed first); does not step the optimizer. */
void bc_train_step(BcModel *m, NnCtx *ctx, NnArena *arena, const float *frames,
                   const BcTarget *targets, int B, int T, BcStepStats *st);
/* The same with the losses' gradients divided by btn_denom (frames in the button loss) and
 * cam_denom (camera-on frames) instead of this batch's own counts (0 = own count): a
 * data-parallel rank passes the global batch's counts (bc_targets_count summed over ranks) so
 * that the ranks' summed gradients are one process's. The stats' losses stay this batch's means. */
void bc_train_step_norm(BcModel *m, NnCtx *ctx, NnArena *arena, const float *frames,
                        const BcTarget *targets, int B, int T, int64_t btn_denom, int64_t cam_denom,
                        BcStepStats *st);
/* One data-parallel step (dist/dist.h) on this rank's B windows of the global batch: the
 * losses' denominators are the global batch's counts (one all-reduce), the gradients are then
 * summed over the ranks (so every rank holds one process's gradient of the global batch) and
 * so are the stats (losses become the global batch's means). bc_train_step on one process.
 * A collective: every rank calls it once per step. */
Status bc_train_step_dist(BcModel *m, NnCtx *ctx, NnArena *arena, const float *frames,
                          const BcTarget *targets, int B, int T, BcStepStats *st);
/* Frames of n targets in the button loss (*used) and in the camera loss (*cam_used), counted as
 * bc_train_step counts them. */
void bc_targets_count(const BcTarget *targets, int64_t n, int64_t *used, int64_t *cam_used);

/* Recurrent state of B rows (h, c each (B, hidden)). */
typedef struct BcState {
    int B, hidden;
    float *h, *c;
} BcState;
void bc_state_init(BcState *s, int B, int hidden); /* zeros */
void bc_state_deinit(BcState *s);
/* One step of inference for B rows: frames (B,H,W,3) in [0,1]; updates *s; logits in the
 * arena: btn (B,8641), cam (B,121). */
void bc_infer_step(BcModel *m, NnCtx *ctx, NnArena *arena, BcState *s, const float *frames,
                   float **btn_logits, float **cam_logits);

/* ---------------------------------------------------------------- training */

typedef struct BcTrainOptions {
    const char *data, *out; /* dataset (with actions) and checkpoint; metrics OUT.metrics.jsonl */
    BcConfig cfg;
    int64_t steps;
    int batch, window, threads, loader_threads;
    double lr, weight_decay, clip, val_fraction;
    uint64_t seed;
    int64_t log_every;
    int progress;
} BcTrainOptions;

void bc_train_options_default(BcTrainOptions *o);

typedef struct BcTrainReport {
    int64_t steps, params, episodes, frames, null_frames;
    double first_loss, last_loss, last_btn_acc, seconds, frames_per_s;
} BcTrainReport;

Status bc_train(const BcTrainOptions *o, BcTrainReport *rep);

/* ---------------------------------------------------------------- agent */

/* The BC policy as an Agent (kind "bc"): each act renders the env at the model size, runs one
 * LSTM step and samples both heads with the Rng seeded by reset. NULL (logged) when the
 * checkpoint cannot be loaded. */
Agent *bc_agent_create(const char *ckpt, uint64_t seed);

#endif
