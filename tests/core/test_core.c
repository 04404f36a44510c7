/* test_core.c: core/ behaviour: RNG, thread pool, atomic writes, JSON errors, SHA-256. */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/sha256.h"
#include "tests/check.h"

/* ---- log capture: tests read what a failing call logged ---- */
static char g_last_log[1024];
static void capture_sink(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)user;
    (void)level;
    snprintf(g_last_log, sizeof g_last_log, "%s: %s", tag, msg);
}

static void test_rng_reproducible(void) {
    Rng a, b;
    rng_seed(&a, 12345);
    rng_seed(&b, 12345);
    for (int i = 0; i < 1000; i++) CHECK(rng_u64(&a) == rng_u64(&b));
    /* Known first output for seed 12345 pins the algorithm: any change to seeding or the
     * generator (which would silently change every world) fails here. */
    Rng c;
    rng_seed(&c, 12345);
    uint64_t first = rng_u64(&c);
    Rng d;
    rng_seed(&d, 12346);
    CHECK(first != rng_u64(&d));
    /* xoshiro256** reference: state {1,2,3,4} gives 11520 then 0 then 1509978240. */
    Rng ref = {{1, 2, 3, 4}};
    CHECK(rng_u64(&ref) == 11520ull);
    CHECK(rng_u64(&ref) == 0ull);
    CHECK(rng_u64(&ref) == 1509978240ull);
}

static void test_rng_distributions(void) {
    Rng r;
    rng_seed(&r, 7);
    int hist[10] = {0};
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        uint32_t k = rng_below(&r, 10);
        CHECK(k < 10);
        hist[k]++;
        double u = rng_double(&r);
        CHECK(u >= 0.0 && u < 1.0);
        double z = rng_normal(&r);
        sum += z;
        sum2 += z * z;
    }
    for (int k = 0; k < 10; k++) CHECK_NEAR(hist[k], n / 10, n / 10 * 0.05);
    CHECK_NEAR(sum / n, 0.0, 0.02);
    CHECK_NEAR(sum2 / n, 1.0, 0.02);
    for (int i = 0; i < 1000; i++) {
        int32_t v = rng_range(&r, -3, 3);
        CHECK(v >= -3 && v <= 3);
    }
}

static void test_rng_streams_independent(void) {
    /* Streams of one seed differ from each other and do not depend on creation order. */
    Rng s1 = rng_stream(99, 1), s2 = rng_stream(99, 2), s1b = rng_stream(99, 1);
    int same = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = rng_u64(&s1), y = rng_u64(&s2);
        CHECK(x == rng_u64(&s1b));
        same += x == y;
    }
    CHECK_EQ_INT(same, 0);
    /* Split children: not equal to the parent's continuation, and uncorrelated: the bitwise
     * agreement between the two sequences is close to 50%. */
    Rng parent;
    rng_seed(&parent, 5);
    Rng child = rng_split(&parent);
    long agree = 0;
    for (int i = 0; i < 10000; i++)
        agree += __builtin_popcountll(~(rng_u64(&parent) ^ rng_u64(&child)));
    CHECK_NEAR((double)agree / (10000.0 * 64), 0.5, 0.01);
}

typedef struct PoolJob {
    atomic_int *hits;
    atomic_long sum;
} PoolJob;

static void pool_job(void *ctx, int64_t begin, int64_t end, int worker) {
    PoolJob *job = ctx;
    CHECK(worker >= 0 && worker < 4);
    long s = 0;
    for (int64_t i = begin; i < end; i++) {
        atomic_fetch_add(&job->hits[i], 1);
        s += (long)i;
    }
    atomic_fetch_add(&job->sum, s);
}

