/* gendata.c: recording scripted episodes to video + action logs (see gendata.h). One job per
 * episode on the thread pool; each job owns its env, agent, encoder and writers; the renderer
 * is shared read-only. Worker 0 drives the progress bar. */
#include "agent/gendata.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/progress.h"
#include "render/render.h"
#include "sim/env.h"
#include "sim/gui.h"
#include "sim/stats.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "video/dataset.h"

uint64_t gendata_frame_hash(uint64_t h, const uint8_t *rgb, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, rgb + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < n; i++) h = (h ^ rgb[i]) * 0x100000001b3ull;
    return h;
}

PersonaId gendata_persona_for_seed(uint64_t seed, const PersonaId *allowed, int n) {
    ASSERT(n >= 1);
    Rng r = rng_stream(seed, 0x9e75ull);
    return allowed[rng_below(&r, (uint32_t)n)];
}

void gendata_episode_name(uint64_t seed, PersonaId p, char *buf, int n) {
    snprintf(buf, (size_t)n, "ep%06" PRIu64 "-%s", seed, persona_name(p));
}

typedef struct GenShared {
    const GenDataConfig *cfg;
    const Renderer *renderer;
    atomic_llong frames;
    atomic_llong reused_frames, pixels, traced; /* the episodes' RenderCache statistics */
    atomic_int failed;
    Progress *progress;
    int64_t total_frames;
} GenShared;

void gendata_fill_frame(const Env *env, const Action *a, int64_t tick, VideoActionFrame *f,
                        VideoInvItem *inv, VideoStat *stats, int max_stats, json_t **stats_json) {
    memset(f, 0, sizeof *f);
    const Player *p = env_player(env);
    const Gui *g = env_gui(env);
    f->action = *a;
    f->hotbar = p->inventory.selected;
    f->is_gui_open = g->screen != GUI_NONE;
    f->is_gui_inventory = g->screen == GUI_INVENTORY;
    f->mouse_x = g->cursor_x;
    f->mouse_y = g->cursor_y;
    f->yaw = p->yaw;
    f->pitch = p->pitch;
    f->xpos = p->x;
    f->ypos = p->y;
    f->zpos = p->z;
    f->tick = tick;
    int n = 0;
    for (int i = 0; i < INVENTORY_SLOTS; i++) {
        const ItemStack *st = &p->inventory.slots[i];
        if (!st->count) continue;
        inv[n].type = item_name(st->item);
        inv[n].quantity = st->count;
        n++;
    }
    f->inventory = inv;
    f->n_inventory = n;
    *stats_json = stats_to_json(env_stats(env));
    const char *key;
    json_t *val;
    int ns = 0;
    json_object_foreach(*stats_json, key, val) {
        if (ns >= max_stats) break;
        stats[ns].name = key;
        stats[ns].value = json_integer_value(val);
        ns++;
    }
    f->stats = stats;
    f->n_stats = ns;
}

static Status write_options(const GenShared *sh, const char *path, uint64_t seed, PersonaId p,
                            const char *desc, uint64_t frames_hash, uint64_t state_hash,
                            int64_t frames) {
    const GenDataConfig *c = sh->cfg;
    char fh[24], shx[24];
    snprintf(fh, sizeof fh, "%016" PRIx64, frames_hash);
    snprintf(shx, sizeof shx, "%016" PRIx64, state_hash);
    json_t *o = json_object();
    json_object_set_new(o, "world", json_string(c->world_name));
    json_object_set_new(o, "seed", json_integer((json_int_t)seed));
    json_object_set_new(o, "policy", json_string(desc));
    json_object_set_new(o, "persona", json_string(persona_name(p)));
    json_object_set_new(o, "width", json_integer(c->width));
    json_object_set_new(o, "height", json_integer(c->height));
    json_object_set_new(o, "fps", json_integer(20));
    json_object_set_new(o, "frames", json_integer(frames));
    json_object_set_new(o, "renderer", json_string("vpt canonical ray caster"));
    json_object_set_new(o, "x264_preset",
                        json_string(c->x264_preset ? c->x264_preset : VIDEO_DEFAULT_PRESET));
    json_object_set_new(o, "version", json_string(c->version ? c->version : "unknown"));
    json_object_set_new(o, "frames_hash", json_string(fh));
    json_object_set_new(o, "final_state_hash", json_string(shx));
    json_object_set_new(o, "actions_in_ground_truth", json_boolean(c->no_actions));
    Status st = jsonio_save_file(path, o);
    json_decref(o);
    return st;
}

