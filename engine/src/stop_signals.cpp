#include "backprop/stop_signals.h"

#include <csignal>
#include <initializer_list>

namespace bp {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_stop_signal(int sig) { received = sig; }

}  // namespace

void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  // The default action again after the first: a second signal ends the program at once. Calls the
  // signal interrupts in other threads (a read, a wait) carry on.
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    struct sigaction before {};
    // A signal ignored by whoever started the app stays ignored (nohup; SIGINT in a background job).
    if (sigaction(sig, nullptr, &before) == 0 && before.sa_handler == SIG_IGN) continue;
    sigaction(sig, &sa, nullptr);
  }
}

int stop_signal() { return received; }

}  // namespace bp
