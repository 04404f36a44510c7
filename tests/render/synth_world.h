/* synth_world.h: a small hand-built voxel world for the renderer's tests (no generator
 * needed): 5x5 chunks of hills with grass, dirt and stone, a pond, an oak tree, a torch,
 * ores on an exposed wall, glass, a crafting table and a furnace. Light is computed
 * simply (sky light 15 above each column's top, block light falling off from the torch). */
#ifndef TESTS_RENDER_SYNTH_WORLD_H
#define TESTS_RENDER_SYNTH_WORLD_H

#include <stdint.h>

#include "render/render.h"

#define SYNTH_CHUNKS 5 /* chunks -2..2 on each axis */

typedef struct SynthWorld {
    uint8_t blocks[SYNTH_CHUNKS * SYNTH_CHUNKS][16 * 128 * 16];
    uint8_t light[SYNTH_CHUNKS * SYNTH_CHUNKS][16 * 128 * 16];
} SynthWorld;

void synth_world_build(SynthWorld *w);
void synth_world_set(SynthWorld *w, int x, int y, int z, int block);
int synth_world_get(const SynthWorld *w, int x, int y, int z);
/* Recomputes light after edits. */
void synth_world_relight(SynthWorld *w);
RenderWorldView synth_world_view(const SynthWorld *w);
/* Height of the terrain surface (the grass block's y) at a column. */
int synth_height(int x, int z);

#endif
