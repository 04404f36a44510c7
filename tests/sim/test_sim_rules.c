/* test_sim_rules.c: the player's Minecraft constants and rules, driven through env_step with
 * native actions: walking/sprinting/sneaking speeds, jump apex and steps, gravity and terminal
 * speed, fall damage, swimming, sneaking at edges, collisions, camera, targeting, mining times
 * and drops per tool, placing, dropping and picking up, death and respawn, registries. */
#include <math.h>

#include "sim/gen.h"
#include "sim/physics.h"
#include "tests/sim/sim_test_util.h"

/* Stone arena: top of the floor is y = 63, the player stands at y = 64. */
#define ARENA_HEAD                                                                                 \
    "{\"generator\":\"flat\",\"layers\":[{\"block\":\"bedrock\",\"height\":1},"                    \
    "{\"block\":\"stone\",\"height\":63}],\"fixed_time\":true,\"mobs\":false,\"view_radius\":2"

static Env *arena(const char *extra) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s%s}", ARENA_HEAD, extra && *extra ? "," : "",
             extra ? extra : "");
    return test_env(buf, 1);
}

static void test_registry(void) {
    CHECK_STR_EQ(block_info(BLOCK_OAK_LOG)->name, "oak_log");
    CHECK(block_info(BLOCK_BEDROCK)->hardness < 0);
    CHECK_EQ_INT(block_info(BLOCK_TORCH)->light_emission, 14);
    CHECK(block_info(BLOCK_OAK_LEAVES)->flags & BLOCK_FLAG_CUTOUT);
    CHECK(block_info(BLOCK_WATER)->flags & BLOCK_FLAG_LIQUID);
    CHECK(block_info(BLOCK_WATER)->flags & BLOCK_FLAG_TRANSLUCENT);
    CHECK(block_info(BLOCK_GLASS)->flags & BLOCK_FLAG_TRANSLUCENT);
    CHECK(!block_is_solid(BLOCK_WATER) && block_is_solid(BLOCK_STONE) &&
          !block_is_solid(BLOCK_TORCH));
    CHECK(block_is_opaque(BLOCK_STONE) && !block_is_opaque(BLOCK_GLASS) &&
          !block_is_opaque(BLOCK_OAK_LEAVES));
    CHECK_EQ_INT(block_info(BLOCK_STONE)->drop_item, BLOCK_COBBLESTONE);
    CHECK_EQ_INT(block_info(BLOCK_COAL_ORE)->drop_item, ITEM_COAL);
    CHECK_EQ_INT(block_info(BLOCK_DIAMOND_ORE)->drop_item, ITEM_DIAMOND);
    CHECK_EQ_INT(block_info(BLOCK_IRON_ORE)->harvest_tier, TIER_STONE);
    CHECK_EQ_INT(block_info(BLOCK_DIAMOND_ORE)->harvest_tier, TIER_IRON);
    for (int b = 0; b < BLOCK_COUNT; b++) CHECK_EQ_INT(block_from_name(block_info(b)->name), b);
    CHECK_EQ_INT(block_from_name("minecraft:stone"), BLOCK_STONE);
    CHECK_EQ_INT(block_from_name("nope"), BLOCK_COUNT);
    for (int i = 0; i < ITEM_COUNT; i++) CHECK_EQ_INT(item_from_name(item_name((ItemId)i)), i);
    CHECK_EQ_INT(item_info(ITEM_WOODEN_PICKAXE)->durability, 59);
    CHECK_EQ_INT(item_info(ITEM_STONE_PICKAXE)->durability, 131);
    CHECK_EQ_INT(item_info(ITEM_IRON_PICKAXE)->durability, 250);
    CHECK_EQ_INT(item_info(ITEM_DIAMOND_PICKAXE)->durability, 1561);
    CHECK_NEAR(item_info(ITEM_WOODEN_AXE)->speed, 2, 0);
    CHECK_NEAR(item_info(ITEM_STONE_SHOVEL)->speed, 4, 0);
    CHECK_NEAR(item_info(ITEM_IRON_PICKAXE)->speed, 6, 0);
    CHECK_NEAR(item_info(ITEM_DIAMOND_PICKAXE)->speed, 8, 0);
    CHECK_NEAR(item_info(ITEM_NONE)->speed, 1, 0);
    CHECK_EQ_INT(item_info(ITEM_DIAMOND_SWORD)->max_stack, 1);
    CHECK_EQ_INT(item_info(ITEM_STICK)->max_stack, 64);
    CHECK_EQ_INT(item_info(BLOCK_DIRT)->places, BLOCK_DIRT);
    CHECK_EQ_INT(item_info(ITEM_STICK)->places, BLOCK_AIR);
    CHECK(item_info(ITEM_COOKED_BEEF)->food == 8);
}

