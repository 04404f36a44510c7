/* test_agent_world.c: scripted players in the real sim: they make progress on the tech tree
 * through the native interface only (recipe book and hand crafting in the GUI included), the
 * act call never changes the env, recorded actions replayed in a fresh env reproduce every
 * tick's state hash, generated episodes (mp4 + jsonl + options) replay bit-identically (frames
 * and state, also through `vpt replay`), evaluation is identical whatever the thread count, and
 * the CLI refuses bad flags. Workloads are small: a few thousand ticks, 64x36 videos. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <math.h>

#include "agent/agent.h"
#include "agent/episode.h"
#include "agent/gendata.h"
#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "render/render.h"
#include "sim/env.h"
#include "sim/inventory.h"
#include "sim/mob.h"
#include "sim/world.h"
#include "sim/preset.h"
#include "video/actionlog.h"
#include "video/codec.h"
#include "tests/check.h"

static int count_item(const Env *env, ItemId item) {
    return inventory_count(&env_player(env)->inventory, item);
}

typedef struct Recorder {
    Action *actions;
    uint64_t *hashes;
    int n, cap;
    int hash_changed_by_act;
} Recorder;

static int record_tick(void *ctx, const Env *env, const Action *a, const StepResult *r,
                       const AgentInfo *info, int64_t tick) {
    (void)r;
    (void)info;
    (void)tick;
    Recorder *rec = ctx;
    if (rec->n < rec->cap) {
        rec->actions[rec->n] = *a;
        rec->hashes[rec->n] = env_hash(env);
        rec->n++;
    }
    return 0;
}

/* A speedrunner on the default world chops trees, crafts planks, sticks and a crafting table
 * through the GUI within 2,000 ticks; a replay of its actions reproduces each tick's state. */
static void test_speedrunner_progress_and_replay(void) {
    WorldPreset pr;
    preset_init_default(&pr);
    const uint64_t seed = 1;
    const int ticks = 2000;
    Env *env = env_create(&pr, seed);
    Agent *ag = agent_create("scripted:speedrunner", seed);
    Recorder rec = {MEM_NEW_ARRAY(Action, ticks), MEM_NEW_ARRAY(uint64_t, ticks), 0, ticks, 0};
    EpisodeOptions opt = {ticks, record_tick, &rec};
    EvalEpisode ep;
    episode_run(ag, env, seed, &opt, &ep);
    CHECK_EQ_INT(rec.n, ticks);
    CHECK_MSG(ep.first_tick[0] >= 0, "no log");    /* log */
    CHECK_MSG(ep.first_tick[1] >= 0, "no planks"); /* planks: crafted in the GUI */
    CHECK_MSG(ep.first_tick[3] >= 0, "no crafting table");
    CHECK_MSG(ep.reward > 1.0, "reward %.3f", ep.reward);
    int gui_clicks = 0;
    for (int i = 0; i < rec.n; i++) {
        CHECK((rec.actions[i].keys >> KEY_COUNT) == 0);
        CHECK(rec.actions[i].mouse_dx == (float)(int)rec.actions[i].mouse_dx);
        gui_clicks += action_key_down(&rec.actions[i], KEY_INVENTORY);
    }
    CHECK(gui_clicks > 0);

    /* Replay: only the actions, in a fresh env. */
    Env *fresh = env_create(&pr, seed);
    int same = 1;
    for (int i = 0; i < rec.n; i++) {
        env_step(fresh, &rec.actions[i]);
        if (env_hash(fresh) != rec.hashes[i]) {
            CHECK_MSG(0, "replay diverged at tick %d", i);
            same = 0;
            break;
        }
    }
    CHECK(same);
    CHECK_EQ_INT(count_item(fresh, BLOCK_OAK_LOG), count_item(env, BLOCK_OAK_LOG));
    env_destroy(fresh);
    mem_free(rec.actions);
    mem_free(rec.hashes);
    agent_destroy(ag);
    env_destroy(env);
}

