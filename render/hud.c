/* hud.c: the overlay pass: hand or held item, crosshair, hotbar, health, food, air, and the
 * open GUI screen with its slots, recipe book, cursor stack and the mouse cursor.
 *
 * HUD elements are laid out in Minecraft GUI units (hotbar 182 x 22) anchored at the bottom
 * centre and scaled by a GUI scale chosen per output size (2 units per 640x360 pixel at
 * large sizes, 3 at 160 pixels and below) so that at 64x64 the hotbar, its selection and the
 * hearts stay distinguishable. GUI screens come from the sim's layout in the 640x360 GUI
 * space and are mapped linearly onto the frame, so the pixel under the drawn cursor is the
 * GUI point the sim's hit-test uses. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/draw2d.h"
#include "render/font.h"
#include "render/internal.h"

typedef struct Hud {
    Canvas c;
    float sx, sy; /* output pixels per GUI unit */
    int font;     /* font pixel scale */
} Hud;

/* HUD unit rectangle relative to the bottom centre -> pixels. */
static void hud_rect(const Hud *h, float ux, float uy, float uw, float uh, int *x0, int *y0,
                     int *x1, int *y1) {
    *x0 = (int)lroundf((float)h->c.w * 0.5f + ux * h->sx);
    *x1 = (int)lroundf((float)h->c.w * 0.5f + (ux + uw) * h->sx);
    *y0 = (int)lroundf((float)h->c.h + uy * h->sy);
    *y1 = (int)lroundf((float)h->c.h + (uy + uh) * h->sy);
    if (*x1 <= *x0) *x1 = *x0 + 1;
    if (*y1 <= *y0) *y1 = *y0 + 1;
}

static const char *const HEART[9] = {
    ".oo...oo.", "o##o.o##o", "o#w##o##o", "o#######o", ".o#####o.",
    "..o###o..", "...o#o...", "....o....", ".........",
};
static const char *const FOOD[9] = {
    "....ooo..", "...o###o.", "..o##w#o.", "..o####o.", ".o####o..",
    ".oo##oo..", "owoo.....", "ow.......", ".o.......",
};
static const char *const BUBBLE[9] = {
    "..ooooo..", ".o#####o.", "o#w#####o", "o#w#####o", "o#######o",
    "o#######o", "o#######o", ".o#####o.", "..ooooo..",
};
static const char *const ARROW[12] = {
    "o.......", "oo......", "owo.....", "owwo....", "owwwo...", "owwwwo..",
    "owwwwwo.", "owwwwwwo", "owwwoooo", "owoowo..", "oo..owo.", "o....oo.",
};

static void draw_count(const Hud *h, int x1, int y1, int count, int slot_w) {
    if (count <= 1) return;
    char buf[16];
    snprintf(buf, sizeof buf, "%d", count);
    int s = h->font;
    int tw = render_font_width(buf, s);
    /* too small to read (64x64): only the icon shows */
    if (tw > slot_w || h->sy * 16.0f < 3.0f * FONT_H * s) return;
    render_font_draw(h->c.rgb, h->c.w, h->c.h, x1 - tw - (s > 1 ? s : 0),
                     y1 - FONT_H * s - (s > 1 ? s : 0), s, buf, 255, 255, 255, s > 1);
}

static void draw_stack(const Hud *h, const RenderTextures *tex, const ItemStack *st, int x0, int y0,
                       int x1, int y1) {
    if (st->count == 0 || st->item == ITEM_NONE || st->item >= ITEM_COUNT) return;
    d2_icon(&h->c, tex->icon[st->item], x0, y0, x1, y1, 1.0f);
    draw_count(h, x1, y1, st->count, x1 - x0 + 2);
}

static void draw_hotbar(const Hud *h, const RenderTextures *tex, const RenderScene *sc) {
    int x0, y0, x1, y1;
    hud_rect(h, -91, -22, 182, 22, &x0, &y0, &x1, &y1);
    d2_blend(&h->c, x0, y0, x1, y1, (Rgb8){24, 24, 24}, 150);
    for (int i = 0; i < 9; i++) {
        int a0, b0, a1, b1;
        hud_rect(h, -91 + 1 + 20 * (float)i, -21, 20, 20, &a0, &b0, &a1, &b1);
        d2_blend(&h->c, a0 + 1, b0 + 1, a1 - 1, b1 - 1, (Rgb8){140, 140, 140}, 110);
    }
    int s0, t0, s1, t1;
    hud_rect(h, -91 - 1 + 20 * (float)sc->selected, -23, 24, 24, &s0, &t0, &s1, &t1);
    int bw = h->sx >= 1.5f ? 2 : 1, bh = h->sy >= 1.5f ? 2 : 1;
    Rgb8 white = {250, 250, 250}, dark = {10, 10, 10};
    d2_fill(&h->c, s0 - 1, t0 - 1, s1 + 1, t1 + 1, dark);
    d2_fill(&h->c, s0, t0, s1, t1, white);
    d2_fill(&h->c, s0 + bw, t0 + bh, s1 - bw, t1 - bh, (Rgb8){90, 90, 90});
    for (int i = 0; i < 9; i++) {
        int a0, b0, a1, b1;
        hud_rect(h, -91 + 3 + 20 * (float)i, -19, 16, 16, &a0, &b0, &a1, &b1);
        draw_stack(h, tex, &sc->inventory[i], a0, b0, a1, b1);
    }
}