static void test_inventory(void) {
    Inventory inv;
    inventory_clear(&inv);
    inv.slots[20] = (ItemStack){BLOCK_DIRT, 60, 0};
    CHECK_EQ_INT(inventory_add(&inv, BLOCK_DIRT, 10, 0), 0);
    CHECK_EQ_INT(inv.slots[20].count, 64); /* merged into the existing stack first */
    CHECK_EQ_INT(inv.slots[0].count, 6);   /* then the hotbar */
    CHECK_EQ_INT(inventory_count(&inv, BLOCK_DIRT), 70);
    CHECK_EQ_INT(inventory_add(&inv, ITEM_WOODEN_PICKAXE, 2, 0), 0);
    CHECK_EQ_INT(inv.slots[1].count, 1); /* tools do not stack */
    CHECK_EQ_INT(inv.slots[2].count, 1);
    CHECK_EQ_INT(inventory_remove(&inv, BLOCK_DIRT, 66), 66);
    CHECK_EQ_INT(inventory_count(&inv, BLOCK_DIRT), 4);
    for (int i = 0; i < INVENTORY_SLOTS; i++) inv.slots[i] = (ItemStack){ITEM_STICK, 64, 0};
    CHECK_EQ_INT(inventory_add(&inv, BLOCK_DIRT, 5, 0), 5); /* full: all left over */
}

/* Average speed in m/s over ticks [from, to) of holding `keys`. */
static double speed_with(uint32_t keys) {
    Env *e = arena("\"spawn\":{\"x\":0.5,\"z\":0.5,\"yaw\":0}");
    Action a = act_keys(keys);
    step_n(e, &a, 60);
    double z0 = env_player(e)->z;
    step_n(e, &a, 40);
    double v = (env_player(e)->z - z0) / 2.0;
    env_destroy(e);
    return v;
}

static void test_speeds(void) {
    CHECK_NEAR(speed_with(K(FORWARD)), 4.317, 0.002);
    CHECK_NEAR(speed_with(K(FORWARD) | K(SPRINT)), 5.612, 0.002);
    CHECK_NEAR(speed_with(K(FORWARD) | K(SNEAK)), 1.295, 0.002);
    /* diagonal is not faster than straight */
    Env *e = arena("\"spawn\":{\"x\":0.5,\"z\":0.5,\"yaw\":0}");
    Action a = act_keys(K(FORWARD) | K(LEFT));
    step_n(e, &a, 60);
    double x0 = env_player(e)->x, z0 = env_player(e)->z;
    step_n(e, &a, 40);
    double dx = env_player(e)->x - x0, dz = env_player(e)->z - z0;
    /* Minecraft normalises the 0.98-scaled input only when longer than 1, so strafing
     * diagonally reaches 0.1 / 0.454 blocks/tick = 4.405 m/s, not 4.317 * sqrt(2) */
    CHECK_NEAR(sqrt(dx * dx + dz * dz) / 2.0, 0.1 / 0.454 * 20, 0.002);
    CHECK(dx > 0); /* facing +z, left is +x */
    env_destroy(e);
}

