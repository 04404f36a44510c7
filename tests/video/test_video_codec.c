/* test_video_codec.c: the one resize function, encoder/decoder round trips, decoding files made
 * by the ffmpeg CLI (codecs, odd sizes, frame rates, VFR), bad input, and kill-while-recording.
 *
 * PSNR bound: the synthetic 64x48 pattern (sharp-edged square, steep gradients) encoded at CRF 23
 * must decode at >= 28 dB on every frame (H.264; measured 31.2 dB worst frame) and >= 25 dB
 * (MPEG-4 fallback; measured 31.3 dB). yuv420p chroma subsampling of the square's edges
 * dominates the error at this tiny size. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"
#include "tests/check.h"
#include "tests/video/util.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/resize.h"

static char tmp[512];

static void test_resize_identity_and_constant(void) {
    enum { W = 37, H = 21 };
    uint8_t src[W * H * 3], dst[W * H * 3];
    for (int i = 0; i < W * H * 3; i++) src[i] = (uint8_t)(i * 7 + 3);
    CHECK_EQ_INT(video_resize_rgb(dst, W, H, src, W, H, VIDEO_RESIZE_AREA), STATUS_OK);
    CHECK(memcmp(src, dst, sizeof src) == 0);
    /* A constant image stays constant when shrunk, with either filter. */
    static uint8_t big[640 * 360 * 3], small[64 * 64 * 3];
    for (int i = 0; i < 640 * 360; i++) {
        big[i * 3] = 200;
        big[i * 3 + 1] = 100;
        big[i * 3 + 2] = 50;
    }
    for (int f = 0; f < 2; f++) {
        CHECK_EQ_INT(video_resize_rgb(small, 64, 64, big, 640, 360, (VideoResizeFilter)f),
                     STATUS_OK);
        int bad = 0;
        for (int i = 0; i < 64 * 64; i++)
            bad += abs(small[i * 3] - 200) > 1 || abs(small[i * 3 + 1] - 100) > 1 ||
                   abs(small[i * 3 + 2] - 50) > 1;
        CHECK_EQ_INT(bad, 0);
    }
    /* Area averaging: a 2x2 checker of 0/255 shrunk 2x gives mid grey. */
    uint8_t chk[4 * 4 * 3], half[2 * 2 * 3];
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) memset(chk + (y * 4 + x) * 3, ((x + y) & 1) * 255, 3);
    CHECK_EQ_INT(video_resize_rgb(half, 2, 2, chk, 4, 4, VIDEO_RESIZE_AREA), STATUS_OK);
    CHECK_MSG(abs(half[0] - 128) <= 2, "got %d", half[0]);
    VideoResizeFilter f;
    CHECK_EQ_INT(video_resize_filter_parse("bilinear", &f), 0);
    CHECK_EQ_INT(f, VIDEO_RESIZE_BILINEAR);
    CHECK(video_resize_filter_parse("nearest", &f) != 0);
}

static Status encode_synth(const char *path, int w, int h, int n, const char *codec) {
    VideoEncoderOptions o = {.width = w, .height = h, .crf = 23, .codec = codec};
    VideoEncoder *e = NULL;
    Status st = video_encoder_open(&e, path, &o);
    if (st != STATUS_OK) return st;
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    for (int i = 0; i < n && st == STATUS_OK; i++) {
        video_synth_frame(rgb, w, h, i);
        st = video_encoder_push(e, rgb, w * 3);
    }
    mem_free(rgb);
    Status st2 = video_encoder_close(e);
    return st != STATUS_OK ? st : st2;
}

static int ffprobe_count(const char *path) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
             "stream=nb_read_frames -of csv=p=0 '%s'",
             path);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    int n = -1;
    if (fscanf(p, "%d", &n) != 1) n = -1;
    pclose(p);
    return n;
}

