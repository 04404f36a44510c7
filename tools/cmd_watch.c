/* cmd_watch.c: `vpt watch`: agents play live in the desktop window. */
#include <stdio.h>

#include "tools/commands.h"
#include "tools/window_cli.h"

int cmd_watch(int argc, char **argv) {
    WindowCli c;
    window_cli_init(&c);
    const char *policy = "scripted";
    long long agents = 1;
    window_cli_add(&c,
                   (CliOption){"--policy", CLI_STRING, &policy, "P",
                               "scripted[:persona] | random | bc:CKPT (default scripted)", 0, 0});
    window_cli_add(&c, (CliOption){"--agents", CLI_INT, &agents, "N",
                                   "agents side by side, as tiles (1..16)", 1, 16});
    const CliSpec spec = {"watch",
                          "--policy scripted[:persona]|random [--agents N] [--world] [--seed]",
                          "Agents play live. Keys: P pause, N step, Tab speed 1x/4x/max, "
                          "R restart on new seeds, ] next agent, F11 fullscreen.",
                          c.opts,
                          c.n_opts,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (window_cli_finish(&c, "watch") != 0) return 2;
    return window_watch(&c.wo, &c.g, policy, (int)agents);
}