static void draw_icons_row(const Hud *h, const char *const *bm, float ux, int value, int rtl,
                           Rgb8 full, Rgb8 hl, int bubble) {
    /* value in half units (hearts/food: 0..20) */
    static const char KEYS[] = "o#w";
    for (int i = 0; i < 10; i++) {
        int x0, y0, x1, y1;
        float x = rtl ? ux + 81 - 8 * (float)(i + 1) - 1 : ux + 8 * (float)i;
        hud_rect(h, x, bubble ? -49 : -39, 9, 9, &x0, &y0, &x1, &y1);
        int have = value - 2 * i; /* 2 full, 1 half, <= 0 empty */
        if (bubble) {
            if (have <= 0) continue;
            Rgb8 pal[3] = {{230, 240, 255}, full, hl};
            d2_bitmap(&h->c, bm, 9, 9, KEYS, pal, x0, y0, x1, y1, 9);
            continue;
        }
        Rgb8 empty[3] = {{16, 16, 16}, {52, 30, 30}, {52, 30, 30}};
        d2_bitmap(&h->c, bm, 9, 9, KEYS, empty, x0, y0, x1, y1, 9);
        Rgb8 pal[3] = {{16, 16, 16}, full, hl};
        if (have >= 2)
            d2_bitmap(&h->c, bm, 9, 9, KEYS, pal, x0, y0, x1, y1, 9);
        else if (have == 1)
            d2_bitmap(&h->c, bm, 9, 9, KEYS, pal, x0, y0, x1, y1, rtl ? 9 : 5);
    }
}

static void draw_crosshair(const Hud *h) {
    const Canvas *c = &h->c;
    int arm = c->h / 36 > 2 ? c->h / 36 : 2, armx = c->w / 64 > 2 ? c->w / 64 : 2;
    int t = c->h >= 300 ? 2 : 1;
    int cx = c->w / 2, cy = c->h / 2;
    d2_invert(c, cx - armx, cy - t / 2 - (t == 1 ? 0 : 0), cx + armx + 1, cy - t / 2 + t);
    d2_invert(c, cx - t / 2, cy - arm, cx - t / 2 + t, cy - t / 2);
    d2_invert(c, cx - t / 2, cy - t / 2 + t, cx - t / 2 + t, cy + arm + 1);
}

int render_hand_shown(const RenderScene *sc) {
    const ItemStack *st = &sc->inventory[sc->selected];
    return sc->show_hud && !sc->gui.open &&
           !(st->count > 0 && st->item != ITEM_NONE && st->item < ITEM_COUNT);
}

/* The bare arm's row y: its left edge xa in 640x360 units and its pixels [x0, x1) (clipped);
 * returns 0 when the row has none. */
static int hand_row(const RenderScene *sc, int width, int height, int y, float *xa_out, int *x0,
                    int *x1) {
    float swing = sc->swing > 0 ? sinf((float)sc->swing / 6.0f * 3.14159f) : 0.0f;
    float vx = (float)width / 640.0f, vy = (float)height / 360.0f;
    int top = (int)((250.0f + 25.0f * swing) * vy);
    if (y < top || y < 0 || y >= height) return 0;
    float fy = ((float)y / vy - 250.0f) / 110.0f; /* 0 at the top of the arm */
    float xa = 470.0f - 30.0f * swing + 70.0f * fy, xb = xa + 95.0f;
    int a = (int)(xa * vx), b = (int)(xb * vx);
    *xa_out = xa;
    *x0 = a > 0 ? a : 0;
    *x1 = b < width ? b : width;
    return *x0 < *x1;
}

int render_hand_span(const RenderScene *sc, int width, int height, int y, int *x0, int *x1) {
    float xa;
    return render_hand_shown(sc) && hand_row(sc, width, height, y, &xa, x0, x1);
}

