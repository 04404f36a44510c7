/* actionlog.h: the VPT recorder's jsonl action log (one line per 20 Hz frame), read and written
 * in OpenAI's v7 schema (DESIGN.md section 4, vpt-facts.md), mapped to and from sim's Action.
 *
 * Reading (as VPT's data_loader.py does):
 *   keyboard.keys "key.keyboard.w/s/a/d/space/left.shift/left.control/e/q/f/escape/1..9"
 *     -> forward/back/left/right/jump/sneak/sprint/inventory/drop/swapHands/ESC/hotbar.1..9;
 *     other keys are ignored; mouse.buttons 0/1/2 -> attack/use/pickItem;
 *   mouse.dx/dy -> Action.mouse_dx/dy in counts (degrees = counts * 0.15);
 *   a change of `hotbar` from the previous line (the first line compares with 0) sets the
 *     matching hotbar key, since the recorder did not log scroll-wheel selection as a key;
 *   vpt_null: no mapped key, no button and dx = dy = 0 (computed before the hotbar rule, as VPT).
 * Only keyboard.keys, mouse.dx, mouse.dy and mouse.buttons are required; every other field is
 * optional and `present` says which were there. Errors name "FILE:LINE: field 'F': ...".
 *
 * Writing: every v7 field, from a VideoActionFrame the caller fills (the sim-side fields come
 * from the env: video/ never sees the env). keys/newKeys/buttons/newButtons are derived from
 * Action.keys and the previous line's keys. Lines are flushed to the OS every 20 frames (the
 * same one-second loss bound as the video) and on close. */
#ifndef VIDEO_ACTIONLOG_H
#define VIDEO_ACTIONLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "sim/action.h"

typedef struct VideoInvItem {
    const char *type; /* "minecraft:oak_log" or the sim's item name */
    int quantity;
} VideoInvItem;

typedef struct VideoStat {
    const char *name; /* "minecraft.custom:minecraft.jump" */
    long long value;
} VideoStat;

/* Bits of VideoActionFrame.present (reader) for the optional fields. */
enum {
    VIDEO_AL_HOTBAR = 1 << 0,
    VIDEO_AL_GUI = 1 << 1,
    VIDEO_AL_POSE = 1 << 2, /* yaw, pitch */
    VIDEO_AL_POS = 1 << 3,  /* xpos, ypos, zpos */
    VIDEO_AL_TICK = 1 << 4,
    VIDEO_AL_INVENTORY = 1 << 5,
    VIDEO_AL_STATS = 1 << 6,
    VIDEO_AL_CURSOR = 1 << 7, /* mouse.x, mouse.y */
};

/* mouse.x/y of the recorder are pixels of its 1280x720 window; scaledX/scaledY are GUI pixels
 * (GUI scale 2), i.e. our 640x360 GUI space. The reader prefers scaledX/Y, else x/2, y/2. */
typedef struct VideoActionFrame {
    Action action;
    int hotbar; /* selected slot 0..8 after this tick */
    int is_gui_open, is_gui_inventory;
    double mouse_x, mouse_y; /* cursor in 640x360 GUI pixels (meaningful with a GUI open) */
    double yaw, pitch;       /* degrees */
    double xpos, ypos, zpos; /* blocks */
    long long tick;          /* game tick; milli = tick * 50 when written */
    const VideoInvItem *inventory;
    int n_inventory;
    const VideoStat *stats;
    int n_stats;
    /* Reader only: */
    int present;  /* VIDEO_AL_* bits */
    int vpt_null; /* VPT's null action (see above) */
} VideoActionFrame;

typedef struct VideoActionLog VideoActionLog;

/* Streaming reader. */
Status video_actionlog_open(VideoActionLog **out, const char *path);
/* *got = 1 and *frame filled (its inventory/stats pointers stay valid until the next call), or
 * *got = 0 at the end. Blank trailing lines are ignored; a blank line in the middle is an error. */
Status video_actionlog_next(VideoActionLog *log, VideoActionFrame *frame, int *got);
/* 1-based line number of the last frame returned. */
int64_t video_actionlog_line(const VideoActionLog *log);
void video_actionlog_close(VideoActionLog *log); /* accepts NULL */

/* Same reader over a memory buffer (copied); `name` stands for the file in messages. Used by
 * the fuzz target and by tests. */
Status video_actionlog_open_buffer(VideoActionLog **out, const char *data, size_t len,
                                   const char *name);

/* Counts the frames (non-empty lines) of a log, validating every line. */
Status video_actionlog_count(const char *path, int64_t *frames);

typedef struct VideoActionLogWriter VideoActionLogWriter;

/* Creates/truncates path. */
Status video_actionlog_writer_open(VideoActionLogWriter **out, const char *path);
Status video_actionlog_writer_write(VideoActionLogWriter *w, const VideoActionFrame *frame);
/* Flushes, fsyncs, closes and frees w (also on failure). */
Status video_actionlog_writer_close(VideoActionLogWriter *w);

/* The recorder key name for an Action key ("key.keyboard.w", NULL for mouse buttons) and the
 * mouse button index (0/1/2, -1 for keyboard keys). */
const char *video_actionlog_key_name(ActionKey k);
int video_actionlog_button(ActionKey k);

#endif
