// A view's result computed from the training snapshot (the tangent plot, the hidden space, each
// point's loss): again at once when the view's own choice changed, and for a new snapshot at most
// once per interval, so that a view follows training live without computing every frame. A
// computation that throws leaves no result and its message.
#pragma once
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

namespace bp::studio {

template <class T>
struct SnapshotCache {
  std::optional<T> value;
  std::string error;        ///< why there is no value
  uint64_t computed = 0;    ///< values computed so far (a CachedView key)

  /// Recomputes with `compute` when `fresh`, or when `version` is new and `interval` seconds have
  /// passed since the last computation (`now` in seconds).
  template <class Compute>
  void update(bool fresh, uint64_t version, double now, double interval, Compute compute) {
    if (!fresh && (version == version_ || now - at_ <= interval)) return;
    at_ = now;
    version_ = version;
    try {
      value = compute();
      error.clear();
      ++computed;
    } catch (const std::exception& e) {
      value.reset();
      error = e.what();
    }
  }

 private:
  uint64_t version_ = ~uint64_t{0};
  double at_ = -1e300;
};

}  // namespace bp::studio
