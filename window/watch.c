/* watch.c: `vpt watch`: agents play live in the window.
 *
 * One agent: its view fills the window (GL ray caster) with an overlay panel: keys held, mouse
 * motion, the agent's goal and top action probabilities, its own 64x64 observation (exactly
 * what it acts on), reward so far and the task items obtained on a timeline. Several agents:
 * tiles (software renderer), the focused one outlined and shown in the panel.
 * Keys: P pause, N single step while paused, Tab speed 1x/4x/max, R restart on new seeds,
 * ] next agent, F11 fullscreen. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "render/font.h"
#include "window/modes.h"
#include "window/overlay.h"
#include "window/view.h"

#define OBS 64
#define MAX_AGENTS 16
#define MAX_TIMELINE 24

typedef struct Watched {
    Env *env;
    Agent *agent;
    RenderCache *cache; /* its observations, frame after frame */
    uint8_t obs[OBS * OBS * 3];
    Action last;
    AgentInfo info;
    double reward;
    int n_obtained;
    ItemId obtained[MAX_TIMELINE];
    long long obtained_tick[MAX_TIMELINE];
} Watched;

typedef struct Watch {
    Watched a[MAX_AGENTS];
    int n, focus, paused, speed; /* speed: 0 = 1x, 1 = 4x, 2 = max */
    uint64_t seed;
    const char *policy;
    const GameOptions *g;
    Renderer *obs_r; /* canonical 16:9 observations */
} Watch;

static void watched_free(Watched *x) {
    env_destroy(x->env);
    agent_destroy(x->agent);
    render_cache_destroy(x->cache);
}

static int watched_start(Watch *w, int i, uint64_t seed) {
    Watched *x = &w->a[i];
    GameOptions g = *w->g;
    g.seed = seed;
    g.seed_given = 1;
    env_destroy(x->env);
    agent_destroy(x->agent);
    RenderCache *cache = x->cache ? x->cache : render_cache_create();
    memset(x, 0, sizeof *x);
    x->cache = cache;
    x->env = window_open_env(&g);
    if (!x->env) return 0;
    x->agent = agent_create(w->policy, seed);
    if (!x->agent) {
        fprintf(stderr, "vpt watch: --policy: cannot create agent '%s'\n", w->policy);
        return 0;
    }
    agent_reset(x->agent, x->env, seed);
    return 1;
}

static void watched_step(Watch *w, Watched *x) {
    render_frame_cached(w->obs_r, x->cache, x->env, x->obs, OBS, OBS);
    agent_act(x->agent, x->env, x->obs, OBS, OBS, &x->last, &x->info);
    StepResult res = env_step(x->env, &x->last);
    x->reward += res.reward;
    for (int e = 0; e < res.n_events; e++) {
        if (res.events[e].type != ENV_EVENT_OBTAINED || x->n_obtained >= MAX_TIMELINE) continue;
        x->obtained[x->n_obtained] = res.events[e].item;
        x->obtained_tick[x->n_obtained++] = (long long)env_tick(x->env);
    }
}

