/* draw2d.c: the 2D primitives of draw2d.h. */
#include "render/draw2d.h"

#include <string.h>

static int clip(const Canvas *c, int *x0, int *y0, int *x1, int *y1) {
    if (*x0 < 0) *x0 = 0;
    if (*y0 < 0) *y0 = 0;
    if (*x1 > c->w) *x1 = c->w;
    if (*y1 > c->h) *y1 = c->h;
    return *x0 < *x1 && *y0 < *y1;
}

void d2_fill(const Canvas *c, int x0, int y0, int x1, int y1, Rgb8 col) {
    if (!clip(c, &x0, &y0, &x1, &y1)) return;
    for (int y = y0; y < y1; y++) {
        uint8_t *p = c->rgb + ((size_t)y * c->w + x0) * 3;
        for (int x = x0; x < x1; x++, p += 3) p[0] = col.r, p[1] = col.g, p[2] = col.b;
    }
}

void d2_blend(const Canvas *c, int x0, int y0, int x1, int y1, Rgb8 col, int a) {
    if (!clip(c, &x0, &y0, &x1, &y1)) return;
    for (int y = y0; y < y1; y++) {
        uint8_t *p = c->rgb + ((size_t)y * c->w + x0) * 3;
        for (int x = x0; x < x1; x++, p += 3) {
            p[0] = (uint8_t)((p[0] * (256 - a) + col.r * a) >> 8);
            p[1] = (uint8_t)((p[1] * (256 - a) + col.g * a) >> 8);
            p[2] = (uint8_t)((p[2] * (256 - a) + col.b * a) >> 8);
        }
    }
}

void d2_darken(const Canvas *c, int num) {
    size_t n = (size_t)c->w * c->h * 3;
    for (size_t i = 0; i < n; i++) c->rgb[i] = (uint8_t)((c->rgb[i] * num) >> 8);
}

void d2_invert(const Canvas *c, int x0, int y0, int x1, int y1) {
    if (!clip(c, &x0, &y0, &x1, &y1)) return;
    for (int y = y0; y < y1; y++) {
        uint8_t *p = c->rgb + ((size_t)y * c->w + x0) * 3;
        for (int x = x0; x < x1; x++, p += 3) {
            /* white over dark, black over light, so that mid-greys still contrast */
            int lum = (p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8;
            uint8_t v = (uint8_t)(lum < 128 ? 240 : 16);
            p[0] = p[1] = p[2] = v;
        }
    }
}

void d2_icon(const Canvas *c, const Texel *img, int x0, int y0, int x1, int y1, float light) {
    int w = x1 - x0, h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    int big = w > h ? w : h, level = 0;
    while (level < TEX_LEVELS - 1 && (TEX_SIZE >> (level + 1)) >= big) level++;
    int n = TEX_SIZE >> level;
    const Texel *src = img + tex_level_offset(level);
    int l256 = (int)(light * 256.0f);
    for (int y = y0 > 0 ? y0 : 0; y < y1 && y < c->h; y++) {
        int ty = (y - y0) * n / h;
        for (int x = x0 > 0 ? x0 : 0; x < x1 && x < c->w; x++) {
            const Texel *t = &src[ty * n + (x - x0) * n / w];
            if (t->a < 128) continue;
            uint8_t *p = c->rgb + ((size_t)y * c->w + x) * 3;
            int r = t->r * l256 >> 8, g = t->g * l256 >> 8, b = t->b * l256 >> 8;
            p[0] = (uint8_t)(r > 255 ? 255 : r);
            p[1] = (uint8_t)(g > 255 ? 255 : g);
            p[2] = (uint8_t)(b > 255 ? 255 : b);
        }
    }
}

void d2_bitmap(const Canvas *c, const char *const *rows, int bw, int bh, const char *keys,
               const Rgb8 *pal, int x0, int y0, int x1, int y1, int max_col) {
    int w = x1 - x0, h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    int8_t lut[256]; /* bitmap character -> palette index, -1: transparent */
    memset(lut, -1, sizeof lut);
    for (int i = 0; keys[i] && i < 127; i++)
        if (keys[i] != '.' && lut[(uint8_t)keys[i]] < 0) lut[(uint8_t)keys[i]] = (int8_t)i;
    for (int y = y0 > 0 ? y0 : 0; y < y1 && y < c->h; y++) {
        int by = (y - y0) * bh / h;
        for (int x = x0 > 0 ? x0 : 0; x < x1 && x < c->w; x++) {
            int bx = (x - x0) * bw / w;
            if (bx >= max_col) continue;
            int k = lut[(uint8_t)rows[by][bx]];
            if (k < 0) continue;
            Rgb8 col = pal[k];
            uint8_t *p = c->rgb + ((size_t)y * c->w + x) * 3;
            p[0] = col.r, p[1] = col.g, p[2] = col.b;
        }
    }
}

void d2_panel(const Canvas *c, int x0, int y0, int x1, int y1) {
    int b = (x1 - x0) > 60 ? 2 : 1;
    d2_fill(c, x0, y0, x1, y1, (Rgb8){20, 20, 20});
    d2_fill(c, x0 + 1, y0 + 1, x1 - 1, y1 - 1, (Rgb8){255, 255, 255});
    d2_fill(c, x0 + 1 + b, y0 + 1 + b, x1 - 1, y1 - 1, (Rgb8){85, 85, 85});
    d2_fill(c, x0 + 1 + b, y0 + 1 + b, x1 - 1 - b, y1 - 1 - b, (Rgb8){198, 198, 198});
}

void d2_slot(const Canvas *c, int x0, int y0, int x1, int y1) {
    d2_fill(c, x0, y0, x1, y1, (Rgb8){55, 55, 55});
    d2_fill(c, x0 + 1, y0 + 1, x1, y1, (Rgb8){255, 255, 255});
    d2_fill(c, x0 + 1, y0 + 1, x1 - 1, y1 - 1, (Rgb8){139, 139, 139});
}
