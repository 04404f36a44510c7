/* nn.h: the neural-network library on OpenBLAS (public header of nn/).
 *
 * Layout and conventions (llm.c style):
 * - float32 everywhere; images are NHWC (batch, height, width, channels); sequences are
 *   (B, T, C) with time inner to batch. Conv weights are (O, KH, KW, C); linear weights are
 *   PyTorch's (O, I); LSTM weights are PyTorch's (4H, I)/(4H, H), gate order i, f, g, o.
 * - Kernels: outputs first, then const inputs, then sizes. A shape comment names every buffer.
 *   `_backward` functions ACCUMULATE (+=) into every gradient they are handed (dinp, dweight,
 *   dbias); any gradient pointer may be NULL when that gradient is not wanted.
 * - Parameters, gradients and optimizer state each live in one contiguous allocation
 *   (NnParams); layers refer to their parameters by id. Activations live in an NnArena that
 *   is reset (not freed) at every step.
 * - Threads: an NnCtx may carry a ThreadPool; kernels that split the batch over it pin OpenBLAS
 *   to 1 thread (pool_blas_threads_set) so the two never oversubscribe the cores. Results do
 *   not depend on which worker ran which chunk (partials are reduced in chunk order).
 * Nothing here knows about Minecraft. */
#ifndef NN_NN_H
#define NN_NN_H

#include <stddef.h>
#include <stdint.h>

#include "core/pool.h"
#include "core/rng.h"
#include "core/status.h"

/* ---------------------------------------------------------------- tensors and arenas */

#define NN_MAX_DIMS 4
#define NN_NAME_MAX 96

typedef struct NnTensor {
    float *data; /* not owned */
    int ndim;
    int64_t shape[NN_MAX_DIMS];
} NnTensor;

int64_t nn_shape_size(int ndim, const int64_t *shape);
/* A shaped view of data (not owned): nn_tensor(x, 3, (int64_t[]){B, T, C}). */
NnTensor nn_tensor(float *data, int ndim, const int64_t *shape);
static inline int64_t nn_tensor_size(const NnTensor *t) { return nn_shape_size(t->ndim, t->shape); }

typedef struct NnParamInfo {
    char name[NN_NAME_MAX];
    int ndim;
    int64_t shape[NN_MAX_DIMS];
    int64_t offset, size; /* in floats, into each arena */
    int decay;            /* AdamW weight decay applies (weights: 1, biases/norms: 0) */
} NnParamInfo;

/* A set of named parameters. Register with nn_params_add, then nn_params_alloc creates the
 * three arenas: value, grad and opt (Adam m followed by Adam v, 2 x total floats). Pointers
 * returned by nn_param/nn_grad are views into those arenas, valid until nn_params_deinit. */
typedef struct NnParams {
    NnParamInfo *info;
    int count, cap;
    int64_t total; /* floats in each of value and grad */
    float *value, *grad, *opt;
    int64_t step; /* optimizer steps taken (saved in checkpoints) */
} NnParams;

void nn_params_init(NnParams *p);
void nn_params_deinit(NnParams *p);
/* Returns the parameter's id. Names are unique; registering after alloc is misuse. */
int nn_params_add(NnParams *p, const char *name, int ndim, const int64_t *shape, int decay);
void nn_params_alloc(NnParams *p); /* all three arenas zeroed */
float *nn_param(const NnParams *p, int id);
float *nn_grad(const NnParams *p, int id);
/* Shaped views of a parameter's value and gradient. */
NnTensor nn_param_tensor(const NnParams *p, int id);
NnTensor nn_grad_tensor(const NnParams *p, int id);
int nn_params_find(const NnParams *p, const char *name); /* -1 if absent */
void nn_params_zero_grad(NnParams *p);
/* Uniform in [-bound, bound] (PyTorch's default init uses bound = 1/sqrt(fan_in)). */
void nn_params_fill_uniform(NnParams *p, int id, float bound, Rng *rng);
void nn_params_fill(NnParams *p, int id, float v);

