/* action.c: key names of the native action. */
#include "sim/action.h"

#include <assert.h>
#include <string.h>

static const char *const KEY_NAMES[KEY_COUNT] = {
    [KEY_FORWARD] = "forward",     [KEY_BACK] = "back",         [KEY_LEFT] = "left",
    [KEY_RIGHT] = "right",         [KEY_JUMP] = "jump",         [KEY_SNEAK] = "sneak",
    [KEY_SPRINT] = "sprint",       [KEY_ATTACK] = "attack",     [KEY_USE] = "use",
    [KEY_PICKITEM] = "pickItem",   [KEY_DROP] = "drop",         [KEY_SWAPHANDS] = "swapHands",
    [KEY_INVENTORY] = "inventory", [KEY_ESC] = "ESC",           [KEY_HOTBAR_1] = "hotbar.1",
    [KEY_HOTBAR_2] = "hotbar.2",   [KEY_HOTBAR_3] = "hotbar.3", [KEY_HOTBAR_4] = "hotbar.4",
    [KEY_HOTBAR_5] = "hotbar.5",   [KEY_HOTBAR_6] = "hotbar.6", [KEY_HOTBAR_7] = "hotbar.7",
    [KEY_HOTBAR_8] = "hotbar.8",   [KEY_HOTBAR_9] = "hotbar.9",
};
static_assert(KEY_COUNT <= 32, "keys fit the 32-bit mask");

const char *action_key_name(ActionKey k) {
    if ((unsigned)k >= KEY_COUNT) return NULL;
    return KEY_NAMES[k];
}

ActionKey action_key_from_name(const char *name) {
    for (int k = 0; k < KEY_COUNT; k++)
        if (strcmp(KEY_NAMES[k], name) == 0) return (ActionKey)k;
    return KEY_COUNT;
}

static const struct {
    const char *name;
    ActionKey key;
} KEYBOARD[] = {
    {"w", KEY_FORWARD},
    {"s", KEY_BACK},
    {"a", KEY_LEFT},
    {"d", KEY_RIGHT},
    {"space", KEY_JUMP},
    {"left.shift", KEY_SNEAK},
    {"left.control", KEY_SPRINT},
    {"q", KEY_DROP},
    {"f", KEY_SWAPHANDS},
    {"e", KEY_INVENTORY},
    {"escape", KEY_ESC},
};

ActionKey action_key_from_keyboard(const char *name) {
    static const char PREFIX[] = "key.keyboard.";
    if (strncmp(name, PREFIX, sizeof PREFIX - 1) != 0) return KEY_COUNT;
    name += sizeof PREFIX - 1;
    if (name[0] >= '1' && name[0] <= '9' && name[1] == 0)
        return (ActionKey)(KEY_HOTBAR_1 + (name[0] - '1'));
    for (size_t i = 0; i < sizeof KEYBOARD / sizeof KEYBOARD[0]; i++)
        if (strcmp(KEYBOARD[i].name, name) == 0) return KEYBOARD[i].key;
    return KEY_COUNT;
}

ActionKey action_key_from_mouse_button(int button) {
    switch (button) {
    case 0:
        return KEY_ATTACK;
    case 1:
        return KEY_USE;
    case 2:
        return KEY_PICKITEM;
    default:
        return KEY_COUNT;
    }
}
