// Single-precision matrix multiply for arbitrary strides: C = A·B (or C += A·B).
// Packs B into column panels and runs a register-blocked micro-kernel over rows of A.
#pragma once
#include <cstdint>

namespace bp::cpu {

struct MatrixRef {
  const float* data;
  int64_t row_stride;
  int64_t col_stride;
};

/// C = A·B (+ C when accumulate) (+ bias[j] on every row when bias is not null), then
/// max(C, 0) when relu (an inference epilogue: one pass over C instead of two).
void gemm(int64_t m, int64_t n, int64_t k, MatrixRef a, MatrixRef b, float* c, int64_t c_row_stride,
          int64_t c_col_stride, bool accumulate, const float* bias = nullptr, bool relu = false);

}  // namespace bp::cpu