/* The first-person hand, or the held item's icon, at the lower right (with a swing). */
static void draw_hand(const Hud *h, const RenderTextures *tex, const RenderScene *sc,
                      const float *light) {
    const Canvas *c = &h->c;
    float l = (light[0] + light[1] + light[2]) / 3.0f;
    float swing = sc->swing > 0 ? sinf((float)sc->swing / 6.0f * 3.14159f) : 0.0f;
    float vx = (float)c->w / 640.0f, vy = (float)c->h / 360.0f;
    const ItemStack *st = &sc->inventory[sc->selected];
    if (st->count > 0 && st->item != ITEM_NONE && st->item < ITEM_COUNT) {
        int x0 = (int)((430.0f - 40.0f * swing) * vx), y0 = (int)((200.0f + 30.0f * swing) * vy);
        int x1 = x0 + (int)(150.0f * vx), y1 = y0 + (int)(150.0f * vy);
        d2_icon(c, tex->icon[st->item], x0, y0, x1, y1, 0.35f + 0.65f * l);
        return;
    }
    /* opaque: the world pass leaves exactly these pixels untraced (render_hand_span) */
    const Texel *skin = tex->tex[TEX_HAND];
    for (int y = 0; y < c->h; y++) {
        float xa;
        int x0, x1;
        if (!hand_row(sc, c->w, c->h, y, &xa, &x0, &x1)) continue;
        for (int x = x0; x < x1; x++) {
            const Texel *t = &skin[((y * 16 / c->h) & 15) * 16 + (x & 15)];
            float edge = ((float)x / vx - xa) < 12.0f ? 0.75f : 1.0f;
            uint8_t *p = c->rgb + ((size_t)y * c->w + x) * 3;
            p[0] = (uint8_t)fminf(255.0f, t->r * l * edge);
            p[1] = (uint8_t)fminf(255.0f, t->g * l * edge);
            p[2] = (uint8_t)fminf(255.0f, t->b * l * edge);
        }
    }
}

/* GUI rectangle (640x360 space) -> pixels. */
static void gui_px(const Canvas *c, RenderRect r, int *x0, int *y0, int *x1, int *y1) {
    *x0 = r.x * c->w / 640;
    *y0 = r.y * c->h / 360;
    *x1 = (r.x + r.w) * c->w / 640;
    *y1 = (r.y + r.h) * c->h / 360;
    if (*x1 <= *x0) *x1 = *x0 + 1;
    if (*y1 <= *y0) *y1 = *y0 + 1;
}

/* Square icon rectangle centred in a GUI rectangle, `frac` of its smaller side. */
static RenderRect icon_rect(RenderRect r, float frac) {
    int side = (int)((float)(r.w < r.h ? r.w : r.h) * frac);
    RenderRect q = {r.x + (r.w - side) / 2, r.y + (r.h - side) / 2, side, side};
    return q;
}

static void draw_gui_elem(const Hud *h, const RenderTextures *tex, const RenderGui *g, int i) {
    int x0, y0, x1, y1;
    RenderRect r = g->rect[i];
    gui_px(&h->c, r, &x0, &y0, &x1, &y1);
    int style = g->style[i];
    if (style == RENDER_GUI_PAGE_PREV || style == RENDER_GUI_PAGE_NEXT) {
        d2_panel(&h->c, x0, y0, x1, y1);
        int cy = (y0 + y1) / 2, cx = (x0 + x1) / 2, n = (y1 - y0) / 3;
        for (int k = 0; k <= n; k++) { /* a solid triangle pointing left or right */
            int x = style == RENDER_GUI_PAGE_PREV ? cx - n / 2 + k : cx + n / 2 - k;
            d2_fill(&h->c, x, cy - k, x + 1, cy + k + 1, (Rgb8){60, 60, 60});
        }
    } else {
        d2_slot(&h->c, x0, y0, x1, y1);
        if (style == RENDER_GUI_OUTPUT)
            d2_fill(&h->c, x0 + 1, y0 + 1, x1 - 1, y1 - 1, (Rgb8){150, 150, 150});
        if (style == RENDER_GUI_RECIPE && g->stack[i].count > 0)
            d2_fill(&h->c, x0 + 1, y0 + 1, x1 - 1, y1 - 1, (Rgb8){120, 150, 120});
        const ItemStack *st = &g->stack[i];
        if (st->count > 0 && st->item != ITEM_NONE && st->item < ITEM_COUNT) {
            int a0, b0, a1, b1;
            gui_px(&h->c, icon_rect(r, style == RENDER_GUI_RECIPE ? 0.8f : 0.82f), &a0, &b0, &a1,
                   &b1);
            d2_icon(&h->c, tex->icon[st->item], a0, b0, a1, b1, 1.0f);
            draw_count(h, x1 - 1, y1 - 1, st->count, x1 - x0);
        }
    }
    if (i == g->hovered)
        d2_blend(&h->c, x0 + 1, y0 + 1, x1 - 1, y1 - 1, (Rgb8){255, 255, 255}, 110);
}

