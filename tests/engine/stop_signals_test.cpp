// The stop signals: recorded, not fatal, the first time (and a repeat within a second); fatal
// a second time later; left alone where the program was started with them ignored. Each case runs
// in a death-test child, so this process's own signal handling is untouched; "threadsafe" children
// start afresh rather than fork a process whose other tests left threads running.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <ctime>

#include "backprop/stop_signals.h"

namespace bp {
namespace {

class StopSignals : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// As a program started from a terminal: the stop signals at their default actions. A child
// inherits ignored ones (a shell's background job ignores SIGINT, nohup SIGHUP), which the
// handlers rightly leave ignored.
void start_with_default_actions() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);
}

TEST_F(StopSignals, TheFirstIsRecordedAndASecondASecondLaterEndsTheProgram) {
  EXPECT_EXIT(
      {
        start_with_default_actions();
        catch_stop_signals();
        if (stop_signal() != 0) std::_Exit(10);
        std::raise(SIGTERM);
        if (stop_signal() != SIGTERM) std::_Exit(11);  // alive, and the signal is known
        timespec wait{};
        wait.tv_sec = 1;
        wait.tv_nsec = 200000000;
        nanosleep(&wait, nullptr);
        std::raise(SIGINT);  // another request, 1.2 s later: the default action
        std::_Exit(12);
      },
      ::testing::KilledBySignal(SIGINT), "");
}

TEST_F(StopSignals, ARepeatWithinASecondIsTheSameRequest) {
  // `timeout` sends SIGTERM to the program and then to its process group: two at once. The
  // second used to end `timeout 60 backprop train` before it wrote what it had trained.
  EXPECT_EXIT(
      {
        start_with_default_actions();
        catch_stop_signals();
        std::raise(SIGTERM);
        std::raise(SIGTERM);
        std::raise(SIGHUP);
        std::_Exit(stop_signal() == SIGTERM ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(StopSignals, InterruptAndHangupAreRecordedToo) {
  for (int sig : {SIGINT, SIGHUP})
    EXPECT_EXIT(
        {
          start_with_default_actions();
          catch_stop_signals();
          std::raise(sig);
          std::_Exit(stop_signal() == sig ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "")
        << sig;
}

TEST_F(StopSignals, ASignalStartedIgnoredStaysIgnored) {
  EXPECT_EXIT(
      {
        start_with_default_actions();
        std::signal(SIGHUP, SIG_IGN);  // as nohup starts a program
        catch_stop_signals();
        std::raise(SIGHUP);
        std::_Exit(stop_signal() == 0 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace bp
