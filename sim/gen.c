/* gen.c: the `default`, `flat` and `void` generators.
 *
 * default: 2D gradient-noise fields give a continent value (oceans), lakes, hilliness,
 * temperature and humidity (biomes: plains, forest, desert, ocean, hills) and the height of
 * each column (evaluated every 4 blocks and interpolated); caves come from two 3D noises sampled on
 * a 4 x 8 x 4 world-aligned lattice and interpolated (a tunnel where both are near zero); ore veins
 * and oak trees are drawn from a per-chunk RNG stream and kept inside their chunk. Every field is a
 * function of world coordinates, so chunk seams agree whatever the generation order.
 *
 * Ore depths (Minecraft-like): coal in y 5..100 (common), iron y 5..63, diamond y 2..15 (at
 * most one vein of <= 4 per chunk, not every chunk). Bedrock fills y = 0 and speckles y 1..2. */
#include "sim/gen.h"

#include <math.h>
#include <string.h>

#include "core/log.h"
#include "core/rng.h"

static const char *const GEN_NAMES[GEN_KIND_COUNT] = {"default", "flat", "void"};
static const char *const BIOME_NAMES[BIOME_COUNT] = {"plains", "forest", "desert", "ocean",
                                                     "hills"};

const char *gen_kind_name(GenKind k) {
    ASSERT((unsigned)k < GEN_KIND_COUNT);
    return GEN_NAMES[k];
}

GenKind gen_kind_from_name(const char *name) {
    for (int i = 0; i < GEN_KIND_COUNT; i++)
        if (strcmp(GEN_NAMES[i], name) == 0) return (GenKind)i;
    return GEN_KIND_COUNT;
}

const char *gen_biome_name(GenBiome b) {
    ASSERT((unsigned)b < BIOME_COUNT);
    return BIOME_NAMES[b];
}

/* ---- noise ---- */

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

static inline uint32_t hash3(uint64_t seed, int x, int y, int z) {
    uint64_t h = seed ^ ((uint64_t)(uint32_t)x * 0x9E3779B97F4A7C15ull) ^
                 ((uint64_t)(uint32_t)y * 0xC2B2AE3D27D4EB4Full) ^
                 ((uint64_t)(uint32_t)z * 0x165667B19E3779F9ull);
    return (uint32_t)(mix64(h) >> 32);
}

static inline float fade(float t) { return t * t * t * (t * (t * 6.0f - 15.0f) + 10.0f); }
static inline float lerpf(float a, float b, float t) { return a + (b - a) * t; }

static inline float grad2(uint32_t h, float x, float z) {
    static const float G[8][2] = {{1, 0},
                                  {-1, 0},
                                  {0, 1},
                                  {0, -1},
                                  {0.7071f, 0.7071f},
                                  {-0.7071f, 0.7071f},
                                  {0.7071f, -0.7071f},
                                  {-0.7071f, -0.7071f}};
    const float *g = G[h & 7];
    return g[0] * x + g[1] * z;
}

/* Gradient noise in about [-1, 1]. */
static float noise2(uint64_t seed, float x, float z) {
    float fx = floorf(x), fz = floorf(z);
    int ix = (int)fx, iz = (int)fz;
    float tx = x - fx, tz = z - fz;
    float a = grad2(hash3(seed, ix, 0, iz), tx, tz);
    float b = grad2(hash3(seed, ix + 1, 0, iz), tx - 1, tz);
    float c = grad2(hash3(seed, ix, 0, iz + 1), tx, tz - 1);
    float d = grad2(hash3(seed, ix + 1, 0, iz + 1), tx - 1, tz - 1);
    float u = fade(tx), v = fade(tz);
    return 1.41f * lerpf(lerpf(a, b, u), lerpf(c, d, u), v);
}

static float fbm2(uint64_t seed, float x, float z, int octaves) {
    float sum = 0, amp = 1, norm = 0;
    for (int o = 0; o < octaves; o++) {
        sum += amp * noise2(seed + (uint64_t)o * 0x51ED27ull, x, z);
        norm += amp;
        amp *= 0.5f;
        x *= 2.03f;
        z *= 2.03f;
    }
    return sum / norm;
}

