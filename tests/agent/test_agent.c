/* test_agent.c: agent/ behaviour that needs no world: camera motion, personas, the Agent
 * factory and the random player, evaluation statistics and their JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/camera.h"
#include "agent/evalstats.h"
#include "agent/persona.h"
#include "core/log.h"
#include "tests/check.h"

/* A camera that applies mouse counts the way the sim does (0.15 deg per count). */
typedef struct FakeCam {
    float yaw, pitch;
} FakeCam;

static void fake_apply(FakeCam *c, float dx, float dy) {
    c->yaw += dx * ACTION_DEGREES_PER_COUNT;
    c->pitch += dy * ACTION_DEGREES_PER_COUNT;
    if (c->pitch > 90) c->pitch = 90;
    if (c->pitch < -90) c->pitch = -90;
}

/* Runs a flick to (yaw, pitch); returns the tick it settled within 0.5 deg (or -1) and
 * reports the first moving tick and the largest excursion past the target along yaw. */
static int run_flick(const SkillLevel *s, uint64_t seed, float yaw, float pitch, int *first_move,
                     float *overshoot, int *all_integer) {
    CameraCtl c;
    camera_init(&c, s);
    Rng rng;
    rng_seed(&rng, seed);
    FakeCam cam = {0, 0};
    camera_set_target(&c, cam.yaw, cam.pitch, yaw, pitch, &rng);
    *first_move = -1;
    *overshoot = 0;
    *all_integer = 1;
    int settled = -1;
    for (int t = 0; t < 200; t++) {
        float dx, dy;
        camera_step(&c, cam.yaw, cam.pitch, &rng, &dx, &dy);
        if (dx != floorf(dx) || dy != floorf(dy)) *all_integer = 0;
        if ((dx != 0 || dy != 0) && *first_move < 0) *first_move = t;
        fake_apply(&cam, dx, dy);
        float past = (cam.yaw - yaw) * (yaw > 0 ? 1.0f : -1.0f);
        if (past > *overshoot) *overshoot = past;
        if (settled < 0 && camera_on_target(&c, cam.yaw, cam.pitch, 0.5f) && !c.overshooting &&
            c.delay == 0)
            settled = t;
        if (settled >= 0 && t > settled + 10) break;
    }
    return settled;
}

static void test_camera_reaches_target_humanlike(void) {
    SkillLevel expert = skill_from_level(1.0f), novice = skill_from_level(0.0f);
    int fm, integer, n_overshoot = 0;
    float os;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        int t = run_flick(&expert, seed, 90.0f, 20.0f, &fm, &os, &integer);
        CHECK_MSG(t > 0 && t < 60, "seed %llu settled at %d", (unsigned long long)seed, t);
        CHECK(integer);
        /* Reaction delay: nothing moves on the first tick; no instant snap either. */
        CHECK(fm >= expert.reaction_ticks / 2);
        if (os > 0.5f) n_overshoot++;
        int tn = run_flick(&novice, seed, -120.0f, -30.0f, &fm, &os, &integer);
        CHECK_MSG(tn > 0 && tn < 200, "novice seed %llu settled at %d", (unsigned long long)seed,
                  tn);
        CHECK(fm >= novice.reaction_ticks / 2);
    }
    /* Overshoot and correction happen on most flicks. */
    CHECK_MSG(n_overshoot >= 10, "%d of 20 flicks overshot", n_overshoot);
}

static void test_camera_speed_profile_smooth(void) {
    SkillLevel s = skill_from_level(0.8f);
    s.aim_noise_deg = 0.0f;
    s.overshoot = 0.0f;
    CameraCtl c;
    camera_init(&c, &s);
    Rng rng;
    rng_seed(&rng, 3);
    FakeCam cam = {10, 0};
    camera_set_target(&c, cam.yaw, cam.pitch, 10 + 150.0f, 0, &rng);
    float prev = 0, max_speed = 0;
    int max_jump_ok = 1;
    for (int t = 0; t < 120; t++) {
        float dx, dy;
        camera_step(&c, cam.yaw, cam.pitch, &rng, &dx, &dy);
        float v = fabsf(dx) * ACTION_DEGREES_PER_COUNT;
        /* Acceleration bounded: speed never jumps by more than 2 * accel (+ a count). */
        if (fabsf(v - prev) > 2 * s.accel_deg + 0.16f) max_jump_ok = 0;
        if (v > max_speed) max_speed = v;
        prev = v;
        fake_apply(&cam, dx, dy);
    }
    CHECK(max_jump_ok);
    CHECK(max_speed <= s.max_turn_deg + 0.16f);
    CHECK(max_speed > 0.5f * s.max_turn_deg);
    CHECK_NEAR(camera_angle_diff(cam.yaw, 160.0f), 0.0, 0.5);
}

