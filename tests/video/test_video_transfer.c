/* test_video_transfer.c: `vpt fetch` and `vpt upload` against a real nginx on 127.0.0.1
 * (tests/video/nginx.h): success, server down, HTTP 500 then success, a connection cut
 * mid-transfer then resume, checksum mismatch, disk full (local and on the server, when a tmpfs
 * can be mounted), bearer tokens, manifests. In every case no data may be lost: a final file is
 * absent, old, or verified; local episodes go only after the server confirmed them. */
#include <pthread.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "core/log.h"
#include "core/sha256.h"
#include "tests/check.h"
#include "tests/video/nginx.h"
#include "tests/video/util.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "video/transfer.h"

static char tmp[512];
static TestNginx ngx;

typedef struct LogCapture {
    int sha_warnings;
} LogCapture;

static void capture_sink(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)tag;
    (void)level;
    if (strstr(msg, "SHA-256")) ((LogCapture *)user)->sha_warnings++;
}

static void write_random(const char *path, size_t n, unsigned seed) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        fputc((int)(x >> 24), f);
    }
    fclose(f);
}

static int same_file(const char *a, const char *b) { return tu_sh("cmp -s '%s' '%s'", a, b) == 0; }

static VideoTransferOptions fast_opts(int retries) {
    VideoTransferOptions o = {.parallel = 3, .retries = retries, .backoff_s = 0.1, .timeout_s = 5};
    return o;
}

static void test_fetch_success(void) {
    char p[1600];
    snprintf(p, sizeof p, "%s/a.bin", ngx.www);
    write_random(p, 200000, 1);
    snprintf(p, sizeof p, "%s/b.bin", ngx.www);
    write_random(p, 50000, 2);
    char hex[65];
    snprintf(p, sizeof p, "%s/a.bin", ngx.www);
    CHECK_EQ_INT(sha256_file(p, hex), STATUS_OK);
    char list[1200];
    snprintf(list, sizeof list, "%s/list.txt", tmp);
    FILE *f = fopen(list, "w");
    fprintf(f,
            "# test list\nhttp://127.0.0.1:%d/a.bin %s\n\nhttp://127.0.0.1:%d/b.bin\n"
            "file://%s/b.bin?x=1\n",
            ngx.port, hex, ngx.port, ngx.www);
    fclose(f);
    /* Same name twice (b.bin) is refused before any transfer. */
    char out[1200];
    snprintf(out, sizeof out, "%s/out1", tmp);
    VideoTransferOptions o = fast_opts(2);
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(video_fetch_source(list, out, &o, &r), STATUS_PARSE);
    log_set_level(lv);
    f = fopen(list, "w");
    fprintf(f, "http://127.0.0.1:%d/a.bin %s\nhttp://127.0.0.1:%d/b.bin\n", ngx.port, hex,
            ngx.port);
    fclose(f);
    CHECK_EQ_INT(video_fetch_source(list, out, &o, &r), STATUS_OK);
    CHECK_EQ_INT(r.ok, 2);
    char a[1600], b[1600];
    snprintf(a, sizeof a, "%s/a.bin", out);
    snprintf(b, sizeof b, "%s/a.bin", ngx.www);
    CHECK(same_file(a, b));
    snprintf(a, sizeof a, "%s/b.bin", out);
    snprintf(b, sizeof b, "%s/b.bin", ngx.www);
    CHECK(same_file(a, b));
    CHECK(tu_sh("ls '%s' | grep -q part", out) != 0);
    /* file:// URLs through the same path, via the CLI. */
    f = fopen(list, "w");
    fprintf(f, "file://%s/b.bin\n", ngx.www);
    fclose(f);
    CHECK(tu_sh("'%s/vpt' fetch '%s' '%s/out-file' --quiet | grep -q '\"ok\": 1'", VPT_BINARY_DIR,
                list, tmp) == 0);
    snprintf(a, sizeof a, "%s/out-file/b.bin", tmp);
    CHECK(same_file(a, b));
}

