/* input.h: SDL keyboard/mouse events -> the native Action of one 20 Hz tick.
 *
 * Minecraft's default bindings (DESIGN.md section 3): W/A/S/D, space jump, left shift sneak,
 * left control sprint, E inventory, Q drop, F swap hands, Escape, 1-9 hotbar; mouse left
 * attack, right use, middle pick item. Mouse motion accumulates between ticks and is converted
 * to mouse counts with a sensitivity (counts per physical pixel). A key pressed and released
 * between two ticks still shows as held for one tick, so taps are never lost. */
#ifndef WINDOW_INPUT_H
#define WINDOW_INPUT_H

#include <SDL2/SDL.h>

#include "sim/action.h"

typedef struct InputState {
    uint32_t held;   /* ActionKey bits held now */
    uint32_t tapped; /* bits that went down since the last tick */
    double acc_dx;   /* physical mouse pixels since the last tick */
    double acc_dy;
    double sensitivity; /* mouse counts per physical pixel */
    int quit;           /* window closed */
    /* window-level keys (not part of the action): */
    int toggle_fullscreen; /* F11 */
    int toggle_pause;      /* P (watch mode) */
    int single_step;       /* N (watch mode, while paused) */
    int cycle_speed;       /* Tab (watch mode: 1x/4x/max) */
    int restart;           /* R (watch mode: new seed) */
    int next_agent;        /* ] (watch mode) */
    int enter;             /* Return (record mode's pause menu: stop and save) */
} InputState;

void input_init(InputState *in, double sensitivity);
/* Returns the ActionKey bound to a scancode, or KEY_COUNT if none. */
ActionKey input_key_for_scancode(SDL_Scancode sc);
/* Returns the ActionKey bound to an SDL mouse button, or KEY_COUNT if none. */
ActionKey input_key_for_mouse_button(Uint8 button);
void input_handle_event(InputState *in, const SDL_Event *ev);
/* The action for the tick that is about to run; resets the per-tick accumulators. Mouse
 * counts are rounded to whole counts; the remainder carries over to the next tick. */
Action input_take_action(InputState *in);

#endif
