/* label.c: IDM inference over whole episodes (idm.h): `vpt idm eval` (predictions vs the
 * dataset's own actions) and `vpt idm label` (a video-only corpus -> an "idm-labeled" dataset:
 * the video hard-linked or copied, a VPT jsonl with one line per frame, the options file with
 * the model noted, a manifest line). An episode's files are written under temporary names or
 * removed on failure, and the manifest lists only finished episodes, so a failed run never
 * leaves a labelled episode that looks complete. Frames are held in memory per episode at the
 * model size (n x H x W x 3 bytes: 12,000 frames at 64x64 is 147 MB).
 * MPI (dist/dist.h): episode i is labelled by rank i % size, which writes its files; rank 0
 * gathers the manifest entries and writes the manifest in the corpus's order, so the output
 * is the one process's. OUT must be a folder every rank sees (one machine, or a shared FS). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/progress.h"
#include "dist/dist.h"
#include "idm/idm.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "video/loader.h"

#define TAG "idm"

Status idm_read_video(const char *path, int w, int h, uint8_t **frames, int64_t *n) {
    *frames = NULL, *n = 0;
    VideoDecoderOptions opt = {w, h, VIDEO_RESIZE_AREA, 0, 1};
    VideoDecoder *dec = NULL;
    Status st = video_decoder_open(&dec, path, &opt);
    if (st != STATUS_OK) return st;
    const size_t fb = (size_t)w * h * 3;
    int64_t cap = 256, count = 0;
    uint8_t *buf = mem_alloc(fb * (size_t)cap);
    for (;;) {
        if (count == cap) {
            cap *= 2;
            buf = mem_realloc(buf, fb * (size_t)cap);
        }
        int got = 0;
        st = video_decoder_next(dec, buf + fb * (size_t)count, &got);
        if (st != STATUS_OK || !got) break;
        count++;
    }
    video_decoder_destroy(dec);
    if (st != STATUS_OK) {
        mem_free(buf);
        return st;
    }
    *frames = buf, *n = count;
    return STATUS_OK;
}

Status idm_read_actions(const char *path, Action **actions, int64_t *n) {
    *actions = NULL, *n = 0;
    VideoActionLog *log = NULL;
    Status st = video_actionlog_open(&log, path);
    if (st != STATUS_OK) return st;
    int64_t cap = 256, count = 0;
    Action *buf = mem_alloc(sizeof(Action) * (size_t)cap);
    for (;;) {
        VideoActionFrame f;
        int got = 0;
        st = video_actionlog_next(log, &f, &got);
        if (st != STATUS_OK || !got) break;
        if (count == cap) {
            cap *= 2;
            buf = mem_realloc(buf, sizeof(Action) * (size_t)cap);
        }
        buf[count++] = f.action;
    }
    video_actionlog_close(log);
    if (st != STATUS_OK) {
        mem_free(buf);
        return st;
    }
    *actions = buf, *n = count;
    return STATUS_OK;
}

/* Compute context for inference: a pool of `threads` (none when 1) and an arena. */
typedef struct Infer {
    ThreadPool *pool;
    NnCtx ctx;
    NnArena arena;
} Infer;

static void infer_init(Infer *in, int threads) {
    in->pool = nn_ctx_init_threads(&in->ctx, threads);
    nn_arena_init(&in->arena, 1 << 20);
}

static void infer_deinit(Infer *in) {
    nn_arena_deinit(&in->arena);
    nn_ctx_deinit(&in->ctx);
    pool_destroy(in->pool);
}

/* Decodes DIR/VIDEO and labels every frame; *labels mem_alloc'd. */
static Status label_video(IdmModel *m, Infer *in, const char *path, IdmLabel **labels, int64_t *n) {
    uint8_t *frames = NULL;
    Status st = idm_read_video(path, m->cfg.frame_w, m->cfg.frame_h, &frames, n);
    if (st != STATUS_OK) return st;
    *labels = mem_alloc(sizeof(IdmLabel) * (size_t)(*n > 0 ? *n : 1));
    idm_predict_clip(m, &in->ctx, &in->arena, frames, *n, *labels);
    mem_free(frames);
    return STATUS_OK;
}

