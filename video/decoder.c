/* decoder.c: streaming decode of any FFmpeg-readable video to RGB24 at 20 fps (see codec.h for
 * the resampling rule).
 *
 * State machine: `cur` is the input frame on screen (time t_cur), `nxt` the one after it once
 * read. Output frame n is emitted from `cur` while (n + 0.5) / fps < t_nxt (or < t_end after the
 * last frame); then nxt becomes cur. Times are seconds since the first frame, made monotonic
 * (a timestamp going backwards is clamped to the previous one). The RGB conversion of `cur` is
 * cached, so a duplicated frame costs a memcpy. */
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "video/codec.h"
#include "video/resize_internal.h"

struct VideoDecoder {
    AVFormatContext *fmt;
    AVCodecContext *ctx;
    AVPacket *pkt;
    AVFrame *cur, *nxt;
    int have_cur, have_nxt, eof, flushed;
    double t_cur, t_nxt, t_end, t_first, t_last, default_dur;
    int64_t n_out, n_in, n_errors;
    int stream, out_w, out_h, fps;
    VideoResizeFilter filter;
    VideoResizer *rs;
    int rs_w, rs_h, rs_fmt;
    uint8_t *cache; /* RGB of cur, valid when cache_ok */
    int cache_ok;
    char *path;
};

static void av_err(const char *path, const char *what, int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(err, buf, sizeof buf);
    LOG_ERROR("video", "%s: %s: %s", path, what, buf);
}

