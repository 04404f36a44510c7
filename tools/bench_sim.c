/* bench_sim.c: `vpt bench sim`: ticks per second on one core (full rules, no rendering, a
 * mixed agent-like action stream), chunks generated per second on one core (terrain, caves,
 * ores, trees and light), bytes per loaded chunk, reset time, and vectorized ticks per second
 * over the thread pool. Prints one JSON object. */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/pool.h"
#include "core/rng.h"
#include "sim/env.h"
#include "sim/gen.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "tools/sim_preset_path.h"

#define N_ACTIONS 65536

/* Single-core figures use this thread's CPU time, so other processes on a shared machine do
 * not distort a per-core rate; the batched figure uses wall time. */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* An agent-like stream (a state machine that knows its pitch): walking about (sprinting,
 * jumping over steps), looking around, mining what is ahead, placing a few blocks, strafing
 * and idling, with the pitch brought back towards the horizon between activities. */
void make_actions(Action *acts, int n, uint64_t seed) {
    Rng r = rng_stream(seed, 77);
    float pitch = 0; /* degrees, tracked like the sim does */
    int i = 0;
    while (i < n) {
        int len = 10 + (int)rng_below(&r, 60), kind = (int)rng_below(&r, 10);
        float target = kind >= 4 && kind <= 6 ? (float)rng_range(&r, 15, 50)
                       : kind == 7            ? 70.0f
                                              : (float)rng_range(&r, -10, 10);
        float dx = (float)rng_range(&r, -40, 40);
        int hop = rng_below(&r, 5) < 2; /* hold jump through the whole walk */
        for (int k = 0; k < len && i < n; k++, i++) {
            Action *a = &acts[i];
            a->keys = 0;
            a->mouse_dx = 0;
            /* steer the pitch to the activity's target over a few ticks */
            float dy = (target - pitch) / 0.15f;
            if (dy > 60) dy = 60;
            if (dy < -60) dy = -60;
            a->mouse_dy = k < 4 ? dy : 0.0f;
            pitch += a->mouse_dy * 0.15f;
            switch (kind) {
            case 0:
            case 1:
            case 2: /* walk, sometimes sprinting, jumping over steps */
                action_key_set(a, KEY_FORWARD, 1);
                action_key_set(a, KEY_SPRINT, kind == 2);
                action_key_set(a, KEY_JUMP, hop || rng_below(&r, 4) == 0);
                a->mouse_dx = dx * 0.05f;
                break;
            case 3: /* look around */
                a->mouse_dx = dx * 0.3f;
                break;
            case 4:
            case 5:
            case 6: /* mine what is ahead */
                action_key_set(a, KEY_HOTBAR_1, k == 0);
                action_key_set(a, KEY_ATTACK, 1);
                break;
            case 7: /* place a few blocks */
                action_key_set(a, KEY_HOTBAR_2, k == 0);
                action_key_set(a, KEY_USE, (k % 8) == 5);
                break;
            case 8: /* strafe */
                action_key_set(a, (dx > 0) ? KEY_LEFT : KEY_RIGHT, 1);
                break;
            default: /* idle (VPT: a third of human ticks are null actions) */
                break;
            }
        }
    }
}

static void bench_preset(WorldPreset *p) {
    p->n_inventory = 0;
    p->inventory[p->n_inventory++] = (PresetItem){ITEM_STONE_PICKAXE, 1, 0};
    p->inventory[p->n_inventory++] = (PresetItem){BLOCK_DIRT, 64, 1};
    p->episode_length = 0;
}

typedef struct BatchCtx {
    Env **envs;
    const Action *acts;
} BatchCtx;

/* Times `ticks` steps; *path gets the horizontal distance the player covered. */
static double bench_ticks(Env *env, const Action *acts, long ticks, double *path) {
    const Player *p = env_player(env);
    double px = p->x, pz = p->z, walked = 0;
    double t0 = cpu_now();
    for (long i = 0; i < ticks; i++) {
        StepResult r = env_step(env, &acts[i & (N_ACTIONS - 1)]);
        (void)r;
        if ((i & 63) == 63) {
            walked += hypot(p->x - px, p->z - pz);
            px = p->x;
            pz = p->z;
        }
    }
    double rate = (double)ticks / (cpu_now() - t0);
    *path = walked;
    return rate;
}

typedef struct RunStats {
    size_t bytes_per_chunk;
    int loaded, stored;
} RunStats;

/* One env of the preset at view radius `radius` on the action stream. */
static double run_stream(const WorldPreset *preset, int radius, const Action *acts, long ticks,
                         double *path, RunStats *st) {
    WorldPreset q = *preset;
    q.view_radius = radius;
    Env *env = env_create(&q, 1);
    env_load_all(env);
    double tps = bench_ticks(env, acts, ticks, path);
    const World *w = env_world(env);
    st->loaded = world_loaded_count(w);
    st->stored = world_edit_store_count(w);
    st->bytes_per_chunk = st->loaded ? (world_memory_bytes(w) - (size_t)st->stored * CHUNK_VOLUME) /
                                           (size_t)st->loaded
                                     : 0;
    env_destroy(env);
    return tps;
}

/* Batched stepping: 32 envs per thread (a pool dispatch costs ~10 us, so small batches would
 * time the pool, not the sim), view radius 1 (no renderer) like ticks_per_s. */
