/* scenes.h: the fixed scenes of the renderer's golden-image tests (test_render_golden.c),
 * shared with test_render.c. */
#ifndef TESTS_RENDER_SCENES_H
#define TESTS_RENDER_SCENES_H

#include "render/render.h"
#include "synth_world.h"

/* The synthetic world (built once) and a scene on it with a default HUD state. */
const SynthWorld *scenes_world(void);
void scenes_synth(RenderScene *sc, double x, double y, double z, float yaw, float pitch, int tod);
/* Four mobs (one in its hurt flash) and three dropped items near (0, 13..15) of the synthetic
 * world. */
void scenes_add_entities(RenderScene *sc);
/* Runs the golden-image test; returns its number of failed checks. */
int test_render_golden(const Renderer *r);

#endif
