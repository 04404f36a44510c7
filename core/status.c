/* status.c: names and exit codes of Status values. */
#include "core/status.h"

#include <assert.h>

static const char *const STATUS_NAMES[] = {
    [STATUS_OK] = "ok",
    [STATUS_INVALID_ARGUMENT] = "invalid argument",
    [STATUS_NOT_FOUND] = "not found",
    [STATUS_IO] = "i/o error",
    [STATUS_PARSE] = "parse error",
    [STATUS_UNSUPPORTED] = "unsupported",
    [STATUS_NO_MEMORY] = "out of memory",
    [STATUS_NETWORK] = "network error",
    [STATUS_INTERRUPTED] = "interrupted",
    [STATUS_INTERNAL] = "internal error",
};
static_assert(sizeof(STATUS_NAMES) / sizeof(STATUS_NAMES[0]) == STATUS_COUNT,
              "every Status has a name");

const char *status_str(Status s) {
    if ((unsigned)s >= STATUS_COUNT) return "unknown status";
    return STATUS_NAMES[s];
}

int status_exit_code(Status s) {
    if (s == STATUS_OK) return 0;
    if (s == STATUS_INVALID_ARGUMENT) return 2;
    return 1;
}
