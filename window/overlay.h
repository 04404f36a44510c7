/* overlay.h: small RGBA panels drawn over the window (recording indicator, watch overlay):
 * a translucent dark background with text in the canonical renderer's bitmap font. */
#ifndef WINDOW_OVERLAY_H
#define WINDOW_OVERLAY_H

#include <stdint.h>

/* Fills an RGBA (h, w, 4) buffer with a translucent panel and one line of text at scale 2
 * (red dot first when `rec` is set). */
void overlay_text_panel(uint8_t *rgba, int w, int h, const char *text, int rec);
/* Converts an RGB (h, w, 3) buffer into RGBA with one alpha for every pixel. */
void overlay_rgb_to_rgba(const uint8_t *rgb, uint8_t *rgba, int w, int h, uint8_t alpha);
/* Text lines into an RGB canvas at (x, y), scale 2, white with shadow. Returns the next y. */
int overlay_text(uint8_t *rgb, int w, int h, int x, int y, const char *text);

#endif
