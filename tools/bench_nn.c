/* bench_nn.c: `vpt bench nn`: training and inference throughput of nn/'s reference model
 * (64x64x3 frames, ImpalaCNN 16/32/32, dense 256, LSTM 256 or a causal attention block,
 * heads 128 and 121, batch 8 x 32, Adam), the convolutions' GFLOP/s against OpenBLAS sgemm in
 * the same run, and, when /usr/bin/python3 can import torch, the PyTorch twin
 * (tools/ref/bench_torch.py) with the same thread count and the ratios. Throughputs are from the
 * best of --steps timed steps on both sides. Prints one JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/pool.h"
#include "nn/nn.h"
#include "tools/bench.h"
#include "tools/cli.h"

#ifndef VPT_SOURCE_DIR
#define VPT_SOURCE_DIR "."
#endif

static double bench_sgemm(int threads) {
    const int n = 1024;
    float *a = mem_alloc_aligned(64, (size_t)n * n * 4),
          *b = mem_alloc_aligned(64, (size_t)n * n * 4);
    float *c = mem_alloc_aligned(64, (size_t)n * n * 4);
    for (int i = 0; i < n * n; i++) {
        a[i] = (float)(i % 7) * 0.1f;
        b[i] = (float)(i % 5) * 0.1f;
    }
    pool_blas_threads_set(threads);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    int reps = 0;
    double t0 = clock_now(), t;
    do {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        reps++;
        t = clock_now() - t0;
    } while (t < 1.0);
    mem_free(a);
    mem_free(b);
    mem_free(c);
    return 2.0 * n * n * (double)n * reps / t / 1e9;
}

/* Forward + backward of every conv layer shape of the model over N frames. */
static double bench_conv(NnCtx *ctx, int N) {
    const NnConvShape shapes[] = {
        {N, 64, 64, 3, 16, 3, 3, 1, 1},  {N, 32, 32, 16, 16, 3, 3, 1, 1},
        {N, 32, 32, 16, 32, 3, 3, 1, 1}, {N, 16, 16, 32, 32, 3, 3, 1, 1},
        {N, 16, 16, 32, 32, 3, 3, 1, 1}, {N, 8, 8, 32, 32, 3, 3, 1, 1},
    };
    const int reps_per_shape[] = {1, 4, 1, 4, 1, 4}; /* how often each appears in the model */
    double flops = 0, t = 0;
    for (int i = 0; i < 6; i++) {
        const NnConvShape *s = &shapes[i];
        int64_t nin = (int64_t)N * s->H * s->W * s->C;
        int64_t nout = (int64_t)N * nn_conv_out_h(s) * nn_conv_out_w(s) * s->O;
        int64_t nw = (int64_t)s->O * 9 * s->C;
        float *x = mem_calloc((size_t)nin, 4), *y = mem_calloc((size_t)nout, 4);
        float *dx = mem_calloc((size_t)nin, 4), *w = mem_calloc((size_t)nw, 4);
        float *dw = mem_calloc((size_t)nw, 4), *b = mem_calloc((size_t)s->O, 4);
        float *db = mem_calloc((size_t)s->O, 4);
        nn_conv2d_forward(ctx, y, x, w, b, s); /* warm the scratch */
        double t0 = clock_now();
        for (int r = 0; r < reps_per_shape[i]; r++) {
            nn_conv2d_forward(ctx, y, x, w, b, s);
            nn_conv2d_backward(ctx, dx, dw, db, y, x, w, s);
        }
        t += clock_now() - t0;
        flops += 3.0 * 2.0 * (double)nout * 9 * s->C * reps_per_shape[i];
        mem_free(x);
        mem_free(y);
        mem_free(dx);
        mem_free(w);
        mem_free(dw);
        mem_free(b);
        mem_free(db);
    }
    return flops / t / 1e9;
}

typedef struct TorchResult {
    double train, infer;
    int ok;
} TorchResult;

static TorchResult run_torch(int threads, int steps, int attention) {
    TorchResult r = {0, 0, 0};
    if (system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) return r;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 %s/tools/ref/bench_torch.py --threads %d --steps %d%s",
             VPT_SOURCE_DIR, threads, steps, attention ? " --attention" : "");
    FILE *f = popen(cmd, "r");
    if (!f) return r;
    char line[1024] = {0};
    while (fgets(line, sizeof line, f))
        if (strstr(line, "train_samples_per_s")) break;
    pclose(f);
    const char *a = strstr(line, "\"train_samples_per_s\":"),
               *b = strstr(line, "\"infer_frames_per_s\":");
    if (a && b) {
        r.train = atof(a + 22);
        r.infer = atof(b + 21);
        r.ok = r.train > 0 && r.infer > 0;
    }
    return r;
}