static void test_fetch_server_down(void) {
    char list[1200], out[700], p[1600];
    int port = tn_free_port();
    snprintf(list, sizeof list, "%s/down.txt", tmp);
    FILE *f = fopen(list, "w");
    fprintf(f, "http://127.0.0.1:%d/a.bin\n", port);
    fclose(f);
    snprintf(out, sizeof out, "%s/out-down", tmp);
    tu_sh("mkdir -p '%s' && echo old > '%s/a.bin'", out, out);
    VideoTransferOptions o = fast_opts(2);
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(video_fetch_source(list, out, &o, &r), STATUS_NETWORK);
    log_set_level(lv);
    CHECK_EQ_INT(r.failed, 1);
    CHECK_EQ_INT(r.retries, 2);
    snprintf(p, sizeof p, "%s/a.bin", out);
    CHECK(tu_sh("grep -qx old '%s'", p) == 0); /* the old file is untouched */
    CHECK(tu_sh("'%s/vpt' fetch '%s' '%s' --retries 0 --quiet 2>/dev/null >/dev/null",
                VPT_BINARY_DIR, list, out) == 1);
}

/* Removes DIR/fail once nginx has answered 500 at least once. */
static void *clear_fail_marker(void *arg) {
    (void)arg;
    for (int i = 0; i < 400; i++) {
        if (tu_sh("grep -q '\" 500 ' '%s/access.log' 2>/dev/null", ngx.dir) == 0) break;
        tn_sleep(0.01);
    }
    char p[1200];
    snprintf(p, sizeof p, "%s/fail", ngx.dir);
    unlink(p);
    return NULL;
}

static void arm_500(void) { tu_sh(": > '%s/access.log' && touch '%s/fail'", ngx.dir, ngx.dir); }

static void test_fetch_500_then_success(void) {
    char list[1200], out[700], a[1600], b[1600];
    snprintf(list, sizeof list, "%s/list500.txt", tmp);
    FILE *f = fopen(list, "w");
    fprintf(f, "http://127.0.0.1:%d/a.bin\n", ngx.port);
    fclose(f);
    snprintf(out, sizeof out, "%s/out500", tmp);
    arm_500();
    pthread_t th;
    pthread_create(&th, NULL, clear_fail_marker, NULL);
    VideoTransferOptions o = fast_opts(6);
    o.backoff_s = 0.3;
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_ERROR);
    CHECK_EQ_INT(video_fetch_source(list, out, &o, &r), STATUS_OK);
    log_set_level(lv);
    pthread_join(th, NULL);
    CHECK(r.retries >= 1);
    snprintf(a, sizeof a, "%s/a.bin", out);
    snprintf(b, sizeof b, "%s/a.bin", ngx.www);
    CHECK(same_file(a, b));
}

typedef struct CutJob {
    char part[1600];
    int restarted;
} CutJob;

/* Kills nginx once the .part holds >= 150 KB, then starts it again on the same port. */
static void *cut_connection(void *arg) {
    CutJob *c = arg;
    for (int i = 0; i < 1000; i++) {
        struct stat s;
        if (stat(c->part, &s) == 0 && s.st_size >= 150000) break;
        tn_sleep(0.01);
    }
    tn_kill(&ngx);
    tn_sleep(0.2);
    c->restarted = tn_start(&ngx) == 0;
    return NULL;
}

static void test_fetch_cut_then_resume(void) {
    char p[1600], list[700], out[700], a[1600];
    snprintf(p, sizeof p, "%s/slow/big.bin", ngx.www);
    write_random(p, 600000, 3);
    char hex[65];
    CHECK_EQ_INT(sha256_file(p, hex), STATUS_OK);
    snprintf(list, sizeof list, "%s/listslow.txt", tmp);
    FILE *f = fopen(list, "w");
    fprintf(f, "http://127.0.0.1:%d/slow/big.bin %s\n", ngx.port, hex);
    fclose(f);
    snprintf(out, sizeof out, "%s/outslow", tmp);
    tu_sh(": > '%s/access.log'", ngx.dir);
    CutJob c = {{0}, 0};
    snprintf(c.part, sizeof c.part, "%s/big.bin.part", out);
    pthread_t th;
    pthread_create(&th, NULL, cut_connection, &c);
    VideoTransferOptions o = fast_opts(6);
    o.backoff_s = 0.4;
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_ERROR);
    CHECK_EQ_INT(video_fetch_source(list, out, &o, &r), STATUS_OK);
    log_set_level(lv);
    pthread_join(th, NULL);
    CHECK(c.restarted);
    CHECK(r.retries >= 1);
    snprintf(a, sizeof a, "%s/big.bin", out);
    CHECK(same_file(a, p));
    /* The second request resumed: nginx answered 206 Partial Content. */
    CHECK(tu_sh("grep -q '\" 206 ' '%s/access.log'", ngx.dir) == 0);
}

