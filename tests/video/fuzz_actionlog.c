/* fuzz_actionlog.c: libFuzzer target for the jsonl action-log reader (video/actionlog.c).
 *
 * Any byte string is fed to video_actionlog_open_buffer + next until the end or the first error;
 * the reader must never crash, leak or hit UB (built with ASan+UBSan). Build with clang:
 *   CC=clang cmake -S . -B build-fuzz -DVPT_FUZZ=ON && cmake --build build-fuzz -t fuzz_actionlog
 *   build-fuzz/tests/video/fuzz_actionlog -max_total_time=300 CORPUS_DIR
 * Without -DVPT_FUZZ the same file builds the corpus-replay test (FUZZ_STANDALONE): every file of
 * tests/data/video/fuzz-actionlog/ goes through the reader once. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "video/actionlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    log_set_level(LOG_LEVEL_SILENT);
    VideoActionLog *l = NULL;
    if (video_actionlog_open_buffer(&l, (const char *)data, size, "fuzz.jsonl") != STATUS_OK)
        return 0;
    VideoActionFrame f;
    int got = 1;
    uint32_t acc = 0;
    while (got && video_actionlog_next(l, &f, &got) == STATUS_OK) {
        if (!got) break;
        acc ^= f.action.keys;
        for (int i = 0; i < f.n_inventory; i++) acc += (uint32_t)f.inventory[i].quantity;
        for (int i = 0; i < f.n_stats; i++) acc += (uint32_t)f.stats[i].name[0];
    }
    video_actionlog_close(l);
    return (int)(acc & 0);
}

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : VPT_SOURCE_DIR "/tests/data/video/fuzz-actionlog";
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open the corpus folder\n", dir);
        return 1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *buf = NULL;
        size_t len = 0;
        if (fs_read_file(path, &buf, &len) != STATUS_OK) continue;
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        mem_free(buf);
        n++;
    }
    closedir(d);
    printf("%d corpus inputs replayed without a crash\n", n);
    return n > 0 ? 0 : 1;
}
#endif
