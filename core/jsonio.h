/* jsonio.h: JSON read/write on top of jansson (the one JSON library of the project), with
 * errors that name the file, line and column, or the file and field.
 *
 * `where` arguments name the source for messages: a path ("worlds/flat.json") or a path and
 * line ("run.jsonl:12"). Field getters validate type and range and log
 *   "<where>: field '<field>': expected an integer in [0, 255], got 300"
 * Returned json_t references are owned by the caller (json_decref). */
#ifndef CORE_JSONIO_H
#define CORE_JSONIO_H

#include <jansson.h>
#include <stddef.h>

#include "core/status.h"

/* Parse a file; on error logs "path:line:column: message". */
Status jsonio_load_file(const char *path, json_t **out);
/* Parse a buffer of `len` bytes; `where` names it in messages; line numbers are offset by
 * `line_offset` (use it for one line of a .jsonl file: pass the line number - 1). */
Status jsonio_load_buffer(const char *buf, size_t len, const char *where, int line_offset,
                          json_t **out);
/* Write atomically, 2-space indent, keys in insertion order, trailing newline. */
Status jsonio_save_file(const char *path, const json_t *root);

/* Field getters. required=0: a missing field leaves *out untouched and returns STATUS_OK.
 * A present field of the wrong type or out of range is always STATUS_INVALID_ARGUMENT. */
Status jsonio_get_int(const json_t *obj, const char *where, const char *field, int required,
                      long long lo, long long hi, long long *out);
Status jsonio_get_number(const json_t *obj, const char *where, const char *field, int required,
                         double lo, double hi, double *out);
Status jsonio_get_bool(const json_t *obj, const char *where, const char *field, int required,
                       int *out);
/* *out points into obj (valid while obj lives). */
Status jsonio_get_string(const json_t *obj, const char *where, const char *field, int required,
                         const char **out);

/* Checks that every key of obj is in `allowed` (NULL-terminated); logs the first unknown key.
 * Catches typos in presets and configs instead of silently ignoring them. */
Status jsonio_check_keys(const json_t *obj, const char *where, const char *const *allowed);

#endif