static void test_fetch_checksum_mismatch(void) {
    char list[1200], out[700];
    snprintf(list, sizeof list, "%s/listbad.txt", tmp);
    FILE *f = fopen(list, "w");
    fprintf(f, "http://127.0.0.1:%d/b.bin %064d\n", ngx.port, 0);
    fclose(f);
    snprintf(out, sizeof out, "%s/outbad", tmp);
    VideoTransferOptions o = fast_opts(1);
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(video_fetch_source(list, out, &o, &r), STATUS_NETWORK);
    log_set_level(lv);
    CHECK(tu_sh("test -e '%s/b.bin' || test -e '%s/b.bin.part'", out, out) != 0);
}

static int mount_tmpfs(const char *dir, const char *size) {
    char opts[64];
    snprintf(opts, sizeof opts, "size=%s", size);
    return mount("tmpfs", dir, "tmpfs", 0, opts);
}

static void test_fetch_disk_full(void) {
    char small[1200], list[700];
    snprintf(small, sizeof small, "%s/small", tmp);
    mkdir(small, 0755);
    if (mount_tmpfs(small, "64k") != 0) {
        fprintf(stderr, "  (cannot mount a tmpfs here: local disk-full case skipped)\n");
        return;
    }
    tu_sh("echo keep > '%s/a.bin'", small);
    snprintf(list, sizeof list, "%s/listfull.txt", tmp);
    FILE *f = fopen(list, "w");
    fprintf(f, "http://127.0.0.1:%d/a.bin\n", ngx.port);
    fclose(f);
    VideoTransferOptions o = fast_opts(1);
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(video_fetch_source(list, small, &o, &r), STATUS_NETWORK);
    log_set_level(lv);
    char p[1600];
    snprintf(p, sizeof p, "%s/a.bin", small);
    CHECK(tu_sh("grep -qx keep '%s'", p) == 0);
    umount(small);
}

/* A one-episode dataset in `dir`. */
static void make_dataset(const char *dir, const char *name, int frames) {
    tu_sh("mkdir -p '%s'", dir);
    char path[1600];
    snprintf(path, sizeof path, "%s/%s.mp4", dir, name);
    VideoEncoderOptions eo = {.width = 64, .height = 48, .crf = 10};
    VideoEncoder *e = NULL;
    CHECK_EQ_INT(video_encoder_open(&e, path, &eo), STATUS_OK);
    snprintf(path, sizeof path, "%s/%s.jsonl", dir, name);
    VideoActionLogWriter *w = NULL;
    CHECK_EQ_INT(video_actionlog_writer_open(&w, path), STATUS_OK);
    if (!e || !w) return;
    uint8_t rgb[64 * 48 * 3];
    for (int i = 0; i < frames; i++) {
        video_synth_frame(rgb, 64, 48, i);
        video_encoder_push(e, rgb, 64 * 3);
        VideoActionFrame fr = {.tick = i};
        video_actionlog_writer_write(w, &fr);
    }
    video_encoder_close(e);
    video_actionlog_writer_close(w);
    tu_sh("echo '{\"world\": \"flat\", \"seed\": 1}' > '%s/%s-options.json'", dir, name);
    int added = 0;
    CHECK_EQ_INT(video_dataset_index(dir, "contractor", &added), STATUS_OK);
}

static int episode_files_present(const char *dir, const char *name) {
    return tu_sh("test -s '%s/%s.mp4' && test -s '%s/%s.jsonl' && test -s '%s/%s-options.json'",
                 dir, name, dir, name, dir, name) == 0;
}

