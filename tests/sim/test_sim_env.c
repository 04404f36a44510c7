/* test_sim_env.c: determinism of the env API: same preset + seed + actions gives the same
 * state hash across runs, resets and thread counts; snapshot/restore steps bit-identically;
 * a different seed or action changes the hash; the trace line and VPT action parsing. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonio.h"
#include "core/pool.h"
#include "core/rng.h"
#include "sim/trace.h"
#include "tests/sim/sim_test_util.h"

#define N_TICKS 600

/* Random but agent-like actions: held keys change every few ticks. */
static void random_actions(Action *acts, int n, uint64_t seed) {
    Rng r = rng_stream(seed, 3);
    Action cur = {0};
    for (int i = 0; i < n; i++) {
        cur.mouse_dx = cur.mouse_dy = 0;
        if (rng_below(&r, 30) == 0) {
            cur.keys = rng_u32(&r) & (K(FORWARD) | K(LEFT) | K(JUMP) | K(ATTACK) | K(USE) |
                                      K(SPRINT) | K(SNEAK) | K(DROP) | K(HOTBAR_2) | K(HOTBAR_1));
            cur.mouse_dx = (float)rng_range(&r, -100, 100);
            cur.mouse_dy = (float)rng_range(&r, -40, 60);
        }
        acts[i] = cur;
    }
}

static WorldPreset test_preset(void) {
    WorldPreset p;
    preset_init_default(&p);
    p.view_radius = 2;
    p.inventory[p.n_inventory++] = (PresetItem){ITEM_STONE_PICKAXE, 1, 0};
    p.inventory[p.n_inventory++] = (PresetItem){BLOCK_DIRT, 32, 1};
    return p;
}

/* Steps n actions, recording the hash every 100 ticks; returns the number of blocks mined
 * or placed. */
static int run(Env *e, const Action *acts, int n, uint64_t *hashes) {
    int changes = 0;
    for (int i = 0; i < n; i++) {
        StepResult r = env_step(e, &acts[i]);
        for (int k = 0; k < r.n_events; k++)
            changes += r.events[k].type == ENV_EVENT_MINED || r.events[k].type == ENV_EVENT_PLACED;
        if (hashes && i % 100 == 99) hashes[i / 100] = env_hash(e);
    }
    return changes;
}

static void test_same_seed_same_hash(void) {
    WorldPreset p = test_preset();
    Action *acts = MEM_NEW_ARRAY(Action, N_TICKS);
    random_actions(acts, N_TICKS, 1);
    uint64_t h1[N_TICKS / 100], h2[N_TICKS / 100];
    Env *a = env_create(&p, 42), *b = env_create(&p, 42);
    CHECK(env_hash(a) == env_hash(b));
    uint64_t h0 = env_hash(a);
    int changes = run(a, acts, N_TICKS, h1);
    run(b, acts, N_TICKS, h2);
    CHECK(memcmp(h1, h2, sizeof h1) == 0);
    /* something happened: the world changed under the actions */
    CHECK_MSG(changes > 0, "no block mined or placed in %d ticks", N_TICKS);
    CHECK(h1[0] != h0);
    /* reset with the same seed replays identically */
    env_reset(b, 42);
    Env *fresh = env_create(&p, 42);
    CHECK(env_hash(b) == env_hash(fresh));
    run(b, acts, N_TICKS, h2);
    CHECK(memcmp(h1, h2, sizeof h1) == 0);
    /* another seed gives another world; another action stream another state */
    Env *c = env_create(&p, 43);
    CHECK(env_hash(c) != env_hash(fresh));
    Action *acts2 = MEM_NEW_ARRAY(Action, N_TICKS);
    random_actions(acts2, N_TICKS, 2);
    run(fresh, acts2, N_TICKS, NULL);
    CHECK(env_hash(fresh) != env_hash(a));
    env_destroy(a);
    env_destroy(b);
    env_destroy(c);
    env_destroy(fresh);
    mem_free(acts);
    mem_free(acts2);
}

#define N_ENVS 6

static void test_threads(void) {
    WorldPreset p = test_preset();
    Action *acts = MEM_NEW_ARRAY(Action, N_TICKS * N_ENVS);
    for (int i = 0; i < N_ENVS; i++) random_actions(acts + i * N_TICKS, N_TICKS, 10 + i);
    uint64_t hashes[3][N_ENVS];
    int threads[3] = {0, 1, 2}; /* 0: no pool */
    for (int t = 0; t < 3; t++) {
        Env *envs[N_ENVS];
        for (int i = 0; i < N_ENVS; i++) envs[i] = env_create(&p, 100 + (uint64_t)i);
        ThreadPool *pool = threads[t] ? pool_create(threads[t]) : NULL;
        Action batch[N_ENVS];
        StepResult res[N_ENVS];
        for (int s = 0; s < N_TICKS / 3; s++) {
            for (int i = 0; i < N_ENVS; i++) batch[i] = acts[i * N_TICKS + s];
            env_step_batch(envs, N_ENVS, batch, res, pool);
        }
        for (int i = 0; i < N_ENVS; i++) {
            hashes[t][i] = env_hash(envs[i]);
            env_destroy(envs[i]);
        }
        pool_destroy(pool);
    }
    for (int i = 0; i < N_ENVS; i++) {
        CHECK(hashes[0][i] == hashes[1][i]);
        CHECK(hashes[0][i] == hashes[2][i]);
        if (i) CHECK(hashes[0][i] != hashes[0][i - 1]);
    }
    mem_free(acts);
}