/* Bump allocator for one step's activations. Allocations are zeroed and 64-byte aligned and
 * stay valid until the next reset. When a step needs more than the capacity, the extra comes
 * from side blocks; reset then grows the main block to the peak, so steady state is one block. */
typedef struct NnArena {
    float *base;
    int64_t cap, used, peak; /* floats */
    void **extra;
    int n_extra, cap_extra;
} NnArena;

void nn_arena_init(NnArena *a, int64_t cap_floats);
void nn_arena_deinit(NnArena *a);
float *nn_arena_alloc(NnArena *a, int64_t n_floats);
/* Same, without zeroing: for buffers the caller overwrites completely. */
float *nn_arena_alloc_uninit(NnArena *a, int64_t n_floats);
void nn_arena_reset(NnArena *a);

/* Execution context: optional pool plus per-chunk scratch buffers (grown on demand). */
#define NN_MAX_CHUNKS 64
typedef struct NnCtx NnCtx;
struct NnCtx {
    ThreadPool *pool; /* not owned; NULL = serial (OpenBLAS may then run wide) */
    int n_chunks;     /* batch chunks per parallel kernel (pool size, or 1) */
    float *scratch[NN_MAX_CHUNKS][2];
    int64_t scratch_cap[NN_MAX_CHUNKS][2];
    NnCtx *sub[NN_MAX_CHUNKS];   /* serial contexts for whole-block chunks (lazily created) */
    float *gpart[NN_MAX_CHUNKS]; /* per-chunk parameter-gradient partials */
    int64_t gpart_cap[NN_MAX_CHUNKS];
};

void nn_ctx_init(NnCtx *ctx, ThreadPool *pool);
/* nn_ctx_init with `threads` workers: a new pool when threads > 1 (returned; the caller
 * destroys it after nn_ctx_deinit), else NULL with BLAS pinned to one thread. */
ThreadPool *nn_ctx_init_threads(NnCtx *ctx, int threads);
void nn_ctx_deinit(NnCtx *ctx);
/* Scratch slot (0 or 1) of a chunk, at least n floats, contents undefined. */
float *nn_ctx_scratch(NnCtx *ctx, int chunk, int slot, int64_t n);
/* Serial context owned by ctx for work done inside chunk `chunk` of a parallel block. */
NnCtx *nn_ctx_sub(NnCtx *ctx, int chunk);
/* Zeroed gradient-partial buffer of n floats for a chunk (reduced by the caller in order). */
float *nn_ctx_grad_partial(NnCtx *ctx, int chunk, int64_t n);
/* Number of batch chunks a block of N items is split into under ctx (1 when serial). */
int nn_ctx_chunks(const NnCtx *ctx, int64_t N);

/* ---------------------------------------------------------------- dense kernels */

/* out (N,O) = inp (N,In) @ w^T (O,In) + b (O); b may be NULL. */
void nn_linear_forward(float *out, const float *inp, const float *w, const float *b, int64_t N,
                       int In, int O);
void nn_linear_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, int64_t N, int In, int O);

/* The same, rows split over ctx's pool (weight/bias gradients reduced in chunk order); ctx may
 * be NULL. For wide layers such as big policy heads. */
void nn_linear_forward_ctx(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                           int64_t N, int In, int O);
void nn_linear_backward_ctx(NnCtx *ctx, float *dinp, float *dw, float *db, const float *dout,
                            const float *inp, const float *w, int64_t N, int In, int O);

void nn_relu_forward(float *out, const float *inp, int64_t n);
void nn_relu_backward(float *dinp, const float *dout, const float *out, int64_t n);
/* Exact GELU, x * Phi(x) (PyTorch's nn.GELU() default). */
void nn_gelu_forward(float *out, const float *inp, int64_t n);
void nn_gelu_backward(float *dinp, const float *dout, const float *inp, int64_t n);
/* out = a + b (residual). Backward: da += dout, db += dout. */
void nn_add_forward(float *out, const float *a, const float *b, int64_t n);
void nn_add_backward(float *da, float *db, const float *dout, int64_t n);

