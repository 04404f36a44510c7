/* glworld.c: GL world pass (GLSL ray caster) + the canonical 2D overlay composited on top.
 *
 * Frame parameters (camera basis, sky colours, light table, chunk table, entity boxes) come
 * from the canonical renderer's own frame setup (render/internal.h), so the two back ends
 * cannot drift apart in anything but float rounding on the GPU. */
#include "window/glworld.h"

#include <GL/glew.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/log.h"
#include "render/internal.h"
#include "window/glutil.h"
#include "window/glworld_shader.h"

#define VOL (FRAME_CHUNK_DIM * 16)
#define N_LAYERS (TEX_COUNT + ITEM_COUNT)

static const char *VS_TRI = "#version 330 core\n"
                            "void main() {\n"
                            "  vec2 p = vec2(float((gl_VertexID & 1) << 2) - 1.0, "
                            "float((gl_VertexID & 2) << 1) - 1.0);\n"
                            "  gl_Position = vec4(p, 0.0, 1.0);\n"
                            "}\n";

/* Overlay composite: RGBA blended over the world; the invert mask flips what is beneath. */
static const char *FS_OVERLAY =
    "#version 330 core\n"
    "uniform sampler2D u_over; uniform ivec2 u_size;\n"
    "out vec4 o_color;\n"
    "void main() {\n"
    "  ivec2 p = ivec2(int(gl_FragCoord.x), u_size.y - 1 - int(gl_FragCoord.y));\n"
    "  o_color = texelFetch(u_over, p, 0);\n"
    "}\n";
static const char *FS_INVERT =
    "#version 330 core\n"
    "uniform sampler2D u_mask; uniform ivec2 u_size;\n"
    "out vec4 o_color;\n"
    "void main() {\n"
    "  ivec2 p = ivec2(int(gl_FragCoord.x), u_size.y - 1 - int(gl_FragCoord.y));\n"
    "  if (texelFetch(u_mask, p, 0).r < 0.5) discard;\n"
    "  o_color = vec4(1.0);\n"
    "}\n";

typedef struct Slot {
    int cx, cz, valid;
    uint64_t hash_blocks, hash_light;
} Slot;

struct GlWorld {
    const Renderer *r;
    GLuint prog, prog_over, prog_inv, vao;
    GLuint vol_blocks, vol_light, tops, tex_array, boxes, blockdata, clouds;
    GLuint over_tex, mask_tex;
    int over_w, over_h;
    Slot slots[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    uint8_t *black, *white, *rgba, *mask;
    long long upload_bytes;
    uint8_t cloud_cells[128 * 128];
    FrameCtx *fc;
};

static GLuint make_volume(void) {
    GLuint t;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_3D, t);
    glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage3D(GL_TEXTURE_3D, 0, GL_R8UI, VOL, VOL, 128, 0, GL_RED_INTEGER, GL_UNSIGNED_BYTE,
                 NULL);
    return t;
}

/* Layer index of a FrameBox face image (a pointer into the renderer's textures or icons). */
static int layer_of(const RenderTextures *tx, const Texel *img) {
    if (!img) return -1;
    const Texel *t0 = &tx->tex[0][0], *i0 = &tx->icon[0][0];
    if (img >= t0 && img < t0 + (size_t)TEX_COUNT * TEX_MIP_TEXELS)
        return (int)((img - t0) / TEX_MIP_TEXELS);
    if (img >= i0 && img < i0 + (size_t)ITEM_COUNT * TEX_MIP_TEXELS)
        return TEX_COUNT + (int)((img - i0) / TEX_MIP_TEXELS);
    return -1;
}

