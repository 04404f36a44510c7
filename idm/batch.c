/* batch.c: the global batch of a data-parallel training step (idm.h, IdmBatch), shared by
 * `vpt idm train` and `vpt bc train`. Rank 0 alone runs the video loader, so the job decodes
 * each window once; the batch (uint8 frames, actions, null flags) is broadcast, and every rank
 * computes on its own shard of it. On one process it is the loader's next `batch` windows. */
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "dist/dist.h"
#include "idm/idm.h"

void idm_batch_init(IdmBatch *b, int batch, int T, int width, int height) {
    memset(b, 0, sizeof *b);
    b->batch = batch, b->T = T;
    b->window_bytes = (int64_t)T * width * height * 3;
    b->frames = mem_alloc((size_t)(batch * b->window_bytes));
    b->actions = mem_calloc((size_t)batch * (size_t)T, sizeof(Action));
    b->vpt_null = mem_calloc((size_t)batch * (size_t)T, 1);
    if (dist_is_root()) video_window_alloc(&b->win, T, width, height);
}

void idm_batch_deinit(IdmBatch *b) {
    if (!b) return;
    mem_free(b->frames);
    mem_free(b->actions);
    mem_free(b->vpt_null);
    if (b->win.frames) video_window_free(&b->win);
    memset(b, 0, sizeof *b);
}

Status idm_batch_next(IdmBatch *b, VideoLoader *loader, const char *data) {
    const int T = b->T;
    for (int g = 0; g < b->batch && dist_is_root(); g++) {
        int got = 0;
        Status st = video_loader_next(loader, &b->win, &got);
        if (st != STATUS_OK) return st;
        if (!got) {
            LOG_ERROR("idm", "%s: the loader ran dry", data);
            return STATUS_IO;
        }
        memcpy(b->frames + g * b->window_bytes, b->win.frames, (size_t)b->window_bytes);
        memcpy(b->actions + (int64_t)g * T, b->win.actions, sizeof(Action) * (size_t)T);
        memcpy(b->vpt_null + (int64_t)g * T, b->win.vpt_null, (size_t)T);
    }
    Status st = dist_broadcast(b->frames, (size_t)(b->batch * b->window_bytes), 0);
    if (st == STATUS_OK)
        st = dist_broadcast(b->actions, sizeof(Action) * (size_t)b->batch * (size_t)T, 0);
    if (st == STATUS_OK) st = dist_broadcast(b->vpt_null, (size_t)b->batch * (size_t)T, 0);
    return st;
}
