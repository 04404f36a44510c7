/* bench_sim.c: `vpt bench sim`: ticks per second on one core (full rules, no rendering, a
 * mixed agent-like action stream), chunks generated per second on one core (terrain, caves,
 * ores, trees and light), bytes per loaded chunk, reset time, and vectorized ticks per second
 * over the thread pool. Prints one JSON object. */
#include <math.h>
#include <stdio.h>

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

/* An agent-like stream: segments of walking (sprint, jumps), looking around, mining with the
 * crosshair down, placing blocks, switching the hotbar and idling. */
static void make_actions(Action *acts, int n, uint64_t seed) {
    Rng r = rng_stream(seed, 77);
    int i = 0;
    while (i < n) {
        int len = 10 + (int)rng_below(&r, 50), kind = (int)rng_below(&r, 6);
        float dx = (float)rng_range(&r, -20, 20), dy = (float)rng_range(&r, -6, 6);
        for (int k = 0; k < len && i < n; k++, i++) {
            Action *a = &acts[i];
            a->keys = 0;
            a->mouse_dx = a->mouse_dy = 0;
            switch (kind) {
            case 0: /* walk, sometimes sprint-jumping */
            case 1:
                action_key_set(a, KEY_FORWARD, 1);
                action_key_set(a, KEY_SPRINT, kind == 1);
                action_key_set(a, KEY_JUMP, rng_below(&r, 3) == 0);
                a->mouse_dx = dx * 0.1f;
                break;
            case 2: /* look around */
                a->mouse_dx = dx;
                a->mouse_dy = dy;
                break;
            case 3: /* mine what is under the crosshair */
                action_key_set(a, KEY_ATTACK, 1);
                a->mouse_dy = k == 0 ? 40.0f : 0.0f;
                break;
            case 4: /* place a few blocks */
                action_key_set(a, KEY_HOTBAR_2, k == 0);
                action_key_set(a, KEY_USE, (k % 6) == 1);
                a->mouse_dy = k == 0 ? 30.0f : 0.0f;
                break;
            default: /* strafe or idle, back to the pickaxe */
                action_key_set(a, KEY_HOTBAR_1, k == 0);
                action_key_set(a, rng_below(&r, 2) ? KEY_LEFT : KEY_RIGHT, rng_below(&r, 3) == 0);
                a->mouse_dy = k == 0 ? -60.0f : 0.0f;
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

static double bench_ticks(Env *env, const Action *acts, long ticks) {
    double t0 = clock_now();
    for (long i = 0; i < ticks; i++) {
        StepResult r = env_step(env, &acts[i & (N_ACTIONS - 1)]);
        (void)r;
    }
    return (double)ticks / (clock_now() - t0);
}

/* Batched stepping: 32 envs per thread (a pool dispatch costs ~10 us, so small batches would
 * time the pool, not the sim), view radius 2 to bound memory. */
static double bench_batch(const WorldPreset *preset, const Action *acts, int threads, long ticks) {
    WorldPreset q = *preset;
    q.view_radius = 2;
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
    double t0 = clock_now();
    for (long s = 0; s < steps; s++) {
        for (int i = 0; i < n; i++) batch[i] = acts[(s + (long)i * 1031) & (N_ACTIONS - 1)];
        env_step_batch(envs, n, batch, res, pool);
    }
    double rate = (double)(steps * n) / (clock_now() - t0);
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
    const CliSpec spec = {"bench sim", "[--ticks N] [--chunks N] [--threads N] [--world PRESET]",
                          "sim ticks/s, chunk generation, reset time", opts, 4, 0, 0, NULL};
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
    double t0 = clock_now();
    for (int i = 0; i < n_resets; i++) env_reset(env, 1000 + (uint64_t)i);
    double reset_ms = 1e3 * (clock_now() - t0) / n_resets;

    env_reset(env, 1);
    env_load_all(env);
    double tps = bench_ticks(env, acts, ticks);
    const Player *pl = env_player(env);
    size_t bytes = world_memory_bytes(env_world(env));
    int loaded = world_loaded_count(env_world(env));
    double walked = pl->x * pl->x + pl->z * pl->z;
    env_destroy(env);

    /* generation: a world far from anything loaded, every chunk new (terrain + light) */
    WorldGen g = p.gen;
    g.seed = 7;
    World *w = world_create(&g, 12);
    t0 = clock_now();
    long made = 0;
    for (int k = 0; made < chunks; k++) {
        int before = world_loaded_count(w);
        world_load_around(w, k * 40, 0, 12, (int)(chunks - made));
        made += world_loaded_count(w) - before;
        world_clear(w);
    }
    double cps = (double)made / (clock_now() - t0);
    world_destroy(w);

    double batch_tps = bench_batch(&p, acts, (int)threads, ticks / 2);
    printf("{\"ticks_per_s\": %.0f, \"chunks_per_s\": %.0f, \"bytes_per_chunk\": %zu, "
           "\"reset_ms\": %.2f, \"batch_threads\": %lld, \"batch_ticks_per_s\": %.0f, "
           "\"loaded_chunks\": %d, \"view_radius\": %d, \"distance_walked\": %.0f}\n",
           tps, cps, loaded ? bytes / (size_t)loaded : 0, reset_ms, threads, batch_tps, loaded,
           p.view_radius, walked > 0 ? sqrt(walked) : 0.0);
    mem_free(acts);
    preset_deinit(&p);
    return 0;
}
