/* clock.h: monotonic time for benchmarks, progress bars and timeouts. Never used by the
 * simulation (its only clock is the tick counter). */
#ifndef CORE_CLOCK_H
#define CORE_CLOCK_H

#include <stdint.h>

/* Seconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
double clock_now(void);
/* Nanoseconds since the same point. */
uint64_t clock_now_ns(void);
/* Sleep for the given seconds (>= 0). */
void clock_sleep(double seconds);

#endif
