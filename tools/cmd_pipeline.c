/* cmd_pipeline.c: `vpt pipeline`, the main job: the VPT loop end to end on its embedded
 * default, with a report. Stages run in order; each is a `vpt` command run in-process on the
 * run folder, so what the pipeline does is exactly what a user can do by hand:
 *
 *   sim         determinism self-check: two envs, same seed and random actions, same hash
 *   contractor  `vpt gen-data`: scripted contractors record labeled episodes (mp4 + jsonl)
 *   web         `vpt gen-data --no-actions`: the unlabeled "web video" corpus
 *   check       `vpt dataset check` on both datasets
 *   eval        `vpt eval`: the scripted speedrunner on held-out seeds (tech-tree table)
 *   idm         `vpt idm train` on the contractor data (a few steps of a small model: an
 *               honest but short run), then `vpt idm eval` on its held-out episodes
 *   label       `vpt idm label` of the web corpus, scored against its ground truth, and
 *               `vpt dataset check` of the labelled dataset
 *   bc          `vpt bc train` on the IDM-labelled web corpus (labeled/; a short CPU run of the
 *               full-size policy), then `vpt eval --policy bc:CKPT` on a few short episodes
 *   rl          `vpt rl train` from the bc checkpoint (PPO + KL to the BC prior; a short CPU
 *               run), then `vpt eval --policy bc:rl.safetensors` on the bc stage's seeds, so the
 *               report shows reward before (BC) and after (RL) on the same episodes
 *
 * Writes DIR/report.md and DIR/report.json and prints the JSON summary on stdout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "core/rng.h"
#include "sim/env.h"
#include "tools/cli.h"
#include "video/codec.h"
#include "video/dataset.h"
#include "video/loader.h"
#include "tools/commands.h"

typedef struct StageResult {
    const char *name, *what;
    const char *result; /* "ok", "failed", "not built yet" */
    double seconds;
    char detail[768];
} StageResult;

typedef struct Pipeline {
    const char *out;
    long long episodes, episode_ticks, eval_episodes;
    char contractor_dir[512], web_dir[512], eval_json[512];
    long long idm_steps;
    char idm_ckpt[512], idm_eval_json[512], label_dir[512], label_json[512];
    int idm_split_all; /* no held-out contractor episode at this size: eval on all */
    long long bc_steps, bc_episodes;
    char bc_ckpt[512], bc_metrics[512], bc_eval_json[512];
    long long rl_steps;
    char rl_dir[512], rl_ckpt[600], rl_metrics[600], rl_eval_json[600];
} Pipeline;

static int run_cmd(int (*fn)(int, char **), char **argv) {
    int argc = 0;
    while (argv[argc]) argc++;
    return fn(argc, argv);
}

static int stage_sim(Pipeline *p, StageResult *r) {
    (void)p;
    WorldPreset preset;
    preset_init_default(&preset);
    Env *a = env_create(&preset, 7), *b = env_create(&preset, 7);
    preset_deinit(&preset);
    Rng rng;
    rng_seed(&rng, 99);
    double t0 = clock_now();
    const int ticks = 20000;
    for (int t = 0; t < ticks; t++) {
        Action act = {(uint32_t)rng_u32(&rng) &
                          (ACTION_KEY_BIT(KEY_FORWARD) | ACTION_KEY_BIT(KEY_JUMP) |
                           ACTION_KEY_BIT(KEY_ATTACK) | ACTION_KEY_BIT(KEY_LEFT)),
                      (float)rng_range(&rng, -20, 20), (float)rng_range(&rng, -5, 5)};
        env_step(a, &act);
        env_step(b, &act);
    }
    double dt = clock_now() - t0;
    int same = env_hash(a) == env_hash(b);
    snprintf(r->detail, sizeof r->detail, "%d ticks x 2 envs, hashes %s, %.0f ticks/s", ticks,
             same ? "equal" : "DIFFER", 2.0 * ticks / dt);
    env_destroy(a);
    env_destroy(b);
    return same ? 0 : 1;
}

