/* entity.c: item entities and mobs as textured boxes for the world pass.
 *
 * Mob models follow Minecraft's proportions (in blocks, feet at y = 0, +z forward): a body,
 * a head whose front face carries the face texture, and legs; zombies add arms held forward.
 * Block items are small spinning cubes with their block's face textures; other items are
 * upright sprites of their icon turned to face the camera. Boxes outside the view get no
 * screen rectangle and cost nothing per pixel. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"

typedef struct Part {
    float lo[3], hi[3];
    uint8_t skin, front; /* TexId of the sides and of the +z face */
} Part;

#define P(x0, y0, z0, x1, y1, z1, s, f)                                                            \
    { {x0, y0, z0}, {x1, y1, z1}, s, f }

static const Part PIG[] = {
    P(-0.3125f, 0.375f, -0.5f, 0.3125f, 0.875f, 0.5f, TEX_PIG_SKIN, TEX_PIG_SKIN),
    P(-0.25f, 0.4375f, 0.5f, 0.25f, 0.9375f, 1.0f, TEX_PIG_SKIN, TEX_PIG_FACE),
    P(-0.3125f, 0.0f, -0.5f, -0.0625f, 0.375f, -0.25f, TEX_PIG_SKIN, TEX_PIG_SKIN),
    P(0.0625f, 0.0f, -0.5f, 0.3125f, 0.375f, -0.25f, TEX_PIG_SKIN, TEX_PIG_SKIN),
    P(-0.3125f, 0.0f, 0.25f, -0.0625f, 0.375f, 0.5f, TEX_PIG_SKIN, TEX_PIG_SKIN),
    P(0.0625f, 0.0f, 0.25f, 0.3125f, 0.375f, 0.5f, TEX_PIG_SKIN, TEX_PIG_SKIN),
};
static const Part COW[] = {
    P(-0.375f, 0.75f, -0.5625f, 0.375f, 1.375f, 0.5625f, TEX_COW_SKIN, TEX_COW_SKIN),
    P(-0.25f, 1.0f, 0.5625f, 0.25f, 1.5f, 0.9375f, TEX_COW_SKIN, TEX_COW_FACE),
    P(-0.375f, 0.0f, -0.5625f, -0.125f, 0.75f, -0.3125f, TEX_COW_SKIN, TEX_COW_SKIN),
    P(0.125f, 0.0f, -0.5625f, 0.375f, 0.75f, -0.3125f, TEX_COW_SKIN, TEX_COW_SKIN),
    P(-0.375f, 0.0f, 0.3125f, -0.125f, 0.75f, 0.5625f, TEX_COW_SKIN, TEX_COW_SKIN),
    P(0.125f, 0.0f, 0.3125f, 0.375f, 0.75f, 0.5625f, TEX_COW_SKIN, TEX_COW_SKIN),
};
static const Part SHEEP[] = {
    P(-0.375f, 0.625f, -0.5625f, 0.375f, 1.25f, 0.5625f, TEX_SHEEP_WOOL, TEX_SHEEP_WOOL),
    P(-0.1875f, 0.875f, 0.5625f, 0.1875f, 1.3125f, 0.9375f, TEX_SHEEP_WOOL, TEX_SHEEP_FACE),
    P(-0.3125f, 0.0f, -0.5f, -0.0625f, 0.625f, -0.25f, TEX_SHEEP_FACE, TEX_SHEEP_FACE),
    P(0.0625f, 0.0f, -0.5f, 0.3125f, 0.625f, -0.25f, TEX_SHEEP_FACE, TEX_SHEEP_FACE),
    P(-0.3125f, 0.0f, 0.25f, -0.0625f, 0.625f, 0.5f, TEX_SHEEP_FACE, TEX_SHEEP_FACE),
    P(0.0625f, 0.0f, 0.25f, 0.3125f, 0.625f, 0.5f, TEX_SHEEP_FACE, TEX_SHEEP_FACE),
};
static const Part ZOMBIE[] = {
    P(-0.25f, 0.0f, -0.125f, 0.0f, 0.75f, 0.125f, TEX_ZOMBIE_PANTS, TEX_ZOMBIE_PANTS),
    P(0.0f, 0.0f, -0.125f, 0.25f, 0.75f, 0.125f, TEX_ZOMBIE_PANTS, TEX_ZOMBIE_PANTS),
    P(-0.25f, 0.75f, -0.125f, 0.25f, 1.5f, 0.125f, TEX_ZOMBIE_SHIRT, TEX_ZOMBIE_SHIRT),
    P(-0.25f, 1.5f, -0.25f, 0.25f, 2.0f, 0.25f, TEX_ZOMBIE_SKIN, TEX_ZOMBIE_FACE),
    P(0.25f, 1.25f, -0.125f, 0.5f, 1.5f, 0.625f, TEX_ZOMBIE_SKIN, TEX_ZOMBIE_SKIN),
    P(-0.5f, 1.25f, -0.125f, -0.25f, 1.5f, 0.625f, TEX_ZOMBIE_SKIN, TEX_ZOMBIE_SKIN),
};

static const struct {
    const Part *parts;
    int n;
} MODELS[RENDER_MOB_COUNT] = {
    {PIG, 6},
    {COW, 6},
    {SHEEP, 6},
    {ZOMBIE, 6},
};

