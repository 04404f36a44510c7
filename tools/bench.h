/* bench.h: `vpt bench TARGET` targets. Each prints one JSON object on stdout and returns the
 * exit code. Timings are reported, never asserted. */
#ifndef TOOLS_BENCH_H
#define TOOLS_BENCH_H

typedef struct BenchTarget {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is "bench NAME" */
} BenchTarget;

int bench_core(int argc, char **argv);
int bench_sim(int argc, char **argv);

#endif
