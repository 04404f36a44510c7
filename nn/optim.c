/* optim.c: AdamW (PyTorch semantics), global-norm gradient clipping and learning-rate
 * schedules. The optimizer walks the contiguous arenas parameter by parameter so that weight
 * decay can be switched per parameter; Adam m is opt[0..total), v is opt[total..2*total). */
#include <math.h>
#include <string.h>

#include "core/log.h"
#include "nn/nn.h"

typedef struct AdamJob {
    NnParams *p;
    const NnAdamW *cfg;
    float lr, step_size, bc2_sqrt;
    int nc;
    int zero_grad; /* 1: zero the gradient arena instead of an Adam step */
} AdamJob;

/* Elements [e0, e1) of the arenas, parameter by parameter (the decay flag is per parameter). */
static void adam_range(const AdamJob *j, int64_t e0, int64_t e1) {
    NnParams *p = j->p;
    const NnAdamW *cfg = j->cfg;
    float *m = p->opt, *v = p->opt + p->total;
    for (int k = 0; k < p->count; k++) {
        const NnParamInfo *in = &p->info[k];
        int64_t a = in->offset > e0 ? in->offset : e0;
        int64_t b = in->offset + in->size < e1 ? in->offset + in->size : e1;
        if (a >= b) continue;
        float *restrict w = p->value + a, *restrict g = p->grad + a;
        float *restrict mk = m + a, *restrict vk = v + a;
        const float decay = in->decay ? 1.0f - j->lr * cfg->weight_decay : 1.0f;
        for (int64_t i = 0; i < b - a; i++) {
            w[i] *= decay;
            mk[i] = cfg->beta1 * mk[i] + (1.0f - cfg->beta1) * g[i];
            vk[i] = cfg->beta2 * vk[i] + (1.0f - cfg->beta2) * g[i] * g[i];
            float denom = sqrtf(vk[i]) / j->bc2_sqrt + cfg->eps;
            w[i] -= j->step_size * mk[i] / denom;
        }
    }
}

static void adam_chunk(void *vj, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const AdamJob *j = vj;
    const int64_t total = j->p->total;
    for (int64_t c = begin; c < end; c++) {
        int64_t e0 = total * c / j->nc / 16 * 16, e1 = total * (c + 1) / j->nc / 16 * 16;
        if (c == j->nc - 1) e1 = total;
        if (j->zero_grad)
            memset(j->p->grad + e0, 0, (size_t)(e1 - e0) * sizeof(float));
        else
            adam_range(j, e0, e1);
    }
}

void nn_adamw_step_ctx(NnCtx *ctx, NnParams *p, const NnAdamW *cfg, float lr) {
    p->step++;
    const double bc1 = 1.0 - pow(cfg->beta1, (double)p->step);
    const double bc2 = 1.0 - pow(cfg->beta2, (double)p->step);
    AdamJob j = {.p = p,
                 .cfg = cfg,
                 .lr = lr,
                 .step_size = (float)(lr / bc1),
                 .bc2_sqrt = (float)sqrt(bc2),
                 .nc = nn_ctx_chunks(ctx, p->total)};
    pool_parallel_for(j.nc > 1 ? ctx->pool : NULL, j.nc, 1, adam_chunk, &j);
}

void nn_adamw_step(NnParams *p, const NnAdamW *cfg, float lr) {
    nn_adamw_step_ctx(NULL, p, cfg, lr);
}

void nn_params_zero_grad_ctx(NnCtx *ctx, NnParams *p) {
    AdamJob j = {.p = p, .nc = nn_ctx_chunks(ctx, p->total), .zero_grad = 1};
    pool_parallel_for(j.nc > 1 ? ctx->pool : NULL, j.nc, 1, adam_chunk, &j);
}

double nn_grad_norm(const NnParams *p) {
    double s = 0.0;
    for (int64_t i = 0; i < p->total; i++) s += (double)p->grad[i] * p->grad[i];
    return sqrt(s);
}

double nn_clip_grad_norm(NnParams *p, double max_norm) {
    ASSERT(max_norm > 0);
    double norm = nn_grad_norm(p);
    if (norm > max_norm) {
        float scale = (float)(max_norm / (norm + 1e-6));
        for (int64_t i = 0; i < p->total; i++) p->grad[i] *= scale;
    }
    return norm;
}

float nn_schedule_lr(const NnSchedule *s, int64_t step) {
    if (s->warmup_steps > 0 && step < s->warmup_steps)
        return s->base_lr * (float)(step + 1) / (float)s->warmup_steps;
    if (s->kind == NN_SCHED_CONSTANT || s->total_steps <= s->warmup_steps) return s->base_lr;
    double frac = (double)(step - s->warmup_steps) / (double)(s->total_steps - s->warmup_steps);
    if (frac > 1.0) frac = 1.0;
    double mult = s->kind == NN_SCHED_LINEAR ? 1.0 - frac : 0.5 * (1.0 + cos(M_PI * frac));
    return (float)(s->min_lr + (s->base_lr - s->min_lr) * mult);
}