static void test_camera_wraps_and_looks(void) {
    CHECK_NEAR(camera_angle_diff(170, -170), -20, 1e-4);
    CHECK_NEAR(camera_angle_diff(-170, 170), 20, 1e-4);
    float yaw, pitch;
    camera_look_angles(0, 0, 0, 0, 0, 5, &yaw, &pitch); /* +z: yaw 0 */
    CHECK_NEAR(yaw, 0, 1e-4);
    CHECK_NEAR(pitch, 0, 1e-4);
    camera_look_angles(0, 0, 0, -5, 0, 0, &yaw, &pitch); /* -x: yaw 90 */
    CHECK_NEAR(yaw, 90, 1e-4);
    camera_look_angles(0, 0, 0, 0, -5, 0.0001, &yaw, &pitch); /* down: pitch +90 */
    CHECK_NEAR(pitch, 90, 0.01);
    /* Shortest way round: from 170 to -170 turns right by 20 degrees (positive dx). */
    SkillLevel s = skill_from_level(1.0f);
    CameraCtl c;
    camera_init(&c, &s);
    Rng rng;
    rng_seed(&rng, 9);
    FakeCam cam = {170, 0};
    camera_set_target(&c, cam.yaw, cam.pitch, -170, 0, &rng);
    for (int t = 0; t < 80; t++) {
        float dx, dy;
        camera_step(&c, cam.yaw, cam.pitch, &rng, &dx, &dy);
        fake_apply(&cam, dx, dy);
    }
    CHECK_NEAR(camera_angle_diff(cam.yaw, -170), 0, 0.5);
    CHECK(cam.yaw > 170 && cam.yaw < 200);
}

static void test_camera_deterministic(void) {
    SkillLevel s = skill_from_level(0.5f);
    int fm1, fm2, i1, i2;
    float o1, o2;
    int t1 = run_flick(&s, 77, 45, 10, &fm1, &o1, &i1);
    int t2 = run_flick(&s, 77, 45, 10, &fm2, &o2, &i2);
    CHECK_EQ_INT(t1, t2);
    CHECK_EQ_INT(fm1, fm2);
    CHECK(o1 == o2);
}

static void test_personas(void) {
    int n;
    const char *const *names = agent_list_personas(&n);
    CHECK_EQ_INT(n, PERSONA_COUNT);
    for (int i = 0; i < n; i++) {
        PersonaId id;
        CHECK(persona_from_name(names[i], &id) == STATUS_OK);
        CHECK_EQ_INT(id, i);
        CHECK_STR_EQ(persona_name(id), names[i]);
    }
    PersonaId id;
    log_set_level(LOG_LEVEL_SILENT);
    CHECK(persona_from_name("pro", &id) == STATUS_INVALID_ARGUMENT);
    PersonaId ids[PERSONA_COUNT];
    CHECK(persona_parse_list("casual,casual", ids, &n) == STATUS_INVALID_ARGUMENT);
    CHECK(persona_parse_list("casual,nobody", ids, &n) == STATUS_INVALID_ARGUMENT);
    CHECK(persona_parse_list("", ids, &n) == STATUS_INVALID_ARGUMENT);
    log_set_level(LOG_LEVEL_WARN);
    CHECK(persona_parse_list("speedrunner,clumsy", ids, &n) == STATUS_OK);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(ids[1], PERSONA_CLUMSY);

    /* Same seed, same player; draws stay in range; clumsy is worse than a speedrunner. */
    double mist_fast = 0, mist_clumsy = 0;
    for (uint64_t seed = 0; seed < 50; seed++) {
        for (int p = 0; p < PERSONA_COUNT; p++) {
            Rng a, b;
            rng_seed(&a, seed);
            rng_seed(&b, seed);
            Persona pa, pb;
            persona_draw((PersonaId)p, &a, &pa);
            persona_draw((PersonaId)p, &b, &pb);
            CHECK(memcmp(&pa, &pb, sizeof pa) == 0);
            const SkillLevel *s = &pa.skill;
            CHECK(s->level >= 0 && s->level <= 1);
            CHECK(s->reaction_ticks >= 1 && s->reaction_ticks <= 12);
            CHECK(s->aim_noise_deg >= 0.02f && s->aim_noise_deg <= 1.5f);
            CHECK(s->mistake_rate >= 0 && s->mistake_rate <= 0.1f);
            CHECK(s->max_turn_deg >= 4 && s->max_turn_deg <= 30);
            if (p == PERSONA_SPEEDRUNNER) mist_fast += s->mistake_rate;
            if (p == PERSONA_CLUMSY) mist_clumsy += s->mistake_rate;
        }
    }
    CHECK(mist_clumsy > 3 * mist_fast);
}

