/* play.c: `vpt play`: a person plays; the sim ticks at a fixed 20 Hz while frames are drawn
 * at the display rate. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/pool.h"
#include "window/modes.h"
#include "window/view.h"

Env *window_open_env(const GameOptions *g) {
    Status st = STATUS_OK;
    Env *env = NULL;
    if (fs_exists(g->world)) {
        env = env_create_from_file(g->world, g->seed, &st);
    } else {
        WorldPreset p;
        if (strcmp(g->world, "default") == 0) {
            preset_init_default(&p);
        } else if (strcmp(g->world, "flat") == 0) {
            preset_builtin_flat(&p);
        } else if (strcmp(g->world, "void") == 0) {
            preset_builtin_void(&p);
        } else {
            fprintf(stderr,
                    "vpt: --world: no preset file '%s' and not a built-in name "
                    "(default, flat, void)\n",
                    g->world);
            return NULL;
        }
        env = env_create(&p, g->seed_given ? g->seed : p.seed);
        preset_deinit(&p);
    }
    if (!env) {
        fprintf(stderr, "vpt: --world: cannot use preset '%s' (%s)\n", g->world, status_str(st));
        return NULL;
    }
    env_load_all(env);
    return env;
}

int window_play(const WindowOptions *wo, const GameOptions *g) {
    Env *env = window_open_env(g);
    if (!env) return 1;
    WindowApp *app = app_create(wo);
    if (!app) {
        env_destroy(env);
        return 1;
    }
    ThreadPool *pool = pool_create(0);
    GameView *view = view_create(app, pool, wo->renderer);
    InputState *in = app_input(app);
    long long tick = 0;
    double t_next = clock_now();
    int running = 1, captured = -1;
    while (running) {
        double now = clock_now();
        /* Run every tick that is due (at most 5 at once so a stall does not spiral). */
        int steps = 0;
        while (running && now >= t_next && steps < 5) {
            running = app_poll(app, tick);
            if (!running) break;
            Action a = input_take_action(in);
            view_before_tick(view, env);
            env_step(env, &a);
            tick++;
            steps++;
            t_next += APP_TICK_SECONDS;
            if (app_quit_after_ticks(app) > 0 && tick >= app_quit_after_ticks(app)) running = 0;
        }
        if (now > t_next + 1.0) t_next = now;       /* far behind (debugger, suspend): resync */
        if (running) running = app_poll(app, tick); /* events between ticks: look, quit */
        int gui_open = view_last_scene(view)->gui.open;
        if (gui_open != !captured) {
            captured = !gui_open;
            app_set_mouse_captured(app, captured);
        }
        double alpha = 1.0 - (t_next - clock_now()) / APP_TICK_SECONDS;
        view_draw(view, env, alpha, in->acc_dx, in->acc_dy);
        if (!running && wo->screenshot_path) app_screenshot(app, wo->screenshot_path);
        app_swap(app);
    }
    LOG_INFO("window", "play: %lld ticks", tick);
    view_destroy(view);
    pool_destroy(pool);
    app_destroy(app);
    env_destroy(env);
    return 0;
}