static void roundtrip(const char *codec, double min_psnr) {
    enum { W = 64, H = 48, N = 45 };
    char path[600];
    snprintf(path, sizeof path, "%s/rt-%s.mp4", tmp, codec);
    CHECK_EQ_INT(encode_synth(path, W, H, N, codec), STATUS_OK);
    CHECK_EQ_INT(ffprobe_count(path), N);
    VideoDecoder *d = NULL;
    CHECK_EQ_INT(video_decoder_open(&d, path, NULL), STATUS_OK);
    if (!d) return;
    CHECK_EQ_INT(video_decoder_width(d), W);
    CHECK_EQ_INT(video_decoder_height(d), H);
    uint8_t got_rgb[W * H * 3], want[W * H * 3];
    double worst = 99;
    int got = 1, n = 0;
    while (got) {
        CHECK_EQ_INT(video_decoder_next(d, got_rgb, &got), STATUS_OK);
        if (!got) break;
        video_synth_frame(want, W, H, n);
        double p = tu_psnr(got_rgb, want, sizeof want);
        if (p < worst) worst = p;
        n++;
    }
    CHECK_EQ_INT(n, N);
    CHECK_MSG(worst >= min_psnr, "%s: worst PSNR %.2f dB < %.1f", codec, worst, min_psnr);
    fprintf(stderr, "  %s round trip: %d frames, worst PSNR %.2f dB\n", codec, n, worst);
    video_decoder_destroy(d);
}

static void test_roundtrip_h264(void) { roundtrip("libx264", 28.0); }
static void test_roundtrip_mpeg4(void) { roundtrip("mpeg4", 25.0); }

static void test_encoder_rejects_bad_options(void) {
    char path[600];
    snprintf(path, sizeof path, "%s/odd.mp4", tmp);
    VideoEncoder *e = NULL;
    VideoEncoderOptions o = {.width = 65, .height = 48};
    CHECK_EQ_INT(video_encoder_open(&e, path, &o), STATUS_INVALID_ARGUMENT);
    CHECK(e == NULL);
    o = (VideoEncoderOptions){.width = 64, .height = 48, .crf = 60};
    CHECK_EQ_INT(video_encoder_open(&e, path, &o), STATUS_INVALID_ARGUMENT);
    snprintf(path, sizeof path, "%s/no/such/dir/x.mp4", tmp);
    o.crf = 23;
    CHECK_EQ_INT(video_encoder_open(&e, path, &o), STATUS_IO);
}

/* Decodes a file at `w`x`h` (0: source) and `fps`, returning the frame count (-1 on error). */
static int decode_count(const char *name, int w, int h, int fps, int *src_w, int *src_h) {
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    VideoDecoderOptions o = {.width = w, .height = h, .fps = fps};
    VideoDecoder *d = NULL;
    if (video_decoder_open(&d, path, &o) != STATUS_OK) return -1;
    if (src_w) *src_w = video_decoder_src_width(d);
    if (src_h) *src_h = video_decoder_src_height(d);
    uint8_t *rgb = mem_alloc((size_t)video_decoder_width(d) * video_decoder_height(d) * 3);
    int got = 1, n = 0;
    Status st = STATUS_OK;
    while (got && st == STATUS_OK) {
        st = video_decoder_next(d, rgb, &got);
        n += got;
    }
    mem_free(rgb);
    video_decoder_destroy(d);
    return st == STATUS_OK ? n : -1;
}

static int have_encoder(const char *name) {
    return tu_sh("ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' %s '", name) == 0;
}

static int ff(const char *args, const char *out) {
    return tu_sh("cd '%s' && ffmpeg -v error -y %s '%s'", tmp, args, out);
}

