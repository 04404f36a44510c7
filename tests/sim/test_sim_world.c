/* test_sim_world.c: generator properties (bedrock floor, ores only at their depths and few
 * diamonds, trees standing on ground, no water over air, biomes and hills present, chunk seams
 * identical whatever the generation order, light independent of load order), the flat and
 * void generators, chunk loading/unloading with edits kept, and world preset validation. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/rng.h"
#include "core/sha256.h"
#include "sim/gen.h"
#include "sim/preset.h"
#include "sim/world.h"
#include "tests/check.h"

static WorldGen default_gen(uint64_t seed) {
    WorldPreset p;
    preset_init_default(&p);
    WorldGen g = p.gen;
    g.seed = seed;
    return g;
}

#define N_SIDE 6 /* 6 x 6 chunks per property check */

static void test_bedrock_and_ores(void) {
    WorldGen g = default_gen(11);
    uint8_t *b = mem_alloc(CHUNK_VOLUME);
    long coal = 0, iron = 0, diamond = 0;
    int max_diamond = 0, chunks_with_diamond = 0;
    for (int c = 0; c < N_SIDE * N_SIDE; c++) {
        gen_chunk(&g, c % N_SIDE - 3, c / N_SIDE - 3, b);
        int d = 0;
        for (int i = 0; i < CHUNK_VOLUME; i++) {
            int y = i / CHUNK_AREA;
            if (y == 0) CHECK(b[i] == BLOCK_BEDROCK);
            if (y > 2) CHECK(b[i] != BLOCK_BEDROCK);
            if (b[i] == BLOCK_COAL_ORE) {
                coal++;
                CHECK(y >= 5 && y <= 100);
            }
            if (b[i] == BLOCK_IRON_ORE) {
                iron++;
                CHECK_MSG(y >= 5 && y <= 63, "iron at y %d", y);
            }
            if (b[i] == BLOCK_DIAMOND_ORE) {
                d++;
                CHECK_MSG(y >= 2 && y < 16, "diamond at y %d", y);
            }
        }
        diamond += d;
        if (d > max_diamond) max_diamond = d;
        if (d) chunks_with_diamond++;
    }
    mem_free(b);
    int n = N_SIDE * N_SIDE;
    CHECK_MSG(coal > iron && iron > diamond, "coal %ld iron %ld diamond %ld", coal, iron, diamond);
    CHECK(coal / n >= 20);          /* coal is common */
    CHECK(iron / n >= 10);          /* iron is findable */
    CHECK(max_diamond <= 4);        /* a few per chunk at most */
    CHECK(chunks_with_diamond > 0); /* but they exist */
    CHECK(chunks_with_diamond < n); /* and not in every chunk */
}

/* Loads an area with a world and checks trees and water across chunk borders. */
static void test_trees_water_biomes(void) {
    WorldGen g = default_gen(5);
    World *w = world_create(&g, 6);
    world_load_around(w, 0, 0, 6, -1);
    int logs = 0, water = 0, bad_trunk = 0, water_over_air = 0, water_beside_air = 0, hills = 0;
    int lo = -6 * 16, hi = 7 * 16;
    for (int z = lo; z < hi; z++)
        for (int x = lo; x < hi; x++)
            for (int y = 1; y < WORLD_HEIGHT; y++) {
                uint8_t b = world_block_get(w, x, y, z), below = world_block_get(w, x, y - 1, z);
                if (b == BLOCK_OAK_LOG) {
                    logs++;
                    if (below != BLOCK_OAK_LOG && below != BLOCK_DIRT && below != BLOCK_GRASS)
                        bad_trunk++;
                }
                if (b == BLOCK_WATER) {
                    water++;
                    if (below == BLOCK_AIR) water_over_air++;
                    /* no wall of water standing next to air (holes at seams), inside the area */
                    int inner = x > lo && x < hi - 1 && z > lo && z < hi - 1;
                    if (inner && (world_block_get(w, x + 1, y, z) == BLOCK_AIR ||
                                  world_block_get(w, x - 1, y, z) == BLOCK_AIR ||
                                  world_block_get(w, x, y, z + 1) == BLOCK_AIR ||
                                  world_block_get(w, x, y, z - 1) == BLOCK_AIR))
                        water_beside_air++;
                }
                if (b != BLOCK_AIR && y > 90 && b != BLOCK_OAK_LEAVES && b != BLOCK_OAK_LOG)
                    hills++;
            }
    CHECK(logs > 50);
    CHECK_EQ_INT(bad_trunk, 0);
    CHECK(water > 100);
    CHECK_EQ_INT(water_over_air, 0);
    CHECK_EQ_INT(water_beside_air, 0);
    world_destroy(w);
    /* biomes over a wide area */
    int seen[BIOME_COUNT] = {0};
    int max_h = 0;
    for (int z = -2000; z <= 2000; z += 40)
        for (int x = -2000; x <= 2000; x += 40) {
            seen[gen_biome(&g, x, z)]++;
            int h = gen_surface_height(&g, x, z);
            if (h > max_h) max_h = h;
        }
    for (int b = 0; b < BIOME_COUNT; b++)
        CHECK_MSG(seen[b] > 0, "biome %s never seen", gen_biome_name((GenBiome)b));
    CHECK(max_h > 85); /* hills */
    (void)hills;
}