/* Screen rectangle of a box from its 8 corners; returns 0 when entirely behind the eye. */
static int box_screen_rect(const FrameCtx *fc, FrameBox *b) {
    int behind = 0, front = 0;
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (int i = 0; i < 8; i++) {
        float lx = (i & 1) ? b->hi[0] : b->lo[0], ly = (i & 2) ? b->hi[1] : b->lo[1],
              lz = (i & 4) ? b->hi[2] : b->lo[2];
        /* local -> world (relative to the eye) */
        float wx = b->c * lx + b->s * lz + b->px - fc->ex;
        float wy = ly + b->py - fc->ey;
        float wz = -b->s * lx + b->c * lz + b->pz - fc->ez;
        float zc = wx * fc->fwd[0] + wy * fc->fwd[1] + wz * fc->fwd[2];
        if (zc < 0.05f) {
            behind++;
            continue;
        }
        front++;
        float xc = wx * fc->right[0] + wy * fc->right[1] + wz * fc->right[2];
        float yc = wx * fc->up[0] + wy * fc->up[1] + wz * fc->up[2];
        float sx = (xc / (zc * fc->tan_x) + 1.0f) * 0.5f * (float)fc->width;
        float sy = (1.0f - yc / (zc * fc->tan_y)) * 0.5f * (float)fc->height;
        x0 = fminf(x0, sx), x1 = fmaxf(x1, sx), y0 = fminf(y0, sy), y1 = fmaxf(y1, sy);
    }
    if (!front) return 0;
    if (behind) {
        b->sx0 = 0, b->sy0 = 0, b->sx1 = fc->width - 1, b->sy1 = fc->height - 1;
        return 1;
    }
    if (x1 < -1.0f || y1 < -1.0f || x0 > (float)fc->width || y0 > (float)fc->height) return 0;
    b->sx0 = (int)floorf(x0) - 1, b->sy0 = (int)floorf(y0) - 1;
    b->sx1 = (int)ceilf(x1) + 1, b->sy1 = (int)ceilf(y1) + 1;
    return 1;
}

static FrameBox *box_begin(FrameCtx *fc, double x, double y, double z, float yaw_deg) {
    if (fc->n_boxes >= FRAME_MAX_BOXES) return NULL;
    FrameBox *b = &fc->boxes[fc->n_boxes];
    memset(b, 0, sizeof *b);
    b->px = (float)(x - fc->ecx);
    b->py = (float)(y - fc->ecy);
    b->pz = (float)(z - fc->ecz);
    float yaw = yaw_deg * 0.017453293f;
    b->c = cosf(yaw);
    b->s = -sinf(yaw);
    render_light_rgb(fc, (int)floor(x), (int)floor(y + 0.25), (int)floor(z), b->light);
    return b;
}

static void box_commit(FrameCtx *fc, FrameBox *b) {
    if (box_screen_rect(fc, b)) fc->n_boxes++;
}

static int too_far(const FrameCtx *fc, double x, double y, double z) {
    double dx = x - fc->sc->eye[0], dy = y - fc->sc->eye[1], dz = z - fc->sc->eye[2];
    return dx * dx + dy * dy + dz * dz > (double)fc->max_dist * fc->max_dist;
}

static void add_mob(FrameCtx *fc, const RenderMob *m) {
    if (m->type < 0 || m->type >= RENDER_MOB_COUNT || too_far(fc, m->x, m->y, m->z)) return;
    const RenderTextures *tex = fc->r->tex;
    for (int i = 0; i < MODELS[m->type].n; i++) {
        const Part *p = &MODELS[m->type].parts[i];
        FrameBox *b = box_begin(fc, m->x, m->y, m->z, m->yaw);
        if (!b) return;
        memcpy(b->lo, p->lo, sizeof b->lo);
        memcpy(b->hi, p->hi, sizeof b->hi);
        for (int f = 0; f < RFACE_COUNT; f++) b->face[f] = tex->tex[p->skin];
        b->face[RFACE_PZ] = tex->tex[p->front];
        b->tint_red = m->hurt > 0;
        box_commit(fc, b);
    }
}

static void add_item(FrameCtx *fc, const RenderItemEntity *it) {
    if (it->item == ITEM_NONE || it->item >= ITEM_COUNT || too_far(fc, it->x, it->y, it->z)) return;
    const RenderTextures *tex = fc->r->tex;
    float bob = 0.08f + 0.06f * sinf((float)it->age * 0.1f);
    /* like Minecraft, a stack shows as more than one copy (2 from 2 items, 3 from 17) */
    int copies = it->count >= 17 ? 3 : it->count >= 2 ? 2 : 1;
    int cube = it->item < BLOCK_COUNT && it->item != BLOCK_TORCH;
    for (int c = 0; c < copies; c++) {
        double off = 0.07 * c;
        float yaw = cube ? (float)((it->age * 4) % 360) : fc->sc->yaw + 180.0f;
        FrameBox *b = box_begin(fc, it->x + off, it->y + bob + off, it->z + off * 0.5, yaw);
        if (!b) return;
        if (cube) {
            const float h = 0.125f;
            b->lo[0] = -h, b->lo[1] = 0.0f, b->lo[2] = -h;
            b->hi[0] = h, b->hi[1] = 2 * h, b->hi[2] = h;
            for (int f = 0; f < RFACE_COUNT; f++) b->face[f] = tex->tex[tex->face_tex[it->item][f]];
        } else {
            b->lo[0] = -0.2f, b->lo[1] = 0.0f, b->lo[2] = -0.01f;
            b->hi[0] = 0.2f, b->hi[1] = 0.4f, b->hi[2] = 0.01f;
            b->face[RFACE_PZ] = tex->icon[it->item];
        }
        box_commit(fc, b);
    }
}

void render_entities_setup(FrameCtx *fc) {
    fc->n_boxes = 0;
    const RenderScene *sc = fc->sc;
    for (int i = 0; i < sc->n_mobs && i < RENDER_MAX_MOBS; i++) add_mob(fc, &sc->mobs[i]);
    for (int i = 0; i < sc->n_items && i < RENDER_MAX_ITEMS; i++) add_item(fc, &sc->items[i]);
}