/* Records one episode; returns STATUS_OK with all three files whole. */
static Status record_episode(GenShared *sh, int index, int worker) {
    const GenDataConfig *c = sh->cfg;
    uint64_t seed = c->seed0 + (uint64_t)index;
    PersonaId p = gendata_persona_for_seed(seed, c->personas, c->n_personas);
    char name[128], spec[64], mp4[4096], jsonl[4096], opts[4096];
    gendata_episode_name(seed, p, name, sizeof name);
    snprintf(spec, sizeof spec, "scripted:%s", persona_name(p));
    snprintf(mp4, sizeof mp4, "%s/%s.mp4", c->out_dir, name);
    snprintf(opts, sizeof opts, "%s/%s-options.json", c->out_dir, name);
    snprintf(jsonl, sizeof jsonl, "%s/%s%s.jsonl", c->out_dir, c->no_actions ? "ground_truth/" : "",
             name);
    Env *env = env_create(c->preset, seed);
    Agent *agent = agent_create(spec, seed);
    VideoEncoderOptions eo = {c->width, c->height, 20, c->crf, 1, NULL, c->x264_preset};
    VideoEncoder *enc = NULL;
    VideoActionLogWriter *log = NULL;
    Status st = video_encoder_open(&enc, mp4, &eo);
    if (st == STATUS_OK) st = video_actionlog_writer_open(&log, jsonl);
    uint8_t *rgb = mem_alloc((size_t)c->width * c->height * 3);
    VideoInvItem inv[INVENTORY_SLOTS];
    VideoStat *stats = MEM_NEW_ARRAY(VideoStat, GENDATA_MAX_STATS);
    uint64_t fh = 0xcbf29ce484222325ull;
    int64_t t = 0;
    /* consecutive frames of one episode: rays that cannot have changed are not traced again */
    RenderCache *cache = render_cache_create();
    if (st == STATUS_OK) {
        agent_reset(agent, env, seed);
        for (; t < c->episode_ticks && st == STATUS_OK; t++) {
            render_frame_cached(sh->renderer, cache, env, rgb, c->width, c->height);
            fh = gendata_frame_hash(fh, rgb, (size_t)c->width * c->height * 3);
            st = video_encoder_push(enc, rgb, c->width * 3);
            Action a;
            agent_act(agent, env, rgb, c->width, c->height, &a, NULL);
            env_step(env, &a);
            VideoActionFrame f;
            json_t *stats_json = NULL;
            gendata_fill_frame(env, &a, t, &f, inv, stats, GENDATA_MAX_STATS, &stats_json);
            if (st == STATUS_OK) st = video_actionlog_writer_write(log, &f);
            json_decref(stats_json);
            long long done = atomic_fetch_add(&sh->frames, 1) + 1;
            if (worker == 0 && sh->progress && (t & 15) == 0) {
                char note[64];
                snprintf(note, sizeof note, "%.3f h of video", (double)done / 72000.0);
                progress_set_note(sh->progress, note);
                progress_update(sh->progress, (double)done);
            }
        }
    }
    Status st2 = log ? video_actionlog_writer_close(log) : STATUS_OK;
    Status st3 = enc ? video_encoder_close(enc) : STATUS_OK;
    if (st == STATUS_OK) st = st2 != STATUS_OK ? st2 : st3;
    if (st == STATUS_OK)
        st = write_options(sh, opts, seed, p, agent_describe(agent), fh, env_hash(env), t);
    if (st != STATUS_OK) {
        /* Nothing half-written may look like an episode. */
        remove(mp4);
        remove(jsonl);
        remove(opts);
        LOG_ERROR("agent", "episode %s failed (%s); its files were removed", name, status_str(st));
    }
    RenderCacheStats cst;
    render_cache_stats(cache, &cst);
    atomic_fetch_add(&sh->reused_frames, (long long)cst.reused_frames);
    atomic_fetch_add(&sh->pixels, (long long)cst.pixels);
    atomic_fetch_add(&sh->traced, (long long)cst.traced);
    LOG_DEBUG("agent", "episode %s: %lld of %lld frames reused rays; %.1f%% of pixels traced", name,
              (long long)cst.reused_frames, (long long)cst.frames,
              cst.pixels ? 100.0 * (double)cst.traced / (double)cst.pixels : 0.0);
    render_cache_destroy(cache);
    mem_free(rgb);
    mem_free(stats);
    agent_destroy(agent);
    env_destroy(env);
    return st;
}

static void gen_range(void *ctx, int64_t begin, int64_t end, int worker) {
    GenShared *sh = ctx;
    for (int64_t i = begin; i < end; i++) {
        if (atomic_load(&sh->failed)) return;
        if (record_episode(sh, (int)i, worker) != STATUS_OK) atomic_store(&sh->failed, 1);
    }
}

Status gendata_run(const GenDataConfig *c, GenDataReport *rep) {
    ASSERT(c->n_personas >= 1 && c->episodes >= 1 && c->episode_ticks >= 1);
    memset(rep, 0, sizeof *rep);
    Status st = fs_mkdir_p(c->out_dir);
    if (st == STATUS_OK && c->no_actions) {
        char gt[4096];
        snprintf(gt, sizeof gt, "%s/ground_truth", c->out_dir);
        st = fs_mkdir_p(gt);
    }
    if (st != STATUS_OK) return st;
    double t0 = clock_now();
    Renderer *r = render_create(NULL);
    GenShared sh = {
        .cfg = c, .renderer = r, .total_frames = (int64_t)c->episodes * c->episode_ticks};
    if (c->progress) sh.progress = progress_create("gen-data", (double)sh.total_frames, "frames");
    int jobs = c->jobs > 0 ? c->jobs : pool_cpu_count();
    if (jobs > c->episodes) jobs = c->episodes;
    ThreadPool *pool = jobs > 1 ? pool_create(jobs) : NULL;
    pool_parallel_for(pool, c->episodes, 1, gen_range, &sh);
    pool_destroy(pool);
    if (sh.progress) {
        progress_update(sh.progress, (double)atomic_load(&sh.frames));
        progress_finish(sh.progress);
    }
    if (atomic_load(&sh.failed)) st = STATUS_IO;
    if (st == STATUS_OK) {
        /* The unlabeled corpus is indexed as video-only "web" episodes (its jsonl lives in
         * ground_truth/, out of the dataset). */
        int added = 0;
        st = video_dataset_index(c->out_dir, c->no_actions ? "web" : "contractor", &added);
    }
    rep->episodes = c->episodes;
    rep->frames = atomic_load(&sh.frames);
    rep->reused_frames = atomic_load(&sh.reused_frames);
    rep->pixels = atomic_load(&sh.pixels);
    rep->traced = atomic_load(&sh.traced);
    rep->seconds = clock_now() - t0;
    render_destroy(r);
    return st;
}
