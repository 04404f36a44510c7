/* interact.c: what the player does to the world (mining with Minecraft's tool rules, placing,
 * throwing items) and the item entities (physics, pickup, despawn).
 *
 * Mining: while attack is held on the same target, progress grows by
 *   speed / hardness / (30 if the held item can harvest the block else 100)
 * per tick (speed = the tool's speed on its own class, else 1; / 5 in water, / 5 in the air),
 * and the block breaks on the tick the progress reaches 1; bedrock (hardness < 0) never
 * breaks. Changing target or releasing attack resets the progress. After a break the next
 * block starts after 5 ticks (Minecraft's destroy delay). */
#include <math.h>
#include <string.h>

#include "core/log.h"
#include "sim/env_internal.h"
#include "sim/physics.h"
#include "sim/world_internal.h" /* world_block_fast */

#define DEG2RAD 0.017453292519943295
#define ITEM_HW 0.125
#define ITEM_H 0.25
#define MINE_DELAY 5
#define USE_DELAY 4

double env_mining_rate(const Player *p, uint8_t block, int *can_harvest) {
    const BlockInfo *b = &BLOCK_TABLE[block];
    const ItemStack *held = &p->inventory.slots[p->inventory.selected];
    const ItemInfo *it = item_info(held->count ? held->item : ITEM_NONE);
    int matches = b->tool != TOOL_NONE && it->tool == b->tool;
    int can = !b->needs_tool || (matches && it->tier >= b->harvest_tier);
    if (can_harvest) *can_harvest = can && b->hardness >= 0;
    if (b->hardness < 0) return 0.0;
    if (b->hardness == 0) return 1.0;
    double speed = matches ? it->speed : 1.0;
    double rate = speed / b->hardness / (can ? 30.0 : 100.0);
    if (p->in_water) rate /= 5.0;
    if (!p->on_ground) rate /= 5.0;
    return rate;
}

static void spawn_block_drop(Env *e, int x, int y, int z, ItemStack st) {
    double ox = rng_double(&e->rng) * 0.5 + 0.25, oz = rng_double(&e->rng) * 0.5 + 0.25;
    double oy = rng_double(&e->rng) * 0.5 + 0.25;
    if (!env_item_spawn(e, x + ox, y + oy - ITEM_H / 2, z + oz, st, ITEM_PICKUP_DELAY_BLOCK))
        return;
    ItemEntity *it = &e->items[e->n_items - 1];
    it->vx = rng_double(&e->rng) * 0.2 - 0.1;
    it->vy = 0.2;
    it->vz = rng_double(&e->rng) * 0.2 - 0.1;
}

static void break_block(Env *e, int x, int y, int z, uint8_t block, int can_harvest) {
    Player *p = &e->player;
    world_block_set(e->world, x, y, z, BLOCK_AIR);
    const BlockInfo *b = &BLOCK_TABLE[block];
    int dropped = 0;
    if (can_harvest && b->drop_item != ITEM_NONE && b->drop_count > 0) {
        spawn_block_drop(e, x, y, z, (ItemStack){b->drop_item, b->drop_count, 0});
        dropped = b->drop_count;
    }
    env_event(e, ENV_EVENT_MINED, block, dropped, x, y, z, 0);
    ItemStack *held = &p->inventory.slots[p->inventory.selected];
    const ItemInfo *it = item_info(held->count ? held->item : ITEM_NONE);
    if (held->count && it->durability && b->hardness > 0) {
        if (++held->damage >= it->durability) {
            env_event(e, ENV_EVENT_TOOL_BROKE, held->item, 1, x, y, z, 0);
            memset(held, 0, sizeof *held);
        }
    }
}

static void update_target(Env *e) {
    Player *p = &e->player;
    int x, y, z, face;
    int hit = player_raycast(p, e->world, PLAYER_REACH, &x, &y, &z, &face);
    PlayerTarget *t = &p->target;
    if (!hit) {
        memset(t, 0, sizeof *t);
        return;
    }
    if (!t->has_target || t->x != x || t->y != y || t->z != z) {
        t->break_ticks = 0;
        t->break_progress = 0;
    }
    t->has_target = 1;
    t->x = x;
    t->y = y;
    t->z = z;
    t->face = face;
}

static void mine(Env *e, const Action *a) {
    Player *p = &e->player;
    PlayerTarget *t = &p->target;
    if (p->mine_delay > 0) p->mine_delay--;
    if (!action_key_down(a, KEY_ATTACK) || !t->has_target) {
        t->break_ticks = 0;
        t->break_progress = 0;
        return;
    }
    if (p->mine_delay > 0) return;
    uint8_t block = world_block_get(e->world, t->x, t->y, t->z);
    int can = 0;
    double rate = env_mining_rate(p, block, &can);
    if (rate <= 0.0) return;
    t->break_ticks++;
    int needed = (int)ceil(1.0 / rate - 1e-9);
    if (needed < 1) needed = 1;
    t->break_progress = (float)fmin(1.0, t->break_ticks * rate);
    if (t->break_ticks >= needed) {
        break_block(e, t->x, t->y, t->z, block, can);
        t->break_ticks = 0;
        t->break_progress = 0;
        t->has_target = 0;
        p->mine_delay = MINE_DELAY;
    }
}

