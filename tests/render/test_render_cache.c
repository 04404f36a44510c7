/* test_render_cache.c: render_scene_cached (frame-to-frame reuse of ray outcomes) gives
 * render_scene's bytes in every frame of a stream in which the world, its light, the time of
 * day, the target and its cracks, entities, the arm and GUI panels change, on the synthetic
 * world (water, glass, leaves, a torch) and on a generated world played through env_step; and
 * it does reuse: a frame that repeats the last one traces almost nothing, a moved camera or an
 * edited block traces everything, a world without chunk versions is always traced whole. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/pool.h"
#include "render/render.h"
#include "scenes.h"
#include "sim/env.h"
#include "sim/preset.h"
#include "sim/world.h"
#include "synth_world.h"
#include "tests/check.h"

static Renderer *R;

/* The synthetic world with a version per chunk, bumped by edits (chunks -2..2 per axis). */
static SynthWorld *W;
static uint64_t VERSION[SYNTH_CHUNKS * SYNTH_CHUNKS];

static uint64_t synth_version(const void *ctx, int cx, int cz) {
    (void)ctx;
    int i = cx + SYNTH_CHUNKS / 2, j = cz + SYNTH_CHUNKS / 2;
    if (i < 0 || j < 0 || i >= SYNTH_CHUNKS || j >= SYNTH_CHUNKS) return 0;
    return VERSION[j * SYNTH_CHUNKS + i];
}

static void edit(int x, int y, int z, int block) {
    synth_world_set(W, x, y, z, block);
    synth_world_relight(W); /* light may change anywhere: every chunk gets a new version */
    for (int k = 0; k < SYNTH_CHUNKS * SYNTH_CHUNKS; k++) VERSION[k] += 1000;
}

/* An edit whose light stays in its own chunk (synth light: sky light down each column, the
 * torch far away): only that chunk gets a new version. */
static void edit_one_chunk(int x, int y, int z, int block) {
    synth_world_set(W, x, y, z, block);
    synth_world_relight(W);
    int i = (x >> 4) + SYNTH_CHUNKS / 2, j = (z >> 4) + SYNTH_CHUNKS / 2;
    VERSION[j * SYNTH_CHUNKS + i] += 1000;
}

static void synth_scene(RenderScene *sc, double x, double y, double z, float yaw, float pitch,
                        int tod) {
    scenes_synth(sc, x, y, z, yaw, pitch, tod);
    sc->world = synth_world_view(W);
    sc->world.chunk_version = synth_version;
}

/* One stream of frames at one size: each frame drawn with and without the cache. */
typedef struct Stream {
    RenderCache *cache;
    ThreadPool *pool; /* non-NULL: render_scene_pool_cached */
    uint8_t *plain, *cached;
    int w, h, frame;
    const char *name;
} Stream;

static void stream_init(Stream *s, const char *name, int w, int h) {
    s->cache = render_cache_create();
    s->plain = mem_alloc((size_t)w * h * 3);
    s->cached = mem_alloc((size_t)w * h * 3);
    s->w = w, s->h = h, s->frame = 0, s->name = name;
    s->pool = NULL;
}

static void stream_free(Stream *s) {
    render_cache_destroy(s->cache);
    mem_free(s->plain);
    mem_free(s->cached);
}

/* Draws sc both ways, checks the bytes, returns the fraction of world pixels traced. */
static double stream_frame(Stream *s, const RenderScene *sc) {
    RenderCacheStats before, after;
    render_cache_stats(s->cache, &before);
    render_scene(R, sc, s->plain, s->w, s->h);
    if (s->pool)
        render_scene_pool_cached(R, s->pool, s->cache, sc, s->cached, s->w, s->h);
    else
        render_scene_cached(R, s->cache, sc, s->cached, s->w, s->h);
    render_cache_stats(s->cache, &after);
    size_t n = (size_t)s->w * s->h * 3, bad = 0;
    for (size_t i = 0; i < n; i++) bad += s->plain[i] != s->cached[i];
    CHECK_MSG(bad == 0, "%s %dx%d frame %d: %zu bytes differ from render_scene", s->name, s->w,
              s->h, s->frame, bad);
    CHECK_EQ_INT(after.frames, before.frames + 1);
    s->frame++;
    int64_t px = after.pixels - before.pixels;
    return px > 0 ? (double)(after.traced - before.traced) / (double)px : 0.0;
}

