/* sim_preset_path.h: resolving `--world PRESET` (a file path, or a name under worlds/). */
#ifndef TOOLS_SIM_PRESET_PATH_H
#define TOOLS_SIM_PRESET_PATH_H

#include <stdio.h>

#include "core/fsutil.h"

/* Writes the preset file to use into buf: `arg` itself if it is a file, else
 * "worlds/ARG.json". Returns 0 if that file exists, -1 otherwise. */
static inline int sim_preset_path(const char *arg, char *buf, size_t n) {
    if (fs_exists(arg) && !fs_is_dir(arg)) {
        snprintf(buf, n, "%s", arg);
        return 0;
    }
    snprintf(buf, n, "worlds/%s.json", arg);
    return fs_exists(buf) ? 0 : -1;
}

#endif
