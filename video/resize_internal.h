/* resize_internal.h: the decoder's entry into the one resize function (video/resize.h) for
 * frames in any FFmpeg pixel format. Private to video/: keeps FFmpeg types out of resize.h. */
#ifndef VIDEO_RESIZE_INTERNAL_H
#define VIDEO_RESIZE_INTERNAL_H

#include "video/resize.h"

/* Same filter, same flags as video_resizer_create, but the source is `src_fmt` (an
 * enum AVPixelFormat value) given as planes. */
VideoResizer *video_resizer_create_fmt(int src_w, int src_h, int src_fmt, int dst_w, int dst_h,
                                       VideoResizeFilter filter);
void video_resizer_planes(VideoResizer *r, uint8_t *dst, const uint8_t *const planes[],
                          const int strides[]);

/* FFmpeg's own log goes to stderr at "error" level, or "info" when our level is debug. FFmpeg's
 * level is process-wide like ours; this only lowers its chatter. */
void video_ffmpeg_log_init(void);

#endif