/* agent_act reads the env and returns an Action; it never changes the env state. */
static void test_act_never_changes_env(void) {
    WorldPreset pr;
    preset_init_default(&pr);
    const char *specs[] = {"scripted:builder", "scripted:explorer", "scripted:casual",
                           "scripted:clumsy", "random"};
    for (int k = 0; k < 5; k++) {
        Env *env = env_create(&pr, 7 + k);
        Agent *ag = agent_create(specs[k], 7 + k);
        agent_reset(ag, env, 7 + k);
        int ok = 1;
        for (int t = 0; t < 400 && ok; t++) {
            uint64_t before = env_hash(env);
            Player p0 = *env_player(env);
            Action a;
            AgentInfo info;
            agent_act(ag, env, NULL, 0, 0, &a, &info);
            ok = before == env_hash(env) && memcmp(&p0, env_player(env), sizeof p0) == 0;
            CHECK(info.goal[0] != '\0');
            env_step(env, &a);
        }
        CHECK_MSG(ok, "%s changed the env inside act", specs[k]);
        agent_destroy(ag);
        env_destroy(env);
    }
}

/* Builder with planks in the hotbar builds walls and a roof around itself on a flat world. */
static void test_builder_shelter(void) {
    WorldPreset pr;
    CHECK(preset_load_string("{\"generator\": \"flat\", \"mobs\": false, \"inventory\": "
                             "[{\"item\": \"oak_planks\", \"count\": 64}, "
                             "{\"item\": \"wooden_pickaxe\", \"count\": 1}]}",
                             "test", &pr) == STATUS_OK);
    Env *env = env_create(&pr, 3);
    Agent *ag = agent_create("scripted:builder", 3);
    EpisodeOptions opt = {1500, NULL, NULL};
    EvalEpisode ep;
    episode_run(ag, env, 3, &opt, &ep);
    int used = 64 - count_item(env, BLOCK_OAK_PLANKS);
    CHECK_MSG(used >= 12, "builder placed %d planks", used);
    agent_destroy(ag);
    env_destroy(env);
    preset_deinit(&pr);
}

/* A zombie next to the player: the speedrunner turns and hits it until it dies. */
static void test_fights_zombie(void) {
    WorldPreset pr;
    CHECK(preset_load_string("{\"generator\": \"flat\", \"mobs\": false, \"time_of_day\": 18000, "
                             "\"fixed_time\": true, \"inventory\": [{\"item\": \"stone_sword\", "
                             "\"count\": 1, \"slot\": 4}]}",
                             "test", &pr) == STATUS_OK);
    Env *env = env_create(&pr, 5);
    Agent *ag = agent_create("scripted:speedrunner", 5);
    agent_reset(ag, env, 5);
    const Player *p = env_player(env);
    CHECK(env_mob_spawn(env, MOB_ZOMBIE, p->x + 3.0, p->y, p->z + 1.0) >= 0);
    int zombies = 1, hits = 0;
    for (int t = 0; t < 600 && zombies; t++) {
        Action a;
        agent_act(ag, env, NULL, 0, 0, &a, NULL);
        hits += action_key_down(&a, KEY_ATTACK);
        env_step(env, &a);
        zombies = 0;
        for (int i = 0; i < env_mob_count(env); i++)
            zombies += env_mob_get(env, i)->type == MOB_ZOMBIE;
    }
    CHECK_MSG(zombies == 0, "zombie still alive after %d attack ticks", hits);
    CHECK(hits > 0);
    agent_destroy(ag);
    env_destroy(env);
    preset_deinit(&pr);
}

/* Hungry with food only in the main inventory: the player moves it to the hotbar through the
 * inventory screen and eats it. */
static void test_eats_when_hungry(void) {
    WorldPreset pr;
    CHECK(preset_load_string("{\"generator\": \"flat\", \"mobs\": false, \"inventory\": ["
                             "{\"item\": \"dirt\", \"count\": 1, \"slot\": 0}, "
                             "{\"item\": \"cooked_beef\", \"count\": 3, \"slot\": 20}]}",
                             "test", &pr) == STATUS_OK);
    Env *env = env_create(&pr, 6);
    env_player_mut(env)->food = 8;
    Agent *ag = agent_create("scripted:speedrunner", 6);
    agent_reset(ag, env, 6);
    int ate = 0;
    for (int t = 0; t < 600 && !ate; t++) {
        Action a;
        agent_act(ag, env, NULL, 0, 0, &a, NULL);
        StepResult r = env_step(env, &a);
        for (int i = 0; i < r.n_events; i++) ate |= r.events[i].type == ENV_EVENT_ATE;
    }
    CHECK(ate);
    CHECK(env_player(env)->food > 8);
    CHECK(inventory_count(&env_player(env)->inventory, ITEM_COOKED_BEEF) == 2);
    agent_destroy(ag);
    env_destroy(env);
    preset_deinit(&pr);
}