static int gen(Pipeline *p, const char *dir, const char *seeds, int no_actions, StageResult *r) {
    char hours[32], ticks[32];
    snprintf(hours, sizeof hours, "%.6f", (double)(p->episodes * p->episode_ticks) / 72000.0);
    snprintf(ticks, sizeof ticks, "%lld", p->episode_ticks);
    char *argv[16] = {"gen-data", "--out",       (char *)dir,       "--hours", hours,
                      "--seeds",  (char *)seeds, "--episode-ticks", ticks,     "--quiet"};
    if (no_actions) argv[10] = "--no-actions";
    int rc = run_cmd(cmd_gen_data, argv);
    snprintf(r->detail, sizeof r->detail, "%lld episodes x %lld ticks into %s", p->episodes,
             p->episode_ticks, dir);
    return rc;
}

static int stage_contractor(Pipeline *p, StageResult *r) {
    return gen(p, p->contractor_dir, "1:1000", 0, r);
}
static int stage_web(Pipeline *p, StageResult *r) { return gen(p, p->web_dir, "5000:6000", 1, r); }

static int stage_check(Pipeline *p, StageResult *r) {
    char *a[] = {"dataset", "check", p->contractor_dir, "--quiet", NULL};
    char *b[] = {"dataset", "check", p->web_dir, "--quiet", NULL};
    int rc = run_cmd(cmd_dataset, a) | run_cmd(cmd_dataset, b);
    snprintf(r->detail, sizeof r->detail, "both datasets %s", rc ? "have problems" : "verified");
    return rc;
}

static int stage_eval(Pipeline *p, StageResult *r) {
    char seeds[64];
    snprintf(seeds, sizeof seeds, "100000:%lld", 100000 + p->eval_episodes - 1);
    char *argv[] = {"eval",       "--policy", "scripted:speedrunner",
                    "--seeds",    seeds,      "--json",
                    p->eval_json, "--quiet",  NULL};
    int rc = run_cmd(cmd_eval, argv);
    snprintf(r->detail, sizeof r->detail, "%lld held-out episodes of 10 minutes -> %s",
             p->eval_episodes, p->eval_json);
    return rc;
}

/* Figures of an IDM stats JSON for the report detail. */
static void idm_figures(char *buf, size_t n, const char *json_path) {
    json_t *j = NULL;
    if (jsonio_load_file(json_path, &j) != STATUS_OK) {
        snprintf(buf, n, "(no figures)");
        return;
    }
    json_t *s = json_object_get(j, "vs_truth") ? json_object_get(j, "vs_truth") : j;
    snprintf(
        buf, n,
        "%lld frames: keypress accuracy %.3f, camera bin accuracy %.3f, camera R^2 %.3f, "
        "exact frames null %.3f / non-null %.3f",
        (long long)json_integer_value(json_object_get(s, "frames")),
        json_number_value(json_object_get(s, "keypress_accuracy")),
        json_number_value(json_object_get(json_object_get(s, "camera_accuracy"), "mean")),
        json_number_value(json_object_get(json_object_get(s, "camera_r2"), "mean")),
        json_number_value(json_object_get(json_object_get(s, "null_frames"), "exact_accuracy")),
        json_number_value(json_object_get(json_object_get(s, "nonnull_frames"), "exact_accuracy")));
    json_decref(j);
}

#define PIPELINE_IDM_VAL 0.25

