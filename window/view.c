/* view.c: interpolated camera and the choice of world back end. */
#include "window/view.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include <GL/glew.h>
#include "window/glworld.h"

struct GameView {
    WindowApp *app;
    ThreadPool *pool;
    Renderer *r;
    GlWorld *gl; /* NULL: software path */
    RenderScene *scene;
    double prev[3];
    int have_prev;
    uint8_t *rgb;
    int rgb_w, rgb_h;
    RenderCache *cache; /* software path: a still camera redraws little */
};

static int is_software_gl(void) {
    const char *r = (const char *)glGetString(GL_RENDERER);
    return r && (strstr(r, "llvmpipe") || strstr(r, "softpipe") || strstr(r, "swrast") ||
                 strstr(r, "SWR"));
}

GameView *view_create(WindowApp *app, ThreadPool *pool, int renderer) {
    GameView *v = mem_calloc(1, sizeof *v);
    v->app = app;
    v->pool = pool;
    /* The window shows the actual aspect of its drawable (resizable); recordings and
     * observations keep the 16:9 virtual screen. */
    RenderOptions ro = {64, 0, 0};
    v->r = render_create(&ro);
    if (renderer == WINDOW_RENDERER_AUTO && is_software_gl()) {
        LOG_INFO("window",
                 "software GL (%s): the software ray caster draws the world "
                 "(faster there; --renderer gl forces the GL one)",
                 (const char *)glGetString(GL_RENDERER));
        renderer = WINDOW_RENDERER_SOFTWARE;
    }
    if (renderer != WINDOW_RENDERER_SOFTWARE) {
        v->gl = glworld_create(v->r);
        if (!v->gl)
            LOG_WARN("window", "GL ray caster unavailable; drawing with the software renderer");
    }
    v->scene = mem_calloc(1, sizeof *v->scene);
    v->cache = render_cache_create();
    return v;
}

void view_destroy(GameView *v) {
    if (!v) return;
    glworld_destroy(v->gl);
    render_destroy(v->r);
    mem_free(v->scene);
    mem_free(v->rgb);
    render_cache_destroy(v->cache);
    mem_free(v);
}

const RenderScene *view_last_scene(const GameView *v) { return v->scene; }
const Renderer *view_renderer(const GameView *v) { return v->r; }
int view_uses_gl(const GameView *v) { return v->gl != NULL; }

void view_before_tick(GameView *v, const Env *env) {
    const Player *p = env_player(env);
    v->prev[0] = p->x;
    v->prev[1] = p->y;
    v->prev[2] = p->z;
    v->have_prev = 1;
}

void view_draw(GameView *v, const Env *env, double alpha, double look_dx, double look_dy) {
    RenderScene *sc = v->scene;
    render_scene_from_env(env, sc);
    if (alpha < 0) alpha = 0;
    if (alpha > 1) alpha = 1;
    const Player *p = env_player(env);
    if (v->have_prev) {
        /* The sim is one tick ahead of what the eye should see at alpha: blend from the pose
         * before that tick to the pose after it. */
        double cur[3] = {p->x, p->y, p->z};
        for (int k = 0; k < 3; k++) sc->eye[k] = v->prev[k] + (cur[k] - v->prev[k]) * alpha;
        sc->eye[1] += PLAYER_EYE;
    }
    if (!sc->gui.open) {
        sc->yaw += (float)(look_dx * ACTION_DEGREES_PER_COUNT);
        float pitch = sc->pitch + (float)(look_dy * ACTION_DEGREES_PER_COUNT);
        sc->pitch = pitch > 90 ? 90 : pitch < -90 ? -90 : pitch;
    }
    int w, h;
    app_drawable_size(v->app, &w, &h);
    if (w < 1 || h < 1) return;
    if (v->gl) {
        glworld_draw(v->gl, sc, w, h);
        return;
    }
    if (w != v->rgb_w || h != v->rgb_h) {
        mem_free(v->rgb);
        v->rgb = mem_alloc((size_t)w * h * 3);
        v->rgb_w = w;
        v->rgb_h = h;
    }
    render_scene_pool_cached(v->r, v->pool, v->cache, sc, v->rgb, w, h);
    app_present_rgb(v->app, v->rgb, w, h);
}
