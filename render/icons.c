/* icons.c: item icons (see icons.h). All shapes are computed from coordinates, so the art
 * is deterministic and each tool shares its head shape across materials (only the colours
 * change, as in Minecraft). A dark outline is added around every non-block icon so it reads
 * on the grey slot background. */
#include "render/icons.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct Rgb {
    int r, g, b;
} Rgb;

static uint8_t clamp8(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

static void px(Texel *img, int x, int y, Rgb c, int shade) {
    if (x < 0 || y < 0 || x > 15 || y > 15) return;
    Texel *t = &img[y * 16 + x];
    t->r = clamp8(c.r + shade);
    t->g = clamp8(c.g + shade);
    t->b = clamp8(c.b + shade);
    t->a = 255;
}

/* Solves p = o + s*a + t*b for (s, t). */
static int solve(double px_, double py_, double ox, double oy, double ax, double ay, double bx,
                 double by, double *s, double *t) {
    double det = ax * by - ay * bx, dx = px_ - ox, dy = py_ - oy;
    *s = (dx * by - dy * bx) / det;
    *t = (ax * dy - ay * dx) / det;
    return *s >= 0 && *s < 1 && *t >= 0 && *t < 1;
}

static Texel shade_texel(Texel t, int num) {
    t.r = (uint8_t)(t.r * num / 256);
    t.g = (uint8_t)(t.g * num / 256);
    t.b = (uint8_t)(t.b * num / 256);
    return t;
}

/* Isometric cube: top rhombus, left face (shaded 0.8) and right face (0.6). */
static void draw_cube_icon(Texel *img, const Texel *top, const Texel *left, const Texel *right) {
    memset(img, 0, 256 * sizeof(Texel));
    const double Lx = 0.5, Ly = 4.0, Tx = 8.0, Ty = 0.25, Rx = 15.5, Ry = 4.0, Bx = 8.0, By = 7.75;
    const double H = 8.0;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            double cx = x + 0.5, cy = y + 0.5, s, t;
            Texel out = {0, 0, 0, 0};
            if (solve(cx, cy, Lx, Ly, Tx - Lx, Ty - Ly, Bx - Lx, By - Ly, &s, &t)) {
                out = top[(int)(t * 16) * 16 + (int)(s * 16)];
            } else if (solve(cx, cy, Lx, Ly, Bx - Lx, By - Ly, 0, H, &s, &t)) {
                out = shade_texel(left[(int)(t * 16) * 16 + (int)(s * 16)], 205);
            } else if (solve(cx, cy, Bx, By, Rx - Bx, Ry - By, 0, H, &s, &t)) {
                out = shade_texel(right[(int)(t * 16) * 16 + (int)(s * 16)], 150);
            }
            if (out.a >= 128) out.a = 255;
            img[y * 16 + x] = out;
        }
}

static void line(Texel *img, int x0, int y0, int x1, int y1, Rgb c, int shade) {
    int n = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0);
    for (int i = 0; i <= n; i++) {
        int x = n ? x0 + (x1 - x0) * i / n : x0, y = n ? y0 + (y1 - y0) * i / n : y0;
        px(img, x, y, c, shade);
    }
}

static const Rgb HANDLE = {122, 88, 48};

/* Stick-like handle along the anti-diagonal from (x0, y0) up-right to (x1, y1). */
static void handle(Texel *img, int x0, int y0, int x1) {
    for (int x = x0; x <= x1; x++) {
        px(img, x, y0 - (x - x0), HANDLE, 0);
        px(img, x + 1, y0 - (x - x0), HANDLE, -30);
    }
}

static void draw_pickaxe(Texel *img, Rgb m) {
    handle(img, 2, 13, 10);
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            double d = hypot(x - 2.5, y - 13.5);
            if (d >= 10.2 && d <= 12.3 && x >= 3 && y <= 11) px(img, x, y, m, d > 11.4 ? 25 : -15);
        }
}

static void draw_axe(Texel *img, Rgb m) {
    handle(img, 2, 13, 10);
    /* The blade sits on the upper-left side of the handle's top end: along the handle x - y
     * runs from -11 (bottom) to 5 (top), and x + y < 15 is the left side. */
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            int along = x - y, side = x + y;
            if (along < -1 || along > 6 || side < 8 || side > 14) continue;
            if (side == 8 && (along == -1 || along == 6)) continue; /* rounded edge corners */
            px(img, x, y, m, side <= 9 ? 30 : (side >= 13 ? -25 : 0));
        }
}

static void draw_shovel(Texel *img, Rgb m) {
    handle(img, 2, 13, 9);
    for (int y = 1; y < 8; y++)
        for (int x = 8; x < 15; x++) {
            double d = hypot(x - 11.5, y - 4.5);
            if (d < 3.3) px(img, x, y, m, d < 1.5 ? 25 : -10);
        }
}

static void draw_sword(Texel *img, Rgb m) {
    for (int i = 0; i < 10; i++) { /* blade */
        px(img, 5 + i, 10 - i, m, 25);
        px(img, 6 + i, 10 - i, m, -15);
        px(img, 5 + i, 9 - i, m, 5);
    }
    line(img, 2, 8, 7, 13, (Rgb){90, 70, 40}, 0); /* cross guard */
    px(img, 3, 12, HANDLE, 0);
    px(img, 2, 13, HANDLE, -20);
    px(img, 1, 14, HANDLE, 0);
}

