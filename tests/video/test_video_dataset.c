/* test_video_dataset.c: episodes and manifest (index, check and the problems it must catch), the
 * window loader (frame/action alignment, seeded order, train/val split, epochs) and dedup. */
#include <jansson.h>

#include "core/alloc.h"
#include "core/log.h"
#include "tests/check.h"
#include "tests/video/util.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "video/dedup.h"
#include "video/loader.h"

static char tmp[512];

enum { EP_W = 64, EP_H = 48 };

/* Flat frames whose red level encodes the frame index (alignment checks), or the synthetic
 * pattern shifted by `offset` (dedup checks). The action's mouse_dx is the frame index. */
static void make_episode(const char *dir, const char *name, int n, int flat, int offset, int crf,
                         int tag) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.mp4", dir, name);
    VideoEncoderOptions o = {.width = EP_W, .height = EP_H, .crf = crf};
    VideoEncoder *e = NULL;
    CHECK_EQ_INT(video_encoder_open(&e, path, &o), STATUS_OK);
    snprintf(path, sizeof path, "%s/%s.jsonl", dir, name);
    VideoActionLogWriter *w = NULL;
    CHECK_EQ_INT(video_actionlog_writer_open(&w, path), STATUS_OK);
    if (!e || !w) return;
    uint8_t rgb[EP_W * EP_H * 3];
    for (int i = 0; i < n; i++) {
        if (flat) {
            for (int p = 0; p < EP_W * EP_H; p++) {
                rgb[p * 3] = (uint8_t)(16 + (i * 8) % 224);
                rgb[p * 3 + 1] = (uint8_t)(tag * 40);
                rgb[p * 3 + 2] = 128;
            }
        } else {
            video_synth_frame(rgb, EP_W, EP_H, i + offset);
        }
        CHECK_EQ_INT(video_encoder_push(e, rgb, EP_W * 3), STATUS_OK);
        VideoActionFrame f = {0};
        f.action.mouse_dx = (float)i;
        f.tick = i;
        CHECK_EQ_INT(video_actionlog_writer_write(w, &f), STATUS_OK);
    }
    CHECK_EQ_INT(video_encoder_close(e), STATUS_OK);
    CHECK_EQ_INT(video_actionlog_writer_close(w), STATUS_OK);
    snprintf(path, sizeof path, "%s/%s-options.json", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "{\"world\": \"flat\", \"seed\": %d, \"resolution\": [%d, %d], \"fps\": 20}\n",
                tag, EP_W, EP_H);
        fclose(f);
    }
}

static void test_index_and_check(void) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/ds", tmp);
    tu_sh("mkdir -p '%s'", dir);
    make_episode(dir, "ep0", 30, 1, 0, 23, 0);
    make_episode(dir, "ep1", 25, 1, 0, 23, 1);
    int added = 0;
    CHECK_EQ_INT(video_dataset_index(dir, "contractor", &added), STATUS_OK);
    CHECK_EQ_INT(added, 2);
    VideoManifest m;
    CHECK_EQ_INT(video_manifest_load(dir, &m), STATUS_OK);
    CHECK_EQ_INT(m.n, 2);
    if (m.n == 2) {
        CHECK_STR_EQ(m.episodes[0].name, "ep0");
        CHECK_EQ_INT(m.episodes[0].frames, 30);
        CHECK_EQ_INT(m.episodes[1].frames, 25);
        CHECK_STR_EQ(m.episodes[1].provenance, "contractor");
        CHECK_EQ_INT(strlen(m.episodes[0].files[0].sha256), 64);
    }
    video_manifest_free(&m);
    VideoDatasetReport r;
    CHECK_EQ_INT(video_dataset_check(dir, &r), STATUS_OK);
    CHECK_EQ_INT(r.ok, 2);
    CHECK_EQ_INT(r.problems, 0);
    CHECK_EQ_INT(r.frames, 55);
    CHECK_NEAR(r.hours, 55.0 / 20 / 3600, 1e-12);
    /* Indexing again adds nothing. */
    CHECK_EQ_INT(video_dataset_index(dir, "contractor", &added), STATUS_OK);
    CHECK_EQ_INT(added, 0);
    /* CLI agrees and exits 0. */
    CHECK(tu_sh("'%s/vpt' dataset check '%s' | grep -q '\"ok\": 2, \"problems\": 0'",
                VPT_BINARY_DIR, dir) == 0);
}

/* The unlabeled corpus: "web" episodes without an action log (their actions are kept apart as
 * ground truth) are indexed with two files, checked, and a contractor episode without its log
 * is still refused. */
