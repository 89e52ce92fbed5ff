// Weight initializers. Each fills a tensor in place from a seeded Rng, so the same seed gives the
// same weights on every platform. Fans follow PyTorch: for a weight [out, in], fan_in = in.
#pragma once
#include <string>

#include "backprop/random.h"
#include "backprop/tensor.h"

namespace bp {

enum class Init {
  Default,         ///< PyTorch's nn.Linear default: U(−1/√fan_in, 1/√fan_in) for weight and bias
  Uniform,         ///< U(−0.5, 0.5), TensorFlow Playground's choice
  XavierUniform,   ///< U(±√(6/(fan_in+fan_out)))
  XavierNormal,    ///< N(0, 2/(fan_in+fan_out))
  KaimingUniform,  ///< U(±√(6/fan_in)), for ReLU networks
  KaimingNormal,   ///< N(0, 2/fan_in)
  Zeros,
};

const char* init_name(Init kind);
/// Parses a name as printed by init_name ("xavier_uniform", ...); throws ValueError listing them.
Init parse_init(const std::string& name);

/// Overwrites `t` (a contiguous leaf) with values drawn as `kind` says. `fan_in`/`fan_out` are
/// read from the shape of a 2-D weight; 1-D tensors use `fan_in_hint`.
void init_tensor(const Tensor& t, Init kind, Rng& rng, int64_t fan_in_hint = 0);

void uniform_(const Tensor& t, float low, float high, Rng& rng);
void normal_(const Tensor& t, float mean, float stddev, Rng& rng);
void zeros_(const Tensor& t);
/// Copies host values into a tensor of the same element count, keeping its identity.
void assign_(const Tensor& t, const std::vector<float>& values);

}  // namespace bp
