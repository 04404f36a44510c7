/* sky.c: the sky of the world pass: the per-frame sky and light tables (time of day: zenith and
 * horizon colours, sunrise/sunset glow, fog colour, light level -> RGB brightness), and the
 * colour of a ray that leaves the world (gradient, square sun and moon, stars, blocky clouds).
 * Everything is a pure function of the frame's setup and the ray, so any row split gives the
 * same bytes. The window's GL back end samples render_cloud_cell through a texture. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "render/internal.h"

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

static void mix3(float *c, const float *to, float f) {
    for (int k = 0; k < 3; k++) c[k] += (to[k] - c[k]) * f;
}

void render_sky_setup(FrameCtx *fc, int tod) {
    /* sun angle: 0 rises in the east (+x), 6000 noon (zenith), 12000 sets, 18000 midnight */
    float phi = (float)tod / 24000.0f * 6.2831853f;
    float s = sinf(phi), c = cosf(phi);
    fc->sun_dir[0] = c;
    fc->sun_dir[1] = s;
    fc->sun_dir[2] = 0.0f;
    fc->daylight = clampf(0.5f + 2.2f * s, 0.0f, 1.0f);
    float d = fc->daylight;
    static const float DAY_Z[3] = {118, 165, 255}, DAY_H[3] = {186, 212, 255};
    static const float NIGHT_Z[3] = {4, 6, 16}, NIGHT_H[3] = {18, 24, 44};
    static const float DUSK_H[3] = {236, 150, 90};
    for (int k = 0; k < 3; k++) {
        fc->sky_zenith[k] = NIGHT_Z[k] + (DAY_Z[k] - NIGHT_Z[k]) * d;
        fc->sky_horizon[k] = NIGHT_H[k] + (DAY_H[k] - NIGHT_H[k]) * d;
    }
    float dusk = clampf(1.0f - fabsf(s) * 4.0f, 0.0f, 1.0f) * 0.6f; /* sunrise/sunset glow */
    mix3(fc->sky_horizon, DUSK_H, dusk);
    memcpy(fc->fog_color, fc->sky_horizon, sizeof fc->fog_color);
    for (int l = 0; l < 16; l++) fc->lum[l] = powf(0.8f, (float)(15 - l));
    for (int l = 0; l < 16; l++) {
        float sky = fc->lum[l] * (0.2f + 0.8f * fc->daylight);
        float blk = fc->lum[l];
        float night_blue = 1.0f - fc->daylight;
        fc->sky_rgb[0][l] = sky * (1.0f - 0.25f * night_blue);
        fc->sky_rgb[1][l] = sky * (1.0f - 0.15f * night_blue);
        fc->sky_rgb[2][l] = sky;
        fc->block_rgb[0][l] = blk;
        fc->block_rgb[1][l] = blk * 0.86f;
        fc->block_rgb[2][l] = blk * 0.62f;
    }
    for (int l = 0; l < 256; l++)
        for (int k = 0; k < 3; k++) {
            float sc = fc->sky_rgb[k][l >> 4], b = fc->block_rgb[k][l & 15];
            float v = sc > b ? sc : b;
            fc->light_tab[l][k] = v > 0.03f ? v : 0.03f;
        }
}

static uint64_t cell_hash(int64_t cx, int64_t cz) {
    uint64_t h = (uint64_t)cx * 0x9E3779B97F4A7C15ull ^ (uint64_t)cz * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

int render_cloud_cell(int64_t cx, int64_t cz) {
    /* big patches (a coarse 4x3-cell grid) with ragged edges (single cells dropped) */
    if (cell_hash(cx >> 2, cz / 3 - (cz < 0 && cz % 3 != 0)) % 100u >= 40u) return 0;
    return cell_hash(cx, cz) % 100u < 78u;
}

/* Minecraft-style blocky clouds: a flat layer of 12x12-block cells, about a third of them
 * cloudy in large patches (hashes of the cell and of a coarser grid), drifting +x with the
 * tick, fading towards the horizon. */
static void clouds(const FrameCtx *fc, const float *d, float *out, SkyMemo *memo) {
    if (d[1] <= 0.02f) return;
    float eye_y = (float)fc->ecy + fc->ey;
    if (eye_y >= CLOUD_Y) return;
    float t = (CLOUD_Y - eye_y) / d[1];
    if (t > 600.0f) return;
    double x = (double)fc->ecx + fc->ex + d[0] * t + 0.03 * (double)fc->sc->tick;
    double z = (double)fc->ecz + fc->ez + d[2] * t;
    int64_t cx = (int64_t)floor(x / CLOUD_CELL), cz = (int64_t)floor(z / CLOUD_CELL);
    int cloudy;
    if (memo && memo->valid && memo->cx == cx && memo->cz == cz) {
        cloudy = memo->cloudy; /* neighbouring pixels mostly see the same cell */
    } else {
        cloudy = render_cloud_cell(cx, cz);
        if (memo) memo->valid = 1, memo->cx = cx, memo->cz = cz, memo->cloudy = cloudy;
    }
    if (!cloudy) return;
    float a = 0.8f * (1.0f - t / 600.0f);
    float v = 60.0f + 195.0f * fc->daylight;
    for (int k = 0; k < 3; k++) out[k] += (v - out[k]) * a;
}

void render_sky_color(const FrameCtx *fc, const float *d, float *out) {
    render_sky_color_memo(fc, d, out, NULL);
}

void render_sky_color_memo(const FrameCtx *fc, const float *d, float *out, SkyMemo *memo) {
    float e = d[1];
    if (e >= 0.0f) {
        float f = sqrtf(e);
        for (int k = 0; k < 3; k++)
            out[k] = fc->sky_horizon[k] + (fc->sky_zenith[k] - fc->sky_horizon[k]) * f;
    } else {
        for (int k = 0; k < 3; k++) out[k] = fc->sky_horizon[k] * (1.0f + e * 0.5f);
    }
    /* square sun and moon, like Minecraft's */
    const float *s = fc->sun_dir;
    float c = d[0] * s[0] + d[1] * s[1];
    float a = d[2], b = d[0] * (-s[1]) + d[1] * s[0];
    if (c > 0.0f && fabsf(a) < 0.05f * c && fabsf(b) < 0.05f * c) {
        out[0] = 255, out[1] = 250, out[2] = 210;
    } else if (c < 0.0f && fabsf(a) < 0.035f * -c && fabsf(b) < 0.035f * -c) {
        out[0] = 220, out[1] = 224, out[2] = 235;
    } else if (fc->daylight < 0.6f && e > 0.05f) {
        /* stars: a hash of the direction quantised on a fine grid */
        int qx = (int)floorf(d[0] * 180.0f), qy = (int)floorf(d[1] * 180.0f),
            qz = (int)floorf(d[2] * 180.0f);
        uint32_t h =
            ((uint32_t)qx * 73856093u) ^ ((uint32_t)qy * 19349663u) ^ ((uint32_t)qz * 83492791u);
        h ^= h >> 13;
        h *= 0x5bd1e995u;
        h ^= h >> 15;
        if (h % 1000u < 4u) {
            float st = (0.6f - fc->daylight) / 0.6f * 200.0f;
            for (int k = 0; k < 3; k++) out[k] = fmaxf(out[k], st);
        }
    }
    clouds(fc, d, out, memo);
}
