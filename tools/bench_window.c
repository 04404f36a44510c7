/* bench_window.c: `vpt bench window`: frame time of the desktop window's renderers at a
 * window size (default 1280x720): the GL ray caster with the composited HUD, and the software
 * renderer on all cores uploaded as a texture, over a fixed set of views of the default
 * world. Needs a display (run under xvfb-run for Mesa's llvmpipe). Prints one JSON object. */
#include <GL/glew.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "sim/env.h"
#include "tools/bench.h"
#include "tools/cli.h"
#include "window/app.h"
#include "window/glworld.h"
#include "window/modes.h"
#include "window/view.h"

static double time_frames(WindowApp *app, GameView *view, Env *env, int frames) {
    static const float VIEWS[4][2] = {{0, 0}, {90, 10}, {200, -15}, {300, 40}};
    Player *p = env_player_mut(env);
    double total = 0;
    for (int i = 0; i < frames; i++) {
        p->yaw = VIEWS[i % 4][0];
        p->pitch = VIEWS[i % 4][1];
        double t0 = clock_now();
        view_draw(view, env, 1.0, 0, 0);
        glFinish();
        total += clock_now() - t0;
        app_swap(app);
    }
    return total / frames * 1000.0;
}

int bench_window(int argc, char **argv) {
    const char *size = "1280x720";
    long long frames = 40;
    const CliOption opts[] = {
        {"--size", CLI_STRING, &size, "WxH", "window size (1280x720)", 0, 0},
        {"--frames", CLI_INT, &frames, "N", "frames per renderer (40)", 4, 100000},
    };
    const CliSpec spec = {"bench window",
                          "[--size WxH] [--frames N]",
                          "Window frame time: GL ray caster vs software renderer",
                          opts,
                          2,
                          0,
                          0,
                          NULL};
    int rc = cli_parse(&spec, argc, argv, NULL, NULL);
    if (rc != CLI_OK) return cli_exit_code(rc);
    WindowOptions wo;
    window_options_default(&wo);
    if (cli_parse_size("bench window", "--size", size, &wo.width, &wo.height) != 0) return 2;
    wo.vsync = 0;
    GameOptions g = {"default", 3, 1};
    Env *env = window_open_env(&g);
    if (!env) return 1;
    WindowApp *app = app_create(&wo);
    if (!app) {
        env_destroy(env);
        return 1;
    }
    int w, h;
    app_drawable_size(app, &w, &h);
    ThreadPool *pool = pool_create(0);
    GameView *gl = view_create(app, pool, WINDOW_RENDERER_GL);
    double gl_ms = view_uses_gl(gl) ? time_frames(app, gl, env, (int)frames) : -1;
    view_destroy(gl);
    GameView *sw = view_create(app, pool, WINDOW_RENDERER_SOFTWARE);
    double sw_ms = time_frames(app, sw, env, (int)frames);
    view_destroy(sw);
    printf("{\"width\": %d, \"height\": %d, \"gl_renderer\": \"%s\", \"gl_frame_ms\": %.2f, "
           "\"gl_fps\": %.1f, \"software_frame_ms\": %.2f, \"software_fps\": %.1f, "
           "\"software_threads\": %d}\n",
           w, h, (const char *)glGetString(GL_RENDERER), gl_ms, gl_ms > 0 ? 1000.0 / gl_ms : 0,
           sw_ms, 1000.0 / sw_ms, pool_size(pool));
    pool_destroy(pool);
    app_destroy(app);
    env_destroy(env);
    return 0;
}
