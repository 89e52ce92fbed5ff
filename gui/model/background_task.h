// A computation for a view that runs off the UI thread (the loss landscape, the optimizer race):
// started with a function that checks a cancel flag, polled each frame, cancelled and waited for
// when replaced or destroyed, so that no frame ever waits for it and no thread outlives the view.
#pragma once
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

namespace bp::studio {

template <class T>
class BackgroundTask {
 public:
  BackgroundTask() = default;
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  ~BackgroundTask() { cancel(); }

  /// Cancels the running computation (if any) and starts `work`, which should return soon after
  /// the flag it is given turns true.
  void start(std::function<T(const std::atomic<bool>&)> work) {
    cancel();
    cancelled_ = std::make_shared<std::atomic<bool>>(false);
    future_ = std::async(std::launch::async, [work = std::move(work), flag = cancelled_] { return work(*flag); });
  }
  bool running() const { return future_.valid(); }
  /// The result once it is ready (then the task is idle again); nullopt while it runs. A
  /// computation that threw gives its message through `error`.
  std::optional<T> poll(std::string* error = nullptr) {
    if (!future_.valid() || future_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
    try {
      return future_.get();
    } catch (const std::exception& e) {
      if (error) *error = e.what();
      return std::nullopt;
    }
  }
  /// Waits for the computation to finish (its result is then ready for poll).
  void wait() const {
    if (future_.valid()) future_.wait();
  }
  /// Asks the computation to stop and waits for it.
  void cancel() {
    if (!future_.valid()) return;
    cancelled_->store(true);
    future_.wait();
    future_ = {};
  }

 private:
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::future<T> future_;
};

}  // namespace bp::studio