static void test_jump(void) {
    Env *e = arena(NULL);
    const Player *p = env_player(e);
    CHECK(p->on_ground);
    double y0 = p->y, top = y0;
    Action j = act_keys(K(JUMP)), none = act_keys(0);
    env_step(e, &j);
    CHECK_NEAR(p->y - y0, 0.42, 1e-9); /* initial vertical speed 0.42 blocks/tick */
    for (int t = 0; t < 30; t++) {
        env_step(e, &none);
        if (p->y > top) top = p->y;
    }
    CHECK_NEAR(top - y0, 1.2522, 0.0005);
    CHECK(p->on_ground);
    CHECK_NEAR(p->y, y0, 1e-9);
    env_destroy(e);
}

static void test_gravity_terminal(void) {
    WorldGen g = {0};
    g.kind = GEN_VOID;
    World *w = world_create(&g, 1);
    world_load_around(w, 0, 0, 1, -1);
    Player p = {0};
    player_spawn(&p, 0.5, 1e6, 0.5, 0, 0);
    PlayerInput in = {0};
    player_move(&p, w, &in);
    CHECK_NEAR(p.vy, -0.08 * 0.98, 1e-12); /* gravity 0.08 then drag 0.98 */
    for (int t = 0; t < 1000; t++) player_move(&p, w, &in);
    CHECK_NEAR(p.vy, -3.92, 1e-6); /* terminal: 0.08 * 0.98 / 0.02 */
    world_destroy(w);
}

/* Minecraft's rule, spelled out: fall distance is the sum of the downward moves before the
 * landing tick (the landing move itself is not added); damage = ceil(distance - 3). */
static double expected_fall(double h) {
    double vy = 0, fallen = 0, dist = 0;
    for (;;) {
        vy = (vy - 0.08) * 0.98;
        if (fallen - vy >= h) return dist; /* this move lands */
        fallen -= vy;
        dist -= vy;
    }
}

static void test_fall_damage(void) {
    const double heights[4] = {2.5, 3.9, 4.5, 10.5};
    for (int i = 0; i < 4; i++) {
        Env *e = arena(NULL);
        Player *p = env_player_mut(e);
        p->y = 64 + heights[i];
        p->on_ground = 0;
        Action none = act_keys(0);
        EnvEvent ev;
        int t = step_until_event(e, &none, 100, ENV_EVENT_DAMAGED, &ev);
        double d = expected_fall(heights[i]);
        float expect = 20.0f - (d > 3 ? (float)ceil(d - 3) : 0.0f);
        CHECK_MSG(env_player(e)->health == expect, "fall %.1f: health %.1f, expected %.1f",
                  heights[i], env_player(e)->health, expect);
        if (expect < 20) CHECK(t > 0 && ev.item == DAMAGE_FALL && ev.amount == 20 - expect);
        env_destroy(e);
    }
    CHECK(expected_fall(2.5) < 3); /* the cases cover no damage and damage */
    CHECK_NEAR(ceil(expected_fall(10.5) - 3), 7, 0);
}

static void test_collisions_and_steps(void) {
    /* wall 2 high at z = 5: walking stops with the box touching it */
    Env *e = arena("\"boxes\":[{\"from\":[-5,64,5],\"to\":[5,65,5],\"block\":\"stone\"}]");
    Action fwd = act_keys(K(FORWARD)), fj = act_keys(K(FORWARD) | K(JUMP));
    step_n(e, &fwd, 100);
    CHECK_NEAR(env_player(e)->z, 5.0 - 0.3, 1e-9);
    double top = 0;
    for (int t = 0; t < 100; t++) {
        env_step(e, &fj);
        if (env_player(e)->y > top) top = env_player(e)->y;
    }
    CHECK(top < 64 + 1.26); /* a 2-block wall cannot be jumped */
    CHECK(env_player(e)->z <= 4.7 + 1e-9);
    env_destroy(e);
    /* 1-block step: blocked without a jump, climbed with one */
    e = arena("\"boxes\":[{\"from\":[-5,64,5],\"to\":[5,64,30],\"block\":\"stone\"}]");
    step_n(e, &fwd, 60);
    CHECK_NEAR(env_player(e)->z, 4.7, 1e-9);
    CHECK_NEAR(env_player(e)->y, 64, 1e-9);
    step_n(e, &fj, 15);
    step_n(e, &fwd, 25);
    CHECK_NEAR(env_player(e)->y, 65, 1e-9);
    CHECK(env_player(e)->z > 5.0);
    env_destroy(e);
}

