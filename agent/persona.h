/* persona.h: who a scripted contractor is: a persona (goals and play style) and a skill level
 * (reaction time, aim noise, mistakes).
 *
 * Personas are data: a base table per persona, jittered per episode by an explicit Rng, so the
 * same seed always gives the same player and different seeds give a spread of players.
 * Invariants: every drawn value lies in the documented range of its field. */
#ifndef AGENT_PERSONA_H
#define AGENT_PERSONA_H

#include <stdint.h>

#include "core/rng.h"
#include "core/status.h"

typedef enum PersonaId {
    PERSONA_SPEEDRUNNER = 0, /* straight for the diamond pickaxe */
    PERSONA_BUILDER,         /* gathers wood and stone, builds a shelter, some tools */
    PERSONA_EXPLORER,        /* travels far, hunts animals, mines what it finds */
    PERSONA_CASUAL,          /* idles, looks around, wanders, crafts a little */
    PERSONA_CLUMSY,          /* the tech tree, with many more mistakes and slow reactions */
    PERSONA_COUNT
} PersonaId;

/* How well the player uses keyboard and mouse. */
typedef struct SkillLevel {
    float level;           /* 0 (novice) .. 1 (expert): the knob the rest derives from */
    int reaction_ticks;    /* 1 .. 12: ticks between seeing a new target and starting to turn */
    float aim_noise_deg;   /* 0.02 .. 1.5: std of per-tick camera jitter while turning */
    float overshoot;       /* 0 .. 0.4: mean fraction by which a flick overshoots its target */
    float max_turn_deg;    /* 4 .. 30: top camera speed, degrees per tick */
    float accel_deg;       /* 1 .. 10: camera acceleration, degrees per tick^2 */
    float mistake_rate;    /* 0 .. 0.1: chance per decision of a slip (wrong key, wrong slot) */
    float idle_rate;       /* 0 .. 0.05: chance per tick of starting an idle pause */
    float hand_craft_rate; /* 0 .. 1: chance to craft by placing items in the grid by hand
                              instead of using the recipe book */
} SkillLevel;

typedef struct Persona {
    PersonaId id;
    SkillLevel skill;
    /* Goals and style. */
    int goal_diamond_pickaxe; /* 1: plays the tech tree to the end */
    int goal_build_shelter;   /* 1: builds a small shelter/house */
    float explore_bias;       /* 0 .. 1: preference for travelling far */
    float hunt_bias;          /* 0 .. 1: preference for hunting animals */
    float torch_rate;         /* 0 .. 1: how eagerly torches are placed underground */
} Persona;

const char *persona_name(PersonaId id);
/* STATUS_INVALID_ARGUMENT (and a log line listing the names) for an unknown name. */
Status persona_from_name(const char *name, PersonaId *out);
/* Parses "speedrunner,casual" into ids (at most PERSONA_COUNT, no repeats). */
Status persona_parse_list(const char *list, PersonaId *ids, int *n);

/* Draws this episode's player for persona `id`: the persona's base skill jittered by rng. */
void persona_draw(PersonaId id, Rng *rng, Persona *out);
/* Skill for a given level 0..1 (no jitter): what the camera and planner read. */
SkillLevel skill_from_level(float level);

#endif