static Status open_stream(VideoDecoder *d, int threads) {
    int err = avformat_open_input(&d->fmt, d->path, NULL, NULL);
    if (err < 0) {
        av_err(d->path, "not a readable video file", err);
        return STATUS_PARSE;
    }
    err = avformat_find_stream_info(d->fmt, NULL);
    if (err < 0) {
        av_err(d->path, "cannot read stream information", err);
        return STATUS_PARSE;
    }
    if (d->fmt->nb_streams == 0) {
        LOG_ERROR("video", "%s: no streams found (truncated file or not a video)", d->path);
        return STATUS_PARSE;
    }
    const AVCodec *codec = NULL;
    d->stream = av_find_best_stream(d->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (d->stream == AVERROR_STREAM_NOT_FOUND) {
        LOG_ERROR("video", "%s: no video stream", d->path);
        return STATUS_PARSE;
    }
    if (d->stream < 0 || !codec) {
        LOG_ERROR("video", "%s: no decoder for its video stream in this FFmpeg", d->path);
        return STATUS_UNSUPPORTED;
    }
    AVStream *st = d->fmt->streams[d->stream];
    d->ctx = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(d->ctx, st->codecpar);
    d->ctx->thread_count = threads > 0 ? threads : 1;
    d->ctx->pkt_timebase = st->time_base;
    err = avcodec_open2(d->ctx, codec, NULL);
    if (err < 0) {
        av_err(d->path, "cannot open the decoder", err);
        return STATUS_UNSUPPORTED;
    }
    if (d->ctx->width <= 0 || d->ctx->height <= 0) {
        LOG_ERROR("video", "%s: video stream has no frame size", d->path);
        return STATUS_PARSE;
    }
    AVRational r = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    d->default_dur = r.num > 0 && r.den > 0 ? av_q2d(av_inv_q(r)) : 1.0 / VIDEO_FPS;
    for (unsigned i = 0; i < d->fmt->nb_streams; i++)
        if ((int)i != d->stream) d->fmt->streams[i]->discard = AVDISCARD_ALL;
    return STATUS_OK;
}

Status video_decoder_open(VideoDecoder **out, const char *path, const VideoDecoderOptions *opt) {
    ASSERT(out && path);
    *out = NULL;
    VideoDecoderOptions def = {0};
    if (!opt) opt = &def;
    if (!fs_exists(path)) {
        LOG_ERROR("video", "%s: no such file", path);
        return STATUS_NOT_FOUND;
    }
    video_ffmpeg_log_init();
    VideoDecoder *d = mem_calloc(1, sizeof *d);
    d->path = mem_strdup(path);
    d->filter = opt->filter;
    d->fps = opt->fps == 0 ? VIDEO_FPS : opt->fps;
    Status st = open_stream(d, opt->threads);
    if (st != STATUS_OK) {
        video_decoder_destroy(d);
        return st;
    }
    d->out_w = opt->width > 0 ? opt->width : d->ctx->width;
    d->out_h = opt->height > 0 ? opt->height : d->ctx->height;
    d->pkt = av_packet_alloc();
    d->cur = av_frame_alloc();
    d->nxt = av_frame_alloc();
    d->cache = mem_alloc((size_t)d->out_w * d->out_h * 3);
    d->rs_fmt = -1;
    *out = d;
    return STATUS_OK;
}

/* Reads packets until the decoder gives a frame into f (1), or the stream ends (0). */
static int decode_one(VideoDecoder *d, AVFrame *f) {
    for (;;) {
        int err = avcodec_receive_frame(d->ctx, f);
        if (err == 0) return 1;
        if (err == AVERROR_EOF) return 0;
        if (err != AVERROR(EAGAIN)) {
            char buf[AV_ERROR_MAX_STRING_SIZE];
            av_strerror(err, buf, sizeof buf);
            LOG_WARN("video", "%s: frame %lld: decode error (%s), skipped", d->path,
                     (long long)d->n_in, buf);
            d->n_errors++;
            if (d->flushed) return 0;
            continue;
        }
        if (d->flushed) return 0;
        err = av_read_frame(d->fmt, d->pkt);
        if (err < 0) {
            if (err != AVERROR_EOF) {
                char buf[AV_ERROR_MAX_STRING_SIZE];
                av_strerror(err, buf, sizeof buf);
                LOG_WARN("video", "%s: read error after input frame %lld (%s): file truncated?",
                         d->path, (long long)d->n_in, buf);
                d->n_errors++;
            }
            avcodec_send_packet(d->ctx, NULL);
            d->flushed = 1;
            continue;
        }
        if (d->pkt->stream_index == d->stream) {
            err = avcodec_send_packet(d->ctx, d->pkt);
            if (err < 0 && err != AVERROR(EAGAIN)) {
                LOG_WARN("video", "%s: frame %lld: corrupt packet skipped", d->path,
                         (long long)d->n_in);
                d->n_errors++;
            }
        }
        av_packet_unref(d->pkt);
    }
}

/* Seconds since the first frame, monotonic. */
static double frame_time(VideoDecoder *d, const AVFrame *f) {
    AVRational tb = d->fmt->streams[d->stream]->time_base;
    int64_t ts = f->best_effort_timestamp;
    double t;
    if (ts == AV_NOPTS_VALUE)
        t = d->n_in == 0 ? 0.0 : d->t_last + d->default_dur;
    else
        t = ts * av_q2d(tb);
    if (d->n_in == 0) d->t_first = t;
    t -= d->t_first;
    if (d->n_in > 0 && t < d->t_last) t = d->t_last;
    d->t_last = t;
    d->n_in++;
    return t;
}

static double frame_duration(VideoDecoder *d, const AVFrame *f) {
    AVRational tb = d->fmt->streams[d->stream]->time_base;
#if LIBAVUTIL_VERSION_MAJOR >= 58
    int64_t dur = f->duration;
#else
    int64_t dur = f->pkt_duration;
#endif
    return dur > 0 ? dur * av_q2d(tb) : d->default_dur;
}

static Status emit(VideoDecoder *d, uint8_t *rgb) {
    AVFrame *f = d->cur;
    if (!d->cache_ok) {
        if (!d->rs || d->rs_w != f->width || d->rs_h != f->height || d->rs_fmt != f->format) {
            video_resizer_destroy(d->rs);
            d->rs = video_resizer_create_fmt(f->width, f->height, f->format, d->out_w, d->out_h,
                                             d->filter);
            if (!d->rs) {
                LOG_ERROR("video", "%s: frame %lld: cannot convert pixel format %d", d->path,
                          (long long)d->n_out, f->format);
                return STATUS_UNSUPPORTED;
            }
            d->rs_w = f->width;
            d->rs_h = f->height;
            d->rs_fmt = f->format;
        }
        video_resizer_planes(d->rs, d->cache, (const uint8_t *const *)f->data, f->linesize);
        d->cache_ok = 1;
    }
    memcpy(rgb, d->cache, (size_t)d->out_w * d->out_h * 3);
    d->n_out++;
    return STATUS_OK;
}

static void promote_next(VideoDecoder *d) {
    AVFrame *tmp = d->cur;
    d->cur = d->nxt;
    d->nxt = tmp;
    av_frame_unref(d->nxt);
    d->t_cur = d->t_nxt;
    d->have_nxt = 0;
    d->cache_ok = 0;
}

Status video_decoder_next(VideoDecoder *d, uint8_t *rgb, int *got) {
    ASSERT(d && rgb && got);
    *got = 0;
    if (!d->have_cur && !d->eof) {
        if (!decode_one(d, d->cur)) {
            d->eof = 1;
            if (d->n_in == 0) {
                LOG_ERROR("video", "%s: no decodable frame (empty or corrupt video stream)",
                          d->path);
                return STATUS_PARSE;
            }
        } else {
            d->t_cur = frame_time(d, d->cur);
            d->have_cur = 1;
            d->cache_ok = 0;
        }
    }
    if (!d->have_cur) return STATUS_OK;
    if (d->fps < 0) { /* every source frame, no resampling */
        Status st = emit(d, rgb);
        if (st != STATUS_OK) return st;
        *got = 1;
        d->have_cur = 0;
        return STATUS_OK;
    }
    for (;;) {
        double t_out = (d->n_out + 0.5) / d->fps;
        if (!d->have_nxt && !d->eof) {
            if (decode_one(d, d->nxt)) {
                d->t_nxt = frame_time(d, d->nxt);
                d->have_nxt = 1;
            } else {
                d->eof = 1;
                d->t_end = d->t_cur + frame_duration(d, d->cur);
            }
        }
        if (d->have_nxt) {
            if (t_out < d->t_nxt) break;
            promote_next(d);
            continue;
        }
        if (t_out < d->t_end) break;
        d->have_cur = 0; /* end of stream */
        return STATUS_OK;
    }
    Status st = emit(d, rgb);
    if (st == STATUS_OK) *got = 1;
    return st;
}

int video_decoder_width(const VideoDecoder *d) { return d->out_w; }
int video_decoder_height(const VideoDecoder *d) { return d->out_h; }
int video_decoder_src_width(const VideoDecoder *d) { return d->ctx->width; }
int video_decoder_src_height(const VideoDecoder *d) { return d->ctx->height; }
double video_decoder_src_fps(const VideoDecoder *d) {
    AVStream *st = d->fmt->streams[d->stream];
    return st->avg_frame_rate.num > 0 ? av_q2d(st->avg_frame_rate) : 0.0;
}
const char *video_decoder_codec_name(const VideoDecoder *d) { return d->ctx->codec->name; }
int64_t video_decoder_frames(const VideoDecoder *d) { return d->n_out; }
int64_t video_decoder_errors(const VideoDecoder *d) { return d->n_errors; }

void video_decoder_destroy(VideoDecoder *d) {
    if (!d) return;
    avcodec_free_context(&d->ctx);
    avformat_close_input(&d->fmt);
    av_packet_free(&d->pkt);
    av_frame_free(&d->cur);
    av_frame_free(&d->nxt);
    video_resizer_destroy(d->rs);
    mem_free(d->cache);
    mem_free(d->path);
    mem_free(d);
}

Status video_count_frames(const char *path, int64_t *frames) {
    VideoDecoder *d = NULL;
    VideoDecoderOptions opt = {.width = 16, .height = 16};
    Status st = video_decoder_open(&d, path, &opt);
    if (st != STATUS_OK) return st;
    uint8_t rgb[16 * 16 * 3];
    int got = 1;
    while (st == STATUS_OK && got) st = video_decoder_next(d, rgb, &got);
    *frames = video_decoder_frames(d);
    video_decoder_destroy(d);
    return st;
}