static void place(Env *e, const Action *a) {
    Player *p = &e->player;
    if (p->use_cooldown > 0) p->use_cooldown--;
    if (!action_key_down(a, KEY_USE)) {
        p->use_cooldown = 0;
        return;
    }
    if (!env_key_pressed(e, a, KEY_USE) && p->use_cooldown > 0) return;
    p->use_cooldown = USE_DELAY;
    PlayerTarget *t = &p->target;
    if (!t->has_target) return;
    if (items_use_block(e)) return; /* issue 4: crafting table / furnace screens */
    ItemStack *held = &p->inventory.slots[p->inventory.selected];
    if (!held->count) return;
    uint8_t block = item_info(held->item)->places;
    if (block == BLOCK_AIR) return;
    if (block == BLOCK_TORCH && t->face == FACE_DOWN) return; /* torches do not hang from below */
    int x = t->x + FACE_NORMAL[t->face][0], y = t->y + FACE_NORMAL[t->face][1];
    int z = t->z + FACE_NORMAL[t->face][2];
    if (y < 0 || y >= WORLD_HEIGHT || !world_chunk_loaded(e->world, x >> 4, z >> 4)) return;
    if (!(BLOCK_TABLE[world_block_get(e->world, x, y, z)].flags & BLOCK_FLAG_REPLACEABLE)) return;
    if (block_is_solid(block) && player_overlaps_block(p, x, y, z)) return;
    if (block_is_solid(block) && items_mob_blocks_place(e, x, y, z)) return; /* issue 4 */
    world_block_set(e->world, x, y, z, (BlockId)block);
    inventory_take_slot(&p->inventory, p->inventory.selected, 1);
    env_event(e, ENV_EVENT_PLACED, block, 1, x, y, z, 0);
}

void env_throw_stack(Env *e, ItemStack st, int scatter) {
    Player *p = &e->player;
    double x = p->x, y = p->y + PLAYER_EYE - 0.3, z = p->z;
    if (!env_item_spawn(e, x, y, z, st, ITEM_PICKUP_DELAY_THROWN)) return;
    ItemEntity *it = &e->items[e->n_items - 1];
    if (scatter) {
        double f = rng_double(&e->rng) * 0.5, ang = rng_double(&e->rng) * 2 * M_PI;
        it->vx = -sin(ang) * f;
        it->vz = cos(ang) * f;
        it->vy = 0.2;
        return;
    }
    double yaw = p->yaw * DEG2RAD, pitch = p->pitch * DEG2RAD;
    it->vx = -sin(yaw) * cos(pitch) * 0.3;
    it->vz = cos(yaw) * cos(pitch) * 0.3;
    it->vy = -sin(pitch) * 0.3 + 0.1;
    double ang = rng_double(&e->rng) * 2 * M_PI, f = 0.02 * rng_double(&e->rng);
    it->vx += cos(ang) * f;
    it->vy += (rng_double(&e->rng) - rng_double(&e->rng)) * 0.1;
    it->vz += sin(ang) * f;
}

static void drop_key(Env *e, const Action *a) {
    if (!env_key_pressed(e, a, KEY_DROP)) return;
    Player *p = &e->player;
    ItemStack *held = &p->inventory.slots[p->inventory.selected];
    if (!held->count) return;
    int n = action_key_down(a, KEY_SPRINT) ? held->count : 1; /* ctrl+Q drops the stack */
    ItemStack st = *held;
    st.count = (uint8_t)n;
    inventory_take_slot(&p->inventory, p->inventory.selected, n);
    env_throw_stack(e, st, 0);
    env_event(e, ENV_EVENT_DROPPED, st.item, n, (int)floor(p->x), (int)floor(p->y),
              (int)floor(p->z), 0);
}

/* Pick block (middle click), survival rules: the targeted block's item is selected if it is in
 * the hotbar, else swapped from the main inventory into the selected hotbar slot. */
