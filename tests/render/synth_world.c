/* synth_world.c: see synth_world.h. */
#include "synth_world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int chunk_index(int cx, int cz) {
    if (cx < -2 || cx > 2 || cz < -2 || cz > 2) return -1;
    return (cz + 2) * SYNTH_CHUNKS + (cx + 2);
}

static int cell(int x, int y, int z, int *k) {
    *k = chunk_index(x >> 4, z >> 4);
    if (*k < 0 || y < 0 || y >= 128) return -1;
    return (y * 16 + (z & 15)) * 16 + (x & 15);
}

void synth_world_set(SynthWorld *w, int x, int y, int z, int block) {
    int k, i = cell(x, y, z, &k);
    if (i >= 0) w->blocks[k][i] = (uint8_t)block;
}

int synth_world_get(const SynthWorld *w, int x, int y, int z) {
    int k, i = cell(x, y, z, &k);
    return i >= 0 ? w->blocks[k][i] : 0;
}

int synth_height(int x, int z) {
    return 64 + (int)floor(3.0 * sin(x * 0.21) + 2.0 * cos(z * 0.17) + 1.5 * sin((x + z) * 0.09));
}

static void tree(SynthWorld *w, int x, int z) {
    int h = synth_height(x, z);
    for (int dy = -2; dy <= 2; dy++)
        for (int dz = -2; dz <= 2; dz++)
            for (int dx = -2; dx <= 2; dx++) {
                int r = dy >= 1 ? 1 : 2;
                if (dx < -r || dx > r || dz < -r || dz > r) continue;
                if (r == 2 && (dx == -2 || dx == 2) && (dz == -2 || dz == 2)) continue;
                synth_world_set(w, x + dx, h + 4 + dy, z + dz, BLOCK_OAK_LEAVES);
            }
    for (int y = h + 1; y <= h + 5; y++) synth_world_set(w, x, y, z, BLOCK_OAK_LOG);
}

void synth_world_build(SynthWorld *w) {
    memset(w, 0, sizeof *w);
    for (int z = -32; z < 48; z++)
        for (int x = -32; x < 48; x++) {
            int h = synth_height(x, z);
            synth_world_set(w, x, 0, z, BLOCK_BEDROCK);
            for (int y = 1; y <= h; y++) {
                int b = y < h - 3 ? BLOCK_STONE : y < h ? BLOCK_DIRT : BLOCK_GRASS;
                if (h <= 62 && y >= h - 1) b = BLOCK_SAND;
                synth_world_set(w, x, y, z, b);
            }
            for (int y = h + 1; y <= 62; y++) synth_world_set(w, x, y, z, BLOCK_WATER);
        }
    tree(w, 6, 10);
    tree(w, -9, 14);
    tree(w, 14, 20);
    /* an exposed stone wall with ores, a torch, glass, a table and a furnace */
    for (int y = 1; y < 8; y++)
        for (int x = -4; x <= 4; x++) {
            int base = synth_height(x, 5);
            synth_world_set(w, x, base + y, 6, BLOCK_STONE);
        }
    int b = synth_height(0, 5);
    synth_world_set(w, -2, b + 3, 6, BLOCK_COAL_ORE);
    synth_world_set(w, 0, b + 2, 6, BLOCK_IRON_ORE);
    synth_world_set(w, 2, b + 3, 6, BLOCK_DIAMOND_ORE);
    synth_world_set(w, 1, b + 5, 6, BLOCK_COBBLESTONE);
    synth_world_set(w, -1, b + 5, 6, BLOCK_GRAVEL);
    synth_world_set(w, 1, synth_height(1, 4) + 1, 4, BLOCK_TORCH);
    synth_world_set(w, -3, synth_height(-3, 3) + 1, 3, BLOCK_CRAFTING_TABLE);
    synth_world_set(w, 3, synth_height(3, 3) + 1, 3, BLOCK_FURNACE);
    synth_world_set(w, -1, synth_height(-1, 2) + 1, 2, BLOCK_GLASS);
    synth_world_set(w, 4, synth_height(4, 1) + 1, 1, BLOCK_OAK_PLANKS);
    synth_world_set(w, -5, synth_height(-5, 1) + 1, 1, BLOCK_OBSIDIAN);
    synth_world_relight(w);
}

void synth_world_relight(SynthWorld *w) {
    for (int k = 0; k < SYNTH_CHUNKS * SYNTH_CHUNKS; k++)
        memset(w->light[k], 0, sizeof w->light[k]);
    for (int z = -32; z < 48; z++)
        for (int x = -32; x < 48; x++) {
            int sky = 15;
            for (int y = 127; y >= 0; y--) {
                int blk = synth_world_get(w, x, y, z);
                if (blk == BLOCK_WATER || blk == BLOCK_OAK_LEAVES)
                    sky = sky > 2 ? sky - 2 : 0;
                else if (blk != BLOCK_AIR && blk != BLOCK_GLASS && blk != BLOCK_TORCH)
                    sky = 0;
                int k, i = cell(x, y, z, &k);
                if (i >= 0) w->light[k][i] = (uint8_t)(sky << 4);
            }
        }
    for (int z = -32; z < 48; z++)
        for (int y = 1; y < 128; y++)
            for (int x = -32; x < 48; x++) {
                if (synth_world_get(w, x, y, z) != BLOCK_TORCH) continue;
                for (int dz = -13; dz <= 13; dz++)
                    for (int dy = -13; dy <= 13; dy++)
                        for (int dx = -13; dx <= 13; dx++) {
                            int l = 14 - abs(dx) - abs(dy) - abs(dz);
                            int k, i = cell(x + dx, y + dy, z + dz, &k);
                            if (l <= 0 || i < 0) continue;
                            if ((w->light[k][i] & 15) < l)
                                w->light[k][i] = (uint8_t)((w->light[k][i] & 0xF0) | l);
                        }
            }
}

static const uint8_t *view_chunk(const void *ctx, int cx, int cz) {
    const SynthWorld *w = ctx;
    int k = chunk_index(cx, cz);
    return k < 0 ? NULL : w->blocks[k];
}

static const uint8_t *view_light(const void *ctx, int cx, int cz) {
    const SynthWorld *w = ctx;
    int k = chunk_index(cx, cz);
    return k < 0 ? NULL : w->light[k];
}

RenderWorldView synth_world_view(const SynthWorld *w) {
    RenderWorldView v = {w, view_chunk, view_light, NULL, NULL};
    return v;
}
