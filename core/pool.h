/* pool.h: a fixed-size thread pool with a blocking parallel-for, and the OpenBLAS thread knob.
 *
 * The calling thread takes part in every parallel-for as worker 0, so a pool of N threads has
 * N-1 background workers. Work is handed out in chunks of `grain` items from an atomic counter;
 * callers that need determinism write results by item index, never by arrival order.
 * One parallel-for at a time per pool (calls from inside a job run serially in that job).
 *
 * Cores: a process should use either the pool or OpenBLAS threads for a given phase, never
 * both at full width; pool_blas_threads_set() is how the trainer pins BLAS to 1 thread while
 * the pool splits the batch (or the pool to 1 while BLAS runs wide). */
#ifndef CORE_POOL_H
#define CORE_POOL_H

#include <stdint.h>

typedef struct ThreadPool ThreadPool;

/* fn processes items [begin, end) on worker `worker` (0 .. pool_size-1). */
typedef void (*PoolRangeFn)(void *ctx, int64_t begin, int64_t end, int worker);

/* n_threads <= 0 means one per online CPU. Owned by the caller; free with pool_destroy. */
ThreadPool *pool_create(int n_threads);
void pool_destroy(ThreadPool *pool); /* accepts NULL */
int pool_size(const ThreadPool *pool);

/* Runs fn over [0, count) in chunks of `grain` (>= 1) and returns when all are done.
 * pool may be NULL: then everything runs on the calling thread as worker 0. */
void pool_parallel_for(ThreadPool *pool, int64_t count, int64_t grain, PoolRangeFn fn, void *ctx);

/* Number of online CPUs (at least 1). */
int pool_cpu_count(void);

/* Sets OpenBLAS's thread count when OpenBLAS is linked into the program; returns 1 if it was
 * set, 0 if no OpenBLAS is present. */
int pool_blas_threads_set(int n);

#endif
