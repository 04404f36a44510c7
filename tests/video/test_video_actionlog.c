/* test_video_actionlog.c: the VPT jsonl action log: OpenAI's v7 schema (hand-made file in
 * tests/data/video/v7-sample.jsonl), the minimal line, the hotbar rule, null actions, errors that
 * name file/line/field, and write -> read round trips. */
#include <jansson.h>

#include "core/log.h"
#include "core/rng.h"
#include "tests/check.h"
#include "tests/video/util.h"
#include "video/actionlog.h"

static char tmp[512];

/* Captures the last error message. */
typedef struct LogCapture {
    char last[1024];
    int errors;
} LogCapture;

static void capture_sink(void *user, LogLevel level, const char *tag, const char *msg) {
    LogCapture *c = user;
    (void)tag;
    if (level >= LOG_LEVEL_ERROR) {
        snprintf(c->last, sizeof c->last, "%s", msg);
        c->errors++;
    }
}

static int has(const Action *a, ActionKey k) { return action_key_down(a, k); }

static void test_v7_file(void) {
    VideoActionLog *l = NULL;
    CHECK_EQ_INT(video_actionlog_open(&l, VPT_SOURCE_DIR "/tests/data/video/v7-sample.jsonl"),
                 STATUS_OK);
    if (!l) return;
    VideoActionFrame f;
    int got = 0;
    /* Line 1: nothing pressed: VPT's null action. */
    CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
    CHECK_EQ_INT(got, 1);
    CHECK(f.vpt_null && action_is_null(&f.action));
    CHECK_EQ_INT(f.present & VIDEO_AL_POS, VIDEO_AL_POS);
    CHECK_NEAR(f.xpos, 10.5, 1e-9);
    CHECK_NEAR(f.yaw, -90.0, 1e-9);
    /* Line 2: w + ctrl + left button, mouse motion, inventory and stats. */
    CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
    CHECK(!f.vpt_null);
    CHECK_EQ_INT(f.action.keys, ACTION_KEY_BIT(KEY_FORWARD) | ACTION_KEY_BIT(KEY_SPRINT) |
                                    ACTION_KEY_BIT(KEY_ATTACK));
    CHECK_NEAR(f.action.mouse_dx, 12.0, 0);
    CHECK_NEAR(f.action.mouse_dy, -3.0, 0);
    CHECK_EQ_INT(f.n_inventory, 1);
    if (f.n_inventory == 1) {
        CHECK_STR_EQ(f.inventory[0].type, "oak_log");
        CHECK_EQ_INT(f.inventory[0].quantity, 2);
    }
    CHECK_EQ_INT(f.n_stats, 1);
    if (f.n_stats == 1) CHECK_EQ_INT(f.stats[0].value, 4);
    CHECK_EQ_INT(f.tick, 1);
    /* Line 3: only an unmapped key (f3): null for VPT, but hotbar 0 -> 3 means hotbar.4. */
    CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
    CHECK(f.vpt_null);
    CHECK_EQ_INT(f.action.keys, ACTION_KEY_BIT(KEY_HOTBAR_4));
    CHECK_EQ_INT(f.hotbar, 3);
    /* Line 4: GUI open, many keys and buttons 1, 2; hotbar unchanged. */
    CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
    const ActionKey want[] = {KEY_INVENTORY, KEY_JUMP, KEY_SNEAK,   KEY_HOTBAR_9,
                              KEY_ESC,       KEY_DROP, KEY_LEFT,    KEY_BACK,
                              KEY_RIGHT,     KEY_USE,  KEY_PICKITEM};
    uint32_t mask = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) mask |= ACTION_KEY_BIT(want[i]);
    CHECK_EQ_INT(f.action.keys, mask);
    CHECK(!has(&f.action, KEY_HOTBAR_4) && !has(&f.action, KEY_ATTACK));
    CHECK(f.is_gui_open && f.is_gui_inventory);
    CHECK_NEAR(f.mouse_x, 250.0, 0);
    CHECK_NEAR(f.mouse_y, 150.0, 0);
    CHECK_EQ_INT(f.n_inventory, 2);
    CHECK_EQ_INT(f.n_stats, 2);
    CHECK_EQ_INT(video_actionlog_line(l), 4);
    CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
    CHECK_EQ_INT(got, 0);
    video_actionlog_close(l);
    int64_t n = 0;
    CHECK_EQ_INT(video_actionlog_count(VPT_SOURCE_DIR "/tests/data/video/v7-sample.jsonl", &n),
                 STATUS_OK);
    CHECK_EQ_INT(n, 4);
}

