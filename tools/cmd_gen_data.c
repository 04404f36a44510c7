/* cmd_gen_data.c: `vpt gen-data`: records scripted contractors' episodes (mp4 + VPT jsonl +
 * options) with a manifest; --no-actions makes the unlabeled corpus (actions to
 * DIR/ground_truth/). Prints a JSON summary with the real-time factor. */
#include <stdio.h>
#include <string.h>

#include "agent/gendata.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "sim/preset.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/sim_preset_path.h"
#include "video/codec.h"

/* Resolves --world (a file or a name under worlds/) and loads it; the built-in default when
 * world is NULL. Returns 0 on success; prints the reason otherwise. */
static int load_world(const char *world, char *wpath, size_t n, WorldPreset *preset) {
    if (!world) {
        preset_init_default(preset);
        return 0;
    }
    if (sim_preset_path(world, wpath, n) != 0) {
        fprintf(stderr, "vpt gen-data: --world: no preset file '%s' (nor worlds/%s.json)\n", world,
                world);
        return -1;
    }
    return preset_load_file(wpath, preset) == STATUS_OK ? 0 : -1;
}

static void print_report(const GenDataReport *rep, const GenDataConfig *cfg, int jobs) {
    double video_s = rep->frames / 20.0;
    printf("{\"episodes\": %d, \"frames\": %lld, \"hours\": %.4f, \"seconds\": %.2f, "
           "\"realtime_factor\": %.2f, \"jobs\": %d, \"size\": \"%dx%d\", "
           "\"frames_reusing_rays\": %.3f, \"pixels_traced\": %.3f}\n",
           rep->episodes, (long long)rep->frames, video_s / 3600.0, rep->seconds,
           rep->seconds > 0 ? video_s / rep->seconds : 0.0, jobs, cfg->width, cfg->height,
           rep->frames > 0 ? (double)rep->reused_frames / (double)rep->frames : 0.0,
           rep->pixels > 0 ? (double)rep->traced / (double)rep->pixels : 0.0);
}

int cmd_gen_data(int argc, char **argv) {
    const char *out = NULL, *personas = "speedrunner,builder,explorer,casual,clumsy";
    const char *seeds = NULL, *size = "640x360", *world = NULL, *x264_preset = NULL;
    double hours = 0.0;
    long long jobs = 0, episode_ticks = 0, crf = -1;
    int no_actions = 0;
    const CliOption opts[] = {
        {"--out", CLI_STRING, &out, "DIR", "output folder (required)", 0, 0},
        {"--hours", CLI_DOUBLE, &hours, "H", "hours of video to produce (required)", 1e-6, 1e5},
        {"--personas", CLI_STRING, &personas, "LIST", "comma-separated personas (all)", 0, 0},
        {"--seeds", CLI_STRING, &seeds, "A:B", "episode i uses seed A+i (0:1000000)", 0, 0},
        {"--no-actions", CLI_FLAG, &no_actions, NULL,
         "unlabeled corpus: actions go to DIR/ground_truth/", 0, 0},
        {"--size", CLI_STRING, &size, "WxH", "frame size (640x360)", 0, 0},
        {"--jobs", CLI_INT, &jobs, "N", "episodes recorded in parallel (one per CPU)", 1, 1024},
        {"--world", CLI_STRING, &world, "PRESET", "world preset file (built-in default)", 0, 0},
        {"--episode-ticks", CLI_INT, &episode_ticks, "T",
         "frames per episode (default: the preset's episode length)", 1, 10000000},
        {"--crf", CLI_INT, &crf, "Q", "H.264 quality 0..51 (encoder default 23)", 0, 51},
        {"--preset", CLI_STRING, &x264_preset, "P",
         "x264 preset (default " VIDEO_DEFAULT_PRESET ")", 0, 0},
    };
    const CliSpec spec = {"gen-data",
                          "--out DIR --hours H [--personas LIST] [--seeds A:B] [--no-actions] "
                          "[--size WxH] [--jobs N]",
                          "Records scripted contractor episodes as a VPT dataset.",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (!out || hours <= 0.0) {
        fprintf(stderr, "vpt gen-data: --out and --hours are required\n");
        cli_print_usage(&spec, 0);
        return 2;
    }
    if (cli_parse_preset("gen-data", "--preset", x264_preset) != 0) return 2;
    GenDataConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    if (cli_parse_size("gen-data", "--size", size, &cfg.width, &cfg.height) != 0) return 2;
    if (cfg.width % 2 || cfg.height % 2) {
        fprintf(stderr, "vpt gen-data: --size: bad value '%s' (width and height must be even)\n",
                size);
        return 2;
    }
    if (persona_parse_list(personas, cfg.personas, &cfg.n_personas) != STATUS_OK) {
        fprintf(stderr, "vpt gen-data: --personas: bad value '%s'\n", personas);
        return 2;
    }
    long long a = 0, b = 1000000;
    if (seeds && cli_parse_range("gen-data", "--seeds", seeds, &a, &b) != 0) return 2;
    WorldPreset preset;
    char wpath[1024] = "";
    if (load_world(world, wpath, sizeof wpath, &preset) != 0) return 1;
    int ticks = episode_ticks ? (int)episode_ticks : preset.episode_length;
    if (ticks <= 0) ticks = 12000;
    long long frames = (long long)(hours * 3600.0 * 20.0 + 0.5);
    long long episodes = (frames + ticks - 1) / ticks;
    if (episodes < 1) episodes = 1;
    if (episodes > b - a + 1) {
        fprintf(stderr,
                "vpt gen-data: --hours %g needs %lld episodes but --seeds %s has only %lld\n",
                hours, episodes, seeds ? seeds : "", b - a + 1);
        preset_deinit(&preset);
        return 2;
    }
    cfg.out_dir = out;
    cfg.preset = &preset;
    cfg.world_name = world ? wpath : "builtin:default";
    cfg.seed0 = (uint64_t)a;
    cfg.episodes = (int)episodes;
    cfg.episode_ticks = ticks;
    cfg.no_actions = no_actions;
    cfg.jobs = (int)jobs;
    cfg.crf = (int)crf;
    cfg.x264_preset = x264_preset;
    cfg.version = vpt_version_string();
    cfg.progress = !log_is_quiet();
    GenDataReport rep;
    Status st = gendata_run(&cfg, &rep);
    preset_deinit(&preset);
    if (st != STATUS_OK) return status_exit_code(st);
    print_report(&rep, &cfg, (int)jobs);
    return 0;
}
