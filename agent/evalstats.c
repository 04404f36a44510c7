/* evalstats.c: tech-tree rates, median ticks and the reward interval (see evalstats.h). */
#include "agent/evalstats.h"

#include <math.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/log.h"

static const EvalItemDef ITEMS[EVAL_N_ITEMS] = {
    {"log", BLOCK_OAK_LOG},
    {"planks", BLOCK_OAK_PLANKS},
    {"stick", ITEM_STICK},
    {"crafting_table", BLOCK_CRAFTING_TABLE},
    {"wooden_pickaxe", ITEM_WOODEN_PICKAXE},
    {"cobblestone", BLOCK_COBBLESTONE},
    {"stone_pickaxe", ITEM_STONE_PICKAXE},
    {"furnace", BLOCK_FURNACE},
    {"coal", ITEM_COAL},
    {"torch", BLOCK_TORCH},
    {"iron_ore", BLOCK_IRON_ORE},
    {"iron_ingot", ITEM_IRON_INGOT},
    {"iron_pickaxe", ITEM_IRON_PICKAXE},
    {"diamond", ITEM_DIAMOND},
    {"diamond_pickaxe", ITEM_DIAMOND_PICKAXE},
};

const EvalItemDef *eval_items(void) { return ITEMS; }

void eval_episode_init(EvalEpisode *ep) {
    ep->reward = 0.0;
    for (int i = 0; i < EVAL_N_ITEMS; i++) ep->first_tick[i] = -1;
}

double eval_t95(int df) {
    ASSERT(df >= 1);
    static const double T[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df <= 30) return T[df - 1];
    /* Beyond 30 degrees of freedom: Cornish-Fisher style expansion around 1.96. */
    double z = 1.959964, d = (double)df;
    return z + (z * z * z + z) / (4.0 * d) +
           (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void eval_summarize(const EvalEpisode *eps, int n, EvalSummary *out) {
    ASSERT(n >= 1);
    out->episodes = n;
    double sum = 0.0;
    for (int e = 0; e < n; e++) sum += eps[e].reward;
    double mean = sum / n, ss = 0.0;
    for (int e = 0; e < n; e++) ss += (eps[e].reward - mean) * (eps[e].reward - mean);
    out->mean_reward = mean;
    if (n >= 2) {
        double half = eval_t95(n - 1) * sqrt(ss / (n - 1)) / sqrt((double)n);
        out->ci_lo = mean - half;
        out->ci_hi = mean + half;
    } else {
        out->ci_lo = out->ci_hi = mean;
    }
    int *ticks = MEM_NEW_ARRAY(int, (size_t)n);
    for (int i = 0; i < EVAL_N_ITEMS; i++) {
        int k = 0;
        for (int e = 0; e < n; e++)
            if (eps[e].first_tick[i] >= 0) ticks[k++] = eps[e].first_tick[i];
        out->items[i].rate = (double)k / n;
        if (k == 0) {
            out->items[i].median_tick = -1;
            continue;
        }
        qsort(ticks, (size_t)k, sizeof *ticks, cmp_int);
        out->items[i].median_tick = k % 2 ? ticks[k / 2] : (ticks[k / 2 - 1] + ticks[k / 2]) / 2;
    }
    mem_free(ticks);
}

static double round4(double v) { return round(v * 10000.0) / 10000.0; }

json_t *eval_summary_to_json(const EvalSummary *s) {
    json_t *root = json_object();
    json_object_set_new(root, "episodes", json_integer(s->episodes));
    json_object_set_new(root, "mean_reward", json_real(round4(s->mean_reward)));
    json_object_set_new(root, "reward_ci95",
                        json_pack("[f, f]", round4(s->ci_lo), round4(s->ci_hi)));
    json_t *items = json_object();
    for (int i = 0; i < EVAL_N_ITEMS; i++) {
        json_t *it = json_object();
        json_object_set_new(it, "rate", json_real(round4(s->items[i].rate)));
        json_object_set_new(it, "median_tick",
                            s->items[i].median_tick >= 0 ? json_integer(s->items[i].median_tick)
                                                         : json_null());
        json_object_set_new(items, ITEMS[i].name, it);
    }
    json_object_set_new(root, "items", items);
    return root;
}

void eval_summary_print(const EvalSummary *s, const char *title, FILE *out) {
    fprintf(out, "%s: %d episodes, mean reward %.3f (95%% CI %.3f .. %.3f)\n", title, s->episodes,
            s->mean_reward, s->ci_lo, s->ci_hi);
    fprintf(out, "  %-16s %7s %12s %9s\n", "item", "rate", "median tick", "(min:s)");
    for (int i = 0; i < EVAL_N_ITEMS; i++) {
        const EvalItemStat *it = &s->items[i];
        if (it->median_tick >= 0) {
            int secs = it->median_tick / 20;
            fprintf(out, "  %-16s %6.1f%% %12d %6d:%02d\n", ITEMS[i].name, 100.0 * it->rate,
                    it->median_tick, secs / 60, secs % 60);
        } else {
            fprintf(out, "  %-16s %6.1f%% %12s %9s\n", ITEMS[i].name, 100.0 * it->rate, "-", "-");
        }
    }
}
