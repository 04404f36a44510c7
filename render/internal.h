/* internal.h: what the render/ source files share (not part of the public API).
 *
 * A frame is drawn in three passes over one RGB buffer: the world (render_world_rows, a voxel
 * ray caster), the hand/held item, then the HUD or GUI (render_overlay). The world pass
 * reads voxels through a per-frame chunk table (FrameWorld) built from the scene's world,
 * and entity boxes through a per-frame list (FrameBoxes); both live on the caller's stack
 * so that many frames can be drawn at once on different threads from one Renderer. */
#ifndef RENDER_INTERNAL_H
#define RENDER_INTERNAL_H

#include <stdint.h>

#include "render/render.h"
#include "render/texture.h"

/* Largest view distance in chunks around the eye's chunk (table is (2R+1)^2). */
#define FRAME_MAX_CHUNK_RADIUS 8
#define FRAME_CHUNK_DIM (2 * FRAME_MAX_CHUNK_RADIUS + 1)
#define FRAME_MAX_BOXES 256
/* Empty-space skipping regions: REGION_SIZE x REGION_SIZE columns, REGIONS per chunk. */
#ifndef REGION_SHIFT
#define REGION_SHIFT 4
#endif
#define REGION_SIZE (1 << REGION_SHIFT)
#define REGION_PER_CHUNK (16 >> REGION_SHIFT)
#define REGIONS (REGION_PER_CHUNK * REGION_PER_CHUNK)
#define RC_SHIFT (4 - REGION_SHIFT) /* region coordinate -> chunk coordinate */

struct Renderer {
    RenderOptions opt;
    RenderTextures *tex;
    int32_t solid32[256];    /* render_block_is_solid per block byte (SIMD walk's table) */
    int32_t face_tex32[256]; /* tex->face_tex[block][face] at block * 8 + face (blocks < 32) */
    int32_t cutout32[256];   /* render_block_is_cutout per block byte */
};

/* One textured box: an entity part (mob body/head/leg, item cube or sprite). Local frame:
 * rotated by yaw around (px, pz) in the xz plane, extent [lo, hi] in local coordinates. */
typedef struct FrameBox {
    float px, py, pz; /* pivot in world coordinates relative to the eye cell */
    float c, s;       /* cos/sin of the rotation (local -> world) */
    float lo[3], hi[3];
    const Texel *face[6];   /* level-0 image per face (mips follow), NULL = not drawn */
    float light[3];         /* RGB brightness multiplier */
    int sx0, sy0, sx1, sy1; /* screen bounding rectangle (pixels, inclusive) */
    uint8_t tint_red;       /* hurt flash */
} FrameBox;

