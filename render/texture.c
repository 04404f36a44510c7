/* texture.c: block, crack, mob and hand textures drawn by code (see texture.h).
 *
 * Each texture draws from its own RNG stream rng_stream(TEX_SEED, id), so adding a texture
 * never changes another one. Colours follow Minecraft's look (grass green top over dirt,
 * stone grey with specks, ores as coloured clusters on stone, bark stripes, plank boards). */
#include "render/texture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "render/icons.h"

#define TEX_SEED 0x5EEDC0DEull

static uint8_t clamp8(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

static void put(Texel *img, int x, int y, int r, int g, int b, int a) {
    Texel *t = &img[(y & 15) * 16 + (x & 15)];
    t->r = clamp8(r);
    t->g = clamp8(g);
    t->b = clamp8(b);
    t->a = clamp8(a);
}

/* Base colour with a per-texel brightness jitter of +-amp. */
static void fill_noise(Texel *img, Rng *rng, int r, int g, int b, int amp) {
    for (int i = 0; i < 256; i++) {
        int d = (int)rng_below(rng, (uint32_t)(2 * amp + 1)) - amp;
        put(img, i % 16, i / 16, r + d, g + d, b + d, 255);
    }
}

/* Scatter n specks of a colour (each a 1-3 texel cluster). */
static void specks(Texel *img, Rng *rng, int n, int r, int g, int b, int size) {
    for (int i = 0; i < n; i++) {
        int x = (int)rng_below(rng, 16), y = (int)rng_below(rng, 16);
        int d = (int)rng_below(rng, 21) - 10;
        put(img, x, y, r + d, g + d, b + d, 255);
        for (int k = 1; k < size; k++) {
            int dx = (int)rng_below(rng, 3) - 1, dy = (int)rng_below(rng, 3) - 1;
            put(img, x + dx, y + dy, r + d - 12, g + d - 12, b + d - 12, 255);
        }
    }
}

static void draw_stone(Texel *img, Rng *rng) {
    fill_noise(img, rng, 125, 125, 125, 9);
    /* a few darker and lighter streaks, the way Minecraft's stone reads */
    for (int i = 0; i < 9; i++) {
        int x = (int)rng_below(rng, 16), y = (int)rng_below(rng, 16),
            len = 2 + (int)rng_below(rng, 3);
        int shade = rng_below(rng, 2) ? 104 : 140;
        for (int k = 0; k < len; k++) put(img, x + k, y, shade, shade, shade, 255);
    }
}

static void draw_dirt(Texel *img, Rng *rng) {
    fill_noise(img, rng, 134, 96, 67, 10);
    specks(img, rng, 14, 105, 74, 50, 1);
    specks(img, rng, 8, 160, 120, 88, 1);
}

static void draw_grass_top(Texel *img, Rng *rng) {
    fill_noise(img, rng, 98, 156, 58, 14);
    specks(img, rng, 18, 78, 128, 44, 1);
    specks(img, rng, 10, 120, 176, 76, 1);
}

static void draw_grass_side(Texel *img, Rng *rng) {
    draw_dirt(img, rng);
    for (int x = 0; x < 16; x++) {
        int depth = 3 + (int)rng_below(rng, 3); /* ragged green fringe over the dirt */
        for (int y = 0; y < depth; y++) {
            int d = (int)rng_below(rng, 25) - 12;
            put(img, x, y, 98 + d, 156 + d, 58 + d, 255);
        }
    }
}

/* Cells around random centres (torus distance) with dark mortar where two cells meet. */
static void draw_cells(Texel *img, Rng *rng, int n_cells, int base, int spread, int mortar) {
    int cx[16], cy[16], shade[16];
    for (int i = 0; i < n_cells; i++) {
        cx[i] = (int)rng_below(rng, 16);
        cy[i] = (int)rng_below(rng, 16);
        shade[i] = base + (int)rng_below(rng, (uint32_t)(2 * spread + 1)) - spread;
    }
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            int best = 1 << 30, second = 1 << 30, bi = 0;
            for (int i = 0; i < n_cells; i++) {
                int dx = abs(x - cx[i]), dy = abs(y - cy[i]);
                if (dx > 8) dx = 16 - dx;
                if (dy > 8) dy = 16 - dy;
                int d = dx * dx + dy * dy;
                if (d < best) {
                    second = best;
                    best = d;
                    bi = i;
                } else if (d < second) {
                    second = d;
                }
            }
            int v = shade[bi] + (int)rng_below(rng, 11) - 5;
            if (second - best <= 2) v = mortar + (int)rng_below(rng, 9) - 4;
            put(img, x, y, v, v, v, 255);
        }
}

