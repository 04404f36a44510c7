/* cli.c: option parsing with typed, range-checked values and clear errors. */
#include "tools/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "video/codec.h"

void cli_print_usage(const CliSpec *spec, int full) {
    FILE *out = full ? stdout : stderr;
    fprintf(out, "usage: vpt %s %s\n", spec->command, spec->usage ? spec->usage : "");
    if (!full) {
        fprintf(out, "(vpt %s --help for details)\n", spec->command);
        return;
    }
    if (spec->summary) fprintf(out, "\n%s\n", spec->summary);
    fprintf(out, "\noptions:\n");
    for (int i = 0; i < spec->n_options; i++) {
        const CliOption *o = &spec->options[i];
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        fprintf(out, "  %-26s %s\n", left, o->help ? o->help : "");
    }
    fprintf(out, "  %-26s %s\n", "--quiet", "no progress bars or info lines");
    fprintf(out, "  %-26s %s\n", "--log-level LEVEL", "debug|info|warn|error|silent");
    fprintf(out, "  %-26s %s\n", "--help", "this text");
}

static int bad_value(const CliSpec *spec, const char *flag, const char *value, const char *why) {
    fprintf(stderr, "vpt %s: %s: bad value '%s' (%s)\n", spec->command, flag, value, why);
    cli_print_usage(spec, 0);
    return CLI_ERROR;
}

static int set_value(const CliSpec *spec, const CliOption *o, const char *v) {
    char *end = NULL;
    char why[96];
    errno = 0;
    switch (o->type) {
    case CLI_STRING:
        *(const char **)o->dest = v;
        return CLI_OK;
    case CLI_INT: {
        long long x = strtoll(v, &end, 10);
        if (errno || end == v || *end) return bad_value(spec, o->name, v, "expected an integer");
        if ((o->lo || o->hi) && (x < (long long)o->lo || x > (long long)o->hi)) {
            snprintf(why, sizeof why, "expected an integer in [%.0f, %.0f]", o->lo, o->hi);
            return bad_value(spec, o->name, v, why);
        }
        *(long long *)o->dest = x;
        return CLI_OK;
    }
    case CLI_U64: {
        if (v[0] == '-') return bad_value(spec, o->name, v, "expected a non-negative integer");
        unsigned long long x = strtoull(v, &end, 0);
        if (errno || end == v || *end)
            return bad_value(spec, o->name, v, "expected a non-negative integer");
        *(uint64_t *)o->dest = (uint64_t)x;
        return CLI_OK;
    }
    case CLI_DOUBLE: {
        double x = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(x))
            return bad_value(spec, o->name, v, "expected a number");
        if ((o->lo || o->hi) && (x < o->lo || x > o->hi)) {
            snprintf(why, sizeof why, "expected a number in [%g, %g]", o->lo, o->hi);
            return bad_value(spec, o->name, v, why);
        }
        *(double *)o->dest = x;
        return CLI_OK;
    }
    case CLI_FLAG:
        break;
    }
    return CLI_ERROR;
}

int cli_parse(const CliSpec *spec, int argc, char **argv, const char **positional,
              int *n_positional) {
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_usage(spec, 1);
            return CLI_HELP;
        }
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            log_set_quiet(1);
            continue;
        }
        if (strcmp(a, "--log-level") == 0) {
            LogLevel lvl;
            if (i + 1 >= argc) {
                fprintf(stderr, "vpt %s: --log-level: missing value\n", spec->command);
                return CLI_ERROR;
            }
            if (log_level_parse(argv[i + 1], &lvl) != 0)
                return bad_value(spec, "--log-level", argv[i + 1],
                                 "expected debug|info|warn|error|silent");
            log_set_level(lvl);
            i++;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            /* --name=value is accepted as well as --name value */
            char name[64];
            const char *eq = strchr(a, '=');
            size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
            if (nlen >= sizeof name) nlen = sizeof name - 1;
            memcpy(name, a, nlen);
            name[nlen] = '\0';
            const CliOption *o = NULL;
            for (int k = 0; k < spec->n_options; k++)
                if (strcmp(spec->options[k].name, name) == 0) o = &spec->options[k];
            if (!o) {
                fprintf(stderr, "vpt %s: unknown option '%s'\n", spec->command, name);
                cli_print_usage(spec, 0);
                return CLI_ERROR;
            }
            if (o->type == CLI_FLAG) {
                if (eq) return bad_value(spec, name, eq + 1, "this flag takes no value");
                *(int *)o->dest = 1;
                continue;
            }
            const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) {
                fprintf(stderr, "vpt %s: %s: missing value (%s)\n", spec->command, name,
                        o->metavar ? o->metavar : "value");
                cli_print_usage(spec, 0);
                return CLI_ERROR;
            }
            int rc = set_value(spec, o, v);
            if (rc != CLI_OK) return rc;
            continue;
        }
        if (npos >= spec->max_positional) {
            fprintf(stderr, "vpt %s: unexpected argument '%s'\n", spec->command, a);
            cli_print_usage(spec, 0);
            return CLI_ERROR;
        }
        positional[npos++] = a;
    }
    if (npos < spec->min_positional) {
        fprintf(stderr, "vpt %s: missing %s\n", spec->command,
                spec->positional_names ? spec->positional_names : "argument");
        cli_print_usage(spec, 0);
        return CLI_ERROR;
    }
    if (n_positional) *n_positional = npos;
    return CLI_OK;
}

