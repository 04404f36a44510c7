/* conv_direct.h: internal interface of the direct convolution kernels (conv_direct_impl.h,
 * built per instruction set), used by ops_conv.c. Not part of nn/'s public API. */
#ifndef NN_CONV_DIRECT_H
#define NN_CONV_DIRECT_H

#include <stdint.h>

typedef struct NnDirectDims {
    int Hp, Wp, C, O, KH, KW, stride, OH, OW; /* Hp, Wp: padded input size */
    int relu;                                 /* 1: store max(out, 0) */
    const float *res;                         /* non-NULL: store res + out (res shaped as out) */
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

/* Max-pool of one image, C % 16 == 0 (avx512) / C % 8 == 0 (avx2); argmax = base + flat index. */
void nn_direct_maxpool_image_avx512(float *out, int32_t *argmax, const float *inp, int H, int W,
                                    int C, int k, int s, int p, int32_t base);
void nn_direct_maxpool_image_avx2(float *out, int32_t *argmax, const float *inp, int H, int W,
                                  int C, int k, int s, int p, int32_t base);

#endif
