/* conv_direct_impl.h: body of the direct NHWC convolution kernels, included once per
 * instruction set (conv_direct_avx512.c with VW 16, conv_direct_avx2.c with VW 8). Each kernel
 * keeps a block of output pixels x VW-float vectors of output channels in registers and
 * broadcasts one input value per FMA. Requires O == 16 or O == 32 (ImpalaCNN's widths).
 * Defines SFX(nn_direct_forward_image), SFX(nn_direct_dw_image), SFX(nn_direct_maxpool_image)
 * and SFX(nn_direct_smallm) (the LSTM's few-row products); see conv_direct.h. Every variant of
 * a kernel sums each output in the same order, so block shapes never change results. */
#include <string.h>

#include "nn/conv_direct.h"

typedef float vf __attribute__((vector_size(VW * 4), aligned(4), may_alias));
typedef int vi __attribute__((vector_size(VW * 4)));

#define LD(p) (*(const vf *)(p))
#define ST(p, v) (*(vf *)(p) = (v))

/* CEXPR, XSEXPR: the channel count and pixel stride, run-time (d->C ...) or compile-time
 * constants (stride-1 16/32-channel inputs: constant addressing, wider pixel blocks). */
#define DEF_FWD_G(NAME, NV, PW, CEXPR, XSEXPR)                                                     \
    static inline void NAME(float *out, const float *ip, const float *wt, const NnDirectDims *d,   \
                            int oh, int ow0, const float *bias, int acc_in) {                      \
        const int C = CEXPR, O = d->O, s = d->stride;                                              \
        const int64_t XS = XSEXPR, RS = d->rs ? d->rs : (int64_t)d->Wp * C;                        \
        vf acc[PW][NV];                                                                            \
        for (int p = 0; p < PW; p++)                                                               \
            for (int v = 0; v < NV; v++) {                                                         \
                const float *o = out + ((int64_t)oh * d->OW + ow0 + p) * O + VW * v;               \
                acc[p][v] = acc_in ? LD(o) : bias ? LD(bias + VW * v) : (vf){0};                   \
            }                                                                                      \
        for (int kh = 0; kh < d->KH; kh++) {                                                       \
            const float *row = ip + (int64_t)(oh * s + kh) * RS;                                   \
            for (int kw = 0; kw < d->KW; kw++) {                                                   \
                const float *wk = wt + (int64_t)(kh * d->KW + kw) * C * O;                         \
                const float *x0 = row + (int64_t)ow0 * XS + (int64_t)kw * C;                       \
                for (int c = 0; c < C; c++) {                                                      \
                    vf w[NV];                                                                      \
                    for (int v = 0; v < NV; v++) w[v] = LD(wk + (int64_t)c * O + VW * v);          \
                    for (int p = 0; p < PW; p++) {                                                 \
                        float xv = x0[(int64_t)p * XS + c];                                        \
                        for (int v = 0; v < NV; v++) acc[p][v] += xv * w[v];                       \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        for (int p = 0; p < PW; p++)                                                               \
            for (int v = 0; v < NV; v++) {                                                         \
                const int64_t at = ((int64_t)oh * d->OW + ow0 + p) * O + VW * v;                   \
                vf y = acc[p][v];                                                                  \
                if (d->res) y = LD(d->res + at) + y; /* res + conv, as nn_add_forward */           \
                if (d->mask) y = (vf)((vi)y & (LD(d->mask + at) > (vf){0})); /* relu grad */       \
                if (d->add_out) y = LD(out + at) + y;                                              \
                if (d->relu) y = (vf)((vi)y & (y > (vf){0})); /* max(y, 0), NaN -> 0 as ReLU */    \
                ST(out + at, y);                                                                   \
                if (d->relu_out) ST(d->relu_out + at, (vf)((vi)y & (y > (vf){0})));                \
            }                                                                                      \
    }

/* Two output rows x PW pixels per block (plain forward only: no epilogue options) for
 * few-channel inputs, where one row's PW accumulators would sit at the FMA latency bound. */
#define DEF_FWD2(NAME, NV, PW)                                                                     \
    static inline void NAME(float *out, const float *ip, const float *wt, const NnDirectDims *d,   \
                            int oh, int ow0, const float *bias) {                                  \
        const int C = d->C, O = d->O, s = d->stride;                                               \
        const int64_t XS = d->xs ? d->xs : (int64_t)s * C,                                         \
                      RS = d->rs ? d->rs : (int64_t)d->Wp * C;                                     \
        vf acc[2][PW][NV];                                                                         \
        for (int r = 0; r < 2; r++)                                                                \
            for (int p = 0; p < PW; p++)                                                           \
                for (int v = 0; v < NV; v++) acc[r][p][v] = bias ? LD(bias + VW * v) : (vf){0};    \
        for (int kh = 0; kh < d->KH; kh++) {                                                       \
            const float *row0 = ip + (int64_t)(oh * s + kh) * RS, *row1 = row0 + (int64_t)s * RS;  \
            for (int kw = 0; kw < d->KW; kw++) {                                                   \
                const float *wk = wt + (int64_t)(kh * d->KW + kw) * C * O;                         \
                const int64_t o0 = (int64_t)ow0 * XS + (int64_t)kw * C;                            \
                for (int c = 0; c < C; c++) {                                                      \
                    vf w[NV];                                                                      \
                    for (int v = 0; v < NV; v++) w[v] = LD(wk + (int64_t)c * O + VW * v);          \
                    for (int p = 0; p < PW; p++) {                                                 \
                        float x0 = row0[o0 + (int64_t)p * XS + c];                                 \
                        float x1 = row1[o0 + (int64_t)p * XS + c];                                 \
                        for (int v = 0; v < NV; v++) {                                             \
                            acc[0][p][v] += x0 * w[v];                                             \
                            acc[1][p][v] += x1 * w[v];                                             \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        for (int r = 0; r < 2; r++)                                                                \
            for (int p = 0; p < PW; p++)                                                           \
                for (int v = 0; v < NV; v++)                                                       \
                    ST(out + ((int64_t)(oh + r) * d->OW + ow0 + p) * O + VW * v, acc[r][p][v]);    \
    }

#define DEF_FWD(NAME, NV, PW) DEF_FWD_G(NAME, NV, PW, d->C, d->xs ? d->xs : (int64_t)s *C)
#define DEF_FWDC(NAME, NV, PW, CC) DEF_FWD_G(NAME, NV, PW, CC, CC)

/* Weight gradient of channels [c0, c0+CB) at tap (kh, kw); U interleaved pixel streams keep
 * enough independent FMA chains when CB * NV is small (the 3-channel first layer). */
#define DEF_DW(NAME, NV, CB, U)                                                                    \
    static inline void NAME(float *dwt, const float *ip, const float *dout, const NnDirectDims *d, \
                            int kh, int kw, int c0) {                                              \
        const int C = d->C, O = d->O, s = d->stride;                                               \
        const int64_t XS = d->xs ? d->xs : (int64_t)s * C,                                         \
                      RS = d->rs ? d->rs : (int64_t)d->Wp * C;                                     \
        vf acc[U][CB][NV];                                                                         \
        for (int u = 0; u < U; u++)                                                                \
            for (int c = 0; c < CB; c++)                                                           \
                for (int v = 0; v < NV; v++) acc[u][c][v] = (vf){0};                               \
        for (int oh = 0; oh < d->OH; oh++) {                                                       \
            const float *row = ip + (int64_t)(oh * s + kh) * RS + (int64_t)kw * C + c0;            \
            const float *dr = dout + (int64_t)oh * d->OW * O;                                      \
            int ow = 0;                                                                            \
            for (; ow + U <= d->OW; ow += U)                                                       \
                for (int u = 0; u < U; u++) {                                                      \
                    vf g[NV];                                                                      \
                    for (int v = 0; v < NV; v++) g[v] = LD(dr + (int64_t)(ow + u) * O + VW * v);   \
                    const float *x = row + (int64_t)(ow + u) * XS;                                 \
                    for (int c = 0; c < CB; c++)                                                   \
                        for (int v = 0; v < NV; v++) acc[u][c][v] += x[c] * g[v];                  \
                }                                                                                  \
            for (; ow < d->OW; ow++) {                                                             \
                vf g[NV];                                                                          \
                for (int v = 0; v < NV; v++) g[v] = LD(dr + (int64_t)ow * O + VW * v);             \
                const float *x = row + (int64_t)ow * XS;                                           \
                for (int c = 0; c < CB; c++)                                                       \
                    for (int v = 0; v < NV; v++) acc[0][c][v] += x[c] * g[v];                      \
            }                                                                                      \
        }                                                                                          \
        float *dst = dwt + ((int64_t)(kh * d->KW + kw) * C + c0) * O;                              \
        for (int c = 0; c < CB; c++)                                                               \
            for (int v = 0; v < NV; v++) {                                                         \
                vf sum = acc[0][c][v];                                                             \
                for (int u = 1; u < U; u++) sum += acc[u][c][v];                                   \
                float *q = dst + (int64_t)c * O + VW * v;                                          \
                ST(q, LD(q) + sum);                                                                \
            }                                                                                      \
    }

/* 16 output channels: NV16 vectors; 32: NV32 (PW pixels / CB channels per register block). */
#define NV16 (16 / VW)
#define NV32 (32 / VW)
DEF_FWD(fwd16, NV16, PW16)
DEF_FWD(fwd32, NV32, PW32)
DEF_FWD(fwd16_1, NV16, 1)
DEF_FWD2(fwd16_2r, NV16, PW16)
DEF_FWDC(fwd16_c16, NV16, PWC16, 16)
DEF_FWDC(fwd16_c32, NV16, PWC16, 32)
DEF_FWDC(fwd32_c16, NV32, PWC32, 16)
DEF_FWDC(fwd32_c32, NV32, PWC32, 32)
DEF_FWD(fwd32_1, NV32, 1)
DEF_DW(dw16, NV16, CB16, 1)
DEF_DW(dw16_h, NV16, CB16 / 2, 1)
DEF_DW(dw16_1, NV16, 1, 4)
DEF_DW(dw16_3, NV16, 3, 3)
DEF_DW(dw32, NV32, CB32, 1)
DEF_DW(dw32_1, NV32, 1, 4)
DEF_DW(dw32_3, NV32, 3, 2)

void SFX(nn_direct_forward_image)(float *out, const float *ip, const float *wt, const float *bias,
                                  const NnDirectDims *d, int accumulate) {
    const int cst = d->stride == 1 && d->xs == 0 && (d->C == 16 || d->C == 32);
    int oh = 0;
    if (d->O == 16 && d->C < 16 && !accumulate && !d->res && !d->mask && !d->add_out && !d->relu &&
        !d->relu_out)
        for (; oh + 2 <= d->OH; oh += 2) {
            int ow = 0;
            for (; ow + PW16 <= d->OW; ow += PW16) fwd16_2r(out, ip, wt, d, oh, ow, bias);
            for (; ow < d->OW; ow++) {
                fwd16_1(out, ip, wt, d, oh, ow, bias, 0);
                fwd16_1(out, ip, wt, d, oh + 1, ow, bias, 0);
            }
        }
    for (; oh < d->OH; oh++) {
        int ow = 0;
        if (cst && d->O == 16) {
            if (d->C == 16)
                for (; ow + PWC16 <= d->OW; ow += PWC16)
                    fwd16_c16(out, ip, wt, d, oh, ow, bias, accumulate);
            else
                for (; ow + PWC16 <= d->OW; ow += PWC16)
                    fwd16_c32(out, ip, wt, d, oh, ow, bias, accumulate);
        } else if (cst) {
            if (d->C == 16)
                for (; ow + PWC32 <= d->OW; ow += PWC32)
                    fwd32_c16(out, ip, wt, d, oh, ow, bias, accumulate);
            else
                for (; ow + PWC32 <= d->OW; ow += PWC32)
                    fwd32_c32(out, ip, wt, d, oh, ow, bias, accumulate);
        }
        if (d->O == 16) {
            for (; ow + PW16 <= d->OW; ow += PW16) fwd16(out, ip, wt, d, oh, ow, bias, accumulate);
            for (; ow < d->OW; ow++) fwd16_1(out, ip, wt, d, oh, ow, bias, accumulate);
        } else {
            for (; ow + PW32 <= d->OW; ow += PW32) fwd32(out, ip, wt, d, oh, ow, bias, accumulate);
            for (; ow < d->OW; ow++) fwd32_1(out, ip, wt, d, oh, ow, bias, accumulate);
        }
    }
}

void SFX(nn_direct_dw_image)(float *dwt, const float *ip, const float *dout,
                             const NnDirectDims *d) {
    for (int kh = 0; kh < d->KH; kh++)
        for (int kw = 0; kw < d->KW; kw++) {
            int c = 0;
            if (d->O == 16) {
                for (; c + CB16 <= d->C; c += CB16) dw16(dwt, ip, dout, d, kh, kw, c);
                for (; c + CB16 / 2 <= d->C; c += CB16 / 2) dw16_h(dwt, ip, dout, d, kh, kw, c);
                for (; c + 3 <= d->C; c += 3) dw16_3(dwt, ip, dout, d, kh, kw, c);
                for (; c < d->C; c++) dw16_1(dwt, ip, dout, d, kh, kw, c);
            } else {
                for (; c + CB32 <= d->C; c += CB32) dw32(dwt, ip, dout, d, kh, kw, c);
                for (; c + 3 <= d->C; c += 3) dw32_3(dwt, ip, dout, d, kh, kw, c);
                for (; c < d->C; c++) dw32_1(dwt, ip, dout, d, kh, kw, c);
            }
        }
}

/* out (MM rows, stride ldo) = [out +] a (MM x K, stride lda) @ w (K x N, row-major, stride ldw),
 * columns [n0, n0 + 4 VW): the products are summed from zero in k order, then added. */
#define DEF_SMALLM(NAME, MM)                                                                       \
    static inline void NAME(float *out, int64_t ldo, const float *a, int64_t lda, const float *w,  \
                            int64_t ldw, int n0, int K, int accumulate) {                          \
        vf acc[MM][4];                                                                             \
        for (int m = 0; m < MM; m++)                                                               \
            for (int v = 0; v < 4; v++) acc[m][v] = (vf){0};                                       \
        for (int k = 0; k < K; k++) {                                                              \
            vf wv[4];                                                                              \
            for (int v = 0; v < 4; v++) wv[v] = LD(w + (int64_t)k * ldw + n0 + VW * v);            \
            for (int m = 0; m < MM; m++) {                                                         \
                float x = a[(int64_t)m * lda + k];                                                 \
                for (int v = 0; v < 4; v++) acc[m][v] += x * wv[v];                                \
            }                                                                                      \
        }                                                                                          \
        for (int m = 0; m < MM; m++)                                                               \
            for (int v = 0; v < 4; v++) {                                                          \
                float *o = out + (int64_t)m * ldo + n0 + VW * v;                                   \
                vf y = acc[m][v];                                                                  \
                if (accumulate) y = LD(o) + y;                                                     \
                ST(o, y);                                                                          \
            }                                                                                      \
    }
DEF_SMALLM(smallm1, 1)
DEF_SMALLM(smallm2, 2)
DEF_SMALLM(smallm3, 3)
DEF_SMALLM(smallm4, 4)

void SFX(nn_direct_smallm)(float *out, int64_t ldo, const float *a, int64_t lda, const float *w,
                           int64_t ldw, int M, int N, int K, int accumulate) {
    for (int m0 = 0; m0 < M; m0 += 4) {
        const int mm = M - m0 < 4 ? M - m0 : 4;
        float *o = out + (int64_t)m0 * ldo;
        const float *am = a + (int64_t)m0 * lda;
        for (int n0 = 0; n0 < N; n0 += 4 * VW) {
            if (mm == 4)
                smallm4(o, ldo, am, lda, w, ldw, n0, K, accumulate);
            else if (mm == 3)
                smallm3(o, ldo, am, lda, w, ldw, n0, K, accumulate);
            else if (mm == 2)
                smallm2(o, ldo, am, lda, w, ldw, n0, K, accumulate);
            else
                smallm1(o, ldo, am, lda, w, ldw, n0, K, accumulate);
        }
    }
}

typedef int32_t vi __attribute__((vector_size(VW * 4), aligned(4), may_alias));

/* Max-pool of one image (H,W,C) -> (OH,OW,C) with flat argmax indices offset by `base`;
 * C % VW == 0. Same semantics as nn_maxpool_forward (first maximum in window order wins). */
void SFX(nn_direct_maxpool_image)(float *out, int32_t *argmax, float *relu_out, const float *inp,
                                  int H, int W, int C, int k, int s, int p, int32_t base) {
    const int OH = (H + 2 * p - k) / s + 1, OW = (W + 2 * p - k) / s + 1;
    vi lane;
    for (int i = 0; i < VW; i++) lane[i] = i;
    for (int oh = 0; oh < OH; oh++) {
        const int h0 = oh * s - p < 0 ? 0 : oh * s - p,
                  h1 = oh * s - p + k > H ? H : oh * s - p + k;
        for (int ow = 0; ow < OW; ow++) {
            const int w0 = ow * s - p < 0 ? 0 : ow * s - p,
                      w1 = ow * s - p + k > W ? W : ow * s - p + k;
            if (!argmax) { /* inference: the maximum only */
                for (int c = 0; c < C; c += VW) {
                    vf y = LD(inp + ((int64_t)h0 * W + w0) * C + c);
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = (ih == h0 ? w0 + 1 : w0); iw < w1; iw++) {
                            vf x = LD(inp + ((int64_t)ih * W + iw) * C + c);
                            vi m = x > y;
                            y = (vf)(((vi)x & m) | ((vi)y & ~m));
                        }
                    const int64_t at = ((int64_t)oh * OW + ow) * C + c;
                    ST(out + at, y);
                    if (relu_out) ST(relu_out + at, (vf)((vi)y & (vi)(y > (vf){0})));
                }
                continue;
            }
            for (int c = 0; c < C; c += VW) {
                int32_t i0 = (int32_t)(((int64_t)h0 * W + w0) * C + c);
                vf y = LD(inp + i0);
                vi am = lane + (base + i0);
                for (int ih = h0; ih < h1; ih++)
                    for (int iw = (ih == h0 ? w0 + 1 : w0); iw < w1; iw++) {
                        int32_t ix = (int32_t)(((int64_t)ih * W + iw) * C + c);
                        vf x = LD(inp + ix);
                        vi m = x > y;
                        y = (vf)(((vi)x & m) | ((vi)y & ~m));
                        am = ((lane + (base + ix)) & m) | (am & ~m);
                    }
                const int64_t at = ((int64_t)oh * OW + ow) * C + c;
                ST(out + at, y);
                if (relu_out) ST(relu_out + at, (vf)((vi)y & (vi)(y > (vf){0})));
                if (argmax) *(vi *)(argmax + at) = am;
            }
        }
    }
}
