/* record.c: `vpt record`, contractor mode. The person plays; every tick the canonical 640x360
 * frame (what the person saw before acting) goes to NAME.mp4 and the action taken on it to
 * line t of NAME.jsonl (VPT recorder schema), in segments of 5 minutes. Finished segments are
 * indexed into the folder's manifest and, with --upload, uploaded by a background thread
 * (video_upload: confirmed files only; the queue is manifest minus uploaded.jsonl, so it
 * survives restarts; nothing is deleted).
 *
 * Escape in the world (no GUI open) opens the pause menu, as Minecraft's does: the game and the
 * recording stop until Escape resumes; Return stops and saves the segment cleanly. (Scripted
 * runs never open it: their Escape goes to the game.)
 *
 * The sim never skips a tick: when the machine cannot keep up with 20 Hz the game slows down,
 * each late tick is counted, logged once a second, and recorded in NAME-options.json
 * ("late_ticks"), so a dropped frame is never silent. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/gendata.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "render/font.h"
#include "sim/gui.h"
#include "sim/stats.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "video/transfer.h"
#include "window/modes.h"
#include "window/overlay.h"
#include "window/view.h"

#define REC_W 640
#define REC_H 360

typedef struct Segment {
    char name[128];
    VideoEncoder *enc;
    VideoActionLogWriter *log;
    long long frames, late_ticks;
} Segment;

typedef struct Uploader {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int pending, stop, running;
    const char *dir, *url, *token;
} Uploader;

static void *upload_main(void *arg) {
    Uploader *u = arg;
    pthread_mutex_lock(&u->mu);
    for (;;) {
        while (!u->pending && !u->stop) pthread_cond_wait(&u->cv, &u->mu);
        if (!u->pending && u->stop) break;
        u->pending = 0;
        pthread_mutex_unlock(&u->mu);
        VideoTransferOptions opt = {0};
        video_transfer_defaults(&opt);
        opt.token = u->token;
        VideoTransferReport rep = {0};
        Status st = video_upload(u->dir, u->url, &opt, &rep);
        if (st == STATUS_OK)
            LOG_INFO("record", "uploaded %d episode(s) to %s", rep.ok, u->url);
        else
            LOG_WARN("record", "upload to %s incomplete (%d failed); kept locally, retried later",
                     u->url, rep.failed);
        pthread_mutex_lock(&u->mu);
    }
    pthread_mutex_unlock(&u->mu);
    return NULL;
}

static void uploader_kick(Uploader *u) {
    if (!u->running) return;
    pthread_mutex_lock(&u->mu);
    u->pending = 1;
    pthread_cond_signal(&u->cv);
    pthread_mutex_unlock(&u->mu);
}

static Status segment_open(Segment *s, const char *dir, uint64_t seed, int index) {
    memset(s, 0, sizeof *s);
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tmv);
    snprintf(s->name, sizeof s->name, "rec-%s-s%llu-%03d", stamp, (unsigned long long)seed, index);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.mp4", dir, s->name);
    /* veryfast, not the encoder's default: a person records at 20 Hz, where its ~3 ms a frame
     * is cheap, and the upload is ~35% smaller than ultrafast's (docs/video.md). */
    VideoEncoderOptions eo = {REC_W, REC_H, 20, -1, 1, NULL, "veryfast"};
    Status st = video_encoder_open(&s->enc, path, &eo);
    if (st != STATUS_OK) return st;
    snprintf(path, sizeof path, "%s/%s.jsonl", dir, s->name);
    st = video_actionlog_writer_open(&s->log, path);
    if (st != STATUS_OK) {
        video_encoder_destroy(s->enc);
        s->enc = NULL;
    }
    LOG_INFO("record", "recording segment %s", s->name);
    return st;
}

