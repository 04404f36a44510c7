/* preset.c: world preset parsing and validation (schema in preset.h). Every failure logs the
 * file and the field (nested fields as "spawn.yaw", list items as "boxes[2].block"). */
#include "sim/preset.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonio.h"
#include "core/log.h"

#define TAG "preset"
#define COORD_LIMIT 30000000LL

void preset_init_default(WorldPreset *p) {
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "default");
    p->gen.kind = GEN_DEFAULT;
    p->gen.trees = p->gen.caves = p->gen.ores = 1;
    p->spawn_x = 0.5;
    p->spawn_z = 0.5;
    p->time_of_day = 1000;
    p->day_length = 24000;
    p->mobs = 1;
    p->hostile_mobs = 1;
    p->episode_length = 12000;
    snprintf(p->task, sizeof p->task, "diamond_pickaxe");
    p->view_radius = 4;
}

static void flat_layers_default(WorldGen *g) {
    g->n_layers = 3;
    g->layers[0] = (GenLayer){BLOCK_BEDROCK, 1};
    g->layers[1] = (GenLayer){BLOCK_DIRT, 2};
    g->layers[2] = (GenLayer){BLOCK_GRASS, 1};
}

void preset_builtin_flat(WorldPreset *p) {
    preset_init_default(p);
    snprintf(p->name, sizeof p->name, "flat");
    p->gen.kind = GEN_FLAT;
    flat_layers_default(&p->gen);
    p->mobs = 0;
    p->view_radius = 2;
}

void preset_builtin_void(WorldPreset *p) {
    preset_init_default(p);
    snprintf(p->name, sizeof p->name, "void");
    p->gen.kind = GEN_VOID;
    p->mobs = 0;
    p->spawn_y = 64;
    p->spawn_y_given = 1;
    p->view_radius = 1;
}

void preset_deinit(WorldPreset *p) {
    mem_free(p->gen.blocks);
    mem_free(p->gen.boxes);
    p->gen.blocks = NULL;
    p->gen.boxes = NULL;
    p->gen.n_blocks = p->gen.n_boxes = 0;
}

void preset_copy(WorldPreset *dst, const WorldPreset *src) {
    *dst = *src;
    dst->gen.blocks = NULL;
    dst->gen.boxes = NULL;
    if (src->gen.n_blocks) {
        dst->gen.blocks = MEM_NEW_ARRAY(GenBlock, src->gen.n_blocks);
        memcpy(dst->gen.blocks, src->gen.blocks, (size_t)src->gen.n_blocks * sizeof(GenBlock));
    }
    if (src->gen.n_boxes) {
        dst->gen.boxes = MEM_NEW_ARRAY(GenBox, src->gen.n_boxes);
        memcpy(dst->gen.boxes, src->gen.boxes, (size_t)src->gen.n_boxes * sizeof(GenBox));
    }
}

/* ---- field helpers ---- */

static Status bad(const char *where, const char *field, const char *why) {
    LOG_ERROR(TAG, "%s: field '%s': %s", where, field, why);
    return STATUS_INVALID_ARGUMENT;
}

static Status get_block(const json_t *obj, const char *where, const char *field, const char *key,
                        uint8_t *out) {
    const json_t *v = json_object_get(obj, key);
    if (!v) return bad(where, field, "missing (required)");
    if (!json_is_string(v)) return bad(where, field, "expected a block name string");
    BlockId b = block_from_name(json_string_value(v));
    if (b == BLOCK_COUNT) {
        LOG_ERROR(TAG, "%s: field '%s': unknown block '%s'", where, field, json_string_value(v));
        return STATUS_INVALID_ARGUMENT;
    }
    *out = (uint8_t)b;
    return STATUS_OK;
}

static Status get_pos(const json_t *obj, const char *where, const char *field, const char *key,
                      int *xyz) {
    const json_t *v = json_object_get(obj, key);
    if (!v) return bad(where, field, "missing (required)");
    if (!json_is_array(v) || json_array_size(v) != 3)
        return bad(where, field, "expected an array of 3 integers [x, y, z]");
    for (int i = 0; i < 3; i++) {
        const json_t *e = json_array_get(v, (size_t)i);
        if (!json_is_integer(e)) return bad(where, field, "expected an array of 3 integers");
        long long n = json_integer_value(e);
        if (n < -COORD_LIMIT || n > COORD_LIMIT)
            return bad(where, field, "coordinate out of range");
        if (i == 1 && (n < 0 || n >= WORLD_HEIGHT))
            return bad(where, field, "y must be in [0, 127]");
        xyz[i] = (int)n;
    }
    return STATUS_OK;
}