static int stage_idm(Pipeline *p, StageResult *r) {
    char steps[32];
    snprintf(steps, sizeof steps, "%lld", p->idm_steps);
    char *train[] = {"idm",       "train",     "--data",         p->contractor_dir,
                     "--out",     p->idm_ckpt, "--steps",        steps,
                     "--batch",   "4",         "--window",       "32",
                     "--lr",      "1e-3",      "--val-fraction", "0.25",
                     "--threads", "2",         "--log-every",    "5",
                     "--quiet",   NULL};
    if (run_cmd(cmd_idm, train) != 0) {
        snprintf(r->detail, sizeof r->detail, "training failed");
        return 1;
    }
    /* Held-out episodes exist only when the hash split put one aside; at tiny sizes it may not,
     * and then the figures are on training data, said so. */
    VideoManifest m;
    p->idm_split_all = 1;
    if (video_manifest_load(p->contractor_dir, &m) == STATUS_OK) {
        for (int i = 0; i < m.n; i++)
            if (video_episode_is_val(m.episodes[i].name, PIPELINE_IDM_VAL)) p->idm_split_all = 0;
        video_manifest_free(&m);
    }
    char *eval[] = {"idm",       "eval",
                    "--model",   p->idm_ckpt,
                    "--data",    p->contractor_dir,
                    "--split",   p->idm_split_all ? "all" : "val",
                    "--json",    p->idm_eval_json,
                    "--threads", "2",
                    "--quiet",   NULL};
    int rc = run_cmd(cmd_idm, eval);
    char fig[400];
    idm_figures(fig, sizeof fig, p->idm_eval_json);
    snprintf(r->detail, sizeof r->detail, "%lld steps x 4 windows x 32 frames; %s: %s",
             p->idm_steps,
             p->idm_split_all ? "no held-out episode at this size, eval on TRAINING episodes"
                              : "held-out episodes",
             fig);
    return rc;
}

static int stage_label(Pipeline *p, StageResult *r) {
    char truth[600];
    snprintf(truth, sizeof truth, "%s/ground_truth", p->web_dir);
    char *label[] = {"idm",       "label",      "--model", p->idm_ckpt, "--data", p->web_dir,
                     "--out",     p->label_dir, "--truth", truth,       "--json", p->label_json,
                     "--threads", "2",          "--quiet", NULL};
    int rc = run_cmd(cmd_idm, label);
    char *check[] = {"dataset", "check", p->label_dir, "--quiet", NULL};
    if (rc == 0) rc = run_cmd(cmd_dataset, check);
    char fig[400];
    idm_figures(fig, sizeof fig, p->label_json);
    snprintf(r->detail, sizeof r->detail,
             "labels of the web corpus -> labeled/ (%s); vs ground truth: %s",
             rc ? "FAILED" : "dataset check ok", fig);
    return rc;
}

/* BC: a short training run on the IDM labels, then a few short episodes of the policy. */
static int stage_bc(Pipeline *p, StageResult *r) {
    char steps[32], seeds[64], ticks[32];
    snprintf(steps, sizeof steps, "%lld", p->bc_steps);
    snprintf(seeds, sizeof seeds, "200000:%lld", 200000 + p->bc_episodes - 1);
    snprintf(ticks, sizeof ticks, "%lld", p->episode_ticks);
    char *train[] = {"bc",       "train",       "--data", p->label_dir, "--out",
                     p->bc_ckpt, "--steps",     steps,    "--batch",    "4",
                     "--window", "16",          "--lr",   "1e-3",       "--threads",
                     "2",        "--log-every", "5",      "--quiet",    NULL};
    if (run_cmd(cmd_bc, train) != 0) {
        snprintf(r->detail, sizeof r->detail, "training failed");
        return 1;
    }
    char policy[600];
    snprintf(policy, sizeof policy, "bc:%s", p->bc_ckpt);
    char *eval[] = {"eval",   "--policy",      policy,   "--seeds", seeds,     "--ticks", ticks,
                    "--json", p->bc_eval_json, "--jobs", "2",       "--quiet", NULL};
    int rc = run_cmd(cmd_eval, eval);
    double first = -1, last = -1;
    FILE *f = fopen(p->bc_metrics, "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        const char *k = strstr(line, "\"mean_loss\": ");
        if (!k) continue;
        double v = atof(k + 13);
        if (first < 0) first = v;
        last = v;
    }
    if (f) fclose(f);
    json_t *ev = NULL;
    double reward = 0, logs = 0;
    if (jsonio_load_file(p->bc_eval_json, &ev) == STATUS_OK) {
        reward = json_number_value(json_object_get(ev, "mean_reward"));
        logs = json_number_value(
            json_object_get(json_object_get(json_object_get(ev, "items"), "log"), "rate"));
        json_decref(ev);
    }
    snprintf(r->detail, sizeof r->detail,
             "%lld steps x 4 windows x 16 frames on labeled/ (IDM labels): mean loss %.3f -> "
             "%.3f; %lld episodes of %lld ticks: mean reward %.3f, log rate %.0f%%",
             p->bc_steps, first, last, p->bc_episodes, p->episode_ticks, reward, 100.0 * logs);
    return rc;
}

