/* test_idm_train.c: the IDM on a tiny synthetic dataset where each frame shows its own action
 * (button cells lit, camera bins as grey levels), written with the real video encoder and
 * action-log writer: a small IDM overfits it (high button and camera accuracy), labelling the
 * same videos as a video-only corpus gives frame i the label of action i (an off-by-one would
 * fall to chance since actions are independent per frame), the labelled output has one jsonl
 * line per frame, passes the dataset check and feeds the loader; resuming equals uninterrupted
 * training bit for bit; bad inputs fail with the field named and nothing half-written. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "core/rng.h"
#include "idm/idm.h"
#include "tests/check.h"
#include "tests/video/util.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "video/loader.h"

#define S 32      /* frame size */
#define FRAMES 48 /* per episode */
#define EPISODES 2

static char tmp[512], data_dir[600], web_dir[600], truth_dir[600];
/* Buttons drawn into the frame (cell k of a 4x4 grid of 8x8 cells lights button SHOWN[k]). */
static const int SHOWN[] = {0, 2, 3, 6, 8, 13}; /* attack forward jump sneak use hotbar.3 */
enum { N_SHOWN = sizeof SHOWN / sizeof SHOWN[0] };

static void draw(uint8_t *rgb, const IdmLabel *l) {
    memset(rgb, 0, S * S * 3);
    for (int cell = 0; cell < 16; cell++) {
        int v = 0;
        if (cell < N_SHOWN)
            v = l->buttons[SHOWN[cell]] ? 255 : 0;
        else if (cell < 10)
            v = 20 + 23 * l->camera[0]; /* pitch bin as grey */
        else if (cell < 14)
            v = 20 + 23 * l->camera[1]; /* yaw bin */
        const int cx = (cell % 4) * 8, cy = (cell / 4) * 8;
        for (int y = cy; y < cy + 8; y++)
            for (int x = cx; x < cx + 8; x++) memset(rgb + (y * S + x) * 3, v, 3);
    }
}

static void write_episode(const char *dir, const char *jsonl_dir, int ep, Rng *rng) {
    char mp4[1024], jsonl[1024], opt[1024];
    snprintf(mp4, sizeof mp4, "%s/ep%d.mp4", dir, ep);
    snprintf(jsonl, sizeof jsonl, "%s/ep%d.jsonl", jsonl_dir, ep);
    snprintf(opt, sizeof opt, "%s/ep%d-options.json", dir, ep);
    VideoEncoderOptions eo = {S, S, 0, 4, 1, NULL, NULL};
    VideoEncoder *enc = NULL;
    VideoActionLogWriter *w = NULL;
    if (video_encoder_open(&enc, mp4, &eo) != STATUS_OK ||
        video_actionlog_writer_open(&w, jsonl) != STATUS_OK)
        abort();
    uint8_t rgb[S * S * 3];
    for (int i = 0; i < FRAMES; i++) {
        IdmLabel l;
        memset(&l, 0, sizeof l);
        for (int k = 0; k < N_SHOWN; k++) l.buttons[SHOWN[k]] = rng_below(rng, 3) == 0;
        l.camera[0] = (int)rng_below(rng, IDM_CAMERA_BINS);
        l.camera[1] = (int)rng_below(rng, IDM_CAMERA_BINS);
        if (rng_below(rng, 5) == 0) { /* some null frames */
            memset(l.buttons, 0, sizeof l.buttons);
            l.camera[0] = l.camera[1] = IDM_CAMERA_NULL_BIN;
        }
        draw(rgb, &l);
        VideoActionFrame f;
        memset(&f, 0, sizeof f);
        idm_label_to_action(&f.action, &l);
        f.hotbar = l.buttons[13] ? 2 : 0; /* as the recorder logs a hotbar.3 press */
        f.tick = i;
        if (video_encoder_push(enc, rgb, S * 3) != STATUS_OK ||
            video_actionlog_writer_write(w, &f) != STATUS_OK)
            abort();
    }
    if (video_encoder_close(enc) != STATUS_OK || video_actionlog_writer_close(w) != STATUS_OK)
        abort();
    FILE *o = fopen(opt, "w");
    fprintf(o, "{\"world\": \"synthetic\", \"seed\": %d}\n", ep);
    fclose(o);
}

