/* cmd_fetch.c: `vpt fetch SRC DIR`: parallel, resumable, SHA-256-verified downloads of a URL
 * list or a dataset manifest (video/transfer.h). Prints one JSON object. */
#include <stdio.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "video/transfer.h"

int cmd_fetch(int argc, char **argv) {
    long long parallel = 4, retries = 5;
    double backoff = 0.5, timeout = 30;
    const char *cacert = NULL;
    const char *token = NULL, *base = NULL;
    const CliOption opts[] = {
        {"--parallel", CLI_INT, &parallel, "N", "concurrent downloads (default 4)", 1, 64},
        {"--retries", CLI_INT, &retries, "N", "retries per file (default 5)", 0, 100},
        {"--backoff", CLI_DOUBLE, &backoff, "S", "first retry delay, doubled each time (0.5)",
         0.001, 60},
        {"--timeout", CLI_DOUBLE, &timeout, "S", "connect/stall timeout in seconds (30)", 0.1,
         3600},
        {"--cacert", CLI_STRING, &cacert, "FILE", "CA certificates (PEM) for https", 0, 0},
        {"--token", CLI_STRING, &token, "T", "bearer token", 0, 0},
        {"--base-url", CLI_STRING, &base, "URL", "where a local manifest's files live", 0, 0},
    };
    const CliSpec spec = {"fetch",
                          "MANIFEST_OR_URL_LIST DIR [--parallel N] [--retries N]",
                          "download files (http, https, file) with resume and SHA-256 checks",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          2,
                          2,
                          "SRC DIR"};
    const char *pos[2];
    int rc = cli_parse(&spec, argc, argv, pos, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    VideoTransferOptions o = {.parallel = (int)parallel,
                              .retries = (int)retries,
                              .backoff_s = backoff,
                              .timeout_s = timeout,
                              .token = token,
                              .ca_file = cacert,
                              .base_url = base};
    VideoTransferReport r;
    Status st = video_fetch_source(pos[0], pos[1], &o, &r);
    printf("{\"files\": %d, \"ok\": %d, \"failed\": %d, \"retries\": %d, \"bytes\": %lld}\n",
           r.files, r.ok, r.failed, r.retries, r.bytes);
    return status_exit_code(st);
}