static Status segment_close(Segment *s, const char *dir, const Env *env, const char *world,
                            const char *task) {
    if (!s->enc) return STATUS_OK;
    Status st = video_encoder_close(s->enc);
    Status st2 = video_actionlog_writer_close(s->log);
    s->enc = NULL;
    s->log = NULL;
    if (st == STATUS_OK) st = st2;
    json_t *o = json_object();
    json_object_set_new(o, "world", json_string(world));
    json_object_set_new(o, "seed", json_integer((json_int_t)env_seed(env)));
    json_object_set_new(o, "width", json_integer(REC_W));
    json_object_set_new(o, "height", json_integer(REC_H));
    json_object_set_new(o, "fps", json_integer(20));
    json_object_set_new(o, "renderer", json_string("vpt-canonical-software-raycaster"));
    json_object_set_new(o, "version", json_string(VPT_PROJECT_VERSION));
    json_object_set_new(o, "source", json_string("vpt record"));
    json_object_set_new(o, "task", json_string(task ? task : ""));
    json_object_set_new(o, "frames", json_integer(s->frames));
    json_object_set_new(o, "late_ticks", json_integer(s->late_ticks));
    char path[512];
    snprintf(path, sizeof path, "%s/%s-options.json", dir, s->name);
    Status st3 = jsonio_save_file(path, o);
    json_decref(o);
    if (st == STATUS_OK) st = st3;
    if (st != STATUS_OK) return st;
    int added = 0;
    st = video_dataset_index(dir, "human", &added);
    LOG_INFO("record", "segment %s: %lld frames (%lld late ticks), indexed", s->name, s->frames,
             s->late_ticks);
    return st;
}

typedef struct RecordState {
    Env *env;
    GameView *view;
    WindowApp *app;
    const Renderer *r;
    RenderCache *cache; /* consecutive frames: rays that cannot have changed are kept */
    uint8_t *frame;     /* (360, 640, 3) canonical frame */
    Segment seg;
    int seg_index;
} RecordState;

/* One tick: the frame the person sees now, then their action on it, then the step. */
static Status record_tick(RecordState *rs, const RecordOptions *ro, const GameOptions *g,
                          const Action *a, int late) {
    render_frame_cached(rs->r, rs->cache, rs->env, rs->frame, REC_W, REC_H);
    Status st = video_encoder_push(rs->seg.enc, rs->frame, REC_W * 3);
    view_before_tick(rs->view, rs->env);
    env_step(rs->env, a);
    VideoActionFrame f;
    VideoInvItem inv[36];
    VideoStat stats[GENDATA_MAX_STATS];
    json_t *sj = NULL;
    gendata_fill_frame(rs->env, a, (int64_t)env_tick(rs->env), &f, inv, stats, GENDATA_MAX_STATS,
                       &sj);
    if (st == STATUS_OK) st = video_actionlog_writer_write(rs->seg.log, &f);
    json_decref(sj);
    rs->seg.frames++;
    rs->seg.late_ticks += late;
    if (st == STATUS_OK && rs->seg.frames >= ro->segment_ticks) {
        st = segment_close(&rs->seg, ro->out_dir, rs->env, g->world, ro->task);
        if (st == STATUS_OK)
            st = segment_open(&rs->seg, ro->out_dir, env_seed(rs->env), ++rs->seg_index);
    }
    return st;
}

static void draw_indicator(WindowApp *app, const RecordOptions *ro, long long frames) {
    enum { OW = 320, OH = 24 };
    uint8_t rgba[OW * OH * 4];
    char text[96];
    snprintf(text, sizeof text, "REC %02lld:%02lld  %s", frames / 1200, frames / 20 % 60,
             ro->task ? ro->task : "");
    overlay_text_panel(rgba, OW, OH, text, 1);
    app_overlay_rgba(app, rgba, OW, OH, 8, 8, OW * 2, OH * 2);
}

static void draw_menu(WindowApp *app) {
    enum { OW = 360, OH = 24 };
    uint8_t rgba[OW * OH * 4];
    overlay_text_panel(rgba, OW, OH, "PAUSED  ESC RESUME  ENTER STOP AND SAVE", 0);
    int w, h;
    app_drawable_size(app, &w, &h);
    app_overlay_rgba(app, rgba, OW, OH, (w - OW * 2) / 2, h / 2 - OH, OW * 2, OH * 2);
}