static Agent *scripted_factory(void *ctx, uint64_t seed) {
    (void)ctx;
    return agent_create("scripted", seed);
}

/* At the bottom of a 3-deep shaft with obsidian walls (too slow to dig by hand), the explorer
 * gets out by pillar-jumping on the dirt it carries. */
static void test_pillars_out_of_a_shaft(void) {
    WorldPreset pr;
    CHECK(preset_load_string("{\"generator\": \"flat\", \"mobs\": false, \"inventory\": "
                             "[{\"item\": \"dirt\", \"count\": 16, \"slot\": 0}]}",
                             "test", &pr) == STATUS_OK);
    Env *env = env_create(&pr, 9);
    Player *p = env_player_mut(env);
    World *w = env_world_mut(env);
    int px = (int)floor(p->x), pz = (int)floor(p->z), top = (int)floor(p->y);
    for (int y = top - 4; y < top + 2; y++)
        for (int dx = -1; dx <= 1; dx++)
            for (int dz = -1; dz <= 1; dz++)
                world_block_set(w, px + dx, y, pz + dz,
                                (dx || dz || y == top - 4) ? BLOCK_OBSIDIAN : BLOCK_AIR);
    p->y = top - 3;
    p->vy = 0;
    Agent *ag = agent_create("scripted:explorer", 9);
    agent_reset(ag, env, 9);
    int out = 0;
    for (int t = 0; t < 800 && !out; t++) {
        Action a;
        agent_act(ag, env, NULL, 0, 0, &a, NULL);
        env_step(env, &a);
        out = env_player(env)->y >= top + 1.9;
    }
    CHECK_MSG(out, "still in the shaft at y %.2f (top %d)", env_player(env)->y, top);
    CHECK(inventory_count(&env_player(env)->inventory, BLOCK_DIRT) < 16);
    agent_destroy(ag);
    env_destroy(env);
    preset_deinit(&pr);
}

/* Evaluation results do not depend on the number of threads. */
static void test_eval_jobs_invariant(void) {
    WorldPreset pr;
    preset_init_default(&pr);
    EvalEpisode a[3], b[3];
    EvalConfig cfg = {"scripted", &pr, 20, 3, 1, 600, 0, NULL, NULL};
    CHECK(eval_run(&cfg, a) == STATUS_OK);
    cfg.jobs = 2;
    CHECK(eval_run(&cfg, b) == STATUS_OK);
    for (int i = 0; i < 3; i++) {
        CHECK(a[i].reward == b[i].reward);
        CHECK(memcmp(a[i].first_tick, b[i].first_tick, sizeof a[i].first_tick) == 0);
    }
    /* A policy plugged in through a factory (how learned policies join): same results as the
     * built-in name. */
    cfg.factory = scripted_factory;
    cfg.policy = "factory";
    CHECK(eval_run(&cfg, b) == STATUS_OK);
    for (int i = 0; i < 3; i++) CHECK(a[i].reward == b[i].reward);
    cfg.factory = NULL;
    log_set_level(LOG_LEVEL_SILENT);
    cfg.policy = "nobody";
    CHECK(eval_run(&cfg, a) == STATUS_INVALID_ARGUMENT);
    log_set_level(LOG_LEVEL_WARN);
}

static int read_options(const char *path, uint64_t *seed, uint64_t *fh, uint64_t *sh,
                        long long *frames) {
    json_t *o = NULL;
    if (jsonio_load_file(path, &o) != STATUS_OK) return 0;
    *seed = (uint64_t)json_integer_value(json_object_get(o, "seed"));
    *frames = json_integer_value(json_object_get(o, "frames"));
    *fh = strtoull(json_string_value(json_object_get(o, "frames_hash")), NULL, 16);
    *sh = strtoull(json_string_value(json_object_get(o, "final_state_hash")), NULL, 16);
    json_decref(o);
    return 1;
}

static double psnr(const uint8_t *a, const uint8_t *b, size_t n) {
    double se = 0;
    for (size_t i = 0; i < n; i++) se += (double)(a[i] - b[i]) * (a[i] - b[i]);
    if (se == 0) return 99.0;
    return 10.0 * log10(255.0 * 255.0 * n / se);
}

/* gen-data episodes (drawn through a RenderCache): the recorded actions, replayed through the
 * sim and the plain renderer, reproduce the recorded raw frames bit for bit (frames hash), the
 * final state hash, and the decoded video within codec error; `vpt replay` reports the same
 * final hash. */
