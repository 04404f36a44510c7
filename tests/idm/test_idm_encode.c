/* test_idm_encode.c: the model-side action encoding (VPT button order, camera bins against
 * nn's mu-law, round trip through the bin centres), the labelling window plan (every frame
 * labelled once, away from window edges), the evaluation statistics and the model config
 * (JSON round trip, comparison naming the field). */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "idm/idm.h"
#include "tests/check.h"

static void test_button_order(void) {
    static const char *const vpt[IDM_N_BUTTONS] = {
        "attack",   "back",     "forward",  "jump",      "left",     "right",    "sneak",
        "sprint",   "use",      "drop",     "inventory", "hotbar.1", "hotbar.2", "hotbar.3",
        "hotbar.4", "hotbar.5", "hotbar.6", "hotbar.7",  "hotbar.8", "hotbar.9"};
    for (int i = 0; i < IDM_N_BUTTONS; i++) {
        CHECK_STR_EQ(idm_button_name(i), vpt[i]);
        /* The native key behind each button has the same name in sim/. */
        CHECK_STR_EQ(action_key_name(idm_button_key(i)), vpt[i]);
    }
    Action a = {0};
    action_key_set(&a, KEY_ATTACK, 1);
    action_key_set(&a, KEY_HOTBAR_9, 1);
    action_key_set(&a, KEY_ESC, 1); /* not an IDM button */
    IdmLabel l;
    idm_label_from_action(&l, &a);
    int on = 0;
    for (int i = 0; i < IDM_N_BUTTONS; i++) on += l.buttons[i];
    CHECK_EQ_INT(on, 2);
    CHECK_EQ_INT(l.buttons[0], 1);
    CHECK_EQ_INT(l.buttons[19], 1);
}

static void test_camera_bins(void) {
    const float centres[IDM_CAMERA_BINS] = {-10.0f, -5.809f, -3.215f, -1.609f, -0.615f, 0.0f,
                                            0.615f, 1.609f,  3.215f,  5.809f,  10.0f};
    for (int b = 0; b < IDM_CAMERA_BINS; b++)
        CHECK_NEAR(idm_camera_bin_degrees(b), centres[b], 1e-3);
    const NnMuLaw q = NN_MULAW_VPT_CAMERA;
    for (float d = -14.0f; d <= 14.0f; d += 0.05f)
        CHECK_EQ_INT(idm_camera_bin(d), nn_mulaw_encode(q, d));
    CHECK_EQ_INT(idm_camera_bin(25.0f), 10); /* clipped */
    CHECK_EQ_INT(idm_camera_bin(-25.0f), 0);
    CHECK_EQ_INT(idm_camera_bin(0.0f), IDM_CAMERA_NULL_BIN);
    /* Mouse counts: 0.15 degrees each; dy is pitch (axis 0), dx is yaw (axis 1). */
    CHECK_NEAR(idm_counts_to_degrees(20.0f), 3.0f, 1e-6);
    Action a = {0, 20.0f, -40.0f}; /* yaw +3 deg, pitch -6 deg */
    IdmLabel l;
    idm_label_from_action(&l, &a);
    CHECK_EQ_INT(l.camera[1], nn_mulaw_encode(q, 3.0f));
    CHECK_EQ_INT(l.camera[0], nn_mulaw_encode(q, -6.0f));
    CHECK(!idm_label_is_null(&l));
}

static void test_round_trip(void) {
    /* Every label -> Action with the bin centres' counts -> the same label. */
    for (int p = 0; p < IDM_CAMERA_BINS; p++) {
        for (int y = 0; y < IDM_CAMERA_BINS; y++) {
            IdmLabel l = {{0}, {p, y}};
            for (int b = 0; b < IDM_N_BUTTONS; b++) l.buttons[b] = (uint8_t)((p + y + b) % 3 == 0);
            Action a;
            idm_label_to_action(&a, &l);
            CHECK_NEAR(a.mouse_dy * ACTION_DEGREES_PER_COUNT, idm_camera_bin_degrees(p), 1e-4);
            CHECK_NEAR(a.mouse_dx * ACTION_DEGREES_PER_COUNT, idm_camera_bin_degrees(y), 1e-4);
            IdmLabel back;
            idm_label_from_action(&back, &a);
            CHECK(memcmp(&back, &l, sizeof l) == 0);
        }
    }
    IdmLabel null = {{0}, {IDM_CAMERA_NULL_BIN, IDM_CAMERA_NULL_BIN}};
    Action a;
    idm_label_to_action(&a, &null);
    CHECK(action_is_null(&a));
    CHECK(idm_label_is_null(&null));
}

static void test_window_plan(void) {
    const int Ts[] = {1, 2, 5, 8, 32};
    for (size_t ti = 0; ti < sizeof Ts / sizeof Ts[0]; ti++) {
        const int T = Ts[ti], margin = T / 4;
        for (int64_t n = 0; n <= 200; n += (n < 40 ? 1 : 37)) {
            const int64_t count = idm_window_count(n, T);
            int64_t s[256], f[256], t[256];
            ASSERT(count <= 256);
            CHECK_EQ_INT(idm_window_plan(n, T, s, f, t), count);
            int64_t next = 0;
            for (int64_t k = 0; k < count; k++) {
                const int len = n < T ? (int)n : T;
                CHECK_EQ_INT(f[k], next); /* tiles [0, n) in order, each frame once */
                CHECK(t[k] > f[k]);
                CHECK(s[k] >= 0 && s[k] + len <= n);
                for (int64_t i = f[k]; i < t[k]; i++) {
                    CHECK(i >= s[k] && i < s[k] + len);
                    /* Away from the window's edges unless at the clip's own ends. */
                    if (n > T && i >= margin && i < n - margin)
                        CHECK_MSG(i - s[k] >= margin && s[k] + len - i > margin,
                                  "n %lld T %d frame %lld in window at %lld", (long long)n, T,
                                  (long long)i, (long long)s[k]);
                }
                next = t[k];
            }
            CHECK_EQ_INT(next, n);
        }
    }
}

