/* recipe.c: loading and matching crafting recipes, smelting and fuels (see recipe.h).
 *
 * The JSON format (worlds/recipes.json):
 *   {"shaped": [{"pattern": ["XXX", " # ", " # "], "key": {"X": "oak_planks",
 *                "#": "stick"}, "result": "wooden_pickaxe", "count": 1}, ...],
 *    "shapeless": [{"ingredients": ["oak_log"], "result": "oak_planks", "count": 4}],
 *    "smelting": [{"input": "iron_ore", "result": "iron_ingot"}],
 *    "fuels": [{"item": "coal", "ticks": 1600}]}
 * A key or ingredient may also be a list of accepted items (["coal", "charcoal"]). */
#include "sim/recipe.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/jsonio.h"
#include "core/log.h"

/* Generated at build time from worlds/recipes.json (sim/CMakeLists.txt). */
extern const char SIM_RECIPES_JSON[];

#define TAG "recipe"

static ItemId lookup_item(const char *name) {
    ItemId id = item_from_name(name);
    if (id == ITEM_NONE || id >= ITEM_COUNT) return ITEM_NONE;
    return id;
}

/* An ingredient from a string or a list of strings. */
static Status parse_ingredient(const json_t *v, const char *where, RecipeIngredient *out) {
    memset(out, 0, sizeof *out);
    if (json_is_string(v)) {
        ItemId id = lookup_item(json_string_value(v));
        if (id == ITEM_NONE) {
            LOG_ERROR(TAG, "%s: unknown item '%s'", where, json_string_value(v));
            return STATUS_INVALID_ARGUMENT;
        }
        out->alts[0] = id;
        out->n_alts = 1;
        return STATUS_OK;
    }
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > RECIPE_MAX_ALTS) {
        LOG_ERROR(TAG, "%s: expected an item name or a list of 1..%d item names", where,
                  RECIPE_MAX_ALTS);
        return STATUS_INVALID_ARGUMENT;
    }
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e) {
        ItemId id = json_is_string(e) ? lookup_item(json_string_value(e)) : ITEM_NONE;
        if (id == ITEM_NONE) {
            LOG_ERROR(TAG, "%s[%zu]: unknown item '%s'", where, i,
                      json_is_string(e) ? json_string_value(e) : "(not a string)");
            return STATUS_INVALID_ARGUMENT;
        }
        out->alts[out->n_alts++] = id;
    }
    return STATUS_OK;
}

static Status parse_result(const json_t *obj, const char *where, Recipe *r) {
    const char *name = NULL;
    long long count = 1;
    Status st = jsonio_get_string(obj, where, "result", 1, &name);
    if (st == STATUS_OK) st = jsonio_get_int(obj, where, "count", 0, 1, 64, &count);
    if (st != STATUS_OK) return st;
    r->result = lookup_item(name);
    if (r->result == ITEM_NONE) {
        LOG_ERROR(TAG, "%s: field 'result': unknown item '%s'", where, name);
        return STATUS_INVALID_ARGUMENT;
    }
    r->count = (int)count;
    return STATUS_OK;
}

