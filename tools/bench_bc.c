/* bench_bc.c: `vpt bench bc`: the default BC policy's training throughput (frames/s through
 * forward + backward + AdamW, batch x window frames per step) on synthetic frames, the latency
 * of one inference step (B = 1, the LSTM state carried), and of one full agent act (render at
 * 64x64 + inference + sampling) in the default world, from a checkpoint written to TMPDIR. One
 * JSON object on stdout; nothing is asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/bc.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/pool.h"
#include "core/rng.h"
#include "sim/env.h"
#include "tools/bench.h"
#include "tools/cli.h"

/* Mean ms of one act of the bc:CKPT agent over `n` ticks (after 5 warm-up ticks). */
static double agent_act_ms(const BcModel *m, int n) {
    char path[512];
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/vpt-bench-bc-%d.safetensors", base, (int)getpid());
    if (bc_model_save(m, NULL, path, 0) != STATUS_OK) return -1;
    char spec[600];
    snprintf(spec, sizeof spec, "bc:%s", path);
    Agent *ag = agent_create(spec, 1);
    remove(path);
    if (!ag) return -1;
    WorldPreset preset;
    preset_init_default(&preset);
    Env *env = env_create(&preset, 1);
    preset_deinit(&preset);
    agent_reset(ag, env, 1);
    double t0 = 0;
    for (int t = 0; t < n + 5; t++) {
        if (t == 5) t0 = clock_now();
        Action a;
        agent_act(ag, env, NULL, 0, 0, &a, NULL);
        env_step(env, &a);
    }
    const double ms = 1e3 * (clock_now() - t0) / n;
    env_destroy(env);
    agent_destroy(ag);
    return ms;
}

void bench_bc_synthetic(float *frames, BcTarget *targets, int64_t n, int64_t frame_floats,
                        Rng *rng) {
    for (int64_t i = 0; i < n * frame_floats; i++) frames[i] = rng_float(rng);
    for (int64_t i = 0; i < n; i++) {
        targets[i].buttons = (int32_t)rng_below(rng, BC_N_BUTTON_CLASSES);
        targets[i].camera = (int32_t)rng_below(rng, BC_N_CAMERA_CLASSES);
    }
}

int bench_bc(int argc, char **argv) {
    long long threads = 1, batch = 4, window = 16, steps = 4, acts = 200;
    const CliOption opts[] = {
        {"--threads", CLI_INT, &threads, "N", "compute threads for training (1)", 1, 256},
        {"--batch", CLI_INT, &batch, "B", "windows per training step (4)", 1, 256},
        {"--window", CLI_INT, &window, "T", "frames per window (16)", 1, 1024},
        {"--steps", CLI_INT, &steps, "N", "timed training steps (4)", 1, 10000},
        {"--acts", CLI_INT, &acts, "N", "timed inference steps and agent acts (200)", 1, 1e6},
    };
    const CliSpec spec = {"bench bc",
                          "[--threads N] [--batch B] [--window T] [--steps N] [--acts N]",
                          "BC policy train frames/s and act latency (default model, 64x64)",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    BcConfig cfg;
    bc_config_default(&cfg);
    BcModel m;
    bc_model_init(&m, &cfg, 1);
    NnCtx ctx;
    ThreadPool *pool = nn_ctx_init_threads(&ctx, (int)threads);
    NnArena ar;
    nn_arena_init(&ar, 1 << 20);
    const int64_t fb = (int64_t)cfg.frame_h * cfg.frame_w * 3, n = batch * window;
    float *x = mem_alloc(sizeof(float) * (size_t)(n * fb));
    BcTarget *tg = mem_alloc(sizeof(BcTarget) * (size_t)n);
    Rng rng;
    rng_seed(&rng, 5);
    bench_bc_synthetic(x, tg, n, fb, &rng);
    NnAdamW opt = NN_ADAMW_DEFAULT;
    BcStepStats st;
    double t0 = 0;
    for (long long s = 0; s <= steps; s++) { /* step 0 is the warm-up */
        if (s == 1) t0 = clock_now();
        nn_arena_reset(&ar);
        bc_train_step(&m, &ctx, &ar, x, tg, (int)batch, (int)window, &st);
        nn_clip_grad_norm(&m.params, 5.0);
        nn_adamw_step_ctx(&ctx, &m.params, &opt, 1e-4f);
    }
    const double train_fps = (double)(steps * n) / (clock_now() - t0);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    pool_blas_threads_set(1);
    nn_ctx_init(&ctx, NULL); /* inference as the agent runs it: serial */
    BcState s;
    bc_state_init(&s, 1, cfg.hidden);
    for (long long i = 0; i <= acts; i++) {
        if (i == 1) t0 = clock_now();
        nn_arena_reset(&ar);
        float *bl, *cl;
        bc_infer_step(&m, &ctx, &ar, &s, x + (i % n) * fb, &bl, &cl);
    }
    const double infer_ms = 1e3 * (clock_now() - t0) / (double)acts;
    const double act_ms = agent_act_ms(&m, (int)acts);
    printf("{\"model\": \"bc %dx%d widths %d/%d/%d dense %d lstm %d heads %d+%d\", \"params\": "
           "%lld, \"threads\": %lld, \"batch\": %lld, \"window\": %lld, \"train_frames_per_s\": "
           "%.1f, \"infer_step_ms\": %.3f, \"agent_act_ms\": %.3f}\n",
           cfg.frame_w, cfg.frame_h, cfg.widths[0], cfg.widths[1], cfg.widths[2], cfg.dense,
           cfg.hidden, BC_N_BUTTON_CLASSES, BC_N_CAMERA_CLASSES, (long long)m.params.total, threads,
           batch, window, train_fps, infer_ms, act_ms);
    bc_state_deinit(&s);
    mem_free(x);
    mem_free(tg);
    nn_arena_deinit(&ar);
    nn_ctx_deinit(&ctx);
    bc_model_deinit(&m);
    return act_ms < 0 ? 1 : 0;
}
