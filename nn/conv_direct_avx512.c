/* conv_direct_avx512.c: the direct conv kernels built for AVX-512 (16-float vectors); compiled
 * with -mavx512f -mfma and only called when the CPU reports avx512f (ops_conv.c). */
#define VW 16
#define PW16 8
#define PW32 8
#define CB16 16
#define CB32 8
#define PWC16 16
#define PWC32 8
#define SFX(name) name##_avx512
#include "nn/conv_direct_impl.h"
