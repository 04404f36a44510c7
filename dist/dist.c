/* dist.c: dist.h over OpenMPI, or the single-process fallback when built without it
 * (VPT_HAVE_MPI undefined) or not launched by mpirun.
 *
 * Invariants: g_dist.size >= 1 and 0 <= g_dist.rank < g_dist.size at all times; g_dist.mpi is 1
 * only between a successful MPI_Init_thread and MPI_Finalize; every collective returns at once
 * (STATUS_OK, buffer untouched) when g_dist.mpi is 0. Large buffers go in chunks of at most
 * DIST_CHUNK elements because MPI counts are ints. */
#include "dist/dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/sha256.h"

#ifdef VPT_HAVE_MPI
#include <mpi.h>
#endif

#define TAG "dist"
#define DIST_CHUNK ((int64_t)1 << 28)
#define DIST_POLL_US 50

typedef struct DistState {
    int rank, size;
    int mpi;     /* MPI started by us and not yet finalized */
    int started; /* dist_init ran */
} DistState;

static DistState g_dist = {0, 1, 0, 0};

int dist_rank(void) { return g_dist.rank; }
int dist_size(void) { return g_dist.size; }
int dist_is_root(void) { return g_dist.rank == 0; }
const char *dist_backend(void) { return g_dist.mpi ? "mpi" : "none"; }

int dist_built_with_mpi(void) {
#ifdef VPT_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

void dist_shard(int64_t n, int rank, int size, int64_t *lo, int64_t *hi) {
    ASSERT(n >= 0 && size >= 1 && rank >= 0 && rank < size);
    const int64_t base = n / size, extra = n % size;
    *lo = rank * base + (rank < extra ? rank : extra);
    *hi = *lo + base + (rank < extra ? 1 : 0);
}

Status dist_batch_shard(int64_t batch, const char *flag, int64_t *lo, int64_t *hi) {
    if (batch < g_dist.size) {
        LOG_ERROR(TAG, "%s: bad value '%lld' (the global batch must be at least the %d ranks)",
                  flag, (long long)batch, g_dist.size);
        return STATUS_INVALID_ARGUMENT;
    }
    dist_shard(batch, g_dist.rank, g_dist.size, lo, hi);
    return STATUS_OK;
}

Status dist_sync_grads(float *grad, int64_t n, float scale) {
    if (g_dist.size == 1) return STATUS_OK;
    if (scale != 1.0f)
        for (int64_t i = 0; i < n; i++) grad[i] *= scale;
    return dist_allreduce_sum_f32(grad, n);
}

int64_t dist_check_every(void) {
    const char *env = getenv("VPT_DIST_CHECK_EVERY");
    if (env && *env) {
        char *end = NULL;
        long long v = strtoll(env, &end, 10);
        if (end && *end == 0 && v >= 0) return v;
        LOG_WARN(TAG, "VPT_DIST_CHECK_EVERY: bad value '%s' (a count >= 0): ignored", env);
    }
#ifdef NDEBUG
    return 0;
#else
    return 50;
#endif
}

/* mpirun (OpenMPI's ORTE/PRRTE, or a PMI launcher) leaves these in each rank's environment. */
static int launched_by_mpirun(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

#ifdef VPT_HAVE_MPI

/* Under a job of several ranks every log line names its rank: "[error] rank 1: idm: ...". */
static void rank_sink(void *user, LogLevel level, const char *tag, const char *msg) {
    static const char *const names[] = {"debug", "info", "warn", "error"};
    (void)user;
    fprintf(stderr, "[%s] rank %d: %s: %s\n", level < LOG_LEVEL_SILENT ? names[level] : "?",
            g_dist.rank, tag ? tag : "-", msg);
}

/* Waits until every rank has reached this point, sleeping DIST_POLL_US between tests of a
 * non-blocking barrier. A blocking MPI call spins a core at 100% while it waits for a slower rank
 * (OpenMPI busy-polls shared memory), taking that core from this rank's loader threads or from
 * the other ranks when there is no core to spare; once all have arrived, the blocking collective
 * that follows (OpenMPI's tuned algorithms) finishes without a long spin. Costs one barrier and
 * at most DIST_POLL_US of latency per collective. */
static int arrive_polite(void) {
    MPI_Request req;
    int rc = MPI_Ibarrier(MPI_COMM_WORLD, &req);
    while (rc == MPI_SUCCESS) {
        int done = 0;
        rc = MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (done) break;
        struct timespec ts = {0, DIST_POLL_US * 1000L};
        nanosleep(&ts, NULL);
    }
    return rc;
}

static Status mpi_status(int rc, const char *what) {
    if (rc == MPI_SUCCESS) return STATUS_OK;
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, msg, &len);
    LOG_ERROR(TAG, "%s failed on rank %d: %s", what, g_dist.rank, msg);
    return STATUS_INTERNAL;
}

Status dist_init(int *argc, char ***argv) {
    if (g_dist.started) return STATUS_OK;
    g_dist.started = 1;
    if (!launched_by_mpirun()) return STATUS_OK;
    int provided = 0;
    int rc = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS) {
        LOG_ERROR(TAG, "MPI_Init failed (code %d): running as one process", rc);
        return STATUS_INTERNAL;
    }
    g_dist.mpi = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_dist.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_dist.size);
    /* Errors come back as codes (logged by mpi_status) instead of aborting inside MPI. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (g_dist.size > 1) {
        log_set_sink(rank_sink, NULL);
        if (g_dist.rank != 0 && log_get_level() < LOG_LEVEL_WARN) log_set_level(LOG_LEVEL_WARN);
    }
    LOG_INFO(TAG, "MPI: %d ranks", g_dist.size);
    return STATUS_OK;
}

void dist_finalize(void) {
    if (!g_dist.mpi) return;
    MPI_Finalize();
    g_dist.mpi = 0;
    if (g_dist.size > 1) log_set_sink(NULL, NULL);
    g_dist.rank = 0, g_dist.size = 1;
}

int dist_exit(int code) {
    if (code == 0 || !g_dist.mpi || g_dist.size == 1) {
        dist_finalize();
        return code;
    }
    LOG_ERROR(TAG, "rank %d failed (exit %d): aborting the job", g_dist.rank, code);
    fflush(stdout);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
    _Exit(code); /* MPI_Abort does not return; this is for the compiler */
}

