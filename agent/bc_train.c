/* bc_train.c: `vpt bc train` (bc.h): the BC policy trained on a dataset with actions (contractor
 * recordings or `vpt idm label` output alike) through the video loader: random windows of T
 * frames, each from a zero LSTM state; VPT null-action frames are masked out of the loss (the
 * loader's vpt_null flags). AdamW with warmup + cosine decay and gradient clipping; metrics
 * JSONL at OUT.metrics.jsonl (one line per log step); the checkpoint is written atomically at
 * the end (no half-written file on failure). The run is a function of (dataset, seed, loader
 * threads) only.
 * MPI (dist/dist.h, docs/distributed.md): rank 0 alone runs the loader and broadcasts each
 * global batch (idm.h's IdmBatch); every rank computes on its contiguous shard, the losses are
 * normalised by the global batch's frame counts and the gradients summed, so every rank takes
 * the step one process would; rank 0 alone writes the checkpoint and metrics. */
#include <stdio.h>
#include <string.h>

#include "agent/bc.h"
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

#define TAG "bc"
#define BC_SHUFFLE 32

void bc_train_options_default(BcTrainOptions *o) {
    memset(o, 0, sizeof *o);
    bc_config_default(&o->cfg);
    o->steps = 500;
    o->batch = 4;
    o->window = 16;
    o->threads = 1;
    o->loader_threads = 2;
    o->lr = 3e-4;
    o->weight_decay = 0.01;
    o->clip = 5.0;
    o->val_fraction = 0.0;
    o->seed = 1;
    o->log_every = 10;
}

/* Every episode must carry actions (a video-only corpus must be labelled by the IDM first). */
static Status check_dataset(const char *dir, int64_t *episodes) {
    VideoManifest man;
    Status st = video_manifest_load(dir, &man);
    if (st == STATUS_NOT_FOUND) {
        LOG_ERROR(TAG, "%s: no %s (not a dataset folder)", dir, VIDEO_MANIFEST);
        return st;
    }
    if (st != STATUS_OK) return st;
    for (int i = 0; i < man.n && st == STATUS_OK; i++) {
        if (man.episodes[i].n_files < 3) {
            LOG_ERROR(TAG,
                      "%s/%s: episode '%s' has no action log: label the corpus with `vpt idm "
                      "label` first",
                      dir, VIDEO_MANIFEST, man.episodes[i].name);
            st = STATUS_INVALID_ARGUMENT;
        }
    }
    if (st == STATUS_OK && man.n == 0) {
        LOG_ERROR(TAG, "%s/%s: no episodes", dir, VIDEO_MANIFEST);
        st = STATUS_INVALID_ARGUMENT;
    }
    *episodes = man.n;
    video_manifest_free(&man);
    return st;
}

static void metrics_path(char *buf, size_t n, const char *out) {
    size_t len = strlen(out);
    const char *ext = ".safetensors";
    if (len > strlen(ext) && strcmp(out + len - strlen(ext), ext) == 0) len -= strlen(ext);
    snprintf(buf, n, "%.*s.metrics.jsonl", (int)len, out);
}

static Status make_parent(const char *path) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return STATUS_OK;
    *slash = 0;
    return fs_mkdir_p(dir);
}

typedef struct BcRun {
    const BcTrainOptions *o;
    BcModel m;
    VideoLoader *loader; /* dist: rank 0's only */
    IdmBatch batch;
    NnCtx ctx;
    NnArena arena;
    ThreadPool *pool;
    float *frames;
    BcTarget *targets;
    AtomicFile *metrics;
    BcTrainReport *rep;
    int64_t lo, hi; /* dist: this rank's windows [lo, hi) of each global batch */
} BcRun;

static Status next_batch(BcRun *r) {
    const BcTrainOptions *o = r->o;
    const int T = o->window;
    const int64_t wb = r->batch.window_bytes;
    Status st = idm_batch_next(&r->batch, r->loader, o->data);
    for (int64_t g = r->lo; g < r->hi && st == STATUS_OK; g++) { /* dist: this rank's shard */
        const int64_t b = g - r->lo;
        const uint8_t *src = r->batch.frames + g * wb;
        float *dst = r->frames + b * wb;
        for (int64_t i = 0; i < wb; i++) dst[i] = (float)src[i] * (1.0f / 255.0f);
        bc_targets_from_window(r->targets + b * T, r->batch.actions + g * T,
                               r->batch.vpt_null + g * T, T);
    }
    return st;
}

