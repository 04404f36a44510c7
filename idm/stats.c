/* stats.c: IDM evaluation statistics (idm.h): per-button accuracy/precision/recall/F1, VPT's
 * keypress accuracy (mean per-button accuracy), camera bin accuracy and R^2 of the decoded
 * degrees (truth: the recorded angle clipped to +-10 deg, prediction: the bin centre), and
 * whole-frame exact-match accuracy on null and non-null frames. Pure counting, no I/O but the
 * printed table. */
#include <string.h>

#include "idm/idm.h"

void idm_stats_init(IdmStats *s) { memset(s, 0, sizeof *s); }

static float clip_deg(float d) {
    return d > IDM_CAMERA_MAX_DEG ? IDM_CAMERA_MAX_DEG
                                  : (d < -IDM_CAMERA_MAX_DEG ? -IDM_CAMERA_MAX_DEG : d);
}

void idm_stats_add(IdmStats *s, const IdmLabel *pred, const Action *truth) {
    IdmLabel t;
    idm_label_from_action(&t, truth);
    int exact = 1;
    for (int b = 0; b < IDM_N_BUTTONS; b++) {
        const int p = pred->buttons[b] != 0, y = t.buttons[b] != 0;
        s->tp[b] += p && y, s->fp[b] += p && !y, s->fn[b] += !p && y, s->tn[b] += !p && !y;
        exact &= p == y;
    }
    const float deg[2] = {clip_deg(idm_counts_to_degrees(truth->mouse_dy)),
                          clip_deg(idm_counts_to_degrees(truth->mouse_dx))};
    for (int k = 0; k < 2; k++) {
        s->cam_correct[k] += pred->camera[k] == t.camera[k];
        s->cam_truth_null[k] += t.camera[k] == IDM_CAMERA_NULL_BIN;
        exact &= pred->camera[k] == t.camera[k];
        const double e = deg[k] - idm_camera_bin_degrees(pred->camera[k]);
        s->sum_y[k] += deg[k], s->sum_y2[k] += (double)deg[k] * deg[k], s->sum_err2[k] += e * e;
    }
    s->frames++;
    if (action_is_null(truth)) {
        s->null_frames++, s->null_exact += exact;
    } else {
        s->nonnull_frames++, s->nonnull_exact += exact;
    }
}