static void test_stats(void) {
    IdmStats s;
    idm_stats_init(&s);
    Action fwd = {ACTION_KEY_BIT(KEY_FORWARD), 0.0f, 0.0f}, none = {0, 0.0f, 0.0f};
    IdmLabel pf, pn;
    idm_label_from_action(&pf, &fwd);
    idm_label_from_action(&pn, &none);
    idm_stats_add(&s, &pf, &fwd);  /* tp */
    idm_stats_add(&s, &pf, &none); /* fp */
    idm_stats_add(&s, &pn, &fwd);  /* fn */
    idm_stats_add(&s, &pn, &none); /* tn */
    json_t *j = idm_stats_json(&s);
    json_t *f = json_object_get(json_object_get(j, "buttons"), "forward");
    CHECK_NEAR(json_real_value(json_object_get(f, "accuracy")), 0.5, 1e-9);
    CHECK_NEAR(json_real_value(json_object_get(f, "f1")), 0.5, 1e-9);
    CHECK_NEAR(json_real_value(json_object_get(f, "precision")), 0.5, 1e-9);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(j, "null_frames"), "frames")),
                 2);
    CHECK_NEAR(
        json_real_value(json_object_get(json_object_get(j, "nonnull_frames"), "exact_accuracy")),
        0.5, 1e-9);
    /* Other buttons are always right: keypress accuracy (19 + 0.5) / 20. */
    CHECK_NEAR(idm_stats_keypress_accuracy(&s), 19.5 / 20.0, 1e-9);
    CHECK_NEAR(idm_stats_camera_accuracy(&s), 1.0, 1e-9);
    /* Always-null baseline: forward is wrong on 2 of 4 frames, every camera bin is null. */
    json_t *nb = json_object_get(j, "null_baseline");
    CHECK_NEAR(json_real_value(json_object_get(nb, "keypress_accuracy")), 19.5 / 20.0, 1e-9);
    CHECK_NEAR(json_real_value(json_object_get(nb, "camera_accuracy")), 1.0, 1e-9);
    json_decref(j);
    /* R^2: a perfect camera prediction at bin centres is 1. */
    idm_stats_init(&s);
    for (int b = 0; b < IDM_CAMERA_BINS; b++) {
        IdmLabel l = {{0}, {b, IDM_CAMERA_BINS - 1 - b}};
        Action a;
        idm_label_to_action(&a, &l);
        idm_stats_add(&s, &l, &a);
    }
    j = idm_stats_json(&s);
    CHECK_NEAR(json_real_value(json_object_get(json_object_get(j, "camera_r2"), "mean")), 1.0,
               1e-5);
    json_decref(j);
}

static char last_error[1024];
static void sink(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)user, (void)tag;
    if (level == LOG_LEVEL_ERROR) snprintf(last_error, sizeof last_error, "%s", msg);
}

static void test_config(void) {
    IdmConfig c, d;
    idm_config_default(&c);
    CHECK_EQ_INT(c.window, 32);
    CHECK_EQ_INT(c.tconv_k, 5);
    CHECK_EQ_INT(c.frame_w, 64);
    CHECK_EQ_INT(c.dense, 256);
    CHECK_EQ_INT(c.heads, 8);
    CHECK_EQ_INT(c.widths[0] * 10000 + c.widths[1] * 100 + c.widths[2], 163232);
    json_t *j = idm_config_to_json(&c);
    CHECK_EQ_INT(idm_config_from_json(j, "t", &d), STATUS_OK);
    CHECK_EQ_INT(idm_config_compare(&c, &d, "t"), STATUS_OK);
    log_set_sink(sink, NULL);
    d.window = 16;
    CHECK_EQ_INT(idm_config_compare(&d, &c, "ckpt"), STATUS_INVALID_ARGUMENT);
    CHECK_MSG(strstr(last_error, "'window'") && strstr(last_error, "16") &&
                  strstr(last_error, "32"),
              "message: %s", last_error);
    json_object_set_new(j, "heads", json_integer(7)); /* does not divide 256 */
    CHECK_EQ_INT(idm_config_from_json(j, "cfg.json", &d), STATUS_INVALID_ARGUMENT);
    CHECK_MSG(strstr(last_error, "'heads'") != NULL, "message: %s", last_error);
    json_object_set_new(j, "bogus", json_integer(1));
    CHECK(idm_config_from_json(j, "cfg.json", &d) != STATUS_OK);
    CHECK_MSG(strstr(last_error, "bogus") != NULL, "message: %s", last_error);
    log_set_sink(NULL, NULL);
    json_decref(j);
}

int main(void) {
    TEST_RUN(test_button_order);
    TEST_RUN(test_camera_bins);
    TEST_RUN(test_round_trip);
    TEST_RUN(test_window_plan);
    TEST_RUN(test_stats);
    TEST_RUN(test_config);
    return check_finish();
}
