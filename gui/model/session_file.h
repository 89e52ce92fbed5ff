// The session file (JSON): what the app saves on exit and File → Save, and what presets are.
// Parsing validates everything first and returns a complete SessionFile, or throws IoError naming
// the file and the field; nothing is applied until it all checks out. Everything session_to_json
// writes parses back to the same session.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backprop/train.h"
#include "model/gradient_flow.h"
#include "model/settings.h"

namespace bp::studio {

constexpr const char* kSessionFormat = "backprop-studio-session";
constexpr int kSessionVersion = 1;
/// Larger files are refused before they are read: the largest session the app writes (the
/// limits in settings.h) is a few MB.
constexpr size_t kMaxSessionFileBytes = 64u << 20;

/// The teaching views a preset opens (a lesson): the app opens the views named in `open` and
/// closes the other ones, and sets up each with the settings below. Sessions the app saves carry
/// the views open when they were saved, with their settings. Views that are not empty but name
/// no open view (links by gradient alone) still close the others.
struct SessionViews {
  /// Of kSessionViewNames: "manual", "tangent", "gradient-flow", "hidden-space", "landscape",
  /// "diagram", "inspector".
  std::vector<std::string> open;
  bool link_gradients = false;  ///< "links": "gradients" colours the diagram's links by |∂L/∂w|
  /// The tangent view's parameter, counted from 1 (input 0: the neuron's bias), and ε.
  int tangent_layer = 1, tangent_neuron = 1, tangent_input = 1;
  float tangent_eps = 0.1f;
  /// The hidden-space view's hidden layer (from 1), and its two neurons (from 1; 0, 0: the first
  /// two principal components).
  int hidden_layer = 1, hidden_x = 0, hidden_y = 0;
  /// The landscape: random directions or two parameters (layer, neuron, input from 1; input 0:
  /// the bias), its span, and whether the optimizer race starts once the slice is ready.
  bool landscape_random = true;
  std::array<int, 3> landscape_x{1, 1, 1}, landscape_y{1, 1, 2};
  float landscape_span = 1.0f;
  bool race = false;
  bool empty() const { return open.empty() && !link_gradients; }
  friend bool operator==(const SessionViews&, const SessionViews&) = default;
};
inline const std::vector<std::string> kSessionViewNames = {"manual", "tangent", "gradient-flow", "hidden-space", "landscape", "diagram", "inspector"};

struct SessionFile {
  std::string title;
  DataSettings data;   ///< problem and num_classes resolved (from the catalog for generated sets)
  TrainConfig config;  ///< network and training settings; problem and classes match `data`
  bool has_points = false;         ///< false: a preset; the points are generated from `data`
  std::vector<StudioPoint> points;
  std::shared_ptr<MLP> model;      ///< saved weights (fit `config`), or null for fresh ones
  std::vector<HistoryPoint> history;  ///< only with weights; NaN losses are saved as null
  /// Only with weights: each Linear layer's gradient norm beside `history` (the gradient-flow
  /// chart); NaN is saved as null.
  std::vector<GradientNormPoint> gradient_history;
  int64_t step = 0;                ///< with weights: the training step and epoch they were saved at
  double epoch = 0;
  /// With weights: where the run stopped (the model's "resume" block), so that it goes on exactly.
  std::optional<RunState> run;
  double speed = kDefaultSpeed;    ///< steps per second while playing, 0 = full speed
  SessionViews views;              ///< the open views (written only when not empty)
};

/// Parses and validates session text; `source` names the file in messages.
SessionFile parse_session(const std::string& text, const std::string& source);
/// The session as JSON text. Weights that are not all finite (a diverged run) are left out,
/// with the history, so the file always loads back.
std::string session_to_json(const SessionFile& s);
/// Reads a session file (regular files only, at most kMaxSessionFileBytes) and parses it.
SessionFile read_session(const std::string& path);

/// Checks a network shape against what the app builds; throws ValueError.
void check_app_network(const TrainConfig& c);
/// Whether every weight and bias is finite: what session and model files hold.
bool all_finite(const MLP& m);
/// Whether every optimizer buffer value is finite (what files hold).
bool all_finite(const RunState& r);

}  // namespace bp::studio
