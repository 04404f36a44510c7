/* cmd_video.c: `vpt video decode FILE --size WxH [--png-dir DIR]` (decode through the one resize
 * path and print {frames, width, height, fps}) and `vpt video synth OUT.mp4` (write a synthetic
 * recording through the encoder, for checks and benchmarks). */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "video/codec.h"

static int video_decode(int argc, char **argv) {
    const char *size = NULL, *png_dir = NULL, *filter = "area";
    long long fps = VIDEO_FPS;
    const CliOption opts[] = {
        {"--size", CLI_STRING, &size, "WxH", "output size (default: the source size)", 0, 0},
        {"--png-dir", CLI_STRING, &png_dir, "DIR", "also write every frame as DIR/NNNNNN.png", 0,
         0},
        {"--filter", CLI_STRING, &filter, "F", "area (default) or bilinear", 0, 0},
        {"--fps", CLI_INT, &fps, "N", "output rate (default 20; 0 keeps source frames)", 0, 240},
    };
    const CliSpec spec = {"video decode",
                          "FILE [--size WxH] [--png-dir DIR] [--filter area|bilinear]",
                          "decode a video through the model's resize path; prints JSON",
                          opts,
                          4,
                          1,
                          1,
                          "FILE"};
    const char *pos[1];
    int npos = 0;
    int rc = cli_parse(&spec, argc, argv, pos, &npos);
    if (rc != CLI_OK) return cli_exit_code(rc);
    VideoDecoderOptions o = {.fps = fps == 0 ? -1 : (int)fps};
    if (size && cli_parse_size("video decode", "--size", size, &o.width, &o.height) != 0) return 2;
    if (video_resize_filter_parse(filter, &o.filter) != 0) {
        fprintf(stderr, "vpt video decode: --filter: bad value '%s' (expected area|bilinear)\n",
                filter);
        return 2;
    }
    if (png_dir && fs_mkdir_p(png_dir) != STATUS_OK) return 1;
    VideoDecoder *d = NULL;
    Status st = video_decoder_open(&d, pos[0], &o);
    if (st != STATUS_OK) return status_exit_code(st);
    int w = video_decoder_width(d), h = video_decoder_height(d);
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    int got = 1;
    while (st == STATUS_OK) {
        st = video_decoder_next(d, rgb, &got);
        if (st != STATUS_OK || !got) break;
        if (png_dir) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%06lld.png", png_dir,
                     (long long)video_decoder_frames(d) - 1);
            st = video_png_write(path, rgb, w, h);
        }
    }
    if (st == STATUS_OK)
        printf("{\"frames\": %lld, \"width\": %d, \"height\": %d, \"fps\": %d, \"codec\": \"%s\", "
               "\"src_width\": %d, \"src_height\": %d, \"src_fps\": %.3f, \"errors\": %lld}\n",
               (long long)video_decoder_frames(d), w, h, o.fps > 0 ? o.fps : 0,
               video_decoder_codec_name(d), video_decoder_src_width(d), video_decoder_src_height(d),
               video_decoder_src_fps(d), (long long)video_decoder_errors(d));
    mem_free(rgb);
    video_decoder_destroy(d);
    return status_exit_code(st);
}

static int video_synth(int argc, char **argv) {
    const char *size = "640x360", *codec = NULL, *preset = NULL;
    long long frames = 200, crf = 23;
    const CliOption opts[] = {
        {"--size", CLI_STRING, &size, "WxH", "frame size (default 640x360)", 0, 0},
        {"--frames", CLI_INT, &frames, "N", "frames (default 200)", 1, 1e9},
        {"--crf", CLI_INT, &crf, "C", "x264 CRF 0..51 (default 23)", 0, 51},
        {"--codec", CLI_STRING, &codec, "C", "libx264 (default) or mpeg4", 0, 0},
        {"--preset", CLI_STRING, &preset, "P", "x264 preset (default " VIDEO_DEFAULT_PRESET ")", 0,
         0},
    };
    const CliSpec spec = {"video synth",
                          "OUT.mp4 [--size WxH] [--frames N] [--crf C] [--preset P]",
                          "encode a synthetic moving pattern (20 fps MP4)",
                          opts,
                          5,
                          1,
                          1,
                          "OUT"};
    const char *pos[1];
    int rc = cli_parse(&spec, argc, argv, pos, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    VideoEncoderOptions o = {.crf = (int)crf, .codec = codec, .preset = preset};
    if (cli_parse_size("video synth", "--size", size, &o.width, &o.height) != 0) return 2;
    if (cli_parse_preset("video synth", "--preset", preset) != 0) return 2;
    VideoEncoder *e = NULL;
    Status st = video_encoder_open(&e, pos[0], &o);
    if (st != STATUS_OK) return status_exit_code(st);
    uint8_t *rgb = mem_alloc((size_t)o.width * o.height * 3);
    for (long long i = 0; i < frames && st == STATUS_OK; i++) {
        video_synth_frame(rgb, o.width, o.height, i);
        st = video_encoder_push(e, rgb, o.width * 3);
    }
    mem_free(rgb);
    if (st != STATUS_OK) {
        video_encoder_destroy(e);
        return status_exit_code(st);
    }
    const char *cname = video_encoder_codec_name(e);
    char name[32];
    snprintf(name, sizeof name, "%s", cname);
    st = video_encoder_close(e);
    if (st == STATUS_OK)
        printf("{\"path\": \"%s\", \"frames\": %lld, \"width\": %d, \"height\": %d, \"fps\": %d, "
               "\"codec\": \"%s\"}\n",
               pos[0], frames, o.width, o.height, VIDEO_FPS, name);
    return status_exit_code(st);
}

int cmd_video(int argc, char **argv) {
    const char *usage =
        "usage: vpt video decode FILE [--size WxH] [--png-dir DIR]\n"
        "       vpt video synth OUT.mp4 [--size WxH] [--frames N] [--crf C] [--preset P]\n";
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "decode") == 0) return video_decode(argc - 1, argv + 1);
    if (strcmp(argv[1], "synth") == 0) return video_synth(argc - 1, argv + 1);
    fprintf(stderr, "vpt video: unknown subcommand '%s'\n%s", argv[1], usage);
    return 2;
}
