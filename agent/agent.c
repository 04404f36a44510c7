/* agent.c: the Agent dispatch, the factory, AgentInfo helpers and the random player.
 *
 * The random player presses keys with some persistence (a person mashing keys, not white
 * noise), so it sometimes walks somewhere and breaks a block; it never opens GUIs on purpose
 * except by the odd inventory press. */
#include "agent/agent.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agent/bc.h"
#include "agent/persona.h"
#include "agent/scripted.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/rng.h"

static const char *const PERSONA_NAMES[PERSONA_COUNT] = {"speedrunner", "builder", "explorer",
                                                         "casual", "clumsy"};

const char *const *agent_list_personas(int *n) {
    if (n) *n = PERSONA_COUNT;
    return PERSONA_NAMES;
}

Agent *agent_wrap(const AgentVtbl *vt, void *self) {
    ASSERT(vt && vt->act && vt->reset);
    Agent *a = mem_calloc(1, sizeof *a);
    a->vt = vt;
    a->self = self;
    return a;
}

void agent_destroy(Agent *agent) {
    if (!agent) return;
    if (agent->vt->destroy) agent->vt->destroy(agent->self);
    mem_free(agent);
}

void agent_reset(Agent *agent, const Env *env, uint64_t seed) {
    agent->vt->reset(agent->self, env, seed);
}

void agent_act(Agent *agent, const Env *env, const uint8_t *obs_rgb, int w, int h, Action *out,
               AgentInfo *info) {
    AgentInfo scratch;
    AgentInfo *i = info ? info : &scratch;
    agent_info_clear(i);
    memset(out, 0, sizeof *out);
    agent->vt->act(agent->self, env, obs_rgb, w, h, out, i);
}

const char *agent_kind(const Agent *agent) { return agent->vt->kind; }

const char *agent_describe(const Agent *agent) {
    if (agent->vt->describe) return agent->vt->describe(agent->self);
    return agent->vt->kind;
}

void agent_info_clear(AgentInfo *info) { memset(info, 0, sizeof *info); }

void agent_info_set_goal(AgentInfo *info, const char *goal) {
    snprintf(info->goal, sizeof info->goal, "%s", goal);
}

void agent_info_add_prob(AgentInfo *info, const char *label, float p) {
    if (info->n_probs >= AGENT_INFO_MAX_PROBS) return;
    snprintf(info->probs[info->n_probs].label, sizeof info->probs[0].label, "%s", label);
    info->probs[info->n_probs].p = p;
    info->n_probs++;
}

/* ---- random player ---- */

typedef struct RandomAgent {
    Rng rng;
    uint32_t held; /* keys held until `hold_left` runs out */
    int hold_left;
    float cam_dx, cam_dy;
    int cam_left;
} RandomAgent;

static void random_reset(void *self, const Env *env, uint64_t seed) {
    (void)env;
    RandomAgent *r = self;
    memset(r, 0, sizeof *r);
    r->rng = rng_stream(seed, 0x7261ull);
}

static void random_act(void *self, const Env *env, const uint8_t *obs, int w, int h, Action *out,
                       AgentInfo *info) {
    (void)env;
    (void)obs;
    (void)w;
    (void)h;
    RandomAgent *r = self;
    if (r->hold_left <= 0) {
        /* New key combination held for 1..40 ticks. Each key has its own probability. */
        static const float P[KEY_COUNT] = {0.5f,  0.1f,  0.15f, 0.15f, 0.2f,  0.05f, 0.1f,  0.4f,
                                           0.05f, 0.0f,  0.01f, 0.0f,  0.01f, 0.0f,  0.02f, 0.02f,
                                           0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f};
        r->held = 0;
        for (int k = 0; k < KEY_COUNT; k++)
            if (rng_float(&r->rng) < P[k]) r->held |= ACTION_KEY_BIT(k);
        r->hold_left = 1 + (int)rng_below(&r->rng, 40);
    }
    if (r->cam_left <= 0) {
        r->cam_dx = rng_float(&r->rng) < 0.4f ? 0.0f : roundf((float)rng_normal(&r->rng) * 15.0f);
        r->cam_dy = rng_float(&r->rng) < 0.6f ? 0.0f : roundf((float)rng_normal(&r->rng) * 6.0f);
        r->cam_left = 1 + (int)rng_below(&r->rng, 20);
    }
    r->hold_left--;
    r->cam_left--;
    out->keys = r->held;
    out->mouse_dx = r->cam_dx;
    out->mouse_dy = r->cam_dy;
    agent_info_set_goal(info, "random");
}

static void random_destroy(void *self) { mem_free(self); }

static const AgentVtbl RANDOM_VTBL = {"random", random_reset, random_act, random_destroy, NULL};

Agent *agent_create(const char *spec, uint64_t seed) {
    if (strcmp(spec, "random") == 0) {
        RandomAgent *r = mem_calloc(1, sizeof *r);
        random_reset(r, NULL, seed);
        return agent_wrap(&RANDOM_VTBL, r);
    }
    if (strncmp(spec, "scripted", 8) == 0 && (spec[8] == '\0' || spec[8] == ':')) {
        int fixed = spec[8] == ':';
        PersonaId id = PERSONA_SPEEDRUNNER;
        if (fixed && persona_from_name(spec + 9, &id) != STATUS_OK) return NULL;
        return scripted_create(fixed ? (int)id : -1, seed);
    }
    if (strncmp(spec, "bc:", 3) == 0) return bc_agent_create(spec + 3, seed);
    LOG_ERROR("agent",
              "unknown policy '%s' (expected random, scripted, scripted:PERSONA or bc:CKPT)", spec);
    return NULL;
}