static void test_minimal_line(void) {
    const char *s = "{\"mouse\": {\"dx\": 3, \"dy\": -1.5, \"buttons\": [0]}, "
                    "\"keyboard\": {\"keys\": [\"key.keyboard.d\"]}}\n\n";
    VideoActionLog *l = NULL;
    CHECK_EQ_INT(video_actionlog_open_buffer(&l, s, strlen(s), "min.jsonl"), STATUS_OK);
    VideoActionFrame f;
    int got = 0;
    CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(f.present, 0);
    CHECK_EQ_INT(f.action.keys, ACTION_KEY_BIT(KEY_RIGHT) | ACTION_KEY_BIT(KEY_ATTACK));
    CHECK_NEAR(f.action.mouse_dy, -1.5, 0);
    CHECK_EQ_INT(f.hotbar, 0);
    /* Trailing blank lines are fine. */
    CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
    CHECK_EQ_INT(got, 0);
    video_actionlog_close(l);
}

/* Each bad line must fail with a message naming "bad.jsonl:2" and the field. */
static void test_errors_name_line_and_field(void) {
    static const struct {
        const char *line, *field;
    } cases[] = {
        {"{\"mouse\": {\"dy\": 0, \"buttons\": []}, \"keyboard\": {\"keys\": []}}", "mouse.dx"},
        {"{\"mouse\": {\"dx\": \"1\", \"dy\": 0, \"buttons\": []}, \"keyboard\": {\"keys\": []}}",
         "mouse.dx"},
        {"{\"mouse\": {\"dx\": 0, \"dy\": 0, \"buttons\": 0}, \"keyboard\": {\"keys\": []}}",
         "mouse.buttons"},
        {"{\"mouse\": {\"dx\": 0, \"dy\": 0, \"buttons\": []}, \"keyboard\": {\"keys\": [1]}}",
         "keyboard.keys"},
        {"{\"mouse\": {\"dx\": 0, \"dy\": 0, \"buttons\": []}}", "keyboard"},
        {"{\"mouse\": {\"dx\": 0, \"dy\": 0, \"buttons\": []}, \"keyboard\": {\"keys\": []}, "
         "\"hotbar\": 9}",
         "hotbar"},
        {"{\"mouse\": {\"dx\": 0, \"dy\": 0, \"buttons\": []}, \"keyboard\": {\"keys\": []}, "
         "\"inventory\": [{\"type\": 3}]}",
         "inventory"},
        {"{\"mouse\": {\"dx\": 0, \"dy\": 0, \"buttons\": []}, \"keyboard\": {\"keys\": []}, "
         "\"isGuiOpen\": 1}",
         "isGuiOpen"},
        {"{\"mouse\": {\"dx\": 1e400, \"dy\": 0, \"buttons\": []}, \"keyboard\": {\"keys\": []}}",
         "bad.jsonl:2"},
        {"{\"mouse\": {\"dx\": 0, \"dy\": 0, ", "invalid JSON"},
        {"[1, 2]", "JSON object"},
        {"", "empty line"},
    };
    const char *good = "{\"mouse\": {\"dx\": 0, \"dy\": 0, \"buttons\": []}, "
                       "\"keyboard\": {\"keys\": []}}\n";
    LogCapture cap = {{0}, 0};
    log_set_sink(capture_sink, &cap);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s%s\n%s", good, cases[i].line, good);
        VideoActionLog *l = NULL;
        CHECK_EQ_INT(video_actionlog_open_buffer(&l, buf, strlen(buf), "bad.jsonl"), STATUS_OK);
        VideoActionFrame f;
        int got = 0;
        CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
        cap.last[0] = 0;
        Status st = video_actionlog_next(l, &f, &got);
        CHECK_MSG(st == STATUS_PARSE, "case %zu: status %d", i, (int)st);
        CHECK_MSG(strstr(cap.last, "bad.jsonl:2") != NULL, "case %zu: '%s'", i, cap.last);
        CHECK_MSG(strstr(cap.last, cases[i].field) != NULL, "case %zu: '%s' lacks '%s'", i,
                  cap.last, cases[i].field);
        video_actionlog_close(l);
    }
    VideoActionLog *l = NULL;
    CHECK_EQ_INT(video_actionlog_open(&l, "/nonexistent/x.jsonl"), STATUS_NOT_FOUND);
    CHECK(strstr(cap.last, "/nonexistent/x.jsonl") != NULL);
    log_set_sink(NULL, NULL);
}

