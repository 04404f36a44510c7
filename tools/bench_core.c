/* bench_core.c: `vpt bench core`: RNG throughput and thread-pool dispatch overhead. */
#include <stdio.h>

#include "core/clock.h"
#include "core/pool.h"
#include "core/rng.h"
#include "tools/bench.h"
#include "tools/cli.h"

typedef struct SumJob {
    double partial[64];
} SumJob;

static void sum_range(void *ctx, int64_t begin, int64_t end, int worker) {
    SumJob *job = ctx;
    double s = 0;
    for (int64_t i = begin; i < end; i++) s += (double)(i & 7);
    job->partial[worker] += s;
}

int bench_core(int argc, char **argv) {
    long long threads = 2;
    const CliOption opts[] = {
        {"--threads", CLI_INT, &threads, "N", "pool threads (default 2)", 1, 64},
    };
    const CliSpec spec = {
        "bench core", "[--threads N]", "RNG and thread-pool benchmark", opts, 1, 0, 0, NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);

    Rng rng;
    rng_seed(&rng, 1);
    const long n_draws = 100000000;
    uint64_t acc = 0;
    double t0 = clock_now();
    for (long i = 0; i < n_draws; i++) acc ^= rng_u64(&rng);
    double t_rng = clock_now() - t0;

    ThreadPool *pool = pool_create((int)threads);
    SumJob job = {{0}};
    const int n_calls = 20000;
    t0 = clock_now();
    for (int i = 0; i < n_calls; i++) pool_parallel_for(pool, 1024, 64, sum_range, &job);
    double t_pool = clock_now() - t0;
    pool_destroy(pool);

    printf("{\"rng_draws_per_s\": %.0f, \"pool_threads\": %lld, \"parallel_for_us\": %.2f, "
           "\"checksum\": %llu}\n",
           n_draws / t_rng, threads, 1e6 * t_pool / n_calls, (unsigned long long)(acc & 0xffff));
    return 0;
}
