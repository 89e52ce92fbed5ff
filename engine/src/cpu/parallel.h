// Internal: a persistent pool of worker threads for the CPU backend.
#pragma once
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

namespace bp::cpu {

/// A non-owning reference to a callable, for calls that finish before it goes away. Unlike
/// std::function it never allocates (a lambda capturing a few references outgrows
/// std::function's inline buffer, and each GEMM call would pay a malloc and a free).
template <class Sig>
class FunctionRef;
template <class R, class... A>
class FunctionRef<R(A...)> {
 public:
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> && std::is_invocable_r_v<R, F&, A...>)
  FunctionRef(F&& f)  // NOLINT: implicit, like std::function
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, A... a) -> R { return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<A>(a)...); }) {}
  R operator()(A... a) const { return call_(obj_, std::forward<A>(a)...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

/// Runs fn(begin, end) over [0, n) split into up to num_threads() contiguous ranges, and waits.
/// Runs inline when one thread is configured, when n is small, or when called from a worker.
void parallel_for(int64_t n, int64_t min_per_thread, FunctionRef<void(int64_t, int64_t)> fn);

}  // namespace bp::cpu
