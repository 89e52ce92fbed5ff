// Fuzz target: the model file. An accepted model (with its data, training length and resume
// blocks) writes back to text that loads to the same model and writes the same text again; a
// refused one throws IoError.
#include "backprop/errors.h"
#include "backprop/model_io.h"
#include "fuzz_check.h"

BP_FUZZ_TARGET(model) {
  using namespace bp;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ModelFile mf;
  try {
    mf = model_from_json(text, "fuzz.json");
  } catch (const IoError&) {
    return;
  }
  const std::string once = model_to_json(*mf.model, mf.config, mf.data, mf.trained, mf.resume);
  const ModelFile back = model_from_json(once, "once.json");
  BP_FUZZ_CHECK(back.config == mf.config, "round trip keeps the settings");
  BP_FUZZ_CHECK(back.data == mf.data && back.trained == mf.trained, "round trip keeps the data and how long it was trained");
  BP_FUZZ_CHECK(back.resume == mf.resume, "round trip keeps where the run stopped");
  BP_FUZZ_CHECK(model_to_json(*back.model, back.config, back.data, back.trained, back.resume) == once, "round trip keeps every weight");
}