static void draw_bedrock(Texel *img, Rng *rng) {
    for (int i = 0; i < 256; i++) {
        int v =
            rng_below(rng, 3) == 0 ? 40 + (int)rng_below(rng, 20) : 85 + (int)rng_below(rng, 70);
        put(img, i % 16, i / 16, v, v, v, 255);
    }
}

static void draw_sand(Texel *img, Rng *rng) {
    fill_noise(img, rng, 219, 207, 160, 7);
    specks(img, rng, 12, 196, 182, 138, 1);
}

/* Sandstone: sand-coloured, smooth on top; the side has a darker band at the top and the
 * bottom, as Minecraft's does. */
static void draw_sandstone(Texel *img, Rng *rng, int side) {
    fill_noise(img, rng, 216, 202, 152, 4);
    if (!side) return;
    for (int x = 0; x < 16; x++) {
        for (int y = 0; y < 3; y++) put(img, x, y, 204 - 6 * y, 188 - 6 * y, 138 - 6 * y, 255);
        for (int y = 12; y < 16; y++) put(img, x, y, 200, 184, 134, 255);
        put(img, x, 12, 176, 160, 112, 255);
    }
}

/* Stone bricks: four courses of bricks with grey mortar, offset every other course. */
static void draw_stone_bricks(Texel *img, Rng *rng) {
    fill_noise(img, rng, 122, 122, 122, 6);
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            int course = y / 8, bx = (x + (course ? 8 : 0)) % 16;
            if (y % 8 == 7 || bx == 15)
                put(img, x, y, 84, 84, 84, 255);
            else if (y % 8 == 0 || bx == 0)
                put(img, x, y, 142, 142, 142, 255);
        }
}

static void draw_gravel(Texel *img, Rng *rng) {
    fill_noise(img, rng, 128, 122, 120, 12);
    for (int i = 0; i < 22; i++) {
        int x = (int)rng_below(rng, 16), y = (int)rng_below(rng, 16);
        int v = 80 + (int)rng_below(rng, 110), warm = (int)rng_below(rng, 14);
        put(img, x, y, v + warm, v, v - warm, 255);
        put(img, x + 1, y, v + warm - 10, v - 10, v - warm - 10, 255);
        put(img, x, y + 1, v + warm - 20, v - 20, v - warm - 20, 255);
    }
}

static void draw_water(Texel *img, Rng *rng) {
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            double w = sin((x + 2 * y) * 0.785) * 0.5 + 0.5;
            int d = (int)(w * 22) + (int)rng_below(rng, 7);
            put(img, x, y, 40 + d, 70 + d, 200 + d / 2, 170);
        }
}

static void draw_log_side(Texel *img, Rng *rng) {
    for (int x = 0; x < 16; x++) {
        int col = (x % 4 == 0) ? -22 : (x % 4 == 2 ? 8 : 0);
        for (int y = 0; y < 16; y++) {
            int d = col + (int)rng_below(rng, 13) - 6;
            put(img, x, y, 104 + d, 82 + d, 50 + d, 255);
        }
    }
    for (int i = 0; i < 6; i++) { /* knots and bark breaks */
        int x = (int)rng_below(rng, 16), y = (int)rng_below(rng, 16);
        put(img, x, y, 70, 54, 32, 255);
        put(img, x, y + 1, 70, 54, 32, 255);
    }
}

