// Modules and parameters, as in PyTorch: a Module owns named parameters and named child modules;
// named_parameters() gives dotted names ("layers.0.weight"). Linear stores its weight as
// [out, in]. MLP builds Linear/activation stacks from a spec.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backprop/init.h"
#include "backprop/random.h"
#include "backprop/tensor.h"

namespace bp {

class Module {
 public:
  virtual ~Module() = default;
  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  /// "Linear", "Tanh", ...
  virtual std::string type_name() const = 0;
  /// One line such as "Linear(in=2, out=16)".
  virtual std::string describe() const { return type_name(); }

  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<Tensor> parameters() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }
  int64_t num_parameters() const;

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  void zero_grad();
  /// Moves every parameter (and its gradient) to `device` in place, so that every handle to it,
  /// a layer's weight() included, sees the new device; returns this module. Build optimizers
  /// after moving (their state lives where the parameters were).
  Module& to(Device device);
  /// Where the parameters live (the CPU for a module without any).
  Device device() const;
  /// Names each parameter tensor after its dotted path (shown by the graph inspector).
  void name_parameters(const std::string& prefix = "");

 protected:
  /// Makes `t` a parameter (requires_grad) owned by this module under `name`.
  Tensor register_parameter(const std::string& name, Tensor t);
  void register_module(const std::string& name, std::shared_ptr<Module> child);

 private:
  void collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const;
  std::vector<std::pair<std::string, Tensor>> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// ---- activations ------------------------------------------------------------------------------

enum class Activation {
  Identity, ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softplus, Sin, Cos, GELU, SiLU, Gaussian,
};

/// "relu", "tanh", ... (lower case, as used in files and on the command line).
const char* activation_name(Activation a);
/// Parses activation_name's output; throws ValueError listing the valid names.
Activation parse_activation(const std::string& name);
const std::vector<Activation>& all_activations();
Tensor apply_activation(Activation a, const Tensor& x);

class ActivationModule : public Module {
 public:
  explicit ActivationModule(Activation kind) : kind_(kind) {}
  Tensor forward(const Tensor& x) override { return apply_activation(kind_, x); }
  std::string type_name() const override;
  Activation kind() const { return kind_; }

 private:
  Activation kind_;
};

struct Identity : ActivationModule { Identity() : ActivationModule(Activation::Identity) {} };
struct ReLU : ActivationModule { ReLU() : ActivationModule(Activation::ReLU) {} };
struct LeakyReLU : ActivationModule { LeakyReLU() : ActivationModule(Activation::LeakyReLU) {} };
struct ELU : ActivationModule { ELU() : ActivationModule(Activation::ELU) {} };
struct Sigmoid : ActivationModule { Sigmoid() : ActivationModule(Activation::Sigmoid) {} };
struct Tanh : ActivationModule { Tanh() : ActivationModule(Activation::Tanh) {} };
struct Softplus : ActivationModule { Softplus() : ActivationModule(Activation::Softplus) {} };
struct Sin : ActivationModule { Sin() : ActivationModule(Activation::Sin) {} };
struct Cos : ActivationModule { Cos() : ActivationModule(Activation::Cos) {} };
struct GELU : ActivationModule { GELU() : ActivationModule(Activation::GELU) {} };
struct SiLU : ActivationModule { SiLU() : ActivationModule(Activation::SiLU) {} };
struct Gaussian : ActivationModule { Gaussian() : ActivationModule(Activation::Gaussian) {} };

// ---- layers -----------------------------------------------------------------------------------

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, Rng& rng, Init init = Init::Default,
         bool bias = true);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Linear"; }
  std::string describe() const override;
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  int64_t in_features() const { return weight_.shape()[1]; }
  int64_t out_features() const { return weight_.shape()[0]; }

 private:
  Tensor weight_;
  Tensor bias_;
};

class Sequential : public Module {
 public:
  Sequential() = default;
  /// Appends a layer, named by its position ("0", "1", ...).
  Sequential& add(std::shared_ptr<Module> layer);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Sequential"; }
  size_t size() const { return layers_.size(); }
  const std::shared_ptr<Module>& operator[](size_t i) const { return layers_[i]; }

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};

/// A multilayer perceptron: inputs → hidden widths (each with its activation) → outputs.
struct MlpSpec {
  int64_t inputs = 2;
  std::vector<int64_t> hidden = {8, 8};
  /// One activation for every hidden layer, or one per hidden layer.
  std::vector<Activation> activations = {Activation::Tanh};
  int64_t outputs = 1;
  Activation output_activation = Activation::Identity;
  Init init = Init::Default;
  uint64_t seed = 0;
  Device device;  ///< where the parameters are made
};

class MLP : public Module {
 public:
  explicit MLP(const MlpSpec& spec);
  Tensor forward(const Tensor& x) override { return layers_->forward(x); }
  std::string type_name() const override { return "MLP"; }
  std::string describe() const override;
  const MlpSpec& spec() const { return spec_; }
  /// The Linear layers in order.
  std::vector<std::shared_ptr<Linear>> linears() const;
  /// Activation after each Linear layer (Identity where none).
  std::vector<Activation> layer_activations() const;
  Sequential& layers() { return *layers_; }

 private:
  MlpSpec spec_;
  std::shared_ptr<Sequential> layers_;
};

/// One Linear layer's weights (or their gradients) copied to the host, as the app's snapshots
/// carry them.
struct LayerWeights {
  int64_t in = 0, out = 0;
  std::vector<float> weight;  ///< out × in
  std::vector<float> bias;
  friend bool operator==(const LayerWeights&, const LayerWeights&) = default;
};

/// The weights and biases of each of `model`'s Linear layers, in order.
std::vector<LayerWeights> host_weights(const MLP& model);
/// A copy of `model`: the same network with the weights and biases it has now, on its device,
/// sharing nothing (training one leaves the other as it was).
std::shared_ptr<MLP> copy_of(const MLP& model);

}  // namespace bp
