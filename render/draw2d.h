/* draw2d.h: 2D drawing into RGB frames for the HUD and GUI (internal to render/).
 *
 * Rectangles are half-open [x0, x1) x [y0, y1) in output pixels and clipped to the frame.
 * Icons are drawn from the mip level whose size is the smallest not below the rectangle,
 * so a 16x16 icon shrinks to a 4x4 average instead of aliasing. Small bitmaps are strings
 * of rows, one character per pixel, with a palette lookup ('.' is transparent). */
#ifndef RENDER_DRAW2D_H
#define RENDER_DRAW2D_H

#include <stdint.h>

#include "render/texture.h"

typedef struct Canvas {
    uint8_t *rgb;
    int w, h;
} Canvas;

typedef struct Rgb8 {
    uint8_t r, g, b;
} Rgb8;

void d2_fill(const Canvas *c, int x0, int y0, int x1, int y1, Rgb8 col);
/* col blended over the frame with alpha a (0..256). */
void d2_blend(const Canvas *c, int x0, int y0, int x1, int y1, Rgb8 col, int a);
/* Multiplies the frame by num/256 (dims the world behind a GUI). */
void d2_darken(const Canvas *c, int num);
/* Inverts the frame's colours in a rectangle (the crosshair). */
void d2_invert(const Canvas *c, int x0, int y0, int x1, int y1);
/* Icon (image with mips) into a rectangle, each channel scaled by light (1.0 = as drawn). */
void d2_icon(const Canvas *c, const Texel *img, int x0, int y0, int x1, int y1, float light);
/* Bitmap rows with palette: for each char ch in rows, colour pal[ch] (ch in keys). Drawn into
 * rectangle [x0, x1) x [y0, y1) scaled from bw x bh bitmap pixels. max_col limits the columns
 * drawn (for half hearts); pass bw to draw all. */
void d2_bitmap(const Canvas *c, const char *const *rows, int bw, int bh, const char *keys,
               const Rgb8 *pal, int x0, int y0, int x1, int y1, int max_col);
/* A Minecraft-style raised panel and a sunken slot. */
void d2_panel(const Canvas *c, int x0, int y0, int x1, int y1);
void d2_slot(const Canvas *c, int x0, int y0, int x1, int y1);

#endif
