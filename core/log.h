/* log.h: levelled, subsystem-tagged logging with a settable sink, and ASSERT.
 *
 * The logger's configuration (level, sink) is process-wide by nature: it is the one piece of
 * shared mutable state in the project, set once by main() and guarded by a mutex. Everything
 * else travels in structs. Lines look like "[warn] video: out.mp4: no video stream". */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdarg.h>

typedef enum LogLevel {
    LOG_LEVEL_DEBUG = 0,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_SILENT, /* nothing is emitted */
} LogLevel;

/* A sink receives each formatted message (no trailing newline). */
typedef void (*LogSinkFn)(void *user, LogLevel level, const char *tag, const char *msg);

void log_set_level(LogLevel level);
LogLevel log_get_level(void);
/* Replace the sink (NULL restores the default: stderr). */
void log_set_sink(LogSinkFn fn, void *user);
/* Parse "debug|info|warn|error|silent"; returns 0 on success. */
int log_level_parse(const char *s, LogLevel *out);
/* Quiet mode (CLI --quiet): progress bars and info lines are silenced. */
void log_set_quiet(int quiet);
int log_is_quiet(void);

void log_msg(LogLevel level, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(LogLevel level, const char *tag, const char *fmt, va_list ap);

#define LOG_DEBUG(tag, ...) log_msg(LOG_LEVEL_DEBUG, tag, __VA_ARGS__)
#define LOG_INFO(tag, ...) log_msg(LOG_LEVEL_INFO, tag, __VA_ARGS__)
#define LOG_WARN(tag, ...) log_msg(LOG_LEVEL_WARN, tag, __VA_ARGS__)
#define LOG_ERROR(tag, ...) log_msg(LOG_LEVEL_ERROR, tag, __VA_ARGS__)

/* Misuse of an API: abort with file and line, in every build type. */
_Noreturn void core_assert_fail(const char *expr, const char *file, int line, const char *func);
#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) core_assert_fail(#cond, __FILE__, __LINE__, __func__);                        \
    } while (0)

#endif