static void test_write_read_roundtrip(void) {
    char path[600];
    snprintf(path, sizeof path, "%s/rt.jsonl", tmp);
    VideoActionLogWriter *w = NULL;
    CHECK_EQ_INT(video_actionlog_writer_open(&w, path), STATUS_OK);
    if (!w) return;
    enum { N = 300 };
    static VideoActionFrame in[N];
    Rng rng;
    rng_seed(&rng, 42);
    int hotbar = 0;
    VideoInvItem inv[2] = {{"oak_log", 3}, {"stick", 1}};
    VideoStat stats[1] = {{"minecraft.custom:minecraft.jump", 7}};
    int n_null = 0;
    for (int i = 0; i < N; i++) {
        VideoActionFrame *f = &in[i];
        memset(f, 0, sizeof *f);
        /* About a third null actions, as in human data. */
        if (rng_below(&rng, 3) != 0) {
            f->action.keys = rng_u32(&rng) & rng_u32(&rng) & ((1u << KEY_COUNT) - 1);
            f->action.mouse_dx = (float)rng_range(&rng, -40, 40);
            f->action.mouse_dy = (float)rng_range(&rng, -40, 40) * 0.5f;
        }
        /* The sim's selected slot follows the last hotbar key pressed. */
        for (int k = KEY_HOTBAR_1; k <= KEY_HOTBAR_9; k++)
            if (action_key_down(&f->action, (ActionKey)k)) hotbar = k - KEY_HOTBAR_1;
        f->hotbar = hotbar;
        f->is_gui_open = (int)rng_below(&rng, 2);
        f->mouse_x = rng_range(&rng, 0, 640);
        f->mouse_y = rng_range(&rng, 0, 360);
        f->yaw = rng_double(&rng) * 360 - 180;
        f->pitch = rng_double(&rng) * 180 - 90;
        f->xpos = rng_double(&rng) * 100;
        f->ypos = 64.5;
        f->zpos = -rng_double(&rng) * 100;
        f->tick = i;
        f->inventory = inv;
        f->n_inventory = i % 3;
        f->stats = stats;
        f->n_stats = i % 2;
        n_null += action_is_null(&f->action);
        CHECK_EQ_INT(video_actionlog_writer_write(w, f), STATUS_OK);
    }
    CHECK_EQ_INT(video_actionlog_writer_close(w), STATUS_OK);
    VideoActionLog *l = NULL;
    CHECK_EQ_INT(video_actionlog_open(&l, path), STATUS_OK);
    int got = 1, n = 0, bad = 0, n_vpt_null = 0;
    VideoActionFrame f;
    while (l && got) {
        CHECK_EQ_INT(video_actionlog_next(l, &f, &got), STATUS_OK);
        if (!got) break;
        const VideoActionFrame *e = &in[n];
        bad += f.action.keys != e->action.keys || f.action.mouse_dx != e->action.mouse_dx ||
               f.action.mouse_dy != e->action.mouse_dy || f.hotbar != e->hotbar ||
               f.is_gui_open != e->is_gui_open || f.mouse_x != e->mouse_x ||
               fabs(f.yaw - e->yaw) > 1e-9 || fabs(f.zpos - e->zpos) > 1e-9 || f.tick != e->tick ||
               f.n_inventory != e->n_inventory || f.n_stats != e->n_stats;
        n_vpt_null += f.vpt_null;
        n++;
    }
    CHECK_EQ_INT(n, N);
    CHECK_EQ_INT(bad, 0);
    /* Null actions survive (no hotbar changes on null lines, so VPT's rule agrees). */
    CHECK_EQ_INT(n_vpt_null, n_null);
    CHECK(n_null > N / 5);
    video_actionlog_close(l);
}

