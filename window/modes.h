/* modes.h: the three window modes.
 *   play:   a person plays (keyboard and mouse drive the native action).
 *   watch:  agents play live, with an overlay of their keys, mouse, top action probabilities,
 *           their own 64x64 view, reward and items obtained; pause, single step, 1x/4x/max,
 *           restart with a new seed, switch agents (tiles when several).
 *   record: contractor mode: play while the canonical 640x360 frames and the VPT jsonl of
 *           the person's actions are recorded in 5-minute segments, queued for upload.
 * Each returns a process exit code. */
#ifndef WINDOW_MODES_H
#define WINDOW_MODES_H

#include <stdint.h>

#include "sim/env.h"
#include "window/app.h"

typedef struct GameOptions {
    const char *world; /* preset file or built-in name (default, flat, void) */
    uint64_t seed;
    int seed_given;
} GameOptions;

/* Opens the env for a GameOptions (NULL and a message on a bad preset). */
Env *window_open_env(const GameOptions *g);

int window_play(const WindowOptions *wo, const GameOptions *g);

/* What an agent tells the watch overlay about its last action. */
typedef struct WatchInfo {
    char goal[64];
    int n_probs;
    char prob_label[5][32];
    float prob[5];
} WatchInfo;

/* Any agent: scripted, random or (later) a learned policy. obs64 is the agent's own 64x64
 * RGB view (the canonical renderer's observation). */
typedef struct WatchAgent {
    void *ctx;
    const char *name;
    void (*reset)(void *ctx, const Env *env, uint64_t seed);
    void (*act)(void *ctx, const Env *env, const uint8_t *obs64, Action *out, WatchInfo *info);
    void (*destroy)(void *ctx);
} WatchAgent;

/* Creates agent number i (for --agents N) for a policy string; returns 0 on failure. */
typedef int (*WatchAgentFactory)(const char *policy, int index, uint64_t seed, WatchAgent *out);

int window_watch(const WindowOptions *wo, const GameOptions *g, const char *policy, int n_agents,
                 WatchAgentFactory factory);

typedef struct RecordOptions {
    const char *out_dir;      /* where segments go (default recordings/) */
    const char *task;         /* shown to the contractor */
    const char *upload_url;   /* NULL: no upload */
    const char *upload_token; /* may be NULL */
    int segment_ticks;        /* default 6000 (5 minutes) */
} RecordOptions;

int window_record(const WindowOptions *wo, const GameOptions *g, const RecordOptions *ro);

#endif
