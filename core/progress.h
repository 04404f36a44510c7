/* progress.h: a progress bar for long work: done/total, rate and ETA.
 *
 * On a terminal it redraws one line on stderr at most 10 times a second; when stderr is not a
 * terminal it prints a plain log line every `log_every_s` seconds (default 10) instead; in
 * quiet mode (log_set_quiet) it prints nothing. */
#ifndef CORE_PROGRESS_H
#define CORE_PROGRESS_H

#include <stdint.h>

typedef struct Progress Progress;

/* label: what is being done; unit: what `done` counts ("frames", "episodes"). total may be 0
 * when unknown. Owned by the caller; free with progress_finish. */
Progress *progress_create(const char *label, double total, const char *unit);
/* Report the amount done so far (absolute, not a delta). Thread-compatible, not thread-safe. */
void progress_update(Progress *p, double done);
/* Extra text shown after the numbers (e.g. "0.42 h of video"). Copied. */
void progress_set_note(Progress *p, const char *note);
/* Prints the final line and frees p. Accepts NULL. */
void progress_finish(Progress *p);

/* Formats seconds as "1h02m03s" / "4m05s" / "6s" into buf. */
void progress_format_duration(double seconds, char *buf, int buf_len);

#endif
