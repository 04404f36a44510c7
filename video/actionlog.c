/* actionlog.c: reading VPT recorder jsonl (see actionlog.h for the mapping rules) and the key
 * name table shared with the writer.
 *
 * Invariant: a line is either fully accepted (frame filled) or rejected with one message naming
 * FILE:LINE and the field; the reader never crashes on any byte sequence (fuzzed). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonio.h"
#include "core/log.h"
#include "video/actionlog.h"

/* Recorder names of the keyboard keys, by ActionKey (NULL: a mouse button). */
static const char *const KEY_NAMES[KEY_COUNT] = {
    [KEY_FORWARD] = "key.keyboard.w",
    [KEY_BACK] = "key.keyboard.s",
    [KEY_LEFT] = "key.keyboard.a",
    [KEY_RIGHT] = "key.keyboard.d",
    [KEY_JUMP] = "key.keyboard.space",
    [KEY_SNEAK] = "key.keyboard.left.shift",
    [KEY_SPRINT] = "key.keyboard.left.control",
    [KEY_DROP] = "key.keyboard.q",
    [KEY_SWAPHANDS] = "key.keyboard.f",
    [KEY_INVENTORY] = "key.keyboard.e",
    [KEY_ESC] = "key.keyboard.escape",
    [KEY_HOTBAR_1] = "key.keyboard.1",
    [KEY_HOTBAR_2] = "key.keyboard.2",
    [KEY_HOTBAR_3] = "key.keyboard.3",
    [KEY_HOTBAR_4] = "key.keyboard.4",
    [KEY_HOTBAR_5] = "key.keyboard.5",
    [KEY_HOTBAR_6] = "key.keyboard.6",
    [KEY_HOTBAR_7] = "key.keyboard.7",
    [KEY_HOTBAR_8] = "key.keyboard.8",
    [KEY_HOTBAR_9] = "key.keyboard.9",
};

const char *video_actionlog_key_name(ActionKey k) {
    ASSERT((unsigned)k < KEY_COUNT);
    return KEY_NAMES[k];
}

int video_actionlog_button(ActionKey k) {
    switch (k) {
    case KEY_ATTACK:
        return 0;
    case KEY_USE:
        return 1;
    case KEY_PICKITEM:
        return 2;
    default:
        return -1;
    }
}

struct VideoActionLog {
    FILE *f;
    char *name;
    char *line;
    size_t line_cap;
    int64_t line_no, frame_line;
    int prev_hotbar;
    json_t *root; /* the last line, kept alive for the inventory/stats strings */
    VideoInvItem *inv;
    int inv_cap;
    VideoStat *stats;
    int stats_cap;
};

static Status open_common(VideoActionLog **out, FILE *f, const char *name) {
    VideoActionLog *l = mem_calloc(1, sizeof *l);
    l->f = f;
    l->name = mem_strdup(name);
    *out = l;
    return STATUS_OK;
}

Status video_actionlog_open(VideoActionLog **out, const char *path) {
    ASSERT(out && path);
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        LOG_ERROR("video", "%s: cannot open the action log: %s", path, strerror(errno));
        return STATUS_NOT_FOUND;
    }
    return open_common(out, f, path);
}

Status video_actionlog_open_buffer(VideoActionLog **out, const char *data, size_t len,
                                   const char *name) {
    ASSERT(out && name);
    *out = NULL;
    /* A private copy through tmpfile keeps embedded NULs and needs no fmemopen quirks. */
    FILE *f = tmpfile();
    if (!f || (len && fwrite(data, 1, len, f) != len)) {
        if (f) fclose(f);
        LOG_ERROR("video", "%s: cannot buffer the action log", name);
        return STATUS_IO;
    }
    rewind(f);
    return open_common(out, f, name);
}

void video_actionlog_close(VideoActionLog *l) {
    if (!l) return;
    if (l->f) fclose(l->f);
    json_decref(l->root);
    free(l->line); /* from getline */
    mem_free(l->inv);
    mem_free(l->stats);
    mem_free(l->name);
    mem_free(l);
}

int64_t video_actionlog_line(const VideoActionLog *l) { return l->frame_line; }

