/* script.c: native actions -> synthetic SDL events. */
#include "window/script.h"

#include <math.h>

#include "window/input.h"

/* Marker in fields real devices leave at 0 / their own ids. */
#define SCRIPT_MOUSE_ID 0x5C17u
#define SCRIPT_KEY_MARK 0x5C

SDL_Scancode script_scancode_for_key(ActionKey k) {
    for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++)
        if (input_key_for_scancode((SDL_Scancode)sc) == k) return (SDL_Scancode)sc;
    return SDL_SCANCODE_UNKNOWN;
}

Uint8 script_mouse_button_for_key(ActionKey k) {
    const Uint8 buttons[] = {SDL_BUTTON_LEFT, SDL_BUTTON_RIGHT, SDL_BUTTON_MIDDLE};
    for (int i = 0; i < 3; i++)
        if (input_key_for_mouse_button(buttons[i]) == k) return buttons[i];
    return 0;
}

int script_events_for_action(const Action *prev, const Action *cur, double sensitivity,
                             Uint32 window_id, SDL_Event *out, int max) {
    int n = 0;
    uint32_t changed = prev->keys ^ cur->keys;
    for (int k = 0; k < KEY_COUNT && n < max; k++) {
        if (!(changed & ACTION_KEY_BIT(k))) continue;
        int down = (cur->keys & ACTION_KEY_BIT(k)) != 0;
        SDL_Event ev;
        SDL_memset(&ev, 0, sizeof ev);
        Uint8 button = script_mouse_button_for_key((ActionKey)k);
        if (button) {
            ev.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
            ev.button.windowID = window_id;
            ev.button.button = button;
            ev.button.state = down ? SDL_PRESSED : SDL_RELEASED;
            ev.button.clicks = 1;
            ev.button.which = SCRIPT_MOUSE_ID;
        } else {
            ev.type = down ? SDL_KEYDOWN : SDL_KEYUP;
            ev.key.windowID = window_id;
            ev.key.state = down ? SDL_PRESSED : SDL_RELEASED;
            ev.key.keysym.scancode = script_scancode_for_key((ActionKey)k);
            ev.key.keysym.sym = SDL_GetKeyFromScancode(ev.key.keysym.scancode);
            ev.key.padding2 = SCRIPT_KEY_MARK;
        }
        out[n++] = ev;
    }
    if ((cur->mouse_dx != 0 || cur->mouse_dy != 0) && n < max) {
        SDL_Event ev;
        SDL_memset(&ev, 0, sizeof ev);
        ev.type = SDL_MOUSEMOTION;
        ev.motion.windowID = window_id;
        ev.motion.which = SCRIPT_MOUSE_ID;
        ev.motion.xrel = (Sint32)lround(cur->mouse_dx / sensitivity);
        ev.motion.yrel = (Sint32)lround(cur->mouse_dy / sensitivity);
        out[n++] = ev;
    }
    return n;
}

int script_event_is_synthetic(const SDL_Event *ev) {
    switch (ev->type) {
    case SDL_MOUSEMOTION:
        return ev->motion.which == SCRIPT_MOUSE_ID;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        return ev->button.which == SCRIPT_MOUSE_ID;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        return ev->key.padding2 == SCRIPT_KEY_MARK;
    default:
        return 0;
    }
}