static double eval_mean_reward(const char *json_path) {
    json_t *ev = NULL;
    double reward = NAN;
    if (jsonio_load_file(json_path, &ev) == STATUS_OK) {
        reward = json_number_value(json_object_get(ev, "mean_reward"));
        json_decref(ev);
    }
    return reward;
}

/* RL: a short PPO fine-tune of the BC policy with the KL penalty, then the same episodes the
 * bc stage played, so before and after compare on equal terms. */
static int stage_rl(Pipeline *p, StageResult *r) {
    char steps[32], seeds[64], ticks[32];
    snprintf(steps, sizeof steps, "%lld", p->rl_steps);
    snprintf(seeds, sizeof seeds, "200000:%lld", 200000 + p->bc_episodes - 1);
    snprintf(ticks, sizeof ticks, "%lld", p->episode_ticks);
    char *train[] = {"rl",        "train", "--init",          p->bc_ckpt, "--out",     p->rl_dir,
                     "--steps",   steps,   "--envs",          "2",        "--rollout", "32",
                     "--threads", "2",     "--episode-ticks", ticks,      "--quiet",   NULL};
    if (run_cmd(cmd_rl, train) != 0) {
        snprintf(r->detail, sizeof r->detail, "training failed");
        return 1;
    }
    char policy[700];
    snprintf(policy, sizeof policy, "bc:%s", p->rl_ckpt);
    char *eval[] = {"eval",   "--policy",      policy,   "--seeds", seeds,     "--ticks", ticks,
                    "--json", p->rl_eval_json, "--jobs", "2",       "--quiet", NULL};
    int rc = run_cmd(cmd_eval, eval);
    double first = NAN, last = NAN, kl = NAN;
    long long updates = 0;
    FILE *f = fopen(p->rl_metrics, "r");
    char line[2048];
    while (f && fgets(line, sizeof line, f)) {
        const char *k = strstr(line, "\"reward_per_step\": "), *q = strstr(line, "\"kl\": ");
        if (!k || !q) continue;
        if (!updates) first = atof(k + 19);
        last = atof(k + 19), kl = atof(q + 6);
        updates++;
    }
    if (f) fclose(f);
    snprintf(r->detail, sizeof r->detail,
             "%lld PPO updates (%lld env steps, 2 envs x 32) from the BC checkpoint: reward/step "
             "%.4f -> %.4f, KL to BC %.4f; %lld episodes of %lld ticks on the bc stage's seeds: "
             "mean reward BC %.3f -> RL %.3f (a short CPU run: no improvement is expected)",
             updates, p->rl_steps, first, last, kl, p->bc_episodes, p->episode_ticks,
             eval_mean_reward(p->bc_eval_json), eval_mean_reward(p->rl_eval_json));
    return rc;
}

typedef struct StageDef {
    const char *name, *what;
    int (*run)(Pipeline *, StageResult *); /* NULL: not built yet */
} StageDef;

static const StageDef STAGES[] = {
    {"sim", "determinism self-check and sim speed", stage_sim},
    {"contractor", "scripted contractors record labeled gameplay (mp4 + VPT jsonl)",
     stage_contractor},
    {"web", "unlabeled 'web video' corpus (actions kept apart as ground truth)", stage_web},
    {"check", "verify both datasets (frames = lines, hashes, decodable)", stage_check},
    {"eval", "tech-tree evaluation of the scripted speedrunner", stage_eval},
    {"idm", "train the inverse dynamics model on contractor data", stage_idm},
    {"label", "label the unlabeled corpus with the IDM", stage_label},
    {"bc", "behavioral cloning on IDM labels", stage_bc},
    {"rl", "RL fine-tuning with a KL penalty to the BC policy", stage_rl},
};
enum { N_STAGES = sizeof STAGES / sizeof STAGES[0] };