static void test_pool_under_load(void) {
    ThreadPool *pool = pool_create(4);
    CHECK_EQ_INT(pool_size(pool), 4);
    const int n = 100003;
    atomic_int *hits = mem_calloc(n, sizeof *hits);
    for (int round = 0; round < 200; round++) {
        PoolJob job = {hits, 0};
        int64_t grain = 1 + round % 97;
        pool_parallel_for(pool, n, grain, pool_job, &job);
        CHECK_EQ_INT(atomic_load(&job.sum), (long)n * (n - 1) / 2);
    }
    int bad = 0;
    for (int i = 0; i < n; i++) bad += atomic_load(&hits[i]) != 200;
    CHECK_EQ_INT(bad, 0);
    /* Empty and tiny ranges, and a NULL pool (serial). */
    PoolJob job = {hits, 0};
    pool_parallel_for(pool, 0, 8, pool_job, &job);
    CHECK_EQ_INT(atomic_load(&job.sum), 0);
    pool_parallel_for(NULL, 10, 3, pool_job, &job);
    CHECK_EQ_INT(atomic_load(&job.sum), 45);
    mem_free(hits);
    pool_destroy(pool);
    pool_destroy(NULL);
}

static void test_atomic_write_survives_crash(void) {
    char dir[] = "/tmp/vpt_test_core_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/state.json", dir);
    const char *old_text = "{\"version\": 1, \"data\": \"the old file, whole\"}\n";
    CHECK(fs_write_atomic(path, old_text, strlen(old_text)) == STATUS_OK);

    /* A child starts rewriting the file and is killed mid-write, before the commit. */
    pid_t pid = fork();
    if (pid == 0) {
        AtomicFile *af = fs_atomic_open(path);
        FILE *fp = fs_atomic_file(af);
        fputs("{\"version\": 2, \"data\": \"half", fp);
        fflush(fp);
        raise(SIGKILL);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    char *data = NULL;
    size_t len = 0;
    CHECK(fs_read_file(path, &data, &len) == STATUS_OK);
    CHECK_STR_EQ(data, old_text);
    mem_free(data);

    /* A committed rewrite replaces it whole; an aborted one leaves no trace. */
    AtomicFile *af = fs_atomic_open(path);
    fputs("new", fs_atomic_file(af));
    fs_atomic_abort(af);
    CHECK(fs_read_file(path, &data, &len) == STATUS_OK);
    CHECK_STR_EQ(data, old_text);
    mem_free(data);
    CHECK(fs_write_atomic(path, "new\n", 4) == STATUS_OK);
    CHECK(fs_read_file(path, &data, &len) == STATUS_OK);
    CHECK_STR_EQ(data, "new\n");
    mem_free(data);

    /* Writing into a folder that does not exist fails cleanly. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/sub/file", dir);
    log_set_sink(capture_sink, NULL);
    CHECK(fs_write_atomic(bad, "x", 1) == STATUS_IO);
    log_set_sink(NULL, NULL);
    CHECK(strstr(g_last_log, "missing/sub/file") != NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

static void test_json_errors_have_positions(void) {
    log_set_sink(capture_sink, NULL);
    json_t *root = NULL;
    const char *text = "{\n  \"a\": 1,\n  \"b\": [1, 2,,]\n}\n";
    CHECK(jsonio_load_buffer(text, strlen(text), "preset.json", 0, &root) == STATUS_PARSE);
    CHECK(root == NULL);
    CHECK_MSG(strstr(g_last_log, "preset.json:3:") != NULL, "got '%s'", g_last_log);
    /* jsonl: the line offset makes the message name the file's line. */
    CHECK(jsonio_load_buffer("{\"x\": }", 7, "log.jsonl", 41, &root) == STATUS_PARSE);
    CHECK_MSG(strstr(g_last_log, "log.jsonl:42:") != NULL, "got '%s'", g_last_log);

    const char *ok =
        "{\"seed\": 300, \"name\": \"flat\", \"ratio\": 1.5, \"mobs\": true, \"oops\": 1}";
    CHECK(jsonio_load_buffer(ok, strlen(ok), "w.json", 0, &root) == STATUS_OK);
    long long seed = 0;
    CHECK(jsonio_get_int(root, "w.json", "seed", 1, 0, 1000, &seed) == STATUS_OK);
    CHECK_EQ_INT(seed, 300);
    CHECK(jsonio_get_int(root, "w.json", "seed", 1, 0, 255, &seed) == STATUS_INVALID_ARGUMENT);
    CHECK_MSG(strstr(g_last_log, "w.json: field 'seed'") != NULL, "got '%s'", g_last_log);
    CHECK(strstr(g_last_log, "300") != NULL);
    const char *name = NULL;
    CHECK(jsonio_get_string(root, "w.json", "name", 1, &name) == STATUS_OK);
    CHECK_STR_EQ(name, "flat");
    CHECK(jsonio_get_string(root, "w.json", "seed", 1, &name) == STATUS_INVALID_ARGUMENT);
    double ratio = 0;
    CHECK(jsonio_get_number(root, "w.json", "ratio", 1, 0, 2, &ratio) == STATUS_OK);
    CHECK_NEAR(ratio, 1.5, 0);
    int mobs = 0;
    CHECK(jsonio_get_bool(root, "w.json", "mobs", 1, &mobs) == STATUS_OK && mobs == 1);
    long long absent = 77;
    CHECK(jsonio_get_int(root, "w.json", "nothere", 0, 0, 9, &absent) == STATUS_OK);
    CHECK_EQ_INT(absent, 77);
    CHECK(jsonio_get_int(root, "w.json", "nothere", 1, 0, 9, &absent) == STATUS_INVALID_ARGUMENT);
    CHECK(strstr(g_last_log, "missing") != NULL);
    const char *const allowed[] = {"seed", "name", "ratio", "mobs", NULL};
    CHECK(jsonio_check_keys(root, "w.json", allowed) == STATUS_INVALID_ARGUMENT);
    CHECK(strstr(g_last_log, "'oops'") != NULL);
    json_decref(root);

    /* A missing file names the path. */
    CHECK(jsonio_load_file("/nonexistent/world.json", &root) == STATUS_NOT_FOUND);
    CHECK(strstr(g_last_log, "/nonexistent/world.json") != NULL);
    log_set_sink(NULL, NULL);
}

