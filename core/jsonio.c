/* jsonio.c: jansson wrappers with positional and per-field error messages. */
#include "core/jsonio.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"

Status jsonio_load_file(const char *path, json_t **out) {
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    Status st = fs_read_file(path, &data, &len);
    if (st != STATUS_OK) return st;
    st = jsonio_load_buffer(data, len, path, 0, out);
    mem_free(data);
    return st;
}

Status jsonio_load_buffer(const char *buf, size_t len, const char *where, int line_offset,
                          json_t **out) {
    json_error_t err;
    *out = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!*out) {
        LOG_ERROR("json", "%s:%d:%d: %s", where, err.line + line_offset, err.column, err.text);
        return STATUS_PARSE;
    }
    return STATUS_OK;
}

Status jsonio_save_file(const char *path, const json_t *root) {
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
    if (!text) {
        LOG_ERROR("json", "%s: cannot serialise", path);
        return STATUS_INTERNAL;
    }
    size_t n = strlen(text);
    char *withnl = mem_alloc(n + 2);
    memcpy(withnl, text, n);
    withnl[n] = '\n';
    withnl[n + 1] = '\0';
    Status st = fs_write_atomic(path, withnl, n + 1);
    mem_free(withnl);
    free(text); /* jansson allocated it */
    return st;
}

static const json_t *field_or_missing(const json_t *obj, const char *where, const char *field,
                                      int required, Status *st) {
    *st = STATUS_OK;
    if (!json_is_object(obj)) {
        LOG_ERROR("json", "%s: expected an object holding field '%s'", where, field);
        *st = STATUS_INVALID_ARGUMENT;
        return NULL;
    }
    const json_t *v = json_object_get(obj, field);
    if (!v && required) {
        LOG_ERROR("json", "%s: field '%s': missing (required)", where, field);
        *st = STATUS_INVALID_ARGUMENT;
    }
    return v;
}

Status jsonio_get_int(const json_t *obj, const char *where, const char *field, int required,
                      long long lo, long long hi, long long *out) {
    Status st;
    const json_t *v = field_or_missing(obj, where, field, required, &st);
    if (!v) return st;
    long long x;
    if (json_is_integer(v)) {
        x = json_integer_value(v);
    } else if (json_is_real(v) && floor(json_real_value(v)) == json_real_value(v) &&
               fabs(json_real_value(v)) < 9e15) {
        x = (long long)json_real_value(v);
    } else {
        LOG_ERROR("json", "%s: field '%s': expected an integer", where, field);
        return STATUS_INVALID_ARGUMENT;
    }
    if (x < lo || x > hi) {
        LOG_ERROR("json", "%s: field '%s': expected an integer in [%lld, %lld], got %lld", where,
                  field, lo, hi, x);
        return STATUS_INVALID_ARGUMENT;
    }
    *out = x;
    return STATUS_OK;
}

Status jsonio_get_number(const json_t *obj, const char *where, const char *field, int required,
                         double lo, double hi, double *out) {
    Status st;
    const json_t *v = field_or_missing(obj, where, field, required, &st);
    if (!v) return st;
    if (!json_is_number(v)) {
        LOG_ERROR("json", "%s: field '%s': expected a number", where, field);
        return STATUS_INVALID_ARGUMENT;
    }
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi) {
        LOG_ERROR("json", "%s: field '%s': expected a number in [%g, %g], got %g", where, field, lo,
                  hi, x);
        return STATUS_INVALID_ARGUMENT;
    }
    *out = x;
    return STATUS_OK;
}

Status jsonio_get_bool(const json_t *obj, const char *where, const char *field, int required,
                       int *out) {
    Status st;
    const json_t *v = field_or_missing(obj, where, field, required, &st);
    if (!v) return st;
    if (!json_is_boolean(v)) {
        LOG_ERROR("json", "%s: field '%s': expected true or false", where, field);
        return STATUS_INVALID_ARGUMENT;
    }
    *out = json_is_true(v);
    return STATUS_OK;
}

Status jsonio_get_string(const json_t *obj, const char *where, const char *field, int required,
                         const char **out) {
    Status st;
    const json_t *v = field_or_missing(obj, where, field, required, &st);
    if (!v) return st;
    if (!json_is_string(v)) {
        LOG_ERROR("json", "%s: field '%s': expected a string", where, field);
        return STATUS_INVALID_ARGUMENT;
    }
    *out = json_string_value(v);
    return STATUS_OK;
}

Status jsonio_check_keys(const json_t *obj, const char *where, const char *const *allowed) {
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        (void)value;
        int ok = 0;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, key) == 0) {
                ok = 1;
                break;
            }
        }
        if (!ok) {
            LOG_ERROR("json", "%s: unknown field '%s'", where, key);
            return STATUS_INVALID_ARGUMENT;
        }
    }
    return STATUS_OK;
}