static void draw_log_top(Texel *img, Rng *rng) {
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            int ring = abs(2 * x - 15) > abs(2 * y - 15) ? abs(2 * x - 15) : abs(2 * y - 15);
            int d = (int)rng_below(rng, 9) - 4;
            if (ring >= 14) /* bark border */
                put(img, x, y, 96 + d, 76 + d, 46 + d, 255);
            else if ((ring / 2) % 2 == 1)
                put(img, x, y, 150 + d, 118 + d, 70 + d, 255);
            else
                put(img, x, y, 182 + d, 146 + d, 90 + d, 255);
        }
}

static void draw_leaves(Texel *img, Rng *rng) {
    for (int i = 0; i < 256; i++) {
        int d = (int)rng_below(rng, 41) - 20;
        int hole = rng_below(rng, 100) < 22;
        put(img, i % 16, i / 16, 50 + d, 118 + d, 34 + d / 2, hole ? 0 : 255);
    }
}

static void draw_planks(Texel *img, Rng *rng) {
    for (int y = 0; y < 16; y++) {
        int board = y / 4, seam_x = (board * 7 + 3) % 16;
        for (int x = 0; x < 16; x++) {
            int d = (int)rng_below(rng, 9) - 4 + ((x + board * 5) % 7 == 0 ? -10 : 0);
            if (y % 4 == 3 || x == seam_x)
                put(img, x, y, 112 + d, 86 + d, 52 + d, 255);
            else
                put(img, x, y, 166 + d, 132 + d, 80 + d, 255);
        }
    }
}

static void draw_crafting_top(Texel *img, Rng *rng) {
    draw_planks(img, rng);
    for (int i = 0; i < 16; i++) {
        int border = (i == 0 || i == 15);
        for (int j = 0; j < 16; j++) {
            if (border || j == 0 || j == 15) put(img, i, j, 98, 70, 40, 255);
            if ((i == 5 || i == 10) && j > 1 && j < 14) put(img, i, j, 80, 56, 32, 255);
            if ((j == 5 || j == 10) && i > 1 && i < 14) put(img, i, j, 80, 56, 32, 255);
        }
    }
}

static void draw_crafting_side(Texel *img, Rng *rng, int front) {
    draw_planks(img, rng);
    for (int x = 0; x < 16; x++) { /* dark top band like Minecraft's table edge */
        put(img, x, 0, 98, 70, 40, 255);
        put(img, x, 1, 120, 90, 54, 255);
    }
    if (front) { /* a saw and a hammer hanging on the front */
        for (int x = 3; x < 8; x++) put(img, x, 5, 200, 200, 200, 255);
        for (int x = 3; x < 8; x += 2) put(img, x, 6, 170, 170, 170, 255);
        put(img, 8, 5, 90, 60, 30, 255);
        put(img, 9, 5, 90, 60, 30, 255);
        for (int y = 4; y < 12; y++) put(img, 12, y, 90, 60, 30, 255);
        for (int x = 10; x < 15; x++) put(img, x, 4, 150, 150, 150, 255);
    } else { /* tools rack */
        for (int y = 4; y < 12; y++) {
            put(img, 4, y, 90, 60, 30, 255);
            put(img, 11, y, 90, 60, 30, 255);
        }
        for (int x = 3; x < 6; x++) put(img, x, 4, 160, 160, 160, 255);
        for (int x = 10; x < 13; x++) put(img, x, 4, 160, 160, 160, 255);
    }
}

