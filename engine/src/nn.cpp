#include "backprop/nn.h"

#include "backprop/autograd.h"
#include "backprop/errors.h"
#include "backprop/ops.h"
#include "enum_names.h"
#include "tensor_impl.h"

namespace bp {

// ---- Module -----------------------------------------------------------------------------------

Tensor Module::register_parameter(const std::string& name, Tensor t) {
  t.set_requires_grad(true);
  t.set_name(name);
  params_.emplace_back(name, t);
  return t;
}

void Module::register_module(const std::string& name, std::shared_ptr<Module> child) {
  children_.emplace_back(name, std::move(child));
}

void Module::collect(const std::string& prefix,
                     std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, t] : params_) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (const Tensor& t : parameters()) t.zero_grad();
}

Module& Module::to(Device device) {
  for (const Tensor& t : parameters()) move_storage(t, device);
  return *this;
}

Device Module::device() const {
  const auto params = named_parameters();
  return params.empty() ? Device::cpu() : params.front().second.device();
}

void Module::name_parameters(const std::string& prefix) {
  for (auto& [name, t] : named_parameters()) t.set_name(prefix + name);
}

// ---- activations ------------------------------------------------------------------------------

namespace {
// As files and flags spell them, and as module type names (describe()).
constexpr EnumName<Activation> kActs[] = {
    {Activation::Identity, "linear"}, {Activation::ReLU, "relu"},         {Activation::LeakyReLU, "leaky_relu"},
    {Activation::ELU, "elu"},         {Activation::Sigmoid, "sigmoid"},   {Activation::Tanh, "tanh"},
    {Activation::Softplus, "softplus"}, {Activation::Sin, "sin"},         {Activation::Cos, "cos"},
    {Activation::GELU, "gelu"},       {Activation::SiLU, "silu"},         {Activation::Gaussian, "gaussian"},
};
constexpr EnumName<Activation> kActTypes[] = {
    {Activation::Identity, "Identity"}, {Activation::ReLU, "ReLU"},       {Activation::LeakyReLU, "LeakyReLU"},
    {Activation::ELU, "ELU"},           {Activation::Sigmoid, "Sigmoid"}, {Activation::Tanh, "Tanh"},
    {Activation::Softplus, "Softplus"}, {Activation::Sin, "Sin"},         {Activation::Cos, "Cos"},
    {Activation::GELU, "GELU"},         {Activation::SiLU, "SiLU"},       {Activation::Gaussian, "Gaussian"},
};
}  // namespace

const char* activation_name(Activation a) { return enum_name(kActs, a); }

Activation parse_activation(const std::string& name) {
  return parse_enum(kActs, name, "activation", {{Activation::Identity, "identity"}, {Activation::Identity, "none"}, {Activation::SiLU, "swish"}});
}

const std::vector<Activation>& all_activations() {
  static const std::vector<Activation> all = [] {
    std::vector<Activation> v;
    for (const auto& n : kActs) v.push_back(n.value);
    return v;
  }();
  return all;
}

Tensor apply_activation(Activation a, const Tensor& x) {
  switch (a) {
    case Activation::Identity: return x;
    case Activation::ReLU: return relu(x);
    case Activation::LeakyReLU: return leaky_relu(x);
    case Activation::ELU: return elu(x);
    case Activation::Sigmoid: return sigmoid(x);
    case Activation::Tanh: return tanh(x);
    case Activation::Softplus: return softplus(x);
    case Activation::Sin: return sin(x);
    case Activation::Cos: return cos(x);
    case Activation::GELU: return gelu(x);
    case Activation::SiLU: return silu(x);
    case Activation::Gaussian: return gaussian(x);
  }
  return x;
}

std::string ActivationModule::type_name() const {
  return enum_name(kActTypes, kind_);
}

// ---- Linear -----------------------------------------------------------------------------------

Linear::Linear(int64_t in_features, int64_t out_features, Rng& rng, Init init, bool bias) {
  if (in_features < 1 || out_features < 1 || in_features > 1'000'000 || out_features > 1'000'000)
    throw ValueError("Linear: layer sizes must be in 1..1000000, got in=" +
                     std::to_string(in_features) + ", out=" + std::to_string(out_features));
  weight_ = register_parameter("weight", Tensor::empty({out_features, in_features}));
  init_tensor(weight_, init, rng);
  if (bias) {
    bias_ = register_parameter("bias", Tensor::empty({out_features}));
    // Biases start at zero except under PyTorch's default, which draws them like the weights.
    if (init == Init::Default)
      init_tensor(bias_, Init::Default, rng, in_features);
    else
      zeros_(bias_);
  }
}

