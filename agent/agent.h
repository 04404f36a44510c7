/* agent.h: the one interface every player of the env implements: scripted contractors, the
 * random player, and (later) learned policies.
 *
 * An agent sees the env only as `const Env *` (scripted players read the world to plan: they
 * are oracles) and the rendered observation, and answers with a native Action (keys, mouse
 * counts, GUI clicks). It can never change the world except through that Action, because
 * nothing it is given is writable. Same seed + same env observations = same actions: every
 * random draw comes from the Rng the agent was reset with.
 *
 * Ownership: agent_create/agent_wrap return an Agent owned by the caller (agent_destroy,
 * which accepts NULL). AgentInfo is caller storage, overwritten by each act call. */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

#include <stdint.h>

#include "sim/action.h"

typedef struct Env Env;
typedef struct Agent Agent;

#define AGENT_INFO_MAX_PROBS 5

/* What the agent is doing, for the window's overlay: a short goal/skill text and up to 5
 * (label, probability) pairs (a policy's top actions; scripted players show their plan). */
typedef struct AgentInfo {
    char goal[64];
    int n_probs;
    struct {
        char label[24];
        float p;
    } probs[AGENT_INFO_MAX_PROBS];
} AgentInfo;

typedef struct AgentVtbl {
    const char *kind; /* "scripted", "random", "bc", ... */
    /* Start an episode on env (already reset by the caller) with this seed. */
    void (*reset)(void *self, const Env *env, uint64_t seed);
    /* One tick: obs_rgb is (h, w, 3) uint8 or NULL when the agent does not need pixels. */
    void (*act)(void *self, const Env *env, const uint8_t *obs_rgb, int w, int h, Action *out,
                AgentInfo *info);
    void (*destroy)(void *self);
    /* Optional: a short description of the agent ("scripted:speedrunner skill 0.83"). */
    const char *(*describe)(const void *self);
} AgentVtbl;

struct Agent {
    const AgentVtbl *vt;
    void *self;
};

/* "random", "scripted" (persona drawn from the seed), "scripted:PERSONA". Returns NULL and logs
 * the reason for an unknown spec. */
Agent *agent_create(const char *spec, uint64_t seed);
/* Wraps an implementation (learned policies plug in here); self is owned by the agent. */
Agent *agent_wrap(const AgentVtbl *vt, void *self);
void agent_destroy(Agent *agent);

void agent_reset(Agent *agent, const Env *env, uint64_t seed);
/* info may be NULL. */
void agent_act(Agent *agent, const Env *env, const uint8_t *obs_rgb, int w, int h, Action *out,
               AgentInfo *info);
const char *agent_kind(const Agent *agent);
/* Description string (static or owned by the agent; valid until the next reset/destroy). */
const char *agent_describe(const Agent *agent);

/* Names of the scripted personas ("speedrunner", "builder", "explorer", "casual", "clumsy");
 * static storage. */
const char *const *agent_list_personas(int *n);

/* Helpers for AgentInfo. */
void agent_info_clear(AgentInfo *info);
void agent_info_set_goal(AgentInfo *info, const char *goal);
void agent_info_add_prob(AgentInfo *info, const char *label, float p);

#endif
