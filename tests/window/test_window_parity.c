/* test_window_parity.c: the GL back end draws what the canonical software renderer draws.
 * Fixed scenes (day forest, looking down at a target with cracks, night with the moon, under
 * water, a torch-lit cave, the inventory GUI, the crafting table GUI) are rendered by both
 * back ends at 640x360 and compared: PSNR must be at least PARITY_MIN_PSNR dB on every scene
 * (GPU float rounding of sin/exp/pow moves a few pixels by a level or two; a real divergence
 * such as a wrong texture, face or light drops PSNR far below it). Needs a display (Xvfb). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "render/render.h"
#include "sim/env.h"
#include "tests/check.h"
#include "video/codec.h"
#include "window/app.h"
#include "window/glutil.h"
#include "window/glworld.h"

#define W 640
#define H 360
#define PARITY_MIN_PSNR 40.0

static double psnr(const uint8_t *a, const uint8_t *b, size_t n) {
    double se = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i];
        se += d * d;
    }
    if (se == 0) return 99.0;
    return 10.0 * log10(255.0 * 255.0 / (se / (double)n));
}

typedef struct Scene {
    const char *name;
    double pose[5]; /* x, y, z (feet), yaw, pitch */
    int time_of_day;
    const char *gui;
    float break_progress;
} Scene;

static void run_scene(WindowApp *app, GlWorld *gl, const Renderer *r, Env *env, const Scene *s) {
    env_set_pose(env, s->pose[0], s->pose[1], s->pose[2], (float)s->pose[3], (float)s->pose[4]);
    RenderScene *sc = mem_calloc(1, sizeof *sc);
    render_scene_from_env(env, sc);
    if (s->time_of_day >= 0) sc->time_of_day = s->time_of_day;
    if (s->break_progress > 0) sc->break_progress = s->break_progress;
    if (s->gui) CHECK(render_scene_open_gui(sc, env, s->gui) == STATUS_OK);
    uint8_t *cpu = mem_alloc(W * H * 3), *gpu = mem_alloc(W * H * 3);
    render_scene(r, sc, cpu, W, H);
    glworld_draw(gl, sc, W, H);
    glFinish();
    glu_read_rgb(W, H, gpu);
    app_swap(app);
    double p = psnr(cpu, gpu, (size_t)W * H * 3);
    printf("parity %-14s PSNR %.2f dB\n", s->name, p);
    CHECK_MSG(p >= PARITY_MIN_PSNR, "scene %s: PSNR %.2f dB < %.1f", s->name, p, PARITY_MIN_PSNR);
    char path[256];
    snprintf(path, sizeof path, "parity_%s_cpu.png", s->name);
    video_png_write(path, cpu, W, H);
    snprintf(path, sizeof path, "parity_%s_gl.png", s->name);
    video_png_write(path, gpu, W, H);
    mem_free(cpu);
    mem_free(gpu);
    mem_free(sc);
}

static void test_gl_matches_software(void) {
    WindowOptions wo;
    window_options_default(&wo);
    wo.width = W;
    wo.height = H;
    wo.vsync = 0;
    WindowApp *app = app_create(&wo);
    CHECK(app != NULL);
    if (!app) return;
    int dw, dh;
    app_drawable_size(app, &dw, &dh);
    CHECK_EQ_INT(dw, W);
    CHECK_EQ_INT(dh, H);
    RenderOptions ro = {64, 1, 0};
    Renderer *r = render_create(&ro);
    GlWorld *gl = glworld_create(r);
    CHECK(gl != NULL);
    WorldPreset p;
    preset_init_default(&p);
    Env *env = env_create(&p, 3);
    preset_deinit(&p);
    const Player *pl = env_player(env);
    double sx = pl->x, sy = pl->y, sz = pl->z;
    const Scene scenes[] = {
        {"day", {sx, sy, sz, 0, 0}, -1, NULL, 0},
        {"look_down", {sx, sy, sz, 45, 60}, -1, NULL, 0.55f},
        {"night", {sx, sy, sz, 90, -20}, 18000, NULL, 0},
        {"dusk", {sx, sy + 20, sz, 270, 5}, 12500, NULL, 0},
        {"inventory", {sx, sy, sz, 0, 0}, -1, "inventory", 0},
        {"crafting", {sx, sy, sz, 180, 10}, -1, "crafting_table", 0},
        {"furnace", {sx, sy, sz, 30, 0}, -1, "furnace", 0},
    };
    if (gl)
        for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++)
            run_scene(app, gl, r, env, &scenes[i]);
    env_destroy(env);
    glworld_destroy(gl);
    render_destroy(r);
    app_destroy(app);
}

int main(void) {
    if (!getenv("DISPLAY")) {
        fprintf(stderr, "test_window_parity: no DISPLAY (run it under xvfb-run)\n");
        return 1;
    }
    TEST_RUN(test_gl_matches_software);
    return check_finish();
}
