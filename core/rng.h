/* rng.h: seeded random numbers with explicit state (xoshiro256**, seeded by splitmix64).
 *
 * No function in the project draws randomness from anywhere but an Rng it was handed.
 * Streams: rng_split() hands out a child generator whose sequence starts 2^128 draws further
 * on (xoshiro's jump), so parent and children never overlap; rng_stream() derives a generator
 * from (seed, stream id) directly, for per-chunk or per-env randomness that must not depend on
 * the order in which things are created. */
#ifndef CORE_RNG_H
#define CORE_RNG_H

#include <stdint.h>

typedef struct Rng {
    uint64_t s[4];
} Rng;

void rng_seed(Rng *rng, uint64_t seed);
/* Generator for (seed, stream): independent of any other stream id for the same seed. */
Rng rng_stream(uint64_t seed, uint64_t stream);
/* Returns a child generator and advances the parent past it (2^128 draws apart). */
Rng rng_split(Rng *parent);

uint64_t rng_u64(Rng *rng);
uint32_t rng_u32(Rng *rng);
/* Uniform integer in [0, n); n > 0. Unbiased (Lemire's method). */
uint32_t rng_below(Rng *rng, uint32_t n);
/* Uniform integer in [lo, hi]. */
int32_t rng_range(Rng *rng, int32_t lo, int32_t hi);
/* Uniform double in [0, 1) with 53 random bits. */
double rng_double(Rng *rng);
/* Uniform float in [0, 1) with 24 random bits. */
float rng_float(Rng *rng);
/* Standard normal (Box-Muller, no cached second value so the state is the whole story). */
double rng_normal(Rng *rng);

/* splitmix64 finaliser: a good 64-bit mixing function, also used for hashing coordinates. */
uint64_t rng_mix64(uint64_t x);

#endif