static void draw_furnace(Texel *img, Rng *rng, int part) {
    fill_noise(img, rng, 118, 118, 118, 8);
    specks(img, rng, 16, 96, 96, 96, 2);
    for (int i = 0; i < 16; i++) { /* bevelled frame */
        put(img, i, 0, 150, 150, 150, 255);
        put(img, 0, i, 150, 150, 150, 255);
        put(img, i, 15, 80, 80, 80, 255);
        put(img, 15, i, 80, 80, 80, 255);
    }
    if (part == 2) { /* front: the dark fire opening and a grate above */
        for (int y = 9; y < 14; y++)
            for (int x = 3; x < 13; x++) put(img, x, y, 30, 28, 28, 255);
        for (int x = 4; x < 12; x++) put(img, x, 12, 60, 40, 30, 255);
        for (int x = 3; x < 13; x += 2) put(img, x, 5, 50, 50, 50, 255);
        for (int x = 3; x < 13; x++) put(img, x, 3, 90, 90, 90, 255);
    } else if (part == 0) { /* top */
        for (int y = 4; y < 12; y++)
            for (int x = 4; x < 12; x++) put(img, x, y, 100, 100, 100, 255);
    }
}

static void draw_ore(Texel *img, Rng *rng, int r, int g, int b) {
    draw_stone(img, rng);
    /* five blobs: a 2x2 core with a highlight, a shadow and one or two extra texels */
    static const int CX[5] = {3, 10, 6, 12, 2}, CY[5] = {3, 2, 8, 11, 12};
    for (int c = 0; c < 5; c++) {
        int x = CX[c] + (int)rng_below(rng, 2), y = CY[c] + (int)rng_below(rng, 2);
        for (int k = 0; k < 4; k++) put(img, x + k % 2, y + k / 2, r, g, b, 255);
        put(img, x, y, r + 40, g + 40, b + 40, 255);
        put(img, x + 1, y + 1, r * 3 / 4, g * 3 / 4, b * 3 / 4, 255);
        for (int k = 0; k < 2; k++) {
            int ex = x - 1 + (int)rng_below(rng, 4), ey = y - 1 + (int)rng_below(rng, 4);
            put(img, ex, ey, r * 7 / 8, g * 7 / 8, b * 7 / 8, 255);
        }
    }
}

static void draw_torch(Texel *img, Rng *rng) {
    (void)rng;
    memset(img, 0, 256 * sizeof(Texel));
    for (int y = 6; y < 16; y++) {
        put(img, 7, y, 122, 92, 52, 255);
        put(img, 8, y, 96, 70, 38, 255);
    }
    put(img, 7, 6, 255, 250, 170, 255);
    put(img, 8, 6, 255, 220, 90, 255);
    put(img, 7, 5, 255, 200, 60, 255);
    put(img, 8, 5, 255, 160, 40, 255);
    put(img, 7, 4, 255, 120, 30, 255);
}

static void draw_obsidian(Texel *img, Rng *rng) {
    fill_noise(img, rng, 22, 18, 34, 5);
    for (int i = 0; i < 10; i++) {
        int x = (int)rng_below(rng, 16), y = (int)rng_below(rng, 16);
        put(img, x, y, 60, 44, 90, 255);
        put(img, x + 1, y + 1, 44, 32, 70, 255);
    }
}

static void draw_glass(Texel *img, Rng *rng) {
    (void)rng;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            int edge = x == 0 || y == 0 || x == 15 || y == 15;
            int streak = (x + y == 7 || x + y == 8 || x + y == 20) && x > 1 && y > 1;
            if (edge)
                put(img, x, y, 214, 236, 240, 255);
            else if (streak)
                put(img, x, y, 236, 248, 250, 255);
            else
                put(img, x, y, 0, 0, 0, 0);
        }
}

