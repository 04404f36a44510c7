/* app.h: the desktop window shared by `vpt play`, `vpt watch` and `vpt record`: an SDL2
 * window with an OpenGL 3.3 core context (GLEW), input, the fixed 20 Hz tick clock, input
 * scripts, presenting frames and screenshots. Everything here runs on the main thread.
 *
 * Ownership: app_create returns a WindowApp owned by the caller (app_destroy). */
#ifndef WINDOW_APP_H
#define WINDOW_APP_H

#include <stdint.h>

#include "core/status.h"
#include "sim/action.h"
#include "window/input.h"

typedef struct WindowApp WindowApp;

/* World back ends. AUTO picks GL on a hardware GPU and the software ray caster on a software
 * GL (Mesa llvmpipe/softpipe), where it measured several times faster (docs/window.md). */
enum { WINDOW_RENDERER_AUTO = 0, WINDOW_RENDERER_GL, WINDOW_RENDERER_SOFTWARE };

typedef struct WindowOptions {
    const char *title;
    int width, height; /* initial window size; default 1280x720 */
    int fullscreen;
    int vsync;                   /* 1 default */
    double sensitivity;          /* mouse counts per physical pixel; default 1 */
    const char *screenshot_path; /* PNG of the last presented frame, written at quit */
    long long quit_after_ticks;  /* 0: run until closed */
    const char *input_path;      /* VPT-format jsonl whose actions are injected as SDL events */
    int renderer;                /* WINDOW_RENDERER_*: which back end draws the world */
} WindowOptions;

void window_options_default(WindowOptions *o);

/* Opens the window and the GL context. NULL (logged) when no display or no GL 3.3. */
WindowApp *app_create(const WindowOptions *o);
void app_destroy(WindowApp *app); /* accepts NULL */

/* Processes pending SDL events into app->input; also injects the input script's events for
 * `tick` first when a script is loaded. Returns 0 when the window should close. */
int app_poll(WindowApp *app, long long tick);
InputState *app_input(WindowApp *app);
/* 1 once an input script is loaded and its last line has been injected. */
int app_script_done(const WindowApp *app, long long tick);
long long app_script_length(const WindowApp *app);
/* Ticks after which the run ends (0: never): --quit-after-ticks, else the script's length. */
long long app_quit_after_ticks(const WindowApp *app);

/* Drawable size in pixels (changes when the window is resized). */
void app_drawable_size(const WindowApp *app, int *w, int *h);
/* Mouse captured (relative mode, cursor hidden) in the world; released in GUIs and menus. */
void app_set_mouse_captured(WindowApp *app, int captured);
void app_toggle_fullscreen(WindowApp *app);

/* Draws an RGB image (rows top to bottom) scaled to fill the window (nearest). */
void app_present_rgb(WindowApp *app, const uint8_t *rgb, int w, int h);
/* Draws an RGBA overlay at (x, y, w, h) in window pixels, alpha-blended, after the frame. */
void app_overlay_rgba(WindowApp *app, const uint8_t *rgba, int w, int h, int x, int y, int dw,
                      int dh);
/* Swaps buffers; keeps a copy of the frame for the screenshot. */
void app_swap(WindowApp *app);
/* Writes the current back buffer (before app_swap) as PNG. */
Status app_screenshot(WindowApp *app, const char *path);

/* Seconds per tick: 0.05. */
#define APP_TICK_SECONDS 0.05

#endif
