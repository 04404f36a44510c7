/* rl_internal.h: the state of one RL run shared by rl_train.c (rollouts, updates) and
 * rl_state.c (settings JSON, checkpoints with the whole run state, resume). Not public. */
#ifndef AGENT_RL_INTERNAL_H
#define AGENT_RL_INTERNAL_H

#include <stdio.h>

#include "agent/rl.h"
#include "core/pool.h"
#include "core/rng.h"
#include "render/render.h"
#include "sim/preset.h"

#define RL_RECENT 100 /* episode returns averaged in the metrics */

/* One env and its episode bookkeeping. acts holds the (button, camera) classes of every step
 * since the episode started: replayed from the episode seed on resume. */
typedef struct RlEnvSlot {
    Rng rng;          /* action sampling */
    uint64_t episode; /* episodes started by this env before the current one */
    uint64_t seed;    /* the current episode's seed */
    double ret;       /* return so far */
    uint16_t *acts;   /* 2 per step */
    int64_t len, cap; /* steps so far, capacity (steps) */
} RlEnvSlot;

typedef struct RlRun {
    const RlTrainOptions *o;
    RlConfig cfg;
    char init[512]; /* where the prior came from */
    WorldPreset preset;
    BcModel pol, prior;
    NnCtx ctx;
    NnArena arena;
    ThreadPool *pool;
    Renderer *renderer;
    int N, T, H, W, Hd;
    Env **envs;
    RenderCache **caches; /* one per env: its view, frame after frame */
    RlEnvSlot *slots;
    float *h, *c;        /* policy LSTM state now (N, Hd) */
    float *ph, *pc;      /* prior LSTM state at the next chunk's start (N, Hd) */
    uint8_t *start;      /* (N) the next step is an episode's first */
    Rng rng;             /* minibatch order */
    int64_t update;      /* updates done */
    int64_t total_steps; /* env steps the run is asked for (saved: resume's default) */
    int64_t env_steps;   /* env steps done */
    int64_t episodes;    /* episodes ended */
    double recent[RL_RECENT];
    int n_recent, recent_pos;
    /* rollout of one update, (N, T) row-major per env */
    uint8_t *obs; /* (N, T, H, W, 3) */
    int32_t *a_btn, *a_cam;
    float *logp, *val, *rew, *adv, *ret;
    uint8_t *done, *first;
    float *h0, *c0;               /* policy state at the chunk start (N, Hd) */
    float *last_val;              /* (N) */
    float *prior_btn, *prior_cam; /* prior log-softmax (N, T, 8641), (N, T, 121) */
    float *frames;                /* float frames of up to N*T images */
    uint8_t *rgb;                 /* (N, H, W, 3) one step's renders */
    char ckpt[1024], prior_path[1024], metrics_path[1024];
    FILE *metrics;
    struct json_t *resume; /* the checkpoint's "rl.state" between the two resume steps */
} RlRun;

/* Starts episode slots[i].episode of env i (reset when `reset`; the env's creation did it
 * otherwise): zero LSTM state, empty action log, hooks. */
void rl_episode_begin(RlRun *r, int i, int reset);
/* The seed of episode e of env i. */
uint64_t rl_episode_seed(uint64_t run_seed, int i, uint64_t e);
/* Appends one step's action to env i's log. */
void rl_slot_push(RlEnvSlot *s, int btn, int cam);

/* The checkpoint of the run as it stands (atomic). */
Status rl_state_save(RlRun *r);
/* Reads OUT/rl.safetensors: settings into r->cfg, the policy and optimizer into r->pol. */
Status rl_state_load_model(RlRun *r);
/* After the envs are created: restores the run state (RNGs, LSTM states, episodes replayed). */
Status rl_state_load_run(RlRun *r);

#endif
