// Internal: a persistent pool of worker threads for the CPU backend.
#pragma once
#include <cstdint>
#include <functional>

namespace bp::cpu {

/// Runs fn(begin, end) over [0, n) split into up to num_threads() contiguous ranges, and waits.
/// Runs inline when one thread is configured, when n is small, or when called from a worker.
void parallel_for(int64_t n, int64_t min_per_thread, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace bp::cpu