/* Adds predictions vs the actions of a jsonl; the two must have the same frame count. */
static Status score(IdmStats *stats, const IdmLabel *pred, int64_t n, const char *jsonl,
                    const char *video) {
    Action *acts = NULL;
    int64_t na = 0;
    Status st = idm_read_actions(jsonl, &acts, &na);
    if (st != STATUS_OK) return st;
    if (na != n) {
        LOG_ERROR(TAG, "%s: %lld action lines but %s has %lld frames", jsonl, (long long)na, video,
                  (long long)n);
        mem_free(acts);
        return STATUS_PARSE;
    }
    for (int64_t i = 0; i < n; i++) idm_stats_add(stats, &pred[i], &acts[i]);
    mem_free(acts);
    return STATUS_OK;
}

static Status load_manifest(const char *dir, VideoManifest *man) {
    Status st = video_manifest_load(dir, man);
    if (st == STATUS_NOT_FOUND)
        LOG_ERROR(TAG, "%s: no %s (not a dataset folder)", dir, VIDEO_MANIFEST);
    return st;
}

Status idm_eval_dataset(IdmModel *m, const IdmTrainMeta *meta, const char *data, IdmSplit split,
                        double val_fraction, int threads, IdmStats *stats, int *episodes) {
    *episodes = 0;
    if (val_fraction < 0) val_fraction = meta ? meta->val_fraction : 0.0;
    VideoManifest man;
    Status st = load_manifest(data, &man);
    if (st != STATUS_OK) return st;
    Infer in;
    infer_init(&in, threads);
    for (int i = 0; i < man.n && st == STATUS_OK; i++) {
        const VideoEpisode *e = &man.episodes[i];
        const int is_val = video_episode_is_val(e->name, val_fraction);
        if ((split == IDM_SPLIT_VAL && !is_val) || (split == IDM_SPLIT_TRAIN && is_val)) continue;
        if (e->n_files < 3) {
            LOG_ERROR(TAG, "%s/%s: episode '%s' has no action log to evaluate against", data,
                      VIDEO_MANIFEST, e->name);
            st = STATUS_INVALID_ARGUMENT;
            break;
        }
        char video[1024], jsonl[1024];
        snprintf(video, sizeof video, "%s/%s", data, e->files[0].name);
        snprintf(jsonl, sizeof jsonl, "%s/%s", data, e->files[1].name);
        IdmLabel *pred = NULL;
        int64_t n = 0;
        st = label_video(m, &in, video, &pred, &n);
        if (st == STATUS_OK) st = score(stats, pred, n, jsonl, video);
        mem_free(pred);
        (*episodes)++;
    }
    infer_deinit(&in);
    video_manifest_free(&man);
    if (st == STATUS_OK && *episodes == 0) {
        LOG_ERROR(TAG, "%s: no episode in the %s split (val fraction %g)", data,
                  split == IDM_SPLIT_VAL ? "val" : "train", val_fraction);
        st = STATUS_INVALID_ARGUMENT;
    }
    return st;
}

/* The predicted labels as a VPT jsonl (hotbar follows the predicted hotbar keys). */
static Status write_jsonl(const char *path, const IdmLabel *labels, int64_t n) {
    VideoActionLogWriter *w = NULL;
    Status st = video_actionlog_writer_open(&w, path);
    if (st != STATUS_OK) return st;
    int hotbar = 0;
    for (int64_t i = 0; i < n && st == STATUS_OK; i++) {
        VideoActionFrame f;
        memset(&f, 0, sizeof f);
        idm_label_to_action(&f.action, &labels[i]);
        for (int k = 0; k < 9; k++)
            if (action_key_down(&f.action, (ActionKey)(KEY_HOTBAR_1 + k))) hotbar = k;
        f.hotbar = hotbar;
        f.tick = i;
        st = video_actionlog_writer_write(w, &f);
    }
    Status cst = video_actionlog_writer_close(w);
    return st != STATUS_OK ? st : cst;
}

