/* encode.c: the model-side action encoding (idm.h): VPT's 20 buttons and the 2 x 11 mu-law
 * camera bins, to and from sim's native Action. The one owner of this mapping (agent/ reuses
 * it). Invariant: idm_label_from_action(idm_label_to_action(l)) == l for every label. */
#include <math.h>
#include <string.h>

#include "core/log.h"
#include "idm/idm.h"

static const ActionKey BUTTON_KEYS[IDM_N_BUTTONS] = {
    KEY_ATTACK,    KEY_BACK,     KEY_FORWARD,  KEY_JUMP,     KEY_LEFT,
    KEY_RIGHT,     KEY_SNEAK,    KEY_SPRINT,   KEY_USE,      KEY_DROP,
    KEY_INVENTORY, KEY_HOTBAR_1, KEY_HOTBAR_2, KEY_HOTBAR_3, KEY_HOTBAR_4,
    KEY_HOTBAR_5,  KEY_HOTBAR_6, KEY_HOTBAR_7, KEY_HOTBAR_8, KEY_HOTBAR_9,
};
static const char *const BUTTON_NAMES[IDM_N_BUTTONS] = {
    "attack",   "back",     "forward",  "jump",      "left",     "right",    "sneak",
    "sprint",   "use",      "drop",     "inventory", "hotbar.1", "hotbar.2", "hotbar.3",
    "hotbar.4", "hotbar.5", "hotbar.6", "hotbar.7",  "hotbar.8", "hotbar.9",
};
_Static_assert(sizeof BUTTON_KEYS / sizeof BUTTON_KEYS[0] == IDM_N_BUTTONS, "button table");
_Static_assert(sizeof BUTTON_NAMES / sizeof BUTTON_NAMES[0] == IDM_N_BUTTONS, "button names");

ActionKey idm_button_key(int i) {
    ASSERT(i >= 0 && i < IDM_N_BUTTONS);
    return BUTTON_KEYS[i];
}

const char *idm_button_name(int i) {
    ASSERT(i >= 0 && i < IDM_N_BUTTONS);
    return BUTTON_NAMES[i];
}

static NnMuLaw camera_q(void) { return NN_MULAW_VPT_CAMERA; }

float idm_counts_to_degrees(float counts) { return counts * ACTION_DEGREES_PER_COUNT; }

int idm_camera_bin(float degrees) { return nn_mulaw_encode(camera_q(), degrees); }

float idm_camera_bin_degrees(int bin) {
    ASSERT(bin >= 0 && bin < IDM_CAMERA_BINS);
    return nn_mulaw_decode(camera_q(), bin);
}

void idm_label_from_action(IdmLabel *out, const Action *a) {
    for (int i = 0; i < IDM_N_BUTTONS; i++)
        out->buttons[i] = (uint8_t)action_key_down(a, BUTTON_KEYS[i]);
    out->camera[0] = idm_camera_bin(idm_counts_to_degrees(a->mouse_dy));
    out->camera[1] = idm_camera_bin(idm_counts_to_degrees(a->mouse_dx));
}

void idm_label_to_action(Action *out, const IdmLabel *l) {
    memset(out, 0, sizeof *out);
    for (int i = 0; i < IDM_N_BUTTONS; i++)
        if (l->buttons[i]) action_key_set(out, BUTTON_KEYS[i], 1);
    /* Bin centres as mouse counts; the null bin decodes to exactly 0. */
    out->mouse_dy = l->camera[0] == IDM_CAMERA_NULL_BIN
                        ? 0.0f
                        : idm_camera_bin_degrees(l->camera[0]) / ACTION_DEGREES_PER_COUNT;
    out->mouse_dx = l->camera[1] == IDM_CAMERA_NULL_BIN
                        ? 0.0f
                        : idm_camera_bin_degrees(l->camera[1]) / ACTION_DEGREES_PER_COUNT;
}

int idm_label_is_null(const IdmLabel *l) {
    for (int i = 0; i < IDM_N_BUTTONS; i++)
        if (l->buttons[i]) return 0;
    return l->camera[0] == IDM_CAMERA_NULL_BIN && l->camera[1] == IDM_CAMERA_NULL_BIN;
}