static void upload_textures(GlWorld *g) {
    const RenderTextures *tx = g->r->tex;
    glGenTextures(1, &g->tex_array);
    glBindTexture(GL_TEXTURE_2D_ARRAY, g->tex_array);
    glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MIN_FILTER, GL_NEAREST_MIPMAP_NEAREST);
    glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAX_LEVEL, TEX_LEVELS - 1);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    for (int level = 0; level < TEX_LEVELS; level++) {
        int n = TEX_SIZE >> level;
        Texel *buf = mem_alloc((size_t)n * n * N_LAYERS * sizeof(Texel));
        for (int l = 0; l < N_LAYERS; l++) {
            const Texel *img = l < TEX_COUNT ? tx->tex[l] : tx->icon[l - TEX_COUNT];
            memcpy(buf + (size_t)l * n * n, img + tex_level_offset(level),
                   (size_t)n * n * sizeof(Texel));
        }
        glTexImage3D(GL_TEXTURE_2D_ARRAY, level, GL_RGBA8, n, n, N_LAYERS, 0, GL_RGBA,
                     GL_UNSIGNED_BYTE, buf);
        mem_free(buf);
    }
}

static GLuint data_texture(GLint ifmt, int w, int h, GLenum fmt, GLenum type, const void *px) {
    GLuint t;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, ifmt, w, h, 0, fmt, type, px);
    return t;
}

/* Per block: its kind for the shader (1 solid, 2 cutout, 3 glass, 4 water, 5 torch) and the
 * texture layer of each face. */
static GLuint make_blockdata(const Renderer *r) {
    static const int16_t KIND[BLOCK_COUNT] = {
        [BLOCK_WATER] = 4, [BLOCK_OAK_LEAVES] = 2, [BLOCK_TORCH] = 5, [BLOCK_GLASS] = 3};
    int16_t data[BLOCK_COUNT * 7];
    for (int b = 0; b < BLOCK_COUNT; b++) {
        data[b * 7] = b == BLOCK_AIR ? 0 : KIND[b] ? KIND[b] : 1;
        for (int f = 0; f < 6; f++) data[b * 7 + 1 + f] = r->tex->face_tex[b][f];
    }
    return data_texture(GL_R16I, 7, BLOCK_COUNT, GL_RED_INTEGER, GL_SHORT, data);
}

GlWorld *glworld_create(const Renderer *r) {
    GlWorld *g = mem_calloc(1, sizeof *g);
    g->r = r;
    g->fc = mem_alloc(sizeof *g->fc);
    if (glu_program_create("world", VS_TRI, GLWORLD_FS, &g->prog) != STATUS_OK ||
        glu_program_create("overlay", VS_TRI, FS_OVERLAY, &g->prog_over) != STATUS_OK ||
        glu_program_create("invert", VS_TRI, FS_INVERT, &g->prog_inv) != STATUS_OK) {
        glworld_destroy(g);
        return NULL;
    }
    g->vao = glu_fullscreen_vao();
    g->vol_blocks = make_volume();
    g->vol_light = make_volume();
    glGenTextures(1, &g->tops);
    glBindTexture(GL_TEXTURE_2D, g->tops);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R16I, FRAME_CHUNK_DIM, FRAME_CHUNK_DIM, 0, GL_RED_INTEGER,
                 GL_SHORT, NULL);
    upload_textures(g);
    g->boxes = data_texture(GL_RGBA32F, 7, 64, GL_RGBA, GL_FLOAT, NULL);
    g->blockdata = make_blockdata(g->r);
    g->clouds = data_texture(GL_R8, 128, 128, GL_RED, GL_UNSIGNED_BYTE, NULL);
    if (glu_check("glworld setup") != STATUS_OK) {
        glworld_destroy(g);
        return NULL;
    }
    return g;
}

void glworld_destroy(GlWorld *g) {
    if (!g) return;
    GLuint texs[] = {g->vol_blocks, g->vol_light, g->tops,      g->tex_array, g->over_tex,
                     g->mask_tex,   g->boxes,     g->blockdata, g->clouds};
    for (int i = 0; i < 9; i++)
        if (texs[i]) glDeleteTextures(1, &texs[i]);
    if (g->prog) glDeleteProgram(g->prog);
    if (g->prog_over) glDeleteProgram(g->prog_over);
    if (g->prog_inv) glDeleteProgram(g->prog_inv);
    if (g->vao) glDeleteVertexArrays(1, &g->vao);
    mem_free(g->black);
    mem_free(g->white);
    mem_free(g->rgba);
    mem_free(g->mask);
    mem_free(g->fc);
    mem_free(g);
}