/* Frame `at` (a fraction of the episode) of each contractor episode, as a PNG beside the report,
 * so the report shows what the contractors recorded. Returns how many were written. */
static int report_frames(const Pipeline *p, FILE *md) {
    VideoManifest m;
    if (video_manifest_load(p->contractor_dir, &m) != STATUS_OK) return 0;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/frames", p->out);
    int written = 0;
    if (fs_mkdir_p(dir) == STATUS_OK) {
        for (int e = 0; e < m.n && e < 8; e++) {
            char mp4[1200], png[1200];
            snprintf(mp4, sizeof mp4, "%s/%s", p->contractor_dir, m.episodes[e].files[0].name);
            VideoDecoderOptions o = {320, 180, VIDEO_RESIZE_AREA, 0, 1};
            VideoDecoder *dec = NULL;
            if (video_decoder_open(&dec, mp4, &o) != STATUS_OK) continue;
            static uint8_t rgb[320 * 180 * 3];
            int got = 0;
            int64_t want = m.episodes[e].frames * 3 / 4;
            for (int64_t f = 0; f <= want; f++)
                if (video_decoder_next(dec, rgb, &got) != STATUS_OK || !got) break;
            video_decoder_destroy(dec);
            if (!got) continue;
            snprintf(png, sizeof png, "%s/%s.png", dir, m.episodes[e].name);
            if (video_png_write(png, rgb, 320, 180) != STATUS_OK) continue;
            if (!written)
                fprintf(md, "\n## Contractor frames (three quarters into each episode)\n\n");
            fprintf(md, "![%s](frames/%s.png) ", m.episodes[e].name, m.episodes[e].name);
            written++;
        }
    }
    if (written) fprintf(md, "\n");
    video_manifest_free(&m);
    return written;
}

/* The IDM's figures: held-out (or, said so, training) accuracy and labels vs ground truth. */
static void report_idm(const Pipeline *p, FILE *md, const json_t *ev, const json_t *lab) {
    if (!ev && !lab) return;
    fprintf(md,
            "\n## Inverse dynamics model\n\nA short run (%lld steps of a small model on "
            "CPU), so these figures show the stage works end to end, not what a long run "
            "reaches (docs/idm.md has that table). Keypress accuracy is VPT's metric (mean "
            "per-button accuracy; mostly-idle buttons make it high); camera accuracy is the "
            "11-bin hit rate per axis.\n\n| data | frames | keypress acc | camera acc | "
            "camera R^2 | null exact | non-null exact |\n|---|---|---|---|---|---|---|\n",
            p->idm_steps);
    const json_t *rows[2] = {ev, lab ? json_object_get(lab, "vs_truth") : NULL};
    const char *names[2] = {p->idm_split_all ? "contractor, TRAINING episodes (none held out)"
                                             : "contractor, held-out episodes",
                            "web corpus labels vs ground truth"};
    for (int i = 0; i < 2; i++) {
        const json_t *s = rows[i];
        if (!s) continue;
        fprintf(
            md, "| %s | %lld | %.3f | %.3f | %.3f | %.3f | %.3f |\n", names[i],
            (long long)json_integer_value(json_object_get(s, "frames")),
            json_number_value(json_object_get(s, "keypress_accuracy")),
            json_number_value(json_object_get(json_object_get(s, "camera_accuracy"), "mean")),
            json_number_value(json_object_get(json_object_get(s, "camera_r2"), "mean")),
            json_number_value(json_object_get(json_object_get(s, "null_frames"), "exact_accuracy")),
            json_number_value(
                json_object_get(json_object_get(s, "nonnull_frames"), "exact_accuracy")));
    }
}

/* Rows of a metrics JSONL as a markdown table: `step_key` then keys[i] with decimals[i] digits,
 * at most 12 rows evenly spaced (the last always shown). */
