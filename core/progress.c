/* progress.c: terminal progress bar / periodic log lines. */
#include "core/progress.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"

struct Progress {
    char label[64];
    char unit[24];
    char note[96];
    double total, done;
    double t_start, t_last_draw;
    double log_every_s;
    int tty;
};

Progress *progress_create(const char *label, double total, const char *unit) {
    Progress *p = mem_calloc(1, sizeof *p);
    snprintf(p->label, sizeof p->label, "%s", label);
    snprintf(p->unit, sizeof p->unit, "%s", unit);
    p->total = total;
    p->t_start = clock_now();
    p->t_last_draw = p->t_start;
    p->log_every_s = 10.0;
    p->tty = isatty(STDERR_FILENO);
    return p;
}

void progress_format_duration(double s, char *buf, int n) {
    if (!isfinite(s) || s < 0) {
        snprintf(buf, (size_t)n, "?");
        return;
    }
    long t = lround(s);
    if (t >= 3600)
        snprintf(buf, (size_t)n, "%ldh%02ldm%02lds", t / 3600, (t / 60) % 60, t % 60);
    else if (t >= 60)
        snprintf(buf, (size_t)n, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, (size_t)n, "%lds", t);
}

static void draw(Progress *p, int final) {
    double now = clock_now();
    double el = now - p->t_start;
    double rate = el > 0 ? p->done / el : 0;
    char eta[32] = "?", elapsed[32];
    if (p->total > 0 && rate > 0)
        progress_format_duration((p->total - p->done) / rate, eta, sizeof eta);
    progress_format_duration(el, elapsed, sizeof elapsed);
    if (p->tty) {
        char bar[31];
        int filled = p->total > 0 ? (int)(30.0 * fmin(1.0, p->done / p->total)) : 0;
        for (int i = 0; i < 30; i++) bar[i] = i < filled ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r%s [%s] %.0f/%.0f %s  %.1f %s/s  ETA %s  %s\033[K%s", p->label, bar,
                p->done, p->total, p->unit, rate, p->unit, final ? elapsed : eta, p->note,
                final ? "\n" : "");
    } else {
        fprintf(stderr, "[info] progress: %s %.0f/%.0f %s, %.1f %s/s, %s %s %s\n", p->label,
                p->done, p->total, p->unit, rate, p->unit, final ? "took" : "ETA",
                final ? elapsed : eta, p->note);
    }
    fflush(stderr);
}

void progress_update(Progress *p, double done) {
    p->done = done;
    if (log_is_quiet()) return;
    double now = clock_now();
    double every = p->tty ? 0.1 : p->log_every_s;
    if (now - p->t_last_draw < every) return;
    p->t_last_draw = now;
    draw(p, 0);
}

void progress_set_note(Progress *p, const char *note) {
    snprintf(p->note, sizeof p->note, "%s", note);
}

void progress_finish(Progress *p) {
    if (!p) return;
    if (!log_is_quiet()) draw(p, 1);
    mem_free(p);
}