int cli_exit_code(int parse_result) { return parse_result == CLI_HELP ? 0 : 2; }

int cli_parse_size(const char *command, const char *flag, const char *value, int *w, int *h) {
    char *end = NULL;
    long a = strtol(value, &end, 10);
    if (end != value && (*end == 'x' || *end == 'X')) {
        const char *p = end + 1;
        long b = strtol(p, &end, 10);
        if (end != p && *end == '\0' && a >= 1 && b >= 1 && a <= 8192 && b <= 8192) {
            *w = (int)a;
            *h = (int)b;
            return 0;
        }
    }
    fprintf(stderr, "vpt %s: %s: bad value '%s' (expected WxH, e.g. 640x360, each 1..8192)\n",
            command, flag, value);
    return -1;
}

int cli_parse_preset(const char *command, const char *flag, const char *value) {
    if (!value || video_preset_valid(value)) return 0;
    fprintf(stderr, "vpt %s: %s: bad value '%s' (expected an x264 preset: %s)\n", command, flag,
            value, VIDEO_PRESET_NAMES);
    return -1;
}

int cli_parse_int_list(const char *command, const char *flag, const char *value, int *out,
                       int max_n, int lo, int hi, int *n) {
    int k = 0;
    const char *p = value;
    int ok = *p != '\0';
    while (ok && *p) {
        char *end;
        long v = strtol(p, &end, 10);
        ok = end != p && v >= lo && v <= hi && (*end == '\0' || *end == ',') && k < max_n;
        if (ok) out[k++] = (int)v;
        p = *end ? end + 1 : end;
        if (ok && *end == ',' && *p == '\0') ok = 0; /* trailing comma */
    }
    if (ok) {
        *n = k;
        return 0;
    }
    fprintf(stderr,
            "vpt %s: %s: bad value '%s' (expected 1 to %d integers in [%d, %d], e.g. 16,32,32)\n",
            command, flag, value, max_n, lo, hi);
    return -1;
}

int cli_parse_range(const char *command, const char *flag, const char *value, long long *a,
                    long long *b) {
    char *end = NULL;
    long long x = strtoll(value, &end, 10);
    if (end != value && *end == ':') {
        const char *p = end + 1;
        long long y = strtoll(p, &end, 10);
        if (end != p && *end == '\0' && x >= 0 && y >= x) {
            *a = x;
            *b = y;
            return 0;
        }
    }
    fprintf(stderr, "vpt %s: %s: bad value '%s' (expected A:B with 0 <= A <= B)\n", command, flag,
            value);
    return -1;
}

int cli_parse_doubles(const char *command, const char *flag, const char *value, double *out,
                      int n) {
    const char *p = value;
    for (int i = 0; i < n; i++) {
        char *end = NULL;
        double x = strtod(p, &end);
        if (end == p || !isfinite(x)) goto bad;
        out[i] = x;
        if (i + 1 < n) {
            if (*end != ',') goto bad;
            p = end + 1;
        } else if (*end != '\0') {
            goto bad;
        }
    }
    return 0;
bad:
    fprintf(stderr, "vpt %s: %s: bad value '%s' (expected %d comma-separated numbers)\n", command,
            flag, value, n);
    return -1;
}

int cli_parse_train_shape(const CliSpec *spec, const char *data, const char *out,
                          const char *widths_s, int *widths, int max_stacks, int *n_stacks,
                          const char *size_s, int *frame_w, int *frame_h) {
    if (!data || !out) {
        fprintf(stderr, "vpt %s: --data and --out are required\n", spec->command);
        cli_print_usage(spec, 0);
        return 2;
    }
    if (widths_s && cli_parse_int_list(spec->command, "--widths", widths_s, widths, max_stacks, 1,
                                       1024, n_stacks) != 0)
        return 2;
    if (size_s && cli_parse_size(spec->command, "--size", size_s, frame_w, frame_h) != 0) return 2;
    return 0;
}