/* Breaking stage s of 10: dark crack lines grow from the centre; alpha 0 elsewhere. */
static void draw_crack(Texel *img, Rng *rng, int stage) {
    memset(img, 0, 256 * sizeof(Texel));
    int walkers = 2 + stage, steps = 3 + stage;
    for (int w = 0; w < walkers; w++) {
        int x = 6 + (int)rng_below(rng, 4), y = 6 + (int)rng_below(rng, 4);
        int dx = (int)rng_below(rng, 3) - 1, dy = (int)rng_below(rng, 3) - 1;
        if (dx == 0 && dy == 0) dx = 1;
        for (int s = 0; s < steps; s++) {
            put(img, x, y, 20, 20, 20, 255);
            if (rng_below(rng, 3) == 0) dx = (int)rng_below(rng, 3) - 1;
            if (rng_below(rng, 3) == 0) dy = (int)rng_below(rng, 3) - 1;
            if (dx == 0 && dy == 0) dy = 1;
            x += dx;
            y += dy;
            if (x < 0 || x > 15 || y < 0 || y > 15) break;
        }
    }
}

/* Mob skins: a base colour with mottling; faces add eyes and a snout on that base. */
static void draw_skin(Texel *img, Rng *rng, int r, int g, int b, int amp) {
    fill_noise(img, rng, r, g, b, amp);
}

static void draw_face(Texel *img, Rng *rng, int r, int g, int b, int kind) {
    fill_noise(img, rng, r, g, b, 6);
    for (int y = 5; y < 7; y++) { /* eyes: white with a dark pupil */
        put(img, 3, y, 240, 240, 240, 255);
        put(img, 4, y, 20, 20, 20, 255);
        put(img, 11, y, 20, 20, 20, 255);
        put(img, 12, y, 240, 240, 240, 255);
    }
    if (kind == 0) { /* pig snout */
        for (int y = 9; y < 13; y++)
            for (int x = 5; x < 11; x++) put(img, x, y, 240, 160, 170, 255);
        put(img, 6, 10, 120, 60, 70, 255);
        put(img, 9, 10, 120, 60, 70, 255);
    } else if (kind == 1) { /* cow muzzle */
        for (int y = 10; y < 15; y++)
            for (int x = 4; x < 12; x++) put(img, x, y, 200, 190, 180, 255);
        put(img, 5, 11, 60, 50, 50, 255);
        put(img, 10, 11, 60, 50, 50, 255);
    } else if (kind == 2) { /* sheep: pale face */
        for (int y = 8; y < 13; y++)
            for (int x = 5; x < 11; x++) put(img, x, y, 220, 190, 170, 255);
    } else { /* zombie: dark mouth */
        for (int x = 5; x < 11; x++) put(img, x, 11, 30, 60, 30, 255);
    }
}

static void draw_cow_skin(Texel *img, Rng *rng) {
    fill_noise(img, rng, 70, 50, 36, 6);
    for (int i = 0; i < 5; i++) { /* white patches */
        int x = (int)rng_below(rng, 16), y = (int)rng_below(rng, 16);
        for (int dy = 0; dy < 4; dy++)
            for (int dx = 0; dx < 5; dx++) put(img, x + dx, y + dy, 225, 225, 220, 255);
    }
}

/* Mob skins and faces, and the first-person hand. */
static void draw_mob_texture(int id, Texel *img, Rng *rng) {
    switch (id) {
    case TEX_PIG_SKIN:
        draw_skin(img, rng, 240, 168, 168, 8);
        break;
    case TEX_PIG_FACE:
        draw_face(img, rng, 240, 168, 168, 0);
        break;
    case TEX_COW_SKIN:
        draw_cow_skin(img, rng);
        break;
    case TEX_COW_FACE:
        draw_face(img, rng, 70, 50, 36, 1);
        break;
    case TEX_SHEEP_WOOL:
        draw_skin(img, rng, 232, 232, 226, 10);
        break;
    case TEX_SHEEP_FACE:
        draw_face(img, rng, 232, 232, 226, 2);
        break;
    case TEX_ZOMBIE_SKIN:
        draw_skin(img, rng, 82, 140, 70, 10);
        break;
    case TEX_ZOMBIE_FACE:
        draw_face(img, rng, 82, 140, 70, 3);
        break;
    case TEX_ZOMBIE_SHIRT:
        draw_skin(img, rng, 40, 160, 170, 10);
        break;
    case TEX_ZOMBIE_PANTS:
        draw_skin(img, rng, 60, 60, 150, 8);
        break;
    case TEX_HAND:
        draw_skin(img, rng, 214, 160, 120, 6);
        break;
    default:
        break;
    }
}

