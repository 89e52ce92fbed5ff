#include "backprop/stop_signals.h"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <initializer_list>

namespace bp {
namespace {

volatile std::sig_atomic_t received = 0;
// When the first signal came (CLOCK_MONOTONIC, in milliseconds, plus 1 so that 0 means none).
std::atomic<int64_t> first_ms{0};
static_assert(std::atomic<int64_t>::is_always_lock_free, "the handler's clock must be lock-free (async-signal-safe)");

// A repeat this soon after the first signal is the same request sent twice: `timeout` signals the
// program and then its whole process group, and `kill -TERM -PGID` or a closing terminal can do
// the same. Taken as a second request, it ended `timeout 60 backprop train` before it saved.
constexpr int64_t kSameRequestMs = 1000;

// Only async-signal-safe calls: clock_gettime, sigaction, raise.
extern "C" void on_stop_signal(int sig) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const int64_t ms = static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000 + 1;
  int64_t first = 0;
  if (first_ms.compare_exchange_strong(first, ms)) {
    received = sig;
    return;
  }
  if (ms - first < kSameRequestMs) return;
  // A second request: the default action, at once (the signal is blocked until this returns).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  raise(sig);
}

}  // namespace

void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  // One handler at a time in a thread; calls the signal interrupts in other threads (a read, a
  // wait) carry on.
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&sa.sa_mask, sig);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    struct sigaction before {};
    // A signal ignored by whoever started the app stays ignored (nohup; SIGINT in a background job).
    if (sigaction(sig, nullptr, &before) == 0 && before.sa_handler == SIG_IGN) continue;
    sigaction(sig, &sa, nullptr);
  }
}

int stop_signal() { return received; }

}  // namespace bp
