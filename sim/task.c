/* task.c: loading tasks and counting rewards (see task.h).
 *
 * Format: {"name": "diamond_pickaxe", "episode_length": 12000,
 *          "rewards": [{"item": "oak_log", "quantity": 8, "reward": 0.125}, ...]}
 * "quantity" may be "unlimited"; "reward" may be a number or a fraction string ("8/3"). */
#include "sim/task.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"

#define TAG "task"

/* Generated at build time from worlds/tasks/diamond_pickaxe.json (sim/CMakeLists.txt). */
extern const char SIM_TASK_DEFAULT_JSON[];

static Status parse_reward(const json_t *v, const char *where, double *out) {
    if (json_is_number(v)) {
        *out = json_number_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        double a = strtod(s, &end), b = 1.0;
        if (end && *end == '/') b = strtod(end + 1, &end);
        if (!end || *end != '\0' || b == 0.0) {
            LOG_ERROR(TAG, "%s: field 'reward': bad number '%s'", where, s);
            return STATUS_INVALID_ARGUMENT;
        }
        *out = a / b;
    } else {
        LOG_ERROR(TAG, "%s: field 'reward': expected a number or a fraction string", where);
        return STATUS_INVALID_ARGUMENT;
    }
    if (!(*out >= 0.0 && *out <= 1e6)) {
        LOG_ERROR(TAG, "%s: field 'reward': out of range [0, 1e6]", where);
        return STATUS_INVALID_ARGUMENT;
    }
    return STATUS_OK;
}

static Status parse_item(const json_t *e, const char *where, TaskItem *it) {
    static const char *const keys[] = {"item", "quantity", "reward", NULL};
    const char *name = NULL;
    Status st = jsonio_check_keys(e, where, keys);
    if (st == STATUS_OK) st = jsonio_get_string(e, where, "item", 1, &name);
    if (st != STATUS_OK) return st;
    it->item = item_from_name(name);
    if (it->item == ITEM_NONE || it->item >= ITEM_COUNT) {
        LOG_ERROR(TAG, "%s: field 'item': unknown item '%s'", where, name);
        return STATUS_INVALID_ARGUMENT;
    }
    const json_t *q = json_object_get(e, "quantity");
    if (json_is_string(q) && strcmp(json_string_value(q), "unlimited") == 0) {
        it->quantity = TASK_UNLIMITED;
    } else {
        long long n = 0;
        st = jsonio_get_int(e, where, "quantity", 1, 1, 1000000, &n);
        if (st != STATUS_OK) return st;
        it->quantity = (int)n;
    }
    const json_t *r = json_object_get(e, "reward");
    if (!r) {
        LOG_ERROR(TAG, "%s: field 'reward': missing (required)", where);
        return STATUS_INVALID_ARGUMENT;
    }
    return parse_reward(r, where, &it->reward);
}

Status task_load_buffer(const char *text, const char *where, Task *out) {
    static const char *const keys[] = {"name", "episode_length", "rewards", "comment", NULL};
    memset(out, 0, sizeof *out);
    json_t *root = NULL;
    Status st = jsonio_load_buffer(text, strlen(text), where, 0, &root);
    if (st != STATUS_OK) return st;
    const char *name = NULL;
    long long len = 0;
    st = jsonio_check_keys(root, where, keys);
    if (st == STATUS_OK) st = jsonio_get_string(root, where, "name", 1, &name);
    if (st == STATUS_OK) st = jsonio_get_int(root, where, "episode_length", 0, 0, 100000000, &len);
    const json_t *list = json_object_get(root, "rewards");
    if (st == STATUS_OK && (!json_is_array(list) || json_array_size(list) > TASK_MAX_ITEMS)) {
        LOG_ERROR(TAG, "%s: field 'rewards': expected a list of at most %d entries", where,
                  TASK_MAX_ITEMS);
        st = STATUS_INVALID_ARGUMENT;
    }
    if (st == STATUS_OK) {
        snprintf(out->name, sizeof out->name, "%s", name);
        out->episode_length = (int)len;
        size_t i;
        const json_t *e;
        json_array_foreach(list, i, e) {
            char w2[256];
            snprintf(w2, sizeof w2, "%s: rewards[%zu]", where, i);
            st = parse_item(e, w2, &out->items[out->n_items]);
            if (st != STATUS_OK) break;
            for (int k = 0; k < out->n_items; k++) {
                if (out->items[k].item == out->items[out->n_items].item) {
                    LOG_ERROR(TAG, "%s: field 'item': listed twice", w2);
                    st = STATUS_INVALID_ARGUMENT;
                }
            }
            if (st != STATUS_OK) break;
            out->n_items++;
        }
    }
    json_decref(root);
    return st;
}

Status task_load_file(const char *path, Task *out) {
    /* The file's own text, so syntax errors keep their line and column. */
    char *text = NULL;
    Status st = fs_read_file(path, &text, NULL);
    if (st != STATUS_OK) return st;
    st = task_load_buffer(text, path, out);
    mem_free(text);
    return st;
}

/* Written once under pthread_once, immutable afterwards. */
static Task default_task;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void) {
    Status st =
        task_load_buffer(SIM_TASK_DEFAULT_JSON, "worlds/tasks/diamond_pickaxe.json", &default_task);
    ASSERT(st == STATUS_OK);
}

const Task *task_default(void) {
    pthread_once(&default_once, default_init);
    return &default_task;
}

void task_tracker_reset(TaskTracker *t, const int held[ITEM_COUNT]) {
    memset(t, 0, sizeof *t);
    memcpy(t->held_prev, held, sizeof t->held_prev);
    for (int i = 0; i < ITEM_COUNT; i++) t->first_tick[i] = -1;
}

double task_tracker_update(TaskTracker *t, const Task *task, const int held[ITEM_COUNT],
                           const int consumed[ITEM_COUNT], int64_t tick, ItemId *firsts,
                           int *n_firsts) {
    double reward = 0.0;
    if (n_firsts) *n_firsts = 0;
    for (int i = 1; i < ITEM_COUNT; i++) {
        /* The change as if nothing had been used up: losses beyond that left the player. */
        int raw = held[i] - t->held_prev[i] + (consumed ? consumed[i] : 0);
        t->held_prev[i] = held[i];
        if (raw < 0) {
            t->pool[i] += -raw;
            continue;
        }
        int back = raw < t->pool[i] ? raw : t->pool[i];
        t->pool[i] -= back;
        int fresh = raw - back;
        if (fresh == 0) continue;
        if (t->obtained[i] == 0) {
            t->first_tick[i] = tick;
            if (firsts) firsts[(*n_firsts)++] = (ItemId)i;
        }
        t->obtained[i] += fresh;
        for (int k = 0; k < task->n_items; k++) {
            const TaskItem *it = &task->items[k];
            if (it->item != i) continue;
            int n = fresh;
            if (it->quantity != TASK_UNLIMITED && n > it->quantity - t->counted[i])
                n = it->quantity - t->counted[i];
            if (n > 0) {
                t->counted[i] += n;
                reward += n * it->reward;
            }
        }
    }
    return reward;
}
