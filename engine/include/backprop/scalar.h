// A didactic scalar autodiff (MiniTorch's Scalar, micrograd's Value): every value is a node
// with its data, its gradient, the op that made it and its parents, and the local derivative
// with respect to each parent, kept so that a student can see the chain rule at one node. It
// works in double precision and is built from the weights of a real network for one example.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backprop/nn.h"
#include "backprop/train.h"

namespace bp::scalar {

/// What an op node computes. Formulas and the inspector switch on this; `Node::op` is only the
/// name shown.
enum class OpKind : uint8_t { Leaf, Add, Sub, Mul, Sum, Activation, Pow, Bce, SoftmaxCE, Mse, Hinge, Neuron };

struct Node {
  enum Kind { Input, Param, Target, Op };
  Kind kind = Op;
  uint64_t id = 0;           ///< creation order
  OpKind op_kind = OpKind::Leaf;
  Activation activation = Activation::Identity;  ///< which, for OpKind::Activation
  std::string op;            ///< the name shown: "+", "*", "tanh", "bce", ...; empty for leaves
  std::string label;         ///< "x1", "layers.0.weight[2][1]", "z1.3", "loss"
  double data = 0.0;
  double grad = 0.0;
  double param = 0.0;        ///< op constant (a pow exponent, a target label)
  std::vector<std::shared_ptr<Node>> parents;
  std::vector<double> local;  ///< ∂data/∂parent_i, from the forward pass
  int layer = -1, neuron = -1, index = -1;  ///< where a parameter or neuron sits (-1: none)
};

/// A handle to a node, with micrograd-like arithmetic.
class Value {
 public:
  Value() = default;
  explicit Value(double data, std::string label = "", Node::Kind kind = Node::Input);
  explicit Value(std::shared_ptr<Node> n) : n_(std::move(n)) {}
  double data() const { return n_->data; }
  double grad() const { return n_->grad; }
  const std::shared_ptr<Node>& node() const { return n_; }
  Value& label(std::string l) {
    n_->label = std::move(l);
    return *this;
  }
  /// Reverse-mode pass from this value: grad of this = 1, accumulated into every ancestor.
  void backward() const;

 private:
  std::shared_ptr<Node> n_;
};

Value operator+(const Value& a, const Value& b);
Value operator*(const Value& a, const Value& b);
Value operator-(const Value& a, const Value& b);
/// n-ary sum (one node, local derivative 1 for each part).
Value sum(const std::vector<Value>& parts, const std::string& label = "");
Value activate(Activation a, const Value& x);
Value pow(const Value& x, double p);
/// Binary cross-entropy of a logit z against a 0/1 target: softplus(z) − y·z.
Value bce_with_logits(const Value& z, double y);
/// Softmax cross-entropy of logits against class `y`.
Value softmax_cross_entropy(const std::vector<Value>& z, int y);
Value mse(const Value& prediction, double target);
Value hinge(const Value& score, double y01);

/// Every node `root` depends on, in creation order (a topological order), root last.
std::vector<std::shared_ptr<Node>> topological_order(const Value& root);

/// "d tanh(u)/du = 1 − tanh²(u) = 1 − 0.640² = 0.590": the local derivative of `n` with
/// respect to parent `i`, as a formula with the numbers filled in.
std::string local_formula(const Node& n, size_t i);
/// "tanh(0.758) = 0.640": what the node computes, with its inputs.
std::string forward_formula(const Node& n);

/// The scalar graph of one example through `model`: every multiply, add (a sum node per
/// neuron), bias and activation, then the loss of `config` against `label`.
struct ScalarGraph {
  Value loss;
  std::vector<Value> outputs;                  ///< logits (or values for regression)
  std::vector<Value> inputs;                   ///< the features of the point
  std::vector<std::shared_ptr<Node>> params;   ///< weight and bias nodes (layer, neuron, index; index −1 = bias)
  std::vector<std::shared_ptr<Node>> nodes;    ///< all nodes in creation order
};
/// `shift` is added, in double precision, to the parameter at (shift_layer, shift_neuron,
/// shift_index; index −1 = bias): central differences use it.
ScalarGraph build_scalar_graph(const MLP& model, const TrainConfig& config, double x1, double x2, double label,
                               int shift_layer = -1, int shift_neuron = -1, int shift_index = -2, double shift = 0.0);

}  // namespace bp::scalar
