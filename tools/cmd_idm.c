/* cmd_idm.c: `vpt idm train|eval|label`, the inverse dynamics model's command line (idm/idm.h
 * does the work). Each subcommand prints one JSON object on stdout; eval also prints its table
 * (unless --quiet) and can save the JSON with --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonio.h"
#include "core/log.h"
#include "dist/dist.h"
#include "idm/idm.h"
#include "tools/cli.h"
#include "tools/commands.h"

/* "16,32,32" -> widths (1..4 of them). */
static int idm_train_cmd(int argc, char **argv) {
    IdmTrainOptions o;
    idm_train_options_default(&o);
    const char *data = NULL, *out = NULL, *widths = NULL, *size = NULL;
    long long steps = o.steps, batch = o.batch, window = o.cfg.window, threads = o.threads;
    long long dense = o.cfg.dense, blocks = o.cfg.blocks, heads = o.cfg.heads;
    long long log_every = o.log_every, ckpt_every = o.ckpt_every, lanes = o.loader_threads;
    int resume = 0;
    const CliOption opts[] = {
        {"--data", CLI_STRING, &data, "DIR", "dataset folder with actions (required)", 0, 0},
        {"--out", CLI_STRING, &out, "CKPT", "checkpoint path, .safetensors (required)", 0, 0},
        {"--steps", CLI_INT, &steps, "N", "total optimizer steps (1000)", 1, 1e9},
        {"--batch", CLI_INT, &batch, "B", "windows per step (4)", 1, 4096},
        {"--window", CLI_INT, &window, "T", "frames per window (32)", 1, 1024},
        {"--lr", CLI_DOUBLE, &o.lr, "LR", "peak learning rate, warmup + cosine (3e-4)", 1e-9, 10},
        {"--val-fraction", CLI_DOUBLE, &o.val_fraction, "F",
         "share of episodes held out for eval (0.1)", 0, 0.99},
        {"--threads", CLI_INT, &threads, "N", "compute threads (1)", 1, 256},
        {"--seed", CLI_U64, &o.seed, "S", "init and data-order seed (1)", 0, 0},
        {"--resume", CLI_FLAG, &resume, NULL, "continue from CKPT when it exists", 0, 0},
        {"--size", CLI_STRING, &size, "WxH", "model frame size (64x64)", 0, 0},
        {"--widths", CLI_STRING, &widths, "LIST", "ImpalaCNN stack widths (16,32,32)", 0, 0},
        {"--dense", CLI_INT, &dense, "N", "dense / transformer width (256)", 1, 4096},
        {"--blocks", CLI_INT, &blocks, "N", "non-causal transformer blocks (1)", 0, 4},
        {"--heads", CLI_INT, &heads, "N", "attention heads (8)", 1, 256},
        {"--log-every", CLI_INT, &log_every, "N", "steps per metrics line (10)", 1, 1e9},
        {"--ckpt-every", CLI_INT, &ckpt_every, "N", "steps per checkpoint (200; 0 = end only)", 0,
         1e9},
        {"--loader-threads", CLI_INT, &lanes, "N", "video decode lanes (2; keep on resume)", 1, 64},
    };
    const CliSpec spec = {"idm train",
                          "--data DIR --out CKPT [--steps N] [--batch B] [--window T] [--lr LR] "
                          "[--val-fraction F] [--threads N] [--seed S] [--resume]",
                          "Trains the inverse dynamics model on a dataset's train split.",
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
    if (dense % heads != 0) {
        fprintf(stderr, "vpt idm train: --heads: bad value '%lld' (must divide --dense %lld)\n",
                heads, dense);
        return 2;
    }
    o.data = data, o.out = out, o.steps = steps, o.batch = (int)batch;
    o.cfg.window = (int)window, o.threads = (int)threads, o.resume = resume;
    o.cfg.dense = (int)dense, o.cfg.blocks = (int)blocks, o.cfg.heads = (int)heads;
    o.log_every = log_every, o.ckpt_every = ckpt_every, o.loader_threads = (int)lanes;
    if (idm_config_validate(&o.cfg, "vpt idm train") != STATUS_OK) return 2;
    dist_init(&argc, &argv); /* under mpirun: data-parallel over the ranks */
    o.progress = !log_is_quiet() && dist_is_root();
    IdmTrainReport r;
    Status st = idm_train(&o, &r);
    if (st != STATUS_OK) return dist_exit(status_exit_code(st));
    if (!dist_is_root()) return dist_exit(0);
    printf("{\"checkpoint\": \"%s\", \"params\": %lld, \"start_step\": %lld, \"steps\": %lld, "
           "\"loss\": %.5f, \"button_accuracy\": %.4f, \"camera_accuracy\": %.4f, "
           "\"frames_per_s\": %.1f, \"seconds\": %.2f}\n",
           out, (long long)r.params, (long long)r.start_step, (long long)r.steps_done, r.last_loss,
           r.btn_acc, r.cam_acc, r.frames_per_s, r.seconds);
    return dist_exit(0);
}

static int parse_split(const char *s, IdmSplit *out) {
    if (strcmp(s, "val") == 0)
        *out = IDM_SPLIT_VAL;
    else if (strcmp(s, "all") == 0)
        *out = IDM_SPLIT_ALL;
    else if (strcmp(s, "train") == 0)
        *out = IDM_SPLIT_TRAIN;
    else
        return -1;
    return 0;
}

/* Prints j as one compact line (and saves it to json_out when given); frees j. */
static int emit_json(json_t *j, const char *json_out) {
    Status st = json_out ? jsonio_save_file(json_out, j) : STATUS_OK;
    char *txt = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6));
    printf("%s\n", txt);
    free(txt);
    json_decref(j);
    return status_exit_code(st);
}

