// The README's engine example: build an MLP, train it on a 2D dataset, print the loss.
#include <cstdio>

#include "backprop/backprop.h"

int main() {
  bp::Dataset data = bp::make_dataset("xor", 200, /*noise=*/0.0f, /*seed=*/1);
  bp::Tensor x = data.inputs();                         // [200, 2]
  bp::Tensor y = data.targets().reshape({200, 1});      // labels 0/1

  bp::MlpSpec spec;
  spec.hidden = {8, 8};                                 // 2-8-8-1
  spec.activations = {bp::Activation::Tanh};
  bp::MLP model(spec);
  bp::Adam opt(model.parameters(), bp::AdamOptions{0.03f});

  for (int step = 1; step <= 500; ++step) {
    opt.zero_grad();
    bp::Tensor loss = bp::binary_cross_entropy_with_logits(model(x), y);
    loss.backward();                                    // gradients of every parameter
    opt.step();
    if (step % 100 == 0) std::printf("step %d  loss %.4f\n", step, loss.item());
  }
  for (auto& [name, p] : model.named_parameters())      // "layers.0.weight", ...
    std::printf("%-16s %s\n", name.c_str(), p.shape().str().c_str());
}
