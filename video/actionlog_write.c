/* actionlog_write.c: writing VPT recorder jsonl (v7 fields, see actionlog.h).
 *
 * One compact JSON object per line, keys in the recorder's order. newKeys/newButtons are the
 * keys/buttons down this tick and up the previous one. Lines collect in our own buffer and reach
 * the OS with write(2) every 20 frames, whole lines only (stdio would spill partial lines when
 * its buffer fills), so a killed recorder leaves a log of complete lines, as many as the video's
 * complete seconds; close() fsyncs. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/log.h"
#include "video/actionlog.h"

struct VideoActionLogWriter {
    int fd;
    char *path;
    char *buf; /* pending whole lines */
    size_t len, cap;
    uint32_t prev_keys;
    int64_t lines;
};

Status video_actionlog_writer_open(VideoActionLogWriter **out, const char *path) {
    ASSERT(out && path);
    *out = NULL;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        LOG_ERROR("video", "%s: cannot create the action log: %s", path, strerror(errno));
        return STATUS_IO;
    }
    VideoActionLogWriter *w = mem_calloc(1, sizeof *w);
    w->fd = fd;
    w->path = mem_strdup(path);
    *out = w;
    return STATUS_OK;
}

/* Keyboard key names of `keys` (mouse buttons left out). */
static json_t *key_array(uint32_t keys) {
    json_t *a = json_array();
    for (int k = 0; k < KEY_COUNT; k++) {
        const char *name = video_actionlog_key_name((ActionKey)k);
        if (name && (keys & ACTION_KEY_BIT(k))) json_array_append_new(a, json_string(name));
    }
    return a;
}

static json_t *button_array(uint32_t keys) {
    json_t *a = json_array();
    for (int k = 0; k < KEY_COUNT; k++) {
        int b = video_actionlog_button((ActionKey)k);
        if (b >= 0 && (keys & ACTION_KEY_BIT(k))) json_array_append_new(a, json_integer(b));
    }
    return a;
}

static json_t *frame_json(const VideoActionFrame *fr, uint32_t prev_keys) {
    uint32_t keys = fr->action.keys, down = keys & ~prev_keys;
    json_t *mouse = json_object();
    json_object_set_new(mouse, "x", json_real(fr->mouse_x * 2));
    json_object_set_new(mouse, "y", json_real(fr->mouse_y * 2));
    json_object_set_new(mouse, "dx", json_real(fr->action.mouse_dx));
    json_object_set_new(mouse, "dy", json_real(fr->action.mouse_dy));
    json_object_set_new(mouse, "scaledX", json_real(fr->mouse_x));
    json_object_set_new(mouse, "scaledY", json_real(fr->mouse_y));
    json_object_set_new(mouse, "dwheel", json_real(0));
    json_object_set_new(mouse, "buttons", button_array(keys));
    json_object_set_new(mouse, "newButtons", button_array(down));
    json_t *kb = json_object();
    json_object_set_new(kb, "keys", key_array(keys));
    json_object_set_new(kb, "newKeys", key_array(down));
    json_object_set_new(kb, "chars", json_string(""));
    json_t *o = json_object();
    json_object_set_new(o, "mouse", mouse);
    json_object_set_new(o, "keyboard", kb);
    json_object_set_new(o, "isGuiOpen", json_boolean(fr->is_gui_open));
    json_object_set_new(o, "isGuiInventory", json_boolean(fr->is_gui_inventory));
    json_object_set_new(o, "hotbar", json_integer(fr->hotbar));
    json_object_set_new(o, "yaw", json_real(fr->yaw));
    json_object_set_new(o, "pitch", json_real(fr->pitch));
    json_object_set_new(o, "xpos", json_real(fr->xpos));
    json_object_set_new(o, "ypos", json_real(fr->ypos));
    json_object_set_new(o, "zpos", json_real(fr->zpos));
    json_object_set_new(o, "tick", json_integer(fr->tick));
    json_object_set_new(o, "milli", json_integer(fr->tick * 50));
    json_t *inv = json_array();
    for (int i = 0; i < fr->n_inventory; i++) {
        json_t *it = json_object();
        json_object_set_new(it, "type", json_string(fr->inventory[i].type));
        json_object_set_new(it, "quantity", json_integer(fr->inventory[i].quantity));
        json_array_append_new(inv, it);
    }
    json_object_set_new(o, "inventory", inv);
    json_object_set_new(o, "serverTick", json_integer(fr->tick));
    json_object_set_new(o, "serverTickDurationMs", json_real(50.0));
    json_t *stats = json_object();
    for (int i = 0; i < fr->n_stats; i++)
        json_object_set_new(stats, fr->stats[i].name, json_integer(fr->stats[i].value));
    json_object_set_new(o, "stats", stats);
    return o;
}

/* Writes the pending whole lines; returns 1 on success. */
static int flush_lines(VideoActionLogWriter *w) {
    size_t off = 0;
    while (off < w->len) {
        ssize_t k = write(w->fd, w->buf + off, w->len - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return 0;
        off += (size_t)k;
    }
    w->len = 0;
    return 1;
}

Status video_actionlog_writer_write(VideoActionLogWriter *w, const VideoActionFrame *fr) {
    ASSERT(w && fr);
    ASSERT(fr->hotbar >= 0 && fr->hotbar <= 8);
    json_t *o = frame_json(fr, w->prev_keys);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s) {
        LOG_ERROR("video",
                  "%s: line %lld: cannot serialise the frame (invalid UTF-8 in an item "
                  "or stat name?)",
                  w->path, (long long)w->lines + 1);
        return STATUS_INVALID_ARGUMENT;
    }
    size_t n = strlen(s);
    if (w->len + n + 1 > w->cap) {
        w->cap = (w->len + n + 1) * 2;
        w->buf = mem_realloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->len, s, n);
    w->buf[w->len + n] = '\n';
    w->len += n + 1;
    free(s);
    w->prev_keys = fr->action.keys;
    w->lines++;
    int ok = w->lines % 20 != 0 || flush_lines(w);
    if (!ok) {
        LOG_ERROR("video", "%s: line %lld: write failed: %s", w->path, (long long)w->lines,
                  strerror(errno));
        return STATUS_IO;
    }
    return STATUS_OK;
}

Status video_actionlog_writer_close(VideoActionLogWriter *w) {
    ASSERT(w);
    Status st = STATUS_OK;
    if (!flush_lines(w) || fsync(w->fd) != 0) {
        LOG_ERROR("video", "%s: flush failed: %s", w->path, strerror(errno));
        st = STATUS_IO;
    }
    if (close(w->fd) != 0 && st == STATUS_OK) {
        LOG_ERROR("video", "%s: close failed: %s", w->path, strerror(errno));
        st = STATUS_IO;
    }
    mem_free(w->buf);
    mem_free(w->path);
    mem_free(w);
    return st;
}