static void report_metrics_rows(FILE *md, const char *path, const char *step_key,
                                const char *const *keys, const int *decimals, int n_keys) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    static char lines[256][1024];
    int n = 0;
    while (n < 256 && fgets(lines[n], sizeof lines[n], f)) n++;
    fclose(f);
    const int stride = n > 12 ? (n + 11) / 12 : 1;
    for (int i = 0; i < n; i++) {
        if (i % stride != 0 && i != n - 1) continue;
        char pat[64];
        snprintf(pat, sizeof pat, "\"%s\": ", step_key);
        const char *v = strstr(lines[i], pat);
        fprintf(md, "| %lld |", v ? atoll(v + strlen(pat)) : 0LL);
        for (int k = 0; k < n_keys; k++) {
            snprintf(pat, sizeof pat, "\"%s\": ", keys[k]);
            v = strstr(lines[i], pat);
            fprintf(md, " %.*f |", decimals[k], v ? atof(v + strlen(pat)) : 0.0);
        }
        fprintf(md, "\n");
    }
}

/* The BC section: the loss curve (every metrics line up to 12 rows) and the policy's episodes. */
static void report_bc(const Pipeline *p, FILE *md, const json_t *ev) {
    if (!fs_exists(p->bc_metrics)) return;
    fprintf(md,
            "\n## Behavioral cloning\n\nThe full-size policy (ImpalaCNN 16/32/32, LSTM 256, "
            "8641 + 121 classes) trained for %lld steps on the IDM-labelled web corpus on CPU: a "
            "few minutes of labels and a few hundred gradient steps, so this shows the stage "
            "works end to end (the loss falls from the uniform ~13.9), not a competent player. "
            "The labels come from the short IDM run above, which predicts a few classes almost "
            "everywhere: a low loss here means the policy copies those labels, not that it plays "
            "well. Null-action frames are left out of the loss, as in VPT.\n\n| step | mean loss | "
            "button accuracy |\n|---|---|---|\n",
            p->bc_steps);
    const char *const keys[] = {"mean_loss", "button_accuracy"};
    report_metrics_rows(md, p->bc_metrics, "step", keys, (const int[]){3, 3}, 2);
    if (!ev) return;
    fprintf(md,
            "\n%lld episodes of %lld ticks with `--policy bc:CKPT`: mean reward %.3f.\n\n"
            "| item | rate |\n|---|---|\n",
            (long long)json_integer_value(json_object_get(ev, "episodes")), p->episode_ticks,
            json_number_value(json_object_get(ev, "mean_reward")));
    const char *key;
    json_t *val;
    int rows = 0;
    json_object_foreach(json_object_get(ev, "items"), key, val) {
        if (rows++ >= 6) break;
        fprintf(md, "| %s | %.0f%% |\n", key,
                100.0 * json_number_value(json_object_get(val, "rate")));
    }
}

/* The RL section: the per-update metrics (up to 12 rows) and reward before/after. */
static void report_rl(const Pipeline *p, FILE *md) {
    if (!fs_exists(p->rl_metrics)) return;
    fprintf(md,
            "\n## RL fine-tuning\n\nPPO with GAE on the BC policy (plus a value head), 2 envs "
            "x 32 steps per update, KL(pi || BC) coefficient 0.2, lr 1e-5, %lld env steps in "
            "all on CPU. That is minutes of play where VPT used millions of episodes: the "
            "figures show the stage runs end to end (the policy stays near the prior, KL small), "
            "not that it improves; the reward is the task's (tech-tree items).\n\n| update | "
            "reward/step | KL to BC | entropy | clip frac |\n|---|---|---|---|---|\n",
            p->rl_steps);
    const char *const keys[] = {"reward_per_step", "kl", "entropy", "clip_frac"};
    report_metrics_rows(md, p->rl_metrics, "update", keys, (const int[]){4, 4, 3, 3}, 4);
    fprintf(md,
            "\nThe same %lld episodes of %lld ticks (the bc stage's seeds): mean reward BC %.3f, "
            "after RL %.3f.\n",
            p->bc_episodes, p->episode_ticks, eval_mean_reward(p->bc_eval_json),
            eval_mean_reward(p->rl_eval_json));
}

