/* episode.c: episode runner and the parallel evaluation (see episode.h). */
#include "agent/episode.h"

#include <stdatomic.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/progress.h"
#include "sim/inventory.h"

void episode_track_items(const Env *env, int64_t tick, EvalEpisode *ep) {
    const Inventory *inv = &env_player(env)->inventory;
    const EvalItemDef *defs = eval_items();
    for (int i = 0; i < EVAL_N_ITEMS; i++) {
        if (ep->first_tick[i] >= 0) continue;
        for (int k = 0; k < INVENTORY_SLOTS; k++) {
            if (inv->slots[k].count > 0 && inv->slots[k].item == defs[i].item) {
                ep->first_tick[i] = (int)tick;
                break;
            }
        }
    }
}

void episode_run(Agent *agent, Env *env, uint64_t seed, const EpisodeOptions *opt,
                 EvalEpisode *out) {
    env_reset(env, seed);
    agent_reset(agent, env, seed);
    eval_episode_init(out);
    int max_ticks = opt && opt->max_ticks > 0 ? opt->max_ticks : env_preset(env)->episode_length;
    if (max_ticks <= 0) max_ticks = 12000;
    for (int64_t t = 0; t < max_ticks; t++) {
        Action a;
        AgentInfo info;
        agent_act(agent, env, NULL, 0, 0, &a, &info);
        StepResult r = env_step(env, &a);
        out->reward += r.reward;
        episode_track_items(env, t + 1, out);
        if (opt && opt->on_tick && opt->on_tick(opt->ctx, env, &a, &r, &info, t)) break;
        if (r.done) break;
    }
}

typedef struct EvalJob {
    const EvalConfig *cfg;
    EvalEpisode *eps;
    atomic_int done;
    atomic_int bad;
} EvalJob;

static void eval_range(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    EvalJob *job = ctx;
    for (int64_t i = begin; i < end; i++) {
        uint64_t seed = job->cfg->seed0 + (uint64_t)i;
        Agent *agent = agent_create(job->cfg->policy, seed);
        if (!agent) {
            atomic_store(&job->bad, 1);
            return;
        }
        Env *env = env_create(job->cfg->preset, seed);
        EpisodeOptions opt = {job->cfg->max_ticks, NULL, NULL};
        episode_run(agent, env, seed, &opt, &job->eps[i]);
        env_destroy(env);
        agent_destroy(agent);
        atomic_fetch_add(&job->done, 1);
    }
}

Status eval_run(const EvalConfig *cfg, EvalEpisode *eps) {
    Agent *probe = agent_create(cfg->policy, 0);
    if (!probe) return STATUS_INVALID_ARGUMENT;
    agent_destroy(probe);
    EvalJob job = {cfg, eps, 0, 0};
    int jobs = cfg->jobs > 0 ? cfg->jobs : pool_cpu_count();
    if (jobs > cfg->episodes) jobs = cfg->episodes;
    ThreadPool *pool = jobs > 1 ? pool_create(jobs) : NULL;
    Progress *p = cfg->progress ? progress_create("eval", cfg->episodes, "episodes") : NULL;
    /* Chunks of one episode so the bar moves; results go by index, so order is irrelevant. */
    for (int start = 0; start < cfg->episodes; start += jobs) {
        int n = cfg->episodes - start < jobs ? cfg->episodes - start : jobs;
        EvalJob sub = {cfg, eps + start, 0, 0};
        EvalConfig shifted = *cfg;
        shifted.seed0 = cfg->seed0 + (uint64_t)start;
        sub.cfg = &shifted;
        pool_parallel_for(pool, n, 1, eval_range, &sub);
        if (atomic_load(&sub.bad)) job.bad = 1;
        if (p) progress_update(p, start + n);
    }
    progress_finish(p);
    pool_destroy(pool);
    return atomic_load(&job.bad) ? STATUS_INTERNAL : STATUS_OK;
}
