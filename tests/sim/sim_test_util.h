/* sim_test_util.h: helpers shared by the sim tests: build an env from inline preset JSON and
 * drive it with held keys for a number of ticks. */
#ifndef TESTS_SIM_TEST_UTIL_H
#define TESTS_SIM_TEST_UTIL_H

#include <stdlib.h>

#include "core/log.h"
#include "sim/env.h"
#include "tests/check.h"

static inline Env *test_env(const char *json, uint64_t seed) {
    WorldPreset p;
    Status st = preset_load_string(json, "test-preset", &p);
    if (st) {
        fprintf(stderr, "bad test preset: %s\n", json);
        abort();
    }
    Env *e = env_create(&p, seed);
    preset_deinit(&p);
    return e;
}

static inline Action act_keys(uint32_t keys) {
    Action a = {keys, 0.0f, 0.0f};
    return a;
}

#define K(k) ACTION_KEY_BIT(KEY_##k)

/* Steps n ticks with the same action; returns the tick (1-based) of the first event of type
 * `ev`, or 0 if none happened. */
static inline int step_until_event(Env *e, const Action *a, int n, EnvEventType ev, EnvEvent *out) {
    for (int t = 1; t <= n; t++) {
        StepResult r = env_step(e, a);
        for (int i = 0; i < r.n_events; i++)
            if (r.events[i].type == ev) {
                if (out) *out = r.events[i];
                return t;
            }
    }
    return 0;
}

static inline void step_n(Env *e, const Action *a, int n) {
    for (int t = 0; t < n; t++) env_step(e, a);
}

#endif