static void test_snapshot_restore(void) {
    WorldPreset p = test_preset();
    Action *acts = MEM_NEW_ARRAY(Action, N_TICKS);
    random_actions(acts, N_TICKS, 5);
    Env *e = env_create(&p, 7);
    run(e, acts, N_TICKS / 2, NULL);
    EnvSnapshot *s = env_snapshot(e);
    uint64_t at_snap = env_hash(e);
    uint64_t h1[N_TICKS / 200 + 1] = {0}, h2[N_TICKS / 200 + 1] = {0};
    for (int i = N_TICKS / 2; i < N_TICKS; i++) {
        env_step(e, &acts[i]);
        if (i % 100 == 99) h1[(i - N_TICKS / 2) / 100] = env_hash(e);
    }
    CHECK(env_hash(e) != at_snap);
    env_restore(e, s);
    CHECK(env_hash(e) == at_snap);
    for (int i = N_TICKS / 2; i < N_TICKS; i++) {
        env_step(e, &acts[i]);
        if (i % 100 == 99) h2[(i - N_TICKS / 2) / 100] = env_hash(e);
    }
    CHECK(memcmp(h1, h2, sizeof h1) == 0);
    /* restore into another env made from the same preset */
    Env *other = env_create(&p, 1234);
    env_restore(other, s);
    CHECK(env_hash(other) == at_snap);
    for (int i = N_TICKS / 2; i < N_TICKS; i++) env_step(other, &acts[i]);
    CHECK(env_hash(other) == env_hash(e));
    env_snapshot_destroy(s);
    env_destroy(e);
    env_destroy(other);
    mem_free(acts);
}

/* The default generator's spawn stands on solid ground, in the open, out of water. */
static void test_spawn_on_land(void) {
    WorldPreset p = test_preset();
    Env *e = env_create(&p, 0);
    Action none = act_keys(0);
    for (uint64_t seed = 0; seed < 25; seed++) {
        env_reset(e, seed);
        const Player *pl = env_player(e);
        int x = (int)floor(pl->x), y = (int)floor(pl->y), z = (int)floor(pl->z);
        const World *w = env_world(e);
        CHECK_MSG(block_is_solid(world_block_get(w, x, y - 1, z)), "seed %llu: nothing under",
                  (unsigned long long)seed);
        CHECK(world_block_get(w, x, y, z) == BLOCK_AIR && world_block_get(w, x, y + 1, z) == 0);
        step_n(e, &none, 10);
        CHECK_MSG(!pl->in_water && pl->on_ground && pl->health == 20, "seed %llu",
                  (unsigned long long)seed);
    }
    env_destroy(e);
}

static void test_create_from_file(void) {
    Status st = STATUS_OK;
    Env *e = env_create_from_file(VPT_SOURCE_DIR "/worlds/void.json", 3, &st);
    CHECK(e && st == STATUS_OK);
    if (e) {
        CHECK_STR_EQ(env_preset(e)->name, "void");
        CHECK_EQ_INT(env_seed(e), 3);
        CHECK_EQ_INT(inventory_count(&env_player(e)->inventory, BLOCK_DIRT), 64);
        CHECK_NEAR(env_player(e)->y, 64, 0);
    }
    env_destroy(e);
    log_set_level(LOG_LEVEL_SILENT);
    CHECK(env_create_from_file("/nonexistent/preset.json", 3, &st) == NULL);
    CHECK(st != STATUS_OK);
    log_set_level(LOG_LEVEL_WARN);
}

static void test_episode_and_time(void) {
    Env *e = test_env("{\"generator\":\"flat\",\"episode_length\":5,\"time_of_day\":23998,"
                      "\"day_length\":24000}",
                      1);
    Action none = act_keys(0);
    StepResult r;
    for (int i = 0; i < 4; i++) {
        r = env_step(e, &none);
        CHECK(!r.done);
    }
    CHECK_EQ_INT(env_time_of_day(e), 2); /* wrapped past midnight */
    r = env_step(e, &none);
    CHECK(r.done);
    CHECK_EQ_INT(env_tick(e), 5);
    env_destroy(e);
    e = test_env("{\"generator\":\"flat\",\"time_of_day\":100,\"fixed_time\":true}", 1);
    step_n(e, &none, 50);
    CHECK_EQ_INT(env_time_of_day(e), 100);
    env_destroy(e);
}

