/* persona.c: persona table, skill levels and their per-episode draws (see persona.h). */
#include "agent/persona.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

typedef struct PersonaBase {
    const char *name;
    float level_lo, level_hi; /* skill level drawn uniformly in this range */
    int diamond, shelter;
    float explore, hunt, torch, hand_craft;
    float idle_scale, mistake_scale;
} PersonaBase;

static const PersonaBase PERSONAS[PERSONA_COUNT] = {
    [PERSONA_SPEEDRUNNER] = {"speedrunner", 0.75f, 1.0f, 1, 0, 0.1f, 0.1f, 0.8f, 0.25f, 0.2f, 0.5f},
    [PERSONA_BUILDER] = {"builder", 0.5f, 0.9f, 0, 1, 0.2f, 0.2f, 0.8f, 0.5f, 1.0f, 1.0f},
    [PERSONA_EXPLORER] = {"explorer", 0.5f, 0.9f, 0, 0, 0.9f, 0.8f, 0.6f, 0.4f, 0.6f, 1.0f},
    [PERSONA_CASUAL] = {"casual", 0.3f, 0.7f, 0, 0, 0.5f, 0.3f, 0.3f, 0.6f, 4.0f, 1.5f},
    [PERSONA_CLUMSY] = {"clumsy", 0.0f, 0.35f, 1, 0, 0.3f, 0.3f, 0.5f, 0.7f, 1.5f, 3.0f},
};

const char *persona_name(PersonaId id) {
    ASSERT(id >= 0 && id < PERSONA_COUNT);
    return PERSONAS[id].name;
}

Status persona_from_name(const char *name, PersonaId *out) {
    for (int i = 0; i < PERSONA_COUNT; i++) {
        if (strcmp(PERSONAS[i].name, name) == 0) {
            *out = (PersonaId)i;
            return STATUS_OK;
        }
    }
    LOG_ERROR("agent",
              "unknown persona '%s' (expected speedrunner, builder, explorer, casual or clumsy)",
              name);
    return STATUS_INVALID_ARGUMENT;
}

Status persona_parse_list(const char *list, PersonaId *ids, int *n) {
    *n = 0;
    char buf[256];
    if (strlen(list) >= sizeof buf || list[0] == '\0') {
        LOG_ERROR("agent", "persona list '%s': expected comma-separated names", list);
        return STATUS_INVALID_ARGUMENT;
    }
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        PersonaId id;
        if (persona_from_name(tok, &id) != STATUS_OK) return STATUS_INVALID_ARGUMENT;
        for (int i = 0; i < *n; i++) {
            if (ids[i] == id) {
                LOG_ERROR("agent", "persona list '%s': '%s' given twice", list, tok);
                return STATUS_INVALID_ARGUMENT;
            }
        }
        ids[(*n)++] = id;
    }
    if (*n == 0) {
        LOG_ERROR("agent", "persona list '%s': no names", list);
        return STATUS_INVALID_ARGUMENT;
    }
    return STATUS_OK;
}

static float lerpf(float a, float b, float t) { return a + (b - a) * t; }
static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

SkillLevel skill_from_level(float level) {
    float t = clampf(level, 0.0f, 1.0f);
    SkillLevel s;
    s.level = t;
    /* Human visual reaction is ~200-300 ms (4-6 ticks); novices are slower. */
    s.reaction_ticks = (int)(lerpf(10.0f, 2.0f, t) + 0.5f);
    s.aim_noise_deg = lerpf(0.8f, 0.05f, t);
    s.overshoot = lerpf(0.3f, 0.06f, t);
    s.max_turn_deg = lerpf(8.0f, 24.0f, t);
    s.accel_deg = lerpf(1.5f, 7.0f, t);
    s.mistake_rate = lerpf(0.06f, 0.003f, t);
    s.idle_rate = lerpf(0.004f, 0.0005f, t);
    s.hand_craft_rate = 0.3f;
    return s;
}

void persona_draw(PersonaId id, Rng *rng, Persona *out) {
    ASSERT(id >= 0 && id < PERSONA_COUNT);
    const PersonaBase *b = &PERSONAS[id];
    memset(out, 0, sizeof *out);
    out->id = id;
    float level = lerpf(b->level_lo, b->level_hi, rng_float(rng));
    out->skill = skill_from_level(level);
    out->skill.mistake_rate = clampf(out->skill.mistake_rate * b->mistake_scale, 0.0f, 0.1f);
    out->skill.idle_rate = clampf(out->skill.idle_rate * b->idle_scale, 0.0f, 0.05f);
    out->skill.hand_craft_rate = clampf(b->hand_craft + 0.2f * (rng_float(rng) - 0.5f), 0, 1);
    out->goal_diamond_pickaxe = b->diamond;
    out->goal_build_shelter = b->shelter;
    out->explore_bias = clampf(b->explore + 0.2f * (rng_float(rng) - 0.5f), 0.0f, 1.0f);
    out->hunt_bias = clampf(b->hunt + 0.2f * (rng_float(rng) - 0.5f), 0.0f, 1.0f);
    out->torch_rate = clampf(b->torch + 0.2f * (rng_float(rng) - 0.5f), 0.0f, 1.0f);
}
