// The autosave while the app runs: the session is written to the autosave file every so often
// while it changes, so that a crash, a power cut or a SIGKILL (which no handler sees) loses at
// most that much work. The session is copied on the UI thread (under the model's lock); turning
// it into JSON and writing it (atomically) happen off it, so that no frame waits.
#pragma once
#include <chrono>
#include <string>
#include <utility>

#include "model/app_model.h"
#include "model/background_task.h"

namespace bp::studio {

class Autosaver {
 public:
  using Clock = std::chrono::steady_clock;
  /// Saves `model`'s session to `path` every `interval` from `start` (0: never).
  Autosaver(const AppModel& model, std::string path, std::chrono::milliseconds interval, Clock::time_point start);
  /// Once a frame. When a save is due, starts one (a session unchanged since the last one written
  /// is not written again). Returns a sentence for the user when a save failed, once for a run of
  /// failures; "" otherwise.
  std::string tick(Clock::time_point now);
  /// Waits for a save under way: call before the save on exit, which must be the last word.
  std::string finish();
  /// Files written so far.
  int saves() const { return saves_; }

 private:
  /// Takes the result of a finished save, if any; returns its failure sentence ("" if none).
  std::string collect();

  const AppModel& m_;
  std::string path_;
  std::chrono::milliseconds interval_;
  Clock::time_point next_;
  /// The JSON of the session and whether it was written (false: the same as the last written).
  BackgroundTask<std::pair<std::string, bool>> task_;
  std::string last_written_;
  bool failing_ = false;
  int saves_ = 0;
};

}  // namespace bp::studio