static Status link_or_copy(const char *src, const char *dst) {
    unlink(dst);
    if (link(src, dst) == 0) return STATUS_OK;
    char *data;
    size_t len;
    Status st = fs_read_file(src, &data, &len);
    if (st != STATUS_OK) return st;
    st = fs_write_atomic(dst, data, len);
    mem_free(data);
    return st;
}

static Status write_options(const char *src, const char *dst, const IdmLabelOptions *o,
                            const IdmModel *m) {
    json_t *root = NULL;
    Status st = jsonio_load_file(src, &root);
    if (st != STATUS_OK) return st;
    json_object_set_new(root, "idm_labels",
                        json_pack("{s:s,s:i,s:I}", "model", o->model_path ? o->model_path : "",
                                  "window", m->cfg.window, "model_step",
                                  (json_int_t)m->params.step));
    st = jsonio_save_file(dst, root);
    json_decref(root);
    return st;
}

/* One episode: label, write the three files, scan them into *out. */
static Status label_episode(IdmModel *m, Infer *in, const IdmLabelOptions *o, const VideoEpisode *e,
                            VideoEpisode *out, IdmLabelReport *rep) {
    char src_mp4[1024], src_opt[1024], mp4[1024], jsonl[1024], tmp[1100], opt[1024];
    snprintf(src_mp4, sizeof src_mp4, "%s/%s", o->data, e->files[0].name);
    snprintf(src_opt, sizeof src_opt, "%s/%s", o->data, e->files[e->n_files - 1].name);
    snprintf(mp4, sizeof mp4, "%s/%s.mp4", o->out, e->name);
    snprintf(jsonl, sizeof jsonl, "%s/%s.jsonl", o->out, e->name);
    snprintf(tmp, sizeof tmp, "%s.tmp", jsonl);
    snprintf(opt, sizeof opt, "%s/%s-options.json", o->out, e->name);
    IdmLabel *pred = NULL;
    int64_t n = 0;
    Status st = label_video(m, in, src_mp4, &pred, &n);
    if (st == STATUS_OK && o->truth) {
        char truth[1024];
        snprintf(truth, sizeof truth, "%s/%s.jsonl", o->truth, e->name);
        if (!fs_exists(truth)) {
            LOG_ERROR(TAG, "%s: missing (--truth needs NAME.jsonl for every episode)", truth);
            st = STATUS_NOT_FOUND;
        } else {
            st = score(&rep->stats, pred, n, truth, src_mp4);
        }
    }
    if (st == STATUS_OK) st = write_jsonl(tmp, pred, n);
    if (st == STATUS_OK && rename(tmp, jsonl) != 0) {
        LOG_ERROR(TAG, "%s: rename failed: %s", jsonl, strerror(errno));
        st = STATUS_IO;
    }
    if (st == STATUS_OK) st = link_or_copy(src_mp4, mp4);
    if (st == STATUS_OK) st = write_options(src_opt, opt, o, m);
    if (st == STATUS_OK) st = video_episode_scan(o->out, e->name, "idm-labeled", out);
    if (st != STATUS_OK) {
        unlink(tmp), unlink(jsonl), unlink(mp4), unlink(opt);
    } else {
        rep->frames += n;
        rep->episodes++;
    }
    mem_free(pred);
    return st;
}

/* An episode's outcome: its manifest entry once labelled. */
typedef struct LabelDone {
    int ok;
    VideoEpisode ep;
} LabelDone;

/* dist: every rank learns which episodes were labelled (broadcast by their owners) and rank 0
 * sums the ranks' reports. A rank that did not fail itself gets STATUS_INTERNAL in *st when
 * another rank did. A collective; a no-op on one process. */