static void add_mob(RenderScene *sc, double x, double z, float yaw) {
    RenderMob *m = &sc->mobs[sc->n_mobs++];
    m->type = RENDER_MOB_PIG;
    m->x = x, m->z = z;
    m->y = synth_height((int)floor(x), (int)floor(z)) + 1;
    m->yaw = yaw;
    m->hurt = 0;
}

/* The synthetic world: what each kind of change retraces, and the bytes of every frame (one
 * stream drawn on this thread, one with its rows split over a pool). */
static void test_synth_stream(void) {
    /* 64x64 on this thread; 160x90 with its rows over a pool of 2 */
    static const int SIZES[][2] = {{64, 64}, {160, 90}};
    RenderScene *sc = mem_alloc(sizeof *sc);
    ThreadPool *pool = pool_create(2);
    for (int si = 0; si < 2; si++) {
        Stream s;
        stream_init(&s, si ? "synth (pool)" : "synth", SIZES[si][0], SIZES[si][1]);
        s.pool = si ? pool : NULL;
        /* looking over the pond towards the tree, glass and torch, with the HUD */
        double ex = 0.5, ey = synth_height(0, -3) + 2.6, ez = -3.5;
        synth_scene(sc, ex, ey, ez, 0.0f, 10.0f, 6000);
        CHECK(stream_frame(&s, sc) == 1.0); /* nothing kept yet */
        double same = stream_frame(&s, sc);
        CHECK_MSG(same < 0.02, "a repeated frame traced %.3f of its pixels", same);
        /* the clock runs (clouds drift, the sun moves): bytes change, rays are kept */
        for (int i = 0; i < 3; i++) {
            sc->tick += 7;
            CHECK(stream_frame(&s, sc) < 0.02);
        }
        /* dusk: light, sky and fog colours change every frame; hits are recoloured */
        for (int tod = 11800; tod <= 13000; tod += 300) {
            sc->time_of_day = tod;
            CHECK(stream_frame(&s, sc) < 0.2);
        }
        sc->time_of_day = 6000;
        stream_frame(&s, sc);
        /* a pig walks across the view; items spin */
        for (int i = 0; i < 6; i++) {
            sc->n_mobs = 0;
            add_mob(sc, -4.0 + 1.3 * i, 6.0, 30.0f * (float)i);
            sc->n_items = 1;
            sc->items[0].x = 1.5, sc->items[0].z = 3.5;
            sc->items[0].y = synth_height(1, 3) + 1;
            sc->items[0].item = ITEM_DIAMOND, sc->items[0].count = 1, sc->items[0].age = 5 * i;
            CHECK(stream_frame(&s, sc) < 0.3);
        }
        sc->n_mobs = sc->n_items = 0;
        /* a target and its cracks, then another target */
        int ty = synth_height(1, 2);
        sc->has_target = 1, sc->target[0] = 1, sc->target[1] = ty, sc->target[2] = 2;
        for (int i = 0; i < 4; i++) {
            sc->break_progress = 0.25f * (float)i;
            stream_frame(&s, sc);
        }
        sc->target[0] = 0, sc->target[1] = synth_height(0, 2), sc->target[2] = 2;
        stream_frame(&s, sc);
        sc->break_progress = 0.0f; /* no cracks: only the outline goes */
        stream_frame(&s, sc);
        sc->has_target = 0;
        stream_frame(&s, sc);
        /* the arm swings (its pixels are not traced); a GUI panel opens and closes */
        sc->inventory[sc->selected].item = 0, sc->inventory[sc->selected].count = 0;
        for (int i = 0; i < 4; i++) {
            sc->swing = i;
            stream_frame(&s, sc);
        }
        sc->swing = 0;
        sc->gui.open = 1;
        sc->gui.title = "Inventory";
        sc->gui.panel = (RenderRect){200, 60, 240, 220};
        sc->gui.hovered = -1;
        sc->gui.furnace_progress = sc->gui.furnace_fuel = -1.0f;
        sc->gui.cursor_x = 320, sc->gui.cursor_y = 180;
        stream_frame(&s, sc);
        sc->gui.open = 0;
        stream_frame(&s, sc);
        /* the camera turns while the panel hides part of the view, then the panel closes:
         * the pixels it hid are traced for the new view */
        sc->gui.open = 1;
        stream_frame(&s, sc);
        sc->yaw += 20.0f;
        stream_frame(&s, sc);
        sc->gui.open = 0;
        stream_frame(&s, sc);
        sc->yaw -= 20.0f;
        stream_frame(&s, sc);
        /* a block placed in view (new chunk versions): everything is traced again */
        edit(0, synth_height(0, 3) + 1, 3, BLOCK_GLASS);
        CHECK(stream_frame(&s, sc) == 1.0);
        CHECK(stream_frame(&s, sc) < 0.02);
        edit(0, synth_height(0, 3) + 1, 3, BLOCK_AIR);
        CHECK(stream_frame(&s, sc) == 1.0);
        /* a pillar built in a far chunk, seen against the sky over the lake: only rays that
         * reach that chunk are traced */
        synth_scene(sc, 0.5, 68.6, -1.5, 180.0f, -5.0f, 6000);
        stream_frame(&s, sc);
        stream_frame(&s, sc);
        for (int y = 1; y <= 14; y++) {
            edit_one_chunk(0, synth_height(0, -28) + y, -28, BLOCK_COBBLESTONE);
            double f = stream_frame(&s, sc);
            CHECK_MSG(f > 0.0 && f < 0.9, "a far edit traced %.3f of the pixels", f);
        }
        for (int y = 14; y >= 1; y--) edit_one_chunk(0, synth_height(0, -28) + y, -28, BLOCK_AIR);
        stream_frame(&s, sc);
        /* the camera turns a little: everything is traced again */
        sc->yaw += 0.5f;
        CHECK(stream_frame(&s, sc) == 1.0);
        /* under water, then the eye moves by a hair */
        synth_scene(sc, -7.5, 60.8, -14.5, 160.0f, 5.0f, 6000);
        sc->eye_in_water = 1;
        stream_frame(&s, sc);
        stream_frame(&s, sc);
        sc->eye[1] += 1e-6;
        CHECK(stream_frame(&s, sc) == 1.0);
        RenderCacheStats st;
        render_cache_stats(s.cache, &st);
        CHECK(st.reused_frames > st.frames / 2);
        CHECK(st.traced < st.pixels / 2);
        stream_free(&s);
    }
    pool_destroy(pool);
    mem_free(sc);
}