static inline float grad3(uint32_t h, float x, float y, float z) {
    switch (h % 12u) {
    case 0:
        return x + y;
    case 1:
        return -x + y;
    case 2:
        return x - y;
    case 3:
        return -x - y;
    case 4:
        return x + z;
    case 5:
        return -x + z;
    case 6:
        return x - z;
    case 7:
        return -x - z;
    case 8:
        return y + z;
    case 9:
        return -y + z;
    case 10:
        return y - z;
    default:
        return -y - z;
    }
}

static float noise3(uint64_t seed, float x, float y, float z) {
    float fx = floorf(x), fy = floorf(y), fz = floorf(z);
    int ix = (int)fx, iy = (int)fy, iz = (int)fz;
    float tx = x - fx, ty = y - fy, tz = z - fz;
    float u = fade(tx), v = fade(ty), w = fade(tz);
    float r[2][2];
    for (int dz = 0; dz < 2; dz++)
        for (int dy = 0; dy < 2; dy++) {
            float a = grad3(hash3(seed, ix, iy + dy, iz + dz), tx, ty - dy, tz - dz);
            float b = grad3(hash3(seed, ix + 1, iy + dy, iz + dz), tx - 1, ty - dy, tz - dz);
            r[dz][dy] = lerpf(a, b, u);
        }
    return lerpf(lerpf(r[0][0], r[0][1], v), lerpf(r[1][0], r[1][1], v), w);
}

/* ---- the default terrain fields ---- */

typedef struct Column {
    int height; /* y of the top terrain block */
    GenBiome biome;
} Column;

static uint64_t sub_seed(const WorldGen *g, uint64_t k) {
    return mix64(g->seed * 0x9E3779B97F4A7C15ull + k);
}

/* The terrain fields are evaluated on a lattice every 4 blocks (world-aligned) and
 * interpolated bilinearly in between, like Minecraft's noise interpolation: 25 noise points per
 * chunk instead of 256. */
#define LAT 4

typedef struct Fields {
    float h, hill_amp, temp, humid;
} Fields;

static Fields fields_at(const WorldGen *g, int x, int z) {
    float fx = (float)x, fz = (float)z;
    float continent = fbm2(sub_seed(g, 1), fx / 320.0f, fz / 320.0f, 3);
    float hills = fbm2(sub_seed(g, 2), fx / 220.0f, fz / 220.0f, 2);
    float detail = fbm2(sub_seed(g, 3), fx / 70.0f, fz / 70.0f, 4);
    float ridge = fabsf(fbm2(sub_seed(g, 4), fx / 45.0f, fz / 45.0f, 3));
    float lake = fbm2(sub_seed(g, 5), fx / 70.0f, fz / 70.0f, 2);
    Fields f;
    f.hill_amp = hills > 0.15f ? (hills - 0.15f) * 2.5f : 0.0f;
    if (f.hill_amp > 1.0f) f.hill_amp = 1.0f;
    float h = 65.0f + 5.0f * detail + f.hill_amp * (8.0f + 30.0f * (1.0f - ridge));
    if (continent < -0.12f) h += (continent + 0.12f) * 110.0f;
    if (lake > 0.42f) h -= (lake - 0.42f) * 55.0f;
    if (h < 30.0f) h = 30.0f + (h - 30.0f) * 0.2f;
    f.h = h;
    f.temp = fbm2(sub_seed(g, 6), fx / 260.0f, fz / 260.0f, 2);
    f.humid = fbm2(sub_seed(g, 7), fx / 200.0f, fz / 200.0f, 2);
    return f;
}

static inline float bilerp(float a, float b, float c, float d, float tx, float tz) {
    return lerpf(lerpf(a, b, tx), lerpf(c, d, tx), tz);
}

/* Column from the 4 lattice corners around it (a = (x0, z0), b = (x0 + 4, z0), c = (x0, z0 +
 * 4), d = both) at offsets tx, tz in [0, 1). */
