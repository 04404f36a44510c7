/* fsutil.h: files that matter are written atomically; small helpers for reading and folders.
 *
 * Atomic write: the data goes to "PATH.tmp.PID.N" in the same folder, is fsync'ed, renamed over
 * PATH and the folder is fsync'ed. A crash at any point leaves either the old file whole or the
 * new file whole, never a mix; a stale temp file may remain and is never mistaken for PATH. */
#ifndef CORE_FSUTIL_H
#define CORE_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "core/status.h"

/* Streaming form: write through fs_atomic_file(), then commit (or abort to discard). */
typedef struct AtomicFile AtomicFile;

/* Opens a temp file next to `path`. Returns NULL (and logs) on failure. */
AtomicFile *fs_atomic_open(const char *path);
FILE *fs_atomic_file(AtomicFile *af);
/* Flushes, fsyncs, renames over the target, fsyncs the folder, frees af. */
Status fs_atomic_commit(AtomicFile *af);
/* Removes the temp file and frees af. Accepts NULL. */
void fs_atomic_abort(AtomicFile *af);

/* One-shot atomic write of a buffer. */
Status fs_write_atomic(const char *path, const void *data, size_t len);

/* Reads a whole file; *data is NUL-terminated (not counted in *len) and owned by the caller
 * (mem_free). Logs the path and errno text on failure. */
Status fs_read_file(const char *path, char **data, size_t *len);

/* mkdir -p. */
Status fs_mkdir_p(const char *path);
int fs_exists(const char *path);
int fs_is_dir(const char *path);
/* File size in bytes, or -1 if it cannot be stat'ed. */
long long fs_file_size(const char *path);

#endif
