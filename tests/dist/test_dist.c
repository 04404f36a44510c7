/* test_dist.c: dist/ (dist.h).
 *   test_dist          one process: the fallback (size 1, collectives leave buffers as they are),
 *                      shards, --batch validation, VPT_DIST_CHECK_EVERY parsing.
 *   test_dist --mpi N  under `mpirun -np N`: all-reduce of known vectors (f32, f64, max),
 *                      broadcast from every root, dist_check_same on equal and unequal bytes,
 *                      the batch shards of all ranks tiling the batch. Every rank checks; the
 *                      exit code is non-zero on any rank's failure. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dist/dist.h"
#include "tests/check.h"

static void test_shard(void) {
    for (int size = 1; size <= 5; size++) {
        for (int64_t n = 0; n <= 13; n++) {
            int64_t next = 0;
            for (int r = 0; r < size; r++) {
                int64_t lo, hi;
                dist_shard(n, r, size, &lo, &hi);
                CHECK_EQ_INT(lo, next); /* tiles [0, n) in rank order */
                CHECK(hi - lo == n / size || hi - lo == n / size + 1);
                CHECK((hi - lo == n / size + 1) == (r < n % size)); /* first n % size get more */
                next = hi;
            }
            CHECK_EQ_INT(next, n);
        }
    }
}

static void test_fallback(void) {
    int argc = 1;
    char *args[] = {"test_dist", NULL}, **argv = args;
    CHECK_EQ_INT(dist_init(&argc, &argv), STATUS_OK);
    CHECK_EQ_INT(dist_init(NULL, NULL), STATUS_OK); /* idempotent */
    CHECK_EQ_INT(dist_rank(), 0);
    CHECK_EQ_INT(dist_size(), 1);
    CHECK(dist_is_root());
    CHECK(strcmp(dist_backend(), "none") == 0);
    float f[3] = {1.5f, -2.0f, 3.25f};
    CHECK_EQ_INT(dist_allreduce_sum_f32(f, 3), STATUS_OK);
    CHECK(f[0] == 1.5f && f[1] == -2.0f && f[2] == 3.25f);
    double d[2] = {0.1, 7.0};
    CHECK_EQ_INT(dist_allreduce_sum_f64(d, 2), STATUS_OK);
    CHECK(d[0] == 0.1 && d[1] == 7.0);
    int mx = 4;
    CHECK_EQ_INT(dist_allreduce_max_int(&mx), STATUS_OK);
    CHECK_EQ_INT(mx, 4);
    char buf[8] = "abcdefg";
    CHECK_EQ_INT(dist_broadcast(buf, sizeof buf, 0), STATUS_OK);
    CHECK(strcmp(buf, "abcdefg") == 0);
    CHECK_EQ_INT(dist_barrier(), STATUS_OK);
    CHECK_EQ_INT(dist_check_same(f, sizeof f, "floats"), STATUS_OK);
    /* A gradient sync on one process leaves the gradient alone, whatever the scale. */
    CHECK_EQ_INT(dist_sync_grads(f, 3, 0.5f), STATUS_OK);
    CHECK(f[0] == 1.5f && f[1] == -2.0f && f[2] == 3.25f);
    int64_t lo, hi;
    CHECK_EQ_INT(dist_batch_shard(4, "--batch", &lo, &hi), STATUS_OK);
    CHECK(lo == 0 && hi == 4);
    CHECK_EQ_INT(dist_exit(3), 3); /* one process: the code comes back, no abort */
    CHECK_EQ_INT(dist_exit(0), 0);
    dist_finalize(); /* idempotent */
}

static void test_check_every(void) {
    setenv("VPT_DIST_CHECK_EVERY", "7", 1);
    CHECK_EQ_INT(dist_check_every(), 7);
    setenv("VPT_DIST_CHECK_EVERY", "0", 1);
    CHECK_EQ_INT(dist_check_every(), 0);
    setenv("VPT_DIST_CHECK_EVERY", "x", 1); /* bad: warned, build default */
    int64_t def = dist_check_every();
#ifdef NDEBUG
    CHECK_EQ_INT(def, 0);
#else
    CHECK_EQ_INT(def, 50);
#endif
    unsetenv("VPT_DIST_CHECK_EVERY");
    CHECK_EQ_INT(dist_check_every(), def);
}

/* ---------------------------------------------------------------- under mpirun */

static int g_expect_size;

static void test_mpi_env(void) {
    CHECK(strcmp(dist_backend(), "mpi") == 0);
    CHECK_EQ_INT(dist_size(), g_expect_size);
    CHECK(dist_rank() >= 0 && dist_rank() < dist_size());
    CHECK_EQ_INT(dist_is_root(), dist_rank() == 0);
}