#define FIELD_ERR(where, field, ...)                                                               \
    do {                                                                                           \
        char msg_[256];                                                                            \
        snprintf(msg_, sizeof msg_, __VA_ARGS__);                                                  \
        LOG_ERROR("video", "%s: field '%s': %s", where, field, msg_);                              \
        return STATUS_PARSE;                                                                       \
    } while (0)

static Status get_obj(json_t *parent, const char *where, const char *key, const char *field,
                      json_t **out) {
    json_t *v = json_object_get(parent, key);
    if (!v) FIELD_ERR(where, field, "missing");
    if (!json_is_object(v)) FIELD_ERR(where, field, "expected an object");
    *out = v;
    return STATUS_OK;
}

/* A finite number. required=0 leaves *out alone when absent; returns 1 in *found. */
static Status get_num(json_t *obj, const char *where, const char *key, const char *field,
                      int required, double *out, int *found) {
    json_t *v = json_object_get(obj, key);
    if (found) *found = v != NULL;
    if (!v) {
        if (required) FIELD_ERR(where, field, "missing");
        return STATUS_OK;
    }
    if (!json_is_number(v)) FIELD_ERR(where, field, "expected a number");
    double d = json_number_value(v);
    if (!isfinite(d) || fabs(d) > 1e9) FIELD_ERR(where, field, "out of range");
    *out = d;
    return STATUS_OK;
}

static Status get_bool(json_t *obj, const char *where, const char *key, int *out, int *found) {
    json_t *v = json_object_get(obj, key);
    if (!v) return STATUS_OK;
    if (!json_is_boolean(v)) FIELD_ERR(where, key, "expected true or false");
    *out = json_is_true(v);
    *found = 1;
    return STATUS_OK;
}

static Status parse_keys(json_t *kb, const char *where, Action *a, int *mapped) {
    json_t *keys = json_object_get(kb, "keys");
    if (!keys) FIELD_ERR(where, "keyboard.keys", "missing");
    if (!json_is_array(keys)) FIELD_ERR(where, "keyboard.keys", "expected an array of strings");
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k) {
        if (!json_is_string(k))
            FIELD_ERR(where, "keyboard.keys", "element %zu: expected a string", i);
        const char *name = json_string_value(k);
        for (int key = 0; key < KEY_COUNT; key++) {
            if (KEY_NAMES[key] && strcmp(KEY_NAMES[key], name) == 0) {
                action_key_set(a, (ActionKey)key, 1);
                *mapped = 1;
            }
        }
    }
    return STATUS_OK;
}

static Status parse_mouse(json_t *mouse, const char *where, VideoActionFrame *fr, int *mapped) {
    double dx = 0, dy = 0;
    Status st = get_num(mouse, where, "dx", "mouse.dx", 1, &dx, NULL);
    if (st == STATUS_OK) st = get_num(mouse, where, "dy", "mouse.dy", 1, &dy, NULL);
    if (st != STATUS_OK) return st;
    fr->action.mouse_dx = (float)dx;
    fr->action.mouse_dy = (float)dy;
    json_t *b = json_object_get(mouse, "buttons");
    if (!b) FIELD_ERR(where, "mouse.buttons", "missing");
    if (!json_is_array(b)) FIELD_ERR(where, "mouse.buttons", "expected an array of integers");
    size_t i;
    json_t *v;
    json_array_foreach(b, i, v) {
        if (!json_is_integer(v))
            FIELD_ERR(where, "mouse.buttons", "element %zu: expected an integer", i);
        long long n = json_integer_value(v);
        if (n == 0) action_key_set(&fr->action, KEY_ATTACK, 1);
        if (n == 1) action_key_set(&fr->action, KEY_USE, 1);
        if (n == 2) action_key_set(&fr->action, KEY_PICKITEM, 1);
        if (n >= 0 && n <= 2) *mapped = 1;
    }
    double sx = 0, sy = 0, x = 0, y = 0;
    int has_s = 0, has_x = 0, tmp = 0;
    if ((st = get_num(mouse, where, "scaledX", "mouse.scaledX", 0, &sx, &has_s)) != STATUS_OK ||
        (st = get_num(mouse, where, "scaledY", "mouse.scaledY", 0, &sy, &tmp)) != STATUS_OK ||
        (st = get_num(mouse, where, "x", "mouse.x", 0, &x, &has_x)) != STATUS_OK ||
        (st = get_num(mouse, where, "y", "mouse.y", 0, &y, &tmp)) != STATUS_OK)
        return st;
    if (has_s) {
        fr->mouse_x = sx;
        fr->mouse_y = sy;
        fr->present |= VIDEO_AL_CURSOR;
    } else if (has_x) {
        fr->mouse_x = x / 2;
        fr->mouse_y = y / 2;
        fr->present |= VIDEO_AL_CURSOR;
    }
    return STATUS_OK;
}

