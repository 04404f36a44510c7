/* cmd_bench.c: `vpt bench TARGET [options]`, dispatching to the benchmark targets. */
#include <stdio.h>
#include <string.h>

#include "tools/bench.h"
#include "tools/commands.h"

static const BenchTarget TARGETS[] = {
    {"core", "RNG draws/s and thread-pool parallel-for overhead", bench_core},
    {"render", "software renderer frames/s (64x64, 128x128, 640x360) and env steps/s",
     bench_render},
    {"sim", "sim ticks/s, chunks/s generated, bytes per chunk, reset ms", bench_sim},
    {"agent", "scripted player ticks/s (no render) and recording fps at 640x360 (one core)",
     bench_agent},
    {"nn", "nn/ reference model train/infer throughput vs PyTorch, conv vs sgemm GFLOP/s",
     bench_nn},
    {"video", "encode/decode fps (one core) vs the ffmpeg CLI, loader frames/s", bench_video},
    {"idm", "IDM train and label frames/s (default model, 64x64), model size", bench_idm},
    {"bc", "BC policy train frames/s and act latency (default model, 64x64)", bench_bc},
    {"rl", "RL env steps/s collected (render + policy + env) and PPO updates/s", bench_rl},
    {"dist", "MPI all-reduce MB/s, data-parallel BC train frames/s (run under mpirun too)",
     bench_dist},
#ifdef VPT_HAVE_WINDOW
    {"window", "desktop window frame time at 1280x720: GL ray caster vs software", bench_window},
#endif
};
static const int N_TARGETS = (int)(sizeof TARGETS / sizeof TARGETS[0]);

static void list_targets(FILE *out) {
    fprintf(out, "usage: vpt bench TARGET [options]\n\ntargets:\n");
    for (int i = 0; i < N_TARGETS; i++)
        fprintf(out, "  %-8s %s\n", TARGETS[i].name, TARGETS[i].summary);
}

int cmd_bench(int argc, char **argv) {
    if (argc < 2) {
        list_targets(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        list_targets(stdout);
        return 0;
    }
    for (int i = 0; i < N_TARGETS; i++) {
        if (strcmp(TARGETS[i].name, argv[1]) == 0) return TARGETS[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "vpt bench: unknown target '%s'\n", argv[1]);
    list_targets(stderr);
    return 2;
}
