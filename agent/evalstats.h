/* evalstats.h: statistics of an evaluation run: per task item, the fraction of episodes that
 * obtained it and the median tick it was first obtained; the mean episode reward with a 95%
 * confidence interval (Student t on the episode rewards).
 *
 * The JSON is exactly the issue's: {"episodes": N, "mean_reward": R, "reward_ci95": [lo, hi],
 * "items": {"log": {"rate": 0.93, "median_tick": 812}, ...}} with items in tech-tree order;
 * median_tick is null when no episode obtained the item.
 * Invariants: 0 <= rate <= 1; lo <= mean <= hi. */
#ifndef AGENT_EVALSTATS_H
#define AGENT_EVALSTATS_H

#include <jansson.h>
#include <stdio.h>

#include "core/status.h"
#include "sim/item.h"

/* The diamond-pickaxe tech tree (VPT's table), in order. */
enum { EVAL_N_ITEMS = 15 };

typedef struct EvalItemDef {
    const char *name; /* VPT's short name: "log", "planks", ..., "diamond_pickaxe" */
    ItemId item;      /* the sim's item id */
} EvalItemDef;

const EvalItemDef *eval_items(void);

/* One episode's outcome. first_tick[i] < 0 when item i was never obtained. */
typedef struct EvalEpisode {
    double reward;
    int first_tick[EVAL_N_ITEMS];
} EvalEpisode;

void eval_episode_init(EvalEpisode *ep);

typedef struct EvalItemStat {
    double rate;
    int median_tick; /* -1 when no episode obtained it */
} EvalItemStat;

typedef struct EvalSummary {
    int episodes;
    double mean_reward, ci_lo, ci_hi;
    EvalItemStat items[EVAL_N_ITEMS];
} EvalSummary;

/* Summarises n >= 1 episodes. */
void eval_summarize(const EvalEpisode *eps, int n, EvalSummary *out);
/* The JSON object (new reference). */
json_t *eval_summary_to_json(const EvalSummary *s);
/* Human-readable tech-tree table. */
void eval_summary_print(const EvalSummary *s, const char *title, FILE *out);

/* Two-sided 95% Student t quantile for df degrees of freedom (df >= 1). */
double eval_t95(int df);

#endif