Status bc_train_step_dist(BcModel *m, NnCtx *ctx, NnArena *arena, const float *frames,
                          const BcTarget *targets, int B, int T, BcStepStats *ss) {
    if (dist_size() == 1) {
        bc_train_step(m, ctx, arena, frames, targets, B, T, ss);
        return STATUS_OK;
    }
    int64_t used, cam_used;
    bc_targets_count(targets, (int64_t)B * T, &used, &cam_used);
    double n[2] = {(double)used, (double)cam_used};
    Status st = dist_allreduce_sum_f64(n, 2);
    if (st != STATUS_OK) return st;
    bc_train_step_norm(m, ctx, arena, frames, targets, B, T, (int64_t)n[0], (int64_t)n[1], ss);
    st = dist_sync_grads(m->params.grad, m->params.total, 1.0f);
    double s[6] = {ss->btn_loss * (double)ss->used,
                   ss->cam_loss * (double)ss->cam_used,
                   (double)ss->frames,
                   (double)ss->used,
                   (double)ss->cam_used,
                   (double)ss->btn_correct};
    if (st == STATUS_OK) st = dist_allreduce_sum_f64(s, 6);
    ss->btn_loss = s[3] > 0 ? s[0] / s[3] : 0.0, ss->cam_loss = s[4] > 0 ? s[1] / s[4] : 0.0;
    ss->loss = ss->btn_loss + ss->cam_loss;
    ss->frames = (int64_t)s[2], ss->used = (int64_t)s[3], ss->cam_used = (int64_t)s[4];
    ss->btn_correct = (int64_t)s[5];
    return st;
}

static Status train_loop(BcRun *r) {
    const BcTrainOptions *o = r->o;
    BcTrainReport *rep = r->rep;
    NnAdamW opt = NN_ADAMW_DEFAULT;
    opt.weight_decay = (float)o->weight_decay;
    /* Most of the 8641 button rows see gradients near Adam's default eps (1e-8), and Adam would
     * turn them into full-size steps that drift the whole trunk; 1e-5 keeps them small (the
     * tiny-batch overfit test does not converge with 1e-8). */
    opt.eps = 1e-5f;
    int64_t warm = o->steps / 10 < 100 ? o->steps / 10 : 100;
    NnSchedule sched = {NN_SCHED_COSINE, (float)o->lr, (float)(o->lr * 0.1), warm, o->steps};
    Progress *pg = o->progress ? progress_create("bc train", (double)o->steps, "steps") : NULL;
    FILE *mf = r->metrics ? fs_atomic_file(r->metrics) : NULL; /* dist: rank 0's only */
    const double t0 = clock_now();
    const int64_t check = dist_size() > 1 ? dist_check_every() : 0;
    Status st = STATUS_OK;
    double loss_acc = 0, acc_acc = 0;
    int64_t n_acc = 0;
    for (int64_t step = 0; step < o->steps && st == STATUS_OK; step++) {
        st = next_batch(r);
        if (st != STATUS_OK) break;
        nn_arena_reset(&r->arena);
        BcStepStats ss;
        st = bc_train_step_dist(&r->m, &r->ctx, &r->arena, r->frames, r->targets,
                                (int)(r->hi - r->lo), o->window, &ss);
        if (st != STATUS_OK) break;
        if (o->clip > 0) nn_clip_grad_norm(&r->m.params, o->clip);
        const float lr = nn_schedule_lr(&sched, step);
        nn_adamw_step_ctx(&r->ctx, &r->m.params, &opt, lr);
        if (check > 0 && ((step + 1) % check == 0 || step + 1 == o->steps)) {
            st = dist_check_same(r->m.params.value, sizeof(float) * (size_t)r->m.params.total,
                                 "bc parameters");
            if (st != STATUS_OK) break;
        }
        const double acc = ss.used ? (double)ss.btn_correct / (double)ss.used : 0.0;
        if (step == 0) rep->first_loss = ss.loss;
        rep->last_loss = ss.loss, rep->last_btn_acc = acc, rep->steps = step + 1;
        rep->frames += ss.frames, rep->null_frames += ss.frames - ss.used;
        loss_acc += ss.loss, acc_acc += acc, n_acc++;
        if (mf && ((step + 1) % o->log_every == 0 || step + 1 == o->steps)) {
            fprintf(mf,
                    "{\"step\": %lld, \"loss\": %.6f, \"button_loss\": %.6f, \"camera_loss\": "
                    "%.6f, \"mean_loss\": %.6f, \"button_accuracy\": %.5f, \"frames_in_loss\": "
                    "%lld, \"null_frames_skipped\": %lld, \"lr\": %.3g}\n",
                    (long long)(step + 1), ss.loss, ss.btn_loss, ss.cam_loss,
                    loss_acc / (double)n_acc, acc_acc / (double)n_acc, (long long)ss.used,
                    (long long)(ss.frames - ss.used), (double)lr);
            loss_acc = acc_acc = 0, n_acc = 0;
        }
        if (pg) {
            char note[64];
            snprintf(note, sizeof note, "loss %.3f acc %.3f", ss.loss, acc);
            progress_set_note(pg, note);
            progress_update(pg, (double)(step + 1));
        }
    }
    progress_finish(pg);
    rep->seconds = clock_now() - t0;
    rep->frames_per_s = (double)rep->frames / (rep->seconds > 0 ? rep->seconds : 1);
    return st;
}

