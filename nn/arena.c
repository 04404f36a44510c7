/* arena.c: parameter sets (three contiguous arenas: values, grads, optimizer state), the
 * per-step activation arena, and the execution context's per-chunk scratch.
 * Invariant: a parameter's offset is the same in every arena, so value[i], grad[i], m[i] and
 * v[i] = opt[total + i] all describe the same scalar. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "nn/nn.h"

#define NN_ALIGN_FLOATS 16 /* 64 bytes */

int64_t nn_shape_size(int ndim, const int64_t *shape) {
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return n;
}

NnTensor nn_tensor(float *data, int ndim, const int64_t *shape) {
    ASSERT(ndim >= 0 && ndim <= NN_MAX_DIMS);
    NnTensor t = {data, ndim, {0}};
    for (int i = 0; i < ndim; i++) t.shape[i] = shape[i];
    return t;
}

NnTensor nn_param_tensor(const NnParams *p, int id) {
    return nn_tensor(nn_param(p, id), p->info[id].ndim, p->info[id].shape);
}

NnTensor nn_grad_tensor(const NnParams *p, int id) {
    return nn_tensor(nn_grad(p, id), p->info[id].ndim, p->info[id].shape);
}

void nn_params_init(NnParams *p) { memset(p, 0, sizeof *p); }

void nn_params_deinit(NnParams *p) {
    if (!p) return;
    mem_free(p->info);
    mem_free(p->value);
    mem_free(p->grad);
    mem_free(p->opt);
    memset(p, 0, sizeof *p);
}

int nn_params_add(NnParams *p, const char *name, int ndim, const int64_t *shape, int decay) {
    ASSERT(!p->value && "register parameters before nn_params_alloc");
    ASSERT(ndim >= 1 && ndim <= NN_MAX_DIMS);
    ASSERT(strlen(name) < NN_NAME_MAX);
    ASSERT(nn_params_find(p, name) < 0);
    if (p->count == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->info = mem_realloc(p->info, (size_t)p->cap * sizeof *p->info);
    }
    NnParamInfo *in = &p->info[p->count];
    memset(in, 0, sizeof *in);
    snprintf(in->name, sizeof in->name, "%s", name);
    in->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        ASSERT(shape[i] > 0);
        in->shape[i] = shape[i];
    }
    in->size = nn_shape_size(ndim, shape);
    in->offset = p->total;
    in->decay = decay;
    /* keep every view 64-byte aligned */
    p->total += (in->size + NN_ALIGN_FLOATS - 1) / NN_ALIGN_FLOATS * NN_ALIGN_FLOATS;
    return p->count++;
}

void nn_params_alloc(NnParams *p) {
    ASSERT(!p->value);
    size_t bytes = (size_t)(p->total ? p->total : 1) * sizeof(float);
    p->value = mem_alloc_aligned(64, bytes);
    p->grad = mem_alloc_aligned(64, bytes);
    p->opt = mem_alloc_aligned(64, 2 * bytes);
}

float *nn_param(const NnParams *p, int id) {
    ASSERT(id >= 0 && id < p->count && p->value);
    return p->value + p->info[id].offset;
}

float *nn_grad(const NnParams *p, int id) {
    ASSERT(id >= 0 && id < p->count && p->grad);
    return p->grad + p->info[id].offset;
}

int nn_params_find(const NnParams *p, const char *name) {
    for (int i = 0; i < p->count; i++)
        if (strcmp(p->info[i].name, name) == 0) return i;
    return -1;
}

void nn_params_zero_grad(NnParams *p) { memset(p->grad, 0, (size_t)p->total * sizeof(float)); }

void nn_params_fill_uniform(NnParams *p, int id, float bound, Rng *rng) {
    float *v = nn_param(p, id);
    for (int64_t i = 0; i < p->info[id].size; i++) v[i] = (2.0f * rng_float(rng) - 1.0f) * bound;
}

void nn_params_fill(NnParams *p, int id, float val) {
    float *v = nn_param(p, id);
    for (int64_t i = 0; i < p->info[id].size; i++) v[i] = val;
}

/* ---------------------------------------------------------------- activation arena */

void nn_arena_init(NnArena *a, int64_t cap_floats) {
    memset(a, 0, sizeof *a);
    a->cap = cap_floats > 0 ? cap_floats : 1024;
    a->base = mem_alloc_aligned(64, (size_t)a->cap * sizeof(float));
}

static void arena_free_extra(NnArena *a) {
    for (int i = 0; i < a->n_extra; i++) mem_free(a->extra[i]);
    a->n_extra = 0;
}

void nn_arena_deinit(NnArena *a) {
    if (!a) return;
    arena_free_extra(a);
    mem_free(a->extra);
    mem_free(a->base);
    memset(a, 0, sizeof *a);
}