static Status parse_shaped(const json_t *obj, const char *where, Recipe *r) {
    static const char *const keys[] = {"pattern", "key", "result", "count", NULL};
    Status st = jsonio_check_keys(obj, where, keys);
    if (st != STATUS_OK) return st;
    const json_t *pat = json_object_get(obj, "pattern");
    const json_t *key = json_object_get(obj, "key");
    if (!json_is_array(pat) || json_array_size(pat) < 1 || json_array_size(pat) > 3) {
        LOG_ERROR(TAG, "%s: field 'pattern': expected a list of 1..3 strings", where);
        return STATUS_INVALID_ARGUMENT;
    }
    if (!json_is_object(key)) {
        LOG_ERROR(TAG, "%s: field 'key': expected an object mapping symbols to items", where);
        return STATUS_INVALID_ARGUMENT;
    }
    r->shaped = 1;
    r->h = (int)json_array_size(pat);
    r->w = 0;
    int filled = 0;
    for (int y = 0; y < r->h; y++) {
        const json_t *row = json_array_get(pat, (size_t)y);
        const char *s = json_is_string(row) ? json_string_value(row) : NULL;
        int len = s ? (int)strlen(s) : 0;
        if (!s || len < 1 || len > 3 || (y > 0 && len != r->w)) {
            LOG_ERROR(TAG, "%s: field 'pattern[%d]': expected 1..3 symbols, all rows as wide",
                      where, y);
            return STATUS_INVALID_ARGUMENT;
        }
        r->w = len;
    }
    for (int y = 0; y < r->h; y++) {
        const char *s = json_string_value(json_array_get(pat, (size_t)y));
        for (int x = 0; x < r->w; x++) {
            RecipeIngredient *cell = &r->cells[y * r->w + x];
            memset(cell, 0, sizeof *cell);
            if (s[x] == ' ') continue;
            char sym[2] = {s[x], 0};
            const json_t *v = json_object_get(key, sym);
            char w2[512];
            snprintf(w2, sizeof w2, "%s: key.%s", where, sym);
            if (!v) {
                LOG_ERROR(TAG, "%s: symbol '%s' of the pattern is not in 'key'", where, sym);
                return STATUS_INVALID_ARGUMENT;
            }
            st = parse_ingredient(v, w2, cell);
            if (st != STATUS_OK) return st;
            filled++;
        }
    }
    if (filled == 0) {
        LOG_ERROR(TAG, "%s: field 'pattern': empty", where);
        return STATUS_INVALID_ARGUMENT;
    }
    return parse_result(obj, where, r);
}

static Status parse_shapeless(const json_t *obj, const char *where, Recipe *r) {
    static const char *const keys[] = {"ingredients", "result", "count", NULL};
    Status st = jsonio_check_keys(obj, where, keys);
    if (st != STATUS_OK) return st;
    const json_t *ings = json_object_get(obj, "ingredients");
    if (!json_is_array(ings) || json_array_size(ings) < 1 || json_array_size(ings) > 9) {
        LOG_ERROR(TAG, "%s: field 'ingredients': expected a list of 1..9 items", where);
        return STATUS_INVALID_ARGUMENT;
    }
    r->shaped = 0;
    r->h = 1;
    r->w = (int)json_array_size(ings);
    for (int i = 0; i < r->w; i++) {
        char w2[512];
        snprintf(w2, sizeof w2, "%s: ingredients[%d]", where, i);
        st = parse_ingredient(json_array_get(ings, (size_t)i), w2, &r->cells[i]);
        if (st != STATUS_OK) return st;
    }
    return parse_result(obj, where, r);
}

static Status parse_list(const json_t *root, const char *where, const char *field, RecipeSet *out) {
    const json_t *list = json_object_get(root, field);
    if (!list) return STATUS_OK;
    if (!json_is_array(list)) {
        LOG_ERROR(TAG, "%s: field '%s': expected a list", where, field);
        return STATUS_INVALID_ARGUMENT;
    }
    size_t i;
    const json_t *e;
    int shaped = strcmp(field, "shaped") == 0;
    json_array_foreach(list, i, e) {
        char w2[256];
        snprintf(w2, sizeof w2, "%s: %s[%zu]", where, field, i);
        if (out->n_recipes >= RECIPE_MAX) {
            LOG_ERROR(TAG, "%s: more than %d recipes", w2, RECIPE_MAX);
            return STATUS_INVALID_ARGUMENT;
        }
        Recipe *r = &out->recipes[out->n_recipes];
        memset(r, 0, sizeof *r);
        Status st = shaped ? parse_shaped(e, w2, r) : parse_shapeless(e, w2, r);
        if (st != STATUS_OK) return st;
        out->n_recipes++;
    }
    return STATUS_OK;
}

