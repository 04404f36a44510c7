/* span_v4.c: span.c's passes compiled for x86-64-v4 (AVX-512), which vectorizes their loops
 * 16 wide; render_world_rows calls this build for frames that use the SIMD walk (the CPU has
 * AVX-512). The same IEEE operations in the same order (no FMA: -ffp-contract=off), so the
 * same bytes as the baseline build. */
#if defined(__x86_64__)
#define SPAN_V4 1
#include "span.c"
#else
typedef int span_v4_unused;
#endif