static void test_fetch_manifest(void) {
    char src[1200], out[700];
    snprintf(src, sizeof src, "%s/ds", ngx.www);
    make_dataset(src, "ep0", 30);
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ds/manifest.jsonl", ngx.port);
    snprintf(out, sizeof out, "%s/fetched-ds", tmp);
    VideoTransferOptions o = fast_opts(2);
    VideoTransferReport r;
    CHECK_EQ_INT(video_fetch_source(url, out, &o, &r), STATUS_OK);
    CHECK_EQ_INT(r.ok, 3);
    VideoDatasetReport rep;
    CHECK_EQ_INT(video_dataset_check(out, &rep), STATUS_OK);
    CHECK_EQ_INT(rep.ok, 1);
    CHECK_EQ_INT(rep.problems, 0);
}

static void test_upload_success(void) {
    char ds[1200], url[256], a[1600], b[1600];
    snprintf(ds, sizeof ds, "%s/up1", tmp);
    make_dataset(ds, "rec1", 25);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/uploads/batch1/", ngx.port);
    VideoTransferOptions o = fast_opts(2);
    VideoTransferReport r;
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_OK);
    CHECK_EQ_INT(r.ok, 1);
    snprintf(a, sizeof a, "%s/rec1.mp4", ds);
    snprintf(b, sizeof b, "%s/uploads/batch1/rec1.mp4", ngx.www);
    CHECK(same_file(a, b));
    CHECK(tu_sh("test -s '%s/uploads/batch1/manifest.jsonl'", ngx.www) == 0);
    CHECK(tu_sh("grep -q rec1 '%s/uploaded.jsonl'", ds) == 0);
    CHECK(episode_files_present(ds, "rec1")); /* kept: no --delete-after */
    /* The server side is a valid dataset again. */
    char srv[1600];
    snprintf(srv, sizeof srv, "%s/uploads/batch1", ngx.www);
    VideoDatasetReport rep;
    CHECK_EQ_INT(video_dataset_check(srv, &rep), STATUS_OK);
    CHECK_EQ_INT(rep.ok, 1);
}

static void test_upload_server_down(void) {
    char ds[1200], url[256];
    snprintf(ds, sizeof ds, "%s/up2", tmp);
    make_dataset(ds, "rec2", 10);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x/", tn_free_port());
    VideoTransferOptions o = fast_opts(1);
    o.delete_after = 1;
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_NETWORK);
    log_set_level(lv);
    CHECK_EQ_INT(r.failed, 1);
    CHECK(episode_files_present(ds, "rec2"));
    CHECK(tu_sh("test -e '%s/uploaded.jsonl'", ds) != 0);
}

static void test_upload_500_then_success_delete_after(void) {
    char ds[1200], url[256];
    snprintf(ds, sizeof ds, "%s/up3", tmp);
    make_dataset(ds, "rec3", 10);
    char keep[1600];
    snprintf(keep, sizeof keep, "%s/keep.mp4", tmp);
    tu_sh("cp '%s/rec3.mp4' '%s'", ds, keep);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/uploads/batch3", ngx.port);
    arm_500();
    pthread_t th;
    pthread_create(&th, NULL, clear_fail_marker, NULL);
    VideoTransferOptions o = fast_opts(6);
    o.backoff_s = 0.3;
    o.delete_after = 1;
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_ERROR);
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_OK);
    log_set_level(lv);
    pthread_join(th, NULL);
    CHECK(r.retries >= 1);
    /* Confirmed, so deleted locally; the server copy is the original. */
    CHECK(tu_sh("test -e '%s/rec3.mp4'", ds) != 0);
    char b[1600];
    snprintf(b, sizeof b, "%s/uploads/batch3/rec3.mp4", ngx.www);
    CHECK(same_file(keep, b));
    VideoManifest m;
    CHECK_EQ_INT(video_manifest_load(ds, &m), STATUS_OK);
    CHECK_EQ_INT(m.n, 0);
    video_manifest_free(&m);
    CHECK(tu_sh("grep -q rec3 '%s/uploads/batch3/manifest.jsonl'", ngx.www) == 0);
}