static void test_gendata_replays_bit_identically(void) {
    char dir[] = "/tmp/vpt_agent_gd_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char preset_path[512];
    snprintf(preset_path, sizeof preset_path, "%s/world.json", dir);
    const char *preset_json = "{\"generator\": \"default\"}\n";
    CHECK(fs_write_atomic(preset_path, preset_json, strlen(preset_json)) == STATUS_OK);
    WorldPreset pr;
    CHECK(preset_load_file(preset_path, &pr) == STATUS_OK);
    char out[600];
    snprintf(out, sizeof out, "%s/data", dir);
    GenDataConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.out_dir = out;
    cfg.preset = &pr;
    cfg.world_name = preset_path;
    cfg.seed0 = 11;
    cfg.episodes = 2;
    cfg.episode_ticks = 120;
    cfg.personas[0] = PERSONA_SPEEDRUNNER;
    cfg.personas[1] = PERSONA_CASUAL;
    cfg.n_personas = 2;
    cfg.width = 64;
    cfg.height = 36;
    cfg.jobs = 2;
    cfg.crf = -1;
    cfg.version = "test";
    GenDataReport rep;
    CHECK(gendata_run(&cfg, &rep) == STATUS_OK);
    CHECK_EQ_INT(rep.frames, 240);
    /* the frames went through the RenderCache (the replays below render without it) */
    CHECK_MSG(rep.reused_frames > 0 && rep.traced < rep.pixels,
              "%lld frames reused rays, %lld of %lld pixels traced", (long long)rep.reused_frames,
              (long long)rep.traced, (long long)rep.pixels);
    char mpath[700];
    snprintf(mpath, sizeof mpath, "%s/manifest.jsonl", out);
    CHECK(fs_exists(mpath));

    Renderer *r = render_create(NULL);
    for (int e = 0; e < 2; e++) {
        uint64_t seed = cfg.seed0 + (uint64_t)e;
        PersonaId p = gendata_persona_for_seed(seed, cfg.personas, cfg.n_personas);
        char name[128], jl[800], op[800], mp4[800];
        gendata_episode_name(seed, p, name, sizeof name);
        snprintf(jl, sizeof jl, "%s/%s.jsonl", out, name);
        snprintf(op, sizeof op, "%s/%s-options.json", out, name);
        snprintf(mp4, sizeof mp4, "%s/%s.mp4", out, name);
        uint64_t oseed = 0, fh_rec = 0, sh_rec = 0;
        long long frames = 0;
        CHECK(read_options(op, &oseed, &fh_rec, &sh_rec, &frames));
        CHECK_EQ_INT(oseed, seed);
        CHECK_EQ_INT(frames, 120);
        /* Replay the jsonl through a fresh env and the renderer. */
        Env *env = env_create(&pr, seed);
        VideoActionLog *log = NULL;
        CHECK(video_actionlog_open(&log, jl) == STATUS_OK);
        VideoDecoderOptions dopt;
        memset(&dopt, 0, sizeof dopt);
        VideoDecoder *dec = NULL;
        CHECK(video_decoder_open(&dec, mp4, &dopt) == STATUS_OK);
        uint8_t rgb[64 * 36 * 3], vid[64 * 36 * 3];
        uint64_t fh = 0xcbf29ce484222325ull;
        double worst = 99.0;
        int n = 0, got = 1;
        while (log && got) {
            VideoActionFrame f;
            CHECK(video_actionlog_next(log, &f, &got) == STATUS_OK);
            if (!got) break;
            render_frame(r, env, rgb, 64, 36);
            fh = gendata_frame_hash(fh, rgb, sizeof rgb);
            int vgot = 0;
            if (dec && video_decoder_next(dec, vid, &vgot) == STATUS_OK && vgot) {
                double q = psnr(rgb, vid, sizeof rgb);
                if (q < worst) worst = q;
            } else {
                CHECK_MSG(0, "video has fewer frames than the log (%d)", n);
            }
            env_step(env, &f.action);
            n++;
        }
        CHECK_EQ_INT(n, 120);
        CHECK_MSG(fh == fh_rec, "frames differ on replay: %016" PRIx64 " vs %016" PRIx64, fh,
                  fh_rec);
        CHECK(env_hash(env) == sh_rec);
        CHECK_MSG(worst > 22.0, "decoded video PSNR %.1f dB", worst);
        video_decoder_destroy(dec);
        video_actionlog_close(log);
        env_destroy(env);

        /* The project's replay command agrees. */
        char cmd[3000], line[512] = {0};
        snprintf(cmd, sizeof cmd, "%s/vpt replay --world %s --seed %" PRIu64 " --actions %s",
                 VPT_BINARY_DIR, preset_path, seed, jl);
        FILE *pp = popen(cmd, "r");
        CHECK(pp != NULL);
        if (pp) {
            if (!fgets(line, sizeof line, pp)) line[0] = '\0';
            CHECK_EQ_INT(pclose(pp), 0);
        }
        char want[64];
        snprintf(want, sizeof want, "\"hash\": \"%016" PRIx64 "\"", sh_rec);
        CHECK_MSG(strstr(line, want) != NULL, "vpt replay said %s, options say %s", line, want);
    }
    render_destroy(r);

    /* --no-actions: video and options in DIR, actions only under ground_truth/, manifest of
     * the unlabeled corpus without any jsonl. */
    char out2[600];
    snprintf(out2, sizeof out2, "%s/web", dir);
    cfg.out_dir = out2;
    cfg.no_actions = 1;
    cfg.episodes = 1;
    cfg.episode_ticks = 20;
    CHECK(gendata_run(&cfg, &rep) == STATUS_OK);
    {
        PersonaId p = gendata_persona_for_seed(cfg.seed0, cfg.personas, cfg.n_personas);
        char name[128], path[900];
        gendata_episode_name(cfg.seed0, p, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s.jsonl", out2, name);
        CHECK(!fs_exists(path));
        snprintf(path, sizeof path, "%s/ground_truth/%s.jsonl", out2, name);
        CHECK(fs_exists(path));
        snprintf(path, sizeof path, "%s/%s.mp4", out2, name);
        CHECK(fs_exists(path));
        snprintf(path, sizeof path, "%s/manifest.jsonl", out2);
        char *text = NULL;
        size_t len = 0;
        CHECK(fs_read_file(path, &text, &len) == STATUS_OK);
        if (text) {
            CHECK(strstr(text, "\"provenance\":\"web\"") != NULL);
            CHECK(strstr(text, ".jsonl") == NULL);
            mem_free(text);
        }
    }
    preset_deinit(&pr);
    char rm[700];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    CHECK(system(rm) == 0);
}

static int run_vpt(const char *args) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s/vpt %s >/dev/null 2>&1", VPT_BINARY_DIR, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Bad flags: a clear usage error (exit 2), nothing written. */
static void test_cli_bad_input(void) {
    CHECK_EQ_INT(run_vpt("eval --policy alien --seeds 0:1 --ticks 10"), 2);
    CHECK_EQ_INT(run_vpt("eval --policy scripted:pro --seeds 0:1 --ticks 10"), 2);
    CHECK_EQ_INT(run_vpt("eval --seeds 5:1"), 2);
    CHECK_EQ_INT(run_vpt("eval --episodes 5 --seeds 0:1"), 2);
    CHECK_EQ_INT(run_vpt("eval --world /nonexistent.json --seeds 0:0 --ticks 10"), 1);
    CHECK_EQ_INT(run_vpt("gen-data --out /tmp/vpt_gd_bad --hours 0.001 --size 63x36"), 2);
    CHECK_EQ_INT(run_vpt("gen-data --out /tmp/vpt_gd_bad --hours 0.001 --personas nobody"), 2);
    CHECK_EQ_INT(run_vpt("gen-data --hours 0.001"), 2);
    CHECK_EQ_INT(run_vpt("gen-data --out /tmp/vpt_gd_bad --hours 1 --seeds 0:1"), 2);
    CHECK(!fs_exists("/tmp/vpt_gd_bad"));
    CHECK_EQ_INT(run_vpt("eval --policy random --seeds 0:1 --ticks 50 --quiet"), 0);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    TEST_RUN(test_speedrunner_progress_and_replay);
    TEST_RUN(test_act_never_changes_env);
    TEST_RUN(test_builder_shelter);
    TEST_RUN(test_pillars_out_of_a_shaft);
    TEST_RUN(test_fights_zombie);
    TEST_RUN(test_eats_when_hungry);
    TEST_RUN(test_eval_jobs_invariant);
    TEST_RUN(test_gendata_replays_bit_identically);
    TEST_RUN(test_cli_bad_input);
    return check_finish();
}
