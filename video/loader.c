/* loader.c: background-decoding window loader (see loader.h for the order guarantees).
 *
 * Threads: one worker per lane, each with a bounded FIFO of finished windows (LANE_QUEUE deep);
 * the consumer is the only reader of every lane and the only user of the shuffle buffer. A worker
 * blocks when its FIFO is full; the consumer blocks on the lane whose turn it is. destroy() sets
 * `stop`, wakes everyone and joins. */
#include "video/loader.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "core/rng.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "core/fsutil.h"

enum { LANE_QUEUE = 4 };

typedef struct Lane {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    VideoWindow *q[LANE_QUEUE];
    int head, count, done;
    int index;
    struct VideoLoader *owner;
} Lane;

typedef struct DupRange {
    int episode; /* index in names */
    int64_t begin, end;
} DupRange;

struct VideoLoader {
    VideoLoaderOptions opt;
    DupRange *dups;
    int n_dups;
    _Atomic long long dropped;
    char dir[4096];
    char (*names)[256];
    int n_eps;
    Lane *lanes;
    int n_lanes, rr, lanes_done;
    VideoWindow **buf; /* shuffle buffer */
    int buf_n;
    Rng rng;
    _Atomic int stop;
    int errors;
    pthread_mutex_t err_mu;
};

void video_window_alloc(VideoWindow *w, int T, int width, int height) {
    memset(w, 0, sizeof *w);
    w->T = T;
    w->width = width;
    w->height = height;
    w->frames = mem_alloc((size_t)T * width * height * 3);
    w->actions = MEM_NEW_ARRAY(Action, T);
    w->vpt_null = MEM_NEW_ARRAY(uint8_t, T);
}

void video_window_free(VideoWindow *w) {
    if (!w) return;
    mem_free(w->frames);
    mem_free(w->actions);
    mem_free(w->vpt_null);
    memset(w, 0, sizeof *w);
}

int video_episode_is_val(const char *episode, double val_fraction) {
    if (val_fraction <= 0) return 0;
    if (val_fraction >= 1) return 1;
    uint64_t h = 1469598103934665603ull; /* FNV-1a, then a mixer */
    for (const char *p = episode; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return (double)(rng_mix64(h) >> 11) / (double)(1ull << 53) < val_fraction;
}

/* Pushes a finished window into the lane FIFO; returns 0 if the loader is stopping. */
static int lane_push(Lane *ln, VideoWindow *w) {
    pthread_mutex_lock(&ln->mu);
    while (ln->count == LANE_QUEUE && !ln->owner->stop) pthread_cond_wait(&ln->cv, &ln->mu);
    int ok = !ln->owner->stop;
    if (ok) {
        ln->q[(ln->head + ln->count) % LANE_QUEUE] = w;
        ln->count++;
        pthread_cond_broadcast(&ln->cv);
    }
    pthread_mutex_unlock(&ln->mu);
    return ok;
}

static int overlaps_duplicate(const VideoLoader *l, int ep, int64_t begin, int64_t end) {
    for (int i = 0; i < l->n_dups; i++)
        if (l->dups[i].episode == ep && begin < l->dups[i].end && l->dups[i].begin < end) return 1;
    return 0;
}

/* Reads DIR/dedup.json into l->dups (episodes outside the split are ignored). */
static Status load_dups(VideoLoader *l) {
    char path[4200];
    snprintf(path, sizeof path, "%s/dedup.json", l->dir);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root) {
        if (!fs_exists(path)) return STATUS_OK;
        LOG_ERROR("video", "%s:%d: %s", path, err.line, err.text);
        return STATUS_PARSE;
    }
    json_t *seg = json_object_get(root, "segment_frames"), *d = json_object_get(root, "duplicates");
    if (!json_is_integer(seg) || json_integer_value(seg) < 1 || !json_is_array(d)) {
        LOG_ERROR("video", "%s: expected 'segment_frames' and 'duplicates'", path);
        json_decref(root);
        return STATUS_PARSE;
    }
    l->dups = MEM_NEW_ARRAY(DupRange, json_array_size(d) + 1);
    size_t i;
    json_t *o;
    json_array_foreach(d, i, o) {
        const char *name = json_string_value(json_object_get(o, "episode"));
        json_t *start = json_object_get(o, "start");
        for (int e = 0; name && json_is_integer(start) && e < l->n_eps; e++)
            if (strcmp(l->names[e], name) == 0) {
                int64_t b = json_integer_value(start);
                l->dups[l->n_dups++] = (DupRange){e, b, b + json_integer_value(seg)};
            }
    }
    json_decref(root);
    return STATUS_OK;
}

