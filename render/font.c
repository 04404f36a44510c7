/* font.c: the 3x5 glyphs (see font.h). Each glyph is five rows of three bits. */
#include "render/font.h"

#include <string.h>

typedef struct Glyph {
    char c;
    uint8_t rows[FONT_H];
} Glyph;

/* Rows as 3-bit patterns, e.g. 7 = ###, 5 = #.#, 2 = .#. */
static const Glyph GLYPHS[] = {
    {'0', {7, 5, 5, 5, 7}}, {'1', {2, 6, 2, 2, 7}}, {'2', {7, 1, 7, 4, 7}}, {'3', {7, 1, 3, 1, 7}},
    {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 7, 1, 7}}, {'6', {7, 4, 7, 5, 7}}, {'7', {7, 1, 1, 2, 2}},
    {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 7}}, {'A', {2, 5, 7, 5, 5}}, {'B', {6, 5, 6, 5, 6}},
    {'C', {3, 4, 4, 4, 3}}, {'D', {6, 5, 5, 5, 6}}, {'E', {7, 4, 6, 4, 7}}, {'F', {7, 4, 6, 4, 4}},
    {'G', {3, 4, 5, 5, 3}}, {'H', {5, 5, 7, 5, 5}}, {'I', {7, 2, 2, 2, 7}}, {'J', {1, 1, 1, 5, 2}},
    {'K', {5, 5, 6, 5, 5}}, {'L', {4, 4, 4, 4, 7}}, {'M', {5, 7, 7, 5, 5}}, {'N', {6, 5, 5, 5, 5}},
    {'O', {2, 5, 5, 5, 2}}, {'P', {6, 5, 6, 4, 4}}, {'Q', {2, 5, 5, 6, 3}}, {'R', {6, 5, 6, 5, 5}},
    {'S', {3, 4, 2, 1, 6}}, {'T', {7, 2, 2, 2, 2}}, {'U', {5, 5, 5, 5, 7}}, {'V', {5, 5, 5, 5, 2}},
    {'W', {5, 5, 7, 7, 5}}, {'X', {5, 5, 2, 5, 5}}, {'Y', {5, 5, 2, 2, 2}}, {'Z', {7, 1, 2, 4, 7}},
    {' ', {0, 0, 0, 0, 0}}, {'.', {0, 0, 0, 0, 2}}, {':', {0, 2, 0, 2, 0}}, {'-', {0, 0, 7, 0, 0}},
    {'/', {1, 1, 2, 4, 4}}, {'+', {0, 2, 7, 2, 0}}, {'x', {0, 5, 2, 5, 0}}, {'%', {5, 1, 2, 4, 5}},
    {'(', {1, 2, 2, 2, 1}}, {')', {4, 2, 2, 2, 4}}, {'!', {2, 2, 2, 0, 2}}, {'?', {7, 1, 2, 0, 2}},
};
static const uint8_t UNKNOWN[FONT_H] = {7, 5, 5, 5, 7};

const uint8_t *render_font_glyph(char c) {
    if (c >= 'a' && c <= 'z' && c != 'x') c = (char)(c - 'a' + 'A');
    for (size_t i = 0; i < sizeof GLYPHS / sizeof GLYPHS[0]; i++)
        if (GLYPHS[i].c == c) return GLYPHS[i].rows;
    return UNKNOWN;
}

static void fill(uint8_t *rgb, int width, int height, int x0, int y0, int s, uint8_t r, uint8_t g,
                 uint8_t b) {
    for (int y = y0; y < y0 + s; y++) {
        if (y < 0 || y >= height) continue;
        for (int x = x0; x < x0 + s; x++) {
            if (x < 0 || x >= width) continue;
            uint8_t *p = rgb + ((size_t)y * width + x) * 3;
            p[0] = r;
            p[1] = g;
            p[2] = b;
        }
    }
}

static void draw_pass(uint8_t *rgb, int width, int height, int x, int y, int scale,
                      const char *text, uint8_t r, uint8_t g, uint8_t b) {
    for (const char *c = text; *c; c++, x += FONT_ADVANCE * scale) {
        const uint8_t *rows = render_font_glyph(*c);
        for (int gy = 0; gy < FONT_H; gy++)
            for (int gx = 0; gx < FONT_W; gx++)
                if (rows[gy] & (4 >> gx))
                    fill(rgb, width, height, x + gx * scale, y + gy * scale, scale, r, g, b);
    }
}

int render_font_draw(uint8_t *rgb, int width, int height, int x, int y, int scale, const char *text,
                     uint8_t r, uint8_t g, uint8_t b, int shadow) {
    if (shadow)
        draw_pass(rgb, width, height, x + scale, y + scale, scale, text, (uint8_t)(r / 4),
                  (uint8_t)(g / 4), (uint8_t)(b / 4));
    draw_pass(rgb, width, height, x, y, scale, text, r, g, b);
    return render_font_width(text, scale);
}

int render_font_width(const char *text, int scale) {
    int n = (int)strlen(text);
    return n ? (n * FONT_ADVANCE - 1) * scale : 0;
}