long long glworld_last_upload_bytes(const GlWorld *g) { return g->upload_bytes; }

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t q;
        memcpy(&q, p + i, 8); /* chunk arrays need not be 8-byte aligned */
        h = (h ^ q) * 1099511628211ull;
    }
    return h;
}

/* Uploads every chunk of the frame's table whose blocks or light changed; fills tops. */
static void update_volumes(GlWorld *g, const FrameCtx *fc) {
    int16_t tops[FRAME_CHUNK_DIM * FRAME_CHUNK_DIM];
    g->upload_bytes = 0;
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    for (int j = 0; j < FRAME_CHUNK_DIM; j++) {
        for (int i = 0; i < FRAME_CHUNK_DIM; i++) {
            int k = j * FRAME_CHUNK_DIM + i;
            const uint8_t *ch = fc->chunks[k], *li = fc->lights[k];
            tops[k] = ch ? fc->tops[k] : -1;
            if (!ch) continue;
            int cx = fc->ccx0 + i, cz = fc->ccz0 + j;
            /* Toroidal slot of this chunk in the volume. */
            int sx = ((cx % FRAME_CHUNK_DIM) + FRAME_CHUNK_DIM) % FRAME_CHUNK_DIM;
            int sz = ((cz % FRAME_CHUNK_DIM) + FRAME_CHUNK_DIM) % FRAME_CHUNK_DIM;
            Slot *s = &g->slots[sz * FRAME_CHUNK_DIM + sx];
            const size_t n = 16 * 16 * 128;
            uint64_t hb = hash_bytes(ch, n), hl = li ? hash_bytes(li, n) : 0;
            int same = s->valid && s->cx == cx && s->cz == cz;
            if (!same || s->hash_blocks != hb) {
                glBindTexture(GL_TEXTURE_3D, g->vol_blocks);
                glTexSubImage3D(GL_TEXTURE_3D, 0, sx * 16, sz * 16, 0, 16, 16, 128, GL_RED_INTEGER,
                                GL_UNSIGNED_BYTE, ch);
                g->upload_bytes += (long long)n;
            }
            if (li && (!same || s->hash_light != hl)) {
                glBindTexture(GL_TEXTURE_3D, g->vol_light);
                glTexSubImage3D(GL_TEXTURE_3D, 0, sx * 16, sz * 16, 0, 16, 16, 128, GL_RED_INTEGER,
                                GL_UNSIGNED_BYTE, li);
                g->upload_bytes += (long long)n;
            }
            s->cx = cx;
            s->cz = cz;
            s->valid = 1;
            s->hash_blocks = hb;
            s->hash_light = hl;
        }
    }
    glBindTexture(GL_TEXTURE_2D, g->tops);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, FRAME_CHUNK_DIM, FRAME_CHUNK_DIM, GL_RED_INTEGER,
                    GL_SHORT, tops);
}

#define U(name) glGetUniformLocation(g->prog, name)

static void set_world_uniforms(GlWorld *g, const FrameCtx *fc, int w, int h) {
    glUniform2i(U("u_size"), w, h);
    glUniform3i(U("u_ec"), fc->ecx, fc->ecy, fc->ecz);
    glUniform3f(U("u_ef"), fc->ex, fc->ey, fc->ez);
    glUniform3fv(U("u_fwd"), 1, fc->fwd);
    glUniform3fv(U("u_right"), 1, fc->right);
    glUniform3fv(U("u_up"), 1, fc->up);
    glUniform1f(U("u_tan_x"), fc->tan_x);
    glUniform1f(U("u_tan_y"), fc->tan_y);
    glUniform1f(U("u_max_dist"), fc->max_dist);
    glUniform1f(U("u_fog_start"), fc->fog_start);
    glUniform1f(U("u_pix_angle"), fc->pix_angle);
    glUniform1i(U("u_ccx0"), fc->ccx0);
    glUniform1i(U("u_ccz0"), fc->ccz0);
    glUniform1f(U("u_daylight"), fc->daylight);
    glUniform3fv(U("u_zenith"), 1, fc->sky_zenith);
    glUniform3fv(U("u_horizon"), 1, fc->sky_horizon);
    glUniform3fv(U("u_fog"), 1, fc->fog_color);
    glUniform3fv(U("u_sun"), 1, fc->sun_dir);
    glUniform1fv(U("u_lum"), 16, fc->lum);
    glUniform1i(U("u_has_target"), fc->has_target);
    glUniform3i(U("u_target"), fc->tx, fc->ty, fc->tz);
    glUniform1i(U("u_crack"), fc->crack_stage);
    glUniform1i(U("u_tex_water"), TEX_WATER);
    glUniform1i(U("u_tex_torch"), TEX_TORCH);
    glUniform1i(U("u_tex_crack0"), TEX_CRACK_0);
}