/* Decodes one episode into windows. Returns 0 when stopping. */
static int lane_episode(Lane *ln, int ep, Rng *rng) {
    VideoLoader *l = ln->owner;
    const char *name = l->names[ep];
    const VideoLoaderOptions *o = &l->opt;
    char vpath[4400], apath[4400];
    snprintf(vpath, sizeof vpath, "%s/%s.mp4", l->dir, name);
    snprintf(apath, sizeof apath, "%s/%s.jsonl", l->dir, name);
    VideoDecoderOptions dopt = {.width = o->width, .height = o->height, .filter = o->filter};
    VideoDecoder *dec = NULL;
    VideoActionLog *al = NULL;
    Status st = video_decoder_open(&dec, vpath, &dopt);
    if (st == STATUS_OK) st = video_actionlog_open(&al, apath);
    size_t fsz = (size_t)o->width * o->height * 3;
    uint8_t *skip = mem_alloc(fsz);
    int skip_n = (int)rng_below(rng, (uint32_t)o->T), running = 1;
    int64_t idx = 0;
    VideoWindow *w = NULL;
    while (st == STATUS_OK && running) {
        int got_v = 0, got_a = 0;
        VideoActionFrame fr;
        int t = w ? (int)(idx - w->start) : 0;
        uint8_t *dst = idx < skip_n ? skip : NULL;
        if (!dst) {
            if (!w) {
                w = mem_alloc(sizeof *w);
                video_window_alloc(w, o->T, o->width, o->height);
                snprintf(w->episode, sizeof w->episode, "%s", name);
                w->start = idx;
                t = 0;
            }
            dst = w->frames + (size_t)t * fsz;
        }
        st = video_decoder_next(dec, dst, &got_v);
        if (st == STATUS_OK) st = video_actionlog_next(al, &fr, &got_a);
        if (st != STATUS_OK || !got_v || !got_a) break;
        if (w && dst != skip) {
            w->actions[t] = fr.action;
            w->vpt_null[t] = (uint8_t)fr.vpt_null;
            if (t + 1 == o->T) {
                if (overlaps_duplicate(l, ep, w->start, w->start + o->T)) {
                    atomic_fetch_add(&l->dropped, 1);
                    running = !l->stop;
                } else {
                    running = lane_push(ln, w);
                    if (running) w = NULL;
                }
                if (w) {
                    video_window_free(w);
                    mem_free(w);
                    w = NULL;
                }
            }
        }
        idx++;
    }
    if (w) { /* incomplete tail window */
        video_window_free(w);
        mem_free(w);
    }
    if (st != STATUS_OK) {
        pthread_mutex_lock(&l->err_mu);
        l->errors++;
        pthread_mutex_unlock(&l->err_mu);
        LOG_WARN("video", "loader: episode '%s' skipped after an error", name);
    }
    mem_free(skip);
    video_actionlog_close(al);
    video_decoder_destroy(dec);
    return running && !l->stop;
}

