/* main.c: `vpt`, git-style dispatch to the subcommands. Nothing else lives here. */
#include <stdio.h>
#include <string.h>

#include "tools/commands.h"

const VptCommand VPT_COMMANDS[] = {
    {"help", "list commands, or show one command's options", cmd_help},
    {"version", "print the version and git hash", cmd_version},
    {"bench", "benchmarks that print JSON (vpt bench --help lists them)", cmd_bench},
    {"gen-data", "record scripted contractor episodes (mp4 + VPT jsonl + manifest)", cmd_gen_data},
    {"eval", "evaluate a policy on the tech tree (scripted, random)", cmd_eval},
    {"render", "render one frame of a world preset to a PNG", cmd_render},
    {"gui-layout", "print a GUI screen's slot and button rectangles as JSON", cmd_gui_layout},
    {"replay", "run a VPT action log through the sim, optionally tracing each tick", cmd_replay},
    {"pipeline", "the end-to-end job on its embedded default (runs what exists)", cmd_pipeline},
    {"dataset", "episode folders: index, check, dedup, sample the loader", cmd_dataset},
    {"fetch", "download a URL list or dataset manifest (resume, retries, SHA-256)", cmd_fetch},
    {"upload", "upload a dataset folder with HTTP PUT, confirmed file by file", cmd_upload},
    {"idm", "inverse dynamics model: train, eval, label a video corpus", cmd_idm},
    {"bc", "behavioral cloning policy: train (play it with eval --policy bc:CKPT)", cmd_bc},
    {"rl", "RL fine-tuning of a BC policy: PPO with a KL penalty to the BC prior", cmd_rl},
    {"video", "decode a video through the model's resize path; synth test recordings", cmd_video},
#ifdef VPT_HAVE_WINDOW
    {"play", "play in the desktop window (SDL2 + OpenGL)", cmd_play},
    {"watch", "watch scripted or random agents play live in the window", cmd_watch},
    {"record", "contractor mode: play while recording mp4 + VPT jsonl segments", cmd_record},
#endif
};
const int VPT_N_COMMANDS = (int)(sizeof VPT_COMMANDS / sizeof VPT_COMMANDS[0]);

static void short_usage(void) {
    fprintf(stderr, "usage: vpt <command> [options]   (vpt help lists the commands)\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        short_usage();
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) return cmd_help(1, argv + 1);
    if (strcmp(name, "--version") == 0) return cmd_version(1, argv + 1);
    for (int i = 0; i < VPT_N_COMMANDS; i++) {
        if (strcmp(VPT_COMMANDS[i].name, name) == 0) return VPT_COMMANDS[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "vpt: unknown command '%s'\n", name);
    short_usage();
    return 2;
}
