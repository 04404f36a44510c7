/* render.h: the canonical software renderer (every observation and every video frame).
 *
 * A voxel ray caster writes RGB directly at the requested size: a first-person view from the
 * player's eye (vertical FOV 70 degrees on a 16:9 virtual screen, so a 64x64 frame is the
 * 640x360 view squeezed, as VPT resized its videos), textured blocks with per-face shading,
 * sky and torch light, day/night sky, fog, water and glass, the target outline and cracks,
 * item entities and mobs, the hand or held item, the HUD and GUI screens with the mouse
 * cursor. Output is deterministic: the same scene gives the same bytes at any thread count.
 *
 * Ownership: a Renderer holds only immutable data after render_create (textures), so one
 * Renderer may draw many frames at once on different threads. The caller owns every buffer.
 * render/ reads sim state and never changes it. */
#ifndef RENDER_RENDER_H
#define RENDER_RENDER_H

#include <stdint.h>

#include "core/pool.h"
#include "core/status.h"
#include "sim/item.h"

typedef struct Env Env;
typedef struct Renderer Renderer;

typedef struct RenderOptions {
    int view_distance;  /* blocks to the far fog (16..128); default 64 */
    int virtual_aspect; /* 1 (default): 16:9 view at any output size; 0: the output's aspect */
    int scalar_only;    /* 0 (default): the SIMD ray walk where the CPU has it; 1: never (same
                           bytes either way; for tests and comparisons) */
} RenderOptions;

/* Where the renderer reads voxels and light: chunk_blocks returns a chunk's 16x128x16 block
 * array (index (y*16+z)*16+x) or NULL when unloaded; chunk_light the parallel light array
 * (sky light in the high nibble, block light in the low nibble) or NULL. Filled from a sim
 * World by render_scene_from_env; tests can feed their own arrays. */
typedef struct RenderWorldView {
    const void *ctx;
    const uint8_t *(*chunk_blocks)(const void *ctx, int cx, int cz);
    const uint8_t *(*chunk_light)(const void *ctx, int cx, int cz);
    /* optional: 1 + y of the chunk's highest non-air block (the renderer scans for it
     * otherwise); must agree with chunk_blocks */
    int (*chunk_top)(const void *ctx, int cx, int cz);
    /* optional: a number that changes whenever the chunk's blocks change and never names other
     * blocks (render_scene_cached keeps trace results while every chunk's number stays); 0 for
     * an unloaded chunk. Without it render_scene_cached traces every pixel. */
    uint64_t (*chunk_version)(const void *ctx, int cx, int cz);
} RenderWorldView;

typedef enum RenderMobType {
    RENDER_MOB_PIG = 0,
    RENDER_MOB_COW,
    RENDER_MOB_SHEEP,
    RENDER_MOB_ZOMBIE,
    RENDER_MOB_COUNT
} RenderMobType;

typedef struct RenderMob {
    int type;       /* RenderMobType */
    double x, y, z; /* feet */
    float yaw;      /* degrees, the player's convention */
    int hurt;       /* > 0 while the hurt flash shows */
} RenderMob;

typedef struct RenderItemEntity {
    double x, y, z; /* bottom centre */
    ItemId item;
    int count;
    int age; /* ticks: drives the spin and bob */
} RenderItemEntity;

#define RENDER_MAX_ITEMS 64
#define RENDER_MAX_MOBS 32
#define RENDER_MAX_GUI_SLOTS 64

/* A rectangle in the 640x360 GUI space. */
typedef struct RenderRect {
    int x, y, w, h;
} RenderRect;

/* How a GUI element is drawn. */
typedef enum RenderGuiStyle {
    RENDER_GUI_SLOT = 0, /* an inventory/grid/furnace slot */
    RENDER_GUI_OUTPUT,   /* a crafting or furnace output slot */
    RENDER_GUI_RECIPE,   /* a recipe book button (the recipe's result) */
    RENDER_GUI_PAGE_PREV,
    RENDER_GUI_PAGE_NEXT,
} RenderGuiStyle;

/* The open GUI screen as the renderer sees it (copied from the sim's layout and state). */
typedef struct RenderGui {
    int open;              /* 0: no GUI (HUD only) */
    const char *title;     /* "Crafting", "Furnace", "Inventory" (static storage) */
    RenderRect panel;      /* the grey background panel */
    RenderRect book_panel; /* w == 0: no recipe book panel */
    int n_elems;
    RenderRect rect[RENDER_MAX_GUI_SLOTS];
    ItemStack stack[RENDER_MAX_GUI_SLOTS];
    uint8_t style[RENDER_MAX_GUI_SLOTS];  /* RenderGuiStyle */
    int hovered;                          /* element under the cursor, -1 none */
    float furnace_progress, furnace_fuel; /* 0..1; < 0 when not a furnace */
    RenderRect progress_arrow, fuel_flame;
    float cursor_x, cursor_y; /* GUI pixels */
    ItemStack cursor_stack;
    int hide_cursor; /* 1: no arrow (tests compare frames with and without it) */
} RenderGui;

/* Everything one frame shows. render_scene_from_env fills it from an Env; tools may edit it
 * (pose, GUI) before render_scene. */
