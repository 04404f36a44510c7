/* episode.h: running one episode of an Agent in an Env, and an evaluation over many seeds.
 *
 * The runner is the only code that steps the env for an agent: the agent gets `const Env *`
 * and returns an Action; the runner calls env_step with it. An optional per-tick callback sees
 * the action and the step result (data generation records video and action logs there).
 * Task items are tracked from the inventory: an item counts as obtained on the first tick it
 * is in an inventory slot (EvalEpisode.first_tick); the reward is the env's task reward.
 * Evaluation runs episodes on a thread pool, one env + one agent per job, results by index
 * (so the table is identical whatever --jobs). */
#ifndef AGENT_EPISODE_H
#define AGENT_EPISODE_H

#include <stdint.h>

#include "agent/agent.h"
#include "agent/evalstats.h"
#include "sim/env.h"

/* Per tick, after env_step: the action that was applied and its result. Return non-zero to
 * stop the episode early. */
typedef int (*EpisodeTickFn)(void *ctx, const Env *env, const Action *action,
                             const StepResult *result, const AgentInfo *info, int64_t tick);

typedef struct EpisodeOptions {
    int max_ticks;         /* <= 0: the preset's episode length (12,000 by default) */
    EpisodeTickFn on_tick; /* may be NULL */
    void *ctx;
} EpisodeOptions;

/* Resets env with seed, resets the agent with the same seed, plays; fills out. */
void episode_run(Agent *agent, Env *env, uint64_t seed, const EpisodeOptions *opt,
                 EvalEpisode *out);

typedef struct EvalConfig {
    const char *policy;        /* "scripted[:persona]" | "random" */
    const WorldPreset *preset; /* the world */
    uint64_t seed0;            /* episode i uses seed0 + i */
    int episodes;
    int jobs;      /* threads; <= 0 means one per CPU */
    int max_ticks; /* <= 0: the preset's episode length */
    int progress;  /* 1: show a progress bar */
} EvalConfig;

/* Runs the evaluation; eps receives `episodes` results in seed order. STATUS_INVALID_ARGUMENT
 * (logged) for an unknown policy. */
Status eval_run(const EvalConfig *cfg, EvalEpisode *eps);

/* Marks the task items in the inventory as obtained at `tick` (first time only). */
void episode_track_items(const Env *env, int64_t tick, EvalEpisode *ep);

#endif
