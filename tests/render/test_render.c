/* test_render.c: the renderer's tests: textures (deterministic, every block and item distinct),
 * PNG round trip and failures, determinism across runs and thread counts (scene rows over a
 * pool, frame batches over a pool), the GUI cursor hit-test agreement with the sim, and the
 * golden images (test_render_golden.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "render/internal.h"
#include "render/png.h"
#include "render/render.h"
#include "scenes.h"
#include "sim/env.h"
#include "sim/gui.h"
#include "sim/world.h"
#include "tests/check.h"

static Renderer *R;

static void test_block_textures_distinct(void) {
    /* every block's six faces together differ from every other block's */
    for (int a = 1; a < BLOCK_COUNT; a++)
        for (int b = a + 1; b < BLOCK_COUNT; b++) {
            int same = 1;
            for (int f = 0; f < 6 && same; f++)
                same = memcmp(render_block_face_rgba(R, a, f), render_block_face_rgba(R, b, f),
                              16 * 16 * 4) == 0;
            CHECK_MSG(!same, "blocks %d and %d look the same", a, b);
        }
    /* each block's side face is itself distinct from every other block's side face, except
     * blocks that share a texture on purpose (none do on their +x face) */
    for (int a = 1; a < BLOCK_COUNT; a++)
        for (int b = a + 1; b < BLOCK_COUNT; b++)
            CHECK_MSG(
                memcmp(render_block_face_rgba(R, a, 1), render_block_face_rgba(R, b, 1), 1024),
                "side faces of blocks %d and %d are identical", a, b);
    /* textures are not flat colours: at least 8 distinct texel values */
    for (int a = 1; a < BLOCK_COUNT; a++) {
        const uint8_t *t = render_block_face_rgba(R, a, 1);
        int distinct = 0;
        for (int i = 0; i < 256 && distinct < 8; i++) {
            int seen = 0;
            for (int j = 0; j < i && !seen; j++) seen = memcmp(t + 4 * i, t + 4 * j, 4) == 0;
            distinct += !seen;
        }
        CHECK_MSG(distinct >= 3, "block %d texture is nearly flat", a);
    }
    CHECK(render_block_face_rgba(R, BLOCK_AIR, 0) == NULL);
}

static void test_item_icons_distinct(void) {
    for (int a = 1; a < ITEM_COUNT; a++) {
        const uint8_t *ia = render_item_icon_rgba(R, a);
        int opaque = 0;
        for (int i = 0; i < 256; i++) opaque += ia[4 * i + 3] >= 128;
        CHECK_MSG(opaque >= 12, "item %d icon is (nearly) empty", a);
        for (int b = a + 1; b < ITEM_COUNT; b++)
            CHECK_MSG(memcmp(ia, render_item_icon_rgba(R, b), 1024),
                      "items %d and %d share an icon", a, b);
    }
}

static void test_textures_deterministic(void) {
    Renderer *r2 = render_create(NULL);
    for (int b = 1; b < BLOCK_COUNT; b++)
        for (int f = 0; f < 6; f++)
            CHECK(memcmp(render_block_face_rgba(R, b, f), render_block_face_rgba(r2, b, f), 1024) ==
                  0);
    for (int i = 1; i < ITEM_COUNT; i++)
        CHECK(memcmp(render_item_icon_rgba(R, i), render_item_icon_rgba(r2, i), 1024) == 0);
    render_destroy(r2);
    render_destroy(NULL);
}