static Status parse_layers(const json_t *arr, const char *where, WorldGen *g) {
    if (!json_is_array(arr)) return bad(where, "layers", "expected an array");
    if (json_array_size(arr) == 0 || json_array_size(arr) > GEN_MAX_LAYERS)
        return bad(where, "layers", "expected 1 to 16 layers");
    int total = 0;
    g->n_layers = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char field[64];
        snprintf(field, sizeof field, "layers[%zu].block", i);
        const json_t *e = json_array_get(arr, i);
        if (!json_is_object(e)) return bad(where, field, "expected an object");
        GenLayer *l = &g->layers[g->n_layers++];
        Status st = get_block(e, where, field, "block", &l->block);
        if (st) return st;
        long long h = 1;
        snprintf(field, sizeof field, "layers[%zu]", i);
        st = jsonio_get_int(e, where, "height", 0, 1, WORLD_HEIGHT, &h);
        if (st) return st;
        l->height = (uint8_t)h;
        total += (int)h;
    }
    if (total > WORLD_HEIGHT - 2) return bad(where, "layers", "total height must leave room above");
    return STATUS_OK;
}

static Status parse_boxes(const json_t *arr, const char *where, WorldGen *g) {
    if (!json_is_array(arr)) return bad(where, "boxes", "expected an array");
    size_t n = json_array_size(arr);
    if (n > 4096) return bad(where, "boxes", "at most 4096 boxes");
    g->boxes = MEM_NEW_ARRAY(GenBox, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        char field[64];
        snprintf(field, sizeof field, "boxes[%zu]", i);
        if (!json_is_object(e)) return bad(where, field, "expected an object");
        static const char *const keys[] = {"from", "to", "block", NULL};
        if (jsonio_check_keys(e, where, keys)) return STATUS_INVALID_ARGUMENT;
        int a[3], b[3];
        GenBox *bx = &g->boxes[g->n_boxes];
        snprintf(field, sizeof field, "boxes[%zu].from", i);
        if (get_pos(e, where, field, "from", a)) return STATUS_INVALID_ARGUMENT;
        snprintf(field, sizeof field, "boxes[%zu].to", i);
        if (get_pos(e, where, field, "to", b)) return STATUS_INVALID_ARGUMENT;
        snprintf(field, sizeof field, "boxes[%zu].block", i);
        if (get_block(e, where, field, "block", &bx->block)) return STATUS_INVALID_ARGUMENT;
        bx->x0 = a[0] < b[0] ? a[0] : b[0];
        bx->x1 = a[0] < b[0] ? b[0] : a[0];
        bx->y0 = a[1] < b[1] ? a[1] : b[1];
        bx->y1 = a[1] < b[1] ? b[1] : a[1];
        bx->z0 = a[2] < b[2] ? a[2] : b[2];
        bx->z1 = a[2] < b[2] ? b[2] : a[2];
        if ((long long)(bx->x1 - bx->x0) > 1024 || (long long)(bx->z1 - bx->z0) > 1024) {
            snprintf(field, sizeof field, "boxes[%zu]", i);
            return bad(where, field, "a box may span at most 1024 blocks in x and z");
        }
        g->n_boxes++;
    }
    return STATUS_OK;
}

static Status parse_blocks(const json_t *arr, const char *where, WorldGen *g) {
    if (!json_is_array(arr)) return bad(where, "blocks", "expected an array");
    size_t n = json_array_size(arr);
    if (n > 65536) return bad(where, "blocks", "at most 65536 blocks");
    g->blocks = MEM_NEW_ARRAY(GenBlock, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        char field[64];
        snprintf(field, sizeof field, "blocks[%zu]", i);
        if (!json_is_object(e)) return bad(where, field, "expected an object");
        static const char *const keys[] = {"pos", "block", NULL};
        if (jsonio_check_keys(e, where, keys)) return STATUS_INVALID_ARGUMENT;
        int p[3];
        GenBlock *k = &g->blocks[g->n_blocks];
        snprintf(field, sizeof field, "blocks[%zu].pos", i);
        if (get_pos(e, where, field, "pos", p)) return STATUS_INVALID_ARGUMENT;
        snprintf(field, sizeof field, "blocks[%zu].block", i);
        if (get_block(e, where, field, "block", &k->block)) return STATUS_INVALID_ARGUMENT;
        k->x = p[0];
        k->y = p[1];
        k->z = p[2];
        g->n_blocks++;
    }
    return STATUS_OK;
}