static void draw_blob(Texel *img, double cx, double cy, double rx, double ry, Rgb c, int hl) {
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry, d = dx * dx + dy * dy;
            if (d <= 1.0) px(img, x, y, c, (dx + dy < -0.6) ? hl : (d > 0.6 ? -25 : 0));
        }
}

static void draw_meat(Texel *img, Rgb c, int cooked) {
    draw_blob(img, 8.5, 8.0, 6.5, 4.8, c, 30);
    Rgb fat = cooked ? (Rgb){200, 160, 110} : (Rgb){245, 225, 215};
    for (int x = 4; x < 13; x++) px(img, x, 10 + (x % 3 == 0), fat, 0);
    line(img, 12, 4, 14, 2, (Rgb){236, 230, 216}, 0); /* bone end */
}

static void draw_ingot(Texel *img, Rgb c) {
    for (int y = 6; y < 11; y++)
        for (int x = 2 + (10 - y); x < 14 - (y - 6) / 2; x++)
            px(img, x, y, c, y == 6 ? 30 : (y == 10 ? -40 : 0));
}

static void draw_diamond(Texel *img) {
    Rgb c = {92, 226, 232};
    for (int y = 2; y < 14; y++)
        for (int x = 2; x < 14; x++) {
            int d = abs(x - 8) + abs(y - 7);
            if (y < 6 ? d <= 6 && y >= 3 : abs(x - 8) <= 13 - y)
                px(img, x, y, c, y < 6 ? 35 : (x < 8 ? 0 : -30));
        }
}

static void draw_stick(Texel *img) {
    for (int i = 0; i < 11; i++) {
        px(img, 3 + i, 13 - i, HANDLE, 0);
        px(img, 4 + i, 13 - i, HANDLE, -30);
    }
}

/* Dark outline in transparent texels next to opaque ones (4-neighbourhood). */
static void outline(Texel *img) {
    uint8_t opaque[256];
    for (int i = 0; i < 256; i++) opaque[i] = img[i].a != 0;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            if (opaque[y * 16 + x]) continue;
            int n = (x > 0 && opaque[y * 16 + x - 1]) || (x < 15 && opaque[y * 16 + x + 1]) ||
                    (y > 0 && opaque[(y - 1) * 16 + x]) || (y < 15 && opaque[(y + 1) * 16 + x]);
            if (n) img[y * 16 + x] = (Texel){28, 24, 20, 255};
        }
}

static Rgb material(int tier) {
    static const Rgb M[4] = {{168, 132, 78}, {136, 136, 136}, {226, 226, 226}, {80, 232, 222}};
    return M[tier];
}

static void draw_item_art(Texel *img, int item) {
    memset(img, 0, 256 * sizeof(Texel));
    if (item >= ITEM_WOODEN_PICKAXE && item <= ITEM_DIAMOND_SWORD) {
        int k = item - ITEM_WOODEN_PICKAXE, tier = k / 4, kind = k % 4;
        Rgb m = material(tier);
        if (kind == 0) draw_pickaxe(img, m);
        if (kind == 1) draw_axe(img, m);
        if (kind == 2) draw_shovel(img, m);
        if (kind == 3) draw_sword(img, m);
    } else {
        switch (item) {
        case ITEM_STICK:
            draw_stick(img);
            break;
        case ITEM_COAL:
            draw_blob(img, 8, 8.5, 5.5, 5, (Rgb){44, 44, 48}, 40);
            break;
        case ITEM_CHARCOAL:
            draw_blob(img, 8, 8.5, 5.5, 5, (Rgb){70, 56, 40}, 35);
            break;
        case ITEM_IRON_INGOT:
            draw_ingot(img, (Rgb){220, 220, 220});
            break;
        case ITEM_DIAMOND:
            draw_diamond(img);
            break;
        case ITEM_RAW_PORKCHOP:
            draw_meat(img, (Rgb){240, 150, 150}, 0);
            break;
        case ITEM_COOKED_PORKCHOP:
            draw_meat(img, (Rgb){196, 128, 76}, 1);
            break;
        case ITEM_RAW_BEEF:
            draw_meat(img, (Rgb){206, 56, 50}, 0);
            break;
        case ITEM_COOKED_BEEF:
            draw_meat(img, (Rgb){118, 66, 42}, 1);
            break;
        case ITEM_RAW_MUTTON:
            draw_meat(img, (Rgb){214, 84, 78}, 0);
            break;
        case ITEM_COOKED_MUTTON:
            draw_meat(img, (Rgb){160, 96, 60}, 1);
            break;
        default:
            break;
        }
    }
    outline(img);
}

void render_icons_draw(RenderTextures *t) {
    for (int item = 1; item < ITEM_COUNT; item++) {
        Texel *img = t->icon[item];
        if (item < BLOCK_COUNT) {
            const uint8_t *f = t->face_tex[item];
            if (item == BLOCK_TORCH) {
                memcpy(img, t->tex[TEX_TORCH], 256 * sizeof(Texel));
                outline(img);
            } else {
                draw_cube_icon(img, t->tex[f[RFACE_PY]], t->tex[f[RFACE_PZ]], t->tex[f[RFACE_PX]]);
            }
        } else {
            draw_item_art(img, item);
        }
        render_tex_build_mips(img);
    }
}
