/* task.h: tasks (worlds/tasks/NAME.json) and reward accounting.
 *
 * A task lists items with the quantity rewarded and the reward per item (VPT's
 * diamond-pickaxe table is the default, compiled in from worlds/tasks/diamond_pickaxe.json)
 * and the episode length in ticks. The tracker counts an item when it first enters what the
 * player holds (inventory + cursor + crafting grid), up to its quantity, and never again after
 * it left and came back: every loss other than consumption by crafting or eating (dropping,
 * death, placing, putting it into a furnace) goes into a per-item pool that later gains draw
 * from before anything counts as new. It records the first tick each item was obtained.
 *
 * Invariants: 0 <= counted[i] <= obtained[i]; counted[i] <= quantity (when limited). */
#ifndef SIM_TASK_H
#define SIM_TASK_H

#include <stdint.h>

#include "core/status.h"
#include "sim/item.h"

#define TASK_MAX_ITEMS 32
#define TASK_UNLIMITED (-1)

typedef struct TaskItem {
    ItemId item;
    int quantity;  /* items rewarded, TASK_UNLIMITED for no limit */
    double reward; /* per item */
} TaskItem;

typedef struct Task {
    char name[64];
    int episode_length; /* ticks; 0 = no limit */
    int n_items;
    TaskItem items[TASK_MAX_ITEMS];
} Task;

typedef struct TaskTracker {
    int held_prev[ITEM_COUNT];      /* what the player held after the previous update */
    int pool[ITEM_COUNT];           /* items that left the player and would not count again */
    int obtained[ITEM_COUNT];       /* new items obtained so far */
    int counted[ITEM_COUNT];        /* items rewarded so far */
    int64_t first_tick[ITEM_COUNT]; /* tick an item was first obtained, -1 never */
} TaskTracker;

/* The compiled-in default task (diamond pickaxe; static storage). */
const Task *task_default(void);
Status task_load_file(const char *path, Task *out);
Status task_load_buffer(const char *text, const char *where, Task *out);

/* Starts an episode: `held` (counts per item) is the starting inventory, never rewarded. */
void task_tracker_reset(TaskTracker *t, const int held[ITEM_COUNT]);
/* One tick: `held` is what the player holds now, `consumed` what crafting and eating used up
 * this tick. Returns the reward. `firsts` (may be NULL) receives the items first obtained this
 * tick, *n_firsts their number. */
double task_tracker_update(TaskTracker *t, const Task *task, const int held[ITEM_COUNT],
                           const int consumed[ITEM_COUNT], int64_t tick, ItemId *firsts,
                           int *n_firsts);

#endif
