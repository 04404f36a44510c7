/* app.c: SDL window + GL context, event pump with input-script injection, presenting. */
#include "window/app.h"

#include <GL/glew.h>
#include <SDL2/SDL.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "window/glutil.h"
#include "window/script.h"

struct WindowApp {
    WindowOptions opt;
    SDL_Window *win;
    SDL_GLContext gl;
    InputState input;
    GLuint prog_tex, vao, tex;
    int tex_w, tex_h;
    GLuint overlay_tex;
    int overlay_w, overlay_h;
    Action *script;
    long long script_len;
    long long script_next; /* next tick whose events are to be injected */
    int fullscreen;
};

static const char *VS_FULLSCREEN =
    "#version 330 core\n"
    "uniform vec4 u_rect; /* x, y, w, h in clip space, y up */\n"
    "out vec2 v_uv;\n"
    "void main() {\n"
    "  vec2 p = vec2(float((gl_VertexID & 1) << 1), float(gl_VertexID & 2));\n"
    "  v_uv = vec2(p.x, 1.0 - p.y);\n"
    "  gl_Position = vec4(u_rect.xy + p * u_rect.zw, 0.0, 1.0);\n"
    "}\n";
/* Draws the triangle (0,0),(2,0),(0,2) in units of the rect: it covers the rect, and the part
 * outside is clipped by the scissor set around each draw. */
static const char *FS_TEXTURE = "#version 330 core\n"
                                "in vec2 v_uv;\n"
                                "uniform sampler2D u_tex;\n"
                                "out vec4 o_color;\n"
                                "void main() { o_color = texture(u_tex, v_uv); }\n";

void window_options_default(WindowOptions *o) {
    memset(o, 0, sizeof *o);
    o->title = "vpt";
    o->width = 1280;
    o->height = 720;
    o->vsync = 1;
    o->sensitivity = 1.0;
}

static Status load_script(WindowApp *app, const char *path) {
    VideoActionLog *log = NULL;
    Status st = video_actionlog_open(&log, path);
    if (st != STATUS_OK) return st;
    long long cap = 1024;
    app->script = MEM_NEW_ARRAY(Action, cap);
    for (;;) {
        VideoActionFrame fr;
        int got = 0;
        st = video_actionlog_next(log, &fr, &got);
        if (st != STATUS_OK || !got) break;
        if (app->script_len == cap) {
            cap *= 2;
            app->script = mem_realloc(app->script, (size_t)cap * sizeof(Action));
        }
        app->script[app->script_len++] = fr.action;
    }
    video_actionlog_close(log);
    if (st == STATUS_OK && app->script_len == 0) {
        LOG_ERROR("window", "%s: input script has no lines", path);
        st = STATUS_INVALID_ARGUMENT;
    }
    return st;
}

WindowApp *app_create(const WindowOptions *o) {
    const char *disp = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    if ((!disp || !*disp) && (!wl || !*wl) && !getenv("SDL_VIDEODRIVER")) {
        LOG_ERROR("window", "no display: DISPLAY is not set (run under X11/Wayland, or headless "
                            "with xvfb-run)");
        return NULL;
    }
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        LOG_ERROR("window", "cannot start SDL video (is DISPLAY set?): %s", SDL_GetError());
        return NULL;
    }
    WindowApp *app = mem_calloc(1, sizeof *app);
    app->opt = *o;
    input_init(&app->input, o->sensitivity);
    if (o->input_path && load_script(app, o->input_path) != STATUS_OK) {
        app_destroy(app);
        return NULL;
    }
    /* A scripted run ends with its script unless told otherwise. */
    if (app->script_len > 0 && app->opt.quit_after_ticks <= 0)
        app->opt.quit_after_ticks = app->script_len;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (o->fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    app->fullscreen = o->fullscreen;
    app->win = SDL_CreateWindow(o->title ? o->title : "vpt", SDL_WINDOWPOS_CENTERED,
                                SDL_WINDOWPOS_CENTERED, o->width, o->height, flags);
    if (!app->win) {
        LOG_ERROR("window", "cannot create a window: %s", SDL_GetError());
        app_destroy(app);
        return NULL;
    }
    app->gl = SDL_GL_CreateContext(app->win);
    if (!app->gl) {
        LOG_ERROR("window", "cannot create an OpenGL 3.3 core context: %s", SDL_GetError());
        app_destroy(app);
        return NULL;
    }
    glewExperimental = GL_TRUE;
    GLenum gerr = glewInit();
    /* GLEW on a core context may raise a spurious GL_INVALID_ENUM: clear it. */
    while (glGetError() != GL_NO_ERROR) {
    }
    if (gerr != GLEW_OK) {
        LOG_ERROR("window", "GLEW cannot load OpenGL on video driver '%s': %s",
                  SDL_GetCurrentVideoDriver(), (const char *)glewGetErrorString(gerr));
        app_destroy(app);
        return NULL;
    }
    SDL_GL_SetSwapInterval(o->vsync ? 1 : 0);
    LOG_INFO("window", "OpenGL %s on %s", (const char *)glGetString(GL_VERSION),
             (const char *)glGetString(GL_RENDERER));
    if (glu_program_create("present", VS_FULLSCREEN, FS_TEXTURE, &app->prog_tex) != STATUS_OK) {
        app_destroy(app);
        return NULL;
    }
    app->vao = glu_fullscreen_vao();
    return app;
}