static void make_datasets(void) {
    tu_tmpdir(tmp, sizeof tmp, "idm");
    snprintf(data_dir, sizeof data_dir, "%s/data", tmp);
    snprintf(web_dir, sizeof web_dir, "%s/web", tmp);
    snprintf(truth_dir, sizeof truth_dir, "%s/web/ground_truth", tmp);
    fs_mkdir_p(data_dir);
    fs_mkdir_p(truth_dir);
    for (int pass = 0; pass < 2; pass++) {
        Rng rng;
        rng_seed(&rng, 42); /* the same episodes in both: web = data without its actions */
        for (int ep = 0; ep < EPISODES; ep++)
            write_episode(pass ? web_dir : data_dir, pass ? truth_dir : data_dir, ep, &rng);
    }
    int added = 0;
    CHECK_EQ_INT(video_dataset_index(data_dir, "contractor", &added), STATUS_OK);
    CHECK_EQ_INT(added, EPISODES);
    CHECK_EQ_INT(video_dataset_index(web_dir, "web", &added), STATUS_OK);
    CHECK_EQ_INT(added, EPISODES);
}

static void small_options(IdmTrainOptions *o, const char *out) {
    idm_train_options_default(o);
    o->data = data_dir, o->out = out;
    o->cfg.frame_h = o->cfg.frame_w = S;
    o->cfg.window = 8, o->cfg.tconv_ch = 4, o->cfg.n_stacks = 2;
    o->cfg.widths[0] = 8, o->cfg.widths[1] = 8;
    o->cfg.dense = 32, o->cfg.heads = 2, o->cfg.rel = 4;
    o->batch = 4, o->lr = 3e-3, o->val_fraction = 0.0;
    o->log_every = 1, o->ckpt_every = 0;
}

static char ckpt[700];

static void test_overfit(void) {
    snprintf(ckpt, sizeof ckpt, "%s/run/idm.safetensors", tmp);
    IdmTrainOptions o;
    small_options(&o, ckpt);
    o.steps = 400;
    o.log_every = 100;
    IdmTrainReport r;
    CHECK_EQ_INT(idm_train(&o, &r), STATUS_OK);
    CHECK_EQ_INT(r.steps_done, 400);
    IdmModel m;
    IdmTrainMeta meta;
    CHECK_EQ_INT(idm_model_load(&m, &meta, ckpt, 0), STATUS_OK);
    CHECK_EQ_INT(m.params.step, 400);
    CHECK_EQ_INT(m.cfg.window, 8);
    IdmStats s;
    idm_stats_init(&s);
    int eps = 0;
    CHECK_EQ_INT(idm_eval_dataset(&m, &meta, data_dir, IDM_SPLIT_ALL, -1, 1, &s, &eps), STATUS_OK);
    CHECK_EQ_INT(eps, EPISODES);
    CHECK_EQ_INT(s.frames, EPISODES * FRAMES);
    double btn = 0;
    for (int k = 0; k < N_SHOWN; k++)
        btn += (double)(s.tp[SHOWN[k]] + s.tn[SHOWN[k]]) / (double)s.frames / N_SHOWN;
    CHECK_MSG(btn > 0.95, "accuracy on the shown buttons %.3f", btn);
    CHECK_MSG(idm_stats_camera_accuracy(&s) > 0.8, "camera accuracy %.3f",
              idm_stats_camera_accuracy(&s));
    idm_model_deinit(&m);
    /* Metrics JSONL beside the checkpoint: one line per 100 steps. */
    char mpath[800], *txt;
    size_t len;
    snprintf(mpath, sizeof mpath, "%s/run/idm.metrics.jsonl", tmp);
    CHECK_EQ_INT(fs_read_file(mpath, &txt, &len), STATUS_OK);
    int lines = 0;
    for (size_t i = 0; i < len; i++) lines += txt[i] == '\n';
    CHECK_EQ_INT(lines, 4);
    CHECK(strstr(txt, "\"step\": 400") && strstr(txt, "button_accuracy") &&
          strstr(txt, "frames_per_s"));
    free(txt);
}

static int count_lines(const char *path) {
    char *txt;
    size_t len;
    if (fs_read_file(path, &txt, &len) != STATUS_OK) return -1;
    int n = 0;
    for (size_t i = 0; i < len; i++) n += txt[i] == '\n';
    free(txt);
    return n;
}

