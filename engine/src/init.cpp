#include "backprop/init.h"

#include <cmath>
#include <vector>

#include "backprop/errors.h"
#include "tensor_impl.h"
#include "enum_names.h"

namespace bp {
namespace {
constexpr EnumName<Init> kInitNames[] = {
    {Init::Default, "default"},         {Init::Uniform, "uniform"},
    {Init::XavierUniform, "xavier_uniform"}, {Init::XavierNormal, "xavier_normal"},
    {Init::KaimingUniform, "kaiming_uniform"}, {Init::KaimingNormal, "kaiming_normal"},
    {Init::Zeros, "zeros"},
};
}  // namespace

const char* init_name(Init kind) { return enum_name(kInitNames, kind); }
Init parse_init(const std::string& name) { return parse_enum(kInitNames, name, "initializer"); }

void assign_(const Tensor& t, const std::vector<float>& values) {
  if (!t.defined()) throw ValueError("assign: tensor is undefined");
  if (static_cast<int64_t>(values.size()) != t.numel())
    throw ShapeError("assign: " + std::to_string(values.size()) + " values for shape " +
                     t.shape().str());
  if (!t.is_contiguous()) throw ValueError("assign: tensor must be contiguous");
  t.impl()->backend().from_host(t.impl()->ptr(), values.data(), values.size());
}

void uniform_(const Tensor& t, float low, float high, Rng& rng) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  for (float& x : v) x = rng.uniform(low, high);
  assign_(t, v);
}

void normal_(const Tensor& t, float mean, float stddev, Rng& rng) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  for (float& x : v) x = rng.normal(mean, stddev);
  assign_(t, v);
}

void zeros_(const Tensor& t) { assign_(t, std::vector<float>(static_cast<size_t>(t.numel()), 0.0f)); }

void init_tensor(const Tensor& t, Init kind, Rng& rng, int64_t fan_in_hint) {
  const bool matrix = t.dim() >= 2;
  const auto fan_in = static_cast<double>(matrix ? t.shape()[1] : std::max<int64_t>(fan_in_hint, 1));
  const auto fan_out = static_cast<double>(matrix ? t.shape()[0] : std::max<int64_t>(fan_in_hint, 1));
  switch (kind) {
    case Init::Default: {
      const auto b = static_cast<float>(1.0 / std::sqrt(fan_in));
      return uniform_(t, -b, b, rng);
    }
    case Init::Uniform: return uniform_(t, -0.5f, 0.5f, rng);
    case Init::XavierUniform: {
      const auto b = static_cast<float>(std::sqrt(6.0 / (fan_in + fan_out)));
      return uniform_(t, -b, b, rng);
    }
    case Init::XavierNormal:
      return normal_(t, 0.0f, static_cast<float>(std::sqrt(2.0 / (fan_in + fan_out))), rng);
    case Init::KaimingUniform: {
      const auto b = static_cast<float>(std::sqrt(6.0 / fan_in));
      return uniform_(t, -b, b, rng);
    }
    case Init::KaimingNormal:
      return normal_(t, 0.0f, static_cast<float>(std::sqrt(2.0 / fan_in)), rng);
    case Init::Zeros: return zeros_(t);
  }
}

}  // namespace bp
