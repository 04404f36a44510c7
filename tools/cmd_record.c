/* cmd_record.c: `vpt record`: contractor mode (play while recording VPT-format data). */
#include <stdio.h>
#include <string.h>

#include "tools/commands.h"
#include "tools/window_cli.h"

int cmd_record(int argc, char **argv) {
    WindowCli c;
    window_cli_init(&c);
    RecordOptions ro = {0};
    long long segment_ticks = 6000;
    ro.out_dir = "recordings";
    window_cli_add(&c, (CliOption){"--out", CLI_STRING, &ro.out_dir, "DIR",
                                   "where segments go (recordings)", 0, 0});
    window_cli_add(&c, (CliOption){"--task", CLI_STRING, &ro.task, "TEXT",
                                   "the task shown to the contractor", 0, 0});
    window_cli_add(&c, (CliOption){"--upload", CLI_STRING, &ro.upload_url, "URL",
                                   "upload finished segments here (HTTP PUT)", 0, 0});
    window_cli_add(&c, (CliOption){"--token", CLI_STRING, &ro.upload_token, "T",
                                   "bearer token for the upload", 0, 0});
    window_cli_add(&c, (CliOption){"--segment-ticks", CLI_INT, &segment_ticks, "N",
                                   "ticks per segment (6000 = 5 minutes)", 20, 1e9});
    const CliSpec spec = {
        "record",
        "[--world PRESET] [--seed S] [--task TEXT] [--upload URL --token T] [...]",
        "Contractor mode: play while 640x360 video and the VPT action log are "
        "recorded in 5-minute segments.",
        c.opts,
        c.n_opts,
        0,
        0,
        NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (window_cli_finish(&c, "record") != 0) return 2;
    if (ro.upload_url && strncmp(ro.upload_url, "http://", 7) != 0 &&
        strncmp(ro.upload_url, "https://", 8) != 0) {
        fprintf(stderr,
                "vpt record: --upload: bad value '%s' (expected an http:// or https:// URL)\n",
                ro.upload_url);
        return 2;
    }
    if (ro.upload_token && !ro.upload_url) {
        fprintf(stderr, "vpt record: --token: given without --upload\n");
        return 2;
    }
    ro.segment_ticks = (int)segment_ticks;
    return window_record(&c.wo, &c.g, &ro);
}