static void test_png_roundtrip_and_errors(void) {
    /* in a fresh temporary folder, so the test leaves nothing where it was run */
    char dir[] = "/tmp/vpt_test_png_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(dir) == 0);
    uint8_t img[7 * 5 * 3];
    for (int i = 0; i < (int)sizeof img; i++) img[i] = (uint8_t)(i * 37);
    CHECK_EQ_INT(render_png_write("rt.png", img, 7, 5), STATUS_OK);
    uint8_t *back = NULL;
    int w = 0, h = 0;
    CHECK_EQ_INT(render_png_read("rt.png", &back, &w, &h), STATUS_OK);
    CHECK_EQ_INT(w, 7);
    CHECK_EQ_INT(h, 5);
    CHECK(back && memcmp(back, img, sizeof img) == 0);
    mem_free(back);
    log_set_level(LOG_LEVEL_SILENT);
    CHECK_EQ_INT(fs_write_atomic("notpng.png", "hello world, not a png", 22), STATUS_OK);
    CHECK_EQ_INT(render_png_read("notpng.png", &back, &w, &h), STATUS_PARSE);
    CHECK(back == NULL);
    /* a truncated PNG fails to decode */
    char *data = NULL;
    size_t len = 0;
    CHECK_EQ_INT(fs_read_file("rt.png", &data, &len), STATUS_OK);
    CHECK_EQ_INT(fs_write_atomic("trunc.png", data, len / 2), STATUS_OK);
    mem_free(data);
    CHECK(render_png_read("trunc.png", &back, &w, &h) != STATUS_OK);
    CHECK(render_png_read("missing-file.png", &back, &w, &h) != STATUS_OK);
    CHECK(render_png_write("no/such/dir/x.png", img, 7, 5) != STATUS_OK);
    CHECK(!fs_exists("no/such/dir/x.png"));
    log_set_level(LOG_LEVEL_WARN);
    unlink("rt.png");
    unlink("notpng.png");
    unlink("trunc.png");
    CHECK(chdir(cwd) == 0);
    CHECK(rmdir(dir) == 0);
}

static void test_scene_threads_identical(void) {
    RenderScene *sc = mem_calloc(1, sizeof *sc);
    scenes_synth(sc, 0.5, 67.6, -3.5, 0.0f, 10.0f, 6000);
    const int W = 96, H = 54;
    uint8_t *a = mem_alloc(W * H * 3), *b = mem_alloc(W * H * 3);
    render_scene(R, sc, a, W, H);
    render_scene(R, sc, b, W, H);
    CHECK(memcmp(a, b, W * H * 3) == 0);
    for (int threads = 2; threads <= 3; threads++) {
        ThreadPool *pool = pool_create(threads);
        memset(b, 0, W * H * 3);
        render_scene_pool(R, pool, sc, b, W, H);
        CHECK_MSG(memcmp(a, b, W * H * 3) == 0, "%d threads differ", threads);
        pool_destroy(pool);
    }
    /* the view changes with the pose: not a constant image */
    scenes_synth(sc, 0.5, 67.6, -3.5, 90.0f, 10.0f, 6000);
    render_scene(R, sc, b, W, H);
    CHECK(memcmp(a, b, W * H * 3) != 0);
    mem_free(a);
    mem_free(b);
    mem_free(sc);
}

static Env *flat_env(uint64_t seed) {
    WorldPreset p;
    preset_builtin_flat(&p);
    p.mobs = 0;
    Env *e = env_create(&p, seed);
    preset_deinit(&p);
    env_load_all(e);
    return e;
}

static void test_batch_matches_serial(void) {
    enum { N = 3, W = 64, H = 64 };
    Env *envs[N];
    for (int i = 0; i < N; i++) {
        envs[i] = flat_env(10 + (uint64_t)i);
        Action a = {0, (float)(i * 40), 20.0f};
        env_step(envs[i], &a);
    }
    uint8_t *serial = mem_alloc(N * W * H * 3), *batch = mem_alloc(N * W * H * 3);
    for (int i = 0; i < N; i++) render_frame(R, envs[i], serial + i * W * H * 3, W, H);
    for (int threads = 1; threads <= 3; threads++) {
        ThreadPool *pool = threads > 1 ? pool_create(threads) : NULL;
        memset(batch, 0, N * W * H * 3);
        render_batch(R, pool, (const Env *const *)envs, N, batch, W, H);
        CHECK_MSG(memcmp(serial, batch, N * W * H * 3) == 0, "batch on %d threads differs",
                  threads);
        pool_destroy(pool);
    }
    CHECK(memcmp(serial, serial + W * H * 3, W * H * 3) != 0); /* different views */
    mem_free(serial);
    mem_free(batch);
    for (int i = 0; i < N; i++) env_destroy(envs[i]);
}

/* Finds the rendered cursor's tip: the first pixel (raster order) where the frame with the
 * cursor differs from the same scene without the arrow. */
