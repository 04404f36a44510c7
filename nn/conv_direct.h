/* conv_direct.h: internal interface of the direct convolution kernels (conv_direct_impl.h,
 * built per instruction set) and of the prepared convolutions built on them (ops_conv.c), used
 * by ops_conv.c, impala.c and ops_seq.c (the small-M GEMM). Not part of nn/'s public API. */
#ifndef NN_CONV_DIRECT_H
#define NN_CONV_DIRECT_H

#include <stdint.h>

#include "nn/nn.h"

typedef struct NnDirectDims {
    int Hp, Wp, C, O, KH, KW, stride, OH, OW; /* Hp, Wp: padded input size */
    /* Input floats between output pixels and between input rows; 0: stride * C and Wp * C.
     * A stride-1 conv with few channels runs as KW = 1 over C * KW channels with xs = C. */
    int xs, rs;
    int relu;         /* 1: store max(out, 0) */
    const float *res; /* non-NULL: store res + out (res shaped as out) */
    /* Epilogue, applied in this order after res: mask non-NULL: y = mask > 0 ? y : 0 (ReLU's
     * input gradient); add_out: y = out + y; relu; then relu_out non-NULL also gets max(y, 0).
     * Each is bit-identical to the separate element-wise op it replaces. */
    const float *mask;
    int add_out;
    float *relu_out;
} NnDirectDims;

/* out (OH,OW,O) = (accumulate ? out : bias or 0) + conv(ip (Hp,Wp,C), wt (KH,KW,C,O));
 * O must be 16 or 32. */
void nn_direct_forward_image_avx512(float *out, const float *ip, const float *wt, const float *bias,
                                    const NnDirectDims *d, int accumulate);
void nn_direct_forward_image_avx2(float *out, const float *ip, const float *wt, const float *bias,
                                  const NnDirectDims *d, int accumulate);
/* dwt (KH,KW,C,O) += weight gradient of one image (ip padded, dout (OH,OW,O)). */
void nn_direct_dw_image_avx512(float *dwt, const float *ip, const float *dout,
                               const NnDirectDims *d);
void nn_direct_dw_image_avx2(float *dwt, const float *ip, const float *dout, const NnDirectDims *d);

/* Max-pool of one image, C % 16 == 0 (avx512) / C % 8 == 0 (avx2); argmax = base + flat index
 * (argmax may be NULL: inference); relu_out, if non-NULL, also gets max(out, 0). */
void nn_direct_maxpool_image_avx512(float *out, int32_t *argmax, float *relu_out, const float *inp,
                                    int H, int W, int C, int k, int s, int p, int32_t base);
void nn_direct_maxpool_image_avx2(float *out, int32_t *argmax, float *relu_out, const float *inp,
                                  int H, int W, int C, int k, int s, int p, int32_t base);

/* out (M rows, stride ldo) = [out +] a (M x K, stride lda) @ w (K x N, stride ldw), for small M
 * (the LSTM's per-step recurrent products, which OpenBLAS packs w for on every call); N must be a
 * multiple of 4 * VW (nn_smallm_gemm checks). */
void nn_direct_smallm_avx512(float *out, int64_t ldo, const float *a, int64_t lda, const float *w,
                             int64_t ldw, int M, int N, int K, int accumulate);
void nn_direct_smallm_avx2(float *out, int64_t ldo, const float *a, int64_t lda, const float *w,
                           int64_t ldw, int M, int N, int K, int accumulate);
/* Dispatch: the kernels where the ISA and N allow, else cblas_sgemm (beta = accumulate). */
void nn_smallm_gemm(float *out, int64_t ldo, const float *a, int64_t lda, const float *w,
                    int64_t ldw, int M, int N, int K, int accumulate);
/* Whether nn_smallm_gemm runs the vector kernels for this N (callers may then skip work that
 * only the cblas fallback needs). */
int nn_smallm_ok(int N);

/* A convolution prepared once per block call (ImpalaCNN), not once per image group: repacked
 * weights for the direct kernels. Functions below run on the calling thread; ctx is a serial
 * context (its chunk-0 scratch is used). */
typedef struct NnConvPrep {
    NnConvShape s; /* N unused */
    const float *w, *b;
    float *wt, *wt2; /* (KH,KW,C,O) and flipped (KH,KW,O,C); wt NULL: the im2col path */
    int isa;
} NnConvPrep;

/* Floats nn_conv_prep needs in buf (0 when the direct kernels do not apply). */
int64_t nn_conv_prep_floats(const NnConvShape *s);
/* flipped: also pack the weights for the input gradient. buf: nn_conv_prep_floats(s) floats. */
void nn_conv_prep(NnConvPrep *cp, float *buf, const float *w, const float *b, const NnConvShape *s,
                  int flipped);
/* n images: out = conv(in) (+ res) (ReLU'd if relu), in = in_relu ? relu(inp) : inp;
 * relu_out (may be NULL) also gets max(out, 0). Bit-identical to nn_conv2d_forward{,_add,_relu}
 * with the separate nn_relu_forward passes. */
void nn_conv_prep_forward(NnCtx *ctx, const NnConvPrep *cp, float *out, const float *inp, int n,
                          int in_relu, const float *res, int relu, float *relu_out);
/* n images. dinp (may be NULL) = (dx_add ? dinp : 0) + m(dx), where m(t) = mask > 0 ? t : 0 when
 * mask is non-NULL (mask shaped as inp: ReLU's output or input before this conv), else t; the
 * conv's input is in_relu ? relu(inp) : inp, as in the forward. dwt and db
 * (may be NULL) accumulate the weight gradient in the prep's own layout (see
 * nn_conv_prep_grad_add) and the bias gradient. */
void nn_conv_prep_backward(NnCtx *ctx, const NnConvPrep *cp, float *dinp, int dx_add,
                           const float *mask, float *dwt, float *db, const float *dout,
                           const float *inp, int in_relu, int n);
/* dw (O,KH,KW,C) += dwt (nn_conv_prep_backward's layout; O*KH*KW*C floats). */
void nn_conv_prep_grad_add(const NnConvPrep *cp, float *dw, const float *dwt);

/* Max-pool as nn_maxpool_forward with argmax indices offset by base, relu_out (may be NULL)
 * also getting max(out, 0). argmax may be NULL (inference) only where the vector kernels run
 * (C % 16 == 0 on AVX-512, C % 8 == 0 on AVX2): nn_maxpool_vector_ok. */
int nn_maxpool_vector_ok(int C);
void nn_maxpool_forward_relu(float *out, int32_t *argmax, float *relu_out, const float *inp, int N,
                             int H, int W, int C, int k, int s, int p, int32_t base);

#endif