/* Box height 1.8: a jump under a ceiling at y = 66 stops with the head touching it; eye 1.62:
 * a block at y = 66 ahead is above the eye line, one at y = 65 is on it. */
static void test_box_and_eye(void) {
    Env *e = arena("\"spawn\":{\"x\":0.5,\"y\":64,\"z\":0.5},"
                   "\"boxes\":[{\"from\":[-3,66,-3],\"to\":[3,66,3],\"block\":\"stone\"}]");
    Action j = act_keys(K(JUMP));
    double top = 0;
    for (int t = 0; t < 20; t++) {
        env_step(e, &j);
        if (env_player(e)->y > top) top = env_player(e)->y;
    }
    CHECK_NEAR(top, 66 - 1.8, 1e-9);
    env_destroy(e);
    e = arena("\"blocks\":[{\"pos\":[0,66,2],\"block\":\"stone\"}]");
    Action none = act_keys(0);
    env_step(e, &none);
    CHECK(!env_player(e)->target.has_target || env_player(e)->target.y != 66);
    env_destroy(e);
    e = arena("\"blocks\":[{\"pos\":[0,65,2],\"block\":\"stone\"}]");
    env_step(e, &none);
    CHECK(env_player(e)->target.has_target && env_player(e)->target.y == 65);
    env_destroy(e);
    const Player p = {.x = 0.5, .y = 64, .z = 0.5};
    CHECK(player_overlaps_block(&p, 0, 65, 0) && !player_overlaps_block(&p, 0, 66, 0));
    CHECK(player_overlaps_block(&p, 0, 64, 0) && !player_overlaps_block(&p, 1, 64, 0));
    const Player q = {.x = 0.75, .y = 64, .z = 0.5};
    CHECK(player_overlaps_block(&q, 1, 64, 0)); /* 0.6 wide: 0.45 .. 1.05 */
}

static void test_sneak_edge(void) {
    const char *plat = "\"spawn\":{\"x\":0.5,\"y\":64,\"z\":0.5},"
                       "\"boxes\":[{\"from\":[-30,0,-30],\"to\":[30,63,30],\"block\":\"air\"},"
                       "{\"from\":[-2,60,-2],\"to\":[2,63,2],\"block\":\"stone\"}]";
    Env *e = arena(plat);
    Action sn = act_keys(K(FORWARD) | K(SNEAK));
    step_n(e, &sn, 200);
    CHECK_NEAR(env_player(e)->y, 64, 1e-9);
    CHECK(env_player(e)->on_ground);
    CHECK(env_player(e)->z > 2.9 && env_player(e)->z <= 3.3 + 1e-9);
    Action fwd = act_keys(K(FORWARD));
    step_n(e, &fwd, 20);
    CHECK(env_player(e)->y < 63); /* without sneaking it walks off */
    env_destroy(e);
}

static void test_swimming(void) {
    Env *e = arena("\"spawn\":{\"x\":0.5,\"y\":59,\"z\":0.5},"
                   "\"boxes\":[{\"from\":[-4,56,-4],\"to\":[4,63,4],\"block\":\"water\"}]");
    Action none = act_keys(0), up = act_keys(K(JUMP)), fwd = act_keys(K(FORWARD));
    env_step(e, &none);
    CHECK(env_player(e)->in_water);
    double y0 = env_player(e)->y;
    step_n(e, &none, 10);
    CHECK(env_player(e)->y < y0);     /* sinks */
    CHECK(env_player(e)->vy > -0.11); /* slowly: drag 0.8, gravity 0.02 */
    double y1 = env_player(e)->y;
    step_n(e, &up, 10);
    CHECK(env_player(e)->y > y1); /* jump swims up */
    double z0 = env_player(e)->z;
    step_n(e, &fwd, 20);
    CHECK((env_player(e)->z - z0) / 1.0 < 2.5); /* slower than walking (4.3 m/s) */
    CHECK(env_player(e)->z > z0);
    /* swimming into the pool's edge with jump held climbs out onto the floor (y = 64) */
    Action out = act_keys(K(FORWARD) | K(JUMP));
    step_n(e, &out, 100);
    CHECK(!env_player(e)->in_water);
    CHECK(env_player(e)->z > 5.0 && env_player(e)->y >= 64.0);
    env_destroy(e);
}