static double process_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Returns ticks per wall second; *per_cpu_s gets ticks per CPU second of the whole process. */
static double bench_batch(const WorldPreset *preset, const Action *acts, int threads, long ticks,
                          double *per_cpu_s) {
    WorldPreset q = *preset;
    q.view_radius = 1;
    const WorldPreset *p = &q;
    int n = threads * 32;
    Env **envs = MEM_NEW_ARRAY(Env *, n);
    for (int i = 0; i < n; i++) {
        envs[i] = env_create(p, 100 + (uint64_t)i);
        env_load_all(envs[i]);
    }
    Action *batch = MEM_NEW_ARRAY(Action, n);
    StepResult *res = MEM_NEW_ARRAY(StepResult, n);
    ThreadPool *pool = pool_create(threads);
    long steps = ticks / n;
    double t0 = clock_now(), c0 = process_cpu_now();
    for (long s = 0; s < steps; s++) {
        for (int i = 0; i < n; i++) batch[i] = acts[(s + (long)i * 1031) & (N_ACTIONS - 1)];
        env_step_batch(envs, n, batch, res, pool);
    }
    double rate = (double)(steps * n) / (clock_now() - t0);
    *per_cpu_s = (double)(steps * n) / (process_cpu_now() - c0);
    pool_destroy(pool);
    for (int i = 0; i < n; i++) env_destroy(envs[i]);
    mem_free(envs);
    mem_free(batch);
    mem_free(res);
    return rate;
}

int bench_sim(int argc, char **argv) {
    long long ticks = 2000000, chunks = 400, threads = 2;
    const char *world = NULL;
    const CliOption opts[] = {
        {"--ticks", CLI_INT, &ticks, "N", "ticks to time (default 2000000)", 1000, 1e10},
        {"--chunks", CLI_INT, &chunks, "N", "chunks to generate (default 400)", 10, 1e7},
        {"--threads", CLI_INT, &threads, "N", "threads for the batched run (default 2)", 1, 256},
        {"--world", CLI_STRING, &world, "PRESET", "preset (default: built-in default)", 0, 0},
    };
    const CliSpec spec = {"bench sim",
                          "[--ticks N] [--chunks N] [--threads N] [--world PRESET]",
                          "sim ticks/s, chunk generation, reset time",
                          opts,
                          4,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    WorldPreset p;
    if (world) {
        char path[1024];
        if (sim_preset_path(world, path, sizeof path)) {
            fprintf(stderr, "vpt bench sim: --world: no preset '%s'\n", world);
            return 2;
        }
        if (preset_load_file(path, &p)) return 1;
    } else {
        preset_init_default(&p);
    }
    bench_preset(&p);
    Action *acts = MEM_NEW_ARRAY(Action, N_ACTIONS);
    make_actions(acts, N_ACTIONS, 1);

    /* reset: new seed each time (the world is regenerated around the spawn) */
    Env *env = env_create(&p, 1);
    const int n_resets = 20;
    double t0 = cpu_now();
    for (int i = 0; i < n_resets; i++) env_reset(env, 1000 + (uint64_t)i);
    double reset_ms = 1e3 * (cpu_now() - t0) / n_resets;
    env_destroy(env);

    /* ticks: view radius 1 is all the rules need (no renderer); the preset's radius adds the
     * chunk streaming a renderer needs as the player explores */
    double path1 = 0, path_v = 0;
    RunStats s1, sv;
    double tps1 = run_stream(&p, 1, acts, ticks, &path1, &s1);
    double tps_v = run_stream(&p, p.view_radius, acts, ticks, &path_v, &sv);

    /* generation: a world far from anything loaded, every chunk new (terrain + light) */
    WorldGen g = p.gen;
    g.seed = 7;
    World *w = world_create(&g, 12);
    t0 = cpu_now();
    long made = 0;
    for (int k = 0; made < chunks; k++) {
        int before = world_loaded_count(w);
        world_load_around(w, k * 40, 0, 12, (int)(chunks - made));
        made += world_loaded_count(w) - before;
        world_clear(w);
    }
    double cps = (double)made / (cpu_now() - t0);
    world_destroy(w);

    double batch_cpu = 0;
    double batch_tps = bench_batch(&p, acts, (int)threads, ticks / 2, &batch_cpu);
    printf("{\"ticks_per_s\": %.0f, \"ticks_per_s_view_radius_%d\": %.0f, \"chunks_per_s\": %.0f, "
           "\"bytes_per_chunk\": %zu, \"reset_ms\": %.2f, \"batch_threads\": %lld, "
           "\"batch_envs\": %lld, \"batch_ticks_per_s\": %.0f, \"batch_ticks_per_cpu_s\": %.0f, "
           "\"loaded_chunks\": %d, "
           "\"edited_chunks_stored\": %d, \"blocks_walked_per_1000_ticks\": %.1f, "
           "\"clock\": \"thread cpu time (batch: wall)\"}\n",
           tps1, p.view_radius, tps_v, cps, sv.bytes_per_chunk, reset_ms, threads, threads * 32,
           batch_tps, batch_cpu, sv.loaded, sv.stored, 1000.0 * path_v / (double)ticks);
    mem_free(acts);
    preset_deinit(&p);
    return 0;
}