/* Training and inference throughput of the reference model (samples or frames per second). */
static void time_model(NnCtx *ctx, int attention, int B, int T, int steps, double *train,
                       double *infer) {
    const int N = B * T;
    NnRefConfig cfg = {64, 64, 3, 3, {16, 32, 32}, 256, 256, attention, 8, 32, 32, 128, 121};
    NnRefModel m;
    nn_ref_init(&m, &cfg, 1);
    float *frames = mem_alloc((size_t)N * 64 * 64 * 3 * 4);
    int32_t *t1 = mem_alloc((size_t)N * 4), *t2 = mem_alloc((size_t)N * 4);
    Rng rng;
    rng_seed(&rng, 1);
    for (int64_t i = 0; i < (int64_t)N * 64 * 64 * 3; i++) frames[i] = rng_float(&rng);
    for (int i = 0; i < N; i++) {
        t1[i] = (int32_t)rng_below(&rng, 128);
        t2[i] = (int32_t)rng_below(&rng, 121);
    }
    NnArena ar;
    nn_arena_init(&ar, 1 << 20);
    NnAdamW opt = NN_ADAMW_DEFAULT;
    opt.weight_decay = 0.0f; /* Adam, as the PyTorch twin */
    /* Best step of `steps` (after one warm-up step that sizes the arena): the machine may be
     * shared, and the fastest step is the least disturbed one. The PyTorch twin does the same. */
    double best_train = 1e30, best_infer = 1e30;
    for (int s = -1; s < steps; s++) {
        double t0 = clock_now();
        nn_arena_reset(&ar);
        nn_ref_train_step(&m, ctx, &ar, frames, t1, t2, B, T);
        nn_adamw_step_ctx(ctx, &m.params, &opt, 1e-4f);
        double dt = clock_now() - t0;
        if (s >= 0 && dt < best_train) best_train = dt;
    }
    for (int s = -1; s < steps; s++) {
        float *l1, *l2;
        double t0 = clock_now();
        nn_arena_reset(&ar);
        nn_ref_infer(&m, ctx, &ar, frames, B, T, &l1, &l2);
        double dt = clock_now() - t0;
        if (s >= 0 && dt < best_infer) best_infer = dt;
    }
    *train = N / best_train;
    *infer = N / best_infer;
    nn_arena_deinit(&ar);
    nn_ref_deinit(&m);
    mem_free(frames);
    mem_free(t1);
    mem_free(t2);
}

int bench_nn(int argc, char **argv) {
    long long threads = 2, steps = 8, batch = 8, time_steps = 32;
    int attention = 0, no_torch = 0;
    const CliOption opts[] = {
        {"--threads", CLI_INT, &threads, "N", "threads (pool splits the batch; default 2)", 1, 64},
        {"--steps", CLI_INT, &steps, "N", "timed steps, best one reported (default 8)", 1, 1000},
        {"--batch", CLI_INT, &batch, "B", "sequences per batch (default 8)", 1, 256},
        {"--time", CLI_INT, &time_steps, "T", "frames per sequence (default 32)", 1, 256},
        {"--attention", CLI_FLAG, &attention, NULL, "causal attention block instead of LSTM", 0, 0},
        {"--no-torch", CLI_FLAG, &no_torch, NULL, "skip the PyTorch comparison", 0, 0},
    };
    const CliSpec spec = {"bench nn",
                          "[--threads N] [--steps N] [--attention] [--no-torch]",
                          "nn/ reference model throughput vs PyTorch",
                          opts,
                          6,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    const int B = (int)batch, T = (int)time_steps;

    double sgemm = bench_sgemm((int)threads);
    pool_blas_threads_set(1); /* the pool provides the threads (also when --threads 1) */
    ThreadPool *pool = pool_create((int)threads);
    NnCtx ctx;
    nn_ctx_init(&ctx, pool); /* pins BLAS to 1 thread while the pool splits the batch */
    double conv = bench_conv(&ctx, B * T);

    double train = 0, infer = 0;
    time_model(&ctx, attention, B, T, (int)steps, &train, &infer);
    nn_ctx_deinit(&ctx);
    pool_destroy(pool);

    printf("{\"model\": \"%s\", \"threads\": %lld, \"batch\": %d, \"time\": %d, "
           "\"train_samples_per_s\": %.1f, \"infer_frames_per_s\": %.1f, \"conv_gflops\": %.1f, "
           "\"sgemm_gflops\": %.1f, \"conv_vs_sgemm\": %.3f",
           attention ? "impala+attention" : "impala+lstm", threads, B, T, train, infer, conv, sgemm,
           conv / sgemm);
    TorchResult tr = {0, 0, 0};
    if (!no_torch) tr = run_torch((int)threads, (int)steps, attention);
    if (tr.ok)
        printf(", \"torch_train_samples_per_s\": %.1f, \"torch_infer_frames_per_s\": %.1f, "
               "\"train_ratio\": %.3f, \"infer_ratio\": %.3f",
               tr.train, tr.infer, train / tr.train, infer / tr.infer);
    printf("}\n");
    return 0;
}