/* The panel: keys, mouse, goal, probabilities, the 64x64 view (scaled 3x), reward, timeline. */
static void draw_panel(const Watch *w, uint8_t *rgb, int pw, int ph) {
    const Watched *x = &w->a[w->focus];
    for (int i = 0; i < pw * ph * 3; i++) rgb[i] = 20;
    char line[160];
    int y = 6;
    snprintf(line, sizeof line, "AGENT %d/%d %s", w->focus + 1, w->n, agent_describe(x->agent));
    y = overlay_text(rgb, pw, ph, 6, y, line);
    snprintf(line, sizeof line, "TICK %llu  %s%s", (unsigned long long)env_tick(x->env),
             w->paused ? "PAUSED " : "",
             w->speed == 0   ? "1X"
             : w->speed == 1 ? "4X"
                             : "MAX");
    y = overlay_text(rgb, pw, ph, 6, y, line);
    char keys[96] = "";
    for (int k = 0; k < KEY_COUNT; k++)
        if (action_key_down(&x->last, (ActionKey)k)) {
            strncat(keys, action_key_name((ActionKey)k), sizeof keys - strlen(keys) - 2);
            strncat(keys, " ", sizeof keys - strlen(keys) - 1);
        }
    snprintf(line, sizeof line, "KEYS %s", keys[0] ? keys : "-");
    y = overlay_text(rgb, pw, ph, 6, y, line);
    snprintf(line, sizeof line, "MOUSE DX %+.0f DY %+.0f", x->last.mouse_dx, x->last.mouse_dy);
    y = overlay_text(rgb, pw, ph, 6, y, line);
    snprintf(line, sizeof line, "GOAL %s", x->info.goal[0] ? x->info.goal : "-");
    y = overlay_text(rgb, pw, ph, 6, y, line);
    for (int i = 0; i < x->info.n_probs; i++) {
        snprintf(line, sizeof line, " %3.0f%% %s", 100.0 * x->info.probs[i].p,
                 x->info.probs[i].label);
        y = overlay_text(rgb, pw, ph, 6, y, line);
    }
    /* the agent's own observation, 3x */
    y += 4;
    for (int oy = 0; oy < OBS * 3 && y + oy < ph; oy++)
        for (int ox = 0; ox < OBS * 3 && 6 + ox < pw; ox++)
            memcpy(rgb + 3 * ((size_t)(y + oy) * pw + 6 + ox),
                   x->obs + 3 * ((size_t)(oy / 3) * OBS + ox / 3), 3);
    y += OBS * 3 + 6;
    snprintf(line, sizeof line, "REWARD %.2f", x->reward);
    y = overlay_text(rgb, pw, ph, 6, y, line);
    for (int i = 0; i < x->n_obtained && y < ph - 12; i++) {
        snprintf(line, sizeof line, " %5lld %s", x->obtained_tick[i], item_name(x->obtained[i]));
        y = overlay_text(rgb, pw, ph, 6, y, line);
    }
}

/* Several agents: a grid of software-rendered tiles, the focused one outlined in yellow. */
static void draw_tiles(const Watch *w, const Renderer *r, ThreadPool *pool, uint8_t *rgb, int W,
                       int H, uint8_t *tile) {
    int cols = (int)ceil(sqrt((double)w->n)), rows = (w->n + cols - 1) / cols;
    int tw = W / cols, th = H / rows;
    memset(rgb, 0, (size_t)W * H * 3);
    RenderScene *sc = mem_alloc(sizeof *sc);
    for (int i = 0; i < w->n; i++) {
        render_scene_from_env(w->a[i].env, sc);
        render_scene_pool(r, pool, sc, tile, tw, th);
        int x0 = (i % cols) * tw, y0 = (i / cols) * th;
        for (int y = 0; y < th; y++) {
            uint8_t *dst = rgb + 3 * ((size_t)(y0 + y) * W + x0);
            memcpy(dst, tile + (size_t)y * tw * 3, (size_t)tw * 3);
            if (i == w->focus && (y < 3 || y >= th - 3))
                for (int x = 0; x < tw; x++)
                    dst[3 * x] = 255, dst[3 * x + 1] = 220, dst[3 * x + 2] = 0;
            else if (i == w->focus)
                for (int x = 0; x < 3; x++) {
                    uint8_t *a = dst + 3 * x, *b = dst + 3 * (tw - 1 - x);
                    a[0] = b[0] = 255, a[1] = b[1] = 220, a[2] = b[2] = 0;
                }
        }
    }
    mem_free(sc);
}

