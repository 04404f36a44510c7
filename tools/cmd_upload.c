/* cmd_upload.c: `vpt upload DIR URL [--token T] [--delete-after]`: PUT every episode of a
 * dataset folder, confirm each file on the server, record confirmed episodes, and delete local
 * copies only when asked and confirmed (video/transfer.h). Prints one JSON object. */
#include <stdio.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "video/transfer.h"

int cmd_upload(int argc, char **argv) {
    long long retries = 5;
    double backoff = 0.5, timeout = 30;
    const char *cacert = NULL;
    const char *token = NULL;
    int delete_after = 0, no_verify = 0;
    const CliOption opts[] = {
        {"--cacert", CLI_STRING, &cacert, "FILE", "CA certificates (PEM) for https", 0, 0},
        {"--token", CLI_STRING, &token, "T", "bearer token (Authorization header)", 0, 0},
        {"--delete-after", CLI_FLAG, &delete_after, NULL,
         "delete local episodes once the server confirmed them", 0, 0},
        {"--no-verify-hash", CLI_FLAG, &no_verify, NULL,
         "confirm by size only (skip reading files back)", 0, 0},
        {"--retries", CLI_INT, &retries, "N", "retries per file (default 5)", 0, 100},
        {"--backoff", CLI_DOUBLE, &backoff, "S", "first retry delay (0.5)", 0.001, 60},
        {"--timeout", CLI_DOUBLE, &timeout, "S", "connect/stall timeout in seconds (30)", 0.1,
         3600},
    };
    const CliSpec spec = {"upload",
                          "DIR URL [--token T] [--delete-after]",
                          "upload a dataset folder with HTTP PUT, confirmed file by file",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          2,
                          2,
                          "DIR URL"};
    const char *pos[2];
    int rc = cli_parse(&spec, argc, argv, pos, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    VideoTransferOptions o = {.retries = (int)retries,
                              .backoff_s = backoff,
                              .timeout_s = timeout,
                              .token = token,
                              .ca_file = cacert,
                              .delete_after = delete_after,
                              .verify_hash = no_verify ? -1 : 1};
    VideoTransferReport r;
    Status st = video_upload(pos[0], pos[1], &o, &r);
    printf("{\"episodes\": %d, \"confirmed\": %d, \"failed\": %d, \"retries\": %d, "
           "\"bytes\": %lld}\n",
           r.files, r.ok, r.failed, r.retries, r.bytes);
    return status_exit_code(st);
}