static Status parse_inventory(const json_t *arr, const char *where, WorldPreset *p) {
    if (!json_is_array(arr)) return bad(where, "inventory", "expected an array");
    if (json_array_size(arr) > PRESET_MAX_INVENTORY)
        return bad(where, "inventory", "at most 36 entries");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        char field[64];
        snprintf(field, sizeof field, "inventory[%zu]", i);
        if (!json_is_object(e)) return bad(where, field, "expected an object");
        static const char *const keys[] = {"item", "count", "slot", NULL};
        if (jsonio_check_keys(e, where, keys)) return STATUS_INVALID_ARGUMENT;
        const char *name = NULL;
        snprintf(field, sizeof field, "inventory[%zu].item", i);
        const json_t *v = json_object_get(e, "item");
        if (!v || !json_is_string(v)) return bad(where, field, "expected an item name string");
        name = json_string_value(v);
        ItemId id = item_from_name(name);
        if (id == ITEM_COUNT || id == ITEM_NONE) {
            LOG_ERROR(TAG, "%s: field '%s': unknown item '%s'", where, field, name);
            return STATUS_INVALID_ARGUMENT;
        }
        long long count = 1, slot = -1;
        if (jsonio_get_int(e, where, "count", 0, 1, 64 * 36, &count))
            return STATUS_INVALID_ARGUMENT;
        if (jsonio_get_int(e, where, "slot", 0, 0, 35, &slot)) return STATUS_INVALID_ARGUMENT;
        if (slot >= 0 && count > item_info(id)->max_stack) {
            snprintf(field, sizeof field, "inventory[%zu].count", i);
            return bad(where, field, "more than one stack in a single slot");
        }
        for (int k = 0; slot >= 0 && k < p->n_inventory; k++)
            if (p->inventory[k].slot == slot) {
                snprintf(field, sizeof field, "inventory[%zu].slot", i);
                return bad(where, field, "slot already used by an earlier entry");
            }
        p->inventory[p->n_inventory++] = (PresetItem){id, (int)count, (int)slot};
    }
    return STATUS_OK;
}

static Status parse_spawn(const json_t *o, const char *where, WorldPreset *p) {
    if (!json_is_object(o)) return bad(where, "spawn", "expected an object");
    static const char *const keys[] = {"x", "y", "z", "yaw", "pitch", NULL};
    char w2[512];
    snprintf(w2, sizeof w2, "%s: spawn", where);
    if (jsonio_check_keys(o, w2, keys)) return STATUS_INVALID_ARGUMENT;
    double yaw = p->spawn_yaw, pitch = p->spawn_pitch;
    if (jsonio_get_number(o, w2, "x", 0, -COORD_LIMIT, COORD_LIMIT, &p->spawn_x) ||
        jsonio_get_number(o, w2, "z", 0, -COORD_LIMIT, COORD_LIMIT, &p->spawn_z) ||
        jsonio_get_number(o, w2, "yaw", 0, -360, 360, &yaw) ||
        jsonio_get_number(o, w2, "pitch", 0, -90, 90, &pitch))
        return STATUS_INVALID_ARGUMENT;
    if (json_object_get(o, "y")) {
        if (jsonio_get_number(o, w2, "y", 1, 0, WORLD_HEIGHT, &p->spawn_y))
            return STATUS_INVALID_ARGUMENT;
        p->spawn_y_given = 1;
    }
    p->spawn_yaw = (float)yaw;
    p->spawn_pitch = (float)pitch;
    return STATUS_OK;
}

static Status parse_features(const json_t *o, const char *where, WorldGen *g) {
    if (!json_is_object(o)) return bad(where, "features", "expected an object");
    static const char *const keys[] = {"trees", "caves", "ores", NULL};
    char w2[512];
    snprintf(w2, sizeof w2, "%s: features", where);
    if (jsonio_check_keys(o, w2, keys)) return STATUS_INVALID_ARGUMENT;
    if (jsonio_get_bool(o, w2, "trees", 0, &g->trees) ||
        jsonio_get_bool(o, w2, "caves", 0, &g->caves) ||
        jsonio_get_bool(o, w2, "ores", 0, &g->ores))
        return STATUS_INVALID_ARGUMENT;
    return STATUS_OK;
}

