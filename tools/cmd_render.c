/* cmd_render.c: `vpt render`: a screenshot of a world preset from a given pose, optionally
 * with a GUI screen open, written as a PNG. Also opens worlds for `vpt bench render`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "render/png.h"
#include "render/render.h"
#include "sim/env.h"
#include "sim/gui.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "tools/commands.h"

Env *render_tool_open_world(const char *world, uint64_t seed, int seed_given) {
    Status st = STATUS_OK;
    Env *env = NULL;
    if (fs_exists(world)) {
        env = env_create_from_file(world, seed, &st);
        if (!env)
            fprintf(stderr, "vpt: --world: cannot use preset '%s' (%s)\n", world, status_str(st));
        return env;
    }
    WorldPreset p;
    if (strcmp(world, "default") == 0)
        preset_init_default(&p);
    else if (strcmp(world, "flat") == 0)
        preset_builtin_flat(&p);
    else if (strcmp(world, "void") == 0)
        preset_builtin_void(&p);
    else {
        fprintf(stderr,
                "vpt: --world: no preset file '%s' and not a built-in name (default, flat, void)\n",
                world);
        return NULL;
    }
    env = env_create(&p, seed_given ? seed : p.seed);
    preset_deinit(&p);
    return env;
}

void render_tool_set_pose(Env *env, const double *pose) {
    env_set_pose(env, pose[0], pose[1], pose[2], (float)pose[3], (float)pose[4]);
}

/* "oak_log:8,stick:4" -> inventory; prints the bad entry and returns -1 on error. */
static int give_items(Env *env, const char *spec) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        long n = 1;
        if (colon) {
            char *end = NULL;
            *colon = '\0';
            n = strtol(colon + 1, &end, 10);
            if (end == colon + 1 || *end != '\0' || n < 1 || n > 64 * 36) n = -1;
        }
        ItemId item = item_from_name(tok);
        if (item == ITEM_NONE || item >= ITEM_COUNT || n < 1) {
            fprintf(stderr,
                    "vpt render: --give: bad entry '%s%s%s' (expected ITEM:COUNT with a known "
                    "item name, e.g. oak_log:8)\n",
                    tok, colon ? ":" : "", colon ? colon + 1 : "");
            return -1;
        }
        inventory_add(&env_player_mut(env)->inventory, item, (int)n, 0);
    }
    return 0;
}

typedef struct FrameOpts {
    int view, tod, no_hud, w, h;
    const char *gui;
} FrameOpts;

/* Renders the env's current state with the options and writes the PNG. */
static Status write_frame(const Env *env, const FrameOpts *o, const char *out) {
    RenderOptions ro = {o->view, 1, 0};
    Renderer *r = render_create(&ro);
    RenderScene *sc = mem_alloc(sizeof *sc);
    render_scene_from_env(env, sc);
    if (o->tod >= 0) sc->time_of_day = o->tod;
    sc->show_hud = !o->no_hud;
    Status st = o->gui ? render_scene_open_gui(sc, env, o->gui) : STATUS_OK;
    if (st == STATUS_OK) {
        uint8_t *rgb = mem_alloc((size_t)o->w * o->h * 3);
        render_scene(r, sc, rgb, o->w, o->h);
        st = render_png_write(out, rgb, o->w, o->h);
        mem_free(rgb);
        if (st == STATUS_OK) LOG_INFO("render", "wrote %s (%dx%d)", out, o->w, o->h);
    }
    mem_free(sc);
    render_destroy(r);
    return st;
}

int cmd_render(int argc, char **argv) {
    const char *world = NULL, *pose_s = NULL, *size_s = "640x360", *out = NULL, *gui = NULL;
    uint64_t seed = 0;
    long long tod = -1, view = 64;
    int no_hud = 0;
    long long ticks = 0;
    const char *give = NULL;
    const CliOption opts[] = {
        {"--world", CLI_STRING, &world, "PRESET", "preset file, or default|flat|void", 0, 0},
        {"--seed", CLI_U64, &seed, "S", "world seed (default: the preset's)", 0, 0},
        {"--pose", CLI_STRING, &pose_s, "X,Y,Z,YAW,PITCH",
         "feet position and view (default: spawn)", 0, 0},
        {"--gui", CLI_STRING, &gui, "NAME",
         "open a GUI screen (inventory, crafting_table, furnace)", 0, 0},
        {"--size", CLI_STRING, &size_s, "WxH", "output size (default 640x360)", 0, 0},
        {"--time", CLI_INT, &tod, "T", "time of day 0..23999 (default: the preset's)", 0, 23999},
        {"--view", CLI_INT, &view, "BLOCKS", "view distance 16..128 (default 64)", 16, 128},
        {"--give", CLI_STRING, &give, "ITEM:N,...",
         "add items to the inventory first (oak_log:8,stick:4)", 0, 0},
        {"--ticks", CLI_INT, &ticks, "N",
         "step N idle ticks before the frame (mobs spawn, items fall)", 0, 100000},
        {"--no-hud", CLI_FLAG, &no_hud, NULL, "world only: no hand, HUD or GUI", 0, 0},
        {"--out", CLI_STRING, &out, "FILE.png", "where to write the PNG", 0, 0},
    };
    const CliSpec spec = {"render",
                          "--world PRESET [--seed S] [--pose X,Y,Z,YAW,PITCH] [--gui NAME] "
                          "[--size WxH] [--give ITEM:N,...] [--ticks N] --out FILE.png",
                          "render one frame of a world to a PNG",
                          opts,
                          (int)(sizeof opts / sizeof opts[0]),
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    if (!world || !out) {
        fprintf(stderr, "vpt render: %s is required\n", !world ? "--world" : "--out");
        cli_print_usage(&spec, 0);
        return 2;
    }
    int w = 0, h = 0;
    double pose[5];
    if (cli_parse_size("render", "--size", size_s, &w, &h) != 0) return 2;
    if (pose_s && cli_parse_doubles("render", "--pose", pose_s, pose, 5) != 0) return 2;
    if (pose_s && (pose[4] < -90.0 || pose[4] > 90.0 || pose[1] < -64.0 || pose[1] > 400.0)) {
        fprintf(stderr,
                "vpt render: --pose: bad value '%s' (pitch must be in [-90, 90], y in "
                "[-64, 400])\n",
                pose_s);
        return 2;
    }
    if (gui && gui_screen_from_name(gui) == GUI_NONE) {
        fprintf(stderr,
                "vpt render: --gui: unknown screen '%s' (inventory, crafting_table, furnace)\n",
                gui);
        return 2;
    }
    FrameOpts opt = {(int)view, (int)tod, no_hud, w, h, gui};
    int seed_given = 0;
    for (int i = 1; i < argc; i++) seed_given |= strcmp(argv[i], "--seed") == 0;
    Env *env = render_tool_open_world(world, seed, seed_given);
    if (!env) return 1;
    if (give && give_items(env, give) != 0) {
        env_destroy(env);
        return 2;
    }
    for (long long i = 0; i < ticks; i++) {
        Action idle = {0, 0.0f, 0.0f};
        env_step(env, &idle);
    }
    if (pose_s) render_tool_set_pose(env, pose);
    env_load_all(env);
    Status st = write_frame(env, &opt, out);
    env_destroy(env);
    return status_exit_code(st);
}
