/* bc_agent.c: the BC policy as an Agent ("bc:CKPT", bc.h). Each act renders the env from the
 * player's view at the model's frame size (render_frame: the one resize is the renderer's own
 * resolution), runs one LSTM step with the state carried from the previous act (reset zeroes
 * it), and samples the buttons head, then the camera head when the sampled class has camera-on,
 * with the Rng seeded by reset. Same seed + same env = same actions. AgentInfo lists the five
 * most probable button classes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "agent/bc.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/rng.h"
#include "render/render.h"

typedef struct BcAgent {
    BcModel m;
    BcState s;
    NnCtx ctx;
    NnArena arena;
    Renderer *renderer;
    RenderCache *cache; /* the agent's own view, frame after frame */
    uint8_t *rgb;
    float *frame;
    Rng rng;
    char desc[320];
} BcAgent;

static void bc_reset(void *self, const Env *env, uint64_t seed) {
    (void)env;
    BcAgent *a = self;
    rng_seed(&a->rng, seed);
    memset(a->s.h, 0, sizeof(float) * (size_t)a->s.hidden);
    memset(a->s.c, 0, sizeof(float) * (size_t)a->s.hidden);
}

/* p = softmax(x) over n classes. */
static void softmax(float *p, const float *x, int n) {
    float mx = x[0];
    for (int i = 1; i < n; i++) mx = x[i] > mx ? x[i] : mx;
    double sum = 0;
    for (int i = 0; i < n; i++) sum += (p[i] = expf(x[i] - mx));
    const float inv = (float)(1.0 / sum);
    for (int i = 0; i < n; i++) p[i] *= inv;
}

static int sample(const float *p, int n, Rng *rng) {
    double u = rng_double(rng), acc = 0;
    for (int i = 0; i < n; i++) {
        acc += p[i];
        if (u < acc) return i;
    }
    return n - 1;
}

static void top_classes(const float *p, AgentInfo *info) {
    int best[AGENT_INFO_MAX_PROBS], k = 0;
    for (int i = 0; i < BC_N_BUTTON_CLASSES; i++) {
        if (k == AGENT_INFO_MAX_PROBS && p[i] <= p[best[k - 1]]) continue;
        int j = k < AGENT_INFO_MAX_PROBS ? k++ : k - 1;
        for (; j > 0 && p[i] > p[best[j - 1]]; j--) best[j] = best[j - 1];
        best[j] = i;
    }
    for (int i = 0; i < k; i++) {
        char label[24];
        bc_class_label(best[i], label, sizeof label);
        agent_info_add_prob(info, label, p[best[i]]);
    }
}

static void bc_act(void *self, const Env *env, const uint8_t *obs, int w, int h, Action *out,
                   AgentInfo *info) {
    BcAgent *a = self;
    const int W = a->m.cfg.frame_w, H = a->m.cfg.frame_h;
    const uint8_t *px = obs;
    if (!obs || w != W || h != H) {
        render_frame_cached(a->renderer, a->cache, env, a->rgb, W, H);
        px = a->rgb;
    }
    for (int i = 0; i < W * H * 3; i++) a->frame[i] = (float)px[i] * (1.0f / 255.0f);
    nn_arena_reset(&a->arena);
    float *btn, *cam;
    bc_infer_step(&a->m, &a->ctx, &a->arena, &a->s, a->frame, &btn, &cam);
    float *pb = nn_arena_alloc_uninit(&a->arena, BC_N_BUTTON_CLASSES);
    float *pc = nn_arena_alloc_uninit(&a->arena, BC_N_CAMERA_CLASSES);
    softmax(pb, btn, BC_N_BUTTON_CLASSES);
    softmax(pc, cam, BC_N_CAMERA_CLASSES);
    const int b = sample(pb, BC_N_BUTTON_CLASSES, &a->rng);
    const int c =
        bc_class_camera_on(b) ? sample(pc, BC_N_CAMERA_CLASSES, &a->rng) : BC_CAMERA_NULL_CLASS;
    bc_decode(out, b, c);
    if (info) {
        agent_info_clear(info);
        char label[24];
        bc_class_label(b, label, sizeof label);
        char goal[64];
        snprintf(goal, sizeof goal, "bc: %s (p %.2f)", label, (double)pb[b]);
        agent_info_set_goal(info, goal);
        top_classes(pb, info);
    }
}

static void bc_destroy(void *self) {
    BcAgent *a = self;
    if (!a) return;
    bc_model_deinit(&a->m);
    bc_state_deinit(&a->s);
    nn_ctx_deinit(&a->ctx);
    nn_arena_deinit(&a->arena);
    render_destroy(a->renderer);
    render_cache_destroy(a->cache);
    mem_free(a->rgb);
    mem_free(a->frame);
    mem_free(a);
}

static const char *bc_describe(const void *self) { return ((const BcAgent *)self)->desc; }

static const AgentVtbl BC_VTBL = {"bc", bc_reset, bc_act, bc_destroy, bc_describe};

Agent *bc_agent_create(const char *ckpt, uint64_t seed) {
    if (!ckpt || !*ckpt) {
        LOG_ERROR("agent", "policy 'bc:CKPT' needs a checkpoint path after 'bc:'");
        return NULL;
    }
    BcAgent *a = mem_calloc(1, sizeof *a);
    BcTrainMeta meta;
    if (bc_model_load(&a->m, &meta, ckpt, 0) != STATUS_OK) {
        LOG_ERROR("agent", "policy 'bc:%s': the checkpoint cannot be used (see above)", ckpt);
        mem_free(a);
        return NULL;
    }
    const int W = a->m.cfg.frame_w, H = a->m.cfg.frame_h;
    bc_state_init(&a->s, 1, a->m.cfg.hidden);
    nn_ctx_init(&a->ctx, NULL);
    nn_arena_init(&a->arena, 1 << 18);
    a->renderer = render_create(NULL);
    a->cache = render_cache_create();
    a->rgb = mem_alloc((size_t)W * (size_t)H * 3);
    a->frame = mem_alloc(sizeof(float) * (size_t)W * (size_t)H * 3);
    snprintf(a->desc, sizeof a->desc, "bc:%s (step %lld, %dx%d)", ckpt, (long long)meta.total_steps,
             W, H);
    bc_reset(a, NULL, seed);
    return agent_wrap(&BC_VTBL, a);
}