/* Chunks generated in different orders (and inside different worlds) are identical, blocks
 * and light, so seams agree. */
static void test_seams_and_light_order(void) {
    WorldGen g = default_gen(99);
    World *a = world_create(&g, 3), *b = world_create(&g, 3);
    world_load_around(a, 0, 0, 3, -1); /* rings from the center outwards */
    /* b: from a far corner inwards, one chunk at a time from shifted centers */
    for (int k = 3; k >= 0; k--) world_load_around(b, k - 1, k - 1, 3, -1);
    world_load_around(b, 0, 0, 3, -1);
    int same_blocks = 1, same_light = 1, compared = 0;
    for (int cz = -2; cz <= 2; cz++)
        for (int cx = -2; cx <= 2; cx++) {
            const uint8_t *ba = world_chunk_blocks(a, cx, cz), *bb = world_chunk_blocks(b, cx, cz);
            CHECK(ba && bb);
            if (!ba || !bb) continue;
            compared++;
            if (memcmp(ba, bb, CHUNK_VOLUME)) same_blocks = 0;
            /* light of chunks whose neighbours are all loaded in both worlds */
            if (memcmp(world_chunk_light(a, cx, cz), world_chunk_light(b, cx, cz), CHUNK_VOLUME))
                same_light = 0;
        }
    CHECK(compared == 25);
    CHECK(same_blocks);
    CHECK(same_light);
    /* gen_chunk itself is a pure function */
    uint8_t *c1 = mem_alloc(CHUNK_VOLUME), *c2 = mem_alloc(CHUNK_VOLUME);
    gen_chunk(&g, -7, 3, c1);
    gen_chunk(&g, 12, 40, c2);
    gen_chunk(&g, -7, 3, c2);
    CHECK(memcmp(c1, c2, CHUNK_VOLUME) == 0);
    WorldGen g2 = default_gen(100);
    gen_chunk(&g2, -7, 3, c2);
    CHECK(memcmp(c1, c2, CHUNK_VOLUME) != 0); /* the seed matters */
    mem_free(c1);
    mem_free(c2);
    world_destroy(a);
    world_destroy(b);
}

