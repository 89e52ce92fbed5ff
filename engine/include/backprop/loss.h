// Loss functions; each returns the mean over the batch as a one-element tensor.
#pragma once
#include <string>

#include "backprop/tensor.h"

namespace bp {

/// Binary cross-entropy from logits z, stable for any z: mean(max(z,0) − z·y + log(1+e^−|z|)).
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets);
/// Binary cross-entropy from probabilities p (clamped to [eps, 1−eps]).
Tensor binary_cross_entropy(const Tensor& probs, const Tensor& targets, float eps = 1e-7f);
/// Softmax cross-entropy: logits [N, k], labels [N] holding class indices 0..k−1.
Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& labels);
Tensor mse_loss(const Tensor& prediction, const Tensor& target);
/// Hinge loss for labels in {0, 1} (mapped to ±1): mean(max(0, 1 − s·y±)).
Tensor hinge_loss(const Tensor& scores, const Tensor& labels);

enum class LossKind { BCE, SoftmaxCE, MSE, Hinge };
const char* loss_name(LossKind k);
LossKind parse_loss(const std::string& name);

}  // namespace bp