static Status grow(void **buf, int *cap, int need, size_t elem) {
    if (need > *cap) {
        int c = *cap ? *cap : 16;
        while (c < need) c *= 2;
        *buf = mem_realloc(*buf, (size_t)c * elem);
        *cap = c;
    }
    return STATUS_OK;
}

static Status parse_inventory(VideoActionLog *l, json_t *inv, const char *where,
                              VideoActionFrame *fr) {
    if (!json_is_array(inv)) FIELD_ERR(where, "inventory", "expected an array");
    int n = (int)json_array_size(inv);
    grow((void **)&l->inv, &l->inv_cap, n, sizeof *l->inv);
    for (int i = 0; i < n; i++) {
        json_t *it = json_array_get(inv, (size_t)i);
        json_t *t = json_object_get(it, "type");
        json_t *q = json_object_get(it, "quantity");
        if (!json_is_object(it) || !json_is_string(t) || !json_is_integer(q) ||
            json_integer_value(q) < 0 || json_integer_value(q) > 1000000)
            FIELD_ERR(where, "inventory",
                      "element %d: expected {\"type\": string, "
                      "\"quantity\": integer >= 0}",
                      i);
        l->inv[i].type = json_string_value(t);
        l->inv[i].quantity = (int)json_integer_value(q);
    }
    fr->inventory = l->inv;
    fr->n_inventory = n;
    fr->present |= VIDEO_AL_INVENTORY;
    return STATUS_OK;
}

static Status parse_stats(VideoActionLog *l, json_t *stats, const char *where,
                          VideoActionFrame *fr) {
    if (!json_is_object(stats)) FIELD_ERR(where, "stats", "expected an object");
    int n = (int)json_object_size(stats), i = 0;
    grow((void **)&l->stats, &l->stats_cap, n, sizeof *l->stats);
    const char *key;
    json_t *v;
    json_object_foreach(stats, key, v) {
        if (!json_is_number(v)) FIELD_ERR(where, "stats", "'%s': expected a number", key);
        l->stats[i].name = key;
        l->stats[i].value = (long long)json_number_value(v);
        i++;
    }
    fr->stats = l->stats;
    fr->n_stats = n;
    fr->present |= VIDEO_AL_STATS;
    return STATUS_OK;
}

static Status parse_optional(VideoActionLog *l, json_t *root, const char *where,
                             VideoActionFrame *fr) {
    Status st;
    json_t *hb = json_object_get(root, "hotbar");
    if (hb) {
        if (!json_is_integer(hb) || json_integer_value(hb) < 0 || json_integer_value(hb) > 8)
            FIELD_ERR(where, "hotbar", "expected an integer in [0, 8]");
        fr->hotbar = (int)json_integer_value(hb);
        fr->present |= VIDEO_AL_HOTBAR;
    }
    int f1 = 0, f2 = 0, f3 = 0;
    if ((st = get_bool(root, where, "isGuiOpen", &fr->is_gui_open, &f1)) != STATUS_OK ||
        (st = get_bool(root, where, "isGuiInventory", &fr->is_gui_inventory, &f2)) != STATUS_OK)
        return st;
    if (f1 || f2) fr->present |= VIDEO_AL_GUI;
    f1 = f2 = 0;
    if ((st = get_num(root, where, "yaw", "yaw", 0, &fr->yaw, &f1)) != STATUS_OK ||
        (st = get_num(root, where, "pitch", "pitch", 0, &fr->pitch, &f2)) != STATUS_OK)
        return st;
    if (f1 && f2) fr->present |= VIDEO_AL_POSE;
    f1 = f2 = 0;
    if ((st = get_num(root, where, "xpos", "xpos", 0, &fr->xpos, &f1)) != STATUS_OK ||
        (st = get_num(root, where, "ypos", "ypos", 0, &fr->ypos, &f2)) != STATUS_OK ||
        (st = get_num(root, where, "zpos", "zpos", 0, &fr->zpos, &f3)) != STATUS_OK)
        return st;
    if (f1 && f2 && f3) fr->present |= VIDEO_AL_POS;
    json_t *tick = json_object_get(root, "tick");
    if (tick) {
        if (!json_is_integer(tick) || json_integer_value(tick) < 0)
            FIELD_ERR(where, "tick", "expected an integer >= 0");
        fr->tick = json_integer_value(tick);
        fr->present |= VIDEO_AL_TICK;
    }
    json_t *inv = json_object_get(root, "inventory");
    if (inv && (st = parse_inventory(l, inv, where, fr)) != STATUS_OK) return st;
    json_t *stats = json_object_get(root, "stats");
    if (stats && (st = parse_stats(l, stats, where, fr)) != STATUS_OK) return st;
    return STATUS_OK;
}