static void test_flat_void_and_edits(void) {
    WorldPreset p;
    preset_builtin_flat(&p);
    World *w = world_create(&p.gen, 2);
    world_load_around(w, 0, 0, 2, -1);
    CHECK_EQ_INT(world_block_get(w, 5, 0, -7), BLOCK_BEDROCK);
    CHECK_EQ_INT(world_block_get(w, 5, 2, -7), BLOCK_DIRT);
    CHECK_EQ_INT(world_block_get(w, 5, 3, -7), BLOCK_GRASS);
    CHECK_EQ_INT(world_block_get(w, 5, 4, -7), BLOCK_AIR);
    CHECK_EQ_INT(world_block_get(w, 5, -1, -7), BLOCK_AIR); /* outside y range */
    CHECK_EQ_INT(world_block_get(w, 500, 2, 0), BLOCK_AIR); /* unloaded */
    CHECK(world_chunk_blocks(w, 31, 0) == NULL);
    /* an edit survives unloading and reloading */
    uint64_t h0 = world_hash(w);
    world_block_set(w, 5, 3, -7, BLOCK_COBBLESTONE);
    uint64_t h1 = world_hash(w);
    CHECK(h1 != h0);
    world_load_around(w, 40, 40, 2, -1); /* far away: the edited chunk unloads */
    CHECK(!world_chunk_loaded(w, 0, -1));
    CHECK(world_hash(w) == h1);
    CHECK_EQ_INT(world_edit_store_count(w), 1);
    CHECK(world_edit_store_bytes(w) < 2048); /* run-length coded: layers code small */
    /* a snapshot holding the stored edit restores it */
    WorldSnapshot *snap = world_snapshot(w);
    world_clear(w);
    CHECK(world_hash(w) != h1);
    world_restore(w, snap);
    world_snapshot_destroy(snap);
    CHECK(world_hash(w) == h1);
    world_load_around(w, 0, 0, 2, -1);
    CHECK_EQ_INT(world_block_get(w, 5, 3, -7), BLOCK_COBBLESTONE);
    CHECK(world_hash(w) == h1);
    CHECK(world_loaded_count(w) <= 9 * 9); /* memory bound: (2 (r + margin) + 1)^2 chunks */
    world_destroy(w);
    preset_builtin_void(&p);
    w = world_create(&p.gen, 1);
    world_load_around(w, 0, 0, 1, -1);
    int any = 0;
    for (int i = 0; i < CHUNK_VOLUME; i++) any |= world_chunk_blocks(w, 0, 0)[i];
    CHECK(!any);
    CHECK_EQ_INT(world_light_get(w, 3, 0, 3) >> 4, 15);
    world_destroy(w);
}

/* Incremental light equals light computed from scratch: random edits (torches, stone, glass,
 * leaves, water, air) applied one by one with world_block_set, against a world generated with
 * the same final blocks as overrides. */
static void light_incremental_case(uint64_t seed, int use_default) {
    WorldPreset p;
    preset_builtin_flat(&p);
    p.gen.layers[2] = (GenLayer){BLOCK_STONE, 12}; /* a thicker floor to dig into */
    int y0 = 4, y1 = 24;
    if (use_default) { /* terrain, trees, water and caves around the edits */
        p.gen = default_gen(seed);
        y0 = 50;
        y1 = 80;
    }
    World *a = world_create(&p.gen, 2);
    world_load_around(a, 0, 0, 2, -1);
    static const uint8_t KINDS[] = {BLOCK_AIR,   BLOCK_STONE,      BLOCK_TORCH, BLOCK_GLASS,
                                    BLOCK_WATER, BLOCK_OAK_LEAVES, BLOCK_AIR,   BLOCK_TORCH};
    enum { N_EDITS = 600 };
    GenBlock *edits = MEM_NEW_ARRAY(GenBlock, N_EDITS);
    Rng r = rng_stream(seed, 5);
    for (int i = 0; i < N_EDITS; i++) {
        GenBlock *k = &edits[i];
        k->x = rng_range(&r, -14, 14);
        k->z = rng_range(&r, -14, 14);
        k->y = rng_range(&r, y0, y1);
        k->block = KINDS[rng_below(&r, sizeof KINDS)];
        world_block_set(a, k->x, k->y, k->z, (BlockId)k->block);
    }
    WorldGen g2 = p.gen;
    g2.blocks = edits;
    g2.n_blocks = N_EDITS;
    World *b = world_create(&g2, 2);
    world_load_around(b, 0, 0, 2, -1);
    int diff = 0, first = -1;
    for (int cz = -1; cz <= 1; cz++)
        for (int cx = -1; cx <= 1; cx++) {
            CHECK(memcmp(world_chunk_blocks(a, cx, cz), world_chunk_blocks(b, cx, cz),
                         CHUNK_VOLUME) == 0);
            const uint8_t *la = world_chunk_light(a, cx, cz), *lb = world_chunk_light(b, cx, cz);
            for (int i = 0; i < CHUNK_VOLUME; i++)
                if (la[i] != lb[i]) {
                    if (first < 0) {
                        first = i;
                        int x = cx * 16 + (i & 15), y = i / CHUNK_AREA,
                            z = cz * 16 + ((i >> 4) & 15);
                        fprintf(stderr,
                                "light differs at (%d, %d, %d) %s: incremental %02x, full %02x\n",
                                x, y, z, block_info(world_block_get(a, x, y, z))->name, la[i],
                                lb[i]);
                    }
                    diff++;
                }
        }
    CHECK_MSG(diff == 0, "seed %llu: %d cells differ (first at index %d)", (unsigned long long)seed,
              diff, first);
    mem_free(edits);
    world_destroy(a);
    world_destroy(b);
}

