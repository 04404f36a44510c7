/* bench_agent.c: `vpt bench agent`: scripted-player speed without rendering (sim + planner
 * ticks per second on one core) and the data-generation pipeline (agent + sim + render +
 * H.264 encode + jsonl) in frames per second on one core at 640x360, with the real-time factor
 * (frames/s / 20). Prints one JSON object. record_fps_cpu divides by the process CPU time of the
 * recording instead of wall time (steadier on a shared machine). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/episode.h"
#include "agent/gendata.h"
#include "core/clock.h"
#include "core/log.h"
#include "sim/preset.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "video/codec.h"

/* Process CPU time (user + system), seconds: the recording runs on this one thread, so frames
 * per CPU second is what one free core would do even while the machine is shared. */
static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int bench_agent(int argc, char **argv) {
    long long ticks = 6000, frames = 200;
    const char *size = "640x360", *x264_preset = NULL;
    const CliOption opts[] = {
        {"--ticks", CLI_INT, &ticks, "T", "episode ticks for the no-render run (6000)", 100, 1e7},
        {"--frames", CLI_INT, &frames, "F", "frames for the recording run (200)", 20, 1e6},
        {"--size", CLI_STRING, &size, "WxH", "recording size (640x360)", 0, 0},
        {"--preset", CLI_STRING, &x264_preset, "P",
         "x264 preset of the recording (default " VIDEO_DEFAULT_PRESET ")", 0, 0},
    };
    const CliSpec spec = {"bench agent",
                          "[--ticks T] [--frames F] [--size WxH] [--preset P]",
                          "Scripted player and data generation speed (one core).",
                          opts,
                          4,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    int w, h;
    if (cli_parse_size("bench agent", "--size", size, &w, &h) != 0) return 2;
    if (cli_parse_preset("bench agent", "--preset", x264_preset) != 0) return 2;
    WorldPreset pr;
    preset_init_default(&pr);

    /* 1. No rendering: the eval path. */
    Agent *ag = agent_create("scripted:speedrunner", 5000);
    Env *env = env_create(&pr, 5000);
    EpisodeOptions eo = {(int)ticks, NULL, NULL};
    EvalEpisode ep;
    double t0 = clock_now();
    episode_run(ag, env, 5000, &eo, &ep);
    double t_eval = clock_now() - t0;
    agent_destroy(ag);
    env_destroy(env);

    /* 2. Recording one episode on one core. */
    char dir[] = "/tmp/vpt_bench_agent_XXXXXX";
    if (!mkdtemp(dir)) {
        LOG_ERROR("bench", "cannot create a temp folder");
        return 1;
    }
    GenDataConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.out_dir = dir;
    cfg.preset = &pr;
    cfg.world_name = "builtin:default";
    cfg.seed0 = 5000;
    cfg.episodes = 1;
    cfg.episode_ticks = (int)frames;
    cfg.personas[0] = PERSONA_SPEEDRUNNER;
    cfg.n_personas = 1;
    cfg.width = w;
    cfg.height = h;
    cfg.jobs = 1;
    cfg.crf = -1;
    cfg.x264_preset = x264_preset;
    cfg.version = "bench";
    GenDataReport rep;
    double c0 = cpu_seconds();
    Status st = gendata_run(&cfg, &rep);
    double cpu = cpu_seconds() - c0;
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0) LOG_WARN("bench", "could not remove %s", dir);
    preset_deinit(&pr);
    if (st != STATUS_OK) return 1;
    double fps = rep.frames / rep.seconds;
    printf("{\"agent_sim_ticks_per_s\": %.0f, \"eval_episode_s_12000\": %.3f, "
           "\"record_fps_%dx%d\": %.1f, \"record_realtime_factor\": %.2f, "
           "\"diamond_pickaxe_tick\": %d, \"x264_preset\": \"%s\", \"record_fps_cpu\": %.1f}\n",
           ticks / t_eval, t_eval * 12000.0 / ticks, w, h, fps, fps / 20.0, ep.first_tick[14],
           x264_preset ? x264_preset : VIDEO_DEFAULT_PRESET, rep.frames / cpu);
    return 0;
}
