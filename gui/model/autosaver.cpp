#include "model/autosaver.h"

#include <memory>

#include "backprop/data.h"
#include "model/session_file.h"

namespace bp::studio {

Autosaver::Autosaver(const AppModel& model, std::string path, std::chrono::milliseconds interval, Clock::time_point start)
    : m_(model), path_(std::move(path)), interval_(interval), next_(start + interval) {}

std::string Autosaver::collect() {
  std::string error;
  if (std::optional<std::pair<std::string, bool>> done = task_.poll(&error)) {
    last_written_ = std::move(done->first);
    saves_ += done->second ? 1 : 0;
    failing_ = false;
    return "";
  }
  if (error.empty() || failing_) return "";  // still running, idle, or said already
  failing_ = true;
  return "The session could not be autosaved (" + error + "); it is tried again every " +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(interval_).count()) +
         " s. Keep your work with File > Save session.";
}

std::string Autosaver::tick(Clock::time_point now) {
  std::string problem = collect();
  if (interval_.count() <= 0 || path_.empty() || task_.running() || now < next_) return problem;
  next_ = now + interval_;
  task_.start([session = std::make_shared<const SessionFile>(m_.session()), last = last_written_, path = path_](const std::atomic<bool>&) {
    std::string text = session_to_json(*session);
    const bool changed = text != last;
    if (changed) write_file_atomic(path, text);
    return std::pair<std::string, bool>(std::move(text), changed);
  });
  return problem;
}

std::string Autosaver::finish() {
  task_.wait();
  return collect();
}

}  // namespace bp::studio
