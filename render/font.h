/* font.h: a tiny 3x5 bitmap font (digits, upper-case letters, a few signs) for stack counts
 * and labels, drawn into RGB frames at an integer pixel scale with a one-pixel drop shadow
 * like Minecraft's text. Lower-case letters draw as upper case; unknown characters as a box. */
#ifndef RENDER_FONT_H
#define RENDER_FONT_H

#include <stdint.h>

#define FONT_W 3
#define FONT_H 5
#define FONT_ADVANCE 4 /* glyph width + one column of spacing, in font pixels */

/* The 5 rows of a glyph, 3 bits each (bit 2 = left column). */
const uint8_t *render_font_glyph(char c);

/* Draws text with its top-left at (x, y) in a width x height RGB frame, each font pixel a
 * scale x scale square; clipped to the frame. Returns the drawn width in pixels. */
int render_font_draw(uint8_t *rgb, int width, int height, int x, int y, int scale, const char *text,
                     uint8_t r, uint8_t g, uint8_t b, int shadow);

/* Width in pixels of text at a scale (without the trailing spacing column). */
int render_font_width(const char *text, int scale);

#endif
