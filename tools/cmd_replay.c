/* cmd_replay.c: `vpt replay --world PRESET --seed S --actions FILE.jsonl [--trace OUT.jsonl]`:
 * runs a VPT-format action log through the sim, one line per tick, and optionally writes the
 * per-tick state trace (sim/trace.h). A line's `hotbar` (the recorder's selected slot) that
 * differs from the sim's selects that slot, as scrolling did in the recording. A malformed line
 * stops the run with FILE:LINE and the field; the trace is written atomically, so a failed run
 * leaves no trace file. Prints a summary JSON object (ticks, final position, state hash) on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "sim/env.h"
#include "sim/trace.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/sim_preset_path.h"

typedef struct ReplayArgs {
    const char *world, *actions, *trace;
    uint64_t seed;
    int seed_given;
} ReplayArgs;

static int replay_run(const ReplayArgs *ra, Env *env, FILE *in, FILE *trace_out) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, ticks = 0;
    int rc = 0;
    float reward = 0;
    while ((len = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        int blank = 1;
        for (ssize_t i = 0; i < len; i++)
            if (line[i] != ' ' && line[i] != '\n' && line[i] != '\r' && line[i] != '\t') blank = 0;
        if (blank) continue;
        char where[1100];
        snprintf(where, sizeof where, "%s:%ld", ra->actions, lineno);
        json_t *j = NULL;
        if (jsonio_load_buffer(line, (size_t)len, ra->actions, (int)lineno - 1, &j)) {
            rc = 1;
            break;
        }
        Action a;
        Status st = action_from_vpt_json(j, where, &a);
        /* VPT logs record the selected slot as `hotbar`; a change made with the scroll wheel
         * has no key, so a differing value selects that slot with its hotbar key */
        const json_t *hb = json_object_get(j, "hotbar");
        if (!st && hb && json_is_integer(hb)) {
            json_int_t h = json_integer_value(hb);
            if (h < 0 || h > 8) {
                LOG_ERROR("replay", "%s: field 'hotbar': expected an integer in [0, 8]", where);
                st = STATUS_PARSE;
            } else if (h != env_player(env)->inventory.selected) {
                action_key_set(&a, (ActionKey)(KEY_HOTBAR_1 + h), 1);
            }
        }
        json_decref(j);
        if (st) {
            rc = 1;
            break;
        }
        StepResult r = env_step(env, &a);
        reward += r.reward;
        ticks++;
        if (trace_out) env_trace_write(env, &r, trace_out);
    }
    free(line);
    if (ferror(in)) {
        LOG_ERROR("replay", "%s: read error", ra->actions);
        rc = 1;
    }
    if (rc == 0) {
        const Player *p = env_player(env);
        printf("{\"ticks\": %ld, \"x\": %.6f, \"y\": %.6f, \"z\": %.6f, \"health\": %.2f, "
               "\"reward\": %g, \"hash\": \"%016llx\"}\n",
               ticks, p->x, p->y, p->z, p->health, (double)reward,
               (unsigned long long)env_hash(env));
    }
    return rc;
}

int cmd_replay(int argc, char **argv) {
    ReplayArgs ra = {0};
    const CliOption opts[] = {
        {"--world", CLI_STRING, &ra.world, "PRESET", "world preset file or name in worlds/", 0, 0},
        {"--seed", CLI_U64, &ra.seed, "S", "world seed (default: the preset's)", 0, 0},
        {"--actions", CLI_STRING, &ra.actions, "FILE", "VPT action log (.jsonl)", 0, 0},
        {"--trace", CLI_STRING, &ra.trace, "OUT", "write one JSON state line per tick", 0, 0},
    };
    const CliSpec spec = {"replay",
                          "--world PRESET --actions FILE.jsonl [--seed S] [--trace OUT.jsonl]",
                          "run an action log through the sim and trace the state",
                          opts,
                          4,
                          0,
                          0,
                          NULL};
    ra.seed = UINT64_MAX;
    int prc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (prc != CLI_OK) return cli_exit_code(prc);
    if (!ra.world || !ra.actions) {
        fprintf(stderr, "vpt replay: --world and --actions are required\n");
        cli_print_usage(&spec, 0);
        return 2;
    }
    char path[1024];
    if (sim_preset_path(ra.world, path, sizeof path)) {
        fprintf(stderr, "vpt replay: --world: no preset file '%s' (nor worlds/%s.json)\n", ra.world,
                ra.world);
        return 2;
    }
    WorldPreset preset;
    if (preset_load_file(path, &preset)) return 1;
    FILE *in = fopen(ra.actions, "r");
    if (!in) {
        LOG_ERROR("replay", "%s: cannot open", ra.actions);
        preset_deinit(&preset);
        return 1;
    }
    Env *env = env_create(&preset, ra.seed == UINT64_MAX ? preset.seed : ra.seed);
    preset_deinit(&preset);
    AtomicFile *af = NULL;
    if (ra.trace && !(af = fs_atomic_open(ra.trace))) {
        fclose(in);
        env_destroy(env);
        return 1;
    }
    int rc = replay_run(&ra, env, in, af ? fs_atomic_file(af) : NULL);
    fclose(in);
    env_destroy(env);
    if (af) {
        if (rc == 0) {
            if (fs_atomic_commit(af)) rc = 1;
        } else {
            fs_atomic_abort(af);
        }
    }
    return rc;
}
