/* test_render_golden.c: golden images of a dozen fixed scenes (day, night, water, underwater,
 * mobs and items, cutout leaves and glass, a flat sim world, the three GUI screens, 64x64
 * observations), compared with tests/data/render/NAME.png with a tight tolerance: at most
 * 0.2% of pixels off at all, and at most two of them by more than 3 levels. VPT_RENDER_REGEN=1
 * rewrites the images instead (tests/data/render/regenerate.sh). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "render/png.h"
#include "scenes.h"
#include "sim/env.h"
#include "sim/mob.h"
#include "tests/check.h"

static SynthWorld *WORLD;
static const Renderer *RENDER_UNDER_TEST_PTR;

const SynthWorld *scenes_world(void) {
    if (!WORLD) {
        WORLD = mem_alloc(sizeof *WORLD);
        synth_world_build(WORLD);
    }
    return WORLD;
}

void scenes_synth(RenderScene *sc, double x, double y, double z, float yaw, float pitch, int tod) {
    memset(sc, 0, sizeof *sc);
    sc->world = synth_world_view(scenes_world());
    sc->eye[0] = x, sc->eye[1] = y, sc->eye[2] = z;
    sc->yaw = yaw, sc->pitch = pitch, sc->time_of_day = tod;
    sc->show_hud = 1;
    sc->health = 17, sc->food = 14, sc->air = 300, sc->air_max = 300;
    static const ItemStack HOTBAR[9] = {
        {ITEM_WOODEN_PICKAXE, 1, 0}, {BLOCK_OAK_LOG, 12, 0}, {BLOCK_COBBLESTONE, 64, 0},
        {ITEM_STICK, 5, 0},          {BLOCK_TORCH, 16, 0},   {ITEM_COAL, 3, 0},
        {ITEM_IRON_INGOT, 2, 0},     {ITEM_DIAMOND, 1, 0},   {ITEM_RAW_PORKCHOP, 4, 0},
    };
    memcpy(sc->inventory, HOTBAR, sizeof HOTBAR);
    sc->selected = 1;
}

void scenes_add_entities(RenderScene *sc) {
    sc->n_mobs = 4;
    for (int i = 0; i < 4; i++) {
        RenderMob *m = &sc->mobs[i];
        m->type = i;
        m->x = -3.5 + 2.3 * i;
        m->z = 13.0 - 0.5 * (i % 2);
        m->y = synth_height((int)floor(m->x), (int)floor(m->z)) + 1;
        m->yaw = -40.0f + 25.0f * (float)i;
        m->hurt = i == 1 ? 5 : 0;
    }
    sc->n_items = 3;
    const ItemId items[3] = {BLOCK_OAK_LOG, ITEM_DIAMOND, ITEM_STONE_PICKAXE};
    for (int i = 0; i < 3; i++) {
        RenderItemEntity *it = &sc->items[i];
        it->x = 1.8 - 1.2 * i, it->z = 15.2, it->y = synth_height((int)floor(it->x), 15) + 1;
        it->item = items[i], it->count = i == 0 ? 20 : 1, it->age = 10 * i;
    }
}

typedef struct Golden {
    const char *name;
    int w, h;
} Golden;

/* Builds scene `i`; env-backed scenes return their env (destroyed by the caller). */
static Env *build_scene(int i, RenderScene *sc) {
    int wall_y = synth_height(0, 5);
    switch (i) {
    case 0: /* day: the ore wall with the target outline and cracks */
        scenes_synth(sc, 0.5, wall_y + 2.6, 2.0, 0.0f, 5.0f, 6000);
        sc->has_target = 1, sc->target[0] = 0, sc->target[1] = wall_y + 2, sc->target[2] = 6;
        sc->break_progress = 0.55f;
        return NULL;
    case 1: /* the lake and the far hills */
    case 5:
        scenes_synth(sc, 0.5, 68.6, -1.5, 180.0f, 25.0f, 6000);
        sc->selected = 0;
        return NULL;
    case 2: /* night with a torch */
    case 6:
        scenes_synth(sc, 0.5, 67.6, -3.5, 0.0f, 10.0f, 18000);
        sc->selected = 4;
        return NULL;
    case 3: /* mobs and dropped items */
        scenes_synth(sc, 0.5, synth_height(0, 17) + 2.6, 17.5, 180.0f, 20.0f, 6000);
        scenes_add_entities(sc);
        return NULL;
    case 4:                                                      /* under water, air running out */
        scenes_synth(sc, -7.5, 60.8, -14.5, 160.0f, 5.0f, 6000); /* the lake's deepest part */
        sc->eye_in_water = synth_world_get(scenes_world(), -8, 60, -15) == BLOCK_WATER;
        sc->air = 130;
        return NULL;
    case 7: /* leaves and glass up close, at sunset */
        scenes_synth(sc, 3.5, synth_height(6, 10) + 3.2, 6.5, 20.0f, 10.0f, 12300);
        return NULL;
    default:
        break;
    }
    WorldPreset p;
    preset_builtin_flat(&p);
    p.mobs = 0;
    p.time_of_day = 6000;
    p.fixed_time = 1;
    Env *env = env_create(&p, 5);
    preset_deinit(&p);
    env_load_all(env);
    Player *pl = env_player_mut(env);
    World *w = env_world_mut(env);
    int gy = (int)pl->y;
    world_block_set(w, 2, gy, 4, BLOCK_CRAFTING_TABLE);
    world_block_set(w, 0, gy, 4, BLOCK_FURNACE);
    world_block_set(w, -2, gy, 4, BLOCK_OAK_LOG);
    world_block_set(w, -2, gy + 1, 4, BLOCK_TORCH);
    static const ItemStack INV[8] = {
        {BLOCK_OAK_LOG, 7, 0},       {BLOCK_OAK_PLANKS, 20, 0}, {ITEM_STICK, 8, 0},
        {BLOCK_COBBLESTONE, 33, 0},  {ITEM_COAL, 5, 0},         {ITEM_IRON_INGOT, 3, 0},
        {ITEM_WOODEN_PICKAXE, 1, 0}, {BLOCK_IRON_ORE, 2, 0},
    };
    memcpy(pl->inventory.slots, INV, sizeof INV);
    pl->inventory.slots[20] = (ItemStack){ITEM_DIAMOND, 2, 0};
    Action none = {0, 0.0f, 25.0f};
    env_step(env, &none);
    if (i == 8) /* real mobs from the sim, in front of the placed blocks */
        for (int m = 0; m < 4; m++) env_mob_spawn(env, m, -3.5 + 2.4 * m, gy, 7.5 + (m % 2));
    render_scene_from_env(env, sc);
    static const char *const SCREENS[] = {"inventory", "crafting_table", "furnace", "inventory"};
    if (i >= 9) {
        render_scene_open_gui(sc, env, SCREENS[i - 9]);
        sc->gui.cursor_x = 520, sc->gui.cursor_y = 96;            /* over the output slot */
        if (i == 9) sc->gui.cursor_x = 50, sc->gui.cursor_y = 40; /* over the first recipe */
        sc->gui.cursor_stack = (ItemStack){ITEM_STICK, 4, 0};
        if (i == 11) sc->gui.furnace_progress = 0.4f, sc->gui.furnace_fuel = 0.7f;
    }
    return env;
}

