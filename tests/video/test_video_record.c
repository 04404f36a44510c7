/* test_video_record.c: recording real rendered gameplay and the x264 preset option.
 *
 * Rendered round trip: 40 frames of the default world at 640x360 (the camera turning 3 degrees a
 * tick), encoded at CRF 23 and decoded by our decoder. Bound: mean absolute error over all RGB
 * bytes < 5.0, every frame's < 6.5, for the default preset and veryfast. Measured when the bound
 * was set: ultrafast 3.20 mean / 4.25 worst frame, veryfast 3.51 / 4.84; the yuv420p round trip
 * alone (no codec) costs 1.43 on such frames. The bound leaves ~40% for other x264 builds, and
 * the faults it guards against are far above it (measured on the same frames without a codec:
 * full range decoded as limited 9.0, U and V swapped 36.5).
 * Presets: x264 writes its settings into the stream (an SEI text); the file shows the preset's
 * subme and that every preset keeps the kill-safety settings (no B-frames, no mbtree lookahead,
 * a keyframe every 20 frames and no scene-cut keyframes in between). A name x264 lacks is refused
 * before any file exists. */
#include <stdlib.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/log.h"
#include "render/render.h"
#include "sim/env.h"
#include "sim/preset.h"
#include "tests/check.h"
#include "tests/video/util.h"
#include "video/codec.h"

enum { W = 640, H = 360, N = 40 };

static char tmp[512];
static uint8_t *frames; /* (N, H, W, 3): the rendered source */

static void render_source(void) {
    WorldPreset pr;
    preset_init_default(&pr);
    Env *env = env_create(&pr, 5000);
    Renderer *r = render_create(NULL);
    frames = mem_alloc((size_t)N * W * H * 3);
    Action a = {.mouse_dx = 20.0f}; /* 3 degrees of yaw per tick */
    for (int i = 0; i < N; i++) {
        render_frame(r, env, frames + (size_t)i * W * H * 3, W, H);
        env_step(env, &a);
    }
    render_destroy(r);
    env_destroy(env);
    preset_deinit(&pr);
}

static Status record(const char *path, const char *x264_preset) {
    VideoEncoderOptions o = {.width = W, .height = H, .crf = 23, .preset = x264_preset};
    VideoEncoder *e = NULL;
    Status st = video_encoder_open(&e, path, &o);
    for (int i = 0; i < N && st == STATUS_OK; i++)
        st = video_encoder_push(e, frames + (size_t)i * W * H * 3, W * 3);
    if (!e) return st;
    Status st2 = video_encoder_close(e);
    return st != STATUS_OK ? st : st2;
}

static void test_rendered_roundtrip(void) {
    const char *presets[] = {NULL, "veryfast"};
    for (int p = 0; p < 2; p++) {
        const char *name = presets[p] ? presets[p] : VIDEO_DEFAULT_PRESET;
        char path[600];
        snprintf(path, sizeof path, "%s/rt-%s.mp4", tmp, name);
        CHECK_EQ_INT(record(path, presets[p]), STATUS_OK);
        VideoDecoder *d = NULL;
        CHECK_EQ_INT(video_decoder_open(&d, path, NULL), STATUS_OK);
        if (!d) continue;
        uint8_t *rgb = mem_alloc((size_t)W * H * 3);
        double sum = 0, worst = 0;
        int n = 0, got = 1;
        while (n < N) {
            CHECK_EQ_INT(video_decoder_next(d, rgb, &got), STATUS_OK);
            if (!got) break;
            const uint8_t *src = frames + (size_t)n * W * H * 3;
            long long ae = 0;
            for (size_t i = 0; i < (size_t)W * H * 3; i++) ae += abs(rgb[i] - src[i]);
            double mae = (double)ae / ((double)W * H * 3);
            sum += mae;
            if (mae > worst) worst = mae;
            n++;
        }
        CHECK_EQ_INT(n, N);
        double mean = n ? sum / n : 99;
        CHECK_MSG(mean < 5.0 && worst < 6.5, "%s: mean abs error %.2f (worst frame %.2f)", name,
                  mean, worst);
        fprintf(stderr, "  %s: mean abs error %.2f, worst frame %.2f\n", name, mean, worst);
        mem_free(rgb);
        video_decoder_destroy(d);
    }
}

/* 1 if the file holds the bytes of `s` (x264's settings text is plain ASCII in the stream). */
static int file_has(const char *path, const char *s) {
    return tu_sh("grep -aq -- '%s' '%s'", s, path) == 0;
}

