/* cmd_eval.c: `vpt eval`: plays N episodes of a policy on consecutive seeds and prints the
 * tech-tree table (rate and median tick per task item, mean reward with a 95% interval);
 * --json writes the JSON atomically. */
#include <stdio.h>
#include <string.h>

#include "agent/episode.h"
#include "agent/evalstats.h"
#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "sim/preset.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/sim_preset_path.h"

int cmd_eval(int argc, char **argv) {
    const char *policy = "scripted:speedrunner", *seeds = NULL, *json_out = NULL, *world = NULL;
    long long episodes = 0, jobs = 0, ticks = 0;
    const CliOption opts[] = {
        {"--policy", CLI_STRING, &policy, "P",
         "scripted[:persona] | random | bc:CKPT (scripted:speedrunner)", 0, 0},
        {"--episodes", CLI_INT, &episodes, "N", "episodes (default: the size of --seeds)", 1,
         1000000},
        {"--seeds", CLI_STRING, &seeds, "A:B", "seeds A..B inclusive; episode i uses A+i", 0, 0},
        {"--jobs", CLI_INT, &jobs, "J", "episodes in parallel (default: one per CPU)", 1, 1024},
        {"--json", CLI_STRING, &json_out, "OUT", "write the summary JSON here", 0, 0},
        {"--world", CLI_STRING, &world, "PRESET", "world preset file (default: built-in default)",
         0, 0},
        {"--ticks", CLI_INT, &ticks, "T", "episode length in ticks (default: the preset's)", 1,
         10000000},
    };
    const CliSpec spec = {"eval",
                          "--policy P --seeds A:B [--episodes N] [--jobs J] [--json OUT]",
                          "Evaluates a policy on the diamond-pickaxe tech tree.",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    long long a = 0, b = 99;
    if (seeds && cli_parse_range("eval", "--seeds", seeds, &a, &b) != 0) return 2;
    if (!seeds && !episodes) episodes = 100;
    if (!episodes) episodes = b - a + 1;
    if (seeds && episodes > b - a + 1) {
        fprintf(stderr,
                "vpt eval: --episodes %lld needs at least that many seeds, --seeds %s has %lld\n",
                episodes, seeds, b - a + 1);
        return 2;
    }
    WorldPreset preset;
    if (world) {
        char wpath[1024];
        if (sim_preset_path(world, wpath, sizeof wpath) != 0) {
            fprintf(stderr, "vpt eval: --world: no preset file '%s' (nor worlds/%s.json)\n", world,
                    world);
            return 1;
        }
        if (preset_load_file(wpath, &preset) != STATUS_OK) return 1;
    } else {
        preset_init_default(&preset);
    }
    EvalConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.policy = policy;
    cfg.preset = &preset;
    cfg.seed0 = (uint64_t)a;
    cfg.episodes = (int)episodes;
    cfg.jobs = (int)jobs;
    cfg.max_ticks = (int)ticks;
    cfg.progress = !log_is_quiet();
    EvalEpisode *eps = MEM_NEW_ARRAY(EvalEpisode, (size_t)episodes);
    Status st = eval_run(&cfg, eps);
    if (st != STATUS_OK) {
        mem_free(eps);
        preset_deinit(&preset);
        return status_exit_code(st);
    }
    EvalSummary sum;
    eval_summarize(eps, (int)episodes, &sum);
    char title[160];
    snprintf(title, sizeof title, "%s on seeds %lld..%lld", policy, a, a + episodes - 1);
    eval_summary_print(&sum, title, stdout);
    int ret = 0;
    if (json_out) {
        json_t *j = eval_summary_to_json(&sum);
        json_object_set_new(j, "policy", json_string(policy));
        json_object_set_new(j, "seeds",
                            json_pack("[I, I]", (json_int_t)a, (json_int_t)(a + episodes - 1)));
        if (jsonio_save_file(json_out, j) != STATUS_OK) ret = 1;
        json_decref(j);
    }
    mem_free(eps);
    preset_deinit(&preset);
    return ret;
}
