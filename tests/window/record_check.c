/* record_check.c: checks a `vpt record` segment against the input script that drove it:
 *   record_check SCRIPT.jsonl NAME.jsonl NAME.mp4
 * Every recorded action line equals the script's line for the same tick (keys, buttons and
 * mouse counts), the number of lines equals the script's, and the video holds exactly one
 * frame per line. Exits non-zero with the first difference. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "tests/check.h"
#include "video/actionlog.h"
#include "video/codec.h"

static int load(const char *path, Action **out, long long *n) {
    VideoActionLog *log = NULL;
    if (video_actionlog_open(&log, path) != STATUS_OK) return -1;
    long long cap = 256;
    *out = MEM_NEW_ARRAY(Action, cap);
    *n = 0;
    for (;;) {
        VideoActionFrame f;
        int got = 0;
        if (video_actionlog_next(log, &f, &got) != STATUS_OK) {
            video_actionlog_close(log);
            return -1;
        }
        if (!got) break;
        if (*n == cap) *out = mem_realloc(*out, (size_t)(cap *= 2) * sizeof(Action));
        (*out)[(*n)++] = f.action;
    }
    video_actionlog_close(log);
    return 0;
}

static char **g_argv;

static void test_recording_matches_script(void) {
    char **argv = g_argv;
    Action *want = NULL, *got = NULL;
    long long nw = 0, ng = 0;
    CHECK(load(argv[1], &want, &nw) == 0);
    CHECK(load(argv[2], &got, &ng) == 0);
    CHECK_EQ_INT(ng, nw);
    long long bad = 0;
    for (long long i = 0; i < nw && i < ng; i++) {
        int same = want[i].keys == got[i].keys && want[i].mouse_dx == got[i].mouse_dx &&
                   want[i].mouse_dy == got[i].mouse_dy;
        if (!same && bad++ < 5)
            fprintf(stderr,
                    "tick %lld: script keys %08x dx %g dy %g, recorded keys %08x dx %g dy %g\n", i,
                    want[i].keys, want[i].mouse_dx, want[i].mouse_dy, got[i].keys, got[i].mouse_dx,
                    got[i].mouse_dy);
    }
    CHECK_EQ_INT(bad, 0);
    int64_t frames = -1;
    CHECK(video_count_frames(argv[3], &frames) == STATUS_OK);
    CHECK_EQ_INT(frames, ng);
    printf("record_check: %lld lines, %lld frames, %lld mismatches\n", ng, (long long)frames, bad);
    mem_free(want);
    mem_free(got);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: record_check SCRIPT.jsonl NAME.jsonl NAME.mp4\n");
        return 2;
    }
    g_argv = argv;
    TEST_RUN(test_recording_matches_script);
    return check_finish();
}
