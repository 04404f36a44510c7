/* rl_model.c: the BC network as an RL policy (rl.h): forward over B sequences of T frames from
 * a given LSTM state with episode-start flags (the rollout's one step and the update's replay of
 * a whole chunk are the same function), the value head on the LSTM output, and the backward
 * pass that accumulates into the model's gradients. Activations live in the caller's arena. */
#include <string.h>

#include "agent/rl.h"
#include "core/log.h"

static void lstm_shape(const BcModel *m, NnLstmShape *ls, int B, int T) {
    ls->B = B, ls->T = T, ls->In = m->cfg.dense, ls->Hd = m->cfg.hidden;
}

void rl_model_forward(BcModel *m, NnCtx *ctx, NnArena *ar, RlActs *a, const float *frames,
                      const float *h0, const float *c0, const uint8_t *first, int B, int T,
                      int train) {
    const NnParams *p = &m->params;
    const int64_t N = (int64_t)B * T;
    const int D = m->cfg.dense, Hd = m->cfg.hidden;
    memset(a, 0, sizeof *a);
    a->B = B, a->T = T, a->train = train;
    if (train) {
        nn_impala_forward(ctx, ar, &a->cnn, &m->cnn, p, frames, (int)N);
        a->feat = a->cnn.out;
    } else {
        a->feat = nn_arena_alloc_uninit(ar, N * D);
        nn_impala_infer(ctx, ar, a->feat, &m->cnn, p, frames, (int)N);
    }
    a->ln = nn_arena_alloc_uninit(ar, N * D);  // (N, D)
    a->ln_mean = nn_arena_alloc_uninit(ar, N); // (N)
    a->ln_rstd = nn_arena_alloc_uninit(ar, N); // (N)
    nn_layernorm_forward(a->ln, a->ln_mean, a->ln_rstd, a->feat, nn_param(p, m->ln_g),
                         nn_param(p, m->ln_b), N, D);
    NnLstmShape ls;
    lstm_shape(m, &ls, B, T);
    a->seq = nn_arena_alloc_uninit(ar, N * Hd);       // (B, T, Hd)
    a->gates = nn_arena_alloc_uninit(ar, N * 4 * Hd); // (B, T, 4Hd)
    a->cs = nn_arena_alloc_uninit(ar, N * Hd);        // (B, T, Hd)
    a->xw = nn_arena_alloc_uninit(ar, N * 4 * Hd);    // (B, T, 4Hd)
    a->hT = nn_arena_alloc_uninit(ar, (int64_t)B * Hd);
    a->cT = nn_arena_alloc_uninit(ar, (int64_t)B * Hd);
    nn_lstm_forward_ctx(ctx, a->seq, a->gates, a->cs, a->hT, a->cT, a->xw, a->ln, h0, c0, first,
                        nn_param(p, m->lstm_wih), nn_param(p, m->lstm_whh),
                        nn_param(p, m->lstm_bih), nn_param(p, m->lstm_bhh), &ls);
    a->btn = nn_arena_alloc_uninit(ar, N * BC_N_BUTTON_CLASSES); // (N, 8641)
    a->cam = nn_arena_alloc_uninit(ar, N * BC_N_CAMERA_CLASSES); // (N, 121)
    nn_linear_forward_ctx(ctx, a->btn, a->seq, nn_param(p, m->btn_w), nn_param(p, m->btn_b), N, Hd,
                          BC_N_BUTTON_CLASSES);
    nn_linear_forward_ctx(ctx, a->cam, a->seq, nn_param(p, m->cam_w), nn_param(p, m->cam_b), N, Hd,
                          BC_N_CAMERA_CLASSES);
    if (m->val_w >= 0) {
        a->val = nn_arena_alloc_uninit(ar, N); // (N)
        nn_linear_forward(a->val, a->seq, nn_param(p, m->val_w), nn_param(p, m->val_b), N, Hd, 1);
    }
}

void rl_model_backward(BcModel *m, NnCtx *ctx, NnArena *ar, const RlActs *a, const float *frames,
                       const float *h0, const float *c0, const uint8_t *first, const float *dbtn,
                       const float *dcam, const float *dval) {
    ASSERT(a->train);
    NnParams *p = &m->params;
    const int64_t N = (int64_t)a->B * a->T;
    const int D = m->cfg.dense, Hd = m->cfg.hidden;
    float *dseq = nn_arena_alloc(ar, N * Hd); // (B, T, Hd)
    nn_linear_backward_ctx(ctx, dseq, nn_grad(p, m->btn_w), nn_grad(p, m->btn_b), dbtn, a->seq,
                           nn_param(p, m->btn_w), N, Hd, BC_N_BUTTON_CLASSES);
    nn_linear_backward_ctx(ctx, dseq, nn_grad(p, m->cam_w), nn_grad(p, m->cam_b), dcam, a->seq,
                           nn_param(p, m->cam_w), N, Hd, BC_N_CAMERA_CLASSES);
    if (dval && m->val_w >= 0)
        nn_linear_backward(dseq, nn_grad(p, m->val_w), nn_grad(p, m->val_b), dval, a->seq,
                           nn_param(p, m->val_w), N, Hd, 1);
    float *dln = nn_arena_alloc(ar, N * D), *dfeat = nn_arena_alloc(ar, N * D); // (N, D)
    float *dgates = nn_arena_alloc_uninit(ar, N * 4 * Hd);                      // (B, T, 4Hd)
    NnLstmShape ls;
    lstm_shape(m, &ls, a->B, a->T);
    nn_lstm_backward_ctx(ctx, dln, nn_grad(p, m->lstm_wih), nn_grad(p, m->lstm_whh),
                         nn_grad(p, m->lstm_bih), nn_grad(p, m->lstm_bhh), NULL, NULL, dgates, dseq,
                         a->seq, a->gates, a->cs, a->ln, h0, c0, first, nn_param(p, m->lstm_wih),
                         nn_param(p, m->lstm_whh), &ls);
    nn_layernorm_backward(dfeat, nn_grad(p, m->ln_g), nn_grad(p, m->ln_b), dln, a->feat,
                          nn_param(p, m->ln_g), a->ln_mean, a->ln_rstd, N, D);
    nn_impala_backward(ctx, ar, NULL, &m->cnn, p, &a->cnn, frames, dfeat);
}
