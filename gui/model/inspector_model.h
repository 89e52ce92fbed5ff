// The graph inspector's model: the traced example, the level of detail, a frozen copy of the
// network's weights, the graph, the step-through state and its layout. No ImGui or GL; the view
// (views/inspector_panel.cpp) draws it and tests drive it.
#pragma once
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "backprop/explain.h"
#include "model/app_model.h"

namespace bp::studio {

class InspectorModel {
 public:
  /// Traces a point: builds the graph at the current level from the snapshot's weights.
  void trace(const StudioPoint& p, const Snapshot& snap, const TrainConfig& config);
  /// Rebuilds with the latest weights (keeps the traced point and level; restarts stepping).
  void refresh(const Snapshot& snap, const TrainConfig& config);
  /// The live network is no longer the one traced: other weights (training went on, a weight
  /// was edited) or another shape, features or loss. The view says so and offers a refresh.
  bool stale(const Snapshot& snap, const TrainConfig& config) const;
  /// The training step of the weights traced.
  int64_t traced_step() const { return traced_step_; }
  /// Applies update(lr) to the live network after pausing training, only if the network is still
  /// the one traced; then traces the new weights. Returns "" or why nothing was applied.
  std::string apply_update(AppModel& model, double lr);
  void set_level(explain::Level level);
  explain::Level level() const { return level_; }
  bool ready() const { return graph_ != nullptr; }
  /// Why the last trace built no graph (empty when it did).
  const std::string& error() const { return error_; }
  const StudioPoint& point() const { return point_; }

  explain::Stepper& stepper() { return *stepper_; }
  const explain::Graph& graph() const { return *graph_; }
  const explain::Layout& layout() const { return layout_; }
  /// Milliseconds the last layout took.
  double layout_ms() const { return layout_ms_; }
  /// Changes whenever the graph is rebuilt or its collapsed boxes change (views cache on it).
  uint64_t revision() const { return revision_; }

  /// Node shown in the side panel: the selection, else the stepper's current node.
  int focus() const;
  void select(int node) { selected_ = node; }
  int selected() const { return selected_; }
  /// First node whose label contains `text` (case-sensitive), after `after`.
  int find(const std::string& text, int after = -1) const;
  /// What the graph's tooltip says of a node, only as far as the stepper has gone (as its box and
  /// the side panel do): its label and op; its value (a formula with numbers) once the forward
  /// pass reached it, "value ?" before; d loss / d it once the backward pass reached it, as
  /// accumulated so far (the tensor level: its shape, value and gradient summaries).
  std::vector<std::string> node_tip(int node) const;

  /// For a parameter node at the scalar level: the central-difference gradient and its
  /// relative error against the stepper's (or the engine's) gradient.
  struct Check {
    double autodiff, numeric, relative_error;
  };
  std::optional<Check> derivative_check(int node);

  /// After the backward pass: each parameter's update −lr·grad, as (layer, neuron, index,
  /// new value) for AppModel::set_weight (index −1 = bias), largest change first.
  struct Update {
    int layer, neuron, index;
    double before, after;
    std::string name;  ///< the parameter's name in the graph ("w1[2][1]", "b2[1]")
  };
  /// A neuron of the neuron level in full: z = Σ wᵢ·xᵢ + b with every weight, input and
  /// bias, the activation a = f(z), and the gradients the backward pass gives them
  /// (d loss/d z = d loss/d a · f'(z); d loss/d wᵢ = d loss/d z · xᵢ; d loss/d b = d loss/d z).
  struct NeuronDetail {
    std::string activation;                    ///< "tanh", ...; "linear" (none) for an output
    std::vector<std::string> input_names;      ///< "x1", "n1.2"
    std::vector<std::string> weight_names;     ///< "w2[1][2]": as in the scalar level
    std::vector<double> inputs, weights, weight_grads;
    std::string bias_name;                     ///< "b2[1]"
    double bias = 0, bias_grad = 0;
    double z = 0, a = 0, fprime = 0;           ///< the sum, the activation, f'(z)
    double grad_a = 0, grad_z = 0;             ///< d loss/d a and d loss/d z
  };
  /// For a neuron node of the neuron level (op "neuron"); nullopt for any other node.
  std::optional<NeuronDetail> neuron_detail(int node) const;
  std::vector<Update> update(double lr) const;

  /// For neuron `neuron` of hidden/output layer `layer`: d loss / d (its output) if the traced
  /// label were at each of res × res positions over `region` (row 0 at the bottom), from one
  /// batched backward pass of the frozen network.
  std::vector<float> gradient_map(int layer, int neuron, const Region& region, int res) const;

  // Collapsing: a neuron (its weights, products, sum and activation) or a whole layer is drawn as
  // one box at the place of its last member, and expanded again.
  void collapse_neuron(int layer, int neuron) { collapsed_.insert({layer, neuron}), ++revision_; }
  void collapse_layer(int layer) { collapsed_.insert({layer, -1}), ++revision_; }
  void expand(int layer, int neuron);
  void expand_all() { collapsed_.clear(), ++revision_; }
  /// The neuron's box, or its whole layer's, is collapsed.
  bool is_collapsed(int layer, int neuron) const;
  bool is_layer_collapsed(int layer) const { return collapsed_.count({layer, -1}) > 0; }
  bool any_collapsed() const { return !collapsed_.empty(); }
  /// For each node, the node whose box shows it (itself unless it is in a collapsed group).
  std::vector<int> representatives() const;

  // Playing the steps at a chosen speed.
  bool playing = false;
  float steps_per_second = 4.0f;
  /// The play clock: while playing, takes the steps that `seconds` more of play are worth at
  /// steps_per_second (fractions carry over), and stops at the end of the backward pass.
  /// Returns the steps taken.
  int advance(double seconds);

  /// gradient_map, computed again only when the trace changes (its revision), or another
  /// neuron, region or resolution is asked for.
  const std::vector<float>& cached_gradient_map(int layer, int neuron, const Region& region, int res);

 private:
  void rebuild();
  void build_graph();
  StudioPoint point_;
  std::string error_;
  TrainConfig config_;
  std::vector<LayerWeights> weights_;
  int64_t traced_step_ = 0;
  explain::Level level_ = explain::Level::Scalar;
  std::shared_ptr<MLP> model_;
  std::unique_ptr<explain::Graph> graph_;
  std::unique_ptr<explain::Stepper> stepper_;
  explain::Layout layout_;
  double layout_ms_ = 0;
  int selected_ = -1;
  uint64_t revision_ = 0;
  std::set<std::pair<int, int>> collapsed_;  // (layer, neuron); neuron −1 = the whole layer
  double step_credit_ = 0.0;                   // the play clock's fraction of a step
  struct GradMapKey {
    uint64_t revision;
    int layer, neuron, res;
    Region region;
    bool operator==(const GradMapKey& o) const {
      return revision == o.revision && layer == o.layer && neuron == o.neuron && res == o.res && region.x_min == o.region.x_min &&
             region.x_max == o.region.x_max && region.y_min == o.region.y_min && region.y_max == o.region.y_max;
    }
  };
  std::optional<GradMapKey> grad_map_key_;
  std::vector<float> grad_map_;
};

}  // namespace bp::studio
