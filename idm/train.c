/* train.c: `vpt idm train` (idm.h): the IDM trained on a dataset's train split through the
 * video loader (random windows of T frames and their actions), AdamW with warmup + cosine decay
 * and gradient clipping, metrics JSONL beside the checkpoint, atomic checkpoints with the
 * optimizer state. Resume: the checkpoint holds the step; the loader's window sequence is a
 * function of (dataset, seed, loader lanes, shuffle), so skipping the step x batch windows
 * already consumed reproduces the uninterrupted run exactly (same --threads).
 * MPI (dist/dist.h, docs/distributed.md): rank 0 alone runs the loader and broadcasts each
 * global batch (IdmBatch); every rank computes on its contiguous shard, gradients are weighted
 * by the shard's share of the batch and summed, so every rank takes the step one process
 * would; rank 0 alone writes the checkpoints and metrics. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/progress.h"
#include "dist/dist.h"
#include "idm/idm.h"
#include "video/dataset.h"
#include "video/loader.h"

#define TAG "idm"
#define IDM_SHUFFLE 32

void idm_train_options_default(IdmTrainOptions *o) {
    memset(o, 0, sizeof *o);
    idm_config_default(&o->cfg);
    o->steps = 1000;
    o->batch = 4;
    o->lr = 3e-4;
    o->val_fraction = 0.1;
    o->weight_decay = 0.01;
    o->clip = 5.0;
    o->threads = 1;
    o->loader_threads = 2;
    o->seed = 1;
    o->log_every = 10;
    o->ckpt_every = 200;
}

/* Every training episode must carry its actions; a video-only corpus is for `idm label`. */
static Status check_dataset(const char *dir, double val_fraction, int *train_eps) {
    VideoManifest man;
    Status st = video_manifest_load(dir, &man);
    if (st == STATUS_NOT_FOUND) {
        LOG_ERROR(TAG, "%s: no %s (not a dataset folder; make one with `vpt gen-data`)", dir,
                  VIDEO_MANIFEST);
        return STATUS_NOT_FOUND;
    }
    if (st != STATUS_OK) return st;
    *train_eps = 0;
    for (int i = 0; i < man.n && st == STATUS_OK; i++) {
        const VideoEpisode *e = &man.episodes[i];
        if (e->n_files < 3) {
            LOG_ERROR(TAG,
                      "%s/%s: episode '%s' has no action log (%s.jsonl): a video-only corpus "
                      "cannot train the IDM (label it with `vpt idm label`)",
                      dir, VIDEO_MANIFEST, e->name, e->name);
            st = STATUS_INVALID_ARGUMENT;
        }
        if (!video_episode_is_val(e->name, val_fraction)) (*train_eps)++;
    }
    video_manifest_free(&man);
    if (st == STATUS_OK && *train_eps == 0) {
        LOG_ERROR(TAG, "%s: no episode in the train split (val fraction %g)", dir, val_fraction);
        st = STATUS_INVALID_ARGUMENT;
    }
    return st;
}

static void metrics_path(char *buf, size_t n, const char *out) {
    size_t len = strlen(out);
    const char *ext = ".safetensors";
    if (len > strlen(ext) && strcmp(out + len - strlen(ext), ext) == 0) len -= strlen(ext);
    snprintf(buf, n, "%.*s.metrics.jsonl", (int)len, out);
}

/* Keeps the metric lines of steps <= step (a crash after the last checkpoint left later ones). */
static Status metrics_truncate(const char *path, int64_t step) {
    if (!fs_exists(path)) return STATUS_OK;
    char *data;
    size_t len;
    Status st = fs_read_file(path, &data, &len);
    if (st != STATUS_OK) return st;
    size_t keep = 0;
    for (char *line = data; *line;) {
        char *nl = strchr(line, '\n');
        long long s = -1;
        if (sscanf(line, "{\"step\": %lld", &s) != 1 || s > step) break;
        keep = nl ? (size_t)(nl + 1 - data) : len;
        if (!nl) break;
        line = nl + 1;
    }
    st = fs_write_atomic(path, data, keep);
    mem_free(data);
    return st;
}