static Status open_loader(BcRun *r) {
    const BcTrainOptions *o = r->o;
    idm_batch_init(&r->batch, o->batch, o->window, o->cfg.frame_w, o->cfg.frame_h);
    if (!dist_is_root()) return STATUS_OK; /* dist: rank 0 reads the data */
    VideoLoaderOptions lo;
    memset(&lo, 0, sizeof lo);
    lo.dir = o->data, lo.T = o->window, lo.width = o->cfg.frame_w, lo.height = o->cfg.frame_h;
    lo.filter = VIDEO_RESIZE_AREA, lo.threads = o->loader_threads, lo.shuffle = BC_SHUFFLE;
    lo.seed = o->seed, lo.val_fraction = o->val_fraction, lo.split = VIDEO_SPLIT_TRAIN;
    lo.epochs = 0;
    return video_loader_create(&r->loader, &lo);
}

static void run_free(BcRun *r) {
    video_loader_destroy(r->loader);
    idm_batch_deinit(&r->batch);
    nn_arena_deinit(&r->arena);
    nn_ctx_deinit(&r->ctx);
    pool_destroy(r->pool);
    mem_free(r->frames);
    mem_free(r->targets);
    if (r->metrics) fs_atomic_abort(r->metrics);
    bc_model_deinit(&r->m);
}

Status bc_train(const BcTrainOptions *o, BcTrainReport *rep) {
    memset(rep, 0, sizeof *rep);
    Status st = bc_config_validate(&o->cfg, "bc train");
    if (st != STATUS_OK) return st;
    ASSERT(o->data && o->out && o->batch >= 1 && o->steps >= 1 && o->window >= 1);
    ASSERT(o->threads >= 1 && o->loader_threads >= 1 && o->log_every >= 1);
    st = check_dataset(o->data, &rep->episodes);
    if (st == STATUS_OK) st = make_parent(o->out);
    if (st != STATUS_OK) return st;
    BcRun r;
    memset(&r, 0, sizeof r);
    r.o = o, r.rep = rep;
    st = dist_batch_shard(o->batch, "--batch", &r.lo, &r.hi);
    if (st != STATUS_OK) return st;
    char mpath[1024];
    metrics_path(mpath, sizeof mpath, o->out);
    if (dist_is_root()) r.metrics = fs_atomic_open(mpath); /* dist: rank 0 writes the files */
    if (dist_is_root() && !r.metrics) {
        LOG_ERROR(TAG, "%s: cannot open for writing", mpath);
        return STATUS_IO;
    }
    bc_model_init(&r.m, &o->cfg, o->seed);
    rep->params = r.m.params.total;
    st = open_loader(&r);
    if (st == STATUS_OK) {
        LOG_INFO(TAG, "training on %lld episodes of %s, %lld parameters, %lld steps",
                 (long long)rep->episodes, o->data, (long long)rep->params, (long long)o->steps);
        r.pool = nn_ctx_init_threads(&r.ctx, o->threads);
        nn_arena_init(&r.arena, 1 << 20);
        const int64_t n = (r.hi - r.lo) * o->window;
        r.frames = mem_alloc(sizeof(float) * (size_t)(n * o->cfg.frame_h * o->cfg.frame_w * 3));
        r.targets = mem_alloc(sizeof(BcTarget) * (size_t)n);
        st = train_loop(&r);
    }
    if (st == STATUS_OK) {
        BcTrainMeta meta;
        memset(&meta, 0, sizeof meta);
        meta.seed = o->seed, meta.batch = o->batch, meta.window = o->window, meta.lr = o->lr;
        meta.total_steps = o->steps;
        snprintf(meta.data, sizeof meta.data, "%s", o->data);
        if (dist_is_root()) st = bc_model_save(&r.m, &meta, o->out, 0);
    }
    if (st == STATUS_OK && r.metrics) {
        st = fs_atomic_commit(r.metrics);
        r.metrics = NULL;
    }
    run_free(&r);
    return st;
}
