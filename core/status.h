/* status.h: result codes for recoverable failures (files, codecs, network, bad input).
 *
 * A function that can fail for reasons outside the program returns a Status and logs the
 * detail (file, line, field) where the failure happens; callers only pass the code upward.
 * Programming errors are not statuses: they are ASSERTs (core/log.h). */
#ifndef CORE_STATUS_H
#define CORE_STATUS_H

typedef enum Status {
    STATUS_OK = 0,
    STATUS_INVALID_ARGUMENT, /* a flag, field or value the user handed over is wrong */
    STATUS_NOT_FOUND,        /* a file, key or resource does not exist */
    STATUS_IO,               /* read/write/fsync/rename failed */
    STATUS_PARSE,            /* malformed file contents */
    STATUS_UNSUPPORTED,      /* valid but not something this build can do */
    STATUS_NO_MEMORY,        /* allocation refused where it is recoverable */
    STATUS_NETWORK,          /* transfer failed */
    STATUS_INTERRUPTED,      /* stopped by a signal or the user */
    STATUS_INTERNAL,         /* a library we call failed in a way we cannot classify */
    STATUS_COUNT
} Status;

/* Short, stable, lowercase name of a status ("ok", "invalid argument", ...). Static storage. */
const char *status_str(Status s);

/* Process exit code for a status: 0 for ok, 2 for invalid arguments, 1 otherwise. */
int status_exit_code(Status s);

#endif
