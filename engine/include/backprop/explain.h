// Explaining backpropagation node by node: the graph of one computation at three levels of
// detail, a step-through model that evaluates it forward and then runs the chain rule backward
// one node at a time (keeping every state so a step back restores it exactly), a layered
// left-to-right layout, and DOT/SVG export. The graph inspector in the app is built on this.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "backprop/scalar.h"
#include "backprop/train.h"

namespace bp::explain {

/// A number as the inspector shows it: 4 significant digits ("0.5", "-0.0001352", "1.2e+04").
std::string format_number(double v);
/// The same as an operand after an operator or under a power: "(-0.9963)" for negatives, so that
/// formulas read "1 − (-0.9963)²" and never "1 − -0.9963²".
std::string format_operand(double v);
/// Items as a sentence lists them: "a", "a and b", "a, b and c" ("" for none).
std::string and_list(const std::vector<std::string>& items);

enum class Level { Scalar, Neuron, Tensor };
const char* level_name(Level l);
Level parse_level(const std::string& s);

struct GNode {
  enum Kind { Input, Param, Target, Op, Loss };
  Kind kind = Op;
  std::string label;          ///< "x1", "w1[2][1]", "z1.2", "loss", or the op for tensors
  std::string op;             ///< "*", "sum", "tanh", "neuron", "linear", ...; empty for leaves
  std::vector<int> inputs;    ///< the nodes this one reads (edges)
  std::vector<double> local;  ///< scalar and neuron levels: ∂value/∂input_i
  double value = 0.0;         ///< scalar and neuron levels
  double grad = 0.0;          ///< the engine's own gradient (reference for checks)
  int layer = -1, neuron = -1, index = -1;  ///< where a parameter or neuron sits
  std::shared_ptr<scalar::Node> scalar;     ///< scalar and neuron levels: for the formulas
  // Tensor level:
  std::string shape, value_text, grad_text, backward_rule;
  std::vector<int64_t> dims;  ///< the shape as numbers
  /// This node's gradient reaches its inputs summed over the dimensions they were broadcast
  /// along (a bias added to every row, a mean's scalar): add, sub, mul, div, and Linear's bias.
  bool broadcasts = false;
  std::vector<float> heat;    ///< a small picture of the value (up to 16×16)
  int heat_rows = 0, heat_cols = 0;
};

/// A node of the neuron level (one neuron: f(Σ w·x + b)).
inline bool is_neuron(const GNode& n) { return n.scalar && n.scalar->op_kind == scalar::OpKind::Neuron; }

struct Graph {
  Level level = Level::Scalar;
  std::vector<GNode> nodes;   ///< topological order; the root (the loss) last
  int root = -1;
  std::string title;
};

/// The graph of any scalar computation ending at `root` (after root.backward(), with grads).
Graph graph_of(const scalar::Value& root, const std::string& title);
/// Every multiply, add, bias and activation of one example (x1, x2) with its label.
/// The largest networks each level draws: beyond these a graph is too big to build, lay out
/// and read interactively (scalar_graph and neuron_graph throw ValueError saying so).
constexpr int64_t kMaxScalarLevelParameters = 5000;
constexpr int64_t kMaxNeuronLevelParameters = 100'000;
Graph scalar_graph(const MLP& model, const TrainConfig& config, double x1, double x2, double label);
/// One node per neuron (Σ w·x + b, then the activation) for the same example.
Graph neuron_graph(const MLP& model, const TrainConfig& config, double x1, double x2, double label);
/// The engine's real graph of one training step on the trainer's training set (forward, loss,
/// backward; no update).
Graph tensor_graph(Trainer& trainer);

/// How a broadcast input's gradient comes from its output's: "summed over rows" for [200, 16]
/// → [16], "summed over rows and columns" for [200, 16] → [] (empty when nothing is summed).
std::string broadcast_summary(const std::vector<int64_t>& out, const std::vector<int64_t>& in);

/// Steps through forward evaluation, then the backward pass, one node at a time.
class Stepper {
 public:
  enum Phase { Forward, Backward, Done };
  explicit Stepper(const Graph& graph);

  Phase phase() const { return state_.phase; }
  /// One node forward or backward; false when there is nothing left.
  bool step();
  /// Undoes the last step exactly; false at the start.
  bool step_back();
  void restart();
  void run_to_end();
  /// Steps until `node` is the one just handled (forward, else backward).
  void jump_to(int node);
  /// The node the last step handled (−1 before the first).
  int current() const { return state_.current; }
  bool computed(int node) const { return state_.computed[static_cast<size_t>(node)] != 0; }
  /// Gradient accumulated into `node` so far in the backward pass.
  double grad(int node) const { return state_.grad[static_cast<size_t>(node)]; }
  bool has_grad(int node) const { return state_.has_grad[static_cast<size_t>(node)] != 0; }
  size_t steps_taken() const { return history_.size(); }

  /// What one backward step added into one input: upstream × local = product; before → after.
  struct Contribution {
    int input;
    double upstream, local, product, before, after;
    bool accumulated;  ///< the input already had gradient from another path
    std::string formula;
  };
  struct Explanation {
    int node = -1;
    Phase phase = Forward;
    std::vector<std::string> lines;  ///< ready to show, formulas with numbers
    std::vector<Contribution> contributions;
  };
  /// What the last step did.
  Explanation explain() const;
  const Graph& graph() const { return g_; }

 private:
  struct State {
    Phase phase = Forward;
    size_t pos = 0;
    int current = -1;
    std::vector<char> computed, has_grad;
    std::vector<double> grad;
  };
  const Graph& g_;
  std::vector<int> forward_order_, backward_order_;
  State state_;
  std::vector<State> history_;
};

struct Layout {
  std::vector<float> x, y;  ///< node centres in layout units (columns 1 apart, rows 1 apart)
  int columns = 0, rows = 0;
};
/// Layered left-to-right layout: a column per longest-path depth (a leaf sits just left of its
/// first reader), rows ordered by barycentre sweeps to reduce crossings.
Layout layered_layout(const Graph& g);
/// Number of edge crossings between adjacent columns (for tests and tuning).
int crossings(const Graph& g, const Layout& l);

/// Graphviz DOT of the graph (values, and gradients where known).
std::string to_dot(const Graph& g);
/// A standalone SVG drawing of the graph with the layout.
std::string to_svg(const Graph& g, const Layout& l);

/// Central-difference derivative of the one-example loss with respect to one parameter
/// (layer, neuron, index; index −1 = bias), in double precision.
double numeric_gradient(MLP& model, const TrainConfig& config, double x1, double x2, double label, int layer,
                        int neuron, int index, double eps = 1e-6);

}  // namespace bp::explain