static void test_vpt_action_and_trace(void) {
    const char *line = "{\"mouse\":{\"dx\":10,\"dy\":-4,\"buttons\":[0,1]},\"keyboard\":{\"keys\":"
                       "[\"key.keyboard.w\",\"key.keyboard.space\",\"key.keyboard.3\","
                       "\"key.keyboard.left.shift\",\"key.keyboard.f3\"]},\"hotbar\":2}";
    json_t *j = NULL;
    CHECK(jsonio_load_buffer(line, strlen(line), "t", 0, &j) == STATUS_OK);
    Action a;
    CHECK(action_from_vpt_json(j, "t:1", &a) == STATUS_OK);
    json_decref(j);
    CHECK(a.keys == (K(FORWARD) | K(JUMP) | K(HOTBAR_3) | K(SNEAK) | K(ATTACK) | K(USE)));
    CHECK(a.mouse_dx == 10 && a.mouse_dy == -4);
    log_set_level(LOG_LEVEL_SILENT);
    const char *bad = "{\"mouse\":{\"dx\":\"x\"}}";
    CHECK(jsonio_load_buffer(bad, strlen(bad), "t", 0, &j) == STATUS_OK);
    CHECK(action_from_vpt_json(j, "t:1", &a) != STATUS_OK);
    json_decref(j);
    log_set_level(LOG_LEVEL_WARN);
    /* a trace line is valid JSON with the documented fields */
    Env *e = test_env("{\"generator\":\"flat\",\"blocks\":[{\"pos\":[0,5,2],\"block\":\"dirt\"}],"
                      "\"inventory\":[{\"item\":\"stick\",\"count\":3}]}",
                      1);
    Action at = act_keys(K(ATTACK));
    StepResult r = env_step(e, &at);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    env_trace_write(e, &r, f);
    fclose(f);
    CHECK(jsonio_load_buffer(buf, len, "trace", 0, &j) == STATUS_OK);
    const char *fields[] = {"tick",      "x",      "y",      "z",      "vx",
                            "vy",        "vz",     "yaw",    "pitch",  "on_ground",
                            "in_water",  "health", "hotbar", "target", "break_progress",
                            "inventory", "events"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        CHECK_MSG(json_object_get(j, fields[i]) != NULL, "trace lacks %s", fields[i]);
    json_t *t = json_object_get(j, "target");
    CHECK(json_is_object(t) && strcmp(json_string_value(json_object_get(t, "block")), "dirt") == 0);
    CHECK(strcmp(json_string_value(json_object_get(t, "face")), "north") == 0);
    json_t *inv = json_object_get(j, "inventory");
    CHECK(json_array_size(inv) == 1);
    CHECK(strcmp(json_string_value(json_object_get(json_array_get(inv, 0), "type")), "stick") == 0);
    json_decref(j);
    free(buf);
    env_destroy(e);
}

/* Mutated VPT lines never crash the action parser or the env they drive. */
static void test_vpt_line_mutations(void) {
    const char *line =
        "{\"mouse\":{\"dx\":12.5,\"dy\":-3,\"buttons\":[0]},\"keyboard\":{\"keys\":"
        "[\"key.keyboard.w\",\"key.keyboard.space\",\"key.keyboard.2\"]},\"hotbar\":1}";
    size_t len = strlen(line);
    char buf[256];
    Rng r = rng_stream(9, 9);
    Env *e = test_env("{\"generator\":\"flat\"}", 1);
    log_set_level(LOG_LEVEL_SILENT);
    int stepped = 0;
    for (int i = 0; i < 1500; i++) {
        memcpy(buf, line, len + 1);
        size_t at = rng_below(&r, (uint32_t)len);
        buf[at] = (char)(rng_below(&r, 2) ? '0' + rng_below(&r, 10) : rng_below(&r, 128));
        if (!buf[at]) buf[at] = '9';
        json_t *j = NULL;
        if (jsonio_load_buffer(buf, strlen(buf), "m", 0, &j) != STATUS_OK) continue;
        Action a;
        if (action_from_vpt_json(j, "m:1", &a) == STATUS_OK) {
            env_step(e, &a);
            stepped++;
        }
        json_decref(j);
    }
    log_set_level(LOG_LEVEL_WARN);
    CHECK(stepped > 0);
    const Player *p = env_player(e);
    CHECK(isfinite(p->x) && isfinite(p->y) && isfinite(p->yaw) && p->pitch >= -90 &&
          p->pitch <= 90);
    env_destroy(e);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    TEST_RUN(test_same_seed_same_hash);
    TEST_RUN(test_threads);
    TEST_RUN(test_snapshot_restore);
    TEST_RUN(test_spawn_on_land);
    TEST_RUN(test_create_from_file);
    TEST_RUN(test_episode_and_time);
    TEST_RUN(test_vpt_action_and_trace);
    TEST_RUN(test_vpt_line_mutations);
    return check_finish();
}