static void epoch_order(const VideoLoader *l, int epoch, int *order) {
    for (int i = 0; i < l->n_eps; i++) order[i] = i;
    Rng r = rng_stream(l->opt.seed, 0x5eed0000u + (uint64_t)epoch);
    for (int i = l->n_eps - 1; i > 0; i--) {
        int j = (int)rng_below(&r, (uint32_t)i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

static void *lane_main(void *arg) {
    Lane *ln = arg;
    VideoLoader *l = ln->owner;
    int *order = MEM_NEW_ARRAY(int, l->n_eps);
    for (int epoch = 0; !l->stop && (l->opt.epochs == 0 || epoch < l->opt.epochs); epoch++) {
        epoch_order(l, epoch, order);
        for (int pos = ln->index; pos < l->n_eps && !l->stop; pos += l->n_lanes) {
            Rng r = rng_stream(l->opt.seed ^ ((uint64_t)epoch << 32), (uint64_t)pos + 1);
            if (!lane_episode(ln, order[pos], &r)) break;
        }
        if (l->n_eps <= ln->index && l->opt.epochs == 0) break; /* idle lane */
    }
    mem_free(order);
    pthread_mutex_lock(&ln->mu);
    ln->done = 1;
    pthread_cond_broadcast(&ln->cv);
    pthread_mutex_unlock(&ln->mu);
    return NULL;
}

static Status check_options(const VideoLoaderOptions *o) {
    if (!o->dir || o->T < 1 || o->width < 1 || o->height < 1 || o->threads < 1 || o->shuffle < 1 ||
        o->val_fraction < 0 || o->val_fraction > 1 || o->epochs < 0) {
        LOG_ERROR("video",
                  "loader: bad options (T %d, size %dx%d, threads %d, shuffle %d, "
                  "val_fraction %g, epochs %d)",
                  o->T, o->width, o->height, o->threads, o->shuffle, o->val_fraction, o->epochs);
        return STATUS_INVALID_ARGUMENT;
    }
    return STATUS_OK;
}

Status video_loader_create(VideoLoader **out, const VideoLoaderOptions *opt) {
    ASSERT(out && opt);
    *out = NULL;
    Status st = check_options(opt);
    if (st != STATUS_OK) return st;
    VideoManifest m;
    st = video_manifest_load(opt->dir, &m);
    if (st != STATUS_OK) return st;
    VideoLoader *l = mem_calloc(1, sizeof *l);
    l->opt = *opt;
    snprintf(l->dir, sizeof l->dir, "%s", opt->dir);
    l->opt.dir = l->dir;
    l->names = mem_calloc((size_t)(m.n ? m.n : 1), sizeof *l->names);
    for (int i = 0; i < m.n; i++) {
        int val = video_episode_is_val(m.episodes[i].name, opt->val_fraction);
        if (opt->split == VIDEO_SPLIT_ALL || val == (opt->split == VIDEO_SPLIT_VAL))
            snprintf(l->names[l->n_eps++], 256, "%s", m.episodes[i].name);
    }
    video_manifest_free(&m);
    if (l->n_eps == 0) {
        LOG_ERROR("video", "%s: no episode in the %s split", opt->dir,
                  opt->split == VIDEO_SPLIT_VAL ? "validation" : "training");
        mem_free(l->names);
        mem_free(l);
        return STATUS_NOT_FOUND;
    }
    if (opt->skip_duplicates && load_dups(l) != STATUS_OK) {
        mem_free(l->names);
        mem_free(l->dups);
        mem_free(l);
        return STATUS_PARSE;
    }
    rng_seed(&l->rng, opt->seed ^ 0xb0ffe7ull);
    l->buf = MEM_NEW_ARRAY(VideoWindow *, opt->shuffle);
    pthread_mutex_init(&l->err_mu, NULL);
    l->n_lanes = opt->threads;
    l->lanes = MEM_NEW_ARRAY(Lane, l->n_lanes);
    for (int j = 0; j < l->n_lanes; j++) {
        Lane *ln = &l->lanes[j];
        pthread_mutex_init(&ln->mu, NULL);
        pthread_cond_init(&ln->cv, NULL);
        ln->index = j;
        ln->owner = l;
        pthread_create(&ln->thread, NULL, lane_main, ln);
    }
    *out = l;
    return STATUS_OK;
}

/* Takes the next window from the lane whose turn it is; NULL when every lane is done. */
static VideoWindow *take_round_robin(VideoLoader *l) {
    while (l->lanes_done < l->n_lanes) {
        Lane *ln = &l->lanes[l->rr % l->n_lanes];
        pthread_mutex_lock(&ln->mu);
        while (ln->count == 0 && !ln->done) pthread_cond_wait(&ln->cv, &ln->mu);
        VideoWindow *w = NULL;
        if (ln->count > 0) {
            w = ln->q[ln->head];
            ln->head = (ln->head + 1) % LANE_QUEUE;
            ln->count--;
            pthread_cond_broadcast(&ln->cv);
        } else if (ln->done == 1) {
            ln->done = 2; /* counted */
            l->lanes_done++;
        }
        pthread_mutex_unlock(&ln->mu);
        l->rr++;
        if (w) return w;
    }
    return NULL;
}

Status video_loader_next(VideoLoader *l, VideoWindow *out, int *got) {
    ASSERT(l && out && got);
    ASSERT(out->T == l->opt.T && out->width == l->opt.width && out->height == l->opt.height);
    *got = 0;
    while (l->buf_n < l->opt.shuffle) {
        VideoWindow *w = take_round_robin(l);
        if (!w) break;
        l->buf[l->buf_n++] = w;
    }
    if (l->buf_n == 0) return STATUS_OK;
    int i = (int)rng_below(&l->rng, (uint32_t)l->buf_n);
    VideoWindow *w = l->buf[i];
    l->buf[i] = l->buf[--l->buf_n];
    memcpy(out->episode, w->episode, sizeof out->episode);
    out->start = w->start;
    memcpy(out->frames, w->frames, (size_t)w->T * w->width * w->height * 3);
    memcpy(out->actions, w->actions, (size_t)w->T * sizeof(Action));
    memcpy(out->vpt_null, w->vpt_null, (size_t)w->T);
    video_window_free(w);
    mem_free(w);
    *got = 1;
    return STATUS_OK;
}

int video_loader_episodes(const VideoLoader *l) { return l->n_eps; }

int video_loader_errors(const VideoLoader *l) { return l->errors; }

int64_t video_loader_dropped(const VideoLoader *l) { return atomic_load(&l->dropped); }

void video_loader_destroy(VideoLoader *l) {
    if (!l) return;
    l->stop = 1;
    for (int j = 0; j < l->n_lanes; j++) {
        Lane *ln = &l->lanes[j];
        pthread_mutex_lock(&ln->mu);
        pthread_cond_broadcast(&ln->cv);
        pthread_mutex_unlock(&ln->mu);
    }
    for (int j = 0; j < l->n_lanes; j++) {
        Lane *ln = &l->lanes[j];
        pthread_join(ln->thread, NULL);
        for (int k = 0; k < ln->count; k++) {
            VideoWindow *w = ln->q[(ln->head + k) % LANE_QUEUE];
            video_window_free(w);
            mem_free(w);
        }
        pthread_mutex_destroy(&ln->mu);
        pthread_cond_destroy(&ln->cv);
    }
    for (int i = 0; i < l->buf_n; i++) {
        video_window_free(l->buf[i]);
        mem_free(l->buf[i]);
    }
    pthread_mutex_destroy(&l->err_mu);
    mem_free(l->buf);
    mem_free(l->lanes);
    mem_free(l->names);
    mem_free(l->dups);
    mem_free(l);
}