float *nn_arena_alloc(NnArena *a, int64_t n) {
    float *ptr = nn_arena_alloc_uninit(a, n);
    memset(ptr, 0, (size_t)n * sizeof(float));
    return ptr;
}

float *nn_arena_alloc_uninit(NnArena *a, int64_t n) {
    ASSERT(n >= 0);
    int64_t rounded = (n + NN_ALIGN_FLOATS - 1) / NN_ALIGN_FLOATS * NN_ALIGN_FLOATS;
    if (rounded == 0) rounded = NN_ALIGN_FLOATS;
    a->used += rounded;
    if (a->used > a->peak) a->peak = a->used;
    if (a->used <= a->cap) {
        return a->base + (a->used - rounded);
    }
    /* over capacity this step: a side block, folded into the main block at reset */
    if (a->n_extra == a->cap_extra) {
        a->cap_extra = a->cap_extra ? 2 * a->cap_extra : 8;
        a->extra = mem_realloc(a->extra, (size_t)a->cap_extra * sizeof(void *));
    }
    float *ptr = mem_alloc_aligned(64, (size_t)rounded * sizeof(float));
    a->extra[a->n_extra++] = ptr;
    return ptr;
}

void nn_arena_reset(NnArena *a) {
    if (a->n_extra > 0 || a->peak > a->cap) {
        arena_free_extra(a);
        mem_free(a->base);
        a->cap = a->peak + a->peak / 8;
        a->base = mem_alloc_aligned(64, (size_t)a->cap * sizeof(float));
    }
    a->used = 0;
}

/* ---------------------------------------------------------------- context */

void nn_ctx_init(NnCtx *ctx, ThreadPool *pool) {
    memset(ctx, 0, sizeof *ctx);
    ctx->pool = pool;
    ctx->n_chunks = pool ? pool_size(pool) : 1;
    if (ctx->n_chunks > NN_MAX_CHUNKS) ctx->n_chunks = NN_MAX_CHUNKS;
    /* the pool splits the batch: BLAS must stay single-threaded inside the workers */
    if (pool && pool_size(pool) > 1) pool_blas_threads_set(1);
}

ThreadPool *nn_ctx_init_threads(NnCtx *ctx, int threads) {
    ThreadPool *pool = threads > 1 ? pool_create(threads) : NULL;
    if (!pool) pool_blas_threads_set(1);
    nn_ctx_init(ctx, pool);
    return pool;
}

void nn_ctx_deinit(NnCtx *ctx) {
    if (!ctx) return;
    for (int c = 0; c < NN_MAX_CHUNKS; c++) {
        for (int s = 0; s < 2; s++) mem_free(ctx->scratch[c][s]);
        if (ctx->sub[c]) {
            nn_ctx_deinit(ctx->sub[c]);
            mem_free(ctx->sub[c]);
        }
        mem_free(ctx->gpart[c]);
    }
    memset(ctx, 0, sizeof *ctx);
}

NnCtx *nn_ctx_sub(NnCtx *ctx, int chunk) {
    ASSERT(chunk >= 0 && chunk < NN_MAX_CHUNKS);
    if (!ctx->sub[chunk]) {
        ctx->sub[chunk] = mem_calloc(1, sizeof(NnCtx));
        ctx->sub[chunk]->n_chunks = 1;
    }
    return ctx->sub[chunk];
}

float *nn_ctx_grad_partial(NnCtx *ctx, int chunk, int64_t n) {
    ASSERT(chunk >= 0 && chunk < NN_MAX_CHUNKS);
    if (ctx->gpart_cap[chunk] < n) {
        mem_free(ctx->gpart[chunk]);
        ctx->gpart[chunk] = mem_alloc_aligned(64, (size_t)n * sizeof(float));
        ctx->gpart_cap[chunk] = n;
    }
    memset(ctx->gpart[chunk], 0, (size_t)n * sizeof(float));
    return ctx->gpart[chunk];
}

int nn_ctx_chunks(const NnCtx *ctx, int64_t N) {
    if (!ctx || !ctx->pool || ctx->n_chunks <= 1) return 1;
    return N < ctx->n_chunks ? (int)(N > 0 ? N : 1) : ctx->n_chunks;
}

float *nn_ctx_scratch(NnCtx *ctx, int chunk, int slot, int64_t n) {
    ASSERT(chunk >= 0 && chunk < NN_MAX_CHUNKS && slot >= 0 && slot < 2);
    if (ctx->scratch_cap[chunk][slot] < n) {
        mem_free(ctx->scratch[chunk][slot]);
        ctx->scratch[chunk][slot] = mem_alloc_aligned(64, (size_t)n * sizeof(float));
        ctx->scratch_cap[chunk][slot] = n;
    }
    return ctx->scratch[chunk][slot];
}