static void test_mpi_allreduce(void) {
    const int R = dist_size(), r = dist_rank();
    enum { N = 1000 };
    static float f[N];
    static double d[N];
    /* Rank r holds (r + 1) * (i + 1) (and a power of two per rank for f64): exact sums. */
    for (int i = 0; i < N; i++) f[i] = (float)((r + 1) * (i + 1)), d[i] = (double)(1 << r) + i;
    CHECK_EQ_INT(dist_allreduce_sum_f32(f, N), STATUS_OK);
    CHECK_EQ_INT(dist_allreduce_sum_f64(d, N), STATUS_OK);
    const double tri = R * (R + 1) / 2.0;
    int bad_f = 0, bad_d = 0;
    for (int i = 0; i < N; i++) {
        bad_f += f[i] != (float)(tri * (i + 1));
        bad_d += d[i] != (double)((1 << R) - 1) + (double)R * i;
    }
    CHECK_EQ_INT(bad_f, 0);
    CHECK_EQ_INT(bad_d, 0);
    /* Every rank gets the same bits, also for sums that round. */
    float g[3] = {0.1f * (float)(r + 1), 1e-8f, 3.0f};
    CHECK_EQ_INT(dist_allreduce_sum_f32(g, 3), STATUS_OK);
    CHECK_EQ_INT(dist_check_same(g, sizeof g, "sum"), STATUS_OK);
    int mx = r * 10;
    CHECK_EQ_INT(dist_allreduce_max_int(&mx), STATUS_OK);
    CHECK_EQ_INT(mx, (R - 1) * 10);
    /* Data-parallel gradient: each rank's part weighted by its share, summed. */
    float grad[2] = {2.0f, 4.0f};
    CHECK_EQ_INT(dist_sync_grads(grad, 2, 1.0f / (float)R), STATUS_OK);
    CHECK(grad[0] == 2.0f && grad[1] == 4.0f);
}

static void test_mpi_broadcast(void) {
    for (int root = 0; root < dist_size(); root++) {
        char buf[32];
        snprintf(buf, sizeof buf, "from rank %d", dist_rank());
        CHECK_EQ_INT(dist_broadcast(buf, sizeof buf, root), STATUS_OK);
        char want[32];
        snprintf(want, sizeof want, "from rank %d", root);
        CHECK_MSG(strcmp(buf, want) == 0, "rank %d got '%s'", dist_rank(), buf);
    }
    CHECK_EQ_INT(dist_barrier(), STATUS_OK);
}

static void test_mpi_check_same(void) {
    double same[4] = {1, 2, 3, 4};
    CHECK_EQ_INT(dist_check_same(same, sizeof same, "same"), STATUS_OK);
    /* Rank 1 differs: every rank is told (rank 1 logs it). */
    double diff[4] = {1, 2, 3, dist_rank() == 1 ? 5.0 : 4.0};
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(dist_check_same(diff, sizeof diff, "diff"), STATUS_INTERNAL);
    log_set_level(lv);
}

static void test_mpi_batch_shard(void) {
    int64_t lo, hi;
    /* Global batch 5 over the ranks: the shards tile [0, 5). */
    CHECK_EQ_INT(dist_batch_shard(5, "--batch", &lo, &hi), STATUS_OK);
    int64_t v[2] = {lo, hi};
    double counts[1] = {(double)(hi - lo)};
    CHECK_EQ_INT(dist_allreduce_sum_f64(counts, 1), STATUS_OK);
    CHECK_EQ_INT((int64_t)counts[0], 5);
    if (dist_rank() == 0) CHECK_EQ_INT(v[0], 0);
    /* A batch smaller than the number of ranks is refused on every rank. */
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(dist_batch_shard(dist_size() - 1, "--batch", &lo, &hi), STATUS_INVALID_ARGUMENT);
    log_set_level(lv);
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--mpi") == 0) {
        g_expect_size = atoi(argv[2]);
        if (dist_init(&argc, &argv) != STATUS_OK || strcmp(dist_backend(), "mpi") != 0) {
            fprintf(stderr, "test_dist --mpi: not running under mpirun (or built without MPI)\n");
            return 1;
        }
        TEST_RUN(test_mpi_env);
        TEST_RUN(test_mpi_allreduce);
        TEST_RUN(test_mpi_broadcast);
        TEST_RUN(test_mpi_check_same);
        TEST_RUN(test_mpi_batch_shard);
        TEST_RUN(test_shard);
        int failed = check_state.failures > 0;
        dist_allreduce_max_int(&failed); /* any rank's failure fails every rank */
        int rc = check_finish();
        dist_finalize();
        return rc != 0 || failed ? 1 : 0;
    }
    TEST_RUN(test_shard);
    TEST_RUN(test_fallback);
    TEST_RUN(test_check_every);
    return check_finish();
}