static void test_light_incremental_matches_full(void) {
    for (uint64_t seed = 1; seed <= 3; seed++) light_incremental_case(seed, 0);
    for (uint64_t seed = 1; seed <= 3; seed++) light_incremental_case(seed, 1);
}

/* world_chunk_version: changes with the chunk's blocks and with light spilled into it from a
 * neighbour, never otherwise; a reloaded or recycled chunk never repeats a version; a restore
 * brings back the snapshot's versions with its blocks. */
static void test_chunk_versions(void) {
    WorldPreset p;
    preset_builtin_flat(&p);
    World *w = world_create(&p.gen, 2);
    world_load_around(w, 0, 0, 2, -1);
    uint64_t v00 = world_chunk_version(w, 0, 0), v10 = world_chunk_version(w, 1, 0);
    uint64_t v50 = world_chunk_version(w, 5, 0);
    CHECK(v00 != 0 && v10 != 0 && v00 != v10);
    CHECK(v50 == 0); /* not loaded */
    /* reads and no-op writes leave it */
    (void)world_block_get(w, 3, 3, 3);
    world_block_set(w, 3, 3, 3, world_block_get(w, 3, 3, 3));
    CHECK(world_chunk_version(w, 0, 0) == v00);
    /* a block */
    world_block_set(w, 3, 5, 3, BLOCK_COBBLESTONE);
    uint64_t v00b = world_chunk_version(w, 0, 0);
    CHECK(v00b != v00);
    CHECK(world_chunk_version(w, 1, 0) == v10); /* too far for its light to reach chunk 1 */
    /* a torch at x = 15 lights chunk 1 (x >= 16) without changing its blocks */
    world_block_set(w, 15, 5, 8, BLOCK_TORCH);
    CHECK(world_chunk_version(w, 0, 0) != v00b);
    CHECK_MSG(world_chunk_version(w, 1, 0) != v10, "light spilled into chunk 1 kept its version");
    uint64_t v10b = world_chunk_version(w, 1, 0), v00c = world_chunk_version(w, 0, 0);
    /* snapshot, change, restore */
    WorldSnapshot *snap = world_snapshot(w);
    world_block_set(w, 20, 5, 3, BLOCK_COBBLESTONE);
    CHECK(world_chunk_version(w, 1, 0) != v10b);
    world_restore(w, snap);
    world_snapshot_destroy(snap);
    CHECK(world_chunk_version(w, 1, 0) == v10b && world_chunk_version(w, 0, 0) == v00c);
    /* unloaded and loaded again: a new version although the blocks are the same */
    world_load_around(w, 40, 40, 2, -1);
    CHECK(world_chunk_version(w, 1, 0) == 0);
    world_load_around(w, 0, 0, 2, -1);
    uint64_t v10c = world_chunk_version(w, 1, 0);
    CHECK(v10c != 0 && v10c != v10 && v10c != v10b);
    /* another world's chunks never share a version with this one's */
    World *w2 = world_create(&p.gen, 2);
    world_load_around(w2, 0, 0, 2, -1);
    CHECK(world_chunk_version(w2, 1, 0) != v10c && world_chunk_version(w2, 0, 0) != v00c);
    world_destroy(w2);
    world_destroy(w);
}

/* ---- presets ---- */

static char g_log[2048];
static void capture(void *user, LogLevel level, const char *tag, const char *msg) {
    (void)user;
    (void)level;
    snprintf(g_log, sizeof g_log, "%s: %s", tag, msg);
}