static int idm_eval_cmd(int argc, char **argv) {
    const char *model = NULL, *data = NULL, *split_s = "val", *json_out = NULL;
    double val_fraction = -1;
    long long threads = 1;
    const CliOption opts[] = {
        {"--model", CLI_STRING, &model, "CKPT", "IDM checkpoint (required)", 0, 0},
        {"--data", CLI_STRING, &data, "DIR", "dataset folder with actions (required)", 0, 0},
        {"--split", CLI_STRING, &split_s, "S", "val|all|train (val)", 0, 0},
        {"--json", CLI_STRING, &json_out, "OUT", "also write the JSON here", 0, 0},
        {"--val-fraction", CLI_DOUBLE, &val_fraction, "F",
         "split fraction (default: the checkpoint's)", 0, 0.99},
        {"--threads", CLI_INT, &threads, "N", "compute threads (1)", 1, 256},
    };
    const CliSpec spec = {"idm eval",
                          "--model CKPT --data DIR [--split val|all] [--json OUT]",
                          "Per-button accuracy/F1, keypress accuracy, camera accuracy and R^2.",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    IdmSplit split;
    if (!model || !data) {
        fprintf(stderr, "vpt idm eval: --model and --data are required\n");
        cli_print_usage(&spec, 0);
        return 2;
    }
    if (parse_split(split_s, &split) != 0) {
        fprintf(stderr, "vpt idm eval: --split: bad value '%s' (expected val, all or train)\n",
                split_s);
        return 2;
    }
    IdmModel m;
    IdmTrainMeta meta;
    Status st = idm_model_load(&m, &meta, model, 0);
    if (st != STATUS_OK) return status_exit_code(st);
    IdmStats s;
    idm_stats_init(&s);
    int episodes = 0;
    st = idm_eval_dataset(&m, &meta, data, split, val_fraction, (int)threads, &s, &episodes);
    idm_model_deinit(&m);
    if (st != STATUS_OK) return status_exit_code(st);
    json_t *j = idm_stats_json(&s);
    json_object_set_new(j, "split", json_string(split_s));
    json_object_set_new(j, "episodes", json_integer(episodes));
    json_object_set_new(j, "model", json_string(model));
    if (!log_is_quiet()) idm_stats_print(&s, stdout);
    return emit_json(j, json_out);
}

static int idm_label_cmd(int argc, char **argv) {
    IdmLabelOptions o = {0};
    const char *json_out = NULL;
    long long threads = 1;
    const CliOption opts[] = {
        {"--model", CLI_STRING, &o.model_path, "CKPT", "IDM checkpoint (required)", 0, 0},
        {"--data", CLI_STRING, &o.data, "WEBDIR", "video corpus with a manifest (required)", 0, 0},
        {"--out", CLI_STRING, &o.out, "OUTDIR", "labelled dataset folder (required)", 0, 0},
        {"--truth", CLI_STRING, &o.truth, "DIR", "ground-truth jsonl folder: report accuracy", 0,
         0},
        {"--threads", CLI_INT, &threads, "N", "compute threads (1)", 1, 256},
        {"--json", CLI_STRING, &json_out, "OUT", "also write the JSON summary here", 0, 0},
    };
    const CliSpec spec = {"idm label",
                          "--model CKPT --data WEBDIR --out OUTDIR [--truth DIR] [--json OUT]",
                          "Labels every episode of a video corpus (provenance idm-labeled).",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (!o.model_path || !o.data || !o.out) {
        fprintf(stderr, "vpt idm label: --model, --data and --out are required\n");
        cli_print_usage(&spec, 0);
        return 2;
    }
    o.threads = (int)threads;
    dist_init(&argc, &argv); /* under mpirun: the episodes are shared out over the ranks */
    o.progress = !log_is_quiet() && dist_is_root();
    IdmModel m;
    Status st = idm_model_load(&m, NULL, o.model_path, 0);
    if (st != STATUS_OK) return dist_exit(status_exit_code(st));
    IdmLabelReport r;
    st = idm_label_dataset(&m, &o, &r);
    idm_model_deinit(&m);
    if (st != STATUS_OK) return dist_exit(status_exit_code(st));
    if (!dist_is_root()) return dist_exit(0);
    json_t *j = json_pack("{s:s,s:i,s:I,s:f,s:f}", "out", o.out, "episodes", r.episodes, "frames",
                          (json_int_t)r.frames, "seconds", r.seconds, "frames_per_s",
                          r.seconds > 0 ? (double)r.frames / r.seconds : 0.0);
    if (r.have_truth) json_object_set_new(j, "vs_truth", idm_stats_json(&r.stats));
    return dist_exit(emit_json(j, json_out));
}

int cmd_idm(int argc, char **argv) {
    const char *usage =
        "usage: vpt idm train --data DIR --out CKPT [--steps N] [--batch B] [--window T] ...\n"
        "       vpt idm eval --model CKPT --data DIR [--split val|all] [--json OUT]\n"
        "       vpt idm label --model CKPT --data WEBDIR --out OUTDIR [--truth DIR]\n";
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "train") == 0) return idm_train_cmd(argc - 1, argv + 1);
    if (strcmp(argv[1], "eval") == 0) return idm_eval_cmd(argc - 1, argv + 1);
    if (strcmp(argv[1], "label") == 0) return idm_label_cmd(argc - 1, argv + 1);
    fprintf(stderr, "vpt idm: unknown subcommand '%s'\n%s", argv[1], usage);
    return 2;
}