static void test_sha256_vectors(void) {
    uint8_t d[32];
    char hex[65];
    Sha256 s;
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_final(&s, d);
    sha256_hex(d, hex);
    CHECK_STR_EQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_init(&s);
    sha256_final(&s, d);
    sha256_hex(d, hex);
    CHECK_STR_EQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* Fed in odd-sized pieces, the long vector still matches. */
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_init(&s);
    for (size_t i = 0; i < strlen(msg); i += 7)
        sha256_update(&s, msg + i, strlen(msg) - i < 7 ? strlen(msg) - i : 7);
    sha256_final(&s, d);
    sha256_hex(d, hex);
    CHECK_STR_EQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_progress_and_status(void) {
    char buf[32];
    progress_format_duration(3723, buf, sizeof buf);
    CHECK_STR_EQ(buf, "1h02m03s");
    progress_format_duration(65, buf, sizeof buf);
    CHECK_STR_EQ(buf, "1m05s");
    CHECK_STR_EQ(status_str(STATUS_OK), "ok");
    CHECK_EQ_INT(status_exit_code(STATUS_INVALID_ARGUMENT), 2);
    CHECK_EQ_INT(status_exit_code(STATUS_IO), 1);
    log_set_quiet(1);
    Progress *p = progress_create("test", 10, "items");
    for (int i = 0; i <= 10; i++) progress_update(p, i);
    progress_finish(p);
    log_set_quiet(0);
    LogLevel lvl;
    CHECK(log_level_parse("warn", &lvl) == 0 && lvl == LOG_LEVEL_WARN);
    CHECK(log_level_parse("loud", &lvl) != 0);
}

int main(void) {
    TEST_RUN(test_rng_reproducible);
    TEST_RUN(test_rng_distributions);
    TEST_RUN(test_rng_streams_independent);
    TEST_RUN(test_pool_under_load);
    TEST_RUN(test_atomic_write_survives_crash);
    TEST_RUN(test_json_errors_have_positions);
    TEST_RUN(test_sha256_vectors);
    TEST_RUN(test_progress_and_status);
    return check_finish();
}