static void expect_bad(const char *json, const char *needle) {
    WorldPreset p;
    g_log[0] = 0;
    Status st = preset_load_string(json, "bad.json", &p);
    CHECK_MSG(st != STATUS_OK, "accepted: %s", json);
    CHECK_MSG(strstr(g_log, needle) != NULL, "log '%s' lacks '%s'", g_log, needle);
    CHECK_MSG(strstr(g_log, "bad.json") != NULL, "log '%s' lacks the file name", g_log);
    preset_deinit(&p);
}

static void test_preset_validation(void) {
    log_set_sink(capture, NULL);
    expect_bad("{\"generator\": \"default\",", "bad.json:1");
    expect_bad("[1,2]", "top level");
    expect_bad("{}", "'generator'");
    expect_bad("{\"generator\": \"nether\"}", "'generator'");
    expect_bad("{\"generator\": \"flat\", \"spwan\": {}}", "'spwan'");
    expect_bad("{\"generator\": \"flat\", \"spawn\": {\"pitch\": 100}}", "'pitch'");
    expect_bad("{\"generator\": \"flat\", \"spawn\": {\"y\": 500}}", "'y'");
    expect_bad("{\"generator\": \"flat\", \"blocks\": [{\"pos\": [0,1,0], \"block\": \"blocc\"}]}",
               "blocks[0].block");
    expect_bad("{\"generator\": \"flat\", \"blocks\": [{\"pos\": [0,1], \"block\": \"stone\"}]}",
               "blocks[0].pos");
    expect_bad("{\"generator\": \"flat\", \"boxes\": [{\"from\": [0,1,0], \"to\": [0,200,0], "
               "\"block\": \"stone\"}]}",
               "boxes[0].to");
    expect_bad("{\"generator\": \"flat\", \"inventory\": [{\"item\": \"sword\"}]}",
               "inventory[0].item");
    expect_bad("{\"generator\": \"flat\", \"inventory\": [{\"item\": \"stick\", \"count\": 65, "
               "\"slot\": 0}]}",
               "inventory[0].count");
    expect_bad("{\"generator\": \"flat\", \"inventory\": [{\"item\": \"stick\", \"slot\": 2}, "
               "{\"item\": \"dirt\", \"slot\": 2}]}",
               "inventory[1].slot");
    expect_bad("{\"generator\": \"default\", \"layers\": []}", "'layers'");
    expect_bad("{\"generator\": \"flat\", \"layers\": [{\"block\": \"stone\", \"height\": 200}]}",
               "'height'");
    expect_bad("{\"generator\": \"flat\", \"time_of_day\": 30000}", "'time_of_day'");
    expect_bad("{\"generator\": \"flat\", \"view_radius\": 0}", "'view_radius'");
    expect_bad("{\"generator\": \"flat\", \"mobs\": \"yes\"}", "'mobs'");
    expect_bad("{\"generator\": \"flat\", \"seed\": -1}", "'seed'");
    log_set_sink(NULL, NULL);
    /* the shipped presets load */
    const char *names[] = {"default", "flat", "void", "peaceful"};
    for (int i = 0; i < 4; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/worlds/%s.json", VPT_SOURCE_DIR, names[i]);
        WorldPreset p;
        CHECK_MSG(preset_load_file(path, &p) == STATUS_OK, "%s", path);
        CHECK_STR_EQ(p.name, names[i]);
        preset_deinit(&p);
    }
    /* a good preset's fields arrive */
    WorldPreset p;
    CHECK(preset_load_string("{\"generator\": \"flat\", \"seed\": 7, \"spawn\": {\"x\": 3.5, "
                             "\"z\": -2.5, \"yaw\": 90}, \"inventory\": [{\"item\": "
                             "\"wooden_pickaxe\", \"slot\": 3}], \"mobs\": true, "
                             "\"episode_length\": 100}",
                             "good.json", &p) == STATUS_OK);
    CHECK(p.seed == 7 && p.spawn_x == 3.5 && p.spawn_z == -2.5 && p.spawn_yaw == 90.0f);
    CHECK(p.n_inventory == 1 && p.inventory[0].item == ITEM_WOODEN_PICKAXE &&
          p.inventory[0].slot == 3);
    CHECK(p.mobs == 1 && p.episode_length == 100 && !p.spawn_y_given);
    preset_deinit(&p);
}

/* Mutated presets (byte flips, truncations, inserted digits) never crash the parser: each one
 * is either accepted or refused with a message; accepted ones build a world. */
