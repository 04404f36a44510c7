/* check.h: the project's tiny test framework.
 *
 * CHECK* macros record the file and line of each failure and keep going; check_finish()
 * prints "N passed, N failed" and returns the exit code, so a failed check always makes the
 * test executable exit non-zero. TEST_RUN(fn) runs one test function and names it in the log.
 *
 *   static void test_rng(void) { CHECK_EQ_INT(rng_below(&r, 1), 0); }
 *   int main(void) { TEST_RUN(test_rng); return check_finish(); } */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct CheckState {
    int checks, failures, tests, tests_failed;
    const char *current;
} CheckState;

static CheckState check_state;

static inline void check_fail_(const char *file, int line, const char *fmt, const char *a,
                               const char *b) {
    check_state.failures++;
    fprintf(stderr, "%s:%d: [%s] CHECK failed: ", file, line,
            check_state.current ? check_state.current : "?");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_state.checks++;                                                                      \
        if (!(cond)) check_fail_(__FILE__, __LINE__, "%s%s", #cond, "");                           \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        check_state.checks++;                                                                      \
        if (!(cond)) {                                                                             \
            char check_buf_[4096];                                                                 \
            snprintf(check_buf_, sizeof check_buf_, __VA_ARGS__);                                  \
            check_fail_(__FILE__, __LINE__, "%s: %s", #cond, check_buf_);                          \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        check_state.checks++;                                                                      \
        if (check_a_ != check_b_) {                                                                \
            char check_buf_[128];                                                                  \
            snprintf(check_buf_, sizeof check_buf_, "%lld != %lld", check_a_, check_b_);           \
            check_fail_(__FILE__, __LINE__, "%s: %s", #a " == " #b, check_buf_);                   \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double check_a_ = (double)(a), check_b_ = (double)(b);                                     \
        check_state.checks++;                                                                      \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                               \
            char check_buf_[160];                                                                  \
            snprintf(check_buf_, sizeof check_buf_, "%.9g vs %.9g (tol %g)", check_a_, check_b_,   \
                     (double)(tol));                                                               \
            check_fail_(__FILE__, __LINE__, "%s: %s", #a " ~= " #b, check_buf_);                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                                         \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        check_state.checks++;                                                                      \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0)                             \
            check_fail_(__FILE__, __LINE__, "'%s' != '%s'", check_a_ ? check_a_ : "(null)",        \
                        check_b_ ? check_b_ : "(null)");                                           \
    } while (0)

#define TEST_RUN(fn)                                                                               \
    do {                                                                                           \
        int check_before_ = check_state.failures;                                                  \
        check_state.current = #fn;                                                                 \
        check_state.tests++;                                                                       \
        fn();                                                                                      \
        if (check_state.failures != check_before_) check_state.tests_failed++;                     \
        fprintf(stderr, "%s %s\n", check_state.failures != check_before_ ? "FAIL" : "ok  ", #fn);  \
    } while (0)

static inline int check_finish(void) {
    printf("%d checks in %d tests: %d passed, %d failed\n", check_state.checks, check_state.tests,
           check_state.tests - check_state.tests_failed, check_state.tests_failed);
    return check_state.failures ? 1 : 0;
}

#endif