typedef struct RenderScene {
    RenderWorldView world;
    double eye[3];    /* eye position (feet + 1.62) */
    float yaw, pitch; /* degrees: yaw 0 faces +z, grows clockwise from above; pitch +90 down */
    int time_of_day;  /* 0..23999 (6000 noon, 18000 midnight) */
    int tick;
    int has_target, target[3];
    float break_progress; /* 0..1 */
    int eye_in_water;
    int health, food, air, air_max; /* half-hearts 0..20, food 0..20, air ticks */
    ItemStack inventory[36];
    int selected; /* hotbar slot 0..8 */
    int swing;    /* ticks into an arm swing (0 none) */
    int n_items;
    RenderItemEntity items[RENDER_MAX_ITEMS];
    int n_mobs;
    RenderMob mobs[RENDER_MAX_MOBS];
    RenderGui gui;
    int show_hud;   /* 1: draw the hand, HUD and GUI */
    int view_limit; /* > 0: blocks loaded around the eye; the fog ends there if it is nearer
                     * than the renderer's view distance (no bare world edge) */
} RenderScene;

/* Builds the textures. opt may be NULL (defaults). Owned by the caller. */
Renderer *render_create(const RenderOptions *opt);
void render_destroy(Renderer *r); /* accepts NULL */
const RenderOptions *render_options(const Renderer *r);
/* Which cell walk this renderer's frames take: "avx512" (16 rays per lane step, where the
 * CPU has AVX-512 F/BW/VBMI and BMI2) or "scalar" (other CPUs, or opt.scalar_only). Both give
 * the same bytes. */
const char *render_walk_name(const Renderer *r);

/* Draws one frame of an env into out_rgb (width*height*3 bytes, rows top to bottom). */
void render_frame(const Renderer *r, const Env *env, uint8_t *out_rgb, int width, int height);

/* Draws envs[i] into out_rgb + i*width*height*3, frames spread over the pool (NULL: this
 * thread). Identical bytes to calling render_frame on each. */
void render_batch(const Renderer *r, ThreadPool *pool, const Env *const *envs, int n,
                  uint8_t *out_rgb, int width, int height);

/* Scene form: what render_frame does after reading the env. render_scene_pool splits the rows
 * of one large frame over a pool (same bytes as render_scene). */
void render_scene_from_env(const Env *env, RenderScene *out);
/* Shows a GUI screen ("inventory", "crafting_table", "furnace") in a scene built from env, with
 * the cursor at the screen centre (screenshots and tests; the env is not changed).
 * STATUS_INVALID_ARGUMENT for an unknown name. */
Status render_scene_open_gui(RenderScene *sc, const Env *env, const char *name);
void render_scene(const Renderer *r, const RenderScene *sc, uint8_t *out_rgb, int width,
                  int height);
void render_scene_pool(const Renderer *r, ThreadPool *pool, const RenderScene *sc, uint8_t *out_rgb,
                       int width, int height);

/* Frame-to-frame reuse for a stream of frames of one view (a recording, an agent's
 * observations): a RenderCache keeps each pixel's ray outcome (which block face at which
 * distance, or the sky, or an entity) with what decided it, and its bytes. render_scene_cached
 * gives exactly render_scene's bytes. When the camera (eye, yaw, pitch, size, view distance)
 * is what it was in the cache's last frame, it traces again only the pixels whose entity
 * distance changed, that were hidden last frame, that show the target while it changed, that
 * saw the sky or an entity through water, or whose ray may have reached a chunk that changed
 * (RenderWorldView.chunk_version; a ray that ended nearer than every changed chunk read none
 * of them). The other pixels keep their bytes, or are recoloured when the light, sky or fog
 * colours changed; the sky and entities are always the current frame's. One cache per
 * stream, used by one call at a time. */
typedef struct RenderCache RenderCache;
typedef struct RenderCacheStats {
    int64_t frames;        /* frames drawn through the cache */
    int64_t reused_frames; /* of them, frames that could reuse the last frame's rays */
    int64_t pixels;        /* world pixels of all frames */
    int64_t traced;        /* of them, pixels traced */
} RenderCacheStats;
RenderCache *render_cache_create(void);
void render_cache_destroy(RenderCache *c); /* accepts NULL */
/* Forgets the last frame (the next one is traced whole); keeps the statistics. */
void render_cache_reset(RenderCache *c);
void render_cache_stats(const RenderCache *c, RenderCacheStats *out);
void render_scene_cached(const Renderer *r, RenderCache *c, const RenderScene *sc, uint8_t *out_rgb,
                         int width, int height);
void render_frame_cached(const Renderer *r, RenderCache *c, const Env *env, uint8_t *out_rgb,
                         int width, int height);
/* render_scene_pool through a cache (the rows split over the pool, same bytes). */
void render_scene_pool_cached(const Renderer *r, ThreadPool *pool, RenderCache *c,
                              const RenderScene *sc, uint8_t *out_rgb, int width, int height);
/* render_batch with caches[i] for envs[i] (each cache is used by one thread at a time). */
void render_batch_cached(const Renderer *r, ThreadPool *pool, RenderCache *const *caches,
                         const Env *const *envs, int n, uint8_t *out_rgb, int width, int height);

/* Read-only access to the generated art (tests, tools): the 16x16 RGBA level-0 image of a
 * block face (face 0..5: -x, +x, -y, +y, -z, +z) or of an item icon; NULL for air/none. */
const uint8_t *render_block_face_rgba(const Renderer *r, int block, int face);
const uint8_t *render_item_icon_rgba(const Renderer *r, int item);

#endif
