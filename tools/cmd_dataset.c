/* cmd_dataset.c: `vpt dataset index|check|dedup|sample DIR`: manifest building, verification,
 * near-duplicate detection, and a look at the loader's windows. Each prints one JSON object. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "video/dataset.h"
#include "video/dedup.h"
#include "video/loader.h"

static int ds_index(int argc, char **argv) {
    const char *prov = "contractor";
    const CliOption opts[] = {
        {"--provenance", CLI_STRING, &prov, "P", "contractor|web|idm-labeled|human", 0, 0},
    };
    const CliSpec spec = {"dataset index",
                          "DIR [--provenance P]",
                          "add the folder's unlisted episodes to manifest.jsonl",
                          opts,
                          1,
                          1,
                          1,
                          "DIR"};
    const char *pos[1];
    int rc = cli_parse(&spec, argc, argv, pos, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    int added = 0;
    Status st = video_dataset_index(pos[0], prov, &added);
    printf("{\"dir\": \"%s\", \"added\": %d, \"ok\": %s}\n", pos[0], added,
           st == STATUS_OK ? "true" : "false");
    return status_exit_code(st);
}

static int ds_check(int argc, char **argv) {
    const CliSpec spec = {"dataset check",
                          "DIR",
                          "verify every episode: hashes, decodable, frames = action lines",
                          NULL,
                          0,
                          1,
                          1,
                          "DIR"};
    const char *pos[1];
    int rc = cli_parse(&spec, argc, argv, pos, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    VideoDatasetReport r;
    Status st = video_dataset_check(pos[0], &r);
    if (st != STATUS_OK) return status_exit_code(st);
    printf("{\"episodes\": %d, \"ok\": %d, \"problems\": %d, \"frames\": %lld, \"hours\": %.4f}\n",
           r.episodes, r.ok, r.problems, (long long)r.frames, r.hours);
    return r.problems ? 1 : 0;
}

static int ds_dedup(int argc, char **argv) {
    long long seg = 100, every = 10;
    double thr = 4.0;
    unsigned long long seed = 1;
    const CliOption opts[] = {
        {"--segment", CLI_INT, &seg, "N", "segment length in frames (default 100)", 2, 1e6},
        {"--sample-every", CLI_INT, &every, "K", "thumbnail every K frames (default 10)", 1, 1e6},
        {"--threshold", CLI_DOUBLE, &thr, "G", "max mean grey difference (default 4)", 0.001, 255},
        {"--seed", CLI_U64, &seed, "S", "LSH seed (default 1)", 0, 0},
    };
    const CliSpec spec = {"dataset dedup",
                          "DIR [--segment N] [--threshold G]",
                          "find near-duplicate segments; writes DIR/dedup.json",
                          opts,
                          4,
                          1,
                          1,
                          "DIR"};
    const char *pos[1];
    int rc = cli_parse(&spec, argc, argv, pos, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    VideoDedupOptions o = {
        .segment_frames = (int)seg, .sample_every = (int)every, .threshold = thr, .seed = seed};
    VideoDedupResult r;
    Status st = video_dataset_dedup(pos[0], &o, &r);
    if (st == STATUS_OK) st = video_dedup_save(pos[0], &o, &r);
    if (st != STATUS_OK) return status_exit_code(st);
    printf("{\"segments\": %d, \"candidate_pairs\": %lld, \"duplicate_pairs\": %lld, "
           "\"duplicate_segments\": %d, \"duplicate_fraction\": %.4f}\n",
           r.n_segments, (long long)r.candidate_pairs, (long long)r.duplicate_pairs,
           r.duplicate_segments, r.n_segments ? (double)r.duplicate_segments / r.n_segments : 0.0);
    video_dedup_free(&r);
    return 0;
}

static int ds_sample(int argc, char **argv) {
    long long T = 16, threads = 2, shuffle = 32, windows = 8;
    unsigned long long seed = 1;
    double val = 0.0;
    const char *size = "64x64", *split = "train";
    int skip_dups = 0;
    const CliOption opts[] = {
        {"--T", CLI_INT, &T, "T", "window length (default 16)", 1, 100000},
        {"--size", CLI_STRING, &size, "WxH", "frame size (default 64x64)", 0, 0},
        {"--threads", CLI_INT, &threads, "N", "decode threads (default 2)", 1, 64},
        {"--shuffle", CLI_INT, &shuffle, "N", "shuffle buffer in windows (default 32)", 1, 1e6},
        {"--windows", CLI_INT, &windows, "N", "windows to draw (default 8)", 1, 1e9},
        {"--seed", CLI_U64, &seed, "S", "seed (default 1)", 0, 0},
        {"--val-fraction", CLI_DOUBLE, &val, "F", "held-out share (default 0)", 0, 1},
        {"--split", CLI_STRING, &split, "S", "train|val|all (default train)", 0, 0},
        {"--skip-duplicates", CLI_FLAG, &skip_dups, NULL, "leave out DIR/dedup.json's segments", 0,
         0},
    };
    const CliSpec spec = {"dataset sample",
                          "DIR [--T T] [--windows N] [--seed S]",
                          "draw windows from the loader and list them",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          1,
                          1,
                          "DIR"};
    const char *pos[1];
    int rc = cli_parse(&spec, argc, argv, pos, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    VideoLoaderOptions o = {.dir = pos[0],
                            .T = (int)T,
                            .threads = (int)threads,
                            .shuffle = (int)shuffle,
                            .seed = seed,
                            .val_fraction = val,
                            .skip_duplicates = skip_dups};
    if (cli_parse_size("dataset sample", "--size", size, &o.width, &o.height) != 0) return 2;
    o.split = strcmp(split, "val") == 0   ? VIDEO_SPLIT_VAL
              : strcmp(split, "all") == 0 ? VIDEO_SPLIT_ALL
                                          : VIDEO_SPLIT_TRAIN;
    if (strcmp(split, "train") && strcmp(split, "val") && strcmp(split, "all")) {
        fprintf(stderr, "vpt dataset sample: --split: bad value '%s' (expected train|val|all)\n",
                split);
        return 2;
    }
    VideoLoader *l = NULL;
    Status st = video_loader_create(&l, &o);
    if (st != STATUS_OK) return status_exit_code(st);
    VideoWindow w;
    video_window_alloc(&w, o.T, o.width, o.height);
    printf("{\"episodes\": %d, \"windows\": [", video_loader_episodes(l));
    int got = 1;
    double t0 = clock_now();
    long long n = 0;
    for (; n < windows && got && st == STATUS_OK; n++) {
        st = video_loader_next(l, &w, &got);
        if (got)
            printf("%s{\"episode\": \"%s\", \"start\": %lld}", n ? ", " : "", w.episode,
                   (long long)w.start);
    }
    double dt = clock_now() - t0;
    printf("], \"frames_per_s\": %.1f}\n", dt > 0 ? (double)n * o.T / dt : 0.0);
    video_window_free(&w);
    video_loader_destroy(l);
    return status_exit_code(st);
}

int cmd_dataset(int argc, char **argv) {
    const char *usage = "usage: vpt dataset index DIR [--provenance P]\n"
                        "       vpt dataset check DIR\n"
                        "       vpt dataset dedup DIR [--segment N] [--threshold G]\n"
                        "       vpt dataset sample DIR [--T T] [--windows N] [--seed S]\n";
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "index") == 0) return ds_index(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0) return ds_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "dedup") == 0) return ds_dedup(argc - 1, argv + 1);
    if (strcmp(argv[1], "sample") == 0) return ds_sample(argc - 1, argv + 1);
    fprintf(stderr, "vpt dataset: unknown subcommand '%s'\n%s", argv[1], usage);
    return 2;
}