void idm_stats_merge(IdmStats *into, const IdmStats *from) {
    into->frames += from->frames;
    for (int b = 0; b < IDM_N_BUTTONS; b++) {
        into->tp[b] += from->tp[b], into->fp[b] += from->fp[b];
        into->fn[b] += from->fn[b], into->tn[b] += from->tn[b];
    }
    for (int k = 0; k < 2; k++) {
        into->cam_correct[k] += from->cam_correct[k];
        into->cam_truth_null[k] += from->cam_truth_null[k];
        into->sum_y[k] += from->sum_y[k], into->sum_y2[k] += from->sum_y2[k];
        into->sum_err2[k] += from->sum_err2[k];
    }
    into->null_frames += from->null_frames, into->null_exact += from->null_exact;
    into->nonnull_frames += from->nonnull_frames, into->nonnull_exact += from->nonnull_exact;
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

static double button_accuracy(const IdmStats *s, int b) {
    return ratio((double)(s->tp[b] + s->tn[b]), (double)s->frames);
}

double idm_stats_keypress_accuracy(const IdmStats *s) {
    double sum = 0;
    for (int b = 0; b < IDM_N_BUTTONS; b++) sum += button_accuracy(s, b);
    return sum / IDM_N_BUTTONS;
}

double idm_stats_camera_accuracy(const IdmStats *s) {
    return 0.5 * (ratio((double)s->cam_correct[0], (double)s->frames) +
                  ratio((double)s->cam_correct[1], (double)s->frames));
}

/* R^2 = 1 - SS_res / SS_tot; 0 when the truth has no variance. */
static double r2(const IdmStats *s, int k) {
    if (s->frames == 0) return 0.0;
    const double mean = s->sum_y[k] / (double)s->frames;
    const double tot = s->sum_y2[k] - (double)s->frames * mean * mean;
    return tot > 1e-12 ? 1.0 - s->sum_err2[k] / tot : 0.0;
}

static double f1(const IdmStats *s, int b, double *prec, double *rec) {
    *prec = ratio((double)s->tp[b], (double)(s->tp[b] + s->fp[b]));
    *rec = ratio((double)s->tp[b], (double)(s->tp[b] + s->fn[b]));
    return ratio(2.0 * (double)s->tp[b], (double)(2 * s->tp[b] + s->fp[b] + s->fn[b]));
}

/* Scores of always predicting the null action. */
static void null_baseline(const IdmStats *s, double *keypress, double *camera) {
    double k = 0;
    for (int b = 0; b < IDM_N_BUTTONS; b++)
        k += ratio((double)(s->tn[b] + s->fp[b]), (double)s->frames);
    *keypress = k / IDM_N_BUTTONS;
    *camera = 0.5 * (ratio((double)s->cam_truth_null[0], (double)s->frames) +
                     ratio((double)s->cam_truth_null[1], (double)s->frames));
}

json_t *idm_stats_json(const IdmStats *s) {
    json_t *btn = json_object();
    for (int b = 0; b < IDM_N_BUTTONS; b++) {
        double p, r, f = f1(s, b, &p, &r);
        json_object_set_new(btn, idm_button_name(b),
                            json_pack("{s:f,s:f,s:f,s:f,s:I}", "accuracy", button_accuracy(s, b),
                                      "f1", f, "precision", p, "recall", r, "positives",
                                      (json_int_t)(s->tp[b] + s->fn[b])));
    }
    const double ca0 = ratio((double)s->cam_correct[0], (double)s->frames),
                 ca1 = ratio((double)s->cam_correct[1], (double)s->frames);
    double bk, bc;
    null_baseline(s, &bk, &bc);
    json_t *j =
        json_pack("{s:I,s:f,s:o,s:{s:f,s:f,s:f},s:{s:f,s:f,s:f},s:{s:I,s:f},s:{s:I,s:f}}", "frames",
                  (json_int_t)s->frames, "keypress_accuracy", idm_stats_keypress_accuracy(s),
                  "buttons", btn, "camera_accuracy", "pitch", ca0, "yaw", ca1, "mean",
                  0.5 * (ca0 + ca1), "camera_r2", "pitch", r2(s, 0), "yaw", r2(s, 1), "mean",
                  0.5 * (r2(s, 0) + r2(s, 1)), "null_frames", "frames", (json_int_t)s->null_frames,
                  "exact_accuracy", ratio((double)s->null_exact, (double)s->null_frames),
                  "nonnull_frames", "frames", (json_int_t)s->nonnull_frames, "exact_accuracy",
                  ratio((double)s->nonnull_exact, (double)s->nonnull_frames));
    json_object_set_new(j, "null_baseline",
                        json_pack("{s:f,s:f}", "keypress_accuracy", bk, "camera_accuracy", bc));
    return j;
}

void idm_stats_print(const IdmStats *s, FILE *out) {
    fprintf(out, "%-10s %8s %8s %8s %8s %9s\n", "button", "acc", "f1", "prec", "recall",
            "positives");
    for (int b = 0; b < IDM_N_BUTTONS; b++) {
        double p, r, f = f1(s, b, &p, &r);
        fprintf(out, "%-10s %8.3f %8.3f %8.3f %8.3f %9lld\n", idm_button_name(b),
                button_accuracy(s, b), f, p, r, (long long)(s->tp[b] + s->fn[b]));
    }
    fprintf(out, "frames %lld  keypress accuracy %.3f\n", (long long)s->frames,
            idm_stats_keypress_accuracy(s));
    fprintf(out, "camera bin accuracy: pitch %.3f yaw %.3f   R^2 of degrees: pitch %.3f yaw %.3f\n",
            ratio((double)s->cam_correct[0], (double)s->frames),
            ratio((double)s->cam_correct[1], (double)s->frames), r2(s, 0), r2(s, 1));
    fprintf(out, "exact-frame accuracy: null frames %.3f (%lld)  non-null frames %.3f (%lld)\n",
            ratio((double)s->null_exact, (double)s->null_frames), (long long)s->null_frames,
            ratio((double)s->nonnull_exact, (double)s->nonnull_frames),
            (long long)s->nonnull_frames);
    double bk, bc;
    null_baseline(s, &bk, &bc);
    fprintf(out, "always-null baseline on these frames: keypress accuracy %.3f, camera %.3f\n", bk,
            bc);
}