int window_watch(const WindowOptions *wo, const GameOptions *g, const char *policy, int n_agents) {
    Watch *w = mem_calloc(1, sizeof *w);
    w->n = n_agents < 1 ? 1 : n_agents > MAX_AGENTS ? MAX_AGENTS : n_agents;
    w->policy = policy;
    w->g = g;
    w->seed = g->seed_given ? g->seed : 1;
    w->obs_r = render_create(NULL);
    int ok = 1;
    for (int i = 0; i < w->n && ok; i++) ok = watched_start(w, i, w->seed + (uint64_t)i);
    WindowApp *app = ok ? app_create(wo) : NULL;
    if (!app) {
        for (int i = 0; i < w->n; i++) watched_free(&w->a[i]);
        render_destroy(w->obs_r);
        mem_free(w);
        return 1;
    }
    app_set_mouse_captured(app, 0);
    ThreadPool *pool = pool_create(0);
    GameView *view = view_create(app, pool, w->n > 1 ? WINDOW_RENDERER_SOFTWARE : wo->renderer);
    InputState *in = app_input(app);
    enum { PW = 300, PH = 560 };
    uint8_t *panel = mem_alloc(PW * PH * 3), *panel_rgba = mem_alloc(PW * PH * 4);
    uint8_t *tiles = NULL, *tile = NULL;
    int tiles_w = 0, tiles_h = 0;
    long long frames = 0, ticks = 0;
    double t_next = clock_now();
    int running = 1;
    while (running) {
        running = app_poll(app, frames);
        frames++;
        if (in->toggle_pause) in->toggle_pause = 0, w->paused = !w->paused;
        if (in->cycle_speed) in->cycle_speed = 0, w->speed = (w->speed + 1) % 3;
        if (in->next_agent) in->next_agent = 0, w->focus = (w->focus + 1) % w->n;
        if (in->restart) {
            in->restart = 0;
            w->seed += (uint64_t)w->n;
            for (int i = 0; i < w->n; i++) watched_start(w, i, w->seed + (uint64_t)i);
        }
        int steps = 0;
        double now = clock_now();
        if (w->paused) {
            if (in->single_step) steps = 1;
            t_next = now;
        } else if (w->speed == 2) {
            steps = 1000; /* max: as many as fit in ~1/30 s, below */
        } else {
            double dt = APP_TICK_SECONDS / (w->speed == 1 ? 4.0 : 1.0);
            while (now >= t_next && steps < 20) steps++, t_next += dt;
            if (now > t_next + 1.0) t_next = now;
        }
        in->single_step = 0;
        double t_budget = clock_now() + 1.0 / 30.0;
        for (int s = 0; s < steps && running; s++) {
            view_before_tick(view, w->a[w->focus].env);
            for (int i = 0; i < w->n; i++) watched_step(w, &w->a[i]);
            ticks++;
            if (app_quit_after_ticks(app) > 0 && ticks >= app_quit_after_ticks(app)) running = 0;
            if (w->speed == 2 && clock_now() > t_budget) break;
        }
        int W, H;
        app_drawable_size(app, &W, &H);
        if (w->n == 1) {
            double alpha =
                w->speed == 0 && !w->paused ? 1.0 - (t_next - clock_now()) / APP_TICK_SECONDS : 1.0;
            view_draw(view, w->a[0].env, alpha, 0, 0);
        } else {
            if (W != tiles_w || H != tiles_h) {
                mem_free(tiles);
                mem_free(tile);
                tiles = mem_alloc((size_t)W * H * 3);
                tile = mem_alloc((size_t)W * H * 3);
                tiles_w = W, tiles_h = H;
            }
            draw_tiles(w, view_renderer(view), pool, tiles, W, H, tile);
            app_present_rgb(app, tiles, W, H);
        }
        draw_panel(w, panel, PW, PH);
        overlay_rgb_to_rgba(panel, panel_rgba, PW, PH, 210);
        int ph = H - 16 < PH ? H - 16 : PH;
        app_overlay_rgba(app, panel_rgba, PW, PH, W - PW - 8, 8, PW, ph);
        if (!running && wo->screenshot_path) app_screenshot(app, wo->screenshot_path);
        app_swap(app);
    }
    LOG_INFO("window", "watch: %lld ticks of %d agent(s)", ticks, w->n);
    for (int i = 0; i < w->n; i++) watched_free(&w->a[i]);
    mem_free(tiles);
    mem_free(tile);
    mem_free(panel);
    mem_free(panel_rgba);
    view_destroy(view);
    pool_destroy(pool);
    app_destroy(app);
    render_destroy(w->obs_r);
    mem_free(w);
    return 0;
}
