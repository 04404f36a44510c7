/* cmd_rl.c: `vpt rl train`, RL fine-tuning of a BC policy with PPO and a KL penalty to the BC
 * prior (agent/rl.h does the work). Prints one JSON object on stdout; the fine-tuned policy
 * plays with `vpt eval --policy bc:OUT/rl.safetensors`. With --resume the run's settings come
 * from its checkpoint: changing one is refused (only --steps, --threads and --save-every may be
 * given). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agent/rl.h"
#include "core/log.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/sim_preset_path.h"

/* Numeric settings: NAN / -1 until given, so --resume can refuse a change. */
typedef struct RlFlags {
    const char *init, *out, *world;
    long long envs, rollout, epochs, minibatches, episode_ticks, steps, threads, save_every;
    double kl_coef, kl_decay, lr, gamma, lambda, clip, vf_coef, ent_coef, max_grad_norm;
    uint64_t seed;
    int seed_given, resume;
} RlFlags;

static void print_stats(const char *key, const RlUpdateStats *u) {
    printf("\"%s\": {\"update\": %lld, \"reward_per_step\": %.6g, ", key, (long long)u->update,
           u->reward_per_step);
    if (isfinite(u->episode_reward))
        printf("\"episode_reward\": %.6g, ", u->episode_reward);
    else
        printf("\"episode_reward\": null, ");
    printf("\"kl\": %.6g, \"entropy\": %.6g, \"clip_frac\": %.4f}", u->loss.kl, u->loss.entropy,
           u->loss.clip_frac);
}

/* Applies the given settings to c; on --resume any given setting is an error. */
static int apply_settings(const RlFlags *f, RlConfig *c) {
    const struct {
        const char *flag;
        int given;
    } given[] = {{"--init", f->init != NULL},
                 {"--world", f->world != NULL},
                 {"--envs", f->envs >= 0},
                 {"--rollout", f->rollout >= 0},
                 {"--epochs", f->epochs >= 0},
                 {"--minibatches", f->minibatches >= 0},
                 {"--episode-ticks", f->episode_ticks >= 0},
                 {"--kl-coef", !isnan(f->kl_coef)},
                 {"--kl-decay", !isnan(f->kl_decay)},
                 {"--lr", !isnan(f->lr)},
                 {"--gamma", !isnan(f->gamma)},
                 {"--lambda", !isnan(f->lambda)},
                 {"--clip", !isnan(f->clip)},
                 {"--vf-coef", !isnan(f->vf_coef)},
                 {"--ent-coef", !isnan(f->ent_coef)},
                 {"--max-grad-norm", !isnan(f->max_grad_norm)},
                 {"--seed", f->seed_given}};
    if (f->resume) {
        for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
            if (given[i].given) {
                fprintf(stderr,
                        "vpt rl train: %s cannot be given with --resume (the run's settings are "
                        "in its checkpoint; only --steps, --threads, --save-every may change)\n",
                        given[i].flag);
                return -1;
            }
        return 0;
    }
    if (!f->init) {
        fprintf(stderr, "vpt rl train: --init BC_CKPT is required (or --resume)\n");
        return -1;
    }
    if (f->world && sim_preset_path(f->world, c->world, sizeof c->world) != 0) {
        fprintf(stderr, "vpt rl train: --world: no preset file '%s' (nor %s)\n", f->world,
                c->world);
        return -1;
    }
    if (f->envs >= 0) c->envs = (int)f->envs;
    if (f->rollout >= 0) c->rollout = (int)f->rollout;
    if (f->epochs >= 0) c->epochs = (int)f->epochs;
    if (f->minibatches >= 0) c->minibatches = (int)f->minibatches;
    if (f->episode_ticks >= 0) c->episode_ticks = (int)f->episode_ticks;
    const double *src[] = {&f->kl_coef, &f->kl_decay, &f->lr,       &f->gamma,        &f->lambda,
                           &f->clip,    &f->vf_coef,  &f->ent_coef, &f->max_grad_norm};
    double *dst[] = {&c->kl_coef, &c->kl_decay, &c->lr,       &c->gamma,        &c->lambda,
                     &c->clip,    &c->vf_coef,  &c->ent_coef, &c->max_grad_norm};
    for (int i = 0; i < 9; i++)
        if (!isnan(*src[i])) *dst[i] = *src[i];
    if (f->seed_given) c->seed = f->seed;
    if (c->envs % c->minibatches != 0) {
        fprintf(stderr, "vpt rl train: --minibatches %d must divide --envs %d\n", c->minibatches,
                c->envs);
        return -1;
    }
    return 0;
}