/* The cloud cells within reach of this frame's rays (600 blocks at most: 50 cells each way)
 * from render_cloud_cell, the function the software renderer uses. */
static void upload_clouds(GlWorld *g, const FrameCtx *fc) {
    double shift = 0.03 * (double)fc->sc->tick;
    double ex = (double)fc->ecx + fc->ex + shift, ez = (double)fc->ecz + fc->ez;
    int x0 = (int)floor(ex / CLOUD_CELL) - 64, z0 = (int)floor(ez / CLOUD_CELL) - 64;
    uint8_t *cells = g->cloud_cells;
    for (int j = 0; j < 128; j++)
        for (int i = 0; i < 128; i++)
            cells[j * 128 + i] = render_cloud_cell(x0 + i, z0 + j) ? 255 : 0;
    glBindTexture(GL_TEXTURE_2D, g->clouds);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, 128, 128, GL_RED, GL_UNSIGNED_BYTE, cells);
    glUniform2i(U("u_cloud0"), x0, z0);
    glUniform1f(U("u_cloud_shift"), (float)shift);
    glUniform1f(U("u_eye_y"), (float)fc->ecy + fc->ey);
}

/* Entity boxes go to a float texture, one row of 7 texels per box (see the shader). */
static void upload_boxes(GlWorld *g, const FrameCtx *fc) {
    enum { MAXB = 64, ROW = 7 };
    int n = fc->n_boxes < MAXB ? fc->n_boxes : MAXB;
    float data[MAXB * ROW * 4];
    memset(data, 0, sizeof data);
    for (int i = 0; i < n; i++) {
        const FrameBox *b = &fc->boxes[i];
        float *r = data + (size_t)i * ROW * 4;
        float row[ROW * 4] = {b->px,
                              b->py,
                              b->pz,
                              b->c,
                              b->s,
                              b->lo[0],
                              b->lo[1],
                              b->lo[2],
                              b->hi[0],
                              b->hi[1],
                              b->hi[2],
                              (float)b->tint_red,
                              b->light[0],
                              b->light[1],
                              b->light[2],
                              0,
                              (float)b->sx0,
                              (float)b->sy0,
                              (float)b->sx1,
                              (float)b->sy1,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0};
        for (int f = 0; f < 6; f++) row[20 + f] = (float)layer_of(g->r->tex, b->face[f]);
        memcpy(r, row, sizeof row);
    }
    glBindTexture(GL_TEXTURE_2D, g->boxes);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, ROW, MAXB, GL_RGBA, GL_FLOAT, data);
    glUniform1i(U("u_nbox"), n);
}

/* The 2D pass drawn twice, over black and over white, gives each pixel's colour and alpha
 * (alpha = 1 - (white - black) / 255); pixels that came out brighter over black than over
 * white were inverted (the crosshair) and go to the invert mask instead. */
