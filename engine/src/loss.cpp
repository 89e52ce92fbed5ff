#include "backprop/loss.h"

#include "backprop/errors.h"
#include "backprop/ops.h"
#include "enum_names.h"

namespace bp {
namespace {
void same_shape(const Tensor& a, const Tensor& b, const char* op) {
  if (!a.defined() || !b.defined()) throw ValueError(std::string(op) + ": input tensor is undefined");
  if (a.shape() != b.shape())
    throw ShapeError(std::string(op) + ": prediction " + a.shape().str() + " and target " +
                     b.shape().str() + " differ in shape");
}
}  // namespace

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets) {
  return bce_with_logits(logits, targets);
}

Tensor binary_cross_entropy(const Tensor& probs, const Tensor& targets, float eps) {
  same_shape(probs, targets, "binary_cross_entropy");
  const Tensor p = clamp(probs, eps, 1.0f - eps);
  return neg(mean(add(mul(targets, log(p)), mul(1.0f - targets, log(1.0f - p)))));
}

Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& labels) {
  if (!logits.defined() || !labels.defined())
    throw ValueError("softmax_cross_entropy: input tensor is undefined");
  if (logits.dim() != 2 || labels.dim() != 1 || labels.shape()[0] != logits.shape()[0])
    throw ShapeError("softmax_cross_entropy: logits " + logits.shape().str() + " and labels " +
                     labels.shape().str() + " do not fit (expected [N, k] and [N])");
  const Tensor target = one_hot(labels, static_cast<int>(logits.shape()[1]));
  return neg(mul(sum(mul(target, log_softmax(logits, 1))),
                 Tensor::scalar(1.0f / static_cast<float>(logits.shape()[0]), logits.device())));
}

Tensor mse_loss(const Tensor& prediction, const Tensor& target) {
  same_shape(prediction, target, "mse_loss");
  const Tensor d = sub(prediction, target);
  return mean(mul(d, d));
}

Tensor hinge_loss(const Tensor& scores, const Tensor& labels) {
  same_shape(scores, labels, "hinge_loss");
  const Tensor sign = labels * 2.0f - 1.0f;
  return mean(relu(1.0f - mul(scores, sign)));
}

namespace {
constexpr EnumName<LossKind> kLossNames[] = {
    {LossKind::BCE, "bce"}, {LossKind::SoftmaxCE, "cross_entropy"}, {LossKind::MSE, "mse"}, {LossKind::Hinge, "hinge"}};
}  // namespace

const char* loss_name(LossKind k) { return enum_name(kLossNames, k); }
LossKind parse_loss(const std::string& name) { return parse_enum(kLossNames, name, "loss"); }

}  // namespace bp