static void test_written_line_is_v7(void) {
    char path[600];
    snprintf(path, sizeof path, "%s/one.jsonl", tmp);
    VideoActionLogWriter *w = NULL;
    CHECK_EQ_INT(video_actionlog_writer_open(&w, path), STATUS_OK);
    VideoActionFrame f = {0};
    action_key_set(&f.action, KEY_FORWARD, 1);
    CHECK_EQ_INT(video_actionlog_writer_write(w, &f), STATUS_OK);
    action_key_set(&f.action, KEY_ATTACK, 1);
    action_key_set(&f.action, KEY_HOTBAR_2, 1);
    f.hotbar = 1;
    f.tick = 1;
    CHECK_EQ_INT(video_actionlog_writer_write(w, &f), STATUS_OK);
    CHECK_EQ_INT(video_actionlog_writer_close(w), STATUS_OK);
    FILE *fp = fopen(path, "r");
    char line[4096];
    int ok = fp && fgets(line, sizeof line, fp) && fgets(line, sizeof line, fp);
    CHECK(ok);
    if (fp) fclose(fp);
    json_t *o = ok ? json_loads(line, 0, NULL) : NULL;
    CHECK(o != NULL);
    if (!o) return;
    static const char *const fields[] = {
        "mouse", "keyboard", "isGuiOpen", "isGuiInventory", "hotbar",
        "yaw",   "pitch",    "xpos",      "ypos",           "zpos",
        "tick",  "milli",    "inventory", "serverTick",     "serverTickDurationMs",
        "stats"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        CHECK_MSG(json_object_get(o, fields[i]) != NULL, "missing %s", fields[i]);
    json_t *kb = json_object_get(o, "keyboard");
    json_t *mouse = json_object_get(o, "mouse");
    /* w was already down: only the new key "1"/button 0 are new. */
    CHECK_EQ_INT(json_array_size(json_object_get(kb, "keys")), 2);
    CHECK_EQ_INT(json_array_size(json_object_get(kb, "newKeys")), 1);
    CHECK_STR_EQ(json_string_value(json_array_get(json_object_get(kb, "newKeys"), 0)),
                 "key.keyboard.2");
    CHECK_EQ_INT(json_integer_value(json_array_get(json_object_get(mouse, "newButtons"), 0)), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "milli")), 50);
    json_decref(o);
}

int main(void) {
    tu_tmpdir(tmp, sizeof tmp, "actionlog");
    TEST_RUN(test_v7_file);
    TEST_RUN(test_minimal_line);
    TEST_RUN(test_errors_name_line_and_field);
    TEST_RUN(test_write_read_roundtrip);
    TEST_RUN(test_written_line_is_v7);
    tu_rmrf(tmp);
    return check_finish();
}
