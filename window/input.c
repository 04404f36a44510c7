/* input.c: SDL event -> native action mapping with Minecraft's default bindings. */
#include "window/input.h"

#include <math.h>

void input_init(InputState *in, double sensitivity) {
    SDL_memset(in, 0, sizeof *in);
    in->sensitivity = sensitivity > 0 ? sensitivity : 1.0;
}

ActionKey input_key_for_scancode(SDL_Scancode sc) {
    switch (sc) {
    case SDL_SCANCODE_W:
        return KEY_FORWARD;
    case SDL_SCANCODE_S:
        return KEY_BACK;
    case SDL_SCANCODE_A:
        return KEY_LEFT;
    case SDL_SCANCODE_D:
        return KEY_RIGHT;
    case SDL_SCANCODE_SPACE:
        return KEY_JUMP;
    case SDL_SCANCODE_LSHIFT:
        return KEY_SNEAK;
    case SDL_SCANCODE_LCTRL:
        return KEY_SPRINT;
    case SDL_SCANCODE_Q:
        return KEY_DROP;
    case SDL_SCANCODE_F:
        return KEY_SWAPHANDS;
    case SDL_SCANCODE_E:
        return KEY_INVENTORY;
    case SDL_SCANCODE_ESCAPE:
        return KEY_ESC;
    default:
        break;
    }
    if (sc >= SDL_SCANCODE_1 && sc <= SDL_SCANCODE_9)
        return (ActionKey)(KEY_HOTBAR_1 + (sc - SDL_SCANCODE_1));
    return KEY_COUNT;
}

ActionKey input_key_for_mouse_button(Uint8 button) {
    switch (button) {
    case SDL_BUTTON_LEFT:
        return KEY_ATTACK;
    case SDL_BUTTON_RIGHT:
        return KEY_USE;
    case SDL_BUTTON_MIDDLE:
        return KEY_PICKITEM;
    default:
        return KEY_COUNT;
    }
}

static void press(InputState *in, ActionKey k, int down) {
    if (k == KEY_COUNT) return;
    if (down) {
        if (!(in->held & ACTION_KEY_BIT(k))) in->tapped |= ACTION_KEY_BIT(k);
        in->held |= ACTION_KEY_BIT(k);
    } else {
        in->held &= ~ACTION_KEY_BIT(k);
    }
}

void input_handle_event(InputState *in, const SDL_Event *ev) {
    switch (ev->type) {
    case SDL_QUIT:
        in->quit = 1;
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP: {
        int down = ev->type == SDL_KEYDOWN;
        if (ev->key.repeat) break;
        SDL_Scancode sc = ev->key.keysym.scancode;
        if (down) {
            if (sc == SDL_SCANCODE_F11) in->toggle_fullscreen = 1;
            if (sc == SDL_SCANCODE_P) in->toggle_pause = 1;
            if (sc == SDL_SCANCODE_N) in->single_step = 1;
            if (sc == SDL_SCANCODE_TAB) in->cycle_speed = 1;
            if (sc == SDL_SCANCODE_R) in->restart = 1;
            if (sc == SDL_SCANCODE_RIGHTBRACKET) in->next_agent = 1;
            if (sc == SDL_SCANCODE_RETURN) in->enter = 1;
        }
        press(in, input_key_for_scancode(sc), down);
        break;
    }
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        press(in, input_key_for_mouse_button(ev->button.button), ev->type == SDL_MOUSEBUTTONDOWN);
        break;
    case SDL_MOUSEMOTION:
        in->acc_dx += ev->motion.xrel * in->sensitivity;
        in->acc_dy += ev->motion.yrel * in->sensitivity;
        break;
    case SDL_WINDOWEVENT:
        /* Losing focus releases everything: no key stays stuck down. */
        if (ev->window.event == SDL_WINDOWEVENT_FOCUS_LOST) in->held = 0;
        break;
    default:
        break;
    }
}

Action input_take_action(InputState *in) {
    Action a;
    a.keys = in->held | in->tapped;
    double dx = round(in->acc_dx), dy = round(in->acc_dy);
    a.mouse_dx = (float)dx;
    a.mouse_dy = (float)dy;
    in->acc_dx -= dx;
    in->acc_dy -= dy;
    in->tapped = 0;
    return a;
}
