#include "parallel.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "backprop/errors.h"
#include "backprop/threads.h"

namespace bp {
namespace cpu {
namespace {

thread_local bool t_in_worker = false;

class Pool {
 public:
  ~Pool() { resize(0); }

  void resize(int workers) {
    {
      std::unique_lock lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    stop_ = false;
    for (int i = 0; i < workers; ++i)
      threads_.emplace_back([this, i] {
        t_in_worker = true;
        work(i);
      });
  }

  int workers() const { return static_cast<int>(threads_.size()); }

  // Runs job(part) for part in [0, parts): part 0 on the caller, the rest on workers.
  void run(int parts, FunctionRef<void(int)> job) {
    std::unique_lock call_lock(call_mu_);  // one parallel region at a time
    {
      std::unique_lock lock(mu_);
      job_ = &job;
      parts_ = parts;
      pending_ = parts - 1;
      ++generation_;
      cv_.notify_all();
    }
    // The caller runs part 0 inside the region: nested parallel_for calls must run inline.
    const bool was_inside = t_in_worker;
    t_in_worker = true;
    job(0);
    t_in_worker = was_inside;
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  void work(int index) {
    uint64_t seen = 0;
    for (;;) {
      const FunctionRef<void(int)>* job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (index + 1 >= parts_) continue;
        job = job_;
      }
      (*job)(index + 1);
      std::unique_lock lock(mu_);
      if (--pending_ == 0) done_cv_.notify_all();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_, call_mu_;
  std::condition_variable cv_, done_cv_;
  const FunctionRef<void(int)>* job_ = nullptr;
  int parts_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

int g_threads = 1;
std::mutex g_config_mu;

}  // namespace

void parallel_for(int64_t n, int64_t min_per_thread, FunctionRef<void(int64_t, int64_t)> fn) {
  const int threads = g_threads;
  const int64_t parts = std::min<int64_t>(threads, std::max<int64_t>(1, n / std::max<int64_t>(1, min_per_thread)));
  if (parts <= 1 || t_in_worker) {
    fn(0, n);
    return;
  }
  const int64_t chunk = (n + parts - 1) / parts;
  pool().run(static_cast<int>(parts), [&](int part) {
    const int64_t begin = part * chunk, end = std::min(n, begin + chunk);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace cpu

void set_num_threads(int n) {
  if (n < 1 || n > 256) throw ValueError("thread count must be in 1..256, got " + std::to_string(n));
  std::lock_guard lock(cpu::g_config_mu);
  if (n == cpu::g_threads) return;
  cpu::pool().resize(n - 1);
  cpu::g_threads = n;
}

int num_threads() { return cpu::g_threads; }

}  // namespace bp