static int find_cursor_tip(const RenderScene *sc, int W, int H, int *px, int *py) {
    RenderScene *off = mem_alloc(sizeof *off);
    memcpy(off, sc, sizeof *off);
    off->gui.hide_cursor = 1; /* same highlight and stack: only the arrow differs */
    uint8_t *a = mem_alloc((size_t)W * H * 3), *b = mem_alloc((size_t)W * H * 3);
    render_scene(R, sc, a, W, H);
    render_scene(R, off, b, W, H);
    int found = 0;
    for (int i = 0; i < W * H && !found; i++)
        if (memcmp(a + 3 * i, b + 3 * i, 3) != 0) *px = i % W, *py = i / W, found = 1;
    mem_free(a);
    mem_free(b);
    mem_free(off);
    return found;
}

static void step_cursor_to(Env *env, float x, float y) {
    const Gui *g = env_gui(env);
    Action a = {0, x - g->cursor_x, y - g->cursor_y};
    env_step(env, &a);
}

static void test_gui_cursor_matches_hit_test(void) {
    Env *env = flat_env(3);
    Action open = {ACTION_KEY_BIT(KEY_INVENTORY), 0, 0}, none = {0, 0, 0};
    env_step(env, &none);
    env_step(env, &open);
    CHECK_EQ_INT(env_gui(env)->screen, GUI_INVENTORY);
    const GuiLayout *lay = gui_layout(GUI_INVENTORY);
    static const int SIZES[3][2] = {{640, 360}, {128, 128}, {64, 64}};
    RenderScene *sc = mem_alloc(sizeof *sc);
    for (int s = 0; s < 3; s++) {
        int W = SIZES[s][0], H = SIZES[s][1];
        for (int i = 0; i < lay->n_elems; i += (s == 0 ? 3 : 5)) {
            const GuiRect *r = &lay->elems[i].rect;
            step_cursor_to(env, (float)r->x + r->w / 2, (float)r->y + r->h / 2);
            render_scene_from_env(env, sc);
            int px = -1, py = -1;
            CHECK(find_cursor_tip(sc, W, H, &px, &py));
            /* the GUI point the tip pixel shows, and the element the layout has there */
            float gx = ((float)px + 0.5f) * 640.0f / (float)W,
                  gy = ((float)py + 0.5f) * 360.0f / (float)H;
            int drawn = -1;
            for (int k = 0; k < lay->n_elems; k++) {
                const GuiRect *q = &lay->elems[k].rect;
                if (gx >= q->x && gx < q->x + q->w && gy >= q->y && gy < q->y + q->h) drawn = k;
            }
            int sim = gui_hovered(env_gui(env));
            CHECK_MSG(drawn == sim && sim == i,
                      "%dx%d: cursor drawn over element %d, sim hit-test %d, aimed %d", W, H, drawn,
                      sim, i);
        }
    }
    /* off any element: the sim reports none, and so does the drawn cursor */
    step_cursor_to(env, 289.0f, 4.0f);
    render_scene_from_env(env, sc);
    CHECK_EQ_INT(gui_hovered(env_gui(env)), -1);
    CHECK_EQ_INT(sc->gui.hovered, -1);
    mem_free(sc);
    env_destroy(env);
}

/* Holding attack swings the arm (a visible cue of the button); the view is otherwise the same. */
static void test_arm_swings_while_attacking(void) {
    Env *a = flat_env(7), *b = flat_env(7);
    Action look_up = {0, 0.0f, -400.0f}; /* pitch -60: nothing to hit */
    env_step(a, &look_up);
    env_step(b, &look_up);
    Action idle = {0, 0, 0}, attack = {ACTION_KEY_BIT(KEY_ATTACK), 0, 0};
    for (int i = 0; i < 3; i++) {
        env_step(a, &idle);
        env_step(b, &attack);
    }
    CHECK(env_player(a)->pitch == env_player(b)->pitch && env_player(a)->x == env_player(b)->x);
    enum { W = 160, H = 90 };
    uint8_t *fa = mem_alloc(W * H * 3), *fb = mem_alloc(W * H * 3);
    render_frame(R, a, fa, W, H);
    render_frame(R, b, fb, W, H);
    int diff_hand = 0, diff_left = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int d = memcmp(fa + 3 * (y * W + x), fb + 3 * (y * W + x), 3) != 0;
            if (x >= W * 60 / 100)
                diff_hand += d;
            else
                diff_left += d;
        }
    CHECK(diff_hand > 20); /* the arm moved, lower right */
    CHECK(diff_left == 0); /* nothing else changed */
    mem_free(fa);
    mem_free(fb);
    env_destroy(a);
    env_destroy(b);
}

