#include "model/point_losses.h"

#include <algorithm>
#include <cmath>

#include "backprop/autograd.h"
#include "backprop/features.h"

namespace bp::studio {

std::vector<float> point_losses(const TrainConfig& config, const std::vector<LayerWeights>& weights, const std::vector<StudioPoint>& points) {
  const std::shared_ptr<MLP> model = network_with_weights(config, weights);
  if (!model || points.empty()) return {};
  std::vector<float> xy;
  xy.reserve(points.size() * 2);
  for (const StudioPoint& p : points) xy.push_back(p.x), xy.push_back(p.y);
  NoGradGuard g;
  const int64_t n = static_cast<int64_t>(points.size());
  const Tensor out = model->forward(FeatureSet(config.features).apply(Tensor::from_vector(xy, {n, 2}, config.device)));
  const std::vector<float> o = out.contiguous().to_vector();
  const int64_t k = out.shape()[1];
  std::vector<float> losses(points.size());
  for (int64_t i = 0; i < n; ++i) {
    const double y = points[static_cast<size_t>(i)].label, z = o[static_cast<size_t>(i * k)];
    double l = 0;
    switch (config.loss) {
      case LossKind::BCE: l = std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - z * y; break;
      case LossKind::Hinge: l = std::max(0.0, 1 - z * (2 * y - 1)); break;
      case LossKind::MSE: {
        const double pred = config.problem == Problem::Regression ? z : 1 / (1 + std::exp(-z));
        l = (pred - y) * (pred - y);
        break;
      }
      case LossKind::SoftmaxCE: {  // log-sum-exp minus the true class's logit
        double top = -INFINITY;
        for (int64_t c = 0; c < k; ++c) top = std::max(top, static_cast<double>(o[static_cast<size_t>(i * k + c)]));
        double sum = 0;
        for (int64_t c = 0; c < k; ++c) sum += std::exp(o[static_cast<size_t>(i * k + c)] - top);
        const int64_t cls = std::clamp<int64_t>(static_cast<int64_t>(y), 0, k - 1);
        l = top + std::log(sum) - o[static_cast<size_t>(i * k + cls)];
        break;
      }
    }
    losses[static_cast<size_t>(i)] = static_cast<float>(l);
  }
  return losses;
}

int worst_point(const std::vector<float>& losses, const std::vector<StudioPoint>& points) {
  int best = -1;
  for (size_t i = 0; i < losses.size() && i < points.size(); ++i)
    if (!points[i].test && std::isfinite(losses[i]) && (best < 0 || losses[i] > losses[static_cast<size_t>(best)])) best = static_cast<int>(i);
  return best;
}

}  // namespace bp::studio
