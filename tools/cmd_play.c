/* cmd_play.c: `vpt play`: a person plays in the desktop window. */
#include <string.h>

#include "tools/commands.h"
#include "tools/window_cli.h"

int cmd_play(int argc, char **argv) {
    WindowCli c;
    window_cli_init(&c);
    const CliSpec spec = {"play",
                          "[--world PRESET] [--seed S] [--size WxH] [...]",
                          "A person plays: WASD, space, shift, ctrl, mouse; E inventory, Q drop, "
                          "1-9 hotbar, F11 fullscreen.",
                          c.opts,
                          c.n_opts,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (window_cli_finish(&c, "play") != 0) return 2;
    return window_play(&c.wo, &c.g);
}
