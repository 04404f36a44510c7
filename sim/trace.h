/* trace.h: one JSON line per tick describing the env state (`vpt replay --trace`), and the
 * parsing of VPT action-log lines into native actions.
 *
 * Trace line fields: tick, x, y, z (feet), vx, vy, vz (blocks/tick), yaw, pitch, on_ground,
 * in_water, health, food, air, hotbar (0-8), target ({x, y, z, block, face} or null),
 * break_progress, inventory ([{slot, type, quantity}] for non-empty slots), items (item
 * entities on the ground), events ([{type, item, count, x, y, z, amount}]), reward, done.
 * Issue 4 adds gui, cursor, hovered and cursor_stack in env_trace_write. */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <jansson.h>
#include <stdio.h>

#include "core/status.h"
#include "sim/env.h"

/* Writes one trace line (with a trailing newline) for the state after a step. */
void env_trace_write(const Env *env, const StepResult *r, FILE *out);

/* Issue 4's fields, each preceded by a comma: "gui" (screen name or null), "cursor" {x, y},
 * "hovered" ({kind, index} or null), "cursor_stack" ({type, quantity} or null), "obtained"
 * ({item: first tick} for the task items obtained so far). Implemented in items_env.c. */
void env_trace_write_items(const Env *env, FILE *out);

/* Fills *a from one parsed line of a VPT action log (`keyboard.keys`, `mouse.dx`, `mouse.dy`,
 * `mouse.buttons`; other fields are ignored, missing ones mean "nothing"). Wrong types fail
 * with a message naming `where` (e.g. "run.jsonl:12") and the field. */
Status action_from_vpt_json(const json_t *line, const char *where, Action *a);

#endif
