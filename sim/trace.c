/* trace.c: per-tick JSON trace lines and VPT action-log line parsing (see trace.h). */
#include "sim/trace.h"

#include <math.h>

#include "core/log.h"

static void write_stack_list(const Env *e, FILE *out) {
    const Inventory *inv = &env_player(e)->inventory;
    fputc('[', out);
    int first = 1;
    for (int i = 0; i < INVENTORY_SLOTS; i++) {
        const ItemStack *s = &inv->slots[i];
        if (!s->count) continue;
        fprintf(out, "%s{\"slot\":%d,\"type\":\"%s\",\"quantity\":%d", first ? "" : ",", i,
                item_name(s->item), s->count);
        if (s->damage) fprintf(out, ",\"damage\":%d", s->damage);
        fputc('}', out);
        first = 0;
    }
    fputc(']', out);
}

void env_trace_write(const Env *e, const StepResult *r, FILE *out) {
    const Player *p = env_player(e);
    fprintf(out,
            "{\"tick\":%llu,\"x\":%.6f,\"y\":%.6f,\"z\":%.6f,\"vx\":%.6f,\"vy\":%.6f,\"vz\":%.6f,"
            "\"yaw\":%.4f,\"pitch\":%.4f,\"on_ground\":%s,\"in_water\":%s,\"health\":%.2f,"
            "\"food\":%d,\"air\":%d,\"hotbar\":%d,\"target\":",
            (unsigned long long)env_tick(e), p->x, p->y, p->z, p->vx, p->vy, p->vz, p->yaw,
            p->pitch, p->on_ground ? "true" : "false", p->in_water ? "true" : "false", p->health,
            p->food, p->air, p->inventory.selected);
    if (p->target.has_target) {
        uint8_t b = world_block_get(env_world(e), p->target.x, p->target.y, p->target.z);
        fprintf(out, "{\"x\":%d,\"y\":%d,\"z\":%d,\"block\":\"%s\",\"face\":\"%s\"}", p->target.x,
                p->target.y, p->target.z, block_info(b)->name, face_name(p->target.face));
    } else {
        fputs("null", out);
    }
    fprintf(out, ",\"break_progress\":%.4f,\"inventory\":", p->target.break_progress);
    write_stack_list(e, out);
    fprintf(out, ",\"items\":%d,\"events\":[", env_item_count(e));
    for (int i = 0; r && i < r->n_events; i++) {
        const EnvEvent *ev = &r->events[i];
        const char *what = "";
        if (ev->type == ENV_EVENT_DAMAGED) {
            static const char *const CAUSES[] = {"fall", "void", "drown", "starve", "mob"};
            what = ev->item < 5 ? CAUSES[ev->item] : "?";
        } else if (ev->type != ENV_EVENT_DIED && ev->type != ENV_EVENT_RESPAWNED) {
            what = ev->item < ITEM_COUNT ? item_name(ev->item) : "?";
        }
        fprintf(out, "%s{\"type\":\"%s\",\"item\":\"%s\",\"count\":%d,\"x\":%d,\"y\":%d,\"z\":%d",
                i ? "," : "", env_event_name((EnvEventType)ev->type), what, ev->count, ev->x, ev->y,
                ev->z);
        if (ev->amount != 0) fprintf(out, ",\"amount\":%g", (double)ev->amount);
        fputc('}', out);
    }
    fputc(']', out);
    env_trace_write_items(e, out); /* issue 4: gui, cursor, hovered, cursor_stack, obtained */
    fprintf(out, ",\"reward\":%g,\"done\":%s}\n", r ? (double)r->reward : 0.0,
            r && r->done ? "true" : "false");
}

static Status bad_field(const char *where, const char *field, const char *why) {
    LOG_ERROR("trace", "%s: field '%s': %s", where, field, why);
    return STATUS_PARSE;
}

Status action_from_vpt_json(const json_t *line, const char *where, Action *a) {
    a->keys = 0;
    a->mouse_dx = a->mouse_dy = 0;
    if (!json_is_object(line)) {
        LOG_ERROR("trace", "%s: expected a JSON object per line", where);
        return STATUS_PARSE;
    }
    const json_t *kb = json_object_get(line, "keyboard");
    if (kb && !json_is_null(kb)) {
        if (!json_is_object(kb)) return bad_field(where, "keyboard", "expected an object");
        const json_t *keys = json_object_get(kb, "keys");
        if (keys && !json_is_array(keys))
            return bad_field(where, "keyboard.keys", "expected an array of key names");
        for (size_t i = 0; keys && i < json_array_size(keys); i++) {
            const json_t *k = json_array_get(keys, i);
            if (!json_is_string(k))
                return bad_field(where, "keyboard.keys", "expected an array of key names");
            ActionKey key = action_key_from_keyboard(json_string_value(k));
            if (key != KEY_COUNT) action_key_set(a, key, 1);
        }
    }
    const json_t *m = json_object_get(line, "mouse");
    if (m && !json_is_null(m)) {
        if (!json_is_object(m)) return bad_field(where, "mouse", "expected an object");
        const json_t *dx = json_object_get(m, "dx"), *dy = json_object_get(m, "dy");
        if (dx && !json_is_number(dx)) return bad_field(where, "mouse.dx", "expected a number");
        if (dy && !json_is_number(dy)) return bad_field(where, "mouse.dy", "expected a number");
        double vx = dx ? json_number_value(dx) : 0, vy = dy ? json_number_value(dy) : 0;
        if (!isfinite(vx) || fabs(vx) > 1e6) return bad_field(where, "mouse.dx", "out of range");
        if (!isfinite(vy) || fabs(vy) > 1e6) return bad_field(where, "mouse.dy", "out of range");
        a->mouse_dx = (float)vx;
        a->mouse_dy = (float)vy;
        const json_t *b = json_object_get(m, "buttons");
        if (b && !json_is_array(b))
            return bad_field(where, "mouse.buttons", "expected an array of button numbers");
        for (size_t i = 0; b && i < json_array_size(b); i++) {
            const json_t *k = json_array_get(b, i);
            if (!json_is_integer(k))
                return bad_field(where, "mouse.buttons", "expected an array of button numbers");
            ActionKey key = action_key_from_mouse_button((int)json_integer_value(k));
            if (key != KEY_COUNT) action_key_set(a, key, 1);
        }
    }
    return STATUS_OK;
}
