/* stats.h: Minecraft-style statistics of an episode (they fill the action log's `stats`).
 *
 * Counters only grow during an episode; stats_to_json names them the way Minecraft's
 * statistics files and VPT's recorder do ("minecraft.mined:minecraft.oak_log",
 * "minecraft.custom:minecraft.jump", distances in cm) and lists only non-zero entries. */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "sim/item.h"

typedef struct Stats {
    uint32_t mined[BLOCK_COUNT];
    uint32_t crafted[ITEM_COUNT];
    uint32_t picked_up[ITEM_COUNT];
    uint32_t dropped[ITEM_COUNT];
    uint32_t used[ITEM_COUNT]; /* blocks placed, food eaten */
    uint32_t killed[8];        /* by MobType */
    uint32_t jumps, deaths, mob_kills, damage_taken_x10;
    uint32_t walk_cm, sprint_cm, swim_cm, fall_cm;
    uint32_t play_ticks;
} Stats;

void stats_init(Stats *s);
/* New JSON object (caller owns the reference). */
json_t *stats_to_json(const Stats *s);

#endif
