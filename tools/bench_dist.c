/* bench_dist.c: `vpt bench dist`, MPI scale-out throughput. Run it alone (1 process) and under
 * `mpirun -np N vpt bench dist` and compare:
 *   - all-reduce: MB/s of an in-place float sum over the ranks (bytes of the buffer / time of
 *     one MPI_Allreduce; null on one process, where it is a no-op);
 *   - BC training: global frames/s of data-parallel steps of the default BC policy (64x64) on
 *     synthetic frames: the global batch split over the ranks, bc_train_step_dist (counts
 *     all-reduce, forward + backward on the shard, gradient all-reduce), clipping and AdamW,
 *     as `vpt bc train` runs them without the video loader.
 * Rank 0 prints one JSON object; nothing is asserted. */
#include <stdio.h>
#include <string.h>

#include "agent/bc.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/pool.h"
#include "core/rng.h"
#include "dist/dist.h"
#include "tools/bench.h"
#include "tools/cli.h"

/* Mean seconds of one all-reduce of n floats over `iters` (after one warm-up). */
static double allreduce_seconds(int64_t n, int iters, Status *st) {
    float *buf = mem_alloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) buf[i] = 1e-3f * (float)(i % 1000);
    *st = dist_allreduce_sum_f32(buf, n);
    if (*st == STATUS_OK) *st = dist_barrier();
    const double t0 = clock_now();
    for (int i = 0; i < iters && *st == STATUS_OK; i++) *st = dist_allreduce_sum_f32(buf, n);
    const double s = (clock_now() - t0) / iters;
    mem_free(buf);
    return s;
}

/* Global frames/s of `steps` data-parallel BC steps (after one warm-up step). */
static double bc_frames_per_s(int batch, int window, int steps, int threads, int64_t *params,
                              Status *st) {
    BcConfig cfg;
    bc_config_default(&cfg);
    BcModel m;
    bc_model_init(&m, &cfg, 1);
    *params = m.params.total;
    NnCtx ctx;
    ThreadPool *pool = nn_ctx_init_threads(&ctx, threads);
    NnArena ar;
    nn_arena_init(&ar, 1 << 20);
    int64_t lo, hi;
    dist_shard(batch, dist_rank(), dist_size(), &lo, &hi);
    const int64_t fb = (int64_t)cfg.frame_h * cfg.frame_w * 3, n = (hi - lo) * window;
    float *x = mem_alloc(sizeof(float) * (size_t)(n * fb));
    BcTarget *tg = mem_alloc(sizeof(BcTarget) * (size_t)n);
    Rng rng = rng_stream(5, (uint64_t)dist_rank());
    bench_bc_synthetic(x, tg, n, fb, &rng);
    NnAdamW opt = NN_ADAMW_DEFAULT;
    BcStepStats ss;
    double t0 = 0;
    *st = STATUS_OK;
    for (int s = 0; s <= steps && *st == STATUS_OK; s++) { /* step 0 is the warm-up */
        if (s == 1) {
            *st = dist_barrier();
            t0 = clock_now();
        }
        nn_arena_reset(&ar);
        *st = bc_train_step_dist(&m, &ctx, &ar, x, tg, (int)(hi - lo), window, &ss);
        nn_clip_grad_norm(&m.params, 5.0);
        nn_adamw_step_ctx(&ctx, &m.params, &opt, 1e-4f);
    }
    if (*st == STATUS_OK) *st = dist_barrier();
    const double fps = (double)steps * batch * window / (clock_now() - t0);
    mem_free(x);
    mem_free(tg);
    nn_arena_deinit(&ar);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);
    bc_model_deinit(&m);
    return fps;
}

int bench_dist(int argc, char **argv) {
    long long floats = 1 << 22, iters = 20, batch = 8, window = 16, steps = 4, threads = 1;
    const CliOption opts[] = {
        {"--floats", CLI_INT, &floats, "N", "all-reduce buffer in floats (4194304 = 16 MiB)", 1,
         1e10},
        {"--iters", CLI_INT, &iters, "N", "timed all-reduces (20)", 1, 1e6},
        {"--batch", CLI_INT, &batch, "B", "global windows per BC step, split over ranks (8)", 1,
         4096},
        {"--window", CLI_INT, &window, "T", "frames per window (16)", 1, 1024},
        {"--steps", CLI_INT, &steps, "N", "timed BC steps (4)", 1, 10000},
        {"--threads", CLI_INT, &threads, "N", "compute threads per rank (1)", 1, 256},
    };
    const CliSpec spec = {"bench dist",
                          "[--floats N] [--iters N] [--batch B] [--window T] [--steps N] "
                          "[--threads N]   (alone, and under mpirun -np N)",
                          "MPI all-reduce MB/s and data-parallel BC train frames/s",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    dist_init(&argc, &argv);
    int64_t lo, hi;
    Status st = dist_batch_shard(batch, "--batch", &lo, &hi);
    if (st != STATUS_OK) return dist_exit(2);
    const double ar_s = allreduce_seconds(floats, (int)iters, &st);
    int64_t params = 0;
    double fps = 0;
    if (st == STATUS_OK)
        fps = bc_frames_per_s((int)batch, (int)window, (int)steps, (int)threads, &params, &st);
    if (st != STATUS_OK) return dist_exit(1);
    if (dist_is_root()) {
        char mbps[32] = "null";
        if (dist_size() > 1) snprintf(mbps, sizeof mbps, "%.1f", 4.0 * floats / ar_s / 1e6);
        printf("{\"backend\": \"%s\", \"ranks\": %d, \"threads_per_rank\": %lld, "
               "\"allreduce_floats\": %lld, \"allreduce_ms\": %.3f, \"allreduce_mb_per_s\": %s, "
               "\"bc_params\": %lld, \"bc_global_batch\": %lld, \"window\": %lld, "
               "\"bc_train_frames_per_s\": %.1f}\n",
               dist_backend(), dist_size(), threads, floats, 1e3 * ar_s, mbps, (long long)params,
               batch, window, fps);
    }
    return dist_exit(0);
}
