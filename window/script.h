/* script.h: input scripts for headless runs. A script is a sequence of native actions, one
 * per tick; each tick's action is turned into the SDL events a person would have produced
 * (key/button down and up for what changed since the previous tick, one relative mouse motion)
 * and pushed into SDL's queue, so scripted runs go through exactly the same input path as a
 * person at the keyboard. */
#ifndef WINDOW_SCRIPT_H
#define WINDOW_SCRIPT_H

#include <SDL2/SDL.h>

#include "sim/action.h"

/* Scancode / mouse button for a key (inverse of input.h's bindings). */
SDL_Scancode script_scancode_for_key(ActionKey k);
Uint8 script_mouse_button_for_key(ActionKey k); /* 0 when the key is not a mouse button */

/* Writes the events that turn `prev` into `cur` into out[0..max-1]; returns how many. Mouse
 * motion is expressed in physical pixels: counts / sensitivity (sensitivity 1 in tests). */
int script_events_for_action(const Action *prev, const Action *cur, double sensitivity,
                             Uint32 window_id, SDL_Event *out, int max);

/* 1 when an event was made by script_events_for_action (it carries a marker that real
 * devices never set), so a scripted run can ignore stray real input. */
int script_event_is_synthetic(const SDL_Event *ev);

#endif