static void test_upload_not_confirmed_keeps_files(void) {
    char ds[1200], url[256];
    snprintf(ds, sizeof ds, "%s/up4", tmp);
    make_dataset(ds, "rec4", 10);
    /* The server stores the PUT but serves other bytes back: never confirmed. */
    snprintf(url, sizeof url, "http://127.0.0.1:%d/corrupt", ngx.port);
    VideoTransferOptions o = fast_opts(1);
    o.delete_after = 1;
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_NETWORK);
    CHECK(episode_files_present(ds, "rec4"));
    /* Bearer token: refused without, accepted with. */
    snprintf(url, sizeof url, "http://127.0.0.1:%d/auth", ngx.port);
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_NETWORK);
    CHECK_EQ_INT(r.retries, 0); /* 401 is not retried */
    CHECK(episode_files_present(ds, "rec4"));
    log_set_level(lv);
    o.token = "secret";
    o.delete_after = 0;
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_OK);
    CHECK(tu_sh("cmp -s '%s/rec4.mp4' '%s/auth/rec4.mp4'", ds, ngx.www) == 0);
}

/* The server answers 2xx and reports the right sizes, but holds other bytes: only the hash
 * check can catch it, and nothing may be confirmed or deleted. */
static void test_upload_hash_mismatch(void) {
    char ds[1200], url[256];
    snprintf(ds, sizeof ds, "%s/up6", tmp);
    make_dataset(ds, "rec6", 10);
    tu_sh("mkdir -p '%s/swapsrc' && cd '%s' && for f in rec6.mp4 rec6.jsonl rec6-options.json "
          "manifest.jsonl; do head -c $(stat -c %%s $f) /dev/urandom > '%s/swapsrc/'$f; done",
          ngx.www, ds, ngx.www);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/swap", ngx.port);
    VideoTransferOptions o = fast_opts(1);
    o.delete_after = 1;
    VideoTransferReport r;
    LogCapture cap = {0};
    log_set_sink(capture_sink, &cap);
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_NETWORK);
    log_set_sink(NULL, NULL);
    CHECK(cap.sha_warnings > 0);
    CHECK(episode_files_present(ds, "rec6"));
    CHECK(tu_sh("test -e '%s/uploaded.jsonl'", ds) != 0);
    /* By size only (--no-verify-hash) it would have been accepted: the hash is what caught it. */
    o.verify_hash = -1;
    o.delete_after = 0;
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_OK);
}

static void test_upload_disk_full(void) {
    char full[1200], ds[700], url[256];
    snprintf(full, sizeof full, "%s/full", ngx.dir);
    if (mount_tmpfs(full, "8k") != 0) {
        fprintf(stderr, "  (cannot mount a tmpfs here: server disk-full case skipped)\n");
        return;
    }
    snprintf(ds, sizeof ds, "%s/up5", tmp);
    make_dataset(ds, "rec5", 40); /* its mp4 is larger than 8 KB */
    snprintf(url, sizeof url, "http://127.0.0.1:%d/full", ngx.port);
    VideoTransferOptions o = fast_opts(1);
    o.delete_after = 1;
    VideoTransferReport r;
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(video_upload(ds, url, &o, &r), STATUS_NETWORK);
    log_set_level(lv);
    CHECK(episode_files_present(ds, "rec5"));
    VideoManifest m;
    CHECK_EQ_INT(video_manifest_load(ds, &m), STATUS_OK);
    CHECK_EQ_INT(m.n, 1);
    video_manifest_free(&m);
    umount(full);
}

int main(void) {
    tu_tmpdir(tmp, sizeof tmp, "transfer");
    if (tn_create(&ngx, tmp) != 0) {
        fprintf(stderr, "cannot start nginx (is nginx-light installed?)\n");
        tn_kill(&ngx);
        return 1;
    }
    TEST_RUN(test_fetch_success);
    TEST_RUN(test_fetch_server_down);
    TEST_RUN(test_fetch_500_then_success);
    TEST_RUN(test_fetch_cut_then_resume);
    TEST_RUN(test_fetch_checksum_mismatch);
    TEST_RUN(test_fetch_disk_full);
    TEST_RUN(test_fetch_manifest);
    TEST_RUN(test_upload_success);
    TEST_RUN(test_upload_server_down);
    TEST_RUN(test_upload_500_then_success_delete_after);
    TEST_RUN(test_upload_not_confirmed_keeps_files);
    TEST_RUN(test_upload_hash_mismatch);
    TEST_RUN(test_upload_disk_full);
    tn_kill(&ngx);
    tu_rmrf(tmp);
    return check_finish();
}
