/* rl_math.c: the RL stage's arithmetic (rl.h): GAE, the PPO clipped surrogate, the joint
 * (buttons, camera-when-camera-on) log-probability, its KL/entropy with exact gradients, and the
 * per-minibatch loss. Pure functions on logits; sums in double. */
#include <math.h>
#include <string.h>

#include "agent/rl.h"
#include "core/alloc.h"
#include "core/log.h"

void rl_gae(float *adv, float *ret, const float *rew, const float *val, const uint8_t *done,
            const float *last_val, int N, int T, float gamma, float lambda) {
    for (int n = 0; n < N; n++) {
        double gae = 0.0;
        for (int t = T - 1; t >= 0; t--) {
            const int64_t i = (int64_t)n * T + t;
            const double next_v = t == T - 1 ? last_val[n] : val[i + 1];
            const double live = done[i] ? 0.0 : 1.0;
            const double delta = rew[i] + gamma * next_v * live - val[i];
            gae = delta + (double)gamma * lambda * live * gae;
            adv[i] = (float)gae;
            ret[i] = (float)(gae + val[i]);
        }
    }
}

double rl_ppo_surrogate(double logratio, double adv, double clip, double *dlogratio, int *clipped) {
    const double r = exp(logratio);
    const double rc = r < 1.0 - clip ? 1.0 - clip : (r > 1.0 + clip ? 1.0 + clip : r);
    const double un = r * adv, cl = rc * adv;
    /* min(un, cl): the clipped branch wins (and has no gradient) only when strictly smaller. */
    const int use_clip = cl < un;
    if (clipped) *clipped = use_clip;
    if (dlogratio) *dlogratio = use_clip ? 0.0 : -adv * r;
    return use_clip ? -cl : -un;
}

double rl_joint_logprob(const float *logp_btn, const float *logp_cam, int b, int c) {
    double lp = logp_btn[b];
    if (bc_class_camera_on(b)) lp += logp_cam[c];
    return lp;
}

/* Sum of p * (logp - logq) over n classes (logq NULL = 0); p = exp(logp) into p. */
static double kl_part(float *p, const float *logp, const float *logq, int n) {
    double kl = 0.0;
    for (int i = 0; i < n; i++) {
        p[i] = expf(logp[i]);
        kl += (double)p[i] * (logp[i] - (logq ? logq[i] : 0.0f));
    }
    return kl;
}

double rl_joint_kl(float *dbtn, float *dcam, const float *logp_btn, const float *logp_cam,
                   const float *logq_btn, const float *logq_cam, float scale) {
    float pb[BC_N_BUTTON_CLASSES], pc[BC_N_CAMERA_CLASSES];
    const double kb = kl_part(pb, logp_btn, logq_btn, BC_N_BUTTON_CLASSES);
    const double kc = kl_part(pc, logp_cam, logq_cam, BC_N_CAMERA_CLASSES);
    double pcam = 0.0;
    for (int j = 1; j < BC_N_JOINT; j += 2) pcam += pb[j]; /* camera-on: odd classes < 8640 */
    /* d/dz_j: p_j (lp_j - lq_j - KL_btn) + KL_cam p_j ([j camera-on] - P_cam);
     * d/dzc_k: P_cam pc_k (lpc_k - lqc_k - KL_cam). */
    if (dbtn)
        for (int j = 0; j < BC_N_BUTTON_CLASSES; j++) {
            const double on = (j < BC_N_JOINT && (j & 1)) ? 1.0 : 0.0;
            const double lq = logq_btn ? logq_btn[j] : 0.0;
            dbtn[j] += scale * (float)(pb[j] * ((logp_btn[j] - lq - kb) + kc * (on - pcam)));
        }
    if (dcam)
        for (int k = 0; k < BC_N_CAMERA_CLASSES; k++) {
            const double lq = logq_cam ? logq_cam[k] : 0.0;
            dcam[k] += scale * (float)(pcam * pc[k] * (logp_cam[k] - lq - kc));
        }
    return kb + pcam * kc;
}

void rl_loss(RlLossStats *st, float *dbtn, float *dcam, float *dval, const float *btn,
             const float *cam, const float *val, const int32_t *a_btn, const int32_t *a_cam,
             const float *logp_old, const float *adv, const float *ret, const float *prior_btn,
             const float *prior_cam, int64_t N, const RlLossCoefs *c) {
    ASSERT(N > 0);
    memset(st, 0, sizeof *st);
    const int NB = BC_N_BUTTON_CLASSES, NC = BC_N_CAMERA_CLASSES;
    float *lb = mem_alloc(sizeof(float) * NB), *lc = mem_alloc(sizeof(float) * NC);
    const float inv = 1.0f / (float)N;
    for (int64_t i = 0; i < N; i++) {
        float *db = dbtn + i * NB, *dc = dcam + i * NC;
        memset(db, 0, sizeof(float) * NB);
        memset(dc, 0, sizeof(float) * NC);
        nn_log_softmax_forward(lb, btn + i * NB, 1, NB);
        nn_log_softmax_forward(lc, cam + i * NC, 1, NC);
        const int b = a_btn[i], k = a_cam[i];
        const double logratio = rl_joint_logprob(lb, lc, b, k) - logp_old[i];
        double dlr = 0.0;
        int clipped = 0;
        st->pg_loss += rl_ppo_surrogate(logratio, adv[i], c->clip, &dlr, &clipped);
        st->clip_frac += clipped;
        st->approx_kl += expm1(logratio) - logratio;
        /* d logp / d z = onehot - softmax, per head (camera only when camera-on). */
        const float g = (float)dlr * inv;
        if (g != 0.0f) {
            for (int j = 0; j < NB; j++) db[j] -= g * expf(lb[j]);
            db[b] += g;
            if (bc_class_camera_on(b)) {
                for (int j = 0; j < NC; j++) dc[j] -= g * expf(lc[j]);
                dc[k] += g;
            }
        }
        st->kl +=
            rl_joint_kl(db, dc, lb, lc, prior_btn + i * NB, prior_cam + i * NC, c->kl_coef * inv);
        const int ent = c->ent_coef != 0.0f;
        st->entropy -=
            rl_joint_kl(ent ? db : NULL, ent ? dc : NULL, lb, lc, NULL, NULL, c->ent_coef * inv);
        const double e = (double)val[i] - ret[i];
        st->v_loss += 0.5 * e * e;
        dval[i] = (float)(c->vf_coef * e) * inv;
    }
    mem_free(lb);
    mem_free(lc);
    const double n = (double)N;
    st->pg_loss /= n, st->clip_frac /= n, st->approx_kl /= n;
    st->kl /= n, st->entropy /= n, st->v_loss /= n;
    st->loss =
        st->pg_loss + c->vf_coef * st->v_loss + c->kl_coef * st->kl - c->ent_coef * st->entropy;
}
