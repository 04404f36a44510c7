/* dist.h: MPI scale-out (DESIGN.md section 6): the few collectives that data-parallel training
 * and sharded labelling need, over OpenMPI, with a single-process fallback.
 *
 * Layering: beside nn/ (above core/); idm/, agent/ and tools/ may use it, sim/render/video/nn
 * must not. No home-made cluster protocol: every collective is one MPI call on MPI_COMM_WORLD.
 *
 * Modes. dist_init starts MPI only when the binary was built with it (VPT_HAVE_MPI) AND the
 * process was launched by mpirun (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK in the
 * environment). Otherwise it is one process: rank 0 of size 1, every collective is a no-op
 * that leaves its buffer as it is and returns STATUS_OK, so a command written for N ranks runs
 * unchanged alone.
 *
 * State: MPI is per process, so rank/size live in one process-wide record (like the logger's
 * level, core/log.h), set by dist_init and cleared by dist_finalize; it is read-only in
 * between. Only the thread that called dist_init calls the collectives (MPI_THREAD_FUNNELED).
 *
 * Failure: a rank that fails must not leave the others waiting in a collective. Commands end
 * with dist_exit(code): a non-zero code on a job of several ranks logs and calls MPI_Abort,
 * which ends every rank of the job (mpirun then exits non-zero); code 0 finalizes normally. */
#ifndef DIST_DIST_H
#define DIST_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Starts MPI when built with it and launched by mpirun; otherwise the single-process mode.
 * Idempotent (a second call does nothing). argc/argv may be NULL. STATUS_INTERNAL (logged) if
 * MPI_Init fails; the process is then in the single-process mode. Ranks other than 0 have their
 * info lines silenced (warnings and errors stay) so a job prints one copy of each. */
Status dist_init(int *argc, char ***argv);
/* MPI_Finalize when MPI was started (a barrier: every rank must reach it). Idempotent. */
void dist_finalize(void);
/* Ends a command: code 0 -> dist_finalize, returns 0. Non-zero on a job of size > 1 -> logs
 * "rank R failed (exit CODE): aborting the job" and MPI_Abort(CODE) (does not return).
 * Non-zero on one process -> returns code. */
int dist_exit(int code);

int dist_rank(void); /* 0 in the single-process mode */
int dist_size(void); /* 1 in the single-process mode */
int dist_is_root(void);
/* "mpi" when MPI was started, "none" otherwise (also when built without MPI). */
const char *dist_backend(void);
/* 1 when the binary was built with MPI (whether or not this process runs under it). */
int dist_built_with_mpi(void);

/* In-place sums over all ranks of x[0..n) (float / double); every rank gets the result. The
 * order of the additions is MPI's, so a sum may differ from one process's serial sum in the
 * last bits (see docs/distributed.md for the tolerance this implies). n may exceed INT_MAX. */
Status dist_allreduce_sum_f32(float *x, int64_t n);
Status dist_allreduce_sum_f64(double *x, int64_t n);
/* Maximum over all ranks of an int (for "did any rank fail?"). */
Status dist_allreduce_max_int(int *x);
/* Copies root's bytes into every other rank's buf. */
Status dist_broadcast(void *buf, size_t bytes, int root);
Status dist_barrier(void);

/* Checks that buf holds the same bytes on every rank (SHA-256 of it broadcast from rank 0).
 * STATUS_INTERNAL on every rank when any rank differs (each differing rank logs `what` and
 * its rank). A collective: every rank calls it with the same `bytes`. */
Status dist_check_same(const void *buf, size_t bytes, const char *what);

/* Contiguous balanced shard of n items for `rank` of `size`: [*lo, *hi), the first n % size
 * ranks get one more. Shards tile [0, n) in rank order. */
void dist_shard(int64_t n, int rank, int size, int64_t *lo, int64_t *hi);

/* This rank's share [*lo, *hi) of a global batch of `batch` items. STATUS_INVALID_ARGUMENT,
 * logged naming `flag` ("--batch"), when the batch is smaller than the number of ranks (a rank
 * would get nothing to compute). */
Status dist_batch_shard(int64_t batch, const char *flag, int64_t *lo, int64_t *hi);

/* Data-parallel gradient step: grad[i] *= scale on this rank, then the sum over all ranks
 * (dist_allreduce_sum_f32). scale = this rank's share of the loss's denominator (1 when the
 * loss is already normalised by the global batch). A no-op on one process. */
Status dist_sync_grads(float *grad, int64_t n, float scale);

/* Steps between parameter checks (dist_check_same) in the training loops: the environment's
 * VPT_DIST_CHECK_EVERY when set (0 = never), else 50 in builds without NDEBUG (Debug, tests'
 * sanitizer build) and 0 in Release. */
int64_t dist_check_every(void);

#endif