/* mkdir -p of the checkpoint's folder. */
static Status make_parent(const char *path) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return STATUS_OK;
    *slash = 0;
    return fs_mkdir_p(dir);
}

static Status resume_or_init(const IdmTrainOptions *o, IdmModel *m, int *resumed) {
    *resumed = 0;
    if (o->resume && fs_exists(o->out)) {
        IdmTrainMeta meta;
        Status st = idm_model_load(m, &meta, o->out, 1);
        if (st != STATUS_OK) return st;
        st = idm_config_compare(&o->cfg, &m->cfg, o->out);
        if (st == STATUS_OK && (meta.seed != o->seed || meta.batch != o->batch ||
                                meta.val_fraction != o->val_fraction)) {
            LOG_ERROR(TAG,
                      "%s: training field '%s' differs from the checkpoint's (seed %llu, batch "
                      "%d, val fraction %g): resume with the same flags",
                      o->out,
                      meta.seed != o->seed ? "seed"
                                           : (meta.batch != o->batch ? "batch" : "val_fraction"),
                      (unsigned long long)meta.seed, meta.batch, meta.val_fraction);
            st = STATUS_INVALID_ARGUMENT;
        }
        if (st != STATUS_OK) {
            idm_model_deinit(m);
            return st;
        }
        *resumed = 1;
        return STATUS_OK;
    }
    if (o->resume) LOG_INFO(TAG, "%s does not exist yet: starting from scratch", o->out);
    idm_model_init(m, &o->cfg, o->seed);
    return STATUS_OK;
}

typedef struct TrainRun {
    const IdmTrainOptions *o;
    IdmModel m;
    VideoLoader *loader; /* dist: rank 0's only */
    IdmBatch batch;
    NnCtx ctx;
    NnArena arena;
    ThreadPool *pool;
    float *frames;
    IdmLabel *labels;
    FILE *metrics;
    int64_t lo, hi; /* dist: this rank's windows [lo, hi) of each global batch */
} TrainRun;

static Status next_batch(TrainRun *r) {
    const IdmTrainOptions *o = r->o;
    const int T = o->cfg.window;
    Status st = idm_batch_next(&r->batch, r->loader, o->data);
    if (st != STATUS_OK) return st;
    /* dist: this rank's shard [lo, hi) of the global batch */
    for (int64_t i = r->lo * T; i < r->hi * T; i++)
        idm_label_from_action(&r->labels[i - r->lo * T], &r->batch.actions[i]);
    idm_frames_to_float(r->frames, r->batch.frames + r->lo * r->batch.window_bytes,
                        (r->hi - r->lo) * r->batch.window_bytes);
    return STATUS_OK;
}

static Status open_loader(TrainRun *r, int64_t skip_windows) {
    const IdmTrainOptions *o = r->o;
    idm_batch_init(&r->batch, o->batch, o->cfg.window, o->cfg.frame_w, o->cfg.frame_h);
    if (!dist_is_root()) return STATUS_OK; /* dist: rank 0 reads the data */
    VideoLoaderOptions lo = {0};
    lo.dir = o->data, lo.T = o->cfg.window, lo.width = o->cfg.frame_w, lo.height = o->cfg.frame_h;
    lo.filter = VIDEO_RESIZE_AREA, lo.threads = o->loader_threads, lo.shuffle = IDM_SHUFFLE;
    lo.seed = o->seed, lo.val_fraction = o->val_fraction, lo.split = VIDEO_SPLIT_TRAIN;
    lo.epochs = 0;
    Status st = video_loader_create(&r->loader, &lo);
    if (st != STATUS_OK) return st;
    for (int64_t i = 0; i < skip_windows; i++) {
        int got = 0;
        st = video_loader_next(r->loader, &r->batch.win, &got);
        if (st != STATUS_OK) return st;
    }
    return STATUS_OK;
}

