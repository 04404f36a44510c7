/* conv_direct_avx2.c: the direct conv kernels built for AVX2 + FMA (8-float vectors); compiled
 * with -mavx2 -mfma and only called when the CPU reports both (ops_conv.c). */
#define VW 8
#define PW16 4
#define PW32 2
#define CB16 4
#define CB32 2
#define PWC16 4
#define PWC32 2
#define SFX(name) name##_avx2
#include "nn/conv_direct_impl.h"