static void test_label(void) {
    IdmModel m;
    CHECK_EQ_INT(idm_model_load(&m, NULL, ckpt, 0), STATUS_OK);
    char out[700];
    snprintf(out, sizeof out, "%s/labeled", tmp);
    IdmLabelOptions lo = {web_dir, out, truth_dir, 1, 0, ckpt};
    IdmLabelReport r;
    CHECK_EQ_INT(idm_label_dataset(&m, &lo, &r), STATUS_OK);
    CHECK_EQ_INT(r.episodes, EPISODES);
    CHECK_EQ_INT(r.frames, EPISODES * FRAMES);
    /* Frame i labelled with action i: camera bins are uniform and independent per frame, so a
     * shifted pairing would score about 1/11. */
    CHECK_MSG(idm_stats_camera_accuracy(&r.stats) > 0.8, "camera vs truth %.3f",
              idm_stats_camera_accuracy(&r.stats));
    CHECK_MSG(r.stats.tp[0] + r.stats.tn[0] > 0.95 * r.stats.frames, "attack vs truth");
    for (int ep = 0; ep < EPISODES; ep++) {
        char p[800];
        snprintf(p, sizeof p, "%s/ep%d.jsonl", out, ep);
        CHECK_EQ_INT(count_lines(p), FRAMES);
        snprintf(p, sizeof p, "%s/ep%d.jsonl.tmp", out, ep);
        CHECK(!fs_exists(p));
    }
    VideoManifest man;
    CHECK_EQ_INT(video_manifest_load(out, &man), STATUS_OK);
    CHECK_EQ_INT(man.n, EPISODES);
    if (man.n > 0) {
        CHECK_STR_EQ(man.episodes[0].provenance, "idm-labeled");
        CHECK_EQ_INT(man.episodes[0].n_files, 3);
    }
    video_manifest_free(&man);
    VideoDatasetReport rep;
    CHECK_EQ_INT(video_dataset_check(out, &rep), STATUS_OK);
    CHECK_EQ_INT(rep.problems, 0);
    CHECK_EQ_INT(rep.ok, EPISODES);
    /* The loader reads it (BC will train on it). */
    VideoLoaderOptions opt = {out, 8, S, S, VIDEO_RESIZE_AREA, 1, 1, 3, 0.0, VIDEO_SPLIT_ALL, 1, 0};
    VideoLoader *l = NULL;
    CHECK_EQ_INT(video_loader_create(&l, &opt), STATUS_OK);
    if (l) {
        VideoWindow w;
        video_window_alloc(&w, 8, S, S);
        int got = 0;
        CHECK_EQ_INT(video_loader_next(l, &w, &got), STATUS_OK);
        CHECK_EQ_INT(got, 1);
        video_window_free(&w);
        video_loader_destroy(l);
    }
    idm_model_deinit(&m);
}

static void test_resume(void) {
    char a[700], b[700], ma[800], mb[800];
    snprintf(a, sizeof a, "%s/resume/a.safetensors", tmp);
    snprintf(b, sizeof b, "%s/resume/b.safetensors", tmp);
    snprintf(ma, sizeof ma, "%s/resume/a.metrics.jsonl", tmp);
    snprintf(mb, sizeof mb, "%s/resume/b.metrics.jsonl", tmp);
    IdmTrainOptions o;
    IdmTrainReport r;
    small_options(&o, a);
    o.steps = 6;
    CHECK_EQ_INT(idm_train(&o, &r), STATUS_OK);
    small_options(&o, b);
    o.steps = 6, o.stop_at = 3; /* interrupted after step 3 */
    CHECK_EQ_INT(idm_train(&o, &r), STATUS_OK);
    CHECK_EQ_INT(r.steps_done, 3);
    o.stop_at = 0, o.resume = 1;
    CHECK_EQ_INT(idm_train(&o, &r), STATUS_OK);
    CHECK_EQ_INT(r.start_step, 3);
    CHECK_EQ_INT(r.steps_done, 6);
    IdmModel x, y;
    CHECK_EQ_INT(idm_model_load(&x, NULL, a, 1), STATUS_OK);
    CHECK_EQ_INT(idm_model_load(&y, NULL, b, 1), STATUS_OK);
    CHECK_EQ_INT(x.params.step, 6);
    CHECK_EQ_INT(y.params.step, 6);
    CHECK(memcmp(x.params.value, y.params.value, sizeof(float) * (size_t)x.params.total) == 0);
    CHECK(memcmp(x.params.opt, y.params.opt, sizeof(float) * 2 * (size_t)x.params.total) == 0);
    idm_model_deinit(&x);
    idm_model_deinit(&y);
    CHECK_EQ_INT(count_lines(ma), 6);
    CHECK_EQ_INT(count_lines(mb), 6);
    /* Resuming with another window names the field and leaves the checkpoint alone. */
    long long before = fs_file_size(b);
    o.cfg.window = 16;
    CHECK_EQ_INT(idm_train(&o, &r), STATUS_INVALID_ARGUMENT);
    CHECK_EQ_INT(fs_file_size(b), before);
}

static char last_error[2048];
static void sink(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)user, (void)tag;
    if (level == LOG_LEVEL_ERROR) snprintf(last_error, sizeof last_error, "%s", msg);
}

