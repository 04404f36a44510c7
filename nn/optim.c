/* optim.c: AdamW (PyTorch semantics), global-norm gradient clipping and learning-rate
 * schedules. The optimizer walks the contiguous arenas parameter by parameter so that weight
 * decay can be switched per parameter; Adam m is opt[0..total), v is opt[total..2*total). */
#include <math.h>

#include "core/log.h"
#include "nn/nn.h"

void nn_adamw_step(NnParams *p, const NnAdamW *cfg, float lr) {
    p->step++;
    const double bc1 = 1.0 - pow(cfg->beta1, (double)p->step);
    const double bc2 = 1.0 - pow(cfg->beta2, (double)p->step);
    const float step_size = (float)(lr / bc1);
    const float bc2_sqrt = (float)sqrt(bc2);
    float *m = p->opt, *v = p->opt + p->total;
    for (int k = 0; k < p->count; k++) {
        const NnParamInfo *in = &p->info[k];
        float *w = p->value + in->offset, *g = p->grad + in->offset;
        float *mk = m + in->offset, *vk = v + in->offset;
        const float decay = in->decay ? 1.0f - lr * cfg->weight_decay : 1.0f;
        for (int64_t i = 0; i < in->size; i++) {
            w[i] *= decay;
            mk[i] = cfg->beta1 * mk[i] + (1.0f - cfg->beta1) * g[i];
            vk[i] = cfg->beta2 * vk[i] + (1.0f - cfg->beta2) * g[i] * g[i];
            float denom = sqrtf(vk[i]) / bc2_sqrt + cfg->eps;
            w[i] -= step_size * mk[i] / denom;
        }
    }
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
