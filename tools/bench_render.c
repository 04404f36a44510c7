/* bench_render.c: `vpt bench render`: frames/s of the software renderer on one core over a
 * fixed set of views (forest surface, ocean, cave with torches, night, inventory GUI), at
 * 64x64, 128x128 and 640x360, and env steps/s with a 64x64 observation per step. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include <time.h>
#include "render/png.h"
#include "render/render.h"
#include "sim/env.h"
#include "tools/bench.h"
#include "tools/cli.h"

#define N_VIEWS 5

/* CPU seconds of this thread: "frames/s on one core" should not count time the core spent on
 * other processes (the build machine is shared); on an idle machine it equals wall time. */
static double thread_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Builds the benchmark views from one default world: scenes[0..N_VIEWS). */
static void build_views(Env *env, RenderScene *scenes) {
    const Player *p = env_player(env);
    double sx = p->x, sy = p->y, sz = p->z;
    /* 0: surface, looking at the horizon */
    double pose0[5] = {sx, sy, sz, 30.0, 5.0};
    render_tool_set_pose(env, pose0);
    render_scene_from_env(env, &scenes[0]);
    /* 1: ocean / water: the nearest sea-level water column in the loaded area */
    const World *w = env_world(env);
    double pose1[5] = {sx, sy + 6.0, sz, 120.0, 20.0};
    for (int r = 1; r < 60; r++) {
        int found = 0;
        for (int dz = -r; dz <= r && !found; dz++)
            for (int dx = -r; dx <= r && !found; dx += (abs(dz) == r ? 1 : 2 * r)) {
                int x = (int)sx + dx, z = (int)sz + dz;
                if (world_block_get(w, x, SEA_LEVEL, z) == BLOCK_WATER) {
                    pose1[0] = x + 0.5, pose1[1] = SEA_LEVEL + 3.0, pose1[2] = z + 0.5;
                    found = 1;
                }
            }
        if (found) break;
    }
    render_tool_set_pose(env, pose1);
    render_scene_from_env(env, &scenes[1]);
    /* 2: a cave room with torches, carved 30 blocks down */
    World *wm = env_world_mut(env);
    int cx = (int)floor(sx), cy = 30, cz = (int)floor(sz);
    for (int y = cy; y < cy + 5; y++)
        for (int z = cz - 6; z <= cz + 6; z++)
            for (int x = cx - 6; x <= cx + 6; x++) world_block_set(wm, x, y, z, BLOCK_AIR);
    world_block_set(wm, cx + 3, cy, cz + 5, BLOCK_TORCH);
    world_block_set(wm, cx - 4, cy, cz + 2, BLOCK_TORCH);
    double pose2[5] = {cx + 0.5, cy, cz - 4.5, 10.0, 10.0};
    render_tool_set_pose(env, pose2);
    render_scene_from_env(env, &scenes[2]);
    /* 3: night on the surface */
    render_tool_set_pose(env, pose0);
    render_scene_from_env(env, &scenes[3]);
    scenes[3].time_of_day = 18000;
    /* 4: inventory open (when this build has GUI screens, else the surface looking down) */
    double pose4[5] = {sx, sy, sz, 200.0, 35.0};
    render_tool_set_pose(env, pose4);
    render_scene_from_env(env, &scenes[4]);
    render_scene_open_gui(&scenes[4], env, "inventory");
}

/* Frames/s over the views: for `secs` seconds, or exactly `rounds` rounds when rounds > 0
 * (fixed work, for comparing builds). */
static double fps_at(const Renderer *r, const RenderScene *scenes, int w, int h, double secs,
                     long rounds) {
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    long frames = 0;
    double t0 = thread_cpu_now(), t = t0;
    while (rounds > 0 ? frames < rounds * N_VIEWS : t - t0 < secs) {
        for (int v = 0; v < N_VIEWS; v++) render_scene(r, &scenes[v], rgb, w, h);
        frames += N_VIEWS;
        t = thread_cpu_now();
    }
    mem_free(rgb);
    return (double)frames / (t - t0);
}

/* Frames/s of a still camera through a RenderCache per view while the clock runs (clouds
 * drift): what a contractor's mining, waiting or reading costs in a recording. */
static double still_fps(const Renderer *r, RenderScene *scenes, int w, int h, double secs) {
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    RenderCache *caches[N_VIEWS];
    for (int v = 0; v < N_VIEWS; v++) {
        caches[v] = render_cache_create();
        render_scene_cached(r, caches[v], &scenes[v], rgb, w, h);
    }
    long frames = 0;
    double t0 = thread_cpu_now(), t = t0;
    while (t - t0 < secs) {
        for (int v = 0; v < N_VIEWS; v++) {
            scenes[v].tick++;
            render_scene_cached(r, caches[v], &scenes[v], rgb, w, h);
        }
        frames += N_VIEWS;
        t = thread_cpu_now();
    }
    for (int v = 0; v < N_VIEWS; v++) render_cache_destroy(caches[v]);
    mem_free(rgb);
    return (double)frames / (t - t0);
}