static void draw_block_textures(RenderTextures *t) {
    for (int id = 1; id < TEX_COUNT; id++) {
        Rng rng = rng_stream(TEX_SEED, (uint64_t)id);
        Texel *img = t->tex[id];
        switch (id) {
        case TEX_STONE:
            draw_stone(img, &rng);
            break;
        case TEX_GRASS_TOP:
            draw_grass_top(img, &rng);
            break;
        case TEX_GRASS_SIDE:
            draw_grass_side(img, &rng);
            break;
        case TEX_DIRT:
            draw_dirt(img, &rng);
            break;
        case TEX_COBBLESTONE:
            draw_cells(img, &rng, 11, 122, 22, 72);
            break;
        case TEX_BEDROCK:
            draw_bedrock(img, &rng);
            break;
        case TEX_SAND:
            draw_sand(img, &rng);
            break;
        case TEX_SANDSTONE_TOP:
            draw_sandstone(img, &rng, 0);
            break;
        case TEX_SANDSTONE_SIDE:
            draw_sandstone(img, &rng, 1);
            break;
        case TEX_STONE_BRICKS:
            draw_stone_bricks(img, &rng);
            break;
        case TEX_GRAVEL:
            draw_gravel(img, &rng);
            break;
        case TEX_WATER:
            draw_water(img, &rng);
            break;
        case TEX_LOG_SIDE:
            draw_log_side(img, &rng);
            break;
        case TEX_LOG_TOP:
            draw_log_top(img, &rng);
            break;
        case TEX_LEAVES:
            draw_leaves(img, &rng);
            break;
        case TEX_PLANKS:
            draw_planks(img, &rng);
            break;
        case TEX_CRAFTING_TOP:
            draw_crafting_top(img, &rng);
            break;
        case TEX_CRAFTING_SIDE:
            draw_crafting_side(img, &rng, 0);
            break;
        case TEX_CRAFTING_FRONT:
            draw_crafting_side(img, &rng, 1);
            break;
        case TEX_FURNACE_TOP:
            draw_furnace(img, &rng, 0);
            break;
        case TEX_FURNACE_SIDE:
            draw_furnace(img, &rng, 1);
            break;
        case TEX_FURNACE_FRONT:
            draw_furnace(img, &rng, 2);
            break;
        case TEX_COAL_ORE:
            draw_ore(img, &rng, 34, 34, 34);
            break;
        case TEX_IRON_ORE:
            draw_ore(img, &rng, 222, 176, 140);
            break;
        case TEX_DIAMOND_ORE:
            draw_ore(img, &rng, 90, 236, 240);
            break;
        case TEX_TORCH:
            draw_torch(img, &rng);
            break;
        case TEX_OBSIDIAN:
            draw_obsidian(img, &rng);
            break;
        case TEX_GLASS:
            draw_glass(img, &rng);
            break;
        default:
            if (id >= TEX_CRACK_0 && id <= TEX_CRACK_LAST)
                draw_crack(img, &rng, id - TEX_CRACK_0);
            else
                draw_mob_texture(id, img, &rng);
            break;
        }
        render_tex_build_mips(img);
    }
}

static void set_faces(RenderTextures *t, BlockId b, int top, int bottom, int side) {
    for (int f = 0; f < RFACE_COUNT; f++) t->face_tex[b][f] = (uint8_t)side;
    t->face_tex[b][RFACE_PY] = (uint8_t)top;
    t->face_tex[b][RFACE_NY] = (uint8_t)bottom;
}

