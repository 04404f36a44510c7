/* bench_rl.c: `vpt bench rl`: the RL stage's speed with the default BC policy (64x64, 8641 +
 * 121 classes, value head) in the built-in default world: env steps/s while collecting
 * rollouts (render + batched policy step + sampling + env step) and updates/s of the whole loop
 * (rollout + prior pass + PPO epochs), from a run in a temporary folder under TMPDIR (removed
 * after). The first update is the warm-up and is not counted. One JSON object on stdout;
 * nothing is asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/rl.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "tools/bench.h"
#include "tools/cli.h"

typedef struct BenchRl {
    int n;
    double collect_sum, update_s;
} BenchRl;

static void on_update(void *ctx, const RlUpdateStats *u) {
    BenchRl *b = ctx;
    if (++b->n > 1) b->collect_sum += u->steps_per_s, b->update_s += u->seconds;
}

int bench_rl(int argc, char **argv) {
    long long envs = 4, rollout = 32, updates = 4, threads = 1;
    const CliOption opts[] = {
        {"--envs", CLI_INT, &envs, "N", "parallel envs (4)", 1, 256},
        {"--rollout", CLI_INT, &rollout, "T", "steps per env per update (32)", 1, 4096},
        {"--updates", CLI_INT, &updates, "U", "timed updates after one warm-up (4)", 1, 10000},
        {"--threads", CLI_INT, &threads, "N", "compute and env threads (1)", 1, 256},
    };
    const CliSpec spec = {"bench rl",
                          "[--envs N] [--rollout T] [--updates U] [--threads N]",
                          "RL env steps/s collected (render + policy + env) and updates/s",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[512], init[600], path[700];
    snprintf(dir, sizeof dir, "%s/vpt-bench-rl-%d", base, (int)getpid());
    snprintf(init, sizeof init, "%s.init.safetensors", dir);
    BcConfig cfg;
    bc_config_default(&cfg);
    BcModel m;
    bc_model_init(&m, &cfg, 1);
    Status st = bc_model_save(&m, NULL, init, 0);
    bc_model_deinit(&m);
    if (st != STATUS_OK) return 1;
    RlTrainOptions o;
    rl_train_options_default(&o);
    o.init = init, o.out = dir, o.threads = (int)threads;
    o.cfg.envs = (int)envs, o.cfg.rollout = (int)rollout;
    o.steps = (updates + 1) * envs * rollout;
    o.save_every = 1000000; /* one checkpoint at the end */
    BenchRl b = {0, 0, 0};
    RlTrainReport rep;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_WARN);
    st = rl_train(&o, &rep, on_update, &b);
    log_set_level(lv);
    const char *files[] = {"rl.safetensors", "prior.safetensors", "metrics.jsonl"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
    remove(init);
    if (st != STATUS_OK) return 1;
    const int timed = b.n - 1;
    const double upd_s = timed > 0 && b.update_s > 0 ? timed / b.update_s : 0.0;
    printf("{\"model\": \"bc 64x64 widths %d/%d/%d dense %d lstm %d heads %d+%d + value\", "
           "\"params\": %lld, \"world\": \"default\", \"threads\": %lld, \"envs\": %lld, "
           "\"rollout\": %lld, \"epochs\": %d, \"updates\": %lld, \"collect_env_steps_per_s\": "
           "%.1f, \"loop_env_steps_per_s\": %.1f, \"updates_per_s\": %.4f}\n",
           cfg.widths[0], cfg.widths[1], cfg.widths[2], cfg.dense, cfg.hidden, BC_N_BUTTON_CLASSES,
           BC_N_CAMERA_CLASSES, (long long)rep.params, threads, envs, rollout, o.cfg.epochs,
           updates, timed > 0 ? b.collect_sum / timed : 0.0, upd_s * (double)envs * rollout, upd_s);
    return 0;
}