static void test_preset_reaches_x264(void) {
    static const char *names[] = {"ultrafast", "superfast", "veryfast"};
    static const char *subme[] = {"subme=0", "subme=1", "subme=2"};
    for (int p = 0; p < 3; p++) {
        char path[600];
        snprintf(path, sizeof path, "%s/p-%s.mp4", tmp, names[p]);
        CHECK_EQ_INT(record(path, names[p]), STATUS_OK);
        CHECK_MSG(file_has(path, subme[p]), "%s: no '%s' in the stream", names[p], subme[p]);
        CHECK_MSG(file_has(path, "bframes=0") && file_has(path, "mbtree=0") &&
                      file_has(path, "keyint=20 ") && file_has(path, "scenecut=0"),
                  "%s: kill-safety settings missing", names[p]);
    }
    /* NULL is the default preset. */
    char path[600];
    snprintf(path, sizeof path, "%s/p-default.mp4", tmp);
    CHECK_EQ_INT(record(path, NULL), STATUS_OK);
    CHECK(file_has(path, strcmp(VIDEO_DEFAULT_PRESET, "ultrafast") == 0 ? "subme=0" : "subme="));
}

static void test_bad_preset_refused(void) {
    char path[600];
    snprintf(path, sizeof path, "%s/bad.mp4", tmp);
    CHECK(video_preset_valid("veryfast"));
    CHECK(!video_preset_valid("warpspeed"));
    CHECK(!video_preset_valid(""));
    CHECK(!video_preset_valid(NULL));
    LogLevel lv = log_get_level();
    log_set_level(LOG_LEVEL_SILENT);
    VideoEncoderOptions o = {.width = 64, .height = 48, .preset = "warpspeed"};
    VideoEncoder *e = (VideoEncoder *)&o;
    CHECK_EQ_INT(video_encoder_open(&e, path, &o), STATUS_INVALID_ARGUMENT);
    log_set_level(lv);
    CHECK(e == NULL);
    struct stat sb;
    CHECK(stat(path, &sb) != 0);
}

/* The flags: a bad name is exit 2 with a message naming the flag and the value, and nothing is
 * written; a good one reaches the file (and gen-data's options file). */
static void test_cli_preset(void) {
    const char *vpt = VPT_BINARY_DIR "/vpt";
    CHECK(tu_sh("'%s' video synth '%s/s.mp4' --frames 5 --preset warpspeed 2>'%s/err' >/dev/null",
                vpt, tmp, tmp) == 2);
    CHECK(tu_sh("grep -q -- \"--preset: bad value 'warpspeed'\" '%s/err'", tmp) == 0);
    CHECK(tu_sh("test ! -e '%s/s.mp4'", tmp) == 0);
    CHECK(tu_sh("'%s' video synth '%s/s.mp4' --frames 25 --size 64x48 --preset superfast "
                ">/dev/null",
                vpt, tmp) == 0);
    char path[600];
    snprintf(path, sizeof path, "%s/s.mp4", tmp);
    CHECK(file_has(path, "subme=1"));
    CHECK(tu_sh("'%s' gen-data --out '%s/gd' --hours 0.0003 --episode-ticks 20 --size 64x36 "
                "--jobs 1 --preset nope 2>'%s/err' >/dev/null",
                vpt, tmp, tmp) == 2);
    CHECK(tu_sh("grep -q -- \"gen-data: --preset: bad value 'nope'\" '%s/err'", tmp) == 0);
    CHECK(tu_sh("test ! -e '%s/gd'", tmp) == 0);
    CHECK(tu_sh("'%s' bench agent --preset nope 2>/dev/null >/dev/null", vpt) == 2);
    CHECK(tu_sh("'%s' bench video --preset nope 2>'%s/err' >/dev/null", vpt, tmp) == 2);
    CHECK(tu_sh("grep -q -- \"bench video: --preset: bad value 'nope'\" '%s/err'", tmp) == 0);
    CHECK(tu_sh("'%s' bench video --encode-only --source '%s/none.mp4' 2>'%s/err' >/dev/null", vpt,
                tmp, tmp) != 0);
    CHECK(tu_sh("grep -q 'none.mp4' '%s/err'", tmp) == 0);
    CHECK(tu_sh("'%s' gen-data --out '%s/gd' --hours 0.0003 --episode-ticks 20 --size 64x36 "
                "--jobs 1 --preset veryfast --quiet >/dev/null",
                vpt, tmp) == 0);
    CHECK(tu_sh("grep -q '\"x264_preset\": \"veryfast\"' '%s'/gd/*-options.json", tmp) == 0);
    CHECK(tu_sh("grep -aq 'subme=2' '%s'/gd/*.mp4", tmp) == 0);
}

int main(void) {
    tu_tmpdir(tmp, sizeof tmp, "record");
    render_source();
    TEST_RUN(test_rendered_roundtrip);
    TEST_RUN(test_preset_reaches_x264);
    TEST_RUN(test_bad_preset_refused);
    TEST_RUN(test_cli_preset);
    mem_free(frames);
    tu_rmrf(tmp);
    return check_finish();
}
