/* png.h: PNG files for screenshots, golden images and docs (libpng).
 *
 * Images are 8-bit RGB, rows top to bottom, 3 bytes per pixel, no padding. Writes are atomic
 * (core/fsutil.h): a failed write leaves no file that looks complete. */
#ifndef RENDER_PNG_H
#define RENDER_PNG_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Writes rgb (width*height*3 bytes) to path. */
Status render_png_write(const char *path, const uint8_t *rgb, int width, int height);

/* Reads an 8-bit RGB or RGBA PNG (alpha dropped, palette/grey expanded) into *rgb, owned by
 * the caller (mem_free). Logs the path and the reason on failure. */
Status render_png_read(const char *path, uint8_t **rgb, int *width, int *height);

#endif
