/* bench_video.c: `vpt bench video`: encoder and decoder speed on one core, the same file through
 * the ffmpeg CLI for reference, and the dataset loader's throughput. Prints one JSON object.
 *
 *   encode_fps          RGB -> H.264 fragmented MP4 (push + close), 1 encoder thread, at
 *                       "size": synthetic 640x360 frames, or --source FILE decoded at its size
 *   bytes_per_minute    the file's size scaled to 60 s at 20 fps (x264_preset, CRF 23)
 *   psnr_rgb            the file decoded by video_decoder vs its source frames, RGB, squared
 *                       errors pooled over all frames (psnr_rgb_worst_frame: the lowest frame)
 *   yuv_ms_640x360      our RGB -> yuv420p conversion, ms per frame (CPU time), on yuv_isa;
 *                       _swscale: libswscale with the flags the encoder used before
 *   decode_fps_64x64    that file decoded + resized to 64x64 by video_decoder (1 thread)
 *   ffmpeg_decode_fps   `ffmpeg -threads 1 -benchmark -i FILE -f null -`, its rtime
 *   decode_ratio        decode_fps_64x64 / ffmpeg_decode_fps (target >= 0.9)
 *   loader_frames_per_s windows of 16 frames at 64x64 from 640x360 H.264 episodes
 * The *_cpu fields divide by CPU time (user + system) instead of wall time: ours is the process
 * CPU time of the phase (one thread), ffmpeg's is its whole process (getrusage of the child,
 * start-up included, about 30 ms). On a busy machine they show what one free core would do; the
 * wall-time fields are the headline figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libswscale/swscale.h>

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
#include "video/yuv.h"

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Where the frames of the codec file come from: the synthetic pattern, or a video decoded at
 * its own size (--source, e.g. a `vpt gen-data --crf 0` recording of real gameplay). */
typedef struct FrameSource {
    VideoDecoder *dec; /* NULL: video_synth_frame */
    int w, h;
    int64_t i;
} FrameSource;

static Status source_open(FrameSource *s, const char *path, int w, int h) {
    memset(s, 0, sizeof *s);
    s->w = w;
    s->h = h;
    if (!path) return STATUS_OK;
    Status st = video_decoder_open(&s->dec, path, &(VideoDecoderOptions){.threads = 1});
    if (st != STATUS_OK) return st;
    s->w = video_decoder_width(s->dec);
    s->h = video_decoder_height(s->dec);
    return STATUS_OK;
}

/* Next frame into rgb (w, h, 3); *got = 0 at the end of the source. */
static Status source_next(FrameSource *s, uint8_t *rgb, int *got) {
    *got = 1;
    if (!s->dec) {
        video_synth_frame(rgb, s->w, s->h, s->i++);
        return STATUS_OK;
    }
    return video_decoder_next(s->dec, rgb, got);
}

static void source_close(FrameSource *s) { video_decoder_destroy(s->dec); }

/* Encodes up to `frames` frames of the source (only push + close are timed); *frames gets the
 * count written. */
static Status encode_file(const char *path, const char *src, const char *x264_preset, int w, int h,
                          int *frames, double *seconds, double *cpu) {
    FrameSource fs;
    Status st = source_open(&fs, src, w, h);
    if (st != STATUS_OK) return st;
    VideoEncoderOptions o = {
        .width = fs.w, .height = fs.h, .crf = 23, .threads = 1, .preset = x264_preset};
    VideoEncoder *e = NULL;
    st = video_encoder_open(&e, path, &o);
    if (st != STATUS_OK) {
        source_close(&fs);
        return st;
    }
    uint8_t *rgb = mem_alloc((size_t)fs.w * fs.h * 3);
    double t = 0, c = 0;
    int n = 0, got = 1;
    while (n < *frames && st == STATUS_OK) {
        st = source_next(&fs, rgb, &got);
        if (st != STATUS_OK || !got) break;
        double t0 = clock_now(), c0 = cpu_now();
        st = video_encoder_push(e, rgb, fs.w * 3);
        t += clock_now() - t0;
        c += cpu_now() - c0;
        n++;
    }
    double t0 = clock_now(), c0 = cpu_now();
    Status st2 = video_encoder_close(e);
    t += clock_now() - t0;
    c += cpu_now() - c0;
    mem_free(rgb);
    source_close(&fs);
    *frames = n;
    *seconds = t;
    if (cpu) *cpu = c;
    return st != STATUS_OK ? st : st2;
}

/* PSNR (dB, RGB, all frames' squared errors pooled) of `path` decoded by our decoder against
 * its source; *worst gets the lowest frame's PSNR. */
