/* rl.h: RL fine-tuning of the BC policy (VPT's last stage; DESIGN.md section 1 step 5):
 * PPO with GAE over N vectorized envs and a KL penalty towards the frozen BC prior.
 *
 * Policy = the BC model (bc.h: ImpalaCNN -> LSTM -> buttons 8641 + camera 121) plus a value
 * head (head.value.{w,b}, a linear layer on the LSTM output, zero at start). The LSTM state is
 * carried across steps and zeroed at each episode start; the state at each rollout chunk's start
 * is kept so the update replays the chunk's sequences exactly (episode starts inside a chunk
 * reset the state through the LSTM's `first` flags).
 *
 * Loss of one sample (means over the minibatch):
 *   PPO clipped surrogate  -min(r A, clip(r, 1-e, 1+e) A), r = exp(logp - logp_old), where
 *                          logp = log pi(buttons) + [camera-on] log pi(camera) (the joint action);
 *   value                  vf_coef * 0.5 (V - R)^2, R the GAE return;
 *   KL to the prior        kl_coef * KL(pi || pi_BC) of the joint action distribution:
 *                          KL_btn + P_pi(camera-on) * KL_cam (exact: the camera class only exists
 *                          when camera-on), pi_BC the frozen initial model on the same frames
 *                          and state history; kl_coef decays by kl_decay per update;
 *   entropy bonus          -ent_coef * H (H = H_btn + P(camera-on) H_cam).
 * Advantages are normalised per minibatch. Episode ends at the episode length are treated as
 * terminal (no bootstrap across them).
 *
 * Checkpoints (OUT/rl.safetensors, atomic) are BC checkpoints with metadata model "rl": the BC
 * tensor names plus head.value.{w,b} and the AdamW state, so `bc:OUT/rl.safetensors` plays in
 * `vpt eval`/`vpt watch`. Their config also holds the run's settings and its whole state (update,
 * RNGs, LSTM states, each env's episode seed and the actions since its start, replayed on
 * resume), so --resume continues bit-identically. OUT/prior.safetensors is the frozen prior;
 * OUT/metrics.jsonl has one line per update.
 * Determinism: a run is a function of (init checkpoint, world, settings, seed, threads). */
#ifndef AGENT_RL_H
#define AGENT_RL_H

#include <stdint.h>

#include "agent/bc.h"
#include "core/status.h"
#include "nn/nn.h"
#include "sim/env.h"

/* ---------------------------------------------------------------- math (tests use these) */

/* GAE over N rows of T steps, (N,T) row-major: done[t] = the episode ended with step t (no
 * bootstrap from t+1); last_val (N) = V of the state after step T-1. adv, ret (N,T). */
void rl_gae(float *adv, float *ret, const float *rew, const float *val, const uint8_t *done,
            const float *last_val, int N, int T, float gamma, float lambda);

/* PPO clipped surrogate of one sample: returns -min(r A, clip(r, 1-e, 1+e) A) with
 * r = exp(logratio); *dlogratio = its derivative by logratio; *clipped = the clipped branch is
 * the active one (gradient 0). */
double rl_ppo_surrogate(double logratio, double adv, double clip, double *dlogratio, int *clipped);

/* log pi of the joint action (button class b, camera class c) from log-softmaxed heads. */
double rl_joint_logprob(const float *logp_btn, const float *logp_cam, int b, int c);

/* KL(p || q) of the joint action distribution of one sample from log-softmaxed heads; logq_btn,
 * logq_cam NULL means q = 1 (the result is then -entropy). ACCUMULATES scale * d/dlogits into
 * dbtn (8641) and dcam (121) (either may be NULL). */
double rl_joint_kl(float *dbtn, float *dcam, const float *logp_btn, const float *logp_cam,
                   const float *logq_btn, const float *logq_cam, float scale);

typedef struct RlLossCoefs {
    float clip, vf_coef, kl_coef, ent_coef;
} RlLossCoefs;

typedef struct RlLossStats {
    double loss, pg_loss, v_loss, kl, entropy, clip_frac, approx_kl;
} RlLossStats;

/* The loss of N samples (means) from the model outputs btn (N,8641), cam (N,121), val (N)
 * (logits, not normalised), the taken actions, old log-probs, advantages (used as given: the
 * caller normalises), returns and the prior's log-softmaxed heads (N,8641), (N,121). Gradients
 * of the mean loss by btn, cam, val are written (overwritten) to dbtn, dcam, dval. */