static void run_free(TrainRun *r) {
    video_loader_destroy(r->loader);
    idm_batch_deinit(&r->batch);
    nn_arena_deinit(&r->arena);
    nn_ctx_deinit(&r->ctx);
    pool_destroy(r->pool);
    mem_free(r->frames);
    mem_free(r->labels);
    if (r->metrics) fclose(r->metrics);
    idm_model_deinit(&r->m);
}

static Status save(TrainRun *r) {
    const IdmTrainOptions *o = r->o;
    IdmTrainMeta meta = {o->val_fraction, o->seed, o->batch, o->lr, o->steps};
    if (!dist_is_root()) return STATUS_OK; /* dist: rank 0 writes the checkpoint */
    return idm_model_save(&r->m, &meta, o->out, 1);
}

/* dist: one data-parallel step's sums. Each rank's losses are means over its own shard, so
 * its gradient is weighted by its share of the global batch before the sum; the stats are
 * combined the same way. */
static Status dist_step(TrainRun *r, IdmStepStats *ss) {
    if (dist_size() == 1) return STATUS_OK;
    const double share = (double)(r->hi - r->lo) / (double)r->o->batch;
    Status st = dist_sync_grads(r->m.params.grad, r->m.params.total, (float)share);
    double s[7] = {ss->loss * share,        ss->btn_loss * share,  ss->cam_loss * share,
                   (double)ss->btn_correct, (double)ss->btn_total, (double)ss->cam_correct,
                   (double)ss->cam_total};
    if (st == STATUS_OK) st = dist_allreduce_sum_f64(s, 7);
    ss->loss = s[0], ss->btn_loss = s[1], ss->cam_loss = s[2];
    ss->btn_correct = (int64_t)s[3], ss->btn_total = (int64_t)s[4];
    ss->cam_correct = (int64_t)s[5], ss->cam_total = (int64_t)s[6];
    return st;
}

static Status train_loop(TrainRun *r, IdmTrainReport *rep, int64_t start) {
    const IdmTrainOptions *o = r->o;
    const int T = o->cfg.window;
    NnAdamW opt = NN_ADAMW_DEFAULT;
    opt.weight_decay = (float)o->weight_decay;
    int64_t warm = o->steps / 10 < 100 ? o->steps / 10 : 100;
    NnSchedule sched = {NN_SCHED_COSINE, (float)o->lr, (float)(o->lr * 0.1), warm, o->steps};
    Progress *pg = o->progress ? progress_create("idm train", (double)o->steps, "steps") : NULL;
    const int64_t end = o->stop_at > 0 && o->stop_at < o->steps ? o->stop_at : o->steps;
    double t0 = clock_now(), tlog = t0;
    int64_t frames_since = 0;
    Status st = STATUS_OK;
    const int64_t check = dist_check_every();
    for (int64_t step = start; step < end && st == STATUS_OK; step++) {
        st = next_batch(r);
        if (st != STATUS_OK) break;
        nn_arena_reset(&r->arena);
        IdmStepStats ss;
        idm_train_step(&r->m, &r->ctx, &r->arena, r->frames, r->labels, (int)(r->hi - r->lo), T,
                       &ss);
        st = dist_step(r, &ss);
        if (st != STATUS_OK) break;
        if (o->clip > 0) nn_clip_grad_norm(&r->m.params, o->clip);
        const float lr = nn_schedule_lr(&sched, step);
        nn_adamw_step(&r->m.params, &opt, lr);
        frames_since += (int64_t)o->batch * T;
        const int64_t done = step + 1;
        if (dist_size() > 1 && check > 0 && (done % check == 0 || done == end)) {
            st = dist_check_same(r->m.params.value, sizeof(float) * (size_t)r->m.params.total,
                                 "idm parameters");
            if (st != STATUS_OK) break;
        }
        rep->last_loss = ss.loss;
        rep->btn_acc = (double)ss.btn_correct / (double)ss.btn_total;
        rep->cam_acc = (double)ss.cam_correct / (double)ss.cam_total;
        if (r->metrics && (done % o->log_every == 0 || done == end)) {
            const double now = clock_now(), fps = (double)frames_since / (now - tlog + 1e-9);
            fprintf(r->metrics,
                    "{\"step\": %lld, \"loss\": %.6f, \"button_loss\": %.6f, \"camera_loss\": "
                    "%.6f, \"button_accuracy\": %.5f, \"camera_accuracy\": %.5f, \"lr\": %.3g, "
                    "\"frames_per_s\": %.1f}\n",
                    (long long)done, ss.loss, ss.btn_loss, ss.cam_loss, rep->btn_acc, rep->cam_acc,
                    (double)lr, fps);
            fflush(r->metrics);
            tlog = now, frames_since = 0;
        }
        if (pg) {
            char note[96];
            snprintf(note, sizeof note, "loss %.3f btn %.3f cam %.3f", ss.loss, rep->btn_acc,
                     rep->cam_acc);
            progress_set_note(pg, note);
            progress_update(pg, (double)done);
        }
        if (o->ckpt_every > 0 && done % o->ckpt_every == 0 && done != end) st = save(r);
        rep->steps_done = done;
    }
    progress_finish(pg);
    rep->seconds = clock_now() - t0;
    rep->frames_per_s =
        (double)(rep->steps_done - start) * o->batch * T / (rep->seconds > 0 ? rep->seconds : 1);
    if (st == STATUS_OK) st = save(r);
    return st;
}