static void test_bad_inputs(void) {
    log_set_sink(sink, NULL);
    IdmModel m;
    char p[1024];
    snprintf(p, sizeof p, "%s/missing.safetensors", tmp);
    CHECK(idm_model_load(&m, NULL, p, 0) != STATUS_OK);
    CHECK_MSG(strstr(last_error, "missing.safetensors") != NULL, "%s", last_error);
    snprintf(p, sizeof p, "%s/corrupt.safetensors", tmp);
    CHECK_EQ_INT(fs_write_atomic(p, "\x10\0\0\0\0\0\0\0{not json at all", 24), STATUS_OK);
    CHECK_EQ_INT(idm_model_load(&m, NULL, p, 0), STATUS_PARSE);
    /* A valid nn checkpoint that is not an IDM's. */
    NnParams np;
    nn_params_init(&np);
    nn_params_add(&np, "w", 1, (int64_t[]){4}, 1);
    nn_params_alloc(&np);
    snprintf(p, sizeof p, "%s/other.safetensors", tmp);
    CHECK_EQ_INT(nn_checkpoint_save(p, &np, "{\"model\":\"nn_ref\"}", 0), STATUS_OK);
    CHECK_EQ_INT(idm_model_load(&m, NULL, p, 0), STATUS_PARSE);
    CHECK_MSG(strstr(last_error, "'model'") != NULL, "%s", last_error);
    /* An IDM config whose tensors do not match: the tensor is named. */
    IdmConfig c;
    idm_config_default(&c);
    json_t *cj = json_pack("{s:s,s:o}", "model", "idm", "idm", idm_config_to_json(&c));
    char *txt = json_dumps(cj, JSON_COMPACT);
    CHECK_EQ_INT(nn_checkpoint_save(p, &np, txt, 0), STATUS_OK);
    free(txt);
    json_decref(cj);
    CHECK(idm_model_load(&m, NULL, p, 0) != STATUS_OK);
    CHECK_MSG(strstr(last_error, "tconv") || strstr(last_error, "'w'"), "%s", last_error);
    nn_params_deinit(&np);
    /* Training on a video-only corpus: refused, nothing written. */
    IdmTrainOptions o;
    IdmTrainReport r;
    char out[700], metrics[800];
    snprintf(out, sizeof out, "%s/bad/web.safetensors", tmp);
    snprintf(metrics, sizeof metrics, "%s/bad/web.metrics.jsonl", tmp);
    small_options(&o, out);
    o.data = web_dir, o.steps = 2;
    CHECK_EQ_INT(idm_train(&o, &r), STATUS_INVALID_ARGUMENT);
    CHECK_MSG(strstr(last_error, "no action log") != NULL, "%s", last_error);
    CHECK(!fs_exists(out) && !fs_exists(metrics));
    o.data = tmp; /* no manifest */
    CHECK_EQ_INT(idm_train(&o, &r), STATUS_NOT_FOUND);
    CHECK(!fs_exists(out));
    /* Labelling with a truth folder that lacks an episode: error, no manifest written. */
    CHECK_EQ_INT(idm_model_load(&m, NULL, ckpt, 0), STATUS_OK);
    snprintf(out, sizeof out, "%s/bad/labeled", tmp);
    IdmLabelOptions lo = {web_dir, out, data_dir, 1, 0, ckpt};
    snprintf(p, sizeof p, "%s/data/ep0.jsonl", tmp);
    char moved[800];
    snprintf(moved, sizeof moved, "%s/ep0.jsonl.away", tmp);
    CHECK(rename(p, moved) == 0);
    IdmLabelReport lr;
    CHECK_EQ_INT(idm_label_dataset(&m, &lo, &lr), STATUS_NOT_FOUND);
    CHECK_MSG(strstr(last_error, "ep0.jsonl") != NULL, "%s", last_error);
    snprintf(p, sizeof p, "%s/manifest.jsonl", out);
    CHECK(!fs_exists(p));
    snprintf(p, sizeof p, "%s/ep0.jsonl", out);
    CHECK(!fs_exists(p));
    snprintf(p, sizeof p, "%s/data/ep0.jsonl", tmp);
    CHECK(rename(moved, p) == 0);
    /* Evaluating on a split with no episode. */
    IdmStats s;
    int eps;
    CHECK_EQ_INT(idm_eval_dataset(&m, NULL, data_dir, IDM_SPLIT_VAL, 0.0, 1, &s, &eps),
                 STATUS_INVALID_ARGUMENT);
    CHECK_MSG(strstr(last_error, "val split") != NULL, "%s", last_error);
    idm_model_deinit(&m);
    log_set_sink(NULL, NULL);
}

int main(void) {
    make_datasets();
    TEST_RUN(test_overfit);
    TEST_RUN(test_label);
    TEST_RUN(test_resume);
    TEST_RUN(test_bad_inputs);
    tu_rmrf(tmp);
    return check_finish();
}
