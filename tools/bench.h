/* bench.h: `vpt bench TARGET` targets. Each prints one JSON object on stdout and returns the
 * exit code. Timings are reported, never asserted. */
#ifndef TOOLS_BENCH_H
#define TOOLS_BENCH_H

#include <stdint.h>

typedef struct BenchTarget {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is "bench NAME" */
} BenchTarget;

int bench_core(int argc, char **argv);
int bench_render(int argc, char **argv);

/* Shared by `vpt render` and `vpt bench render` (tools/cmd_render.c): opens a preset file or
 * a built-in preset name (default, flat, void), printing the reason on failure; and moves the
 * player to a pose (x, y, z feet, yaw, pitch) with its chunks loaded and its target updated. */
typedef struct Env Env;
Env *render_tool_open_world(const char *world, uint64_t seed, int seed_given);
void render_tool_set_pose(Env *env, const double *pose);
int bench_sim(int argc, char **argv);
int bench_agent(int argc, char **argv);
int bench_nn(int argc, char **argv);
int bench_video(int argc, char **argv);
int bench_video(int argc, char **argv);
int bench_agent(int argc, char **argv);
int bench_nn(int argc, char **argv);
int bench_video(int argc, char **argv);

int bench_idm(int argc, char **argv);
int bench_bc(int argc, char **argv);
int bench_rl(int argc, char **argv);
int bench_dist(int argc, char **argv); /* alone, and under mpirun -np N */
/* Uniform random frames (n x frame_floats in [0, 1)) and BC targets (bench_bc.c). */
typedef struct BcTarget BcTarget;
typedef struct Rng Rng;
void bench_bc_synthetic(float *frames, BcTarget *targets, int64_t n, int64_t frame_floats,
                        Rng *rng);

int bench_window(int argc, char **argv); /* built with VPT_WINDOW */

#endif
