/* cli.h: command-line parsing shared by every `vpt` subcommand.
 *
 * Each subcommand declares its options in a CliSpec; cli_parse fills the destinations,
 * validates types and ranges, and on error prints "vpt CMD: --flag: bad value 'x' (...)"
 * plus the usage line. Every command also accepts --help, --quiet and --log-level LEVEL. */
#ifndef TOOLS_CLI_H
#define TOOLS_CLI_H

#include <stdint.h>

typedef enum CliType {
    CLI_FLAG,   /* int *: set to 1 when present */
    CLI_STRING, /* const char **: points into argv */
    CLI_INT,    /* long long *: range [lo, hi] */
    CLI_DOUBLE, /* double *: range [lo, hi] */
    CLI_U64,    /* uint64_t *: any non-negative integer (seeds) */
} CliType;

typedef struct CliOption {
    const char *name; /* "--seed" */
    CliType type;
    void *dest;
    const char *metavar; /* "S" (NULL for flags) */
    const char *help;
    double lo, hi; /* numeric range; both 0 means unbounded */
} CliOption;

typedef struct CliSpec {
    const char *command; /* "replay", "bench sim" */
    const char *usage;   /* the arguments after the command: "--world PRESET [--seed S]" */
    const char *summary; /* one line */
    const CliOption *options;
    int n_options;
    int min_positional, max_positional;
    const char *positional_names; /* "FILE" for the usage line, may be NULL */
} CliSpec;

enum { CLI_OK = 0, CLI_HELP = 1, CLI_ERROR = 2 };

/* Parses argv[1..argc-1] (argv[0] is the command name). Positional arguments are stored in
 * positional[0..*n_positional-1] (pointing into argv). Returns CLI_OK, CLI_HELP (help was
 * printed; exit 0) or CLI_ERROR (message and usage printed; exit 2). */
int cli_parse(const CliSpec *spec, int argc, char **argv, const char **positional,
              int *n_positional);

/* Exit code for a cli_parse result that is not CLI_OK. */
int cli_exit_code(int parse_result);

/* Value parsers; each prints "vpt CMD: FLAG: bad value 'V' (expected ...)" on failure and
 * returns -1. */
int cli_parse_size(const char *command, const char *flag, const char *value, int *w, int *h);
int cli_parse_range(const char *command, const char *flag, const char *value, long long *a,
                    long long *b);
/* Comma-separated integers in [lo, hi], 1 to max_n of them ("16,32,32"); *n gets the count. */
int cli_parse_int_list(const char *command, const char *flag, const char *value, int *out,
                       int max_n, int lo, int hi, int *n);
/* The flags every model-training command shares: --data and --out must be given (else the
 * message and usage), --widths (optional) fills widths/n_stacks, --size (optional) the frame
 * size. Returns 0, or 2 after the message naming the flag. */
int cli_parse_train_shape(const CliSpec *spec, const char *data, const char *out,
                          const char *widths_s, int *widths, int max_stacks, int *n_stacks,
                          const char *size_s, int *frame_w, int *frame_h);
/* An x264 preset name (--preset; NULL means not given and passes). */
int cli_parse_preset(const char *command, const char *flag, const char *value);
/* Comma-separated doubles: "x,y,z,yaw,pitch" -> n values exactly. */
int cli_parse_doubles(const char *command, const char *flag, const char *value, double *out, int n);

/* Prints the usage of a spec (used by --help and by errors). */
void cli_print_usage(const CliSpec *spec, int full);

#endif