/* Odd and tiny sizes draw without touching memory outside the frame (run under ASan). */
static void test_odd_sizes(void) {
    static const int SIZES[][2] = {{1, 1}, {2, 3}, {17, 9}, {1, 100}, {100, 1}, {33, 65}};
    RenderScene *sc = mem_calloc(1, sizeof *sc);
    scenes_synth(sc, 0.5, 67.6, -3.5, 0.0f, 10.0f, 6000);
    sc->has_target = 1, sc->target[0] = 0, sc->target[1] = 66, sc->target[2] = 0;
    sc->break_progress = 0.5f;
    for (int gui = 0; gui < 2; gui++) {
        if (gui) { /* a GUI with a slot, a button and the cursor near the far corner */
            sc->gui.open = 1;
            sc->gui.panel = (RenderRect){100, 20, 440, 320};
            sc->gui.n_elems = 2;
            sc->gui.rect[0] = (RenderRect){120, 40, 36, 36};
            sc->gui.stack[0] = (ItemStack){ITEM_STICK, 12, 0};
            sc->gui.rect[1] = (RenderRect){200, 40, 84, 70};
            sc->gui.style[1] = RENDER_GUI_RECIPE;
            sc->gui.stack[1] = (ItemStack){BLOCK_FURNACE, 1, 0};
            sc->gui.cursor_x = 639, sc->gui.cursor_y = 359;
            sc->gui.cursor_stack = (ItemStack){BLOCK_DIRT, 3, 0};
            sc->gui.hovered = 0;
        }
        for (size_t i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++) {
            int w = SIZES[i][0], h = SIZES[i][1];
            uint8_t *rgb = mem_alloc((size_t)w * h * 3 + 1);
            rgb[(size_t)w * h * 3] = 0xAB; /* guard byte */
            render_scene(R, sc, rgb, w, h);
            CHECK_MSG(rgb[(size_t)w * h * 3] == 0xAB, "%dx%d wrote past the frame", w, h);
            mem_free(rgb);
        }
    }
    mem_free(sc);
}

/* A scene whose world is loaded only 16 blocks around fogs out there: far pixels change,
 * near ones (the ground under the eye) do not. */
static void test_view_limit_fogs_far_terrain(void) {
    RenderScene *sc = mem_calloc(1, sizeof *sc);
    scenes_synth(sc, 4.5, 70.6, -3.5, 60.0f, 12.0f, 6000); /* over dry hills, away from water */
    sc->show_hud = 0;
    enum { W = 96, H = 54 };
    uint8_t *a = mem_alloc(W * H * 3), *b = mem_alloc(W * H * 3);
    render_scene(R, sc, a, W, H);
    sc->view_limit = 16;
    render_scene(R, sc, b, W, H);
    int far_diff = 0, near_diff = 0;
    for (int i = 0; i < W * H; i++) {
        int d = memcmp(a + 3 * i, b + 3 * i, 3) != 0;
        if (i / W < H / 2) far_diff += d;                    /* upper half: horizon and hills */
        if (i / W >= H - 4 && i % W < W / 3) near_diff += d; /* the grass at the feet */
    }
    CHECK(far_diff > 50);
    CHECK_EQ_INT(near_diff, 0);
    mem_free(a);
    mem_free(b);
    mem_free(sc);
}

/* The world pass leaves the bare arm's pixels untraced (render_hand_span): the overlay must cover
 * exactly them, at every size and swing phase. Oracle: every pixel traced, then the overlay. */