static void test_decode_ffmpeg_files(void) {
    int sw = 0, sh = 0;
    /* H.264 in mp4, 30 frames at 20 fps. */
    CHECK_EQ_INT(ff("-f lavfi -i testsrc2=size=64x36:rate=20 -frames:v 30 -c:v libx264 "
                    "-pix_fmt yuv420p",
                    "h264.mp4"),
                 0);
    CHECK_EQ_INT(decode_count("h264.mp4", 64, 64, 0, &sw, &sh), 30);
    CHECK_EQ_INT(sw, 64);
    CHECK_EQ_INT(sh, 36);
    /* MPEG-4 part 2 in avi at an odd size. */
    CHECK_EQ_INT(ff("-f lavfi -i testsrc=size=65x37:rate=20 -frames:v 20 -c:v mpeg4", "m4.avi"), 0);
    CHECK_EQ_INT(decode_count("m4.avi", 0, 0, 0, &sw, &sh), 20);
    CHECK_EQ_INT(sw, 65);
    CHECK_EQ_INT(sh, 37);
    /* H.264 4:4:4 at an odd size, resized to an odd size. */
    CHECK_EQ_INT(ff("-f lavfi -i testsrc=size=65x37:rate=20 -frames:v 40 -pix_fmt yuv444p "
                    "-c:v libx264 -qp 5",
                    "h264-444.mkv"),
                 0);
    CHECK_EQ_INT(decode_count("h264-444.mkv", 31, 17, 0, NULL, NULL), 40);
    /* RGB and grey pixel formats (ffv1, lossless). */
    CHECK_EQ_INT(
        ff("-f lavfi -i testsrc=size=33x19:rate=20 -frames:v 8 -pix_fmt bgr0 -c:v ffv1", "rgb.mkv"),
        0);
    CHECK_EQ_INT(decode_count("rgb.mkv", 0, 0, 0, NULL, NULL), 8);
    CHECK_EQ_INT(ff("-f lavfi -i testsrc=size=32x18:rate=20 -frames:v 8 -pix_fmt gray -c:v ffv1",
                    "gray.mkv"),
                 0);
    CHECK_EQ_INT(decode_count("gray.mkv", 64, 64, 0, NULL, NULL), 8);
    if (have_encoder("libvpx-vp9")) {
        /* VP9 webm at 30 fps: 45 frames = 1.5 s = 30 frames at 20 fps. */
        CHECK_EQ_INT(ff("-f lavfi -i testsrc=size=65x37:rate=30 -frames:v 45 -pix_fmt yuv420p "
                        "-c:v libvpx-vp9 -deadline realtime -cpu-used 8",
                        "vp9.webm"),
                     0);
        CHECK_EQ_INT(decode_count("vp9.webm", 64, 64, 0, &sw, &sh), 30);
        CHECK_EQ_INT(sw, 65);
        CHECK_EQ_INT(decode_count("vp9.webm", 64, 64, -1, NULL, NULL), 45);
    } else {
        fprintf(stderr, "  (libvpx-vp9 missing: VP9 case skipped)\n");
    }
    if (have_encoder("libaom-av1")) {
        CHECK_EQ_INT(ff("-f lavfi -i testsrc=size=64x36:rate=20 -frames:v 6 -c:v libaom-av1 "
                        "-cpu-used 8 -b:v 50k",
                        "av1.mkv"),
                     0);
        CHECK_EQ_INT(decode_count("av1.mkv", 0, 0, 0, NULL, NULL), 6);
    } else {
        fprintf(stderr, "  (no AV1 encoder: AV1 case skipped)\n");
    }
    /* 10 fps: 20 frames = 2 s = 40 frames at 20 fps (each shown twice). */
    CHECK_EQ_INT(
        ff("-f lavfi -i testsrc2=size=64x36:rate=10 -frames:v 20 -c:v libx264", "10fps.mp4"), 0);
    CHECK_EQ_INT(decode_count("10fps.mp4", 0, 0, 0, NULL, NULL), 40);
}