/* In-place MPI_SUM of n elements of `type` (elem bytes each), in chunks of int counts. */
static Status allreduce_sum(void *x, int64_t n, MPI_Datatype type, size_t elem) {
    if (!g_dist.mpi) return STATUS_OK;
    for (int64_t off = 0; off < n; off += DIST_CHUNK) {
        const int c = (int)(n - off < DIST_CHUNK ? n - off : DIST_CHUNK);
        int rc = arrive_polite();
        if (rc == MPI_SUCCESS)
            rc = MPI_Allreduce(MPI_IN_PLACE, (char *)x + (size_t)off * elem, c, type, MPI_SUM,
                               MPI_COMM_WORLD);
        Status st = mpi_status(rc, "MPI_Allreduce");
        if (st != STATUS_OK) return st;
    }
    return STATUS_OK;
}

Status dist_allreduce_sum_f32(float *x, int64_t n) {
    return allreduce_sum(x, n, MPI_FLOAT, sizeof *x);
}

Status dist_allreduce_sum_f64(double *x, int64_t n) {
    return allreduce_sum(x, n, MPI_DOUBLE, sizeof *x);
}

Status dist_allreduce_max_int(int *x) {
    if (!g_dist.mpi) return STATUS_OK;
    return mpi_status(MPI_Allreduce(MPI_IN_PLACE, x, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD),
                      "MPI_Allreduce");
}

Status dist_broadcast(void *buf, size_t bytes, int root) {
    ASSERT(root >= 0 && root < g_dist.size);
    if (!g_dist.mpi) return STATUS_OK;
    for (size_t off = 0; off < bytes; off += (size_t)DIST_CHUNK) {
        const int c = (int)(bytes - off < (size_t)DIST_CHUNK ? bytes - off : (size_t)DIST_CHUNK);
        int rc = arrive_polite();
        if (rc == MPI_SUCCESS) rc = MPI_Bcast((char *)buf + off, c, MPI_BYTE, root, MPI_COMM_WORLD);
        Status st = mpi_status(rc, "MPI_Bcast");
        if (st != STATUS_OK) return st;
    }
    return STATUS_OK;
}

Status dist_barrier(void) {
    if (!g_dist.mpi) return STATUS_OK;
    return mpi_status(arrive_polite(), "MPI_Barrier");
}

#else /* built without MPI: one process, collectives are no-ops */

Status dist_init(int *argc, char ***argv) {
    (void)argc, (void)argv;
    if (!g_dist.started && launched_by_mpirun())
        LOG_WARN(TAG, "launched by mpirun but built without MPI (-DVPT_MPI=OFF or no OpenMPI): "
                      "this process runs alone, as rank 0 of 1");
    g_dist.started = 1;
    return STATUS_OK;
}
void dist_finalize(void) {}
int dist_exit(int code) { return code; }
Status dist_allreduce_sum_f32(float *x, int64_t n) {
    (void)x, (void)n;
    return STATUS_OK;
}
Status dist_allreduce_sum_f64(double *x, int64_t n) {
    (void)x, (void)n;
    return STATUS_OK;
}
Status dist_allreduce_max_int(int *x) {
    (void)x;
    return STATUS_OK;
}
Status dist_broadcast(void *buf, size_t bytes, int root) {
    (void)buf, (void)bytes;
    ASSERT(root == 0);
    return STATUS_OK;
}
Status dist_barrier(void) { return STATUS_OK; }

#endif

Status dist_check_same(const void *buf, size_t bytes, const char *what) {
    uint8_t mine[32], root[32];
    Sha256 h;
    sha256_init(&h);
    sha256_update(&h, buf, bytes);
    sha256_final(&h, mine);
    memcpy(root, mine, sizeof root);
    Status st = dist_broadcast(root, sizeof root, 0);
    if (st != STATUS_OK) return st;
    int differs = memcmp(root, mine, sizeof mine) != 0;
    if (differs)
        LOG_ERROR(TAG, "%s on rank %d differs from rank 0's (ranks diverged)", what, g_dist.rank);
    st = dist_allreduce_max_int(&differs);
    if (st != STATUS_OK) return st;
    return differs ? STATUS_INTERNAL : STATUS_OK;
}
