/* scripted_stub.c: placeholder until the sim's env lands (replaced by scripted.c). */
#include "agent/scripted.h"

#include <stddef.h>

#include "core/log.h"

Agent *scripted_create(int persona, uint64_t seed) {
    (void)persona;
    (void)seed;
    LOG_ERROR("agent", "scripted players need the sim's env, which this build does not have yet");
    return NULL;
}