static void test_arm_pixels_untraced_are_covered(void) {
    RenderScene *sc = mem_calloc(1, sizeof *sc);
    scenes_synth(sc, 0.5, 68.6, -1.5, 180.0f, 25.0f, 6000);
    memset(sc->inventory, 0, sizeof sc->inventory); /* empty hand: the bare arm */
    static const int SIZES[][2] = {{64, 64}, {160, 90}, {97, 41}, {7, 5}, {640, 360}};
    FrameCtx *fc = mem_alloc(sizeof *fc);
    for (int si = 0; si < 5; si++) {
        int w = SIZES[si][0], h = SIZES[si][1];
        uint8_t *a = mem_alloc((size_t)w * h * 3), *b = mem_alloc((size_t)w * h * 3);
        for (int swing = 0; swing <= 6; swing += 3) {
            sc->swing = swing;
            render_scene(R, sc, a, w, h);
            render_frame_setup(fc, R, sc, w, h);
            CHECK(fc->hand);
            fc->hand = 0;
            render_world_rows(fc, b, 0, h);
            float l[3];
            render_light_rgb(fc, fc->ecx, fc->ecy, fc->ecz, l);
            render_overlay(R, sc, b, w, h, l);
            CHECK_MSG(memcmp(a, b, (size_t)w * h * 3) == 0, "%dx%d swing %d differs", w, h, swing);
            int x0, x1, rows = 0;
            for (int y = 0; y < h; y++) rows += render_hand_span(sc, w, h, y, &x0, &x1);
            if (w >= 64) CHECK(rows > h / 5); /* the arm is there */
        }
        mem_free(a);
        mem_free(b);
    }
    sc->inventory[sc->selected] = (ItemStack){ITEM_STICK, 1, 0}; /* held item: nothing skipped */
    CHECK(!render_hand_shown(sc));
    mem_free(fc);
    mem_free(sc);
}

/* Frames of `sc` from R and from the scalar-only renderer are byte for byte the same at a
 * few sizes; returns how many of them took the SIMD walk. */
static int simd_frames_match(const Renderer *scalar, const RenderScene *sc, const char *what) {
    static const int SIZES[][2] = {{64, 64}, {128, 128}, {97, 41}, {160, 90}};
    FrameCtx *fc = mem_alloc(sizeof *fc);
    int used = 0;
    for (int si = 0; si < 4; si++) {
        int w = SIZES[si][0], h = SIZES[si][1];
        uint8_t *a = mem_alloc((size_t)w * h * 3), *b = mem_alloc((size_t)w * h * 3);
        render_scene(R, sc, a, w, h);
        render_scene(scalar, sc, b, w, h);
        CHECK_MSG(memcmp(a, b, (size_t)w * h * 3) == 0, "%s at %dx%d: SIMD and scalar differ", what,
                  w, h);
        render_frame_setup(fc, R, sc, w, h);
        used += fc->simd;
        mem_free(a);
        mem_free(b);
    }
    mem_free(fc);
    return used;
}

/* The SIMD walk (trace_simd.c) gives the scalar walk's bytes: the synthetic world from many
 * directions by day and night, and the default generated world's surface (trees, hills,
 * water, mobs), from a dug cave with torches and from under water. On a CPU with AVX-512 the
 * SIMD walk must actually have run. */