/* A world that cannot say when its chunks change is traced whole, every frame. */
static void test_no_versions_no_reuse(void) {
    RenderScene *sc = mem_alloc(sizeof *sc);
    Stream s;
    stream_init(&s, "unversioned", 64, 64);
    scenes_synth(sc, 0.5, 68.6, -1.5, 180.0f, 25.0f, 6000);
    for (int i = 0; i < 3; i++) CHECK(stream_frame(&s, sc) == 1.0);
    RenderCacheStats st;
    render_cache_stats(s.cache, &st);
    CHECK_EQ_INT(st.reused_frames, 0);
    CHECK(st.traced == st.pixels && st.pixels > 0);
    /* a reset cache traces its next frame whole */
    sc->world.chunk_version = synth_version;
    stream_frame(&s, sc);
    CHECK(stream_frame(&s, sc) < 0.02);
    render_cache_reset(s.cache);
    CHECK(stream_frame(&s, sc) == 1.0);
    stream_free(&s);
    mem_free(sc);
}

/* A generated world with mobs, played through env_step: idle, dig (blocks break, items drop,
 * light changes), look around, open and close the inventory, walk. Every frame's bytes match. */
static void test_env_stream(void) {
    WorldPreset p;
    preset_init_default(&p);
    Env *env = env_create(&p, 3);
    preset_deinit(&p);
    Stream s64, s160;
    stream_init(&s64, "env", 64, 64);
    stream_init(&s160, "env", 160, 90);
    RenderScene *sc = mem_alloc(sizeof *sc);
    const uint32_t ATTACK = ACTION_KEY_BIT(KEY_ATTACK), INV = ACTION_KEY_BIT(KEY_INVENTORY),
                   FWD = ACTION_KEY_BIT(KEY_FORWARD);
    for (int t = 0; t < 260; t++) {
        Action a = {0, 0.0f, 0.0f};
        if (t < 20) {
            a.mouse_dy = t < 4 ? 60.0f : 0.0f; /* look down at the ground first */
        } else if (t < 120) {
            a.keys = ATTACK; /* dig */
        } else if (t < 140) {
            a.mouse_dx = (t % 5 == 0) ? 40.0f : 0.0f; /* look around, with pauses */
        } else if (t == 150 || t == 170) {
            a.keys = INV;
        } else if (t >= 200 && t < 215) {
            a.keys = FWD;
        }
        env_step(env, &a);
        render_scene_from_env(env, sc);
        stream_frame(&s64, sc);
        stream_frame(&s160, sc);
    }
    RenderCacheStats st;
    render_cache_stats(s160.cache, &st);
    CHECK_MSG(st.reused_frames > st.frames / 3, "%lld of %lld frames reused",
              (long long)st.reused_frames, (long long)st.frames);
    CHECK(st.traced < st.pixels * 2 / 3);
    mem_free(sc);
    stream_free(&s64);
    stream_free(&s160);
    env_destroy(env);
}