void rl_loss(RlLossStats *st, float *dbtn, float *dcam, float *dval, const float *btn,
             const float *cam, const float *val, const int32_t *a_btn, const int32_t *a_cam,
             const float *logp_old, const float *adv, const float *ret, const float *prior_btn,
             const float *prior_cam, int64_t N, const RlLossCoefs *c);

/* ---------------------------------------------------------------- model */

/* Activations of one forward pass (in the caller's arena). */
typedef struct RlActs {
    int B, T, train;
    NnImpalaActs cnn;
    float *feat, *ln, *ln_mean, *ln_rstd, *seq, *gates, *cs, *xw;
    float *btn, *cam, *val; /* (B*T, 8641), (B*T, 121), (B*T) (val NULL without value head) */
    float *hT, *cT;         /* (B, hidden) final state */
} RlActs;

/* B sequences of T frames (B,T,H,W,3) in [0,1] from state h0, c0 (B, hidden; NULL = zeros);
 * first (B,T) or NULL resets the state before a step. train keeps what backward needs (else
 * the CNN runs in its inference form). Works on models with or without the value head. */
void rl_model_forward(BcModel *m, NnCtx *ctx, NnArena *ar, RlActs *a, const float *frames,
                      const float *h0, const float *c0, const uint8_t *first, int B, int T,
                      int train);
/* Backward of a train forward: ACCUMULATES into m's gradients from dbtn, dcam, dval (dval may
 * be NULL). */
void rl_model_backward(BcModel *m, NnCtx *ctx, NnArena *ar, const RlActs *a, const float *frames,
                       const float *h0, const float *c0, const uint8_t *first, const float *dbtn,
                       const float *dcam, const float *dval);

/* ---------------------------------------------------------------- training */

/* Settings of a run (saved in the checkpoint; fixed for its life). */
typedef struct RlConfig {
    char world[512];   /* world preset file; "" = the built-in default world */
    int envs, rollout; /* N envs, T steps per env per update */
    int epochs, minibatches;
    int episode_ticks; /* 0: the preset's episode length */
    double lr, gamma, lambda, clip, kl_coef, kl_decay, vf_coef, ent_coef, max_grad_norm;
    uint64_t seed;
} RlConfig;

void rl_config_default(RlConfig *c);
Status rl_config_validate(const RlConfig *c, const char *where);

/* Test hooks (NULL in the CLI): on_reset runs after each env reset; reward replaces the env's
 * task reward (res is the env's step result). Called on the training thread in env order. */
typedef struct RlHooks {
    void *ctx;
    void (*on_reset)(void *ctx, int env_index, Env *env);
    float (*reward)(void *ctx, int env_index, const Env *env, const StepResult *res);
} RlHooks;

typedef struct RlTrainOptions {
    const char *init; /* BC checkpoint (a new run; ignored with resume) */
    const char *out;  /* run folder */
    RlConfig cfg;     /* a new run's settings (resume takes the checkpoint's) */
    int64_t steps;    /* total env steps of the run (resume: 0 keeps the checkpoint's) */
    int save_every;   /* updates between checkpoints (the last update always saves) */
    int threads, resume, progress;
    RlHooks hooks;
} RlTrainOptions;

void rl_train_options_default(RlTrainOptions *o);

typedef struct RlUpdateStats {
    int64_t update, env_steps, episodes; /* after this update; episodes ended in it */
    double reward_per_step;              /* mean reward per env step in the rollout */
    double episode_reward;               /* mean return of the last <= 100 episodes (NaN none) */
    RlLossStats loss;                    /* mean over the update's minibatches */
    double kl_coef, grad_norm;
    double steps_per_s; /* env steps/s of the rollout (render + policy + env step) */
    double seconds;     /* the whole update: rollout, prior pass, PPO epochs */
} RlUpdateStats;

typedef struct RlTrainReport {
    int64_t updates, env_steps, params, start_update;
    RlUpdateStats first, last;
    double seconds, steps_per_s, updates_per_s;
} RlTrainReport;

/* Runs (or with o->resume continues) the run in o->out. Optional per-update callback. */
typedef void (*RlUpdateFn)(void *ctx, const RlUpdateStats *u);
Status rl_train(const RlTrainOptions *o, RlTrainReport *rep, RlUpdateFn on_update, void *ctx);

#endif