static const Golden GOLDEN[] = {
    {"day_wall_target", 160, 90}, {"lake_hills", 160, 90},          {"night_torch", 160, 90},
    {"mobs_items", 160, 90},      {"underwater", 160, 90},          {"lake_64", 64, 64},
    {"night_64", 64, 64},         {"leaves_glass_sunset", 160, 90}, {"flat_world", 160, 90},
    {"gui_inventory", 160, 90},   {"gui_crafting_table", 160, 90},  {"gui_furnace", 160, 90},
    {"gui_inventory_64", 64, 64},
};
#define N_GOLDEN ((int)(sizeof GOLDEN / sizeof GOLDEN[0]))

static void compare(const char *name, const uint8_t *got, int w, int h) {
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/render/%s.png", VPT_SOURCE_DIR, name);
    if (getenv("VPT_RENDER_REGEN")) {
        CHECK_EQ_INT(render_png_write(path, got, w, h), STATUS_OK);
        return;
    }
    uint8_t *want = NULL;
    int ww = 0, wh = 0;
    CHECK_MSG(render_png_read(path, &want, &ww, &wh) == STATUS_OK, "%s: golden image missing",
              path);
    if (!want) return;
    CHECK_EQ_INT(ww, w);
    CHECK_EQ_INT(wh, h);
    if (ww == w && wh == h) {
        int off = 0, big = 0, worst = 0;
        for (int i = 0; i < w * h; i++) {
            int d = 0;
            for (int k = 0; k < 3; k++) {
                int e = abs((int)got[3 * i + k] - (int)want[3 * i + k]);
                d = e > d ? e : d;
            }
            off += d > 0;
            big += d > 3;
            worst = d > worst ? d : worst;
        }
        /* Tight: at most 0.2% of pixels differ at all, and only a couple by more than 3 levels
         * (a texel edge that float rounding moves by one pixel on another compiler). */
        int ok = off * 500 <= w * h && big <= 2;
        CHECK_MSG(ok, "%s: %d pixels differ, %d by more than 3, worst by %d", name, off, big,
                  worst);
        if (!ok) {
            snprintf(path, sizeof path, "%s-actual.png", name);
            render_png_write(path, got, w, h);
        }
    }
    mem_free(want);
}

static void test_golden_images(void) {
    for (int i = 0; i < N_GOLDEN; i++) {
        RenderScene *sc = mem_alloc(sizeof *sc);
        Env *env = build_scene(i, sc);
        uint8_t *rgb = mem_alloc((size_t)GOLDEN[i].w * GOLDEN[i].h * 3);
        render_scene(RENDER_UNDER_TEST_PTR, sc, rgb, GOLDEN[i].w, GOLDEN[i].h);
        compare(GOLDEN[i].name, rgb, GOLDEN[i].w, GOLDEN[i].h);
        mem_free(rgb);
        mem_free(sc);
        env_destroy(env);
    }
}

int test_render_golden(const Renderer *r) {
    RENDER_UNDER_TEST_PTR = r;
    TEST_RUN(test_golden_images);
    mem_free(WORLD);
    WORLD = NULL;
    /* check.h's state is per translation unit: hand the failures to main's */
    return check_state.failures;
}
