/* pool.c: thread pool. Workers sleep on a condition variable until a new job generation is
 * published, then claim chunks with an atomic counter until the range is exhausted. */
#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"

struct ThreadPool {
    int n_threads;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    pthread_cond_t done;
    uint64_t generation; /* bumped for each job; workers run a job once per generation */
    int stop;
    int active;  /* workers still inside the current job */
    int running; /* a parallel-for is in flight (nested calls run serially) */
    /* current job */
    PoolRangeFn fn;
    void *ctx;
    int64_t count, grain;
    atomic_llong next;
};

typedef struct WorkerArg {
    ThreadPool *pool;
    int index;
} WorkerArg;

static void run_chunks(ThreadPool *p, int worker) {
    for (;;) {
        int64_t begin = atomic_fetch_add(&p->next, p->grain);
        if (begin >= p->count) break;
        int64_t end = begin + p->grain;
        if (end > p->count) end = p->count;
        p->fn(p->ctx, begin, end, worker);
    }
}

static void *worker_main(void *arg) {
    WorkerArg wa = *(WorkerArg *)arg;
    mem_free(arg);
    ThreadPool *p = wa.pool;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->generation == seen) pthread_cond_wait(&p->wake, &p->mu);
        if (p->stop) break;
        seen = p->generation;
        pthread_mutex_unlock(&p->mu);
        run_chunks(p, wa.index);
        pthread_mutex_lock(&p->mu);
        if (--p->active == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int pool_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

ThreadPool *pool_create(int n_threads) {
    if (n_threads <= 0) n_threads = pool_cpu_count();
    ThreadPool *p = mem_calloc(1, sizeof *p);
    p->n_threads = n_threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    p->threads = MEM_NEW_ARRAY(pthread_t, n_threads);
    for (int i = 1; i < n_threads; i++) {
        WorkerArg *wa = mem_alloc(sizeof *wa);
        wa->pool = p;
        wa->index = i;
        int rc = pthread_create(&p->threads[i], NULL, worker_main, wa);
        ASSERT(rc == 0);
    }
    return p;
}

void pool_destroy(ThreadPool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    mem_free(p->threads);
    mem_free(p);
}

int pool_size(const ThreadPool *p) { return p ? p->n_threads : 1; }

void pool_parallel_for(ThreadPool *p, int64_t count, int64_t grain, PoolRangeFn fn, void *ctx) {
    ASSERT(fn != NULL);
    if (grain < 1) grain = 1;
    if (count <= 0) return;
    int nested = 0;
    if (p) {
        pthread_mutex_lock(&p->mu);
        nested = p->running;
        if (!nested) p->running = 1;
        pthread_mutex_unlock(&p->mu);
    }
    if (!p || p->n_threads == 1 || count <= grain || nested) {
        for (int64_t b = 0; b < count; b += grain)
            fn(ctx, b, b + grain < count ? b + grain : count, 0);
        if (p && !nested) {
            pthread_mutex_lock(&p->mu);
            p->running = 0;
            pthread_mutex_unlock(&p->mu);
        }
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->count = count;
    p->grain = grain;
    atomic_store(&p->next, 0);
    p->active = p->n_threads - 1;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);

    run_chunks(p, 0);

    pthread_mutex_lock(&p->mu);
    while (p->active > 0) pthread_cond_wait(&p->done, &p->mu);
    p->running = 0;
    pthread_mutex_unlock(&p->mu);
}

/* Weak reference: resolved when the program links OpenBLAS, NULL otherwise. */
extern void openblas_set_num_threads(int n) __attribute__((weak));

int pool_blas_threads_set(int n) {
    if (openblas_set_num_threads) {
        openblas_set_num_threads(n < 1 ? 1 : n);
        return 1;
    }
    return 0;
}
