// The backward pass of a narrow Linear layer in one pass over the rows of its output gradient.
#pragma once
#include <cstdint>

namespace bp::cpu {

/// For y = x·wᵀ + b with gy [n, out] (unit column stride), x [n, in] (unit column stride) and
/// w [out, in] (unit column stride): gx = gy·w ([n, in], unless gx is null), gw = gyᵀ·x
/// ([out, in], contiguous) and gb = column sums of gy ([out], unless null), each row of gy read
/// once. Returns false, touching nothing, when the layer is too wide or too long for this path
/// (more than kLinearBackwardMaxRows rows; out · ⌈in/16⌉ > 16, or in > 32; without gx, a layer
/// with fewer inputs than outputs may instead take in · ⌈out/16⌉ ≤ 16 and out ≤ 32); the caller
/// then runs the separate products.
bool linear_backward_rows(int64_t n, int64_t in, int64_t out, const float* gy, int64_t gy_rs,
                          const float* x, int64_t x_rs, const float* w, int64_t w_rs, float* gx,
                          int64_t gx_rs, float* gw, float* gb);

/// Longer inputs go to the separate products, which split their rows over threads.
constexpr int64_t kLinearBackwardMaxRows = 8192;

}  // namespace bp::cpu