/* Layer norm over the last dim C (eps 1e-5). mean, rstd (N) are saved for backward. */
void nn_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                          const float *gamma, const float *beta, int64_t N, int C);
void nn_layernorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout,
                           const float *inp, const float *gamma, const float *mean,
                           const float *rstd, int64_t N, int C);

/* Log-softmax over the last dim C (for policy log-probabilities, entropies and KL terms):
 * out = x - logsumexp(x). Backward: dinp += dout - softmax(x) * sum(dout), from the saved out. */
void nn_log_softmax_forward(float *out, const float *inp, int64_t N, int C);
void nn_log_softmax_backward(float *dinp, const float *dout, const float *out, int64_t N, int C);

/* out (N,D) = table (V,D) [idx (N)]; idx must be in [0, V). Backward scatter-adds. */
void nn_embedding_forward(float *out, const int32_t *idx, const float *table, int64_t N, int V,
                          int D);
void nn_embedding_backward(float *dtable, const float *dout, const int32_t *idx, int64_t N, int D);

/* ---------------------------------------------------------------- losses
 * Each returns the mean loss and writes the gradient of that mean (scaled by `scale`) into
 * dlogits/dpred (overwritten, not accumulated; may be NULL). */

/* Softmax cross-entropy over C classes; targets < 0 are ignored (mean over the others). */
double nn_softmax_xent(float *dlogits, const float *logits, const int32_t *targets, int64_t N,
                       int C, float scale);
/* Binary cross-entropy with logits, targets in [0, 1], mean over n. */
double nn_bce_logits(float *dlogits, const float *logits, const float *targets, int64_t n,
                     float scale);
double nn_mse(float *dpred, const float *pred, const float *target, int64_t n, float scale);

/* ---------------------------------------------------------------- mu-law bins
 * VPT's camera quantizer: clip to +-max_val, mu-law with mu, n_bins uniform bins in the
 * companded space. VPT: max_val 10, mu 10, 11 bins, centres 0, +-0.615, +-1.609, +-3.215,
 * +-5.809, +-10 degrees. */
typedef struct NnMuLaw {
    float max_val, mu;
    int n_bins;
} NnMuLaw;
#define NN_MULAW_VPT_CAMERA ((NnMuLaw){10.0f, 10.0f, 11})
int nn_mulaw_encode(NnMuLaw q, float x);
float nn_mulaw_decode(NnMuLaw q, int bin);

/* ---------------------------------------------------------------- convolutions */

/* 2D convolution, NHWC. inp (N,H,W,C), w (O,KH,KW,C), b (O) or NULL, out (N,OH,OW,O) with
 * OH = (H + 2*pad - KH)/stride + 1. Lowered to GEMM per image chunk (im2col, skipped for 1x1).
 * ctx may be NULL (serial, scratch malloc'd per call). */
typedef struct NnConvShape {
    int N, H, W, C, O, KH, KW, stride, pad;
} NnConvShape;
int nn_conv_out_h(const NnConvShape *s);
int nn_conv_out_w(const NnConvShape *s);
void nn_conv2d_forward(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                       const NnConvShape *s);
/* out = relu(conv2d(inp)): the same as nn_conv2d_forward then nn_relu_forward, with the ReLU
 * applied as the direct kernels store their output (one pass over the result saved). */
void nn_conv2d_forward_relu(NnCtx *ctx, float *out, const float *inp, const float *w,
                            const float *b, const NnConvShape *s);
/* out = res + conv2d(inp) (a residual connection, res shaped like out): the same as
 * nn_conv2d_forward then nn_add_forward(out, res, conv), with the add done in the store. */
