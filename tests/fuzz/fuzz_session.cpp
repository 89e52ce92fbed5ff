// Fuzz target: the app's session/preset file. An accepted session writes back to text that
// parses to the same session; loading it into the app model then trains a step. A refused one
// throws IoError and leaves the app model exactly as it was. The same bytes opened as a model
// file (File > Open model) likewise: shown and trained a step, or refused changing nothing.
#include <unistd.h>

#include <fstream>

#include "backprop/errors.h"
#include "fuzz_check.h"
#include "model/app_model.h"
#include "model/session_file.h"

namespace {

struct State {
  std::vector<bp::studio::StudioPoint> points;
  bp::studio::DataSettings data;
  bp::TrainConfig config;
  std::string title;
  double speed;
  bool operator==(const State&) const = default;
};

State state(const bp::studio::AppModel& m) { return {m.points(), m.data_settings(), m.config(), m.title(), m.speed()}; }

}  // namespace

BP_FUZZ_TARGET(session) {
  using namespace bp;
  using namespace bp::studio;
  static AppModel& model = *new AppModel(false);  // never destroyed: it must outlive nothing at exit
  static const std::string path = "/tmp/bp_fuzz_session_" + std::to_string(::getpid()) + ".json";
  const std::string text(reinterpret_cast<const char*>(data), size);
  bool parsed = true;
  SessionFile s;
  try {
    s = parse_session(text, "fuzz.json");
  } catch (const IoError&) {
    parsed = false;
  }
  if (parsed) {
    const std::string once = session_to_json(s);
    try {
      BP_FUZZ_CHECK(session_to_json(parse_session(once, "once.json")) == once, "write, parse, write is identical");
    } catch (const std::exception& e) {
      BP_FUZZ_CHECK(false, std::string("what was written does not load back: ") + e.what());
    }
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  const State before = state(model);
  try {
    model.load_session(path);
    BP_FUZZ_CHECK(parsed, "load_session accepts only what parse_session accepts");
    model.run_steps(1);
  } catch (const IoError&) {
    BP_FUZZ_CHECK(!parsed, "load_session refuses only what parse_session refuses");
    BP_FUZZ_CHECK(state(model) == before, "a refused session changes nothing");
  }
  const State before_model = state(model);
  try {
    model.open_model(path);
    model.run_steps(1);
  } catch (const IoError&) {
    BP_FUZZ_CHECK(state(model) == before_model, "a refused model changes nothing");
  }
}
