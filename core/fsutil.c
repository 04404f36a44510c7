/* fsutil.c: atomic writes (temp + fsync + rename + folder fsync), reads, folders. */
#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"

struct AtomicFile {
    char *path;
    char *tmp;
    FILE *fp;
};

static atomic_uint g_tmp_counter;

static void fsync_parent(const char *path) {
    char *copy = mem_strdup(path);
    const char *dir = dirname(copy);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    mem_free(copy);
}

AtomicFile *fs_atomic_open(const char *path) {
    AtomicFile *af = mem_calloc(1, sizeof *af);
    af->path = mem_strdup(path);
    size_t n = strlen(path) + 64;
    af->tmp = mem_alloc(n);
    snprintf(af->tmp, n, "%s.tmp.%ld.%u", path, (long)getpid(),
             atomic_fetch_add(&g_tmp_counter, 1));
    af->fp = fopen(af->tmp, "wb");
    if (!af->fp) {
        LOG_ERROR("fs", "%s: cannot create temp file: %s", path, strerror(errno));
        mem_free(af->tmp);
        mem_free(af->path);
        mem_free(af);
        return NULL;
    }
    return af;
}

FILE *fs_atomic_file(AtomicFile *af) { return af->fp; }

static void atomic_free(AtomicFile *af) {
    mem_free(af->tmp);
    mem_free(af->path);
    mem_free(af);
}

Status fs_atomic_commit(AtomicFile *af) {
    ASSERT(af != NULL);
    Status st = STATUS_OK;
    if (fflush(af->fp) != 0 || ferror(af->fp)) {
        LOG_ERROR("fs", "%s: write failed: %s", af->path, strerror(errno));
        st = STATUS_IO;
    } else if (fsync(fileno(af->fp)) != 0) {
        LOG_ERROR("fs", "%s: fsync failed: %s", af->path, strerror(errno));
        st = STATUS_IO;
    }
    if (fclose(af->fp) != 0 && st == STATUS_OK) {
        LOG_ERROR("fs", "%s: close failed: %s", af->path, strerror(errno));
        st = STATUS_IO;
    }
    if (st == STATUS_OK && rename(af->tmp, af->path) != 0) {
        LOG_ERROR("fs", "%s: rename failed: %s", af->path, strerror(errno));
        st = STATUS_IO;
    }
    if (st != STATUS_OK) {
        unlink(af->tmp);
    } else {
        fsync_parent(af->path);
    }
    atomic_free(af);
    return st;
}

void fs_atomic_abort(AtomicFile *af) {
    if (!af) return;
    fclose(af->fp);
    unlink(af->tmp);
    atomic_free(af);
}

Status fs_write_atomic(const char *path, const void *data, size_t len) {
    AtomicFile *af = fs_atomic_open(path);
    if (!af) return STATUS_IO;
    if (len && fwrite(data, 1, len, af->fp) != len) {
        LOG_ERROR("fs", "%s: write failed: %s", path, strerror(errno));
        fs_atomic_abort(af);
        return STATUS_IO;
    }
    return fs_atomic_commit(af);
}

Status fs_read_file(const char *path, char **data, size_t *len) {
    *data = NULL;
    if (len) *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        LOG_ERROR("fs", "%s: cannot open: %s", path, strerror(errno));
        return errno == ENOENT ? STATUS_NOT_FOUND : STATUS_IO;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = mem_alloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = mem_realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0) break;
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        LOG_ERROR("fs", "%s: read failed", path);
        mem_free(buf);
        return STATUS_IO;
    }
    buf[n] = '\0';
    *data = buf;
    if (len) *len = n;
    return STATUS_OK;
}

Status fs_mkdir_p(const char *path) {
    char *copy = mem_strdup(path);
    size_t n = strlen(copy);
    for (size_t i = 1; i <= n; i++) {
        if (copy[i] == '/' || copy[i] == '\0') {
            char saved = copy[i];
            copy[i] = '\0';
            if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
                LOG_ERROR("fs", "%s: cannot create folder: %s", copy, strerror(errno));
                mem_free(copy);
                return STATUS_IO;
            }
            copy[i] = saved;
        }
    }
    mem_free(copy);
    if (!fs_is_dir(path)) {
        LOG_ERROR("fs", "%s: exists and is not a folder", path);
        return STATUS_IO;
    }
    return STATUS_OK;
}

int fs_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int fs_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

long long fs_file_size(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return (long long)st.st_size;
}