void nn_conv2d_forward_add(NnCtx *ctx, float *out, const float *inp, const float *w, const float *b,
                           const float *res, const NnConvShape *s);
void nn_conv2d_backward(NnCtx *ctx, float *dinp, float *dw, float *db, const float *dout,
                        const float *inp, const float *w, const NnConvShape *s);
/* Naive direct convolution: the oracle for the GEMM version in tests. */
void nn_conv2d_forward_naive(float *out, const float *inp, const float *w, const float *b,
                             const NnConvShape *s);

/* Temporal convolution over frames (VPT IDM's 3D conv with kernel KTx1x1, zero padding
 * `pad` frames each side, stride 1): inp (B,T,P,C) with P pixels per frame, w (O,KT,C),
 * b (O), out (B,T',P,O) with T' = T + 2*pad - KT + 1. */
void nn_tconv_forward(float *out, const float *inp, const float *w, const float *b, int B, int T,
                      int P, int C, int O, int KT, int pad);
void nn_tconv_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                       const float *w, int B, int T, int P, int C, int O, int KT, int pad);

/* Max-pool, NHWC, window k, stride s, padding p (padding never wins). argmax (N,OH,OW,C)
 * holds the flat input index of each maximum for backward. */
void nn_maxpool_forward(float *out, int32_t *argmax, const float *inp, int N, int H, int W, int C,
                        int k, int s, int p);
void nn_maxpool_backward(float *dinp, const float *dout, const int32_t *argmax, int64_t n_out);

/* ---------------------------------------------------------------- sequence kernels */

/* Scaled dot-product attention, H heads of size D. q (B,Tq,H,D); k, v (B,Tk,H,D) where the
 * first M = Tk - Tq keys are a memory of earlier frames (Transformer-XL). Query i sits at
 * absolute position M + i. causal: key j is visible iff j <= M + i and (window <= 0 or
 * M + i - j < window). relbias (H, 2R+1) or NULL adds relbias[h, clamp(M+i-j, -R, R) + R] to
 * the logits. att (B,H,Tq,Tk) keeps the probabilities for backward. out (B,Tq,H,D). */
typedef struct NnAttnShape {
    int B, Tq, Tk, H, D, causal, window, R;
} NnAttnShape;
void nn_attention_forward(float *out, float *att, const float *q, const float *k, const float *v,
                          const float *relbias, const NnAttnShape *s);
void nn_attention_backward(float *dq, float *dk, float *dv, float *drelbias, const float *dout,
                           const float *att, const float *q, const float *k, const float *v,
                           const NnAttnShape *s);

/* One LSTM layer over (B,T,In) -> (B,T,Hd). wih (4Hd,In), whh (4Hd,Hd), bih, bhh (4Hd), gate
 * order i,f,g,o (PyTorch). h0, c0 (B,Hd) (NULL = zeros); first (B,T) or NULL: where nonzero the
 * state is reset to zero before that step (episode start). Saved for backward: gates (B,T,4Hd)
 * after activation, c (B,T,Hd). hT, cT (B,Hd) may be NULL. Scratch: xw (B,T,4Hd). */
typedef struct NnLstmShape {
    int B, T, In, Hd;
} NnLstmShape;
void nn_lstm_forward(float *out, float *gates, float *cs, float *hT, float *cT, float *xw,
                     const float *inp, const float *h0, const float *c0, const uint8_t *first,
                     const float *wih, const float *whh, const float *bih, const float *bhh,
                     const NnLstmShape *s);
/* dgates_scratch (B,T,4Hd) and dh/dc scratch (B,Hd) each are caller-provided. dh0/dc0 may be
 * NULL. */
void nn_lstm_backward(float *dinp, float *dwih, float *dwhh, float *dbih, float *dbhh, float *dh0,
                      float *dc0, float *dgates, const float *dout, const float *out,
                      const float *gates, const float *cs, const float *inp, const float *h0,
                      const float *c0, const uint8_t *first, const float *wih, const float *whh,
                      const NnLstmShape *s);

