/* stats.c: statistics to JSON with Minecraft's names (see stats.h). */
#include "sim/stats.h"

#include <stdio.h>
#include <string.h>

#include "sim/mob.h"

void stats_init(Stats *s) { memset(s, 0, sizeof *s); }

static void put(json_t *o, const char *group, const char *name, uint32_t v) {
    if (v == 0) return;
    char key[128];
    snprintf(key, sizeof key, "minecraft.%s:minecraft.%s", group, name);
    json_object_set_new(o, key, json_integer(v));
}

json_t *stats_to_json(const Stats *s) {
    json_t *o = json_object();
    for (int b = 1; b < BLOCK_COUNT; b++) put(o, "mined", item_name((ItemId)b), s->mined[b]);
    for (int i = 1; i < ITEM_COUNT; i++) {
        const char *n = item_name((ItemId)i);
        put(o, "crafted", n, s->crafted[i]);
        put(o, "picked_up", n, s->picked_up[i]);
        put(o, "dropped", n, s->dropped[i]);
        put(o, "used", n, s->used[i]);
    }
    for (int m = 0; m < MOB_TYPE_COUNT && m < 8; m++)
        put(o, "killed", mob_type_name((MobType)m), s->killed[m]);
    put(o, "custom", "jump", s->jumps);
    put(o, "custom", "deaths", s->deaths);
    put(o, "custom", "mob_kills", s->mob_kills);
    put(o, "custom", "damage_taken", s->damage_taken_x10);
    put(o, "custom", "walk_one_cm", s->walk_cm);
    put(o, "custom", "sprint_one_cm", s->sprint_cm);
    put(o, "custom", "swim_one_cm", s->swim_cm);
    put(o, "custom", "fall_one_cm", s->fall_cm);
    put(o, "custom", "play_time", s->play_ticks);
    return o;
}