static Column column_from(const Fields *a, const Fields *b, const Fields *c, const Fields *d,
                          float tx, float tz) {
    float h = bilerp(a->h, b->h, c->h, d->h, tx, tz);
    float hill_amp = bilerp(a->hill_amp, b->hill_amp, c->hill_amp, d->hill_amp, tx, tz);
    if (h > 118.0f) h = 118.0f;
    if (h < 8.0f) h = 8.0f;
    Column col;
    col.height = (int)floorf(h);
    if (col.height < SEA_LEVEL) {
        col.biome = BIOME_OCEAN;
    } else if (hill_amp > 0.45f && col.height > 78) {
        col.biome = BIOME_HILLS;
    } else {
        float temp = bilerp(a->temp, b->temp, c->temp, d->temp, tx, tz);
        float humid = bilerp(a->humid, b->humid, c->humid, d->humid, tx, tz);
        if (temp > 0.18f && humid < 0.05f)
            col.biome = BIOME_DESERT;
        else if (humid > 0.02f)
            col.biome = BIOME_FOREST;
        else
            col.biome = BIOME_PLAINS;
    }
    return col;
}

static Column column_eval(const WorldGen *g, int x, int z) {
    int x0 = x & ~(LAT - 1), z0 = z & ~(LAT - 1);
    Fields a = fields_at(g, x0, z0), b = fields_at(g, x0 + LAT, z0);
    Fields c = fields_at(g, x0, z0 + LAT), d = fields_at(g, x0 + LAT, z0 + LAT);
    return column_from(&a, &b, &c, &d, (float)(x - x0) / LAT, (float)(z - z0) / LAT);
}

GenBiome gen_biome(const WorldGen *g, int x, int z) { return column_eval(g, x, z).biome; }

int gen_surface_height(const WorldGen *g, int x, int z) {
    switch (g->kind) {
    case GEN_DEFAULT:
        return column_eval(g, x, z).height;
    case GEN_FLAT: {
        int h = 0;
        for (int i = 0; i < g->n_layers; i++) h += g->layers[i].height;
        return h - 1;
    }
    default:
        return -1;
    }
}

/* ---- default generator passes ---- */

#define NLAT (16 / LAT + 1)

static void fill_columns(const WorldGen *g, int cx, int cz, uint8_t *b, Column *cols) {
    Fields lat[NLAT][NLAT]; /* [z][x] */
    for (int k = 0; k < NLAT; k++)
        for (int i = 0; i < NLAT; i++)
            lat[k][i] = fields_at(g, cx * 16 + i * LAT, cz * 16 + k * LAT);
    int min_h = WORLD_HEIGHT;
    for (int z = 0; z < 16; z++)
        for (int x = 0; x < 16; x++) {
            int i = x / LAT, k = z / LAT;
            Column c = column_from(&lat[k][i], &lat[k][i + 1], &lat[k + 1][i], &lat[k + 1][i + 1],
                                   (float)(x % LAT) / LAT, (float)(z % LAT) / LAT);
            cols[z * 16 + x] = c;
            min_h = c.height < min_h ? c.height : min_h;
        }
    memset(b, BLOCK_BEDROCK, CHUNK_AREA);
    memset(b + CHUNK_AREA, BLOCK_STONE, (size_t)min_h * CHUNK_AREA); /* layers 1 .. min_h */
    for (int z = 0; z < 16; z++) {
        for (int x = 0; x < 16; x++) {
            int wx = cx * 16 + x, wz = cz * 16 + z;
            Column c = cols[z * 16 + x];
            uint32_t r = hash3(g->seed ^ 0xBED, wx, 0, wz);
            for (int y = min_h + 1; y <= c.height; y++) b[CHUNK_INDEX(x, y, z)] = BLOCK_STONE;
            if ((r & 1) && c.height >= 1) b[CHUNK_INDEX(x, 1, z)] = BLOCK_BEDROCK;
            if ((r & 6) == 6 && c.height >= 2) b[CHUNK_INDEX(x, 2, z)] = BLOCK_BEDROCK;
            int top = c.height;
            uint8_t surf = BLOCK_GRASS, under = BLOCK_DIRT;
            int depth = 3 + (int)((r >> 8) & 1);
            if (c.biome == BIOME_DESERT) {
                surf = under = BLOCK_SAND;
            } else if (c.biome == BIOME_OCEAN) {
                surf = under = (top >= SEA_LEVEL - 5 || ((r >> 9) & 3)) ? BLOCK_SAND : BLOCK_GRAVEL;
                if (top < SEA_LEVEL - 12)
                    surf = under = ((r >> 11) & 1) ? BLOCK_GRAVEL : BLOCK_DIRT;
            } else if (top <= SEA_LEVEL + 1 && c.biome != BIOME_FOREST) {
                surf = under = BLOCK_SAND; /* beaches */
            } else if (c.biome == BIOME_HILLS && top > 96) {
                surf = under = BLOCK_STONE;
            }
            for (int y = top; y > top - depth && y > 2; y--)
                b[CHUNK_INDEX(x, y, z)] = y == top ? surf : under;
            for (int y = top + 1; y <= SEA_LEVEL; y++) b[CHUNK_INDEX(x, y, z)] = BLOCK_WATER;
        }
    }
}

