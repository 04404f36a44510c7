/* preset.h: world presets (the JSON files in worlds/, DESIGN.md section 4), parsed and validated.
 *
 * Schema (every key optional except "generator"; unknown keys are errors):
 *   name            string
 *   generator       "default" | "flat" | "void"
 *   seed            integer >= 0 (the default seed when the caller gives none)
 *   layers          flat only: [{"block": "bedrock", "height": 1}, ...] bottom-up
 *   features        default only: {"trees": bool, "caves": bool, "ores": bool}
 *   boxes           [{"from": [x,y,z], "to": [x,y,z], "block": "stone"}, ...]
 *   blocks          [{"pos": [x,y,z], "block": "crafting_table"}, ...]
 *   spawn           {"x": 0.5, "y": 70 (omit: on the surface), "z": 0.5, "yaw": 0, "pitch": 0}
 *   inventory       [{"item": "wooden_pickaxe", "count": 1, "slot": 0 (optional)}, ...]
 *   time_of_day     0..23999 (tick of the day at start)
 *   day_length      ticks per day (default 24000)
 *   fixed_time      bool: time of day never advances
 *   mobs            bool: mobs spawn at all (animals, and zombies at night)
 *   hostile_mobs    bool (default true): zombies spawn at night; false keeps the animals
 *                   (a peaceful world)
 *   episode_length  ticks (0 = endless)
 *   task            string (a task in worlds/tasks/, used by the survival rules)
 *   view_radius     chunks kept loaded around the player (1..12, default 4)
 * Errors name the file and the field ("worlds/x.json: field 'spawn.pitch': expected ...").
 */
#ifndef SIM_PRESET_H
#define SIM_PRESET_H

#include <stdint.h>

#include "core/status.h"
#include "sim/gen.h"
#include "sim/item.h"

#define PRESET_MAX_INVENTORY 36

typedef struct PresetItem {
    ItemId item;
    int count;
    int slot; /* -1: first free place */
} PresetItem;

typedef struct WorldPreset {
    char name[64];
    uint64_t seed;
    WorldGen gen; /* gen.seed is set by the env from its seed */
    double spawn_x, spawn_y, spawn_z;
    int spawn_y_given; /* 0: spawn on the surface (and on land for the default generator) */
    float spawn_yaw, spawn_pitch;
    PresetItem inventory[PRESET_MAX_INVENTORY];
    int n_inventory;
    int time_of_day, day_length, fixed_time;
    int mobs;
    int hostile_mobs; /* zombies at night (only with mobs) */
    int episode_length;
    char task[64];
    int view_radius;
} WorldPreset;

/* Defaults: `default` generator, seed 0, spawn (0.5, surface, 0.5), time 1000 of 24000,
 * mobs on (hostile too), episode 12000 ticks, task "diamond_pickaxe", view radius 4. */
void preset_init_default(WorldPreset *p);
/* Parses a preset file (or a JSON text with `where` naming it). On failure logs the field and
 * reason and leaves *out zeroed of owned memory. */
Status preset_load_file(const char *path, WorldPreset *out);
Status preset_load_string(const char *json, const char *where, WorldPreset *out);
/* Frees the block lists. Accepts a zeroed preset. */
void preset_deinit(WorldPreset *p);
/* Deep copy (dst must be deinit'ed or fresh). */
void preset_copy(WorldPreset *dst, const WorldPreset *src);
/* Built-in presets by name ("flat", "void", "default") when no file is at hand. */
void preset_builtin_flat(WorldPreset *p);
void preset_builtin_void(WorldPreset *p);

#endif