static Status rgb_psnr(const char *path, const char *src, int w, int h, double *psnr,
                       double *worst) {
    FrameSource fs;
    Status st = source_open(&fs, src, w, h);
    VideoDecoder *d = NULL;
    if (st == STATUS_OK) st = video_decoder_open(&d, path, &(VideoDecoderOptions){.threads = 1});
    size_t n = (size_t)fs.w * fs.h * 3;
    uint8_t *a = mem_alloc(n), *b = mem_alloc(n);
    double se_all = 0;
    int64_t frames = 0;
    *worst = 99;
    int got_a = 1, got_b = 1;
    while (st == STATUS_OK) {
        st = video_decoder_next(d, a, &got_a);
        if (st == STATUS_OK && got_a) st = source_next(&fs, b, &got_b);
        if (st != STATUS_OK || !got_a || !got_b) break;
        double se = 0;
        for (size_t i = 0; i < n; i++) se += (double)((a[i] - b[i]) * (a[i] - b[i]));
        double p = se == 0 ? 99 : 10 * log10(255.0 * 255.0 * (double)n / se);
        if (p < *worst) *worst = p;
        se_all += se;
        frames++;
    }
    *psnr = se_all == 0 ? 99 : 10 * log10(255.0 * 255.0 * (double)n * (double)frames / se_all);
    mem_free(a);
    mem_free(b);
    video_decoder_destroy(d);
    source_close(&fs);
    return st;
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
    int n = frames;
    Status st = encode_file(path, NULL, NULL, 640, 360, &n, &t, NULL);
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

/* Milliseconds per 640x360 RGB -> yuv420p conversion (process CPU time, best of 3 rounds of 100):
 * ours (video/yuv.h) and libswscale with the flags the encoder used before it. */
static void yuv_speed(double *ms_ours, double *ms_sws) {
    enum { W = 640, H = 360, N = 100 };
    uint8_t *rgb = mem_alloc((size_t)W * H * 3), *yuv = mem_alloc((size_t)W * H * 3 / 2);
    video_synth_frame(rgb, W, H, 7);
    uint8_t *planes[4] = {yuv, yuv + W * H, yuv + W * H * 5 / 4, NULL};
    int strides[4] = {W, W / 2, W / 2, 0};
    const uint8_t *src[4] = {rgb, NULL, NULL, NULL};
    int src_strides[4] = {W * 3, 0, 0, 0};
    struct SwsContext *sws = sws_getContext(W, H, AV_PIX_FMT_RGB24, W, H, AV_PIX_FMT_YUV420P,
                                            SWS_BILINEAR | SWS_ACCURATE_RND, NULL, NULL, NULL);
    *ms_ours = *ms_sws = 1e9;
    for (int round = 0; round < 3; round++) {
        double c0 = cpu_now();
        for (int i = 0; i < N; i++)
            video_rgb_to_yuv420p(planes[0], W, planes[1], planes[2], W / 2, rgb, W * 3, W, H);
        double c1 = cpu_now();
        for (int i = 0; sws && i < N; i++) sws_scale(sws, src, src_strides, 0, H, planes, strides);
        double c2 = cpu_now();
        *ms_ours = fmin(*ms_ours, (c1 - c0) * 1e3 / N);
        *ms_sws = fmin(*ms_sws, (c2 - c1) * 1e3 / N);
    }
    sws_freeContext(sws);
    mem_free(rgb);
    mem_free(yuv);
}

/* The codec file: encode (timed), its size, and its PSNR against the source. */
typedef struct CodecResult {
    int frames, width, height;
    double t_enc, c_enc, psnr, psnr_worst;
    long long bytes;
} CodecResult;

static Status codec_phase(const char *path, const char *src, const char *x264_preset,
                          int max_frames, CodecResult *r) {
    memset(r, 0, sizeof *r);
    r->frames = max_frames;
    Status st = encode_file(path, src, x264_preset, 640, 360, &r->frames, &r->t_enc, &r->c_enc);
    if (st != STATUS_OK) return st;
    FILE *f = fopen(path, "rb");
    if (f && fseek(f, 0, SEEK_END) == 0) r->bytes = ftell(f);
    if (f) fclose(f);
    VideoDecoder *d = NULL;
    st = video_decoder_open(&d, path, NULL);
    if (st == STATUS_OK) {
        r->width = video_decoder_src_width(d);
        r->height = video_decoder_src_height(d);
    }
    video_decoder_destroy(d);
    if (st == STATUS_OK) st = rgb_psnr(path, src, r->width, r->height, &r->psnr, &r->psnr_worst);
    return st;
}

static void print_codec(const CodecResult *r, const char *src, const char *x264_preset) {
    double ours = 0, sws = 0;
    yuv_speed(&ours, &sws);
    printf("\"frames\": %d, \"source\": \"%s\", \"size\": \"%dx%d\", \"x264_preset\": \"%s\", "
           "\"encode_fps\": %.1f, \"encode_fps_cpu\": %.1f, \"bytes\": %lld, "
           "\"bytes_per_minute\": %.0f, \"psnr_rgb\": %.2f, \"psnr_rgb_worst_frame\": %.2f, "
           "\"yuv_isa\": \"%s\", \"yuv_ms_640x360\": %.3f, \"yuv_ms_640x360_swscale\": %.3f",
           r->frames, src ? src : "synthetic", r->width, r->height,
           x264_preset ? x264_preset : VIDEO_DEFAULT_PRESET, r->frames / r->t_enc,
           r->frames / r->c_enc, r->bytes, (double)r->bytes * 60.0 * VIDEO_FPS / r->frames, r->psnr,
           r->psnr_worst, video_yuv_isa(), ours, sws);
}

int bench_video(int argc, char **argv) {
    long long frames = 1200, threads = 2, episodes = 4;
    const char *keep = NULL, *x264_preset = NULL, *src = NULL;
    int encode_only = 0;
    const CliOption opts[] = {
        {"--frames", CLI_INT, &frames, "N", "frames in the codec file (default 1200)", 20, 1e6},
        {"--threads", CLI_INT, &threads, "N", "loader decode threads (default 2)", 1, 64},
        {"--episodes", CLI_INT, &episodes, "N", "loader episodes of 200 frames (default 4)", 1,
         1000},
        {"--dir", CLI_STRING, &keep, "DIR", "work folder (default: a temp folder, removed)", 0, 0},
        {"--preset", CLI_STRING, &x264_preset, "P",
         "x264 preset of the codec file (default " VIDEO_DEFAULT_PRESET ")", 0, 0},
        {"--source", CLI_STRING, &src, "FILE",
         "frames of the codec file: this video at its size (default: synthetic 640x360)", 0, 0},
        {"--encode-only", CLI_FLAG, &encode_only, NULL, "only the codec file (no decode, loader)",
         0, 0},
    };
    const CliSpec spec = {"bench video",
                          "[--frames N] [--threads N] [--preset P] [--source FILE] [--encode-only]",
                          "encode/decode/loader speed (JSON)",
                          opts,
                          7,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (cli_parse_preset("bench video", "--preset", x264_preset) != 0) return 2;
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
    double t_dec = 0, loader_fps = 0, c_dec = 0, c_ff = 0, t_ff = -1;
    int64_t n_dec = 0;
    CodecResult cr;
    Status st = codec_phase(path, src, x264_preset, (int)frames, &cr);
    if (st == STATUS_OK && !encode_only) {
        st = decode_file(path, 64, 64, &n_dec, &t_dec, &c_dec);
        t_ff = st == STATUS_OK ? ffmpeg_decode_seconds(path, &c_ff) : -1;
        if (st == STATUS_OK) st = fs_mkdir_p(dsdir);
        for (int i = 0; i < episodes && st == STATUS_OK; i++) st = make_episode(dsdir, i, 200);
        int added = 0;
        if (st == STATUS_OK) st = video_dataset_index(dsdir, "contractor", &added);
        if (st == STATUS_OK) st = loader_speed(dsdir, (int)threads, &loader_fps);
    }
    if (!keep) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) LOG_WARN("bench", "could not remove %s", dir);
    }
    if (st != STATUS_OK) return status_exit_code(st);
    printf("{");
    print_codec(&cr, src, x264_preset);
    if (!encode_only) {
        double dec_fps = (double)n_dec / t_dec, ff_fps = t_ff > 0 ? cr.frames / t_ff : 0;
        double dec_cpu = (double)n_dec / c_dec, ff_cpu = c_ff > 0 ? cr.frames / c_ff : 0;
        printf(", \"decode_fps_64x64\": %.1f, \"ffmpeg_decode_fps\": %.1f, \"decode_ratio\": %.3f, "
               "\"loader_frames_per_s\": %.1f, \"loader_threads\": %lld, "
               "\"decode_fps_64x64_cpu\": %.1f, \"ffmpeg_decode_fps_cpu\": %.1f, "
               "\"decode_ratio_cpu\": %.3f",
               dec_fps, ff_fps, ff_fps > 0 ? dec_fps / ff_fps : 0.0, loader_fps, threads, dec_cpu,
               ff_cpu, ff_cpu > 0 ? dec_cpu / ff_cpu : 0.0);
    }
    printf("}\n");
    return 0;
}
