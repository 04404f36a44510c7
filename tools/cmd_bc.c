/* cmd_bc.c: `vpt bc train`, the behavioral-cloning policy's command line (agent/bc.h does the
 * work). Prints one JSON object on stdout; the trained policy is played with
 * `vpt eval --policy bc:CKPT`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/bc.h"
#include "core/log.h"
#include "dist/dist.h"
#include "tools/cli.h"
#include "tools/commands.h"

/* "16,32,32" -> widths (1..4 of them); -1 when malformed. */
static int bc_train_cmd(int argc, char **argv) {
    BcTrainOptions o;
    bc_train_options_default(&o);
    const char *data = NULL, *out = NULL, *size = NULL, *widths = NULL;
    long long dense = o.cfg.dense, hidden = o.cfg.hidden;
    long long steps = o.steps, batch = o.batch, window = o.window, threads = o.threads;
    long long log_every = o.log_every, lanes = o.loader_threads;
    const CliOption opts[] = {
        {"--data", CLI_STRING, &data, "DIR", "dataset folder with actions (required)", 0, 0},
        {"--out", CLI_STRING, &out, "CKPT", "checkpoint path, .safetensors (required)", 0, 0},
        {"--steps", CLI_INT, &steps, "N", "optimizer steps (500)", 1, 1e9},
        {"--batch", CLI_INT, &batch, "B", "windows per step (4)", 1, 4096},
        {"--window", CLI_INT, &window, "T", "frames per window (16)", 1, 1024},
        {"--lr", CLI_DOUBLE, &o.lr, "LR", "peak learning rate, warmup + cosine (3e-4)", 1e-9, 10},
        {"--threads", CLI_INT, &threads, "N", "compute threads (1)", 1, 256},
        {"--seed", CLI_U64, &o.seed, "S", "init and data-order seed (1)", 0, 0},
        {"--val-fraction", CLI_DOUBLE, &o.val_fraction, "F",
         "share of episodes held out of training (0)", 0, 0.99},
        {"--log-every", CLI_INT, &log_every, "N", "steps per metrics line (10)", 1, 1e9},
        {"--loader-threads", CLI_INT, &lanes, "N", "video decode lanes (2)", 1, 64},
        {"--size", CLI_STRING, &size, "WxH", "model frame size (64x64)", 0, 0},
        {"--widths", CLI_STRING, &widths, "LIST", "ImpalaCNN stack widths (16,32,32)", 0, 0},
        {"--dense", CLI_INT, &dense, "N", "dense layer width (256)", 1, 4096},
        {"--hidden", CLI_INT, &hidden, "N", "LSTM width (256)", 1, 4096},
    };
    const CliSpec spec = {"bc train",
                          "--data DIR --out CKPT [--steps N] [--batch B] [--window T] [--lr LR] "
                          "[--threads N] [--seed S]",
                          "Trains the BC policy on a dataset with actions (contractor or "
                          "IDM-labelled).",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (cli_parse_train_shape(&spec, data, out, widths, o.cfg.widths, NN_IMPALA_MAX_STACKS,
                              &o.cfg.n_stacks, size, &o.cfg.frame_w, &o.cfg.frame_h) != 0)
        return 2;
    o.cfg.dense = (int)dense, o.cfg.hidden = (int)hidden;
    if (bc_config_validate(&o.cfg, "vpt bc train") != STATUS_OK) return 2;
    o.data = data, o.out = out, o.steps = steps, o.batch = (int)batch, o.window = (int)window;
    o.threads = (int)threads, o.log_every = log_every, o.loader_threads = (int)lanes;
    dist_init(&argc, &argv); /* under mpirun: data-parallel over the ranks */
    o.progress = !log_is_quiet() && dist_is_root();
    BcTrainReport r;
    Status st = bc_train(&o, &r);
    if (st != STATUS_OK) return dist_exit(status_exit_code(st));
    if (!dist_is_root()) return dist_exit(0);
    printf("{\"checkpoint\": \"%s\", \"params\": %lld, \"episodes\": %lld, \"steps\": %lld, "
           "\"first_loss\": %.5f, \"loss\": %.5f, \"button_accuracy\": %.4f, \"frames\": %lld, "
           "\"null_frames_skipped\": %lld, \"frames_per_s\": %.1f, \"seconds\": %.2f}\n",
           out, (long long)r.params, (long long)r.episodes, (long long)r.steps, r.first_loss,
           r.last_loss, r.last_btn_acc, (long long)r.frames, (long long)r.null_frames,
           r.frames_per_s, r.seconds);
    return dist_exit(0);
}

int cmd_bc(int argc, char **argv) {
    const char *usage =
        "usage: vpt bc train --data DIR --out CKPT [--steps N] [--batch B] [--window T] ...\n"
        "       (play a trained policy with: vpt eval --policy bc:CKPT --seeds A:B)\n";
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "train") == 0) return bc_train_cmd(argc - 1, argv + 1);
    fprintf(stderr, "vpt bc: unknown subcommand '%s'\n%s", argv[1], usage);
    return 2;
}
