// Matrix products through cuBLAS (FP32, or TF32 when asked). Row-major C = A·B is column-major
// Cᵀ = Bᵀ·Aᵀ, which is how cuBLAS is called; views cuBLAS cannot read (a broadcast stride, no
// unit stride, a size beyond int) are left to the backend's own kernels (kernel_backend.h).
#include <algorithm>
#include <climits>

#include "cuda/cuda_context.h"

namespace bp::cuda {

namespace {

// How cuBLAS sees a row-major matrix: its transpose in column-major order with leading
// dimension ld (op N), or the matrix itself when its columns are contiguous (op T).
struct BlasOperand {
  bool ok;
  cublasOperation_t op;
  int ld;
};
BlasOperand blas_operand(const MatrixView& m) {
  constexpr int64_t kMax = INT_MAX;
  if (m.rows > kMax || m.cols > kMax) return {false, CUBLAS_OP_N, 0};
  if (m.cs == 1 && m.rs >= std::max<int64_t>(1, m.cols) && m.rs <= kMax) return {true, CUBLAS_OP_N, static_cast<int>(m.rs)};
  if (m.rs == 1 && m.cs >= std::max<int64_t>(1, m.rows) && m.cs <= kMax) return {true, CUBLAS_OP_T, static_cast<int>(m.cs)};
  return {false, CUBLAS_OP_N, 0};
}

}  // namespace

bool CudaContext::blas_gemm(const MatrixView& c, const MatrixView& a, const MatrixView& b, bool accumulate, bool tf32) {
  if (!cublas_ || !blas_) return false;
  const BlasOperand oc = blas_operand(c), oa = blas_operand(a), ob = blas_operand(b);
  if (!oc.ok || oc.op != CUBLAS_OP_N || !oa.ok || !ob.ok) return false;
  std::lock_guard<std::mutex> lock(blas_mu_);
  check_blas(cublas_->set_math_mode(blas_, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  const float alpha = 1.0f, beta = accumulate ? 1.0f : 0.0f;
  check_blas(cublas_->sgemm(blas_, ob.op, oa.op, static_cast<int>(c.cols), static_cast<int>(c.rows), static_cast<int>(a.cols), &alpha, b.data,
                            ob.ld, a.data, oa.ld, &beta, c.data, oc.ld),
             "cublasSgemm");
  return true;
}

}  // namespace bp::cuda
