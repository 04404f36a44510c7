/* test_mob_presets.c: the presets' mob switches. `mobs` turns every mob off; `hostile_mobs`
 * (default true) turns only the zombies off, so worlds/peaceful.json has animals but never a
 * zombie, even at night, while the default world gets zombies at night. Also the field's
 * validation (a bad type is refused naming the field). */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "sim/env.h"
#include "sim/mob.h"
#include "sim/preset.h"
#include "tests/check.h"

static char g_log[2048];
static void capture(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)user;
    (void)level;
    snprintf(g_log, sizeof g_log, "%s: %s", tag, msg);
}

static void load_world(const char *name, WorldPreset *p) {
    char path[1024];
    snprintf(path, sizeof path, "%s/worlds/%s.json", VPT_SOURCE_DIR, name);
    CHECK_MSG(preset_load_file(path, p) == STATUS_OK, "%s", path);
}

static void test_hostile_mobs_field(void) {
    WorldPreset p;
    /* default: on; an explicit false arrives */
    CHECK(preset_load_string("{\"generator\": \"flat\", \"mobs\": true}", "a.json", &p) ==
          STATUS_OK);
    CHECK(p.mobs == 1 && p.hostile_mobs == 1);
    preset_deinit(&p);
    CHECK(preset_load_string("{\"generator\": \"flat\", \"mobs\": true, \"hostile_mobs\": false}",
                             "b.json", &p) == STATUS_OK);
    CHECK(p.mobs == 1 && p.hostile_mobs == 0);
    preset_deinit(&p);
    /* the shipped peaceful world keeps the animals */
    load_world("peaceful", &p);
    CHECK(p.mobs == 1 && p.hostile_mobs == 0);
    preset_deinit(&p);
    load_world("default", &p);
    CHECK(p.mobs == 1 && p.hostile_mobs == 1);
    preset_deinit(&p);
    /* a bad type is refused, naming the file and the field */
    log_set_sink(capture, NULL);
    g_log[0] = 0;
    CHECK(preset_load_string("{\"generator\": \"flat\", \"hostile_mobs\": 0}", "bad.json", &p) !=
          STATUS_OK);
    CHECK_MSG(strstr(g_log, "hostile_mobs") && strstr(g_log, "bad.json"), "log: %s", g_log);
    g_log[0] = 0;
    CHECK(preset_load_string("{\"generator\": \"flat\", \"hostile_mobs\": \"no\"}", "bad2.json",
                             &p) != STATUS_OK);
    CHECK_MSG(strstr(g_log, "hostile_mobs") != NULL, "log: %s", g_log);
    log_set_sink(NULL, NULL);
}

typedef struct Census {
    int animals, zombies; /* most seen at once */
} Census;

/* Runs a shipped world at a fixed midnight with the player idle; counts mobs every tick. Stops
 * early once a zombie was seen when `until_zombie`. */
static Census night_census(const char *name, int ticks, int until_zombie) {
    WorldPreset p;
    load_world(name, &p);
    p.time_of_day = 18000;
    p.fixed_time = 1;
    p.view_radius = 2; /* small and quick, still room for spawns 24+ blocks away */
    p.episode_length = 0;
    Env *e = env_create(&p, 3);
    preset_deinit(&p);
    Census c = {0, 0};
    Action idle;
    memset(&idle, 0, sizeof idle);
    for (int t = 0; t < ticks && !(until_zombie && c.zombies); t++) {
        env_step(e, &idle);
        int a = 0, z = 0;
        for (int i = 0; i < env_mob_count(e); i++) {
            if (env_mob_get(e, i)->type == MOB_ZOMBIE)
                z++;
            else
                a++;
        }
        if (a > c.animals) c.animals = a;
        if (z > c.zombies) c.zombies = z;
    }
    env_destroy(e);
    return c;
}

static void test_peaceful_night_has_animals_no_zombies(void) {
    Census c = night_census("peaceful", 6000, 0);
    CHECK_MSG(c.animals > 0, "animals %d", c.animals);
    CHECK_EQ_INT(c.zombies, 0);
}

static void test_default_night_has_zombies(void) {
    Census c = night_census("default", 6000, 1);
    CHECK_MSG(c.zombies > 0, "zombies %d (animals %d)", c.zombies, c.animals);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    TEST_RUN(test_hostile_mobs_field);
    TEST_RUN(test_peaceful_night_has_animals_no_zombies);
    TEST_RUN(test_default_night_has_zombies);
    return check_finish();
}