typedef struct FrameCtx {
    const Renderer *r;
    const RenderScene *sc;
    int width, height;
    /* camera: eye = cell (ecx, ecy, ecz) + fractional (ex, ey, ez) */
    int ecx, ecy, ecz;
    float ex, ey, ez;
    float fwd[3], right[3], up[3];
    float tan_x, tan_y;
    float max_dist, fog_start;
    float pix_angle; /* radians per pixel (vertical), for mip selection */
    /* chunk table around the eye */
    int ccx0, ccz0;
    const uint8_t *chunks[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    const uint8_t *lights[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    int16_t tops[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM]; /* highest non-air y + 1; -1 = unknown */
    /* per chunk, per region (index rz * REGION_PER_CHUNK + rx): highest non-air y + 1 (valid once
     * tops[k] >= 0). Rays above a region's top skip it whole. */
    uint8_t region_tops[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM][REGIONS];
    /* sky and light */
    float daylight; /* 0 (night) .. 1 (day) multiplier of sky light */
    float sky_zenith[3], sky_horizon[3], fog_color[3];
    float sun_dir[3];
    float lum[16];           /* light level -> brightness */
    float light_tab[256][3]; /* light byte (sky << 4 | block) -> RGB brightness */
    /* its two halves: light_tab[l][k] = max(max(sky_rgb[k][l >> 4], block_rgb[k][l & 15]),
     * 0.03) (the SIMD colour pass looks these up in registers) */
    float sky_rgb[3][16], block_rgb[3][16];
    /* target */
    int has_target, tx, ty, tz, crack_stage; /* crack_stage -1 = none */
    /* opaque GUI panels (pixels, half-open) that hide the world: not traced */
    int n_occluders;
    int occ[2][4];
    /* the cell walk's state at the eye's cell, where every ray starts (see raycast.c) */
    int eye_inside, eye_k, eye_cell, eye_top;
    const uint8_t *eye_ch;
    int hand; /* the bare arm is drawn over the frame: its pixels are not traced */
    /* the SIMD cell walk (trace_simd.c): chunk k's blocks are at vbase + (vchunk[k] >> 8) * 16
     * and its top is vchunk[k] & 0xFF (0xFF: not computed yet); simd: this frame may use it */
    const uint8_t *vbase;
    uint32_t vchunk[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    int32_t
        vlight[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM]; /* light arrays: offset from vbase, -1 none */
    int simd;
    int all_tops; /* every chunk's top is known (the world keeps them): tops8 holds them */
    uint8_t tops8[384];
    uint8_t voff8[3][384]; /* with all_tops: bytes 0..2 of each chunk's offset (vchunk >> 8) */
    int max_top;           /* the highest of them (RENDER_WORLD_H when not all known) */
    int vlight_ok;         /* every light array within 2 GiB of vbase (the SIMD colour pass) */
    /* entities */
    FrameBox boxes[FRAME_MAX_BOXES];
    int n_boxes;
    /* frame-to-frame reuse (render_scene_cached): the chunks' versions (have_versions: the
     * world gives them), the cache this frame writes (NULL: none) and whether its entries
     * are from a frame with the same camera and blocks (cache_ok) */
    int have_versions;
    uint64_t versions[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    struct RenderCache *cache;
    int cache_ok;
    float reuse_dist; /* chunks that changed since the cache's last frame lie at least this far
                         (horizontally) from the eye: rays that ended nearer read none of them */
    int shade_ok;     /* and the same light, sky and fog colours (cache_ok too) */
    int target_ok;    /* and the same target and crack (shade_ok too) */
    int prev_has_target, prev_target[3]; /* the cache's last frame's target */
    /* pixels (inclusive) that may show the current target, or the last one when the target
     * changed: only there a kept hit's cell is compared with them (x0 > x1: none) */
    int target_rect[4];
} FrameCtx;

/* What a frame's rays depend on besides their pixel, entity distance, the target and the
 * chunks they pass: with equal keys a ray that meets only unchanged chunks is traced the same
 * way (render_scene_cached). (A rising ray that ends early above the table's highest chunk
 * top counts as reaching its limit: any chunk that changed within the limit retraces it, and
 * beyond the limit nothing can change its outcome, the sky.) */
typedef struct CacheKey {
    const Renderer *r;
    int width, height, ecx, ecy, ecz, ccx0, ccz0;
    float ex, ey, ez, fwd[3], right[3], up[3], tan_x, tan_y, max_dist, pix_angle;
} CacheKey;

/* What the colour of a ray that stops on a block seen through water or glass, or on a torch
 * or the target, depends on besides its trace: the sky, fog and light colours. */
typedef struct ShadeKey {
    float daylight, sky_zenith[3], sky_horizon[3], fog_color[3];
    float light_tab[256][3];
} ShadeKey;

/* A pixel's kept outcome (RenderCache.status): nothing (hidden, or no frame yet), an opaque
 * block through air, the sky, the ray's entity, a colour that render_trace finished on a block
 * (kept while the ShadeKey stays), or one that must be traced again (the sky or an entity seen
 * through water). */
enum { CACHE_NONE = 0, CACHE_BLOCK, CACHE_SKY, CACHE_ENT, CACHE_COLOR, CACHE_TRACE };

/* One pixel's kept outcome: its kind (CACHE_*), the ray's entity flag and distance when it
 * was traced, the pixel's last colour (bytes), and for CACHE_BLOCK the hit (distance, face,
 * block; the cell in CacheCell); for CACHE_COLOR the distance where the ray stopped (and the
 * cell). Every frame reads these 16 bytes per pixel; the cells only near the target. */
typedef struct CacheEntry {
    float t, limit;
    uint8_t status, face, block, ent;
    uint8_t rgb[3], pad;
} CacheEntry;
typedef struct CacheCell {
    int32_t x, y, z;
} CacheCell;

struct RenderCache {
    CacheKey key;
    ShadeKey shade;
    /* the last frame's chunk table: arrays and versions */
    const uint8_t *chunks[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    uint64_t versions[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    int have_key;
    int has_target, target[3], crack_stage; /* the last frame's */
    int pixels;                             /* entries allocated */
    CacheEntry *e;                          /* per pixel: py * width + px */
    CacheCell *cell;                        /* likewise */
    RenderCacheStats stats;
};

/* Sets up camera, sky, light and the chunk table for a frame. */
void render_frame_setup(FrameCtx *fc, const Renderer *r, const RenderScene *sc, int width,
                        int height);
/* Computes every chunk's top now (before rows are traced in parallel). */
void render_fill_tops(FrameCtx *fc);
/* Traces rows [y0, y1) of the world view into rgb (width*height*3). */
void render_world_rows(FrameCtx *fc, uint8_t *rgb, int y0, int y1);
/* Sky colours, fog colour and light tables for time of day tod (sky.c). */
void render_sky_setup(FrameCtx *fc, int tod);
/* Colour (0..255 floats) of a ray with unit direction d that leaves the world (sky.c). */
void render_sky_color(const FrameCtx *fc, const float *d, float *out);
/* The same, remembering the last cloud cell looked up (start with valid = 0; one memo per
 * run of rays, e.g. a span). */
typedef struct SkyMemo {
    int valid, cloudy;
    int64_t cx, cz;
} SkyMemo;
void render_sky_color_memo(const FrameCtx *fc, const float *d, float *out, SkyMemo *memo);
/* Brightness (RGB multiplier) of light at cell (x, y, z) for this frame's time of day. */
void render_light_rgb(const FrameCtx *fc, int x, int y, int z, float *out);
/* Builds the entity boxes (items, mobs) with their screen rectangles. */
void render_entities_setup(FrameCtx *fc);
/* Draws the hand or held item, then HUD or the open GUI with the cursor. */
void render_overlay(const Renderer *r, const RenderScene *sc, uint8_t *rgb, int width, int height,
                    const float *hand_light);

/* Whether the overlay draws the bare arm (HUD shown, no GUI, empty hand), and the arm's
 * opaque pixels [x0, x1) in row y of a width x height frame (0: none in that row). The world
 * pass does not trace them; the overlay covers exactly them. */
int render_hand_shown(const RenderScene *sc);
int render_hand_span(const RenderScene *sc, int width, int height, int y, int *x0, int *x1);

/* Clouds: a flat layer at CLOUD_Y of CLOUD_CELL-block cells; render_cloud_cell says whether a
 * cell is cloudy (the window's GL back end samples the same function through a texture). */
#define CLOUD_Y 160.0f
#define CLOUD_CELL 12.0f
int render_cloud_cell(int64_t cx, int64_t cz);

/* Texture sampling helpers shared by the passes. */
static inline const Texel *tex_sample(const Texel *img, int level, float u, float v) {
    int n = TEX_SIZE >> level;
    int x = (int)(u * n), y = (int)(v * n);
    x = x < 0 ? 0 : x >= n ? n - 1 : x;
    y = y < 0 ? 0 : y >= n ? n - 1 : y;
    return &img[tex_level_offset(level) + y * n + x];
}

/* ---- what raycast.c (the cell walk) and span.c (the passes around it) share ---------------- */

#define RENDER_WORLD_H 128
#define RENDER_BIG 1e30f

/* Face shading (top brightest, sides darker) and outward normals, by RFACE_*. */
static const float RFACE_SHADE[RFACE_COUNT] = {0.62f, 0.62f, 0.5f, 1.0f, 0.8f, 0.8f};
static const int RFACE_NORMAL[RFACE_COUNT][3] = {{-1, 0, 0}, {1, 0, 0},  {0, -1, 0},
                                                 {0, 1, 0},  {0, 0, -1}, {0, 0, 1}};

/* One ray: its unit direction d, |1 / d| per axis (RENDER_BIG where d is 0), and what the
 * entity pass found (render_trace_entities). */
typedef struct Ray {
    float d[3];
    float id[3];        /* |1 / d[k]| (RENDER_BIG where d[k] is 0) */
    float t_limit;      /* entity hit distance (or the view distance) */
    float ent_color[3]; /* colour at t_limit when an entity was hit */
    int ent_hit;
} Ray;

/* A ray with no entity on it (yet): direction, |1 / d|, t_limit, ent_hit. */
static inline void render_ray_init(Ray *r, float dx, float dy, float dz, float ix, float iy,
                                   float iz, float limit, int ent_hit) {
    r->d[0] = dx, r->d[1] = dy, r->d[2] = dz;
    r->id[0] = ix, r->id[1] = iy, r->id[2] = iz;
    r->t_limit = limit;
    r->ent_hit = ent_hit;
}

/* What render_trace() leaves for the span's later passes: the common cases (an opaque block seen
 * through air only, not the target; the sky seen through air only) are coloured in batches
 * after the whole span is traced; every other ray is finished by trace itself. */
enum { RAY_COLOR = 0, RAY_BLOCK, RAY_SKY };
typedef struct RayHit {
    int status;
    float t;         /* RAY_BLOCK: distance of the hit */
    int x, y, z;     /* RAY_BLOCK: the cell; RAY_COLOR with stopped: the cell it stopped in */
    int face, block; /* RAY_BLOCK: the face entered and the block */
    int stopped;     /* RAY_COLOR: the ray stopped on a block (not at its entity or the sky) */
} RayHit;

/* Entity boxes on the ray of pixel (px, py): caps ray->t_limit at the nearest opaque texel.
 * list holds the n boxes (indices into fc->boxes, in order) that may cover the pixel. */
void render_trace_entities(const FrameCtx *fc, const uint8_t *list, int n, int px, int py,
                           Ray *ray);
/* The cell walk of one ray (see RayHit). */
void render_trace(FrameCtx *fc, Ray *ray, float *out, RayHit *hit_out);
/* The rest of a cell walk that the SIMD walk hands over: the ray is at cell[3], boundaries
 * tm[3], entered at distance t through `face`, after an air cell, at the top of the loop. */
void render_trace_resume(FrameCtx *fc, Ray *ray, const int *cell, const float *tm, float t,
                         int face, float *out, RayHit *hit_out);
/* Chunk k's top (highest non-air y + 1), computed on first use in the frame. */
int render_chunk_top(FrameCtx *fc, int k);

/* Whether a block ends a ray as an opaque cube (the colour passes shade it), and whether it
 * is a cutout (leaves: opaque where the texel's alpha is >= 128). */
int render_block_is_solid(int block);
int render_block_is_cutout(int block);

/* The rays of render_trace_simd as arrays: unit directions, |1 / d|, t_limit, ent_hit. */
typedef struct RaySoA {
    const float *dx, *dy, *dz, *ix, *iy, *iz, *limit;
    const int32_t *ent;
} RaySoA;
/* What render_trace_simd finishes itself: RAY_BLOCK records (ray index, t, cell, face, block),
 * RAY_SKY ray indices and the indices of rays that end at their entity, in arrays of the
 * caller (n + 16 entries each: 16 of slack). */
typedef struct SimdOut {
    int nb, ns, ne;
    int32_t *b_ray, *b_x, *b_y, *b_z, *b_face, *b_block, *s_ray;
    float *b_t;
    int32_t *e_ray; /* rays that ended at their entity (through air): its colour, fogged */
} SimdOut;
/* The SIMD cell walk (trace_simd.c): whether this CPU has it, and n rays at once (in: their
 * directions and limits; rays[i] need only be set where in->ent[i], the walk fills the others
 * when it hands them to the scalar walk): each ray gets what render_trace(fc, &rays[i],
 * colors[i], &hits[i]) gives, either in hits[i] (and
 * colors[i]), or, for the RAY_BLOCK and RAY_SKY rays it finishes itself, in out (hits[i] is
 * then not written). Only for frames with fc->simd set. */
int render_simd_available(void);
void render_trace_simd(FrameCtx *fc, Ray *rays, const RaySoA *in, int n, RayHit *hits,
                       float (*colors)[3], SimdOut *out);

/* The light table entry (RGB multiplier) of cell (x, y, z): the air cell in front of a hit. */
static inline const float *light_at(const FrameCtx *fc, int x, int y, int z) {
    uint8_t l = 0xF0; /* above the world, or no light array given: full sky light */
    if (y < 0) {
        l = 0;
    } else if (y < RENDER_WORLD_H) {
        int kx = (x >> 4) - fc->ccx0, kz = (z >> 4) - fc->ccz0;
        if (kx >= 0 && kz >= 0 && kx < FRAME_CHUNK_DIM && kz < FRAME_CHUNK_DIM) {
            const uint8_t *li = fc->lights[kz * FRAME_CHUNK_DIM + kx];
            if (li) l = li[(y * 16 + (z & 15)) * 16 + (x & 15)];
        }
    }
    return fc->light_tab[l];
}

/* Texture coordinates of a hit on a face of a cell; fx, fy, fz in [0, 1] within the cell. */
static inline void face_uv(int face, float fx, float fy, float fz, float *u, float *v) {
    switch (face) {
    case RFACE_NX:
        *u = fz, *v = 1.0f - fy;
        break;
    case RFACE_PX:
        *u = 1.0f - fz, *v = 1.0f - fy;
        break;
    case RFACE_NZ:
        *u = 1.0f - fx, *v = 1.0f - fy;
        break;
    case RFACE_PZ:
        *u = fx, *v = 1.0f - fy;
        break;
    case RFACE_PY:
        *u = fx, *v = fz;
        break;
    default:
        *u = fx, *v = 1.0f - fz;
        break;
    }
}

/* Mip level of a surface seen at distance t. */
static inline int mip_level(const FrameCtx *fc, float t) {
    float texels = t * fc->pix_angle * 16.0f; /* texels under one pixel */
    /* the number of halvings that keep it >= 2 (halving is exact), without a loop */
    int level = 0;
    for (int i = 1; i < TEX_LEVELS; i++) level += texels >= (float)(1 << i);
    return level;
}

static inline float render_clampf(float v, float lo, float hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

#endif