void app_destroy(WindowApp *app) {
    if (!app) return;
    if (app->gl) {
        if (app->tex) glDeleteTextures(1, &app->tex);
        if (app->overlay_tex) glDeleteTextures(1, &app->overlay_tex);
        if (app->vao) glDeleteVertexArrays(1, &app->vao);
        if (app->prog_tex) glDeleteProgram(app->prog_tex);
        SDL_GL_DeleteContext(app->gl);
    }
    if (app->win) SDL_DestroyWindow(app->win);
    mem_free(app->script);
    mem_free(app);
    SDL_Quit();
}

InputState *app_input(WindowApp *app) { return &app->input; }
long long app_quit_after_ticks(const WindowApp *app) { return app->opt.quit_after_ticks; }
long long app_script_length(const WindowApp *app) { return app->script_len; }
int app_script_done(const WindowApp *app, long long tick) {
    return app->script_len > 0 && tick >= app->script_len;
}

int app_poll(WindowApp *app, long long tick) {
    if (app->script && tick < app->script_len && app->script_next == tick) {
        static const Action NONE = {0, 0, 0};
        const Action *prev = tick > 0 ? &app->script[tick - 1] : &NONE;
        SDL_Event evs[KEY_COUNT + 1];
        int n = script_events_for_action(prev, &app->script[tick], app->input.sensitivity,
                                         SDL_GetWindowID(app->win), evs, KEY_COUNT + 1);
        for (int i = 0; i < n; i++) SDL_PushEvent(&evs[i]);
        app->script_next = tick + 1;
    }
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        /* With a script, the person's real motion is ignored so the run is exactly the
         * script; window events still apply. */
        int from_script = 1;
        if (app->script &&
            (ev.type == SDL_MOUSEMOTION || ev.type == SDL_KEYDOWN || ev.type == SDL_KEYUP ||
             ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_MOUSEBUTTONUP))
            from_script = script_event_is_synthetic(&ev);
        if (!from_script) continue;
        if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_FOCUS_LOST &&
            app->script)
            continue; /* a scripted run never loses its keys to focus changes */
        input_handle_event(&app->input, &ev);
    }
    if (app->input.toggle_fullscreen) {
        app->input.toggle_fullscreen = 0;
        app_toggle_fullscreen(app);
    }
    return !app->input.quit;
}

void app_drawable_size(const WindowApp *app, int *w, int *h) {
    SDL_GL_GetDrawableSize(app->win, w, h);
}

void app_set_mouse_captured(WindowApp *app, int captured) {
    if (app->script) return; /* headless scripted runs: relative mode would warp the pointer */
    SDL_SetRelativeMouseMode(captured ? SDL_TRUE : SDL_FALSE);
}

void app_toggle_fullscreen(WindowApp *app) {
    app->fullscreen = !app->fullscreen;
    SDL_SetWindowFullscreen(app->win, app->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
}

static void draw_rect_tex(WindowApp *app, GLuint tex, int x, int y, int w, int h) {
    int dw, dh;
    app_drawable_size(app, &dw, &dh);
    glViewport(0, 0, dw, dh);
    glEnable(GL_SCISSOR_TEST);
    glScissor(x, dh - y - h, w, h);
    glUseProgram(app->prog_tex);
    float cx = 2.0f * x / dw - 1.0f, cy = 1.0f - 2.0f * (y + h) / dh;
    glUniform4f(glGetUniformLocation(app->prog_tex, "u_rect"), cx, cy, 2.0f * w / dw,
                2.0f * h / dh);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, tex);
    glUniform1i(glGetUniformLocation(app->prog_tex, "u_tex"), 0);
    glBindVertexArray(app->vao);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glDisable(GL_SCISSOR_TEST);
}

void app_present_rgb(WindowApp *app, const uint8_t *rgb, int w, int h) {
    if (!app->tex || app->tex_w != w || app->tex_h != h) {
        if (app->tex) glDeleteTextures(1, &app->tex);
        app->tex = glu_texture_rgba(w, h, NULL);
        app->tex_w = w;
        app->tex_h = h;
    }
    glu_texture_upload_rgb(app->tex, w, h, rgb);
    int dw, dh;
    app_drawable_size(app, &dw, &dh);
    draw_rect_tex(app, app->tex, 0, 0, dw, dh);
}

void app_overlay_rgba(WindowApp *app, const uint8_t *rgba, int w, int h, int x, int y, int dw,
                      int dh) {
    if (!app->overlay_tex || app->overlay_w != w || app->overlay_h != h) {
        if (app->overlay_tex) glDeleteTextures(1, &app->overlay_tex);
        app->overlay_tex = glu_texture_rgba(w, h, NULL);
        app->overlay_w = w;
        app->overlay_h = h;
    }
    glu_texture_upload_rgba(app->overlay_tex, w, h, rgba);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    draw_rect_tex(app, app->overlay_tex, x, y, dw, dh);
    glDisable(GL_BLEND);
}

Status app_screenshot(WindowApp *app, const char *path) {
    int w, h;
    app_drawable_size(app, &w, &h);
    uint8_t *rgb = mem_alloc((size_t)w * h * 3);
    glReadBuffer(GL_BACK);
    glu_read_rgb(w, h, rgb);
    Status st = video_png_write(path, rgb, w, h);
    mem_free(rgb);
    if (st == STATUS_OK) LOG_INFO("window", "screenshot %dx%d written to %s", w, h, path);
    return st;
}

void app_swap(WindowApp *app) { SDL_GL_SwapWindow(app->win); }
