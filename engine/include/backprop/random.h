// Rng: a seeded generator (xoshiro256** seeded by splitmix64) whose draws are the same on every
// platform and standard library: uniform floats come from integer bits, normals from
// Box-Muller in double precision. std:: distributions are not used anywhere in the engine.
#pragma once
#include <cstdint>
#include <vector>

namespace bp {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  /// 64 random bits.
  uint64_t next_u64();
  /// Uniform in [0, 1) with 24 bits of precision.
  float uniform();
  /// Uniform in [low, high).
  float uniform(float low, float high);
  /// Uniform in [0, 1) with 53 bits.
  double uniform_double();
  /// Standard normal (mean 0, variance 1), scaled.
  float normal(float mean = 0.0f, float stddev = 1.0f);
  /// Uniform integer in [0, n).
  uint64_t below(uint64_t n);
  /// A random permutation of 0..n-1 (Fisher-Yates).
  std::vector<int64_t> permutation(int64_t n);

 private:
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace bp
