// The model file (JSON): format id and version, input features, problem type, the layers in
// order (linear layers with in, out, weight as out × in rows and bias; activations by name) and
// the training settings used; optionally the data it was trained on. Floats are written so that
// reading them back gives the same bits.
// Loading validates everything and throws IoError naming the file and the problem.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "backprop/train.h"

namespace bp {

constexpr const char* kModelFormat = "backprop-studio-model";
constexpr int kModelVersion = 1;
/// The largest model file load_model reads: a network of kMaxParameters parameters as
/// model_to_json writes it, with Adam's two buffers per parameter in its "resume" block (at most
/// ~34 bytes a number: indentation, 9 significant digits, exponent, comma), fits with room to
/// spare.
constexpr size_t kMaxModelFileBytes = static_cast<size_t>(kMaxParameters) * 3 * 40 + (1u << 20);

/// The data a model was trained on, as `backprop train --save` records it (the optional "data"
/// block): a generated dataset and how it was made, or a CSV file; and the train/test split.
/// `backprop eval` uses it when no data is named.
struct DataRecord {
  std::string dataset;  ///< a generated dataset's name; empty for a CSV file
  int64_t points = 0;   ///< generated: how many points
  float noise = 0;      ///< generated: its noise
  std::string csv;      ///< a CSV file's absolute path (when dataset is empty)
  uint64_t seed = 1;    ///< the points' and the split's seed
  float train_ratio = 1;
  bool operator==(const DataRecord&) const = default;
};

/// How long the weights were trained (the optional "trained" block): optimizer steps, and passes
/// over the training set. `backprop train --save` and the app's Export model record it, counting
/// the steps of the model a run started from; Open model and `backprop eval` show it.
struct TrainedFor {
  int64_t steps = 0;
  double epochs = 0;
  bool operator==(const TrainedFor&) const = default;
};

struct ModelFile {
  TrainConfig config;  ///< network shape, features, problem and training settings
  std::shared_ptr<MLP> model;
  std::optional<DataRecord> data;  ///< the data it was trained on, when recorded
  bool training = false;           ///< the file holds the training settings ("training")
  std::optional<TrainedFor> trained;  ///< how long it was trained, when recorded
  /// Where the run that trained the weights stopped (the optional "resume" block): the
  /// optimizer's state and the place in the minibatch order, so that `backprop train --init` and
  /// the app go on exactly. The schedule's step is not in the file (0 here): the CLI's schedule
  /// spans each run, and the app's counts its step.
  std::optional<RunState> resume;
};

/// The model as JSON text; with `data`, a "data" block records what it was trained on, with
/// `trained` a "trained" block for how long, and with `resume` a "resume" block for where the run
/// stopped (its buffers must fit the model's parameters).
std::string model_to_json(const MLP& model, const TrainConfig& config, const std::optional<DataRecord>& data = std::nullopt,
                          const std::optional<TrainedFor>& trained = std::nullopt, const std::optional<RunState>& resume = std::nullopt);
/// Parses and validates; `source` names the file in error messages.
ModelFile model_from_json(const std::string& text, const std::string& source);
/// The same from a parsed document (a model embedded in a session file).
ModelFile model_from_document(const nlohmann::json& doc, const std::string& source);

/// The "training" block of a model file (loss, optimizer and its settings, schedule, batch
/// size, initializer, seed) as a JSON object.
std::string training_to_json(const TrainConfig& config);
/// Applies a "training" block (JSON object text) on top of `base`; absent keys keep their value.
TrainConfig training_from_json(const nlohmann::json& block, const std::string& source, TrainConfig base);

/// Writes atomically.
void save_model(const std::string& path, const MLP& model, const TrainConfig& config, const std::optional<DataRecord>& data = std::nullopt,
                const std::optional<TrainedFor>& trained = std::nullopt, const std::optional<RunState>& resume = std::nullopt);
ModelFile load_model(const std::string& path);

}  // namespace bp
