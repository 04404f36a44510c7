/* scripted.h: the scripted contractors (oracle planners acting only through the native
 * action). Internal to agent/: other modules create them with agent_create("scripted:NAME"). */
#ifndef AGENT_SCRIPTED_H
#define AGENT_SCRIPTED_H

#include <stdint.h>

#include "agent/agent.h"

/* persona: a PersonaId, or -1 to draw the persona from each episode's seed. Returns NULL (and
 * logs) when this build has no env to play in. */
Agent *scripted_create(int persona, uint64_t seed);

#endif