static void write_report(const Pipeline *p, const StageResult *res, int n) {
    char path[512];
    json_t *root = json_object(), *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "stage", json_string(res[i].name));
        json_object_set_new(o, "result", json_string(res[i].result));
        json_object_set_new(o, "seconds", json_real(res[i].seconds));
        json_object_set_new(o, "detail", json_string(res[i].detail));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "stages", arr);
    json_t *ev = NULL;
    if (fs_exists(p->eval_json) && jsonio_load_file(p->eval_json, &ev) == STATUS_OK)
        json_object_set_new(root, "eval", ev);
    json_t *idm_ev = NULL, *lab = NULL;
    if (fs_exists(p->idm_eval_json) && jsonio_load_file(p->idm_eval_json, &idm_ev) == STATUS_OK)
        json_object_set_new(root, "idm_eval", idm_ev);
    if (fs_exists(p->label_json) && jsonio_load_file(p->label_json, &lab) == STATUS_OK)
        json_object_set_new(root, "label", lab);
    json_t *bc_ev = NULL;
    if (fs_exists(p->bc_eval_json) && jsonio_load_file(p->bc_eval_json, &bc_ev) == STATUS_OK)
        json_object_set_new(root, "bc_eval", bc_ev);
    json_t *rl_ev = NULL;
    if (fs_exists(p->rl_eval_json) && jsonio_load_file(p->rl_eval_json, &rl_ev) == STATUS_OK)
        json_object_set_new(root, "rl_eval", rl_ev);
    snprintf(path, sizeof path, "%s/report.json", p->out);
    jsonio_save_file(path, root);

    snprintf(path, sizeof path, "%s/report.md", p->out);
    AtomicFile *af = fs_atomic_open(path);
    if (af) {
        FILE *f = fs_atomic_file(af);
        fprintf(f, "# vpt pipeline report\n\n| stage | what | result | seconds | detail |\n"
                   "|---|---|---|---|---|\n");
        for (int i = 0; i < n; i++)
            fprintf(f, "| %s | %s | %s | %.1f | %s |\n", res[i].name, res[i].what, res[i].result,
                    res[i].seconds, res[i].detail);
        if (ev) {
            fprintf(f, "\n## Tech tree (scripted speedrunner)\n\n| item | rate | median tick |\n"
                       "|---|---|---|\n");
            const char *key;
            json_t *val;
            json_object_foreach(json_object_get(ev, "items"), key, val) {
                json_t *mt = json_object_get(val, "median_tick");
                char tick[32] = "-";
                if (json_is_integer(mt))
                    snprintf(tick, sizeof tick, "%lld", (long long)json_integer_value(mt));
                fprintf(f, "| %s | %.0f%% | %s |\n", key,
                        100.0 * json_number_value(json_object_get(val, "rate")), tick);
            }
        }
        report_idm(p, f, idm_ev, lab);
        report_bc(p, f, bc_ev);
        report_rl(p, f);
        report_frames(p, f);
        fs_atomic_commit(af);
    }
    json_decref(root);
}