/* "smelting" and "fuels": lists of {a: item, b: item-or-int}. */
static Status parse_smelting(const json_t *root, const char *where, RecipeSet *out) {
    static const char *const skeys[] = {"input", "result", NULL};
    static const char *const fkeys[] = {"item", "ticks", NULL};
    const json_t *sm = json_object_get(root, "smelting"), *fu = json_object_get(root, "fuels");
    if ((sm && !json_is_array(sm)) || (fu && !json_is_array(fu))) {
        LOG_ERROR(TAG, "%s: fields 'smelting' and 'fuels' must be lists", where);
        return STATUS_INVALID_ARGUMENT;
    }
    size_t i;
    const json_t *e;
    json_array_foreach(sm, i, e) {
        char w2[256];
        snprintf(w2, sizeof w2, "%s: smelting[%zu]", where, i);
        const char *a = NULL, *b = NULL;
        Status st = jsonio_check_keys(e, w2, skeys);
        if (st == STATUS_OK) st = jsonio_get_string(e, w2, "input", 1, &a);
        if (st == STATUS_OK) st = jsonio_get_string(e, w2, "result", 1, &b);
        if (st != STATUS_OK) return st;
        SmeltRecipe s = {lookup_item(a), lookup_item(b)};
        if (s.input == ITEM_NONE || s.result == ITEM_NONE || out->n_smelts >= SMELT_MAX) {
            LOG_ERROR(TAG, "%s: unknown item '%s' or '%s' (or more than %d entries)", w2, a, b,
                      SMELT_MAX);
            return STATUS_INVALID_ARGUMENT;
        }
        out->smelts[out->n_smelts++] = s;
    }
    json_array_foreach(fu, i, e) {
        char w2[256];
        snprintf(w2, sizeof w2, "%s: fuels[%zu]", where, i);
        const char *a = NULL;
        long long ticks = 0;
        Status st = jsonio_check_keys(e, w2, fkeys);
        if (st == STATUS_OK) st = jsonio_get_string(e, w2, "item", 1, &a);
        if (st == STATUS_OK) st = jsonio_get_int(e, w2, "ticks", 1, 1, 1000000, &ticks);
        if (st != STATUS_OK) return st;
        FuelInfo f = {lookup_item(a), (int)ticks};
        if (f.item == ITEM_NONE || out->n_fuels >= FUEL_MAX) {
            LOG_ERROR(TAG, "%s: field 'item': unknown item '%s' (or more than %d fuels)", w2, a,
                      FUEL_MAX);
            return STATUS_INVALID_ARGUMENT;
        }
        out->fuels[out->n_fuels++] = f;
    }
    return STATUS_OK;
}

Status recipe_set_load_buffer(const char *text, const char *where, RecipeSet *out) {
    static const char *const keys[] = {"shaped", "shapeless", "smelting", "fuels", "comment", NULL};
    memset(out, 0, sizeof *out);
    json_t *root = NULL;
    Status st = jsonio_load_buffer(text, strlen(text), where, 0, &root);
    if (st != STATUS_OK) return st;
    if (!json_is_object(root)) {
        LOG_ERROR(TAG, "%s: expected a JSON object", where);
        st = STATUS_INVALID_ARGUMENT;
    }
    if (st == STATUS_OK) st = jsonio_check_keys(root, where, keys);
    if (st == STATUS_OK) st = parse_list(root, where, "shaped", out);
    if (st == STATUS_OK) st = parse_list(root, where, "shapeless", out);
    if (st == STATUS_OK) st = parse_smelting(root, where, out);
    json_decref(root);
    return st;
}

Status recipe_set_load_file(const char *path, RecipeSet *out) {
    /* The file's own text, so syntax errors keep their line and column. */
    char *text = NULL;
    Status st = fs_read_file(path, &text, NULL);
    if (st != STATUS_OK) return st;
    st = recipe_set_load_buffer(text, path, out);
    mem_free(text);
    return st;
}

/* The compiled-in set: written once under pthread_once, immutable afterwards (the one piece
 * of process-wide state in this module; it is a constant table, not mutable game state). */
static RecipeSet default_set;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void) {
    Status st =
        recipe_set_load_buffer(SIM_RECIPES_JSON, "worlds/recipes.json (built in)", &default_set);
    ASSERT(st == STATUS_OK); /* the build embeds a file the tests validate */
}

const RecipeSet *recipe_set_default(void) {
    pthread_once(&default_once, default_init);
    return &default_set;
}

