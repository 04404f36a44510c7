/* bench_video.c: `vpt bench video`: encoder and decoder speed on one core, the same file through
 * the ffmpeg CLI for reference, and the dataset loader's throughput. Prints one JSON object.
 *
 *   encode_fps_640x360  RGB -> H.264 fragmented MP4 (push + close), 1 encoder thread
 *   decode_fps_64x64    that file decoded + resized to 64x64 by video_decoder (1 thread)
 *   ffmpeg_decode_fps   `ffmpeg -threads 1 -benchmark -i FILE -f null -`, its rtime
 *   decode_ratio        decode_fps_64x64 / ffmpeg_decode_fps (target >= 0.9)
 *   loader_frames_per_s windows of 16 frames at 64x64 from 640x360 H.264 episodes
 * The *_cpu fields divide by CPU time (user + system) instead of wall time: ours is the process
 * CPU time of the phase (one thread), ffmpeg's is its whole process (getrusage of the child,
 * start-up included, about 30 ms). On a busy machine they show what one free core would do; the
 * wall-time fields are the headline figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "video/loader.h"

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static Status encode_file(const char *path, int w, int h, int frames, double *seconds,
                          double *cpu) {
    VideoEncoderOptions o = {.width = w, .height = h, .crf = 23, .threads = 1};
    VideoEncoder *e = NULL;
    Status st = video_encoder_open(&e, path, &o);
    if (st != STATUS_OK) return st;
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    double t = 0, c = 0;
    for (int i = 0; i < frames && st == STATUS_OK; i++) {
        video_synth_frame(rgb, w, h, i);
        double t0 = clock_now(), c0 = cpu_now();
        st = video_encoder_push(e, rgb, w * 3);
        t += clock_now() - t0;
        c += cpu_now() - c0;
    }
    double t0 = clock_now(), c0 = cpu_now();
    Status st2 = video_encoder_close(e);
    t += clock_now() - t0;
    c += cpu_now() - c0;
    mem_free(rgb);
    *seconds = t;
    if (cpu) *cpu = c;
    return st != STATUS_OK ? st : st2;
}

static Status decode_file(const char *path, int w, int h, int64_t *frames, double *seconds,
                          double *cpu) {
    VideoDecoderOptions o = {.width = w, .height = h, .threads = 1};
    double t0 = clock_now(), c0 = cpu_now();
    VideoDecoder *d = NULL;
    Status st = video_decoder_open(&d, path, &o);
    if (st != STATUS_OK) return st;
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    int got = 1;
    while (got && st == STATUS_OK) st = video_decoder_next(d, rgb, &got);
    *frames = video_decoder_frames(d);
    video_decoder_destroy(d);
    *seconds = clock_now() - t0;
    *cpu = cpu_now() - c0;
    mem_free(rgb);
    return st;
}

static double children_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* ffmpeg's own -benchmark rtime (the transcode loop, without process start-up); *cpu gets the
 * child's user + system time. */
static double ffmpeg_decode_seconds(const char *path, double *cpu) {
    double c0 = children_cpu();
    char cmd[4600];
    snprintf(cmd, sizeof cmd,
             "ffmpeg -hide_banner -nostdin -threads 1 -benchmark -i '%s' -f null - 2>&1", path);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    char line[1024];
    double rtime = -1;
    while (fgets(line, sizeof line, p)) {
        const char *r = strstr(line, "rtime=");
        if (strncmp(line, "bench:", 6) == 0 && r) rtime = atof(r + 6);
    }
    int rc = pclose(p);
    *cpu = children_cpu() - c0;
    return rc == 0 ? rtime : -1;
}

static Status make_episode(const char *dir, int idx, int frames) {
    char path[4600];
    snprintf(path, sizeof path, "%s/ep%d.mp4", dir, idx);
    double t;
    Status st = encode_file(path, 640, 360, frames, &t, NULL);
    snprintf(path, sizeof path, "%s/ep%d.jsonl", dir, idx);
    VideoActionLogWriter *w = NULL;
    if (st == STATUS_OK) st = video_actionlog_writer_open(&w, path);
    for (int i = 0; i < frames && st == STATUS_OK; i++) {
        VideoActionFrame f = {.tick = i};
        f.action.mouse_dx = (float)(i % 7);
        st = video_actionlog_writer_write(w, &f);
    }
    if (w) {
        Status st2 = video_actionlog_writer_close(w);
        if (st == STATUS_OK) st = st2;
    }
    snprintf(path, sizeof path, "%s/ep%d-options.json", dir, idx);
    const char *opt = "{\"world\": \"synthetic\", \"fps\": 20}\n";
    if (st == STATUS_OK) st = fs_write_atomic(path, opt, strlen(opt));
    return st;
}