static void test_decode_vfr(void) {
    /* 30 frames from a 20 fps source with 5 frames dropped in [0.5 s, 1.0 s): timestamps have a
     * 0.1 s gap, duration 1.75 s -> 35 output frames; the rule repeats the frame before a gap. */
    CHECK_EQ_INT(ff("-f lavfi -i \"nullsrc=size=64x36:rate=20,geq=lum='40+N*5':cb=128:cr=128\" "
                    "-frames:v 30 -vf \"select='not(between(n\\,10\\,19)*mod(n\\,2))'\" "
                    "-fps_mode passthrough -c:v libx264 -qp 0",
                    "vfr.mkv"),
                 0);
    CHECK_EQ_INT(decode_count("vfr.mkv", 0, 0, -1, NULL, NULL), 30);
    char path[600];
    snprintf(path, sizeof path, "%s/vfr.mkv", tmp);
    VideoDecoder *d = NULL;
    CHECK_EQ_INT(video_decoder_open(&d, path, NULL), STATUS_OK);
    if (!d) return;
    static uint8_t frames[40][64 * 36 * 3];
    int got = 1, n = 0;
    while (got && n < 40) {
        CHECK_EQ_INT(video_decoder_next(d, frames[n], &got), STATUS_OK);
        n += got;
    }
    CHECK_EQ_INT(n, 35);
    /* Expected source frame per output frame, from the rule and the known timestamps. */
    static const int src_of[35] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 10,
                                   12, 12, 14, 14, 16, 16, 18, 18, 20, 21, 22, 23,
                                   24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34};
    for (int i = 1; i < 35; i++)
        CHECK_MSG((memcmp(frames[i], frames[i - 1], sizeof frames[0]) == 0) ==
                      (src_of[i] == src_of[i - 1]),
                  "output %d", i);
    /* Output 10 (t = 0.525) and 11 (t = 0.575) both show the input frame at 0.5 s. */
    CHECK(memcmp(frames[10], frames[11], sizeof frames[0]) == 0);
    CHECK(memcmp(frames[9], frames[10], sizeof frames[0]) != 0);
    CHECK(memcmp(frames[11], frames[12], sizeof frames[0]) != 0);
    video_decoder_destroy(d);
}

static void test_bad_input(void) {
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    VideoDecoder *d = NULL;
    char path[600];
    snprintf(path, sizeof path, "%s/missing.mp4", tmp);
    CHECK_EQ_INT(video_decoder_open(&d, path, NULL), STATUS_NOT_FOUND);
    tu_sh("echo 'hello, not a video' > '%s/text.mp4'", tmp);
    snprintf(path, sizeof path, "%s/text.mp4", tmp);
    CHECK(video_decoder_open(&d, path, NULL) != STATUS_OK);
    CHECK(d == NULL);
    /* No video stream: an audio-only file. */
    CHECK_EQ_INT(ff("-f lavfi -i sine=duration=0.5", "audio.wav"), 0);
    snprintf(path, sizeof path, "%s/audio.wav", tmp);
    CHECK_EQ_INT(video_decoder_open(&d, path, NULL), STATUS_PARSE);
    /* Truncated: an ordinary (moov at the end) mp4 cut in half has no index left. */
    tu_sh("cd '%s' && head -c $(( $(stat -c %%s h264.mp4) / 2 )) h264.mp4 > trunc.mp4", tmp);
    snprintf(path, sizeof path, "%s/trunc.mp4", tmp);
    CHECK(video_decoder_open(&d, path, NULL) != STATUS_OK);
    /* Truncated mkv: decodes the frames before the cut, with no crash. */
    tu_sh("cd '%s' && head -c $(( $(stat -c %%s h264-444.mkv) * 2 / 3 )) h264-444.mkv > "
          "trunc.mkv",
          tmp);
    int n = decode_count("trunc.mkv", 0, 0, 0, NULL, NULL);
    CHECK_MSG(n >= 1 && n < 40, "truncated mkv gave %d frames", n);
    /* Corrupt bytes in the middle of a stream: never a crash, some frames still come out. */
    tu_sh("cd '%s' && cp h264.mp4 corrupt.mp4 && printf '\\377\\377\\377\\377\\377\\377\\377' | "
          "dd of=corrupt.mp4 bs=1 seek=2000 conv=notrunc status=none",
          tmp);
    n = decode_count("corrupt.mp4", 0, 0, 0, NULL, NULL);
    CHECK_MSG(n > 0, "corrupt mp4 gave %d frames", n);
    /* Zero frames: an encoder closed before any frame. */
    snprintf(path, sizeof path, "%s/empty.mp4", tmp);
    CHECK_EQ_INT(encode_synth(path, 64, 48, 0, NULL), STATUS_OK);
    CHECK(decode_count("empty.mp4", 0, 0, 0, NULL, NULL) == -1);
    log_set_level(lv);
    /* The CLI names the file and exits non-zero. */
    CHECK(tu_sh("'%s/vpt' video decode '%s/text.mp4' 2>'%s/err.txt' >/dev/null", VPT_BINARY_DIR,
                tmp, tmp) != 0);
    CHECK(tu_sh("grep -q 'text.mp4' '%s/err.txt'", tmp) == 0);
    CHECK(tu_sh("'%s/vpt' video decode '%s/empty.mp4' 2>'%s/err.txt' >/dev/null", VPT_BINARY_DIR,
                tmp, tmp) != 0);
    CHECK(tu_sh("grep -q 'no decodable frame' '%s/err.txt'", tmp) == 0);
}

