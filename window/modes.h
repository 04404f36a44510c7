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

/* Agents play live: policy is an agent spec ("scripted", "scripted:PERSONA", "random"; learned
 * policies plug in through agent/agent.h), n_agents of them on seeds seed, seed+1, ... */
int window_watch(const WindowOptions *wo, const GameOptions *g, const char *policy, int n_agents);

typedef struct RecordOptions {
    const char *out_dir;      /* where segments go (default recordings/) */
    const char *task;         /* shown to the contractor */
    const char *upload_url;   /* NULL: no upload */
    const char *upload_token; /* may be NULL */
    int segment_ticks;        /* default 6000 (5 minutes) */
} RecordOptions;

int window_record(const WindowOptions *wo, const GameOptions *g, const RecordOptions *ro);

#endif