static void build_overlay(GlWorld *g, const RenderScene *sc, int w, int h, const float *hand) {
    size_t n = (size_t)w * h;
    if (w != g->over_w || h != g->over_h) {
        mem_free(g->black);
        mem_free(g->white);
        mem_free(g->rgba);
        mem_free(g->mask);
        g->black = mem_alloc(n * 3);
        g->white = mem_alloc(n * 3);
        g->rgba = mem_alloc(n * 4);
        g->mask = mem_alloc(n);
        if (g->over_tex) glDeleteTextures(1, &g->over_tex);
        if (g->mask_tex) glDeleteTextures(1, &g->mask_tex);
        g->over_tex = glu_texture_rgba(w, h, NULL);
        glGenTextures(1, &g->mask_tex);
        glBindTexture(GL_TEXTURE_2D, g->mask_tex);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, NULL);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        g->over_w = w;
        g->over_h = h;
    }
    memset(g->black, 0, n * 3);
    memset(g->white, 255, n * 3);
    render_overlay(g->r, sc, g->black, w, h, hand);
    render_overlay(g->r, sc, g->white, w, h, hand);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *b = g->black + 3 * i, *wh = g->white + 3 * i;
        int sb = b[0] + b[1] + b[2], sw = wh[0] + wh[1] + wh[2];
        uint8_t *o = g->rgba + 4 * i;
        g->mask[i] = 0;
        if (sb > sw) { /* inverted */
            g->mask[i] = 255;
            o[0] = o[1] = o[2] = o[3] = 0;
            continue;
        }
        int a = 765 - (sw - sb); /* alpha * 3 */
        if (a <= 0) {
            o[0] = o[1] = o[2] = o[3] = 0;
            continue;
        }
        for (int k = 0; k < 3; k++) {
            int c = b[k] * 765 / a;
            o[k] = (uint8_t)(c > 255 ? 255 : c);
        }
        o[3] = (uint8_t)((a + 1) / 3);
    }
    glu_texture_upload_rgba(g->over_tex, w, h, g->rgba);
    glBindTexture(GL_TEXTURE_2D, g->mask_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RED, GL_UNSIGNED_BYTE, g->mask);
}

void glworld_draw(GlWorld *g, const RenderScene *sc, int w, int h) {
    FrameCtx *fc = g->fc;
    render_frame_setup(fc, g->r, sc, w, h);
    render_fill_tops(fc);
    update_volumes(g, fc);
    glViewport(0, 0, w, h);
    glUseProgram(g->prog);
    set_world_uniforms(g, fc, w, h);
    upload_boxes(g, fc);
    upload_clouds(g, fc);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_3D, g->vol_blocks);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_3D, g->vol_light);
    glActiveTexture(GL_TEXTURE2);
    glBindTexture(GL_TEXTURE_2D, g->tops);
    glActiveTexture(GL_TEXTURE3);
    glBindTexture(GL_TEXTURE_2D_ARRAY, g->tex_array);
    glUniform1i(U("u_blocks"), 0);
    glUniform1i(U("u_light"), 1);
    glUniform1i(U("u_tops"), 2);
    glUniform1i(U("u_tex"), 3);
    glActiveTexture(GL_TEXTURE4);
    glBindTexture(GL_TEXTURE_2D, g->boxes);
    glUniform1i(U("u_boxes"), 4);
    glActiveTexture(GL_TEXTURE5);
    glBindTexture(GL_TEXTURE_2D, g->blockdata);
    glUniform1i(U("u_blockdata"), 5);
    glActiveTexture(GL_TEXTURE6);
    glBindTexture(GL_TEXTURE_2D, g->clouds);
    glUniform1i(U("u_clouds"), 6);
    glBindVertexArray(g->vao);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    if (!sc->show_hud) return;
    float hand[3];
    render_light_rgb(fc, fc->ecx, fc->ecy, fc->ecz, hand);
    build_overlay(g, sc, w, h, hand);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(g->prog_over);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, g->over_tex);
    glUniform1i(glGetUniformLocation(g->prog_over, "u_over"), 0);
    glUniform2i(glGetUniformLocation(g->prog_over, "u_size"), w, h);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBlendFunc(GL_ONE_MINUS_DST_COLOR, GL_ZERO);
    glUseProgram(g->prog_inv);
    glBindTexture(GL_TEXTURE_2D, g->mask_tex);
    glUniform1i(glGetUniformLocation(g->prog_inv, "u_mask"), 0);
    glUniform2i(glGetUniformLocation(g->prog_inv, "u_size"), w, h);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glDisable(GL_BLEND);
}