static void test_simd_walk_matches_scalar(void) {
    RenderOptions so = {64, 1, 1};
    Renderer *scalar = render_create(&so);
    RenderScene *sc = mem_calloc(1, sizeof *sc);
    int used = 0;
    char what[96];
    for (int yaw = 0; yaw < 360; yaw += 45)
        for (int pitch = -60; pitch <= 60; pitch += 30) {
            scenes_synth(sc, 0.5, 67.6, -3.5, (float)yaw, (float)pitch, pitch == 0 ? 18000 : 6000);
            snprintf(what, sizeof what, "synth yaw %d pitch %d", yaw, pitch);
            used += simd_frames_match(scalar, sc, what);
        }
    /* mobs (one hurt) and spinning items, from both sides and from above */
    for (int pitch = 20; pitch <= 60; pitch += 20)
        for (int age = 0; age < 4; age++) {
            if (age < 3)
                scenes_synth(sc, 0.5, synth_height(0, 17) + 2.6, 17.5, 180.0f, (float)pitch, 6000);
            else
                scenes_synth(sc, 0.5, synth_height(0, 9) + 2.6, 9.5, 0.0f, (float)pitch, 6000);
            scenes_add_entities(sc);
            for (int i = 0; i < sc->n_items; i++) sc->items[i].age += 7 * age;
            snprintf(what, sizeof what, "entities pitch %d age %d", pitch, age);
            used += simd_frames_match(scalar, sc, what);
        }
    /* the sky alone: the sun at noon and the moon at midnight straight above, the sun low at
     * dawn and dusk, the stars, clouds drifting with the tick */
    static const int SKY[][3] = {{6000, 0, -89},  {18000, 0, -89},  {100, 270, -5},
                                 {11900, 90, -5}, {18000, 45, -40}, {6000, 30, -35}};
    for (int i = 0; i < 6; i++) {
        scenes_synth(sc, 0.5, 67.6, -3.5, (float)SKY[i][1], (float)SKY[i][2], SKY[i][0]);
        for (int tick = 0; tick < 3; tick++) {
            sc->tick = 977 * tick;
            snprintf(what, sizeof what, "sky tod %d yaw %d pitch %d tick %d", SKY[i][0], SKY[i][1],
                     SKY[i][2], sc->tick);
            used += simd_frames_match(scalar, sc, what);
        }
    }
    WorldPreset p;
    preset_init_default(&p);
    Env *env = env_create(&p, 7);
    preset_deinit(&p);
    env_load_all(env);
    for (int i = 0; i < 200; i++) { /* let mobs spawn and move */
        Action a = {0, 0.0f, 0.0f};
        env_step(env, &a);
    }
    double x, y, z;
    env_spawn_point(env, &x, &y, &z);
    for (int yaw = 0; yaw < 360; yaw += 60)
        for (int pitch = -30; pitch <= 30; pitch += 30) {
            env_set_pose(env, x, y, z, (float)yaw, (float)pitch);
            render_scene_from_env(env, sc);
            snprintf(what, sizeof what, "default world yaw %d pitch %d", yaw, pitch);
            used += simd_frames_match(scalar, sc, what);
        }
    /* a cave room with torches, and the view from under the nearest water */
    World *w = env_world_mut(env);
    int cx = (int)x, cz = (int)z;
    for (int yy = 30; yy < 35; yy++)
        for (int zz = cz - 6; zz <= cz + 6; zz++)
            for (int xx = cx - 6; xx <= cx + 6; xx++) world_block_set(w, xx, yy, zz, BLOCK_AIR);
    world_block_set(w, cx + 3, 30, cz + 5, BLOCK_TORCH);
    env_set_pose(env, cx + 0.5, 30.0, cz - 4.5, 10.0f, 10.0f);
    render_scene_from_env(env, sc);
    used += simd_frames_match(scalar, sc, "cave");
    for (int r = 1; r < 60; r++) {
        int found = 0;
        for (int dz = -r; dz <= r && !found; dz++)
            for (int dx = -r; dx <= r && !found; dx++) {
                if (world_block_get(w, cx + dx, SEA_LEVEL - 1, cz + dz) != BLOCK_WATER) continue;
                env_set_pose(env, cx + dx + 0.5, SEA_LEVEL - 1.6, cz + dz + 0.5, 30.0f, -10.0f);
                render_scene_from_env(env, sc);
                used += simd_frames_match(scalar, sc, "under water");
                env_set_pose(env, cx + dx + 0.5, SEA_LEVEL + 2.0, cz + dz + 0.5, 30.0f, 20.0f);
                render_scene_from_env(env, sc);
                used += simd_frames_match(scalar, sc, "above water");
                found = 1;
            }
        if (found) break;
    }
    if (render_simd_available()) CHECK_MSG(used > 40, "the SIMD walk ran for %d frames", used);
    env_destroy(env);
    mem_free(sc);
    render_destroy(scalar);
}

/* The golden images live in test_render_golden.c (its own check state: count it here). */
static void test_golden(void) { CHECK_EQ_INT(test_render_golden(R), 0); }

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    R = render_create(NULL);
    TEST_RUN(test_block_textures_distinct);
    TEST_RUN(test_item_icons_distinct);
    TEST_RUN(test_textures_deterministic);
    TEST_RUN(test_png_roundtrip_and_errors);
    TEST_RUN(test_scene_threads_identical);
    TEST_RUN(test_batch_matches_serial);
    TEST_RUN(test_gui_cursor_matches_hit_test);
    TEST_RUN(test_arm_swings_while_attacking);
    TEST_RUN(test_odd_sizes);
    TEST_RUN(test_view_limit_fogs_far_terrain);
    TEST_RUN(test_arm_pixels_untraced_are_covered);
    TEST_RUN(test_simd_walk_matches_scalar);
    TEST_RUN(test_golden);
    render_destroy(R);
    return check_finish();
}