/* The same two, batch rows split over ctx's pool (ctx may be NULL); weight/bias gradients are
 * summed from per-chunk partials in chunk order. */
void nn_lstm_forward_ctx(NnCtx *ctx, float *out, float *gates, float *cs, float *hT, float *cT,
                         float *xw, const float *inp, const float *h0, const float *c0,
                         const uint8_t *first, const float *wih, const float *whh, const float *bih,
                         const float *bhh, const NnLstmShape *s);
void nn_lstm_backward_ctx(NnCtx *ctx, float *dinp, float *dwih, float *dwhh, float *dbih,
                          float *dbhh, float *dh0, float *dc0, float *dgates, const float *dout,
                          const float *out, const float *gates, const float *cs, const float *inp,
                          const float *h0, const float *c0, const uint8_t *first, const float *wih,
                          const float *whh, const NnLstmShape *s);

/* ---------------------------------------------------------------- optimizer */

typedef struct NnAdamW {
    float lr, beta1, beta2, eps, weight_decay;
} NnAdamW;
#define NN_ADAMW_DEFAULT ((NnAdamW){1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f})
/* One AdamW step (PyTorch semantics: decoupled decay p -= lr*wd*p on params with decay set,
 * bias-corrected moments). Increments p->step. lr overrides cfg.lr (schedules). */
void nn_adamw_step(NnParams *p, const NnAdamW *cfg, float lr);
/* The same, the arenas split into ctx's chunks over its pool (bit-identical; ctx may be NULL). */
void nn_adamw_step_ctx(NnCtx *ctx, NnParams *p, const NnAdamW *cfg, float lr);
/* nn_params_zero_grad with the arena split over ctx's pool (ctx may be NULL). */
void nn_params_zero_grad_ctx(NnCtx *ctx, NnParams *p);
/* L2 norm of all gradients (double accumulation). */
double nn_grad_norm(const NnParams *p);
/* Scales gradients so their global norm is at most max_norm; returns the norm before. */
double nn_clip_grad_norm(NnParams *p, double max_norm);

typedef enum NnSchedKind { NN_SCHED_CONSTANT = 0, NN_SCHED_LINEAR, NN_SCHED_COSINE } NnSchedKind;
typedef struct NnSchedule {
    NnSchedKind kind;
    float base_lr, min_lr;
    int64_t warmup_steps, total_steps;
} NnSchedule;
/* Linear warmup from 0 to base_lr over warmup_steps, then constant / linear / cosine decay to
 * min_lr at total_steps. */
float nn_schedule_lr(const NnSchedule *s, int64_t step);

/* ---------------------------------------------------------------- safetensors */

typedef struct NnStEntry {
    char name[NN_NAME_MAX * 2];
    int ndim;
    int64_t shape[NN_MAX_DIMS];
    const float *data; /* into the file buffer (F32 only) */
    int64_t size;
} NnStEntry;

/* A loaded safetensors file (F32 tensors only, up to 4 dims). */
typedef struct NnStFile {
    char *buf;
    size_t len;
    NnStEntry *entries;
    int count;
    void *metadata; /* json_t object (string values) or NULL */
    char path[512];
} NnStFile;

/* Parses and validates the whole file (header length, JSON, dtypes, shapes, offsets in range,
 * no overlap). Any problem is STATUS_PARSE with the file and field logged. */
Status nn_st_load(const char *path, NnStFile *out);
Status nn_st_parse(const char *where, char *buf, size_t len, NnStFile *out); /* takes buf */
void nn_st_free(NnStFile *f);
const NnStEntry *nn_st_find(const NnStFile *f, const char *name);
const char *nn_st_meta(const NnStFile *f, const char *key); /* NULL if absent */