static void map_faces(RenderTextures *t) {
    memset(t->face_tex, 0, sizeof t->face_tex);
    static const struct {
        BlockId b;
        uint8_t tex;
    } SAME[] = {
        {BLOCK_STONE, TEX_STONE},
        {BLOCK_DIRT, TEX_DIRT},
        {BLOCK_COBBLESTONE, TEX_COBBLESTONE},
        {BLOCK_BEDROCK, TEX_BEDROCK},
        {BLOCK_SAND, TEX_SAND},
        {BLOCK_GRAVEL, TEX_GRAVEL},
        {BLOCK_WATER, TEX_WATER},
        {BLOCK_OAK_LEAVES, TEX_LEAVES},
        {BLOCK_OAK_PLANKS, TEX_PLANKS},
        {BLOCK_COAL_ORE, TEX_COAL_ORE},
        {BLOCK_IRON_ORE, TEX_IRON_ORE},
        {BLOCK_DIAMOND_ORE, TEX_DIAMOND_ORE},
        {BLOCK_TORCH, TEX_TORCH},
        {BLOCK_OBSIDIAN, TEX_OBSIDIAN},
        {BLOCK_GLASS, TEX_GLASS},
        {BLOCK_STONE_BRICKS, TEX_STONE_BRICKS},
    };
    for (size_t i = 0; i < sizeof SAME / sizeof SAME[0]; i++)
        set_faces(t, SAME[i].b, SAME[i].tex, SAME[i].tex, SAME[i].tex);
    set_faces(t, BLOCK_GRASS, TEX_GRASS_TOP, TEX_DIRT, TEX_GRASS_SIDE);
    set_faces(t, BLOCK_SANDSTONE, TEX_SANDSTONE_TOP, TEX_SANDSTONE_TOP, TEX_SANDSTONE_SIDE);
    set_faces(t, BLOCK_OAK_LOG, TEX_LOG_TOP, TEX_LOG_TOP, TEX_LOG_SIDE);
    set_faces(t, BLOCK_CRAFTING_TABLE, TEX_CRAFTING_TOP, TEX_PLANKS, TEX_CRAFTING_SIDE);
    t->face_tex[BLOCK_CRAFTING_TABLE][RFACE_NZ] = TEX_CRAFTING_FRONT;
    t->face_tex[BLOCK_CRAFTING_TABLE][RFACE_PZ] = TEX_CRAFTING_FRONT;
    /* No block orientation is stored, so the furnace shows its front on every side: it reads
     * as a furnace from any direction. */
    set_faces(t, BLOCK_FURNACE, TEX_FURNACE_TOP, TEX_FURNACE_TOP, TEX_FURNACE_FRONT);
}

void render_tex_build_mips(Texel *img) {
    for (int level = 1; level < TEX_LEVELS; level++) {
        const Texel *src = img + tex_level_offset(level - 1);
        Texel *dst = img + tex_level_offset(level);
        int n = TEX_SIZE >> level, sn = n * 2;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                int r = 0, g = 0, b = 0, a = 0;
                for (int k = 0; k < 4; k++) {
                    const Texel *s = &src[(2 * y + k / 2) * sn + 2 * x + k % 2];
                    r += s->r * s->a;
                    g += s->g * s->a;
                    b += s->b * s->a;
                    a += s->a;
                }
                Texel *d = &dst[y * n + x];
                if (a == 0) {
                    *d = (Texel){0, 0, 0, 0};
                } else {
                    d->r = (uint8_t)(r / a);
                    d->g = (uint8_t)(g / a);
                    d->b = (uint8_t)(b / a);
                    d->a = (uint8_t)((a + 2) / 4);
                }
            }
    }
}

RenderTextures *render_textures_create(void) {
    RenderTextures *t = mem_calloc(1, sizeof *t);
    draw_block_textures(t);
    map_faces(t);
    render_icons_draw(t);
    return t;
}

void render_textures_destroy(RenderTextures *t) { mem_free(t); }