static Status loader_speed(const char *dir, int threads, double *fps) {
    VideoLoaderOptions o = {.dir = dir,
                            .T = 16,
                            .width = 64,
                            .height = 64,
                            .threads = threads,
                            .shuffle = 32,
                            .seed = 1,
                            .split = VIDEO_SPLIT_ALL,
                            .epochs = 1};
    double t0 = clock_now();
    VideoLoader *l = NULL;
    Status st = video_loader_create(&l, &o);
    if (st != STATUS_OK) return st;
    VideoWindow w;
    video_window_alloc(&w, o.T, o.width, o.height);
    int got = 1;
    long long n = 0;
    while (got && st == STATUS_OK) {
        st = video_loader_next(l, &w, &got);
        n += got;
    }
    *fps = (double)n * o.T / (clock_now() - t0);
    video_window_free(&w);
    video_loader_destroy(l);
    return st;
}

int bench_video(int argc, char **argv) {
    long long frames = 1200, threads = 2, episodes = 4;
    const char *keep = NULL;
    const CliOption opts[] = {
        {"--frames", CLI_INT, &frames, "N", "frames in the codec file (default 1200)", 20, 1e6},
        {"--threads", CLI_INT, &threads, "N", "loader decode threads (default 2)", 1, 64},
        {"--episodes", CLI_INT, &episodes, "N", "loader episodes of 200 frames (default 4)", 1,
         1000},
        {"--dir", CLI_STRING, &keep, "DIR", "work folder (default: a temp folder, removed)", 0, 0},
    };
    const CliSpec spec = {"bench video",
                          "[--frames N] [--threads N]",
                          "encode/decode/loader speed (JSON)",
                          opts,
                          4,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    char dir[4096];
    if (keep) {
        snprintf(dir, sizeof dir, "%s", keep);
        if (fs_mkdir_p(dir) != STATUS_OK) return 1;
    } else {
        snprintf(dir, sizeof dir, "/tmp/vpt-bench-video-XXXXXX");
        if (!mkdtemp(dir)) return 1;
    }
    char path[4400], dsdir[4300];
    snprintf(path, sizeof path, "%s/bench.mp4", dir);
    snprintf(dsdir, sizeof dsdir, "%s/ds", dir);
    double t_enc = 0, t_dec = 0, loader_fps = 0, c_enc = 0, c_dec = 0, c_ff = 0;
    int64_t n_dec = 0;
    Status st = encode_file(path, 640, 360, (int)frames, &t_enc, &c_enc);
    if (st == STATUS_OK) st = decode_file(path, 64, 64, &n_dec, &t_dec, &c_dec);
    double t_ff = st == STATUS_OK ? ffmpeg_decode_seconds(path, &c_ff) : -1;
    if (st == STATUS_OK) st = fs_mkdir_p(dsdir);
    for (int i = 0; i < episodes && st == STATUS_OK; i++) st = make_episode(dsdir, i, 200);
    int added = 0;
    if (st == STATUS_OK) st = video_dataset_index(dsdir, "contractor", &added);
    if (st == STATUS_OK) st = loader_speed(dsdir, (int)threads, &loader_fps);
    if (!keep) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) LOG_WARN("bench", "could not remove %s", dir);
    }
    if (st != STATUS_OK) return status_exit_code(st);
    double dec_fps = (double)n_dec / t_dec, ff_fps = t_ff > 0 ? (double)frames / t_ff : 0;
    double dec_cpu = (double)n_dec / c_dec, ff_cpu = c_ff > 0 ? (double)frames / c_ff : 0;
    printf("{\"frames\": %lld, \"encode_fps_640x360\": %.1f, \"decode_fps_64x64\": %.1f, "
           "\"ffmpeg_decode_fps\": %.1f, \"decode_ratio\": %.3f, \"loader_frames_per_s\": %.1f, "
           "\"loader_threads\": %lld, \"encode_fps_640x360_cpu\": %.1f, "
           "\"decode_fps_64x64_cpu\": %.1f, \"ffmpeg_decode_fps_cpu\": %.1f, "
           "\"decode_ratio_cpu\": %.3f}\n",
           frames, (double)frames / t_enc, dec_fps, ff_fps, ff_fps > 0 ? dec_fps / ff_fps : 0.0,
           loader_fps, threads, (double)frames / c_enc, dec_cpu, ff_cpu,
           ff_cpu > 0 ? dec_cpu / ff_cpu : 0.0);
    return 0;
}