static void test_video_only_web_episodes(void) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/web", tmp);
    tu_sh("mkdir -p '%s'", dir);
    make_episode(dir, "w0", 22, 1, 0, 23, 0);
    tu_sh("mkdir -p '%s/gt' && mv '%s/w0.jsonl' '%s/gt/'", dir, dir, dir);
    int added = 0;
    CHECK_EQ_INT(video_dataset_index(dir, "web", &added), STATUS_OK);
    CHECK_EQ_INT(added, 1);
    VideoManifest m;
    CHECK_EQ_INT(video_manifest_load(dir, &m), STATUS_OK);
    CHECK_EQ_INT(m.n, 1);
    if (m.n == 1) {
        CHECK_EQ_INT(m.episodes[0].n_files, 2);
        CHECK_STR_EQ(m.episodes[0].files[1].name, "w0-options.json");
        CHECK_EQ_INT(m.episodes[0].frames, 22);
    }
    video_manifest_free(&m);
    VideoDatasetReport r;
    CHECK_EQ_INT(video_dataset_check(dir, &r), STATUS_OK);
    CHECK_EQ_INT(r.ok, 1);
    /* A damaged video is still caught. */
    tu_sh("truncate -s 200 '%s/w0.mp4'", dir);
    video_dataset_check(dir, &r);
    CHECK_EQ_INT(r.problems, 1);
    /* Contractor data must have its actions. */
    char cdir[700];
    snprintf(cdir, sizeof cdir, "%s/nolog", tmp);
    tu_sh("mkdir -p '%s'", cdir);
    make_episode(cdir, "c0", 10, 1, 0, 23, 0);
    tu_sh("rm '%s/c0.jsonl'", cdir);
    video_dataset_index(cdir, "contractor", &added);
    CHECK_EQ_INT(added, 0);
}

static void test_check_finds_problems(void) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/bad", tmp);
    tu_sh("mkdir -p '%s'", dir);
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    VideoDatasetReport r;
    CHECK_EQ_INT(video_dataset_check(dir, &r), STATUS_NOT_FOUND); /* no manifest */
    make_episode(dir, "a", 20, 1, 0, 23, 0);
    make_episode(dir, "b", 20, 1, 0, 23, 1);
    make_episode(dir, "c", 20, 1, 0, 23, 2);
    /* An episode whose action log is one line short is refused by index. */
    make_episode(dir, "short", 20, 1, 0, 23, 3);
    tu_sh("cd '%s' && sed -i '$d' short.jsonl", dir);
    int added = 0;
    CHECK_EQ_INT(video_dataset_index(dir, "web", &added), STATUS_PARSE);
    CHECK_EQ_INT(added, 3);
    CHECK_EQ_INT(video_dataset_index(dir, "bogus", &added), STATUS_INVALID_ARGUMENT);
    /* Tamper: a changed action value (hash), a truncated video, a missing options file. */
    tu_sh("cd '%s' && sed -i '1s/\"dx\":0.0/\"dx\":1.0/' a.jsonl", dir);
    tu_sh("cd '%s' && truncate -s 1500 b.mp4", dir);
    tu_sh("cd '%s' && rm c-options.json", dir);
    CHECK_EQ_INT(video_dataset_check(dir, &r), STATUS_OK);
    CHECK_EQ_INT(r.episodes, 3);
    CHECK_EQ_INT(r.ok, 0);
    CHECK_EQ_INT(r.problems, 4); /* a, b, c, and "short" not in the manifest */
    /* A malformed manifest line names file and line. */
    tu_sh("cd '%s' && echo '{\"episode\": \"x\"}' >> manifest.jsonl", dir);
    VideoManifest m;
    CHECK_EQ_INT(video_manifest_load(dir, &m), STATUS_PARSE);
    log_set_level(lv);
    CHECK(tu_sh("'%s/vpt' dataset check '%s' 2>'%s/err.txt' >/dev/null", VPT_BINARY_DIR, dir,
                tmp) != 0);
    CHECK(tu_sh("grep -q 'manifest.jsonl:4' '%s/err.txt'", tmp) == 0);
}

static int window_aligned(const VideoWindow *w) {
    for (int t = 0; t < w->T; t++) {
        int64_t i = w->start + t;
        if (w->actions[t].mouse_dx != (float)i) return 0;
        int want = 16 + (int)((i * 8) % 224);
        /* Centre pixel's red channel; compression keeps flat frames within a few levels. */
        int got = w->frames[((size_t)t * w->height * w->width + (w->height / 2) * w->width +
                             w->width / 2) *
                            3];
        if (abs(got - want) > 6) return 0;
    }
    return 1;
}