Tensor Linear::forward(const Tensor& x) { return linear(x, weight_, bias_); }

std::string Linear::describe() const {
  return "Linear(in=" + std::to_string(in_features()) + ", out=" + std::to_string(out_features()) +
         (bias_.defined() ? ")" : ", bias=false)");
}

// ---- Sequential -------------------------------------------------------------------------------

Sequential& Sequential::add(std::shared_ptr<Module> layer) {
  register_module(std::to_string(layers_.size()), layer);
  layers_.push_back(std::move(layer));
  return *this;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  const bool inference = !is_grad_enabled();
  for (size_t i = 0; i < layers_.size(); ++i) {
    // Inference fast path: a Linear followed by a ReLU runs as one pass. (The grad check comes
    // first: a training step skips the casts.)
    auto* lin = inference ? dynamic_cast<Linear*>(layers_[i].get()) : nullptr;
    auto* act = lin && i + 1 < layers_.size() ? dynamic_cast<ActivationModule*>(layers_[i + 1].get()) : nullptr;
    if (lin && act && act->kind() == Activation::ReLU) {
      h = linear_relu_inference(h, lin->weight(), lin->bias());
      ++i;
      continue;
    }
    h = layers_[i]->forward(h);
  }
  return h;
}

// ---- MLP --------------------------------------------------------------------------------------

MLP::MLP(const MlpSpec& spec) : spec_(spec), layers_(std::make_shared<Sequential>()) {
  if (spec.inputs < 1 || spec.outputs < 1)
    throw ValueError("MLP: needs at least one input and one output");
  if (spec.hidden.size() > 64) throw ValueError("MLP: at most 64 hidden layers");
  if (!spec.hidden.empty() && spec.activations.size() != 1 &&
      spec.activations.size() != spec.hidden.size())
    throw ValueError("MLP: give one activation for all hidden layers or one per layer (" +
                     std::to_string(spec.hidden.size()) + " hidden layers, " +
                     std::to_string(spec.activations.size()) + " activations)");
  Rng rng(spec.seed);
  int64_t width = spec.inputs;
  for (size_t i = 0; i < spec.hidden.size(); ++i) {
    layers_->add(std::make_shared<Linear>(width, spec.hidden[i], rng, spec.init));
    const Activation a = spec.activations.size() == 1 ? spec.activations[0] : spec.activations[i];
    layers_->add(std::make_shared<ActivationModule>(a));
    width = spec.hidden[i];
  }
  layers_->add(std::make_shared<Linear>(width, spec.outputs, rng, spec.init));
  if (spec.output_activation != Activation::Identity)
    layers_->add(std::make_shared<ActivationModule>(spec.output_activation));
  register_module("layers", layers_);
  name_parameters();
  to(spec.device);  // made on the host from the seed (the same weights on every device), then moved
}

std::vector<std::shared_ptr<Linear>> MLP::linears() const {
  std::vector<std::shared_ptr<Linear>> out;
  for (size_t i = 0; i < layers_->size(); ++i)
    if (auto l = std::dynamic_pointer_cast<Linear>((*layers_)[i])) out.push_back(l);
  return out;
}

std::vector<LayerWeights> host_weights(const MLP& model) {
  std::vector<LayerWeights> out;
  for (const auto& l : model.linears())
    out.push_back({l->in_features(), l->out_features(), l->weight().to_vector(), l->bias().to_vector()});
  return out;
}

std::shared_ptr<MLP> copy_of(const MLP& model) {
  auto copy = std::make_shared<MLP>(model.spec());
  const auto from = model.linears(), to = copy->linears();
  for (size_t i = 0; i < from.size(); ++i) {
    to[i]->weight().assign(from[i]->weight());
    to[i]->bias().assign(from[i]->bias());
  }
  return copy;
}

std::vector<Activation> MLP::layer_activations() const {
  std::vector<Activation> out;
  for (size_t i = 0; i < layers_->size(); ++i) {
    if (std::dynamic_pointer_cast<Linear>((*layers_)[i])) {
      out.push_back(Activation::Identity);
    } else if (auto a = std::dynamic_pointer_cast<ActivationModule>((*layers_)[i]); a && !out.empty()) {
      out.back() = a->kind();
    }
  }
  return out;
}

std::string MLP::describe() const {
  std::string s = "MLP(";
  s += std::to_string(spec_.inputs);
  for (int64_t h : spec_.hidden) {
    s += '-';
    s += std::to_string(h);
  }
  s += '-';
  s += std::to_string(spec_.outputs);
  s += ')';
  return s;
}

}  // namespace bp
