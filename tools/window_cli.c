/* window_cli.c: shared options of the window commands. */
#include "tools/window_cli.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/fsutil.h"

void window_cli_add(WindowCli *c, CliOption o) {
    if (c->n_opts < WINDOW_CLI_MAX_OPTS) c->opts[c->n_opts++] = o;
}

void window_cli_init(WindowCli *c) {
    memset(c, 0, sizeof *c);
    window_options_default(&c->wo);
    c->g.world = "default";
    c->g.seed = UINT64_MAX;
    c->size = "1280x720";
    window_cli_add(c, (CliOption){"--world", CLI_STRING, &c->g.world, "PRESET",
                                  "preset file or default|flat|void (default)", 0, 0});
    window_cli_add(c, (CliOption){"--seed", CLI_U64, &c->g.seed, "S", "world seed", 0, 0});
    window_cli_add(
        c, (CliOption){"--size", CLI_STRING, &c->size, "WxH", "window size (1280x720)", 0, 0});
    window_cli_add(c, (CliOption){"--fullscreen", CLI_FLAG, &c->fullscreen, NULL,
                                  "start fullscreen (F11 toggles)", 0, 0});
    window_cli_add(c, (CliOption){"--no-vsync", CLI_FLAG, &c->no_vsync, NULL,
                                  "do not wait for the display's refresh", 0, 0});
    window_cli_add(c, (CliOption){"--sensitivity", CLI_DOUBLE, &c->wo.sensitivity, "K",
                                  "mouse counts per physical pixel (1)", 0.01, 100});
    window_cli_add(c, (CliOption){"--screenshot", CLI_STRING, &c->wo.screenshot_path, "PATH",
                                  "write the last frame as PNG at quit", 0, 0});
    window_cli_add(c, (CliOption){"--quit-after-ticks", CLI_INT, &c->wo.quit_after_ticks, "N",
                                  "quit after N ticks", 1, 1e12});
    window_cli_add(c, (CliOption){"--input", CLI_STRING, &c->wo.input_path, "FILE.jsonl",
                                  "inject a VPT-format action log as keyboard/mouse events", 0, 0});
    c->renderer = "auto";
    window_cli_add(c, (CliOption){"--renderer", CLI_STRING, &c->renderer, "R",
                                  "auto|gl|software: who draws the world (auto)", 0, 0});
}

int window_cli_finish(WindowCli *c, const char *command) {
    if (cli_parse_size(command, "--size", c->size, &c->wo.width, &c->wo.height) != 0) return 2;
    c->wo.fullscreen = c->fullscreen != 0;
    c->wo.vsync = !c->no_vsync;
    if (strcmp(c->renderer, "auto") == 0) {
        c->wo.renderer = WINDOW_RENDERER_AUTO;
    } else if (strcmp(c->renderer, "gl") == 0) {
        c->wo.renderer = WINDOW_RENDERER_GL;
    } else if (strcmp(c->renderer, "software") == 0) {
        c->wo.renderer = WINDOW_RENDERER_SOFTWARE;
    } else {
        fprintf(stderr, "vpt %s: --renderer: bad value '%s' (expected auto, gl or software)\n",
                command, c->renderer);
        return 2;
    }
    if (c->wo.input_path && !fs_exists(c->wo.input_path)) {
        fprintf(stderr, "vpt %s: --input: no such file '%s'\n", command, c->wo.input_path);
        return 2;
    }
    /* Every seed is valid; UINT64_MAX (the initial value) means "the preset's own seed". */
    c->g.seed_given = c->g.seed != UINT64_MAX;
    return 0;
}