static Status gather_labelled(LabelDone *done, int n, IdmLabelReport *rep, Status *st,
                              const char *out_dir) {
    const int size = dist_size();
    if (size == 1) return STATUS_OK;
    int failed = *st != STATUS_OK;
    Status cst = dist_allreduce_max_int(&failed);
    for (int i = 0; i < n && cst == STATUS_OK; i++)
        cst = dist_broadcast(&done[i], sizeof done[i], i % size);
    for (int r = 1; r < size && cst == STATUS_OK; r++) {
        IdmLabelReport x = *rep;
        cst = dist_broadcast(&x, sizeof x, r);
        if (dist_is_root()) {
            rep->episodes += x.episodes, rep->frames += x.frames;
            idm_stats_merge(&rep->stats, &x.stats);
        }
    }
    if (failed && *st == STATUS_OK) {
        if (dist_is_root()) LOG_ERROR(TAG, "%s: another rank failed (see its error)", out_dir);
        *st = STATUS_INTERNAL;
    }
    return cst;
}

Status idm_label_dataset(IdmModel *m, const IdmLabelOptions *o, IdmLabelReport *rep) {
    memset(rep, 0, sizeof *rep);
    idm_stats_init(&rep->stats);
    rep->have_truth = o->truth != NULL;
    if (o->truth && !fs_is_dir(o->truth)) {
        LOG_ERROR(TAG, "%s: --truth is not a folder", o->truth);
        return STATUS_NOT_FOUND;
    }
    VideoManifest man, out;
    Status st = load_manifest(o->data, &man);
    if (st != STATUS_OK) return st;
    char rd[4096], ro[4096];
    if (realpath(o->data, rd) && realpath(o->out, ro) && strcmp(rd, ro) == 0) {
        LOG_ERROR(TAG, "%s: the output folder must differ from the corpus folder", o->out);
        video_manifest_free(&man);
        return STATUS_INVALID_ARGUMENT;
    }
    st = fs_mkdir_p(o->out);
    if (st != STATUS_OK) {
        video_manifest_free(&man);
        return st;
    }
    /* Episodes already labelled in OUT stay; ours replace same-named ones. */
    char mpath[1024];
    snprintf(mpath, sizeof mpath, "%s/%s", o->out, VIDEO_MANIFEST);
    memset(&out, 0, sizeof out);
    if (fs_exists(mpath) && video_manifest_load(o->out, &out) != STATUS_OK) {
        video_manifest_free(&man);
        return STATUS_PARSE;
    }
    double t0 = clock_now();
    Infer in;
    infer_init(&in, o->threads);
    Progress *pg = o->progress ? progress_create("idm label", man.n, "episodes") : NULL;
    LabelDone *done = mem_calloc((size_t)(man.n > 0 ? man.n : 1), sizeof *done);
    for (int i = dist_rank(); i < man.n && st == STATUS_OK; i += dist_size()) {
        st = label_episode(m, &in, o, &man.episodes[i], &done[i].ep, rep);
        done[i].ok = st == STATUS_OK;
        if (pg) progress_update(pg, i + 1);
    }
    progress_finish(pg);
    infer_deinit(&in);
    Status mst = gather_labelled(done, man.n, rep, &st, o->out);
    for (int i = 0; i < man.n && mst == STATUS_OK; i++) {
        if (!done[i].ok) continue;
        int k = video_manifest_find(&out, done[i].ep.name);
        if (k < 0) {
            out.episodes = mem_realloc(out.episodes, sizeof(VideoEpisode) * (size_t)(out.n + 1));
            k = out.n++;
        }
        out.episodes[k] = done[i].ep;
    }
    mem_free(done);
    rep->seconds = clock_now() - t0;
    if (mst == STATUS_OK && rep->episodes > 0 && dist_is_root())
        mst = video_manifest_save(o->out, &out); /* dist: rank 0 writes the manifest */
    video_manifest_free(&man);
    video_manifest_free(&out);
    return st != STATUS_OK ? st : mst;
}
