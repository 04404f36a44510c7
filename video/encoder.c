/* encoder.c: RGB24 -> H.264 (or MPEG-4 part 2) in fragmented MP4, 20 fps CFR (see codec.h).
 *
 * Kill safety: frame i has pts i (time base 1/fps); a keyframe every VIDEO_FRAGMENT_FRAMES
 * frames; movflags frag_keyframe makes each keyframe start a fragment, and the muxer writes the
 * previous fragment when that keyframe arrives, after which we flush the AVIOContext to the
 * file. x264 runs without B-frames and lookahead (encoder delay 0 frames), so at any moment the
 * file on disk holds every frame up to the last keyframe: at most 19 frames (< 1 s) are lost.
 * These settings are forced on top of whichever x264 preset is chosen (tested per preset).
 *
 * Colour: each pushed RGB frame is converted by video/yuv.h (BT.601 limited range, 2x2 mean
 * chroma) straight into the AVFrame's planes; no libswscale on this path (5x cheaper, measured
 * in docs/video.md). */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"
#include "video/codec.h"
#include "video/resize_internal.h"
#include "video/yuv.h"

struct VideoEncoder {
    AVFormatContext *fmt;
    AVCodecContext *ctx;
    AVStream *st;
    AVFrame *frame;
    AVPacket *pkt;
    int64_t frames;
    int width, height;
    char *path;
};

int video_preset_valid(const char *name) {
    static const char *const names[] = {"ultrafast", "superfast", "veryfast", "faster",
                                        "fast",      "medium",    "slow",     "slower",
                                        "veryslow",  "placebo"};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return 1;
    return 0;
}

static void av_err(const char *path, const char *what, int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(err, buf, sizeof buf);
    LOG_ERROR("video", "%s: %s: %s", path, what, buf);
}

static const AVCodec *pick_codec(const VideoEncoderOptions *opt, const char *path) {
    const AVCodec *c = NULL;
    if (!opt->codec || strcmp(opt->codec, "libx264") == 0) {
        c = avcodec_find_encoder_by_name("libx264");
        if (!c)
            LOG_WARN("video",
                     "%s: libx264 is not available in this FFmpeg; falling back to "
                     "MPEG-4 part 2 (larger files, same frame count)",
                     path);
    }
    if (!c) c = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    return c;
}

