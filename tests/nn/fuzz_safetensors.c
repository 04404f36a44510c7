/* fuzz_safetensors.c: libFuzzer target for nn/'s safetensors reader (build with clang and
 * -DVPT_NN_FUZZ=ON; run build/tests/nn/fuzz_nn_safetensors CORPUS_DIR). Any input must parse or
 * be refused with STATUS_PARSE; every view of an accepted file must be readable. */
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "nn/nn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    log_set_level(LOG_LEVEL_SILENT);
    char *buf = mem_alloc(size + 1);
    memcpy(buf, data, size);
    NnStFile f;
    if (nn_st_parse("fuzz", buf, size, &f) == STATUS_OK) {
        volatile float sink = 0.0f;
        for (int e = 0; e < f.count; e++)
            for (int64_t i = 0; i < f.entries[e].size; i++) sink += f.entries[e].data[i];
        (void)sink;
        (void)nn_st_meta(&f, "config");
        nn_st_free(&f);
    }
    return 0;
}
