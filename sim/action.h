/* action.h: the native action, one per 20 Hz tick (DESIGN.md section 3).
 *
 * A bitmask of held keys/buttons and the mouse motion of this tick in mouse counts. In the
 * world the camera turns 0.15 degrees per count (yaw += dx*0.15, pitch += dy*0.15); with a GUI
 * open the cursor moves dx, dy pixels of the 640x360 GUI space. Edge-triggered effects (clicks,
 * hotbar selection, opening/closing screens) happen on the tick a key goes down; the env keeps
 * the previous tick's keys to tell. This header is a fixed contract shared by sim/, video/,
 * idm/ and agent/: append keys only at the end of ActionKey, never reorder. */
#ifndef SIM_ACTION_H
#define SIM_ACTION_H

#include <stdint.h>

typedef enum ActionKey {
    KEY_FORWARD = 0, /* W */
    KEY_BACK,        /* S */
    KEY_LEFT,        /* A */
    KEY_RIGHT,       /* D */
    KEY_JUMP,        /* space */
    KEY_SNEAK,       /* left shift */
    KEY_SPRINT,      /* left control */
    KEY_ATTACK,      /* mouse button 0 */
    KEY_USE,         /* mouse button 1 */
    KEY_PICKITEM,    /* mouse button 2 */
    KEY_DROP,        /* Q */
    KEY_SWAPHANDS,   /* F */
    KEY_INVENTORY,   /* E */
    KEY_ESC,         /* escape */
    KEY_HOTBAR_1,    /* 1 .. 9 follow in order */
    KEY_HOTBAR_2,
    KEY_HOTBAR_3,
    KEY_HOTBAR_4,
    KEY_HOTBAR_5,
    KEY_HOTBAR_6,
    KEY_HOTBAR_7,
    KEY_HOTBAR_8,
    KEY_HOTBAR_9,
    KEY_COUNT
} ActionKey;

#define ACTION_KEY_BIT(k) (1u << (unsigned)(k))

/* Camera degrees per mouse count (VPT: 360/2400). */
#define ACTION_DEGREES_PER_COUNT 0.15f

typedef struct Action {
    uint32_t keys;  /* ACTION_KEY_BIT(k) set while key k is held */
    float mouse_dx; /* mouse counts this tick, + is right */
    float mouse_dy; /* mouse counts this tick, + is down (pitch grows looking down) */
} Action;

static inline int action_key_down(const Action *a, ActionKey k) {
    return (a->keys & ACTION_KEY_BIT(k)) != 0;
}
static inline void action_key_set(Action *a, ActionKey k, int down) {
    if (down)
        a->keys |= ACTION_KEY_BIT(k);
    else
        a->keys &= ~ACTION_KEY_BIT(k);
}
/* VPT's null action: no keys, no buttons, no mouse motion. */
static inline int action_is_null(const Action *a) {
    return a->keys == 0 && a->mouse_dx == 0.0f && a->mouse_dy == 0.0f;
}

/* Short stable name of a key ("forward", "hotbar.1", "attack"); NULL when out of range. */
const char *action_key_name(ActionKey k);
/* Inverse of action_key_name; returns KEY_COUNT for an unknown name. */
ActionKey action_key_from_name(const char *name);
/* Key of a VPT recorder keyboard name ("key.keyboard.w" -> KEY_FORWARD, "key.keyboard.1" ->
 * KEY_HOTBAR_1, "key.keyboard.left.shift" -> KEY_SNEAK); KEY_COUNT for keys the game ignores. */
ActionKey action_key_from_keyboard(const char *name);
/* Key of a VPT mouse button number (0 attack, 1 use, 2 pickItem); KEY_COUNT otherwise. */
ActionKey action_key_from_mouse_button(int button);

#endif