static Status setup_codec(VideoEncoder *e, const AVCodec *codec, const VideoEncoderOptions *opt) {
    int fps = opt->fps > 0 ? opt->fps : VIDEO_FPS;
    AVCodecContext *c = avcodec_alloc_context3(codec);
    e->ctx = c;
    c->width = opt->width;
    c->height = opt->height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = (AVRational){1, fps};
    c->framerate = (AVRational){fps, 1};
    c->gop_size = VIDEO_FRAGMENT_FRAMES * fps / VIDEO_FPS;
    c->max_b_frames = 0;
    c->thread_count = opt->threads > 0 ? opt->threads : 1;
    c->colorspace = AVCOL_SPC_SMPTE170M;
    c->color_range = AVCOL_RANGE_MPEG;
    c->color_primaries = AVCOL_PRI_SMPTE170M;
    c->color_trc = AVCOL_TRC_SMPTE170M;
    if (e->fmt->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int crf = opt->crf >= 0 ? opt->crf : 23;
    AVDictionary *d = NULL;
    if (codec->id == AV_CODEC_ID_H264) {
        char crf_s[16];
        snprintf(crf_s, sizeof crf_s, "%d", crf);
        av_dict_set(&d, "crf", crf_s, 0);
        av_dict_set(&d, "preset", opt->preset ? opt->preset : VIDEO_DEFAULT_PRESET, 0);
        /* No lookahead, no B-frames, no sliced/frame threads: zero frames of encoder delay. */
        av_dict_set(&d, "x264-params",
                    "rc-lookahead=0:sync-lookahead=0:bframes=0:scenecut=0:mbtree=0", 0);
    } else {
        /* MPEG-4 part 2 has no CRF: a fixed quantizer of similar quality. */
        c->flags |= AV_CODEC_FLAG_QSCALE;
        c->global_quality = FF_QP2LAMBDA * (crf <= 18 ? 2 : crf <= 28 ? 4 : 8);
    }
    int err = avcodec_open2(c, codec, &d);
    av_dict_free(&d);
    if (err < 0) {
        av_err(e->path, "cannot open the encoder", err);
        return STATUS_UNSUPPORTED;
    }
    return STATUS_OK;
}

static Status setup_output(VideoEncoder *e) {
    e->st = avformat_new_stream(e->fmt, NULL);
    int err = avcodec_parameters_from_context(e->st->codecpar, e->ctx);
    if (err < 0) {
        av_err(e->path, "codec parameters", err);
        return STATUS_INTERNAL;
    }
    e->st->time_base = e->ctx->time_base;
    e->st->avg_frame_rate = e->ctx->framerate;
    e->st->r_frame_rate = e->ctx->framerate;
    err = avio_open(&e->fmt->pb, e->path, AVIO_FLAG_WRITE);
    if (err < 0) {
        av_err(e->path, "cannot create the file", err);
        return STATUS_IO;
    }
    AVDictionary *d = NULL;
    av_dict_set(&d, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
    err = avformat_write_header(e->fmt, &d);
    av_dict_free(&d);
    if (err < 0) {
        av_err(e->path, "cannot write the MP4 header", err);
        return STATUS_IO;
    }
    avio_flush(e->fmt->pb);
    return STATUS_OK;
}

Status video_encoder_open(VideoEncoder **out, const char *path, const VideoEncoderOptions *opt) {
    ASSERT(out && path && opt);
    *out = NULL;
    if (opt->width <= 0 || opt->height <= 0 || (opt->width & 1) || (opt->height & 1)) {
        LOG_ERROR("video",
                  "%s: frame size %dx%d: expected positive even width and height "
                  "(yuv420p)",
                  path, opt->width, opt->height);
        return STATUS_INVALID_ARGUMENT;
    }
    if (opt->crf > 51) {
        LOG_ERROR("video", "%s: crf %d: expected 0..51", path, opt->crf);
        return STATUS_INVALID_ARGUMENT;
    }
    if (opt->preset && !video_preset_valid(opt->preset)) {
        LOG_ERROR("video", "%s: x264 preset '%s': expected one of %s", path, opt->preset,
                  VIDEO_PRESET_NAMES);
        return STATUS_INVALID_ARGUMENT;
    }
    video_ffmpeg_log_init();
    VideoEncoder *e = mem_calloc(1, sizeof *e);
    e->path = mem_strdup(path);
    e->width = opt->width;
    e->height = opt->height;
    Status st = STATUS_OK;
    if (avformat_alloc_output_context2(&e->fmt, NULL, "mp4", path) < 0 || !e->fmt) {
        LOG_ERROR("video", "%s: cannot allocate the MP4 muxer", path);
        st = STATUS_INTERNAL;
    }
    const AVCodec *codec = st == STATUS_OK ? pick_codec(opt, path) : NULL;
    if (st == STATUS_OK && !codec) {
        LOG_ERROR("video", "%s: neither libx264 nor the MPEG-4 encoder is available", path);
        st = STATUS_UNSUPPORTED;
    }
    if (st == STATUS_OK) st = setup_codec(e, codec, opt);
    if (st == STATUS_OK) st = setup_output(e);
    if (st == STATUS_OK) {
        e->frame = av_frame_alloc();
        e->frame->format = AV_PIX_FMT_YUV420P;
        e->frame->width = e->width;
        e->frame->height = e->height;
        if (av_frame_get_buffer(e->frame, 0) < 0) st = STATUS_NO_MEMORY;
        e->pkt = av_packet_alloc();
    }
    if (st != STATUS_OK) {
        int created = e->fmt && e->fmt->pb;
        video_encoder_destroy(e);
        if (created) unlink(path);
        return st;
    }
    *out = e;
    return STATUS_OK;
}

/* Sends `frame` (NULL flushes) and writes every packet that comes out. */
static Status encode_and_write(VideoEncoder *e, AVFrame *frame) {
    int err = avcodec_send_frame(e->ctx, frame);
    if (err < 0) {
        av_err(e->path, "encoder refused a frame", err);
        return STATUS_INTERNAL;
    }
    for (;;) {
        err = avcodec_receive_packet(e->ctx, e->pkt);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return STATUS_OK;
        if (err < 0) {
            av_err(e->path, "encoding failed", err);
            return STATUS_INTERNAL;
        }
        int key = (e->pkt->flags & AV_PKT_FLAG_KEY) != 0;
        av_packet_rescale_ts(e->pkt, e->ctx->time_base, e->st->time_base);
        e->pkt->stream_index = e->st->index;
        err = av_write_frame(e->fmt, e->pkt);
        av_packet_unref(e->pkt);
        if (err < 0) {
            av_err(e->path, "cannot write a packet", err);
            return STATUS_IO;
        }
        /* A keyframe closed the previous fragment: push it to the file now. */
        if (key) avio_flush(e->fmt->pb);
    }
}

Status video_encoder_push(VideoEncoder *e, const uint8_t *rgb, int stride) {
    ASSERT(e && rgb && stride >= e->width * 3);
    if (av_frame_make_writable(e->frame) < 0) return STATUS_NO_MEMORY;
    AVFrame *f = e->frame;
    ASSERT(f->linesize[1] == f->linesize[2]);
    video_rgb_to_yuv420p(f->data[0], f->linesize[0], f->data[1], f->data[2], f->linesize[1], rgb,
                         stride, e->width, e->height);
    e->frame->pts = e->frames;
    e->frame->pict_type = AV_PICTURE_TYPE_NONE;
    Status st = encode_and_write(e, e->frame);
    if (st == STATUS_OK) e->frames++;
    return st;
}

int64_t video_encoder_frames(const VideoEncoder *e) { return e->frames; }

const char *video_encoder_codec_name(const VideoEncoder *e) { return e->ctx->codec->name; }

Status video_encoder_close(VideoEncoder *e) {
    ASSERT(e);
    Status st = encode_and_write(e, NULL);
    if (st == STATUS_OK) {
        int err = av_write_trailer(e->fmt);
        if (err < 0) {
            av_err(e->path, "cannot write the MP4 trailer", err);
            st = STATUS_IO;
        }
    }
    if (e->fmt->pb) {
        avio_flush(e->fmt->pb);
        if (e->fmt->pb->error < 0 && st == STATUS_OK) {
            av_err(e->path, "write error", e->fmt->pb->error);
            st = STATUS_IO;
        }
    }
    video_encoder_destroy(e);
    return st;
}

void video_encoder_destroy(VideoEncoder *e) {
    if (!e) return;
    if (e->fmt && e->fmt->pb) avio_closep(&e->fmt->pb);
    avformat_free_context(e->fmt);
    avcodec_free_context(&e->ctx);
    av_frame_free(&e->frame);
    av_packet_free(&e->pkt);
    mem_free(e->path);
    mem_free(e);
}