/* Writer: tensors are added by reference and written in one atomic file. */
typedef struct NnStWriter NnStWriter;
NnStWriter *nn_st_writer_create(void);
void nn_st_writer_destroy(NnStWriter *w);
void nn_st_writer_add(NnStWriter *w, const char *name, const float *data, int ndim,
                      const int64_t *shape);
void nn_st_writer_meta(NnStWriter *w, const char *key, const char *value);
Status nn_st_writer_save(NnStWriter *w, const char *path);

/* Checkpoint: every parameter by name; with_optimizer adds "optim.m.NAME", "optim.v.NAME";
 * metadata: "format" = "vpt-nn/1", "config" = config_json, "step" = p->step. */
Status nn_checkpoint_save(const char *path, const NnParams *p, const char *config_json,
                          int with_optimizer);
/* Loads values (and optimizer state + step when with_optimizer) into an allocated NnParams
 * whose names/shapes must match exactly; the first mismatching tensor is named in the error.
 * config_out (optional) receives a mem_strdup'd copy of the config metadata. */
Status nn_checkpoint_load(const char *path, NnParams *p, int with_optimizer, char **config_out);

/* ---------------------------------------------------------------- building blocks */

/* ImpalaCNN (VPT): per stack: conv3x3 pad 1 -> maxpool 3 stride 2 pad 1 -> 2 residual blocks
 * (relu, conv3x3, relu, conv3x3, + skip); then relu, flatten (NHWC order), linear to `dense`,
 * relu. Parameters are named PREFIX.sS.convK.{w,b} (K 0..4) and PREFIX.fc.{w,b}.
 * With a pooled ctx each worker takes a fixed chunk of images through the whole block (forward
 * and backward may use different contexts: saved argmax indices are per image). */
#define NN_IMPALA_MAX_STACKS 4
typedef struct NnImpala {
    int H, W, C, n_stacks, widths[NN_IMPALA_MAX_STACKS], dense;
    int conv_w[NN_IMPALA_MAX_STACKS][5], conv_b[NN_IMPALA_MAX_STACKS][5]; /* param ids */
    int fc_w, fc_b;
    int out_h, out_w, flat;
} NnImpala;
/* Saved activations of one forward pass (in the step arena; see impala.c for which slots). */
typedef struct NnImpalaActs {
    int N;
    float *x[NN_IMPALA_MAX_STACKS][12];
    int32_t *argmax[NN_IMPALA_MAX_STACKS];
    float *flat, *fc, *out;
} NnImpalaActs;
void nn_impala_init(NnImpala *m, NnParams *p, const char *prefix, int H, int W, int C, int n_stacks,
                    const int *widths, int dense);
void nn_impala_reset_params(const NnImpala *m, NnParams *p, Rng *rng);
/* inp (N,H,W,C) -> acts->out (N,dense). */
void nn_impala_forward(NnCtx *ctx, NnArena *arena, NnImpalaActs *acts, const NnImpala *m,
                       const NnParams *p, const float *inp, int N);
/* Inference only: inp (N,H,W,C) -> out (N,dense), nn_impala_forward's acts->out without storing
 * activations (a few images at a time go through per-chunk buffers); bit-identical on the
 * direct conv kernels (im2col GEMMs may round differently for another grouping of images). */
void nn_impala_infer(NnCtx *ctx, NnArena *arena, float *out, const NnImpala *m, const NnParams *p,
                     const float *inp, int N);
/* dout (N,dense); dinp (N,H,W,C) may be NULL. Accumulates into dinp and p's grads. */
void nn_impala_backward(NnCtx *ctx, NnArena *arena, float *dinp, const NnImpala *m, NnParams *p,
                        const NnImpalaActs *acts, const float *inp, const float *dout);