static void test_cli_decode_json_and_png(void) {
    CHECK(tu_sh("'%s/vpt' video decode '%s/h264.mp4' --size 32x32 --png-dir '%s/png' > "
                "'%s/out.json'",
                VPT_BINARY_DIR, tmp, tmp, tmp) == 0);
    CHECK(tu_sh("grep -q '\"frames\": 30, \"width\": 32, \"height\": 32, \"fps\": 20' "
                "'%s/out.json'",
                tmp) == 0);
    CHECK(tu_sh("test -s '%s/png/000029.png' && ! test -e '%s/png/000030.png'", tmp, tmp) == 0);
    CHECK(tu_sh("'%s/vpt' video decode '%s/h264.mp4' --size 0x5 2>/dev/null", VPT_BINARY_DIR,
                tmp) == 2);
}

/* The child records (video + action log) until told to stop; the parent SIGKILLs it after
 * `pushed` frames. The video must decode and hold all but at most the last second, and the
 * action log must hold only whole lines, as many as the video has frames (both reach the disk
 * in one-second steps). */
static void test_kill_while_recording(void) {
    enum { W = 64, H = 48, PUSHED = 57 };
    char path[600];
    snprintf(path, sizeof path, "%s/killed.mp4", tmp);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        VideoEncoderOptions o = {.width = W, .height = H};
        VideoEncoder *e = NULL;
        if (video_encoder_open(&e, path, &o) != STATUS_OK) _exit(3);
        char jpath[700];
        snprintf(jpath, sizeof jpath, "%s/killed.jsonl", tmp);
        VideoActionLogWriter *w = NULL;
        if (video_actionlog_writer_open(&w, jpath) != STATUS_OK) _exit(3);
        uint8_t rgb[W * H * 3];
        for (int i = 0; i < PUSHED; i++) {
            video_synth_frame(rgb, W, H, i);
            if (video_encoder_push(e, rgb, W * 3) != STATUS_OK) _exit(4);
            VideoActionFrame f = {.tick = i};
            if (video_actionlog_writer_write(w, &f) != STATUS_OK) _exit(4);
        }
        if (write(fds[1], "x", 1) != 1) _exit(5);
        for (;;) pause();
    }
    close(fds[1]);
    char c;
    CHECK(read(fds[0], &c, 1) == 1);
    close(fds[0]);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    int n = decode_count("killed.mp4", 0, 0, 0, NULL, NULL);
    CHECK_MSG(n >= PUSHED - VIDEO_FPS && n <= PUSHED, "killed recording holds %d of %d frames", n,
              PUSHED);
    int probe = ffprobe_count(path);
    CHECK_EQ_INT(probe, n);
    char jpath[700];
    snprintf(jpath, sizeof jpath, "%s/killed.jsonl", tmp);
    int64_t lines = -1;
    CHECK_EQ_INT(video_actionlog_count(jpath, &lines), STATUS_OK);
    CHECK_EQ_INT(lines, n);
    fprintf(stderr, "  killed after %d frames: file holds %d\n", PUSHED, n);
}

int main(void) {
    tu_tmpdir(tmp, sizeof tmp, "video");
    TEST_RUN(test_resize_identity_and_constant);
    TEST_RUN(test_roundtrip_h264);
    TEST_RUN(test_roundtrip_mpeg4);
    TEST_RUN(test_encoder_rejects_bad_options);
    TEST_RUN(test_decode_ffmpeg_files);
    TEST_RUN(test_decode_vfr);
    TEST_RUN(test_bad_input);
    TEST_RUN(test_cli_decode_json_and_png);
    TEST_RUN(test_kill_while_recording);
    tu_rmrf(tmp);
    return check_finish();
}