static Status parse_root(const json_t *root, const char *where, WorldPreset *p) {
    if (!json_is_object(root)) {
        LOG_ERROR(TAG, "%s: expected a JSON object at the top level", where);
        return STATUS_INVALID_ARGUMENT;
    }
    static const char *const keys[] = {"name",        "generator",      "seed",       "layers",
                                       "features",    "boxes",          "blocks",     "spawn",
                                       "inventory",   "time_of_day",    "day_length", "fixed_time",
                                       "mobs",        "episode_length", "task",       "view_radius",
                                       "description", "hostile_mobs",   NULL};
    if (jsonio_check_keys(root, where, keys)) return STATUS_INVALID_ARGUMENT;
    const char *s = NULL;
    if (jsonio_get_string(root, where, "generator", 1, &s)) return STATUS_INVALID_ARGUMENT;
    GenKind k = gen_kind_from_name(s);
    if (k == GEN_KIND_COUNT)
        return bad(where, "generator", "expected \"default\", \"flat\" or \"void\"");
    if (k == GEN_FLAT)
        preset_builtin_flat(p);
    else if (k == GEN_VOID)
        preset_builtin_void(p);
    s = NULL;
    if (jsonio_get_string(root, where, "name", 0, &s)) return STATUS_INVALID_ARGUMENT;
    if (s) snprintf(p->name, sizeof p->name, "%s", s);
    long long v;
    v = 0;
    if (jsonio_get_int(root, where, "seed", 0, 0, 9007199254740991LL, &v))
        return STATUS_INVALID_ARGUMENT;
    p->seed = (uint64_t)v;
    const json_t *o;
    if ((o = json_object_get(root, "layers"))) {
        if (k != GEN_FLAT) return bad(where, "layers", "only the flat generator has layers");
        if (parse_layers(o, where, &p->gen)) return STATUS_INVALID_ARGUMENT;
    }
    if ((o = json_object_get(root, "features")) && parse_features(o, where, &p->gen))
        return STATUS_INVALID_ARGUMENT;
    if ((o = json_object_get(root, "boxes")) && parse_boxes(o, where, &p->gen))
        return STATUS_INVALID_ARGUMENT;
    if ((o = json_object_get(root, "blocks")) && parse_blocks(o, where, &p->gen))
        return STATUS_INVALID_ARGUMENT;
    if ((o = json_object_get(root, "spawn")) && parse_spawn(o, where, p))
        return STATUS_INVALID_ARGUMENT;
    if ((o = json_object_get(root, "inventory")) && parse_inventory(o, where, p))
        return STATUS_INVALID_ARGUMENT;
    long long dl = p->day_length, tod = p->time_of_day, ep = p->episode_length, vr = p->view_radius;
    if (jsonio_get_int(root, where, "day_length", 0, 1, 10000000, &dl) ||
        jsonio_get_int(root, where, "time_of_day", 0, 0, 23999, &tod) ||
        jsonio_get_int(root, where, "episode_length", 0, 0, 100000000, &ep) ||
        jsonio_get_int(root, where, "view_radius", 0, 1, 12, &vr) ||
        jsonio_get_bool(root, where, "fixed_time", 0, &p->fixed_time) ||
        jsonio_get_bool(root, where, "mobs", 0, &p->mobs) ||
        jsonio_get_bool(root, where, "hostile_mobs", 0, &p->hostile_mobs))
        return STATUS_INVALID_ARGUMENT;
    if (tod >= dl) return bad(where, "time_of_day", "must be below day_length");
    p->day_length = (int)dl;
    p->time_of_day = (int)tod;
    p->episode_length = (int)ep;
    p->view_radius = (int)vr;
    s = NULL;
    if (jsonio_get_string(root, where, "task", 0, &s)) return STATUS_INVALID_ARGUMENT;
    if (s) {
        if (strlen(s) >= sizeof p->task) return bad(where, "task", "name too long");
        snprintf(p->task, sizeof p->task, "%s", s);
    }
    s = NULL;
    if (jsonio_get_string(root, where, "description", 0, &s)) return STATUS_INVALID_ARGUMENT;
    return STATUS_OK;
}

static Status parse_finish(json_t *root, const char *where, WorldPreset *out) {
    WorldPreset p;
    preset_init_default(&p);
    Status st = parse_root(root, where, &p);
    json_decref(root);
    if (st) {
        preset_deinit(&p);
        memset(out, 0, sizeof *out);
        return st;
    }
    *out = p;
    return STATUS_OK;
}

Status preset_load_file(const char *path, WorldPreset *out) {
    memset(out, 0, sizeof *out);
    json_t *root = NULL;
    Status st = jsonio_load_file(path, &root);
    if (st) return st;
    return parse_finish(root, path, out);
}

Status preset_load_string(const char *json, const char *where, WorldPreset *out) {
    memset(out, 0, sizeof *out);
    json_t *root = NULL;
    Status st = jsonio_load_buffer(json, strlen(json), where, 0, &root);
    if (st) return st;
    return parse_finish(root, where, out);
}