static Status parse_line(VideoActionLog *l, const char *buf, size_t len, const char *where,
                         VideoActionFrame *fr) {
    memset(fr, 0, sizeof *fr);
    json_decref(l->root);
    l->root = NULL;
    json_error_t err;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        LOG_ERROR("video", "%s:%d: invalid JSON: %s", where, err.column, err.text);
        return STATUS_PARSE;
    }
    l->root = root;
    if (!json_is_object(root)) {
        LOG_ERROR("video", "%s: expected a JSON object per line", where);
        return STATUS_PARSE;
    }
    json_t *mouse = NULL, *kb = NULL;
    int mapped = 0;
    Status st = get_obj(root, where, "mouse", "mouse", &mouse);
    if (st == STATUS_OK) st = get_obj(root, where, "keyboard", "keyboard", &kb);
    if (st == STATUS_OK) st = parse_keys(kb, where, &fr->action, &mapped);
    if (st == STATUS_OK) st = parse_mouse(mouse, where, fr, &mapped);
    if (st == STATUS_OK) st = parse_optional(l, root, where, fr);
    if (st != STATUS_OK) return st;
    fr->vpt_null = !mapped && fr->action.mouse_dx == 0.0f && fr->action.mouse_dy == 0.0f;
    if (fr->present & VIDEO_AL_HOTBAR) {
        if (fr->hotbar != l->prev_hotbar)
            action_key_set(&fr->action, (ActionKey)(KEY_HOTBAR_1 + fr->hotbar), 1);
        l->prev_hotbar = fr->hotbar;
    } else {
        fr->hotbar = l->prev_hotbar;
    }
    return STATUS_OK;
}

static int is_blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

Status video_actionlog_next(VideoActionLog *l, VideoActionFrame *fr, int *got) {
    ASSERT(l && fr && got);
    *got = 0;
    int64_t blank_at = 0;
    for (;;) {
        ssize_t n = getline(&l->line, &l->line_cap, l->f);
        if (n < 0) {
            if (ferror(l->f)) {
                LOG_ERROR("video", "%s: read error after line %lld", l->name,
                          (long long)l->line_no);
                return STATUS_IO;
            }
            return STATUS_OK;
        }
        l->line_no++;
        if (is_blank(l->line, (size_t)n)) {
            if (!blank_at) blank_at = l->line_no;
            continue;
        }
        if (blank_at) {
            LOG_ERROR("video",
                      "%s:%lld: empty line in the middle of the log (one line per "
                      "frame)",
                      l->name, (long long)blank_at);
            return STATUS_PARSE;
        }
        char where[512];
        snprintf(where, sizeof where, "%s:%lld", l->name, (long long)l->line_no);
        Status st = parse_line(l, l->line, (size_t)n, where, fr);
        if (st != STATUS_OK) return st;
        l->frame_line = l->line_no;
        *got = 1;
        return STATUS_OK;
    }
}

Status video_actionlog_count(const char *path, int64_t *frames) {
    VideoActionLog *l = NULL;
    Status st = video_actionlog_open(&l, path);
    if (st != STATUS_OK) return st;
    VideoActionFrame fr;
    int got = 1;
    int64_t n = 0;
    while (st == STATUS_OK && got) {
        st = video_actionlog_next(l, &fr, &got);
        n += got;
    }
    video_actionlog_close(l);
    *frames = n;
    return st;
}
