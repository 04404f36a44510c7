/* glworld.h: the GL back end of the canonical renderer: the world pass as a GLSL ray caster
 * over 3D textures of the loaded blocks and light (glworld_shader.h), and the hand/HUD/GUI
 * from the canonical renderer's own 2D pass composited on top, so both back ends share one
 * algorithm and one HUD. Chunk volumes are re-uploaded only when their bytes change.
 * Main thread only (GL). */
#ifndef WINDOW_GLWORLD_H
#define WINDOW_GLWORLD_H

#include <stdint.h>

#include "core/status.h"
#include "render/render.h"

typedef struct GlWorld GlWorld;

/* Needs a current GL 3.3 context. NULL (logged) when the shader does not build. */
GlWorld *glworld_create(const Renderer *r);
void glworld_destroy(GlWorld *g); /* accepts NULL */

/* Draws the scene into the current framebuffer's viewport (0, 0, width, height). */
void glworld_draw(GlWorld *g, const RenderScene *sc, int width, int height);

/* Bytes uploaded to the GPU by the last draw (volumes that changed), for the benchmark. */
long long glworld_last_upload_bytes(const GlWorld *g);

#endif
