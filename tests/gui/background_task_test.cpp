// BackgroundTask: the views' off-UI-thread computations come back through poll, a replaced or
// destroyed task is cancelled and waited for, and an exception comes back as a message.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "model/background_task.h"

namespace bp::studio {
namespace {

template <class T>
std::optional<T> wait_for(BackgroundTask<T>& t, std::string* error = nullptr) {
  for (int i = 0; i < 5000; ++i) {
    if (auto r = t.poll(error)) return r;
    if (!t.running()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::nullopt;
}

TEST(BackgroundTask, AResultComesBackThroughPoll) {
  BackgroundTask<int> t;
  EXPECT_FALSE(t.running());
  EXPECT_FALSE(t.poll());
  t.start([](const std::atomic<bool>&) { return 42; });
  EXPECT_EQ(wait_for(t), 42);
  EXPECT_FALSE(t.running()) << "idle once its result is taken";
}

TEST(BackgroundTask, StartingAgainCancelsTheRunningOne) {
  BackgroundTask<int> t;
  std::atomic<bool> saw_cancel{false};
  t.start([&](const std::atomic<bool>& cancel) {
    while (!cancel) std::this_thread::sleep_for(std::chrono::microseconds(100));
    saw_cancel = true;
    return -1;
  });
  t.start([](const std::atomic<bool>&) { return 7; });
  EXPECT_TRUE(saw_cancel);
  EXPECT_EQ(wait_for(t), 7) << "the first result is never delivered";
}

TEST(BackgroundTask, DestroyingARunningTaskStopsIt) {
  std::atomic<bool> stopped{false};
  {
    BackgroundTask<int> t;
    t.start([&](const std::atomic<bool>& cancel) {
      while (!cancel) std::this_thread::sleep_for(std::chrono::microseconds(100));
      stopped = true;
      return 0;
    });
  }
  EXPECT_TRUE(stopped);
}

TEST(BackgroundTask, AnExceptionComesBackAsItsMessage) {
  BackgroundTask<int> t;
  t.start([](const std::atomic<bool>&) -> int { throw std::runtime_error("no training points"); });
  std::string error;
  EXPECT_FALSE(wait_for(t, &error));
  EXPECT_EQ(error, "no training points");
}

}  // namespace
}  // namespace bp::studio