static void test_preset_mutations(void) {
    char *text = NULL;
    size_t len = 0;
    CHECK(fs_read_file(VPT_SOURCE_DIR "/worlds/flat.json", &text, &len) == STATUS_OK);
    if (!text) return;
    log_set_level(LOG_LEVEL_SILENT);
    Rng r = rng_stream(77, 1);
    char *buf = mem_alloc(len + 16);
    int ok = 0, refused = 0;
    for (int i = 0; i < 1500; i++) {
        memcpy(buf, text, len + 1);
        int kind = (int)rng_below(&r, 3);
        size_t at = rng_below(&r, (uint32_t)len);
        if (kind == 0) buf[at] = (char)rng_below(&r, 128);
        if (kind == 1) buf[at] = 0; /* truncated */
        if (kind == 2) buf[at] = (char)('0' + rng_below(&r, 10));
        WorldPreset p;
        if (preset_load_string(buf, "mutant.json", &p) == STATUS_OK) {
            ok++;
            World *w = world_create(&p.gen, 1);
            world_load_around(w, 0, 0, 1, -1);
            world_destroy(w);
            preset_deinit(&p);
        } else {
            refused++;
        }
    }
    log_set_level(LOG_LEVEL_WARN);
    CHECK(ok > 0 && refused > 0);
    mem_free(buf);
    mem_free(text);
}

/* Golden chunk hashes pin the generators: an unintended change to terrain, caves, ores or
 * trees (which would silently change every recorded dataset's world) fails here. After an
 * intended change run tests/data/sim/regen.sh and commit the new file with the reason. */
static void test_golden_chunks(void) {
    static const struct {
        const char *gen;
        uint64_t seed;
        int cx, cz;
    } CASES[] = {{"default", 0, 0, 0},     {"default", 0, -3, 5},        {"default", 42, 7, -2},
                 {"default", 42, -40, 31}, {"default", 12345, 100, 100}, {"flat", 0, 0, 0},
                 {"void", 0, 0, 0}};
    char text[4096] = "";
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        WorldPreset p;
        preset_init_default(&p);
        if (strcmp(CASES[i].gen, "flat") == 0) preset_builtin_flat(&p);
        if (strcmp(CASES[i].gen, "void") == 0) preset_builtin_void(&p);
        p.gen.seed = CASES[i].seed;
        uint8_t *b = mem_alloc(CHUNK_VOLUME);
        gen_chunk(&p.gen, CASES[i].cx, CASES[i].cz, b);
        Sha256 sh;
        uint8_t dig[32];
        char hex[65];
        sha256_init(&sh);
        sha256_update(&sh, b, CHUNK_VOLUME);
        sha256_final(&sh, dig);
        sha256_hex(dig, hex);
        mem_free(b);
        size_t n = strlen(text);
        snprintf(text + n, sizeof text - n, "%s %llu %d %d %s\n", CASES[i].gen,
                 (unsigned long long)CASES[i].seed, CASES[i].cx, CASES[i].cz, hex);
    }
    const char *path = VPT_SOURCE_DIR "/tests/data/sim/chunk_hashes.txt";
    if (getenv("VPT_REGEN_GOLDEN")) {
        CHECK(fs_write_atomic(path, text, strlen(text)) == STATUS_OK);
        return;
    }
    char *want = NULL;
    size_t len = 0;
    CHECK_MSG(fs_read_file(path, &want, &len) == STATUS_OK, "missing %s", path);
    if (!want) return;
    if (strcmp(want, text) != 0) fprintf(stderr, "chunk hashes now:\n%sexpected:\n%s", text, want);
    CHECK(strcmp(want, text) == 0);
    mem_free(want);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    TEST_RUN(test_bedrock_and_ores);
    TEST_RUN(test_trees_water_biomes);
    TEST_RUN(test_seams_and_light_order);
    TEST_RUN(test_flat_void_and_edits);
    TEST_RUN(test_light_incremental_matches_full);
    TEST_RUN(test_chunk_versions);
    TEST_RUN(test_preset_validation);
    TEST_RUN(test_golden_chunks);
    TEST_RUN(test_preset_mutations);
    return check_finish();
}
