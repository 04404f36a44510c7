/* icons.h: item icons drawn by code (internal to render/): blocks as small isometric cubes
 * made from their face textures, the torch as its sprite, and pixel art for sticks, coal,
 * ingots, diamonds, meats and the 16 tools. Needs the block textures drawn first. */
#ifndef RENDER_ICONS_H
#define RENDER_ICONS_H

#include "render/texture.h"

void render_icons_draw(RenderTextures *t);

#endif
