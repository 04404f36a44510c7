/* resize.h: the ONE resize function of the project (DESIGN.md section 3, "Observation").
 *
 * Every frame a model sees goes through a VideoResizer: decoded video (any size, any pixel
 * format, converted and scaled in one libswscale pass) and live env frames (RGB24) alike, with
 * the same filter, so the distribution a model trains on is the one it acts on. Output is always
 * packed RGB24, dst_w * dst_h * 3 bytes, rows tightly packed.
 *
 * Filters: VIDEO_RESIZE_AREA (default: box average when shrinking, the right choice for
 * 640x360 -> 64x64) and VIDEO_RESIZE_BILINEAR. Aspect ratio is not kept (VPT resized 640x360 to
 * 128x128 the same way). A resizer is not thread-safe; create one per thread. */
#ifndef VIDEO_RESIZE_H
#define VIDEO_RESIZE_H

#include <stdint.h>

#include "core/status.h"

typedef enum VideoResizeFilter {
    VIDEO_RESIZE_AREA = 0,
    VIDEO_RESIZE_BILINEAR,
} VideoResizeFilter;

typedef struct VideoResizer VideoResizer;

/* A resizer from packed RGB24 src_w x src_h to RGB24 dst_w x dst_h (all >= 1). Returns NULL and
 * logs when libswscale refuses the sizes. Owned by the caller: video_resizer_destroy. */
VideoResizer *video_resizer_create(int src_w, int src_h, int dst_w, int dst_h,
                                   VideoResizeFilter filter);
void video_resizer_destroy(VideoResizer *r); /* accepts NULL */

/* dst: (dst_h, dst_w, 3) uint8; src: (src_h, rows of src_stride bytes) RGB24. */
void video_resizer_rgb(VideoResizer *r, uint8_t *dst, const uint8_t *src, int src_stride);

/* One-shot convenience (creates and frees a resizer): for tests and tools, not hot loops. */
Status video_resize_rgb(uint8_t *dst, int dst_w, int dst_h, const uint8_t *src, int src_w,
                        int src_h, VideoResizeFilter filter);

/* Parses "area" / "bilinear"; returns 0 on success. */
int video_resize_filter_parse(const char *s, VideoResizeFilter *out);

#endif
