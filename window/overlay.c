/* overlay.c: RGBA overlay panels over the game view. */
#include "window/overlay.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "render/font.h"

void overlay_rgb_to_rgba(const uint8_t *rgb, uint8_t *rgba, int w, int h, uint8_t alpha) {
    for (int i = 0; i < w * h; i++) {
        rgba[4 * i] = rgb[3 * i];
        rgba[4 * i + 1] = rgb[3 * i + 1];
        rgba[4 * i + 2] = rgb[3 * i + 2];
        rgba[4 * i + 3] = alpha;
    }
}

int overlay_text(uint8_t *rgb, int w, int h, int x, int y, const char *text) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = ' '; /* the bitmap font has no underscore: item names read better */
    render_font_draw(rgb, w, h, x, y, 2, buf, 255, 255, 255, 1);
    return y + 2 * 5 + 4;
}

void overlay_text_panel(uint8_t *rgba, int w, int h, const char *text, int rec) {
    uint8_t *rgb = mem_calloc((size_t)w * h, 3);
    for (int i = 0; i < w * h; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = 24;
    int x = 4;
    if (rec) {
        for (int yy = h / 2 - 4; yy < h / 2 + 4; yy++)
            for (int xx = 4; xx < 12; xx++)
                if (yy >= 0 && yy < h && xx < w) {
                    uint8_t *p = rgb + 3 * ((size_t)yy * w + xx);
                    p[0] = 230, p[1] = 30, p[2] = 30;
                }
        x = 16;
    }
    overlay_text(rgb, w, h, x, (h - 10) / 2, text);
    overlay_rgb_to_rgba(rgb, rgba, w, h, 200);
    mem_free(rgb);
}
