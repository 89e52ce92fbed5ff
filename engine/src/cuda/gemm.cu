// Matrix products on the GPU: cuBLAS (FP32, or TF32 when asked), the engine's register-tiled
// kernel (when cuBLAS is missing, or chosen) and MiniTorch's shared-memory tiled kernel (chosen,
// for teaching). Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ, which is how cuBLAS is called;
// views cuBLAS cannot take (a broadcast stride, no unit stride) go to the register kernel.
#include <algorithm>
#include <mutex>

#include "backprop/device.h"
#include "cuda/cuda_context.h"
#include "cuda/device_ctx.cuh"
#include "cuda/kernels/register_matmul.h"
#include "cuda/kernels/tiled_matmul.h"

namespace bp::cuda {

constexpr int kTeachingTile = 16;

__global__ void register_matmul_kernel(DevicePointer a, KernelView av, DevicePointer b, KernelView bv, DevicePointer c, KernelView cv,
                                       bool accumulate) {
  DeviceCtx ctx;
  register_matmul(ctx, a, av, b, bv, c, cv, accumulate);
}

__global__ void tiled_matmul_kernel(DevicePointer a, KernelView av, DevicePointer b, KernelView bv, DevicePointer c, KernelView cv,
                                    bool accumulate) {
  DeviceCtx ctx;
  tiled_matmul<kTeachingTile>(ctx, a, av, b, bv, c, cv, accumulate);
}

namespace {

KernelView matrix_view(const MatrixView& m) {
  KernelView v;
  v.rank = 2;
  v.shape[0] = m.rows, v.shape[1] = m.cols;
  v.strides[0] = m.rs, v.strides[1] = m.cs;
  return v;
}

// How cuBLAS sees a row-major matrix: its transpose in column-major order with leading
// dimension ld (op N), or the matrix itself when its columns are contiguous (op T).
struct BlasOperand {
  bool ok;
  cublasOperation_t op;
  int ld;
};
BlasOperand blas_operand(const MatrixView& m) {
  constexpr int64_t kMax = INT32_MAX;
  if (m.rows > kMax || m.cols > kMax) return {false, CUBLAS_OP_N, 0};
  if (m.cs == 1 && m.rs >= std::max<int64_t>(1, m.cols) && m.rs <= kMax) return {true, CUBLAS_OP_N, static_cast<int>(m.rs)};
  if (m.rs == 1 && m.cs >= std::max<int64_t>(1, m.rows) && m.cs <= kMax) return {true, CUBLAS_OP_T, static_cast<int>(m.cs)};
  if (m.rows == 1 && m.cs == 1) return {true, CUBLAS_OP_N, static_cast<int>(std::max<int64_t>(1, m.cols))};
  if (m.cols == 1 && m.rs == 1) return {true, CUBLAS_OP_T, static_cast<int>(std::max<int64_t>(1, m.rows))};
  return {false, CUBLAS_OP_N, 0};
}

bool try_cublas(CudaContext& ctx, const MatrixView& c, const MatrixView& a, const MatrixView& b, bool accumulate, bool tf32) {
  const CublasLibrary* lib = ctx.cublas();
  if (!lib || !ctx.blas()) return false;
  const BlasOperand oc = blas_operand(c), oa = blas_operand(a), ob = blas_operand(b);
  if (!oc.ok || oc.op != CUBLAS_OP_N || !oa.ok || !ob.ok || a.cols > INT32_MAX) return false;
  ctx.check_blas(lib->set_math_mode(ctx.blas(), tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  const float alpha = 1.0f, beta = accumulate ? 1.0f : 0.0f;
  ctx.check_blas(lib->sgemm(ctx.blas(), ob.op, oa.op, static_cast<int>(c.cols), static_cast<int>(c.rows), static_cast<int>(a.cols), &alpha,
                            b.data, ob.ld, a.data, oa.ld, &beta, c.data, oc.ld),
                 "cublasSgemm");
  return true;
}

void own_kernel(CudaContext& ctx, bool teaching, const MatrixView& c, const MatrixView& a, const MatrixView& b, bool accumulate) {
  const int tile = teaching ? kTeachingTile : kRegTile;
  // The grid's y dimension is at most 65535 blocks: taller products go in bands of rows.
  const int64_t band = int64_t{65535} * tile;
  for (int64_t r0 = 0; r0 < c.rows; r0 += band) {
    const int64_t rows = std::min(band, c.rows - r0);
    const MatrixView cb{c.data + r0 * c.rs, rows, c.cols, c.rs, c.cs}, ab{a.data + r0 * a.rs, rows, a.cols, a.rs, a.cs};
    const dim3 grid(static_cast<unsigned>((c.cols + tile - 1) / tile), static_cast<unsigned>((rows + tile - 1) / tile));
    if (teaching) {
      tiled_matmul_kernel<<<grid, dim3(kTeachingTile, kTeachingTile), 2 * kTeachingTile * kTeachingTile * sizeof(float), ctx.stream()>>>(
          {ab.data}, matrix_view(ab), {b.data}, matrix_view(b), {cb.data}, matrix_view(cb), accumulate);
      ctx.launched("tiled_matmul");
    } else {
      register_matmul_kernel<<<grid, dim3(kRegThreads, kRegThreads), 2 * kRegK * kRegTile * sizeof(float), ctx.stream()>>>(
          {ab.data}, matrix_view(ab), {b.data}, matrix_view(b), {cb.data}, matrix_view(cb), accumulate);
      ctx.launched("register_matmul");
    }
  }
}

}  // namespace

void gemm(CudaContext& ctx, const MatrixView& c, const MatrixView& a, const MatrixView& b, bool accumulate) {
  if (c.rows == 0 || c.cols == 0) return;
  const CudaOptions o = cuda_options();
  if (o.gemm == CudaGemm::SharedTiled || o.gemm == CudaGemm::RegisterTiled) return own_kernel(ctx, o.gemm == CudaGemm::SharedTiled, c, a, b, accumulate);
  if (!try_cublas(ctx, c, a, b, accumulate, o.tf32)) own_kernel(ctx, false, c, a, b, accumulate);
}

std::string gemm_description(const CudaContext& ctx) {
  const CudaOptions o = cuda_options();
  if (o.gemm == CudaGemm::SharedTiled) return "the teaching shared-memory tiled kernel";
  if (o.gemm == CudaGemm::RegisterTiled || !ctx.cublas()) return "the built-in register-tiled kernel";
  return "cuBLAS " + ctx.cublas()->version + (o.tf32 ? ", TF32" : ", FP32");
}

}  // namespace bp::cuda
