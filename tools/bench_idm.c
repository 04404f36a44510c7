/* bench_idm.c: `vpt bench idm`: the default IDM's training throughput (frames/s through
 * forward + backward + AdamW, batch x window frames per step) and labelling throughput
 * (frames/s of idm_predict_clip on a clip, overlapping windows included), on synthetic frames so
 * no dataset is needed. One JSON object on stdout; nothing is asserted. */
#include <stdio.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/pool.h"
#include "core/rng.h"
#include "idm/idm.h"
#include "tools/bench.h"
#include "tools/cli.h"

int bench_idm(int argc, char **argv) {
    long long threads = 1, batch = 4, window = 32, steps = 4, frames_n = 256;
    const CliOption opts[] = {
        {"--threads", CLI_INT, &threads, "N", "compute threads (1)", 1, 256},
        {"--batch", CLI_INT, &batch, "B", "windows per training step (4)", 1, 256},
        {"--window", CLI_INT, &window, "T", "frames per window (32)", 1, 1024},
        {"--steps", CLI_INT, &steps, "N", "timed training steps (4)", 1, 10000},
        {"--label-frames", CLI_INT, &frames_n, "N", "frames of the labelled clip (256)", 1, 1e6},
    };
    const CliSpec spec = {"bench idm",
                          "[--threads N] [--batch B] [--window T] [--steps N]",
                          "IDM train and label frames/s (default model, 64x64)",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    IdmConfig cfg;
    idm_config_default(&cfg);
    cfg.window = (int)window;
    IdmModel m;
    idm_model_init(&m, &cfg, 1);
    NnCtx ctx;
    ThreadPool *pool = nn_ctx_init_threads(&ctx, (int)threads);
    NnArena ar;
    nn_arena_init(&ar, 1 << 20);
    const int64_t fb = (int64_t)cfg.frame_h * cfg.frame_w * 3, n = batch * window;
    const int64_t nbytes = (frames_n > n ? frames_n : n) * fb;
    uint8_t *bytes = mem_alloc((size_t)nbytes);
    Rng rng;
    rng_seed(&rng, 5);
    for (int64_t i = 0; i < nbytes; i++) bytes[i] = (uint8_t)rng_below(&rng, 256);
    float *x = mem_alloc(sizeof(float) * (size_t)(n * fb));
    idm_frames_to_float(x, bytes, n * fb);
    IdmLabel *lab = mem_calloc((size_t)(frames_n > n ? frames_n : n), sizeof(IdmLabel));
    for (int64_t i = 0; i < n; i++) lab[i].camera[0] = lab[i].camera[1] = IDM_CAMERA_NULL_BIN;
    NnAdamW opt = NN_ADAMW_DEFAULT;
    IdmStepStats st;
    double t0 = 0;
    for (long long s = 0; s <= steps; s++) { /* step 0 is the warm-up */
        if (s == 1) t0 = clock_now();
        nn_arena_reset(&ar);
        idm_train_step(&m, &ctx, &ar, x, lab, (int)batch, (int)window, &st);
        nn_clip_grad_norm(&m.params, 5.0);
        nn_adamw_step(&m.params, &opt, 1e-4f);
    }
    const double train_fps = (double)(steps * n) / (clock_now() - t0);
    idm_predict_clip(&m, &ctx, &ar, bytes, frames_n, lab); /* warm-up */
    t0 = clock_now();
    idm_predict_clip(&m, &ctx, &ar, bytes, frames_n, lab);
    const double label_fps = (double)frames_n / (clock_now() - t0);
    printf("{\"model\": \"idm %dx%d T%d widths %d/%d/%d dense %d blocks %d\", \"params\": %lld, "
           "\"threads\": %lld, \"batch\": %lld, \"window\": %lld, \"train_frames_per_s\": %.1f, "
           "\"label_frames_per_s\": %.1f}\n",
           cfg.frame_w, cfg.frame_h, cfg.window, cfg.widths[0], cfg.widths[1], cfg.widths[2],
           cfg.dense, cfg.blocks, (long long)idm_model_param_count(&m), threads, batch, window,
           train_fps, label_fps);
    mem_free(bytes);
    mem_free(x);
    mem_free(lab);
    nn_arena_deinit(&ar);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    idm_model_deinit(&m);
    return 0;
}