int recipe_ingredient_accepts(const RecipeIngredient *ing, ItemId item) {
    for (int i = 0; i < ing->n_alts; i++)
        if (ing->alts[i] == item) return 1;
    return 0;
}

/* Shaped match with the pattern's top-left at (ox, oy), optionally mirrored. Every grid cell
 * outside the pattern must be empty. */
static int shaped_match_at(const Recipe *r, const ItemStack *grid, int gw, int ox, int oy,
                           int mirror) {
    for (int y = 0; y < gw; y++) {
        for (int x = 0; x < gw; x++) {
            const ItemStack *s = &grid[y * gw + x];
            ItemId item = s->count > 0 ? s->item : ITEM_NONE;
            int px = x - ox, py = y - oy;
            const RecipeIngredient *ing = NULL;
            if (px >= 0 && px < r->w && py >= 0 && py < r->h)
                ing = &r->cells[py * r->w + (mirror ? r->w - 1 - px : px)];
            if (!ing || ing->n_alts == 0) {
                if (item != ITEM_NONE) return 0;
            } else if (!recipe_ingredient_accepts(ing, item)) {
                return 0;
            }
        }
    }
    return 1;
}

static int shapeless_match(const Recipe *r, const ItemStack *grid, int gw) {
    int used[RECIPE_MAX_CELLS] = {0};
    int n_items = 0;
    for (int c = 0; c < gw * gw; c++) {
        if (grid[c].count == 0) continue;
        n_items++;
        int found = 0;
        for (int i = 0; i < r->w && !found; i++) {
            if (!used[i] && recipe_ingredient_accepts(&r->cells[i], grid[c].item)) {
                used[i] = 1;
                found = 1;
            }
        }
        if (!found) return 0;
    }
    return n_items == r->w;
}

int recipe_match(const RecipeSet *set, const ItemStack *grid, int grid_w) {
    ASSERT(grid_w == 2 || grid_w == 3);
    for (int i = 0; i < set->n_recipes; i++) {
        const Recipe *r = &set->recipes[i];
        if (!r->shaped) {
            if (shapeless_match(r, grid, grid_w)) return i;
            continue;
        }
        if (r->w > grid_w || r->h > grid_w) continue;
        for (int oy = 0; oy + r->h <= grid_w; oy++)
            for (int ox = 0; ox + r->w <= grid_w; ox++)
                for (int m = 0; m < 2; m++)
                    if (shaped_match_at(r, grid, grid_w, ox, oy, m)) return i;
    }
    return -1;
}

int recipe_fits(const Recipe *r, int grid_w) {
    if (r->shaped) return r->w <= grid_w && r->h <= grid_w;
    return r->w <= grid_w * grid_w;
}

int recipe_available(const Recipe *r, const int have[ITEM_COUNT]) {
    int left[ITEM_COUNT];
    memcpy(left, have, sizeof left);
    for (int i = 0; i < r->w * r->h; i++) {
        const RecipeIngredient *ing = &r->cells[i];
        if (ing->n_alts == 0) continue;
        int ok = 0;
        for (int a = 0; a < ing->n_alts && !ok; a++) {
            if (left[ing->alts[a]] > 0) {
                left[ing->alts[a]]--;
                ok = 1;
            }
        }
        if (!ok) return 0;
    }
    return 1;
}

int recipe_cell_slot(const Recipe *r, int i, int grid_w) {
    ASSERT(i >= 0 && i < r->w * r->h);
    if (r->shaped) return (i / r->w) * grid_w + i % r->w;
    return i; /* shapeless: fill the grid row-major */
}

ItemId recipe_smelt_result(const RecipeSet *set, ItemId input) {
    for (int i = 0; i < set->n_smelts; i++)
        if (set->smelts[i].input == input) return set->smelts[i].result;
    return ITEM_NONE;
}

int recipe_fuel_ticks(const RecipeSet *set, ItemId item) {
    for (int i = 0; i < set->n_fuels; i++)
        if (set->fuels[i].item == item) return set->fuels[i].ticks;
    return 0;
}
