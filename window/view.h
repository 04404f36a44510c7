/* view.h: drawing the game into the window: one frame of an env at the window's size, with the
 * camera interpolated between the last two ticks and mouse look applied immediately.
 *
 * Two back ends draw the world: the GL ray caster (window/glworld.h, the default) and the
 * canonical software renderer (`--renderer software`; what `auto` picks on a software GL such as
 * Mesa's llvmpipe, where it is faster; and the fallback when the GL one cannot start).
 * HUD and GUI always come from the canonical renderer's 2D pass, so they are identical. */
#ifndef WINDOW_VIEW_H
#define WINDOW_VIEW_H

#include "core/pool.h"
#include "render/render.h"
#include "sim/env.h"
#include "window/app.h"

typedef struct GameView GameView;

/* pool: threads for the software path (may be NULL). Owned by the caller. */
GameView *view_create(WindowApp *app, ThreadPool *pool, int renderer);
void view_destroy(GameView *v); /* accepts NULL */

/* Remember the player pose before a tick, for interpolation. */
void view_before_tick(GameView *v, const Env *env);
/* Draws env: alpha in [0,1] is the fraction of the next tick that has elapsed; look_dx/dy are
 * mouse counts not yet consumed by a tick (applied to the camera at once when no GUI is open).
 * The frame is drawn into the back buffer at the drawable size (the caller swaps). */
void view_draw(GameView *v, const Env *env, double alpha, double look_dx, double look_dy);
/* The RenderScene of the last view_draw (for overlays). */
const RenderScene *view_last_scene(const GameView *v);
const Renderer *view_renderer(const GameView *v);
/* 1 when the GL ray caster draws the world, 0 for the software path. */
int view_uses_gl(const GameView *v);

#endif
