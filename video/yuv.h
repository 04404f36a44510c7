/* yuv.h: RGB24 -> yuv420p colour conversion of the encoder (video_encoder_push), our own
 * instead of libswscale's: BT.601 matrix, limited ("MPEG", 16..235 / 16..240) range, which is
 * what the encoder tags (SMPTE 170M). Each chroma sample is the plain mean of its 2x2 block of
 * pixels (chroma sited at the centre of the block, as swscale's RGB input path produces it).
 *
 * Fixed point, integer only, deterministic: every byte is within 1 of the exactly rounded
 * formula (tested against a float reference) and the SIMD and scalar paths give the same bytes.
 *   Y  = 16  + 219/255 * ( 0.299 R + 0.587 G + 0.114 B)              per pixel
 *   Cb = 128 + 224/255 * (-0.168736 R - 0.331264 G + 0.5 B)           of the 2x2 mean
 *   Cr = 128 + 224/255 * ( 0.5 R - 0.418688 G - 0.081312 B)           of the 2x2 mean */
#ifndef VIDEO_YUV_H
#define VIDEO_YUV_H

#include <stdint.h>

/* rgb: (h, w, 3) rows of rgb_stride bytes -> y: (h, w) rows of y_stride bytes; u, v: (h/2, w/2)
 * rows of uv_stride bytes. w and h even and positive. Uses the widest SIMD path this CPU runs. */
void video_rgb_to_yuv420p(uint8_t *y, int y_stride, uint8_t *u, uint8_t *v, int uv_stride,
                          const uint8_t *rgb, int rgb_stride, int w, int h);
/* The same conversion on the scalar path (the naive twin the tests compare against). */
void video_rgb_to_yuv420p_scalar(uint8_t *y, int y_stride, uint8_t *u, uint8_t *v, int uv_stride,
                                 const uint8_t *rgb, int rgb_stride, int w, int h);
/* Name of the path video_rgb_to_yuv420p takes here: "avx2" or "scalar". VPT_YUV_ISA=scalar in
 * the environment forces the scalar path. */
const char *video_yuv_isa(void);

#endif