/* Pre-norm transformer block with multi-head attention and a GELU MLP (4x):
 *   x = x + Wo attn(LN1(x)); x = x + W2 gelu(W1 LN2(x)).
 * Causal blocks keep a memory of the last `mem_len` keys/values per batch row (stop-gradient,
 * Transformer-XL); every block adds a learned relative position bias (H, 2R+1) (zero-initialised,
 * so a non-causal block starts as plain attention). Parameters: PREFIX.ln1.{g,b},
 * PREFIX.attn.{wqkv,bqkv,wo,bo,relbias}, PREFIX.ln2.{g,b}, PREFIX.mlp.{w1,b1,w2,b2}; wqkv is
 * PyTorch MultiheadAttention's in_proj_weight layout (q, k, v rows). ctx (may be NULL) splits
 * the linear layers' rows and the attention's batch rows over its pool. */
typedef struct NnTransformer {
    int C, H, causal, mem_len, R;
    int ln1_g, ln1_b, wqkv, bqkv, wo, bo, ln2_g, ln2_b, w1, b1, w2, b2, relbias;
} NnTransformer;
typedef struct NnTransformerActs {
    int B, T, M;
    float *ln1, *mean1, *rstd1, *qkv, *q, *k, *v, *att, *attn, *x1, *ln2, *mean2, *rstd2, *h1, *h1g,
        *out;
} NnTransformerActs;
void nn_transformer_init(NnTransformer *m, NnParams *p, const char *prefix, int C, int H,
                         int causal, int mem_len, int R);
void nn_transformer_reset_params(const NnTransformer *m, NnParams *p, Rng *rng);
/* x (B,T,C). mem_k, mem_v (B,M,C) or NULL (M = 0) are the memory of earlier segments. */
void nn_transformer_forward(NnCtx *ctx, NnArena *arena, NnTransformerActs *a,
                            const NnTransformer *m, const NnParams *p, const float *x,
                            const float *mem_k, const float *mem_v, int B, int T, int M);
void nn_transformer_backward(NnCtx *ctx, NnArena *arena, float *dx, const NnTransformer *m,
                             NnParams *p, const NnTransformerActs *a, const float *x,
                             const float *dout);
/* The new memory after a forward: the last mem_len keys/values of [mem, current] (B,mem_len,C),
 * returns the new M. */
int nn_transformer_next_memory(float *new_k, float *new_v, const NnTransformer *m,
                               const NnTransformerActs *a);

/* ---------------------------------------------------------------- reference model
 * The benchmark/golden model: ImpalaCNN -> dense -> (LSTM | causal transformer) -> two
 * softmax heads (classes n1, n2), loss = xent1 + xent2, trained with AdamW. */
typedef struct NnRefConfig {
    int H, W, C, n_stacks, widths[NN_IMPALA_MAX_STACKS], dense, hidden, use_attention, heads,
        mem_len, R, n1, n2;
} NnRefConfig;
typedef struct NnRefModel {
    NnRefConfig cfg;
    NnParams params;
    NnImpala cnn;
    NnTransformer tf;
    int lstm_wih, lstm_whh, lstm_bih, lstm_bhh, h1_w, h1_b, h2_w, h2_b;
} NnRefModel;
void nn_ref_init(NnRefModel *m, const NnRefConfig *cfg, uint64_t seed);
void nn_ref_deinit(NnRefModel *m);
/* Config as JSON (for checkpoint metadata); caller frees with mem_free. */
char *nn_ref_config_json(const NnRefConfig *cfg);
/* One training step on frames (B,T,H,W,C) and targets t1, t2 (B,T): forward, backward, grads
 * in m->params (zeroed first). Returns the loss. Does not step the optimizer. */
double nn_ref_train_step(NnRefModel *m, NnCtx *ctx, NnArena *arena, const float *frames,
                         const int32_t *t1, const int32_t *t2, int B, int T);
/* Inference: logits1 (B,T,n1), logits2 (B,T,n2) (in the arena). */
void nn_ref_infer(NnRefModel *m, NnCtx *ctx, NnArena *arena, const float *frames, int B, int T,
                  float **logits1, float **logits2);

#endif