static void test_camera(void) {
    Env *e = arena(NULL);
    Action a = {0, 100.0f, 0.0f};
    env_step(e, &a);
    CHECK_NEAR(env_player(e)->yaw, 15.0, 1e-5);
    a.mouse_dx = 0;
    a.mouse_dy = 200; /* 30 degrees down */
    env_step(e, &a);
    CHECK_NEAR(env_player(e)->pitch, 30.0, 1e-5);
    a.mouse_dy = 1000;
    env_step(e, &a);
    CHECK_NEAR(env_player(e)->pitch, 90.0, 0);
    a.mouse_dy = -5000;
    env_step(e, &a);
    CHECK_NEAR(env_player(e)->pitch, -90.0, 0);
    env_destroy(e);
}

static void test_targeting(void) {
    /* a block at eye level 4 blocks ahead is in reach, one 5 ahead is not */
    Env *e = arena("\"blocks\":[{\"pos\":[0,65,4],\"block\":\"stone\"},"
                   "{\"pos\":[3,65,0],\"block\":\"stone\"}]");
    Action none = act_keys(0);
    env_step(e, &none);
    const PlayerTarget *t = &env_player(e)->target;
    CHECK(t->has_target && t->x == 0 && t->y == 65 && t->z == 4 && t->face == FACE_NORTH);
    Env *far = arena("\"blocks\":[{\"pos\":[0,65,6],\"block\":\"stone\"}]");
    env_step(far, &none);
    CHECK(!env_player(far)->target.has_target);
    env_destroy(far);
    /* yaw -90 faces +x: the block at x = 3 through its west face */
    Action turn = {0, -600.0f, 0};
    env_step(e, &turn);
    CHECK(t->has_target && t->x == 3 && t->z == 0 && t->face == FACE_WEST);
    /* looking straight down: the floor under the feet, top face */
    Action down = {0, 0, 600.0f};
    env_step(e, &down);
    CHECK(t->has_target && t->x == 0 && t->y == 63 && t->z == 0 && t->face == FACE_UP);
    env_destroy(e);
}

/* Mines `block` at eye level in front of the player holding `tool`; returns the tick it
 * broke (0: never within max ticks) and the count of `drop` in the inventory 30 ticks later. */
static int mine_once(const char *block, const char *tool, int max, ItemId drop, int *got) {
    char extra[512];
    snprintf(extra, sizeof extra,
             "\"spawn\":{\"x\":0.5,\"z\":1.5},\"blocks\":[{\"pos\":[0,65,2],\"block\":\"%s\"}]"
             "%s%s%s",
             block, tool ? ",\"inventory\":[{\"item\":\"" : "", tool ? tool : "",
             tool ? "\",\"slot\":0}]" : "");
    Env *e = arena(extra);
    Action at = act_keys(K(ATTACK));
    int t = step_until_event(e, &at, max, ENV_EVENT_MINED, NULL);
    Action none = act_keys(0);
    step_n(e, &none, 30);
    *got = inventory_count(&env_player(e)->inventory, drop);
    env_destroy(e);
    return t;
}