static void pick_block(Env *e, const Action *a) {
    Player *p = &e->player;
    if (!env_key_pressed(e, a, KEY_PICKITEM) || !p->target.has_target) return;
    uint8_t b = world_block_get(e->world, p->target.x, p->target.y, p->target.z);
    Inventory *inv = &p->inventory;
    for (int i = 0; i < INVENTORY_SLOTS; i++) {
        if (!inv->slots[i].count || inv->slots[i].item != b) continue;
        if (i < INVENTORY_HOTBAR) {
            inv->selected = i;
        } else {
            ItemStack tmp = inv->slots[inv->selected];
            inv->slots[inv->selected] = inv->slots[i];
            inv->slots[i] = tmp;
        }
        return;
    }
}

void env_phase_interact(Env *e, const Action *a) {
    update_target(e);
    pick_block(e, a);
    if (!items_attack_mob(e, a)) mine(e, a); /* issue 4: a mob in the way takes the hit */
    place(e, a);
    drop_key(e, a);
}

int env_item_spawn(Env *e, double x, double y, double z, ItemStack stack, int pickup_delay) {
    ASSERT(stack.count > 0 && stack.item != ITEM_NONE);
    if (e->n_items == ENV_MAX_ITEMS) {
        /* full: the oldest item despawns early (index 0 is the oldest) */
        memmove(&e->items[0], &e->items[1], (ENV_MAX_ITEMS - 1) * sizeof(ItemEntity));
        e->n_items--;
    }
    ItemEntity *it = &e->items[e->n_items++];
    memset(it, 0, sizeof *it);
    it->x = x;
    it->y = y;
    it->z = z;
    it->stack = stack;
    it->pickup_delay = pickup_delay;
    return 1;
}

static void item_physics(const World *w, ItemEntity *it) {
    int in_water = phys_box_in_liquid(w, it->x - ITEM_HW, it->y, it->z - ITEM_HW, it->x + ITEM_HW,
                                      it->y + ITEM_H, it->z + ITEM_HW);
    if (in_water) {
        it->vy = it->vy * 0.99 + (it->vy < 0.06 ? 5e-4 : 0.0);
    } else {
        it->vy -= 0.04;
    }
    if (it->on_ground && it->vx == 0 && it->vz == 0 && it->vy <= 0 && !in_water &&
        block_is_solid(
            world_block_fast(w, phys_floor(it->x), phys_floor(it->y - 0.01), phys_floor(it->z)))) {
        it->vy = 0; /* resting: nothing to do */
        return;
    }
    double pos[3] = {it->x, it->y, it->z}, d[3] = {it->vx, it->vy, it->vz};
    MoveResult mr;
    phys_move(w, pos, ITEM_HW, ITEM_H, d, &mr);
    it->x = pos[0];
    it->y = pos[1];
    it->z = pos[2];
    if (mr.hit_x) it->vx = 0;
    if (mr.hit_z) it->vz = 0;
    it->on_ground = mr.on_ground;
    double f = it->on_ground ? 0.6 * 0.98 : 0.98;
    it->vx *= f;
    it->vy *= 0.98;
    it->vz *= f;
    if (mr.hit_y) it->vy = it->on_ground ? it->vy * -0.5 : 0;
    if (fabs(it->vx) < 0.003) it->vx = 0;
    if (fabs(it->vz) < 0.003) it->vz = 0;
    if (it->on_ground && fabs(it->vy) < 0.05) it->vy = 0;
}

static int item_touches_player(const Player *p, const ItemEntity *it) {
    /* the player's box grown by 1 horizontally and 0.5 vertically (Minecraft's pickup box) */
    const double hw = PLAYER_HALF_WIDTH + 1.0;
    return it->x + ITEM_HW > p->x - hw && it->x - ITEM_HW < p->x + hw &&
           it->z + ITEM_HW > p->z - hw && it->z - ITEM_HW < p->z + hw &&
           it->y + ITEM_H > p->y - 0.5 && it->y < p->y + PLAYER_HEIGHT + 0.5;
}

void env_phase_items(Env *e) {
    Player *p = &e->player;
    int n = 0;
    for (int i = 0; i < e->n_items; i++) {
        ItemEntity *it = &e->items[i];
        it->age++;
        if (it->pickup_delay > 0) it->pickup_delay--;
        item_physics(e->world, it);
        int keep = it->age < ITEM_DESPAWN_TICKS && it->y > -64.0;
        if (keep && it->pickup_delay == 0 && p->health > 0 && item_touches_player(p, it)) {
            int before = it->stack.count;
            int left = inventory_add(&p->inventory, it->stack.item, before, it->stack.damage);
            if (left < before) {
                env_event(e, ENV_EVENT_PICKED_UP, it->stack.item, before - left, (int)floor(it->x),
                          (int)floor(it->y), (int)floor(it->z), 0);
                it->stack.count = (uint8_t)left;
                if (left == 0) keep = 0;
            }
        }
        if (keep) { /* compaction keeps spawn order (oldest first) */
            if (n != i) e->items[n] = *it;
            n++;
        }
    }
    e->n_items = n;
}