#define CAVE_XZ 4
#define CAVE_Y 8
#define CAVE_NX (16 / CAVE_XZ + 1)
#define CAVE_NY (WORLD_HEIGHT / CAVE_Y + 1)

/* 1 if trilinear interpolation inside lattice cell (i, j, k) of n can get within `lim` of 0
 * (the interpolant stays between the corners' min and max). */
static int cell_may_cross(float n[CAVE_NX][CAVE_NY][CAVE_NX], int i, int j, int k, float lim) {
    float lo = n[i][j][k], hi = lo;
    for (int c = 1; c < 8; c++) {
        float v = n[i + (c & 1)][j + ((c >> 1) & 1)][k + (c >> 2)];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    return lo < lim && hi > -lim;
}

static inline float bilerp_xz(float n[CAVE_NX][CAVE_NY][CAVE_NX], int i, int j, int k, float tx,
                              float tz) {
    return lerpf(lerpf(n[i][j][k], n[i + 1][j][k], tx),
                 lerpf(n[i][j][k + 1], n[i + 1][j][k + 1], tx), tz);
}

static void carve_cell(float n1[CAVE_NX][CAVE_NY][CAVE_NX], float n2[CAVE_NX][CAVE_NY][CAVE_NX],
                       int i, int j, int k, uint8_t *b, const Column *cols, float thresh) {
    for (int z = k * CAVE_XZ; z < (k + 1) * CAVE_XZ; z++) {
        float tz = (float)(z % CAVE_XZ) / CAVE_XZ;
        for (int x = i * CAVE_XZ; x < (i + 1) * CAVE_XZ; x++) {
            float tx = (float)(x % CAVE_XZ) / CAVE_XZ;
            const Column *c = &cols[z * 16 + x];
            int ymax = c->height < SEA_LEVEL + 2 ? c->height - 5 : c->height;
            int y0 = j * CAVE_Y < 5 ? 5 : j * CAVE_Y, y1 = (j + 1) * CAVE_Y - 1;
            if (y1 > ymax) y1 = ymax;
            if (y0 > y1) continue;
            /* the column's values at the cell's bottom and top lattice rows */
            float a0 = bilerp_xz(n1, i, j, k, tx, tz), a1 = bilerp_xz(n1, i, j + 1, k, tx, tz);
            float d0 = bilerp_xz(n2, i, j, k, tx, tz), d1 = bilerp_xz(n2, i, j + 1, k, tx, tz);
            for (int y = y0; y <= y1; y++) {
                float ty = (float)(y - j * CAVE_Y) / CAVE_Y;
                /* thinner near the surface so openings stay occasional */
                float th = y > c->height - 6 ? thresh * 0.5f : thresh;
                float a = lerpf(a0, a1, ty);
                if (a * a > th) continue;
                float d = lerpf(d0, d1, ty);
                if (a * a + d * d < th) {
                    uint8_t *cell = &b[CHUNK_INDEX(x, y, z)];
                    if (*cell != BLOCK_BEDROCK && *cell != BLOCK_WATER) *cell = BLOCK_AIR;
                }
            }
        }
    }
}

/* Tunnels where two 3D noises are both near zero. The noises live on a 4 x 8 x 4 lattice and
 * are interpolated; lattice cells whose corners cannot bring either noise near zero are
 * skipped whole (most of them). */
static void carve_caves(const WorldGen *g, int cx, int cz, uint8_t *b, const Column *cols) {
    static const float THRESH = 0.0075f;
    float n1[CAVE_NX][CAVE_NY][CAVE_NX], n2[CAVE_NX][CAVE_NY][CAVE_NX];
    uint64_t s1 = sub_seed(g, 11), s2 = sub_seed(g, 12);
    int top = 0;
    for (int c = 0; c < CHUNK_AREA; c++) top = cols[c].height > top ? cols[c].height : top;
    int nj = top / CAVE_Y + 2; /* lattice rows needed */
    if (nj > CAVE_NY) nj = CAVE_NY;
    for (int i = 0; i < CAVE_NX; i++)
        for (int j = 0; j < nj; j++)
            for (int k = 0; k < CAVE_NX; k++) {
                float wx = (float)(cx * 16 + i * CAVE_XZ), wy = (float)(j * CAVE_Y);
                float wz = (float)(cz * 16 + k * CAVE_XZ);
                n1[i][j][k] = noise3(s1, wx / 40.0f, wy / 22.0f, wz / 40.0f);
                n2[i][j][k] = noise3(s2, wx / 40.0f, wy / 22.0f, wz / 40.0f);
            }
    float lim = sqrtf(THRESH);
    for (int j = 0; j + 1 < nj; j++)
        for (int k = 0; k < CAVE_NX - 1; k++)
            for (int i = 0; i < CAVE_NX - 1; i++)
                if (cell_may_cross(n1, i, j, k, lim) && cell_may_cross(n2, i, j, k, lim))
                    carve_cell(n1, n2, i, j, k, b, cols, THRESH);
}

static void place_vein(uint8_t *b, Rng *r, uint8_t ore, int ymin, int ymax, int size) {
    int x = (int)rng_below(r, 16), z = (int)rng_below(r, 16);
    int y = rng_range(r, ymin, ymax);
    for (int n = 0; n < size; n++) {
        if (x >= 0 && x < 16 && z >= 0 && z < 16 && y >= ymin && y <= ymax) {
            uint8_t *cell = &b[CHUNK_INDEX(x, y, z)];
            if (*cell == BLOCK_STONE) *cell = ore;
        }
        switch (rng_below(r, 6)) {
        case 0:
            x++;
            break;
        case 1:
            x--;
            break;
        case 2:
            z++;
            break;
        case 3:
            z--;
            break;
        case 4:
            y++;
            break;
        default:
            y--;
            break;
        }
    }
}

static void place_ores(uint8_t *b, Rng *r) {
    for (int i = 0; i < 16; i++)
        place_vein(b, r, BLOCK_COAL_ORE, 5, 100, 4 + (int)rng_below(r, 10));
    for (int i = 0; i < 9; i++) place_vein(b, r, BLOCK_IRON_ORE, 5, 63, 3 + (int)rng_below(r, 6));
    if (rng_below(r, 4) != 0) place_vein(b, r, BLOCK_DIAMOND_ORE, 2, 15, 1 + (int)rng_below(r, 4));
}

static void set_if(uint8_t *b, int x, int y, int z, uint8_t id, int only_air) {
    if (x < 0 || x > 15 || z < 0 || z > 15 || y < 0 || y >= WORLD_HEIGHT) return;
    uint8_t *cell = &b[CHUNK_INDEX(x, y, z)];
    if (!only_air || *cell == BLOCK_AIR) *cell = id;
}

static void place_tree(uint8_t *b, Rng *r, int x, int y, int z) {
    int h = 4 + (int)rng_below(r, 3);
    int top = y + h; /* y = first trunk block */
    for (int ly = top - 3; ly <= top; ly++) {
        int rad = ly >= top - 1 ? 1 : 2;
        for (int dz = -rad; dz <= rad; dz++)
            for (int dx = -rad; dx <= rad; dx++) {
                int corner = (dx == -rad || dx == rad) && (dz == -rad || dz == rad);
                if (corner && (ly == top || rng_below(r, 2) == 0)) continue;
                set_if(b, x + dx, ly, z + dz, BLOCK_OAK_LEAVES, 1);
            }
    }
    for (int ly = y; ly < top; ly++) set_if(b, x, ly, z, BLOCK_OAK_LOG, 0);
    set_if(b, x, y - 1, z, BLOCK_DIRT, 0);
}

static void place_trees(uint8_t *b, Rng *r, const Column *cols) {
    GenBiome biome = cols[8 * 16 + 8].biome;
    int n = biome == BIOME_FOREST   ? 5 + (int)rng_below(r, 5)
            : biome == BIOME_PLAINS ? (int)rng_below(r, 3) / 2
            : biome == BIOME_HILLS  ? (int)rng_below(r, 3)
                                    : 0;
    for (int t = 0; t < n; t++) {
        /* trunks 2 blocks inside the chunk so the leaves never cross a seam */
        int x = 2 + (int)rng_below(r, 12), z = 2 + (int)rng_below(r, 12);
        int y = WORLD_HEIGHT - 1;
        while (y > 0 && b[CHUNK_INDEX(x, y, z)] == BLOCK_AIR) y--;
        if (b[CHUNK_INDEX(x, y, z)] != BLOCK_GRASS || y + 8 >= WORLD_HEIGHT) continue;
        place_tree(b, r, x, y + 1, z);
    }
}

static void gen_default(const WorldGen *g, int cx, int cz, uint8_t *b) {
    Column cols[CHUNK_AREA];
    fill_columns(g, cx, cz, b, cols);
    Rng r = rng_stream(g->seed, ((uint64_t)(uint32_t)cx << 32) | (uint32_t)cz);
    if (g->ores) place_ores(b, &r);
    if (g->caves) carve_caves(g, cx, cz, b, cols);
    if (g->trees) place_trees(b, &r, cols);
}

static void gen_flat(const WorldGen *g, uint8_t *b) {
    int y = 0;
    for (int l = 0; l < g->n_layers && y < WORLD_HEIGHT; l++)
        for (int k = 0; k < g->layers[l].height && y < WORLD_HEIGHT; k++, y++)
            memset(&b[y * CHUNK_AREA], g->layers[l].block, CHUNK_AREA);
}

static void apply_overrides(const WorldGen *g, int cx, int cz, uint8_t *b) {
    int x0 = cx * 16, z0 = cz * 16;
    for (int i = 0; i < g->n_boxes; i++) {
        const GenBox *bx = &g->boxes[i];
        int ax = bx->x0 > x0 ? bx->x0 : x0, bxx = bx->x1 < x0 + 15 ? bx->x1 : x0 + 15;
        int az = bx->z0 > z0 ? bx->z0 : z0, bzz = bx->z1 < z0 + 15 ? bx->z1 : z0 + 15;
        int ay = bx->y0 > 0 ? bx->y0 : 0,
            by = bx->y1 < WORLD_HEIGHT - 1 ? bx->y1 : WORLD_HEIGHT - 1;
        for (int y = ay; y <= by; y++)
            for (int z = az; z <= bzz; z++)
                for (int x = ax; x <= bxx; x++) b[CHUNK_INDEX(x - x0, y, z - z0)] = bx->block;
    }
    for (int i = 0; i < g->n_blocks; i++) {
        const GenBlock *k = &g->blocks[i];
        if (k->x >> 4 == cx && k->z >> 4 == cz && k->y >= 0 && k->y < WORLD_HEIGHT)
            b[CHUNK_INDEX(k->x & 15, k->y, k->z & 15)] = k->block;
    }
}

void gen_chunk(const WorldGen *g, int cx, int cz, uint8_t *blocks) {
    memset(blocks, BLOCK_AIR, CHUNK_VOLUME);
    switch (g->kind) {
    case GEN_DEFAULT:
        gen_default(g, cx, cz, blocks);
        break;
    case GEN_FLAT:
        gen_flat(g, blocks);
        break;
    default:
        break;
    }
    apply_overrides(g, cx, cz, blocks);
}