static int rl_train_cmd(int argc, char **argv) {
    RlFlags f;
    memset(&f, 0, sizeof f);
    f.envs = f.rollout = f.epochs = f.minibatches = f.episode_ticks = f.save_every = -1;
    f.threads = 1;
    f.kl_coef = f.kl_decay = f.lr = f.gamma = f.lambda = f.clip = NAN;
    f.vf_coef = f.ent_coef = f.max_grad_norm = NAN;
    f.seed = UINT64_MAX;
    const CliOption opts[] = {
        {"--init", CLI_STRING, &f.init, "BC_CKPT", "BC checkpoint to fine-tune (required)", 0, 0},
        {"--out", CLI_STRING, &f.out, "DIR", "run folder (required)", 0, 0},
        {"--world", CLI_STRING, &f.world, "PRESET", "world preset (the built-in default world)", 0,
         0},
        {"--envs", CLI_INT, &f.envs, "N", "parallel envs (4)", 1, 1024},
        {"--steps", CLI_INT, &f.steps, "N", "total env steps (4096; resume: the run's)", 1, 1e12},
        {"--rollout", CLI_INT, &f.rollout, "T", "steps per env per update (32)", 1, 4096},
        {"--epochs", CLI_INT, &f.epochs, "K", "passes over each rollout (2)", 1, 100},
        {"--minibatches", CLI_INT, &f.minibatches, "M", "minibatches per pass, divides envs (1)", 1,
         1024},
        {"--kl-coef", CLI_DOUBLE, &f.kl_coef, "C", "KL(pi || BC) coefficient (0.2)", 0, 1e6},
        {"--kl-decay", CLI_DOUBLE, &f.kl_decay, "D", "kl-coef factor per update (1)", 1e-9, 1},
        {"--lr", CLI_DOUBLE, &f.lr, "LR", "AdamW learning rate (1e-5)", 1e-12, 1},
        {"--gamma", CLI_DOUBLE, &f.gamma, "G", "discount (0.999)", 0, 1},
        {"--lambda", CLI_DOUBLE, &f.lambda, "L", "GAE lambda (0.95)", 0, 1},
        {"--clip", CLI_DOUBLE, &f.clip, "E", "PPO clip range (0.2)", 1e-6, 0.999},
        {"--vf-coef", CLI_DOUBLE, &f.vf_coef, "C", "value loss coefficient (0.5)", 0, 1e3},
        {"--ent-coef", CLI_DOUBLE, &f.ent_coef, "C", "entropy bonus (0)", 0, 10},
        {"--max-grad-norm", CLI_DOUBLE, &f.max_grad_norm, "N", "gradient clip, 0 off (1)", 0, 1e9},
        {"--episode-ticks", CLI_INT, &f.episode_ticks, "T", "episode length (the preset's)", 1,
         10000000},
        {"--seed", CLI_U64, &f.seed, "S", "run seed: episodes, sampling, minibatches (1)", 0, 0},
        {"--threads", CLI_INT, &f.threads, "N", "compute and env threads (1)", 1, 256},
        {"--save-every", CLI_INT, &f.save_every, "U", "updates between checkpoints (10)", 1, 1e9},
        {"--resume", CLI_FLAG, &f.resume, NULL, "continue the run in --out", 0, 0},
    };
    const CliSpec spec = {"rl train",
                          "--init BC_CKPT --out DIR [--world PRESET] [--envs N] [--steps N] "
                          "[--rollout T] [--kl-coef C] [--lr LR] [--seed S] [--resume]",
                          "Fine-tunes a BC policy with PPO and a KL penalty to the BC prior.",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    f.seed_given = f.seed != UINT64_MAX;
    if (!f.out) {
        fprintf(stderr, "vpt rl train: --out DIR is required\n");
        cli_print_usage(&spec, 0);
        return 2;
    }
    RlTrainOptions o;
    rl_train_options_default(&o);
    if (apply_settings(&f, &o.cfg) != 0) return 2;
    if (!f.resume && rl_config_validate(&o.cfg, "vpt rl train") != STATUS_OK) return 2;
    o.init = f.init, o.out = f.out, o.resume = f.resume;
    o.steps = f.steps > 0 ? f.steps : (f.resume ? 0 : o.steps);
    o.threads = (int)f.threads;
    if (f.save_every > 0) o.save_every = (int)f.save_every;
    o.progress = !log_is_quiet();
    RlTrainReport r;
    Status st = rl_train(&o, &r, NULL, NULL);
    if (st != STATUS_OK) return status_exit_code(st);
    printf("{\"out\": \"%s\", \"checkpoint\": \"%s/rl.safetensors\", \"params\": %lld, "
           "\"updates\": %lld, \"start_update\": %lld, \"env_steps\": %lld, ",
           f.out, f.out, (long long)r.params, (long long)r.updates, (long long)r.start_update,
           (long long)r.env_steps);
    if (r.updates) {
        print_stats("first", &r.first);
        printf(", ");
        print_stats("last", &r.last);
        printf(", ");
    }
    printf("\"env_steps_per_s\": %.1f, \"updates_per_s\": %.3f, \"seconds\": %.2f}\n",
           r.steps_per_s, r.updates_per_s, r.seconds);
    return 0;
}

int cmd_rl(int argc, char **argv) {
    const char *usage =
        "usage: vpt rl train --init BC_CKPT --out DIR [--world PRESET] [--envs N] [--steps N]\n"
        "                    [--rollout T] [--kl-coef C] [--lr LR] [--seed S] [--resume] ...\n"
        "       (play the fine-tuned policy with: vpt eval --policy bc:DIR/rl.safetensors)\n";
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "train") == 0) return rl_train_cmd(argc - 1, argv + 1);
    fprintf(stderr, "vpt rl: unknown subcommand '%s'\n%s", argv[1], usage);
    return 2;
}