static void test_mining(void) {
    int got;
    CHECK_EQ_INT(mine_once("oak_log", NULL, 500, BLOCK_OAK_LOG, &got), 60);
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(mine_once("stone", NULL, 500, BLOCK_COBBLESTONE, &got), 150);
    CHECK_EQ_INT(got, 0); /* breaks, drops nothing by hand */
    CHECK_EQ_INT(mine_once("stone", "wooden_pickaxe", 500, BLOCK_COBBLESTONE, &got), 23);
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(mine_once("dirt", NULL, 500, BLOCK_DIRT, &got), 15);
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(mine_once("dirt", "wooden_shovel", 500, BLOCK_DIRT, &got), 8);
    CHECK_EQ_INT(mine_once("oak_log", "stone_axe", 500, BLOCK_OAK_LOG, &got), 15);
    CHECK_EQ_INT(mine_once("iron_ore", "wooden_pickaxe", 500, BLOCK_IRON_ORE, &got), 150);
    CHECK_EQ_INT(got, 0); /* iron needs stone or better */
    CHECK_EQ_INT(mine_once("iron_ore", "stone_pickaxe", 500, BLOCK_IRON_ORE, &got), 23);
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(mine_once("diamond_ore", "stone_pickaxe", 500, ITEM_DIAMOND, &got), 75);
    CHECK_EQ_INT(got, 0); /* diamond needs iron or better */
    CHECK_EQ_INT(mine_once("diamond_ore", "iron_pickaxe", 500, ITEM_DIAMOND, &got), 15);
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(mine_once("coal_ore", "wooden_pickaxe", 500, ITEM_COAL, &got), 45);
    CHECK_EQ_INT(got, 1);
    CHECK_EQ_INT(mine_once("torch", NULL, 50, BLOCK_TORCH, &got), 1);
    CHECK_EQ_INT(mine_once("bedrock", "diamond_pickaxe", 3000, BLOCK_BEDROCK, &got), 0);
}

static void test_mining_progress_resets(void) {
    Env *e = arena("\"spawn\":{\"x\":0.5,\"z\":1.5},\"blocks\":[{\"pos\":[0,65,2],"
                   "\"block\":\"oak_log\"},{\"pos\":[1,65,2],\"block\":\"oak_log\"}]");
    Action at = act_keys(K(ATTACK)), none = act_keys(0);
    step_n(e, &at, 30);
    CHECK_NEAR(env_player(e)->target.break_progress, 0.5, 1e-6);
    env_step(e, &none); /* release: progress resets */
    CHECK_NEAR(env_player(e)->target.break_progress, 0, 0);
    CHECK_EQ_INT(step_until_event(e, &at, 200, ENV_EVENT_MINED, NULL), 60);
    env_destroy(e);
    /* changing target resets too */
    e = arena("\"spawn\":{\"x\":0.5,\"z\":1.0},\"blocks\":[{\"pos\":[0,65,2],"
              "\"block\":\"oak_log\"},{\"pos\":[-1,65,2],\"block\":\"oak_log\"}]");
    step_n(e, &at, 30);
    Action turn = {ACTION_KEY_BIT(KEY_ATTACK), 300.0f, 0}; /* 45 degrees left: the other log */
    env_step(e, &turn);
    CHECK(env_player(e)->target.x == -1);
    CHECK_NEAR(env_player(e)->target.break_progress, 1.0 / 60, 1e-6);
    env_destroy(e);
}

static void test_tool_durability(void) {
    Env *e =
        arena("\"spawn\":{\"x\":0.5,\"z\":1.5},\"blocks\":[{\"pos\":[0,65,2],"
              "\"block\":\"stone\"}],\"inventory\":[{\"item\":\"wooden_pickaxe\",\"slot\":0}]");
    Action at = act_keys(K(ATTACK));
    CHECK(step_until_event(e, &at, 100, ENV_EVENT_MINED, NULL) > 0);
    CHECK_EQ_INT(env_player(e)->inventory.slots[0].damage, 1);
    env_player_mut(e)->inventory.slots[0].damage = 58;
    world_block_set(env_world_mut(e), 0, 65, 2, BLOCK_STONE);
    EnvEvent ev;
    CHECK(step_until_event(e, &at, 100, ENV_EVENT_TOOL_BROKE, &ev) > 0);
    CHECK_EQ_INT(ev.item, ITEM_WOODEN_PICKAXE);
    CHECK_EQ_INT(env_player(e)->inventory.slots[0].count, 0);
    env_destroy(e);
}