int window_record(const WindowOptions *wo, const GameOptions *g, const RecordOptions *ro_in) {
    RecordOptions ro = *ro_in;
    if (!ro.out_dir) ro.out_dir = "recordings";
    if (ro.segment_ticks <= 0) ro.segment_ticks = 6000;
    if (fs_mkdir_p(ro.out_dir) != STATUS_OK) return 1;
    RecordState rs = {0};
    rs.env = window_open_env(g);
    if (!rs.env) return 1;
    rs.app = app_create(wo);
    if (!rs.app) {
        env_destroy(rs.env);
        return 1;
    }
    ThreadPool *pool = pool_create(0);
    rs.view = view_create(rs.app, pool, wo->renderer);
    rs.r = view_renderer(rs.view);
    rs.frame = mem_alloc(REC_W * REC_H * 3);
    rs.cache = render_cache_create();
    Uploader up = {.dir = ro.out_dir, .url = ro.upload_url, .token = ro.upload_token};
    pthread_mutex_init(&up.mu, NULL);
    pthread_cond_init(&up.cv, NULL);
    if (ro.upload_url) {
        up.running = pthread_create(&up.thread, NULL, upload_main, &up) == 0;
        uploader_kick(&up); /* segments left from an earlier run go first */
    }
    int rc = 0;
    if (segment_open(&rs.seg, ro.out_dir, env_seed(rs.env), 0) != STATUS_OK) rc = 1;
    InputState *in = app_input(rs.app);
    long long tick = 0;
    double late_logged = 0;
    double t_next = clock_now();
    int running = rc == 0, captured = -1, menu = 0;
    while (running) {
        double now = clock_now();
        if (menu) {
            running = app_poll(rs.app, tick);
            int esc_pressed = (in->tapped & ACTION_KEY_BIT(KEY_ESC)) != 0;
            (void)input_take_action(in); /* input in the menu never reaches the game */
            if (in->enter) running = 0;  /* stop and save */
            if (esc_pressed) menu = 0;   /* resume */
            t_next = clock_now();
            app_set_mouse_captured(rs.app, 0);
            captured = 0;
            view_draw(rs.view, rs.env, 1.0, 0, 0);
            draw_menu(rs.app);
            app_swap(rs.app);
            continue;
        }
        while (running && now >= t_next) {
            running = app_poll(rs.app, tick);
            if (!running) break;
            Action a = input_take_action(in);
            if (!app_script_length(rs.app) && action_key_down(&a, KEY_ESC) &&
                !(env_prev_keys(rs.env) & ACTION_KEY_BIT(KEY_ESC)) &&
                env_gui(rs.env)->screen == GUI_NONE) {
                menu = 1; /* the pause menu: this tick is not played */
                in->enter = 0;
                break;
            }
            int late = now - t_next > APP_TICK_SECONDS; /* this tick is over a tick late */
            if (record_tick(&rs, &ro, g, &a, late) != STATUS_OK) {
                rc = 1;
                running = 0;
                break;
            }
            if (rs.seg_index > 0 && rs.seg.frames == 0) uploader_kick(&up);
            tick++;
            t_next += APP_TICK_SECONDS;
            if (app_quit_after_ticks(rs.app) > 0 && tick >= app_quit_after_ticks(rs.app))
                running = 0;
            if (late && now - late_logged > 1.0) {
                LOG_WARN("record", "cannot keep up with 20 Hz: the game is running slow "
                                   "(late ticks are counted in the options file)");
                late_logged = now;
            }
            now = clock_now();
        }
        int gui_open = env_gui(rs.env)->screen != GUI_NONE;
        if (gui_open != !captured) {
            captured = !gui_open;
            app_set_mouse_captured(rs.app, captured);
        }
        double alpha = 1.0 - (t_next - clock_now()) / APP_TICK_SECONDS;
        view_draw(rs.view, rs.env, alpha, in->acc_dx, in->acc_dy);
        draw_indicator(rs.app, &ro, rs.seg.frames);
        if (!running && wo->screenshot_path) app_screenshot(rs.app, wo->screenshot_path);
        app_swap(rs.app);
    }
    /* Clean stop (window closed, quit-after-ticks): finish the segment so it is whole. */
    if (rs.seg.enc && rs.seg.frames > 0) {
        if (segment_close(&rs.seg, ro.out_dir, rs.env, g->world, ro.task) != STATUS_OK) rc = 1;
    } else if (rs.seg.enc) {
        char path[512];
        video_encoder_destroy(rs.seg.enc);
        video_actionlog_writer_close(rs.seg.log);
        snprintf(path, sizeof path, "%s/%s.mp4", ro.out_dir, rs.seg.name);
        remove(path);
        snprintf(path, sizeof path, "%s/%s.jsonl", ro.out_dir, rs.seg.name);
        remove(path);
    }
    if (up.running) {
        uploader_kick(&up);
        pthread_mutex_lock(&up.mu);
        up.stop = 1;
        pthread_cond_signal(&up.cv);
        pthread_mutex_unlock(&up.mu);
        pthread_join(up.thread, NULL);
    }
    pthread_mutex_destroy(&up.mu);
    pthread_cond_destroy(&up.cv);
    LOG_INFO("record", "%lld ticks recorded into %s", tick, ro.out_dir);
    mem_free(rs.frame);
    render_cache_destroy(rs.cache);
    view_destroy(rs.view);
    pool_destroy(pool);
    app_destroy(rs.app);
    env_destroy(rs.env);
    return rc;
}