/* render_batch_cached over a pool: each env's frame is render_frame's, step after step. */
static void test_batch_cached(void) {
    enum { N = 3, FW = 64, FH = 64 };
    WorldPreset p;
    preset_builtin_flat(&p);
    Env *envs[N];
    RenderCache *caches[N];
    for (int i = 0; i < N; i++) {
        envs[i] = env_create(&p, 20 + (uint64_t)i);
        env_load_all(envs[i]); /* (chunks still loading change every frame's key) */
        caches[i] = render_cache_create();
    }
    preset_deinit(&p);
    ThreadPool *pool = pool_create(2);
    uint8_t *batch = mem_alloc(N * FW * FH * 3), *one = mem_alloc(FW * FH * 3);
    for (int t = 0; t < 12; t++) {
        for (int i = 0; i < N; i++) {
            Action a = {0, (t % 4 == 0) ? (float)(10 * i + 5) : 0.0f, 0.0f};
            if (i == 1 && t > 5) a.keys = ACTION_KEY_BIT(KEY_FORWARD);
            env_step(envs[i], &a);
        }
        render_batch_cached(R, pool, caches, (const Env *const *)envs, N, batch, FW, FH);
        for (int i = 0; i < N; i++) {
            render_frame(R, envs[i], one, FW, FH);
            CHECK_MSG(memcmp(one, batch + (size_t)i * FW * FH * 3, FW * FH * 3) == 0,
                      "env %d step %d differs", i, t);
        }
    }
    RenderCacheStats st;
    render_cache_stats(caches[0], &st);
    CHECK_MSG(st.frames == 12 && st.reused_frames >= 6, "%lld of %lld frames reused",
              (long long)st.reused_frames, (long long)st.frames);
    for (int i = 0; i < N; i++) {
        render_cache_destroy(caches[i]);
        env_destroy(envs[i]);
    }
    pool_destroy(pool);
    mem_free(batch);
    mem_free(one);
}

int main(void) {
    R = render_create(NULL);
    W = mem_alloc(sizeof *W);
    synth_world_build(W);
    for (int k = 0; k < SYNTH_CHUNKS * SYNTH_CHUNKS; k++) VERSION[k] = 1 + (uint64_t)k;
    TEST_RUN(test_synth_stream);
    TEST_RUN(test_no_versions_no_reuse);
    TEST_RUN(test_env_stream);
    TEST_RUN(test_batch_cached);
    mem_free(W);
    render_destroy(R);
    return check_finish();
}