static void draw(const char *dir, uint64_t seed, int threads, VideoSplit split, double val,
                 char out[][300], int max, int *n_out, int *misaligned) {
    VideoLoaderOptions o = {.dir = dir,
                            .T = 8,
                            .width = 32,
                            .height = 32,
                            .threads = threads,
                            .shuffle = 6,
                            .seed = seed,
                            .val_fraction = val,
                            .split = split,
                            .epochs = 1};
    VideoLoader *l = NULL;
    *n_out = 0;
    *misaligned = 0;
    if (video_loader_create(&l, &o) != STATUS_OK) return;
    VideoWindow w;
    video_window_alloc(&w, 8, 32, 32);
    int got = 1;
    while (got && *n_out < max) {
        CHECK_EQ_INT(video_loader_next(l, &w, &got), STATUS_OK);
        if (!got) break;
        snprintf(out[*n_out], 300, "%s@%lld", w.episode, (long long)w.start);
        *misaligned += !window_aligned(&w);
        (*n_out)++;
    }
    video_window_free(&w);
    video_loader_destroy(l);
}

static void test_loader(void) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/ds", tmp); /* ep0 (30 frames), ep1 (25) */
    make_episode(dir, "ep2", 41, 1, 0, 23, 2);
    make_episode(dir, "ep3", 17, 1, 0, 23, 3);
    int added = 0;
    CHECK_EQ_INT(video_dataset_index(dir, "contractor", &added), STATUS_OK);
    static char a[64][300], b[64][300], c[64][300];
    int na, nb, nc, bad;
    draw(dir, 7, 2, VIDEO_SPLIT_ALL, 0, a, 64, &na, &bad);
    CHECK_EQ_INT(bad, 0);
    /* One epoch: each episode gives floor((n - offset) / 8) windows, offset in [0, 8). */
    CHECK_MSG(na >= 3 + 2 + 4 + 1 && na <= 3 + 3 + 5 + 2, "%d windows", na);
    draw(dir, 7, 2, VIDEO_SPLIT_ALL, 0, b, 64, &nb, &bad);
    CHECK_EQ_INT(nb, na);
    int same = 1;
    for (int i = 0; i < na && i < nb; i++) same &= strcmp(a[i], b[i]) == 0;
    CHECK_MSG(same, "same seed gave a different order");
    draw(dir, 8, 2, VIDEO_SPLIT_ALL, 0, c, 64, &nc, &bad);
    int diff = nc != na;
    for (int i = 0; i < na && i < nc; i++) diff |= strcmp(a[i], c[i]) != 0;
    CHECK_MSG(diff, "another seed gave the same order");
    /* Every episode appears. */
    for (int e = 0; e < 4; e++) {
        char want[8];
        snprintf(want, sizeof want, "ep%d@", e);
        int seen = 0;
        for (int i = 0; i < na; i++) seen |= strncmp(a[i], want, 4) == 0;
        CHECK_MSG(seen, "episode ep%d never drawn", e);
    }
    /* Episode-level split: train and val are disjoint and cover everything. Pick a fraction
     * that puts some episodes on each side (the split is a hash of the name). */
    double frac = 0;
    int n_val = 0;
    for (int k = 1; k < 20 && (n_val == 0 || n_val == 4); k++) {
        frac = k / 20.0;
        n_val = 0;
        for (int e = 0; e < 4; e++) {
            char name[8];
            snprintf(name, sizeof name, "ep%d", e);
            n_val += video_episode_is_val(name, frac);
        }
    }
    CHECK(n_val > 0 && n_val < 4);
    draw(dir, 7, 1, VIDEO_SPLIT_TRAIN, frac, b, 64, &nb, &bad);
    draw(dir, 7, 1, VIDEO_SPLIT_VAL, frac, c, 64, &nc, &bad);
    CHECK(nb > 0 && nc > 0);
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < nc; j++) CHECK(strncmp(b[i], c[j], 4) != 0);
    /* Every episode is on exactly one side. */
    for (int e = 0; e < 4; e++) {
        char want[8];
        snprintf(want, sizeof want, "ep%d@", e);
        int in_b = 0, in_c = 0;
        for (int i = 0; i < nb; i++) in_b |= strncmp(b[i], want, 4) == 0;
        for (int i = 0; i < nc; i++) in_c |= strncmp(c[i], want, 4) == 0;
        CHECK_MSG(in_b + in_c == 1, "ep%d in train %d, val %d", e, in_b, in_c);
    }
    /* The split of a name never depends on the seed or on other episodes. */
    CHECK_EQ_INT(video_episode_is_val("ep0", 0.0), 0);
    CHECK_EQ_INT(video_episode_is_val("ep0", 1.0), 1);
    /* Bad options and an empty split are errors. */
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    VideoLoader *l = NULL;
    VideoLoaderOptions o = {
        .dir = dir, .T = 0, .width = 32, .height = 32, .threads = 1, .shuffle = 1};
    CHECK_EQ_INT(video_loader_create(&l, &o), STATUS_INVALID_ARGUMENT);
    o.T = 4;
    o.split = VIDEO_SPLIT_VAL;
    CHECK_EQ_INT(video_loader_create(&l, &o), STATUS_NOT_FOUND);
    log_set_level(lv);
    /* Destroying a loader mid-stream (threads blocked on full queues) is clean. */
    o.split = VIDEO_SPLIT_ALL;
    o.epochs = 0;
    o.threads = 3;
    CHECK_EQ_INT(video_loader_create(&l, &o), STATUS_OK);
    VideoWindow w;
    video_window_alloc(&w, 4, 32, 32);
    int got = 0;
    for (int i = 0; i < 40; i++) CHECK_EQ_INT(video_loader_next(l, &w, &got), STATUS_OK);
    CHECK_EQ_INT(got, 1);
    video_window_free(&w);
    video_loader_destroy(l);
}

