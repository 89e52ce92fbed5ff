// The model file (JSON): format id and version, input features, problem type, the layers in
// order (linear layers with in, out, weight as out × in rows and bias; activations by name) and
// the training settings used. Floats are written so that reading them back gives the same bits.
// Loading validates everything and throws IoError naming the file and the problem.
#pragma once
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "backprop/train.h"

namespace bp {

constexpr const char* kModelFormat = "backprop-studio-model";
constexpr int kModelVersion = 1;
/// The largest model file load_model reads: a network of kMaxParameters parameters as
/// model_to_json writes it (at most ~34 bytes a number: indentation, 9 significant digits,
/// exponent, comma) fits with room to spare.
constexpr size_t kMaxModelFileBytes = static_cast<size_t>(kMaxParameters) * 40 + (1u << 20);

struct ModelFile {
  TrainConfig config;  ///< network shape, features, problem and training settings
  std::shared_ptr<MLP> model;
};

/// The model as JSON text.
std::string model_to_json(const MLP& model, const TrainConfig& config);
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
void save_model(const std::string& path, const MLP& model, const TrainConfig& config);
ModelFile load_model(const std::string& path);

}  // namespace bp