static double env_steps_per_s(const Renderer *r, Env *env, double secs) {
    uint8_t rgb[64 * 64 * 3];
    long steps = 0;
    double t0 = thread_cpu_now(), t = t0;
    while (t - t0 < secs) {
        for (int i = 0; i < 100; i++, steps++) {
            Action a = {0, 0.0f, 0.0f};
            action_key_set(&a, KEY_FORWARD, (steps / 40) % 3 != 0);
            action_key_set(&a, KEY_JUMP, steps % 50 == 0);
            action_key_set(&a, KEY_ATTACK, (steps / 30) % 2 == 0);
            a.mouse_dx = (float)((steps / 20) % 5 - 2) * 3.0f;
            env_step(env, &a);
            render_frame(r, env, rgb, 64, 64);
        }
        t = thread_cpu_now();
    }
    return (double)steps / (t - t0);
}

static int dump_views(const Renderer *r, const RenderScene *scenes, const char *dir, int w, int h) {
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    int rc = 0;
    for (int v = 0; v < N_VIEWS && rc == 0; v++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/view_%d.png", dir, v);
        render_scene(r, &scenes[v], rgb, w, h);
        if (render_png_write(path, rgb, w, h) != STATUS_OK) rc = 1;
    }
    mem_free(rgb);
    return rc;
}

int bench_render(int argc, char **argv) {
    double secs = 1.0;
    uint64_t seed = 1;
    long long rounds = 0;
    const char *dump = NULL;
    const char *only = NULL;
    int scalar = 0;
    const CliOption opts[] = {
        {"--seconds", CLI_DOUBLE, &secs, "S", "time per measurement (default 1)", 0.05, 60},
        {"--seed", CLI_U64, &seed, "S", "world seed (default 1)", 0, 0},
        {"--dump", CLI_STRING, &dump, "DIR",
         "also write the views as DIR/view_N.png (640x360 or --size)", 0, 0},
        {"--rounds", CLI_INT, &rounds, "N", "fixed work: N rounds over the views at 64x64", 1,
         1000000},
        {"--size", CLI_STRING, &only, "WxH",
         "only this size, no env steps (profiling: with --rounds, exactly 5N frames)", 0, 0},
        {"--scalar", CLI_FLAG, &scalar, NULL,
         "the scalar cell walk even where the CPU has AVX-512 (same bytes)", 0, 0},
    };
    const CliSpec spec = {"bench render",
                          "[--seconds S] [--seed S] [--rounds N] [--dump DIR] [--size WxH] "
                          "[--scalar]",
                          "software renderer frames/s on one core",
                          opts,
                          6,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    int w = 0, h = 0;
    if (only) {
        char tail = 0;
        if (sscanf(only, "%dx%d%c", &w, &h, &tail) != 2 || w < 1 || h < 1 || w > 4096 || h > 4096) {
            fprintf(stderr, "vpt bench render: --size: bad value '%s' (expected WxH, e.g. 64x64)\n",
                    only);
            return 2;
        }
    }
    Env *env = render_tool_open_world("default", seed, 1);
    if (!env) return 1;
    env_load_all(env);
    RenderOptions ro = {64, 1, scalar};
    Renderer *r = render_create(&ro);
    RenderScene *scenes = mem_calloc(N_VIEWS, sizeof *scenes);
    build_views(env, scenes);
    if (dump && dump_views(r, scenes, dump, only ? w : 640, only ? h : 360) != 0) return 1;
    if (only) {
        double f = fps_at(r, scenes, w, h, secs, (long)rounds);
        printf("{\"size\": \"%dx%d\", \"fps\": %.1f, \"views\": %d, \"threads\": 1, "
               "\"walk\": \"%s\", \"timing\": \"thread_cpu\"}\n",
               w, h, f, N_VIEWS, render_walk_name(r));
        mem_free(scenes);
        render_destroy(r);
        env_destroy(env);
        return 0;
    }
    double f64 = fps_at(r, scenes, 64, 64, secs, (long)rounds);
    double f128 = fps_at(r, scenes, 128, 128, secs, rounds ? (long)rounds / 4 + 1 : 0);
    double f640 = fps_at(r, scenes, 640, 360, secs, rounds ? (long)rounds / 50 + 1 : 0);
    double still640 = still_fps(r, scenes, 640, 360, secs);
    env_destroy(env);
    env = render_tool_open_world("default", seed, 1);
    env_load_all(env);
    double steps = env_steps_per_s(r, env, secs);
    printf("{\"fps_64x64\": %.0f, \"fps_128x128\": %.0f, \"fps_640x360\": %.1f, "
           "\"env_steps_per_s_64x64\": %.0f, \"still_fps_640x360\": %.1f, \"views\": %d, "
           "\"threads\": 1, \"view_distance\": %d, \"walk\": \"%s\", \"timing\": \"thread_cpu\"}\n",
           f64, f128, f640, steps, still640, N_VIEWS, render_options(r)->view_distance,
           render_walk_name(r));
    mem_free(scenes);
    render_destroy(r);
    env_destroy(env);
    return 0;
}