static void test_placing(void) {
    Env *e = arena("\"blocks\":[{\"pos\":[0,65,3],\"block\":\"stone\"}],"
                   "\"inventory\":[{\"item\":\"dirt\",\"count\":5,\"slot\":0}]");
    Action use = act_keys(K(USE)), none = act_keys(0);
    env_step(e, &none);
    EnvEvent ev;
    CHECK_EQ_INT(step_until_event(e, &use, 1, ENV_EVENT_PLACED, &ev), 1);
    CHECK(ev.x == 0 && ev.y == 65 && ev.z == 2);
    CHECK_EQ_INT(world_block_get(env_world(e), 0, 65, 2), BLOCK_DIRT);
    /* held: repeats every 4 ticks, and refuses the cell the player stands in */
    step_n(e, &use, 20);
    CHECK_EQ_INT(world_block_get(env_world(e), 0, 65, 1), BLOCK_DIRT);
    CHECK_EQ_INT(world_block_get(env_world(e), 0, 65, 0), BLOCK_AIR);
    CHECK_EQ_INT(inventory_count(&env_player(e)->inventory, BLOCK_DIRT), 3);
    /* looking down at the floor under the feet: the feet cell is refused */
    Action down = {0, 0, 600.0f};
    env_step(e, &down);
    env_step(e, &none);
    CHECK_EQ_INT(step_until_event(e, &use, 5, ENV_EVENT_PLACED, NULL), 0);
    /* a torch does not collide, so it may go where the player stands */
    env_player_mut(e)->inventory.slots[1] = (ItemStack){BLOCK_TORCH, 1, 0};
    Action h2 = act_keys(K(HOTBAR_2));
    env_step(e, &h2);
    CHECK_EQ_INT(env_player(e)->inventory.selected, 1);
    CHECK_EQ_INT(step_until_event(e, &use, 5, ENV_EVENT_PLACED, NULL), 1);
    CHECK_EQ_INT(world_block_get(env_world(e), 0, 64, 0), BLOCK_TORCH);
    env_destroy(e);
}

static void test_drop_and_pickup(void) {
    Env *e = arena("\"inventory\":[{\"item\":\"dirt\",\"count\":5,\"slot\":0}]");
    Action q = act_keys(K(DROP)), none = act_keys(0), fwd = act_keys(K(FORWARD));
    CHECK_EQ_INT(step_until_event(e, &q, 1, ENV_EVENT_DROPPED, NULL), 1);
    CHECK_EQ_INT(inventory_count(&env_player(e)->inventory, BLOCK_DIRT), 4);
    CHECK_EQ_INT(env_item_count(e), 1);
    CHECK_EQ_INT(env_item_get(e, 0)->stack.item, BLOCK_DIRT);
    step_n(e, &q, 10); /* held: no repeat */
    CHECK_EQ_INT(inventory_count(&env_player(e)->inventory, BLOCK_DIRT), 4);
    step_n(e, &none, 25); /* within the 40-tick pickup delay: stays on the ground */
    CHECK_EQ_INT(env_item_count(e), 1);
    CHECK(env_item_get(e, 0)->on_ground);
    CHECK(env_item_get(e, 0)->z > 1.0); /* thrown forward (+z) */
    EnvEvent ev;
    CHECK(step_until_event(e, &fwd, 60, ENV_EVENT_PICKED_UP, &ev) > 0);
    CHECK_EQ_INT(ev.item, BLOCK_DIRT);
    CHECK_EQ_INT(inventory_count(&env_player(e)->inventory, BLOCK_DIRT), 5);
    CHECK_EQ_INT(env_item_count(e), 0);
    env_destroy(e);
}