int cmd_pipeline(int argc, char **argv) {
    /* clang-format off */
    Pipeline p = {
        "runs/pipeline", 4, 1200, 8, "", "", "", 200, "", "", "", "", 0, 100, 4, "", "", "",
        512, "", "", "", ""};
    /* clang-format on */
    const CliOption opts[] = {
        {"--out", CLI_STRING, &p.out, "DIR", "where the run and its report go (runs/pipeline)", 0,
         0},
        {"--episodes", CLI_INT, &p.episodes, "N", "contractor and web episodes each (4)", 1,
         100000},
        {"--episode-ticks", CLI_INT, &p.episode_ticks, "T", "ticks per recorded episode (1200)", 20,
         12000},
        {"--eval-episodes", CLI_INT, &p.eval_episodes, "N", "evaluation episodes (8)", 1, 100000},
        {"--idm-steps", CLI_INT, &p.idm_steps, "N", "IDM training steps (200)", 1, 1000000},
        {"--bc-steps", CLI_INT, &p.bc_steps, "N", "BC training steps (100)", 1, 1000000},
        {"--bc-episodes", CLI_INT, &p.bc_episodes, "N", "BC evaluation episodes (4)", 1, 100000},
        {"--rl-steps", CLI_INT, &p.rl_steps, "N", "RL env steps (512)", 1, 100000000},
    };
    const CliSpec spec = {
        "pipeline",
        "[--out DIR] [--episodes N] [--episode-ticks T] [--eval-episodes N] [--idm-steps N] "
        "[--bc-steps N] [--bc-episodes N] [--rl-steps N]",
        "Runs the VPT loop end to end on its embedded default and writes a report.",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        0,
        NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (fs_mkdir_p(p.out) != STATUS_OK) return 1;
    snprintf(p.contractor_dir, sizeof p.contractor_dir, "%s/contractor", p.out);
    snprintf(p.web_dir, sizeof p.web_dir, "%s/web", p.out);
    snprintf(p.eval_json, sizeof p.eval_json, "%s/eval.json", p.out);
    snprintf(p.idm_ckpt, sizeof p.idm_ckpt, "%s/idm/idm.safetensors", p.out);
    snprintf(p.idm_eval_json, sizeof p.idm_eval_json, "%s/idm/eval.json", p.out);
    snprintf(p.label_dir, sizeof p.label_dir, "%s/labeled", p.out);
    snprintf(p.label_json, sizeof p.label_json, "%s/label.json", p.out);
    snprintf(p.bc_ckpt, sizeof p.bc_ckpt, "%s/bc/bc.safetensors", p.out);
    snprintf(p.bc_metrics, sizeof p.bc_metrics, "%s/bc/bc.metrics.jsonl", p.out);
    snprintf(p.bc_eval_json, sizeof p.bc_eval_json, "%s/bc/eval.json", p.out);
    snprintf(p.rl_dir, sizeof p.rl_dir, "%s/rl", p.out);
    snprintf(p.rl_ckpt, sizeof p.rl_ckpt, "%s/rl.safetensors", p.rl_dir);
    snprintf(p.rl_metrics, sizeof p.rl_metrics, "%s/metrics.jsonl", p.rl_dir);
    snprintf(p.rl_eval_json, sizeof p.rl_eval_json, "%s/eval.json", p.rl_dir);

    StageResult res[N_STAGES];
    int failed = 0;
    for (int i = 0; i < N_STAGES; i++) {
        StageResult *r = &res[i];
        memset(r, 0, sizeof *r);
        r->name = STAGES[i].name;
        r->what = STAGES[i].what;
        double t0 = clock_now();
        if (!STAGES[i].run) {
            r->result = "not built yet";
            snprintf(r->detail, sizeof r->detail, "no implementation in this version");
            LOG_WARN("pipeline", "stage '%s' (%s) is not built yet; skipped", r->name, r->what);
        } else if (failed) {
            r->result = "skipped";
            snprintf(r->detail, sizeof r->detail, "an earlier stage failed");
        } else {
            LOG_INFO("pipeline", "stage %s: %s", r->name, r->what);
            int bad = STAGES[i].run(&p, r);
            r->result = bad ? "failed" : "ok";
            failed |= bad != 0;
        }
        r->seconds = clock_now() - t0;
    }
    write_report(&p, res, N_STAGES);
    printf("{\"out\": \"%s\", \"stages\": [", p.out);
    for (int i = 0; i < N_STAGES; i++)
        printf("%s{\"stage\": \"%s\", \"result\": \"%s\", \"seconds\": %.2f}", i ? ", " : "",
               res[i].name, res[i].result, res[i].seconds);
    printf("], \"report\": \"%s/report.md\"}\n", p.out);
    return failed ? 1 : 0;
}
