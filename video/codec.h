/* codec.h: MP4 recording (encoder) and streaming decoding of anything FFmpeg reads (decoder).
 *
 * Encoder: RGB24 frames in, MP4 out: H.264 (libx264, preset VIDEO_DEFAULT_PRESET unless told)
 * yuv420p (BT.601 limited range, converted by video/yuv.h) at a constant frame rate (20 fps
 * by default), CRF rate control; when libx264 is missing it falls back to MPEG-4 part 2 with a
 * warning. The MP4 is fragmented (a moof+mdat every VIDEO_FRAGMENT_FRAMES frames, flushed to the
 * file at once) and the encoder has no more than a few frames of delay, so a process killed
 * mid-recording leaves a playable file that lacks at most its last second.
 *
 * Decoder: streams frames one by one from any container/codec/pixel format/size FFmpeg reads and
 * hands out RGB24 through the one resize function (video/resize.h). Variable or non-20 fps input
 * is resampled by timestamp (the rule, with t the time since the first frame's timestamp):
 *   output frame n (n = 0, 1, ...) shows the last input frame whose time t_k <= (n + 0.5) / fps,
 *   and the stream ends after the last n with (n + 0.5) / fps < t_end, where t_end is the last
 *   frame's time plus its duration (its packet duration, else the stream's mean frame interval).
 * A 20 fps CFR file therefore maps frame k to frame k exactly, with the same count.
 * Corrupt packets are skipped with a warning naming the file and frame index; a file that gives
 * no frame at all is an error. */
#ifndef VIDEO_CODEC_H
#define VIDEO_CODEC_H

#include <stdint.h>

#include "core/status.h"
#include "video/resize.h"

#define VIDEO_FPS 20
/* Fragment length of recordings: one second. */
#define VIDEO_FRAGMENT_FRAMES 20
/* x264 preset when VideoEncoderOptions.preset is NULL (docs/video.md has the measurements). */
#define VIDEO_DEFAULT_PRESET "ultrafast"
/* The preset names x264 accepts, fastest first (for messages). */
#define VIDEO_PRESET_NAMES                                                                         \
    "ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo"

typedef struct VideoEncoderOptions {
    int width, height;  /* frame size in pixels, even (yuv420p); odd sizes are refused */
    int fps;            /* 0 means VIDEO_FPS */
    int crf;            /* 0..51, lower is better; < 0 means the default 23 */
    int threads;        /* encoder threads; 0 means 1 (one core) */
    const char *codec;  /* NULL: libx264 with MPEG-4 fallback; "mpeg4" forces the fallback */
    const char *preset; /* x264 preset (VIDEO_PRESET_NAMES); NULL: VIDEO_DEFAULT_PRESET. A name
                           x264 lacks is refused. The MPEG-4 fallback ignores it */
} VideoEncoderOptions;

typedef struct VideoEncoder VideoEncoder;

/* 1 if `name` is an x264 preset (one of VIDEO_PRESET_NAMES), else 0. */
int video_preset_valid(const char *name);

/* Creates/truncates `path` and writes the header. On failure *out is NULL and the partial file
 * is removed; bad options (size, crf, preset) are refused before the file is created. */
Status video_encoder_open(VideoEncoder **out, const char *path, const VideoEncoderOptions *opt);
/* rgb: (height, width, 3) with rows of `stride` bytes. */
Status video_encoder_push(VideoEncoder *enc, const uint8_t *rgb, int stride);
/* Frames pushed so far. */
int64_t video_encoder_frames(const VideoEncoder *enc);
/* Name of the codec in use ("libx264" or "mpeg4"). */
const char *video_encoder_codec_name(const VideoEncoder *enc);
/* Flushes the encoder, writes the trailer, closes the file and frees enc (also on failure). */
Status video_encoder_close(VideoEncoder *enc);
/* Frees without finishing (the file keeps what was flushed). Accepts NULL. */
void video_encoder_destroy(VideoEncoder *enc);

typedef struct VideoDecoderOptions {
    int width, height;        /* output size; 0,0 means the source size */
    VideoResizeFilter filter; /* default VIDEO_RESIZE_AREA */
    int fps;                  /* output rate; 0 means VIDEO_FPS; < 0 keeps every source frame */
    int threads;              /* decoder threads; 0 means 1 */
} VideoDecoderOptions;

typedef struct VideoDecoder VideoDecoder;

/* Opens a file and its best video stream. Errors (missing file, not a video, no video stream,
 * unsupported codec) are logged with the path. */
Status video_decoder_open(VideoDecoder **out, const char *path, const VideoDecoderOptions *opt);
/* Output size (what next() writes: width * height * 3 bytes). */
int video_decoder_width(const VideoDecoder *dec);
int video_decoder_height(const VideoDecoder *dec);
/* Source properties. */
int video_decoder_src_width(const VideoDecoder *dec);
int video_decoder_src_height(const VideoDecoder *dec);
double video_decoder_src_fps(const VideoDecoder *dec); /* the stream's nominal rate, 0 unknown */
const char *video_decoder_codec_name(const VideoDecoder *dec);
/* Next output frame into rgb. *got = 1 with a frame, 0 at the end of the stream. Fails only on
 * a read error before any frame, or a file that holds no decodable frame. */
Status video_decoder_next(VideoDecoder *dec, uint8_t *rgb, int *got);
/* Output frames produced so far. */
int64_t video_decoder_frames(const VideoDecoder *dec);
/* Corrupt packets/frames skipped so far. */
int64_t video_decoder_errors(const VideoDecoder *dec);
void video_decoder_destroy(VideoDecoder *dec); /* accepts NULL */

/* Decodes a whole file at 20 fps (the rule above) and counts its output frames. */
Status video_count_frames(const char *path, int64_t *frames);

/* A deterministic synthetic test frame i (h, w, 3): smooth gradients, a moving square and a
 * frame-number bar code, so encoders see motion and tests can tell frames apart. */
void video_synth_frame(uint8_t *rgb, int w, int h, int64_t i);

/* Writes RGB24 (h, w, 3) as an 8-bit PNG, atomically. */
Status video_png_write(const char *path, const uint8_t *rgb, int w, int h);

#endif