static void test_death_and_respawn(void) {
    Env *e = arena("\"inventory\":[{\"item\":\"dirt\",\"count\":5,\"slot\":0},"
                   "{\"item\":\"stick\",\"count\":3,\"slot\":4}]");
    double sx, sy, sz;
    env_spawn_point(e, &sx, &sy, &sz);
    Player *p = env_player_mut(e);
    p->x = 10.5;
    p->y = 64 + 40;
    p->on_ground = 0;
    Action none = act_keys(0);
    EnvEvent ev;
    CHECK(step_until_event(e, &none, 200, ENV_EVENT_DIED, &ev) > 0);
    CHECK_EQ_INT(ev.x, 10);
    CHECK_NEAR(env_player(e)->x, sx, 0);
    CHECK_NEAR(env_player(e)->y, sy, 0);
    CHECK_NEAR(env_player(e)->health, 20, 0);
    CHECK_EQ_INT(inventory_count(&env_player(e)->inventory, BLOCK_DIRT), 0);
    CHECK_EQ_INT(env_item_count(e), 2); /* the inventory lies where the player died */
    for (int i = 0; i < env_item_count(e); i++) CHECK(fabs(env_item_get(e, i)->x - 10.5) < 3);
    env_destroy(e);
}

static void test_light(void) {
    Env *e = arena(NULL);
    World *w = env_world_mut(e);
    CHECK_EQ_INT(world_light_get(w, 0, 64, 0) >> 4, 15);
    CHECK_EQ_INT(world_light_get(w, 0, 62, 0), 0);
    world_block_set(w, 0, 64, 0, BLOCK_TORCH);
    CHECK_EQ_INT(world_light_get(w, 0, 64, 0) & 15, 14);
    CHECK_EQ_INT(world_light_get(w, 1, 64, 0) & 15, 13);
    CHECK_EQ_INT(world_light_get(w, 3, 65, 0) & 15, 10);
    CHECK_EQ_INT(world_light_get(w, 0, 63, 0) & 15, 0); /* stone stays dark */
    world_block_set(w, 0, 64, 0, BLOCK_AIR);
    CHECK_EQ_INT(world_light_get(w, 1, 64, 0) & 15, 0);
    CHECK_EQ_INT(world_light_get(w, 3, 65, 0) & 15, 0);
    /* a roof: below it only sideways sky light; open it and the column is 15 again */
    for (int z = -4; z <= 4; z++)
        for (int x = -4; x <= 4; x++) world_block_set(w, x, 66, z, BLOCK_STONE);
    CHECK_EQ_INT(world_light_get(w, 0, 64, 0) >> 4, 10); /* 15 - 5 steps from the open side */
    for (int z = -5; z <= 5; z++)
        for (int y = 64; y <= 65; y++) {
            world_block_set(w, -5, y, z, BLOCK_STONE);
            world_block_set(w, 5, y, z, BLOCK_STONE);
            world_block_set(w, z, y, -5, BLOCK_STONE);
            world_block_set(w, z, y, 5, BLOCK_STONE);
        }
    CHECK_EQ_INT(world_light_get(w, 0, 64, 0) >> 4, 0); /* sealed room: dark */
    world_block_set(w, 0, 66, 0, BLOCK_AIR);
    CHECK_EQ_INT(world_light_get(w, 0, 64, 0) >> 4, 15);
    CHECK_EQ_INT(world_light_get(w, 1, 64, 0) >> 4, 14);
    world_block_set(w, 2, 66, 2, BLOCK_GLASS); /* glass lets light through */
    CHECK_EQ_INT(world_light_get(w, 2, 64, 2) >> 4, 15);
    env_destroy(e);
}

int main(void) {
    log_set_level(LOG_LEVEL_WARN);
    TEST_RUN(test_registry);
    TEST_RUN(test_inventory);
    TEST_RUN(test_speeds);
    TEST_RUN(test_jump);
    TEST_RUN(test_gravity_terminal);
    TEST_RUN(test_fall_damage);
    TEST_RUN(test_collisions_and_steps);
    TEST_RUN(test_box_and_eye);
    TEST_RUN(test_sneak_edge);
    TEST_RUN(test_swimming);
    TEST_RUN(test_camera);
    TEST_RUN(test_targeting);
    TEST_RUN(test_mining);
    TEST_RUN(test_mining_progress_resets);
    TEST_RUN(test_tool_durability);
    TEST_RUN(test_placing);
    TEST_RUN(test_drop_and_pickup);
    TEST_RUN(test_death_and_respawn);
    TEST_RUN(test_light);
    return check_finish();
}
