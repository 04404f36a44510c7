/* rng.c: xoshiro256** (Blackman & Vigna) with splitmix64 seeding and the 2^128 jump. */
#include "core/rng.h"

#include <math.h>

#include "core/log.h"

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rng_seed(Rng *rng, uint64_t seed) {
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        rng->s[i] = rng_mix64(x);
    }
    /* All-zero state is the one fixed point of xoshiro; splitmix never yields four zeros in
     * practice, but make it impossible. */
    if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3])) rng->s[0] = 1;
}

Rng rng_stream(uint64_t seed, uint64_t stream) {
    Rng r;
    rng_seed(&r, rng_mix64(seed ^ rng_mix64(stream + 0x632be59bd9b4e019ULL)) ^ stream);
    return r;
}

uint64_t rng_u64(Rng *rng) {
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void rng_jump(Rng *rng) {
    static const uint64_t JUMP[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                    0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
    uint64_t t[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        for (int b = 0; b < 64; b++) {
            if (JUMP[i] & (1ULL << b)) {
                for (int k = 0; k < 4; k++) t[k] ^= rng->s[k];
            }
            rng_u64(rng);
        }
    }
    for (int k = 0; k < 4; k++) rng->s[k] = t[k];
}

Rng rng_split(Rng *parent) {
    Rng child = *parent;
    rng_jump(parent);
    return child;
}

uint32_t rng_u32(Rng *rng) { return (uint32_t)(rng_u64(rng) >> 32); }

uint32_t rng_below(Rng *rng, uint32_t n) {
    ASSERT(n > 0);
    uint64_t m = (uint64_t)rng_u32(rng) * n;
    uint32_t l = (uint32_t)m;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            m = (uint64_t)rng_u32(rng) * n;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

int32_t rng_range(Rng *rng, int32_t lo, int32_t hi) {
    ASSERT(hi >= lo);
    return lo + (int32_t)rng_below(rng, (uint32_t)(hi - lo) + 1u);
}

double rng_double(Rng *rng) { return (double)(rng_u64(rng) >> 11) * 0x1.0p-53; }

float rng_float(Rng *rng) { return (float)(rng_u64(rng) >> 40) * 0x1.0p-24f; }

double rng_normal(Rng *rng) {
    double u1 = rng_double(rng);
    double u2 = rng_double(rng);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
