/* log.c: the logger. One mutex serialises sink calls so lines from worker threads never
 * interleave. */
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct LogConfig {
    pthread_mutex_t mu;
    LogLevel level;
    int quiet;
    LogSinkFn sink;
    void *sink_user;
} LogConfig;

static LogConfig g_log = {PTHREAD_MUTEX_INITIALIZER, LOG_LEVEL_INFO, 0, NULL, NULL};

static const char *const LEVEL_NAMES[] = {"debug", "info", "warn", "error", "silent"};

void log_set_level(LogLevel level) { g_log.level = level; }
LogLevel log_get_level(void) { return g_log.level; }
void log_set_quiet(int quiet) { g_log.quiet = quiet; }
int log_is_quiet(void) { return g_log.quiet; }

void log_set_sink(LogSinkFn fn, void *user) {
    pthread_mutex_lock(&g_log.mu);
    g_log.sink = fn;
    g_log.sink_user = user;
    pthread_mutex_unlock(&g_log.mu);
}

int log_level_parse(const char *s, LogLevel *out) {
    for (int i = 0; i <= LOG_LEVEL_SILENT; i++) {
        if (strcmp(s, LEVEL_NAMES[i]) == 0) {
            *out = (LogLevel)i;
            return 0;
        }
    }
    return -1;
}

void log_vmsg(LogLevel level, const char *tag, const char *fmt, va_list ap) {
    if (level < g_log.level || level >= LOG_LEVEL_SILENT) return;
    if (g_log.quiet && level < LOG_LEVEL_WARN) return;
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    pthread_mutex_lock(&g_log.mu);
    if (g_log.sink) {
        g_log.sink(g_log.sink_user, level, tag, buf);
    } else {
        fprintf(stderr, "[%s] %s: %s\n", LEVEL_NAMES[level], tag ? tag : "-", buf);
    }
    pthread_mutex_unlock(&g_log.mu);
}

void log_msg(LogLevel level, const char *tag, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, tag, fmt, ap);
    va_end(ap);
}

_Noreturn void core_assert_fail(const char *expr, const char *file, int line, const char *func) {
    fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", file, line, func, expr);
    fflush(stderr);
    abort();
}