static void test_factory_and_random(void) {
    log_set_level(LOG_LEVEL_SILENT);
    CHECK(agent_create("alien", 1) == NULL);
    CHECK(agent_create("scripted:pro", 1) == NULL);
    log_set_level(LOG_LEVEL_WARN);
    Agent *a = agent_create("random", 5), *b = agent_create("random", 5);
    CHECK(a && b);
    if (!a || !b) return;
    CHECK_STR_EQ(agent_kind(a), "random");
    agent_reset(a, NULL, 11);
    agent_reset(b, NULL, 11);
    int same = 1, moved = 0, keys = 0;
    for (int t = 0; t < 500; t++) {
        Action x, y;
        AgentInfo info;
        agent_act(a, NULL, NULL, 0, 0, &x, &info);
        agent_act(b, NULL, NULL, 0, 0, &y, NULL);
        if (memcmp(&x, &y, sizeof x) != 0) same = 0;
        if (x.mouse_dx != 0) moved++;
        if (x.keys) keys++;
        CHECK(x.mouse_dx == floorf(x.mouse_dx));
        CHECK((x.keys >> KEY_COUNT) == 0);
        if (t == 0) CHECK_STR_EQ(info.goal, "random");
    }
    CHECK(same);
    CHECK(moved > 50 && keys > 100);
    agent_destroy(a);
    agent_destroy(b);
    agent_destroy(NULL);
}

static void test_eval_stats(void) {
    EvalEpisode eps[5];
    for (int e = 0; e < 5; e++) {
        eval_episode_init(&eps[e]);
        eps[e].reward = e + 1;                             /* 1..5 */
        eps[e].first_tick[0] = 100 * (e + 1);              /* log: every episode */
        if (e < 2) eps[e].first_tick[14] = 11000 + e * 10; /* diamond pickaxe: 2 of 5 */
    }
    EvalSummary s;
    eval_summarize(eps, 5, &s);
    CHECK_EQ_INT(s.episodes, 5);
    CHECK_NEAR(s.mean_reward, 3.0, 1e-12);
    double half = 2.776 * sqrt(2.5) / sqrt(5.0);
    CHECK_NEAR(s.ci_lo, 3.0 - half, 1e-9);
    CHECK_NEAR(s.ci_hi, 3.0 + half, 1e-9);
    CHECK_NEAR(s.items[0].rate, 1.0, 1e-12);
    CHECK_EQ_INT(s.items[0].median_tick, 300);
    CHECK_NEAR(s.items[14].rate, 0.4, 1e-12);
    CHECK_EQ_INT(s.items[14].median_tick, 11005);
    CHECK_EQ_INT(s.items[5].median_tick, -1);
    CHECK_NEAR(eval_t95(1000), 1.962, 0.002);
    CHECK_NEAR(eval_t95(40), 2.021, 0.002);

    json_t *j = eval_summary_to_json(&s);
    char *text = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(10));
    CHECK(strncmp(text, "{\"episodes\":5,\"mean_reward\":3.0,\"reward_ci95\":[", 46) == 0);
    CHECK(strstr(text, "\"items\":{\"log\":{\"rate\":1.0,\"median_tick\":300},\"planks\":") !=
          NULL);
    CHECK(strstr(text, "\"cobblestone\":{\"rate\":0.0,\"median_tick\":null}") != NULL);
    CHECK(strstr(text, "\"diamond_pickaxe\":{\"rate\":0.4,\"median_tick\":11005}}}") != NULL);
    free(text);
    CHECK_EQ_INT(json_object_size(json_object_get(j, "items")), EVAL_N_ITEMS);
    json_decref(j);

    /* One episode: the interval collapses to the mean. */
    eval_summarize(eps, 1, &s);
    CHECK(s.ci_lo == s.mean_reward && s.ci_hi == s.mean_reward);
}

int main(void) {
    TEST_RUN(test_camera_reaches_target_humanlike);
    TEST_RUN(test_camera_speed_profile_smooth);
    TEST_RUN(test_camera_wraps_and_looks);
    TEST_RUN(test_camera_deterministic);
    TEST_RUN(test_personas);
    TEST_RUN(test_factory_and_random);
    TEST_RUN(test_eval_stats);
    return check_finish();
}
