/* resize.c: the one resize function (see resize.h), a thin wrapper over libswscale.
 *
 * Invariant: every VideoResizer is built by resizer_make() with the same swscale flags for a
 * given filter, whatever the source pixel format, so decoded video and live frames are scaled by
 * the same kernel. SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT keep colour conversion exact enough
 * that an RGB -> RGB identity resize is lossless (tested). */
#include "video/resize.h"

#include <libavutil/log.h>
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "video/resize_internal.h"

struct VideoResizer {
    struct SwsContext *sws;
    int src_w, src_h, dst_w, dst_h;
};

static int filter_flags(VideoResizeFilter filter) {
    int base = filter == VIDEO_RESIZE_BILINEAR ? SWS_BILINEAR : SWS_AREA;
    return base | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;
}

static VideoResizer *resizer_make(int src_w, int src_h, int src_fmt, int dst_w, int dst_h,
                                  VideoResizeFilter filter) {
    ASSERT(src_w > 0 && src_h > 0 && dst_w > 0 && dst_h > 0);
    struct SwsContext *sws =
        sws_getContext(src_w, src_h, (enum AVPixelFormat)src_fmt, dst_w, dst_h, AV_PIX_FMT_RGB24,
                       filter_flags(filter), NULL, NULL, NULL);
    if (!sws) {
        LOG_ERROR("video", "resize: libswscale cannot convert %dx%d (format %d) to %dx%d RGB24",
                  src_w, src_h, src_fmt, dst_w, dst_h);
        return NULL;
    }
    VideoResizer *r = mem_calloc(1, sizeof *r);
    r->sws = sws;
    r->src_w = src_w;
    r->src_h = src_h;
    r->dst_w = dst_w;
    r->dst_h = dst_h;
    return r;
}

VideoResizer *video_resizer_create(int src_w, int src_h, int dst_w, int dst_h,
                                   VideoResizeFilter filter) {
    return resizer_make(src_w, src_h, AV_PIX_FMT_RGB24, dst_w, dst_h, filter);
}

VideoResizer *video_resizer_create_fmt(int src_w, int src_h, int src_fmt, int dst_w, int dst_h,
                                       VideoResizeFilter filter) {
    return resizer_make(src_w, src_h, src_fmt, dst_w, dst_h, filter);
}

void video_resizer_destroy(VideoResizer *r) {
    if (!r) return;
    sws_freeContext(r->sws);
    mem_free(r);
}

void video_resizer_planes(VideoResizer *r, uint8_t *dst, const uint8_t *const planes[],
                          const int strides[]) {
    uint8_t *dst_planes[4] = {dst, NULL, NULL, NULL};
    int dst_strides[4] = {r->dst_w * 3, 0, 0, 0};
    sws_scale(r->sws, planes, strides, 0, r->src_h, dst_planes, dst_strides);
}

void video_resizer_rgb(VideoResizer *r, uint8_t *dst, const uint8_t *src, int src_stride) {
    if (r->src_w == r->dst_w && r->src_h == r->dst_h) {
        /* Identity: a plain copy (swscale would also be exact, this is just cheaper). */
        for (int y = 0; y < r->src_h; y++)
            memcpy(dst + (size_t)y * r->dst_w * 3, src + (size_t)y * src_stride,
                   (size_t)r->dst_w * 3);
        return;
    }
    const uint8_t *planes[4] = {src, NULL, NULL, NULL};
    int strides[4] = {src_stride, 0, 0, 0};
    video_resizer_planes(r, dst, planes, strides);
}

Status video_resize_rgb(uint8_t *dst, int dst_w, int dst_h, const uint8_t *src, int src_w,
                        int src_h, VideoResizeFilter filter) {
    VideoResizer *r = video_resizer_create(src_w, src_h, dst_w, dst_h, filter);
    if (!r) return STATUS_UNSUPPORTED;
    video_resizer_rgb(r, dst, src, src_w * 3);
    video_resizer_destroy(r);
    return STATUS_OK;
}

int video_resize_filter_parse(const char *s, VideoResizeFilter *out) {
    if (strcmp(s, "area") == 0) {
        *out = VIDEO_RESIZE_AREA;
        return 0;
    }
    if (strcmp(s, "bilinear") == 0) {
        *out = VIDEO_RESIZE_BILINEAR;
        return 0;
    }
    return -1;
}

/* FFmpeg's messages go through our logger (tag "ffmpeg"): its errors as warnings (we report
 * the failure that matters ourselves, naming the file), the rest as debug. */
static void ffmpeg_log(void *avcl, int level, const char *fmt, va_list vl) {
    if (level > AV_LOG_WARNING && log_get_level() > LOG_LEVEL_DEBUG) return;
    char line[1024];
    int prefix = 1;
    av_log_format_line(avcl, level, fmt, vl, line, sizeof line, &prefix);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0) return;
    log_msg(level <= AV_LOG_ERROR ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG, "ffmpeg", "%s", line);
}

static void ffmpeg_log_install(void) {
    av_log_set_level(AV_LOG_INFO);
    av_log_set_callback(ffmpeg_log);
}

void video_ffmpeg_log_init(void) {
    /* Decoders open on loader threads concurrently: install the hook exactly once. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, ffmpeg_log_install);
}