Status idm_train(const IdmTrainOptions *o, IdmTrainReport *rep) {
    memset(rep, 0, sizeof *rep);
    Status st = idm_config_validate(&o->cfg, "idm train");
    if (st != STATUS_OK) return st;
    ASSERT(o->data && o->out && o->batch >= 1 && o->steps >= 1 && o->threads >= 1);
    ASSERT(o->loader_threads >= 1 && o->log_every >= 1);
    int train_eps = 0;
    st = check_dataset(o->data, o->val_fraction, &train_eps);
    if (st != STATUS_OK) return st;
    st = make_parent(o->out);
    if (st != STATUS_OK) return st;
    TrainRun r;
    memset(&r, 0, sizeof r);
    r.o = o;
    st = dist_batch_shard(o->batch, "--batch", &r.lo, &r.hi);
    if (st != STATUS_OK) return st;
    int resumed = 0;
    st = resume_or_init(o, &r.m, &resumed);
    if (st != STATUS_OK) return st;
    const int64_t start = r.m.params.step;
    rep->start_step = rep->steps_done = start;
    rep->params = idm_model_param_count(&r.m);
    char mpath[1024];
    metrics_path(mpath, sizeof mpath, o->out);
    if (resumed && dist_is_root()) st = metrics_truncate(mpath, start);
    if (st == STATUS_OK && dist_is_root()) { /* dist: rank 0 writes the metrics */
        r.metrics = fopen(mpath, resumed ? "a" : "w");
        if (!r.metrics) {
            LOG_ERROR(TAG, "%s: cannot open for writing", mpath);
            st = STATUS_IO;
        }
    }
    if (st == STATUS_OK) st = open_loader(&r, start * o->batch);
    if (st == STATUS_OK) {
        LOG_INFO(TAG, "training on %d episodes of %s, %lld parameters, steps %lld..%lld", train_eps,
                 o->data, (long long)rep->params, (long long)start, (long long)o->steps);
        r.pool = nn_ctx_init_threads(&r.ctx, o->threads);
        nn_arena_init(&r.arena, 1 << 20);
        const int64_t n = (r.hi - r.lo) * o->cfg.window;
        const int64_t fb = (int64_t)o->cfg.frame_h * o->cfg.frame_w * 3;
        r.frames = mem_alloc(sizeof(float) * (size_t)(n * fb));
        r.labels = mem_alloc(sizeof(IdmLabel) * (size_t)n);
        if (start < o->steps) st = train_loop(&r, rep, start);
    }
    run_free(&r);
    if (st != STATUS_OK && !resumed && rep->steps_done == 0 && dist_is_root()) remove(mpath);
    return st;
}
