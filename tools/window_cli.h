/* window_cli.h: the options `vpt play`, `vpt watch` and `vpt record` share (world, seed,
 * window size, fullscreen, vsync, sensitivity, screenshot, quit-after-ticks, input script,
 * software renderer), parsed into WindowOptions + GameOptions. */
#ifndef TOOLS_WINDOW_CLI_H
#define TOOLS_WINDOW_CLI_H

#include "tools/cli.h"
#include "window/modes.h"

#define WINDOW_CLI_MAX_OPTS 24

typedef struct WindowCli {
    WindowOptions wo;
    GameOptions g;
    const char *size;
    long long fullscreen, no_vsync;
    const char *renderer;
    CliOption opts[WINDOW_CLI_MAX_OPTS];
    int n_opts;
} WindowCli;

/* Fills defaults and the shared option table; the command appends its own options after. */
void window_cli_init(WindowCli *c);
/* Appends one option. */
void window_cli_add(WindowCli *c, CliOption o);
/* After cli_parse: checks the values (size, sensitivity, files) and finishes the structs.
 * Returns 0, or 2 after printing which flag is wrong. */
int window_cli_finish(WindowCli *c, const char *command);

#endif
