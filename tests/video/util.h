/* util.h: helpers shared by the video tests: a private temp folder, running shell commands
 * (the ffmpeg CLI makes the test videos at test time), and PSNR. */
#ifndef TESTS_VIDEO_UTIL_H
#define TESTS_VIDEO_UTIL_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* mkdtemp under TMPDIR; the path is static storage of the caller. */
static inline void tu_tmpdir(char *buf, size_t n, const char *tag) {
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(buf, n, "%s/vpt-%s-XXXXXX", base, tag);
    if (!mkdtemp(buf)) {
        perror("mkdtemp");
        exit(1);
    }
}

/* Runs a shell command built with printf formatting; returns its exit status. */
static inline int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int tu_sh(const char *fmt, ...) {
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc == -1) return -1;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

static inline void tu_rmrf(const char *dir) {
    if (getenv("VPT_KEEP_TMP")) return;
    tu_sh("rm -rf '%s'", dir);
}

static inline double tu_psnr(const uint8_t *a, const uint8_t *b, size_t n) {
    double se = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - b[i];
        se += d * d;
    }
    double mse = se / (double)n;
    return mse == 0 ? 99.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

#endif