static void draw_progress(const Hud *h, RenderRect r, float frac, Rgb8 col, int vertical) {
    if (r.w <= 0 || frac < 0.0f) return;
    int x0, y0, x1, y1;
    gui_px(&h->c, r, &x0, &y0, &x1, &y1);
    d2_fill(&h->c, x0, y0, x1, y1, (Rgb8){139, 139, 139});
    if (frac > 1.0f) frac = 1.0f;
    if (vertical)
        d2_fill(&h->c, x0, y1 - (int)((float)(y1 - y0) * frac), x1, y1, col);
    else
        d2_fill(&h->c, x0, y0, x0 + (int)((float)(x1 - x0) * frac), y1, col);
}

static void draw_gui(const Hud *h, const RenderTextures *tex, const RenderGui *g) {
    const Canvas *c = &h->c;
    d2_darken(c, 110);
    int x0, y0, x1, y1;
    gui_px(c, g->panel, &x0, &y0, &x1, &y1);
    d2_panel(c, x0, y0, x1, y1);
    if (g->title && c->w >= 256)
        render_font_draw(c->rgb, c->w, c->h, x0 + 4 * h->font + 2, y0 + 3 * h->font + 2, h->font,
                         g->title, 64, 64, 64, 0);
    if (g->book_panel.w > 0) {
        gui_px(c, g->book_panel, &x0, &y0, &x1, &y1);
        d2_panel(c, x0, y0, x1, y1);
    }
    for (int i = 0; i < g->n_elems && i < RENDER_MAX_GUI_SLOTS; i++) draw_gui_elem(h, tex, g, i);
    draw_progress(h, g->progress_arrow, g->furnace_progress, (Rgb8){250, 250, 250}, 0);
    draw_progress(h, g->fuel_flame, g->furnace_fuel, (Rgb8){250, 140, 30}, 1);
    /* the stack on the cursor, centred on it, then the arrow with its tip on the cursor */
    int cx = (int)floorf(g->cursor_x * (float)c->w / 640.0f);
    int cy = (int)floorf(g->cursor_y * (float)c->h / 360.0f);
    if (g->cursor_stack.count > 0) {
        RenderRect r = {(int)g->cursor_x - 16, (int)g->cursor_y - 16, 32, 32};
        int a0, b0, a1, b1;
        gui_px(c, r, &a0, &b0, &a1, &b1);
        draw_stack(h, tex, &g->cursor_stack, a0, b0, a1, b1);
    }
    int k = c->w >= 1200 ? 3 : c->w >= 600 ? 2 : 1;
    static const Rgb8 PAL[2] = {{0, 0, 0}, {255, 255, 255}};
    if (!g->hide_cursor) d2_bitmap(c, ARROW, 8, 12, "ow", PAL, cx, cy, cx + 8 * k, cy + 12 * k, 8);
}

void render_overlay(const Renderer *r, const RenderScene *sc, uint8_t *rgb, int width, int height,
                    const float *hand_light) {
    Hud h = {{rgb, width, height}, 0, 0, 1};
    float g = (width <= 160 || height <= 160) ? 3.0f : 2.0f;
    h.sx = (float)width / 640.0f * g;
    h.sy = (float)height / 360.0f * g;
    h.font = (int)fmaxf(1.0f, floorf(fminf(h.sx, h.sy)));
    const RenderTextures *tex = r->tex;
    if (!sc->gui.open) {
        draw_hand(&h, tex, sc, hand_light);
        draw_crosshair(&h);
    }
    draw_hotbar(&h, tex, sc);
    static const Rgb8 RED = {220, 30, 30}, RED_HL = {255, 170, 170};
    static const Rgb8 BROWN = {196, 120, 52}, BROWN_HL = {240, 200, 150};
    static const Rgb8 BLUE = {70, 120, 230}, BLUE_HL = {255, 255, 255};
    draw_icons_row(&h, HEART, -91, sc->health, 0, RED, RED_HL, 0);
    draw_icons_row(&h, FOOD, 10, sc->food, 1, BROWN, BROWN_HL, 0);
    if (sc->eye_in_water || (sc->air_max > 0 && sc->air < sc->air_max)) {
        int bubbles = sc->air_max > 0 ? (sc->air * 20 + sc->air_max - 1) / sc->air_max : 20;
        draw_icons_row(&h, BUBBLE, 10, bubbles, 1, BLUE, BLUE_HL, 1);
    }
    if (sc->gui.open) draw_gui(&h, tex, &sc->gui);
}
