/* bc_encode.c: the BC policy's joint action encoding (bc.h): 8640 button combinations + the
 * exclusive inventory class, and the 121 joint camera bins (idm.h's mu-law bins).
 * Invariant: encode(decode(c, k)) == (c, k) for every class, see bc.h. */
#include <stdio.h>
#include <string.h>

#include "agent/bc.h"
#include "core/log.h"
#include "idm/idm.h"

/* Radix of each factor, most significant first. */
enum { F_HOTBAR, F_FB, F_LR, F_SS, F_USE, F_DROP, F_ATTACK, F_JUMP, F_CAM, F_COUNT };
static const int RADIX[F_COUNT] = {10, 3, 3, 3, 2, 2, 2, 2, 2};

/* 0 none, 1 a, 2 b; both held = none. */
static int tri(const Action *a, ActionKey ka, ActionKey kb) {
    int x = action_key_down(a, ka), y = action_key_down(a, kb);
    return x && !y ? 1 : (y && !x ? 2 : 0);
}

static int32_t pack(const int *f) {
    int32_t c = 0;
    for (int i = 0; i < F_COUNT; i++) c = c * RADIX[i] + f[i];
    return c;
}

static void unpack(int32_t c, int *f) {
    ASSERT(c >= 0 && c < BC_N_JOINT);
    for (int i = F_COUNT - 1; i >= 0; i--) {
        f[i] = c % RADIX[i];
        c /= RADIX[i];
    }
}

void bc_encode(BcTarget *out, const Action *a) {
    int pitch = idm_camera_bin(idm_counts_to_degrees(a->mouse_dy));
    int yaw = idm_camera_bin(idm_counts_to_degrees(a->mouse_dx));
    if (action_key_down(a, KEY_INVENTORY)) {
        out->buttons = BC_INVENTORY_CLASS;
        out->camera = BC_CAMERA_NULL_CLASS;
        return;
    }
    int f[F_COUNT];
    f[F_HOTBAR] = 0;
    for (int k = 0; k < 9; k++) {
        if (action_key_down(a, (ActionKey)(KEY_HOTBAR_1 + k))) {
            f[F_HOTBAR] = k + 1;
            break;
        }
    }
    f[F_FB] = tri(a, KEY_FORWARD, KEY_BACK);
    f[F_LR] = tri(a, KEY_LEFT, KEY_RIGHT);
    f[F_SS] = tri(a, KEY_SPRINT, KEY_SNEAK);
    f[F_USE] = action_key_down(a, KEY_USE);
    f[F_DROP] = action_key_down(a, KEY_DROP);
    f[F_ATTACK] = action_key_down(a, KEY_ATTACK);
    f[F_JUMP] = action_key_down(a, KEY_JUMP);
    f[F_CAM] = pitch != IDM_CAMERA_NULL_BIN || yaw != IDM_CAMERA_NULL_BIN;
    out->buttons = pack(f);
    out->camera = pitch * IDM_CAMERA_BINS + yaw;
}

void bc_targets_from_window(BcTarget *out, const Action *actions, const uint8_t *vpt_null, int T) {
    for (int t = 0; t < T; t++) {
        bc_encode(&out[t], &actions[t]);
        if (vpt_null[t]) out[t].buttons = out[t].camera = -1;
    }
}

int bc_class_camera_on(int32_t c) {
    ASSERT(c >= 0 && c < BC_N_BUTTON_CLASSES);
    return c != BC_INVENTORY_CLASS && (c % 2) == 1;
}

void bc_decode(Action *out, int32_t button_class, int32_t camera_class) {
    ASSERT(button_class >= 0 && button_class < BC_N_BUTTON_CLASSES);
    ASSERT(camera_class >= 0 && camera_class < BC_N_CAMERA_CLASSES);
    memset(out, 0, sizeof *out);
    if (button_class == BC_INVENTORY_CLASS) {
        action_key_set(out, KEY_INVENTORY, 1);
        return;
    }
    int f[F_COUNT];
    unpack(button_class, f);
    if (f[F_HOTBAR]) action_key_set(out, (ActionKey)(KEY_HOTBAR_1 + f[F_HOTBAR] - 1), 1);
    if (f[F_FB]) action_key_set(out, f[F_FB] == 1 ? KEY_FORWARD : KEY_BACK, 1);
    if (f[F_LR]) action_key_set(out, f[F_LR] == 1 ? KEY_LEFT : KEY_RIGHT, 1);
    if (f[F_SS]) action_key_set(out, f[F_SS] == 1 ? KEY_SPRINT : KEY_SNEAK, 1);
    action_key_set(out, KEY_USE, f[F_USE]);
    action_key_set(out, KEY_DROP, f[F_DROP]);
    action_key_set(out, KEY_ATTACK, f[F_ATTACK]);
    action_key_set(out, KEY_JUMP, f[F_JUMP]);
    if (!f[F_CAM]) return;
    /* Bin centres as mouse counts (idm_label_to_action's mapping). */
    IdmLabel l;
    memset(&l, 0, sizeof l);
    l.camera[0] = camera_class / IDM_CAMERA_BINS;
    l.camera[1] = camera_class % IDM_CAMERA_BINS;
    Action cam;
    idm_label_to_action(&cam, &l);
    out->mouse_dx = cam.mouse_dx;
    out->mouse_dy = cam.mouse_dy;
}

void bc_class_label(int32_t c, char *buf, int n) {
    ASSERT(n >= 24);
    if (c == BC_INVENTORY_CLASS) {
        snprintf(buf, (size_t)n, "inventory");
        return;
    }
    int f[F_COUNT];
    unpack(c, f);
    static const char *const FB[3] = {"", "fwd", "back"}, *const LR[3] = {"", "left", "right"},
                             *const SS[3] = {"", "sprint", "sneak"};
    const char *parts[10];
    int k = 0;
    char hb[4];
    if (f[F_HOTBAR]) {
        snprintf(hb, sizeof hb, "h%d", f[F_HOTBAR]);
        parts[k++] = hb;
    }
    if (f[F_FB]) parts[k++] = FB[f[F_FB]];
    if (f[F_LR]) parts[k++] = LR[f[F_LR]];
    if (f[F_SS]) parts[k++] = SS[f[F_SS]];
    if (f[F_USE]) parts[k++] = "use";
    if (f[F_DROP]) parts[k++] = "drop";
    if (f[F_ATTACK]) parts[k++] = "atk";
    if (f[F_JUMP]) parts[k++] = "jump";
    if (f[F_CAM]) parts[k++] = "cam";
    if (k == 0) {
        snprintf(buf, (size_t)n, "null");
        return;
    }
    int len = 0;
    buf[0] = 0;
    for (int i = 0; i < k && len < n - 1; i++)
        len += snprintf(buf + len, (size_t)(n - len), "%s%s", i ? "+" : "", parts[i]);
}