static void test_dedup(void) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/dup", tmp);
    tu_sh("mkdir -p '%s'", dir);
    make_episode(dir, "orig", 60, 0, 0, 23, 0);
    make_episode(dir, "other", 60, 0, 500, 23, 1);
    make_episode(dir, "reenc", 60, 0, 0, 35, 2); /* same footage, other quality */
    int added = 0;
    CHECK_EQ_INT(video_dataset_index(dir, "web", &added), STATUS_OK);
    VideoDedupOptions o = {.segment_frames = 20, .sample_every = 5, .seed = 3};
    VideoDedupResult r;
    CHECK_EQ_INT(video_dataset_dedup(dir, &o, &r), STATUS_OK);
    CHECK_EQ_INT(r.n_segments, 9);
    CHECK_EQ_INT(r.duplicate_segments, 3);
    for (int i = 0; i < r.n_segments; i++) {
        const VideoDedupSegment *s = &r.segments[i];
        if (strcmp(r.episodes[s->episode], "reenc") == 0) {
            CHECK(s->duplicate_of >= 0);
            if (s->duplicate_of >= 0) {
                const VideoDedupSegment *k = &r.segments[s->duplicate_of];
                CHECK_STR_EQ(r.episodes[k->episode], "orig");
                CHECK_EQ_INT(k->start, s->start);
            }
        } else {
            CHECK_EQ_INT(s->duplicate_of, -1);
        }
    }
    CHECK_EQ_INT(video_dedup_save(dir, &o, &r), STATUS_OK);
    video_dedup_free(&r);
    json_t *j = NULL;
    char path[700];
    snprintf(path, sizeof path, "%s/dedup.json", dir);
    j = json_load_file(path, 0, NULL);
    CHECK(j && json_array_size(json_object_get(j, "duplicates")) == 3);
    json_decref(j);
    CHECK(tu_sh("'%s/vpt' dataset dedup '%s' --segment 20 --sample-every 5 | grep -q "
                "'\"duplicate_segments\": 3'",
                VPT_BINARY_DIR, dir) == 0);
    /* The loader leaves the repeated footage out when asked. */
    VideoLoaderOptions lo = {.dir = dir,
                             .T = 10,
                             .width = 16,
                             .height = 16,
                             .threads = 2,
                             .shuffle = 4,
                             .seed = 1,
                             .split = VIDEO_SPLIT_ALL,
                             .epochs = 1,
                             .skip_duplicates = 1};
    VideoLoader *l = NULL;
    CHECK_EQ_INT(video_loader_create(&l, &lo), STATUS_OK);
    if (!l) return;
    VideoWindow w;
    video_window_alloc(&w, 10, 16, 16);
    int got = 1, n = 0, from_reenc = 0;
    while (got) {
        CHECK_EQ_INT(video_loader_next(l, &w, &got), STATUS_OK);
        if (!got) break;
        n++;
        from_reenc += strcmp(w.episode, "reenc") == 0;
    }
    CHECK(n >= 10);
    CHECK_EQ_INT(from_reenc, 0);
    CHECK(video_loader_dropped(l) >= 5);
    video_window_free(&w);
    video_loader_destroy(l);
}

int main(void) {
    tu_tmpdir(tmp, sizeof tmp, "dataset");
    TEST_RUN(test_index_and_check);
    TEST_RUN(test_video_only_web_episodes);
    TEST_RUN(test_check_finds_problems);
    TEST_RUN(test_loader);
    TEST_RUN(test_dedup);
    tu_rmrf(tmp);
    return check_finish();
}
