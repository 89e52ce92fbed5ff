// Each point's own loss: the term it adds to the mean the optimizer minimises (the lecture's
// "misclassified points far from the line cost most"). The canvas sizes points by it, and "trace
// the worst point" opens the inspector on the training point that costs most.
#pragma once
#include <vector>

#include "backprop/train.h"
#include "model/app_model.h"

namespace bp::studio {

/// The loss of each of `points` (training and held-out alike) under the network `weights`, in
/// the config's loss (BCE from the logit, hinge, MSE, softmax cross-entropy), computed on the
/// config's device. Empty when the weights do not fit the config.
std::vector<float> point_losses(const TrainConfig& config, const std::vector<LayerWeights>& weights, const std::vector<StudioPoint>& points);

/// The index of the training point (not held out) with the largest finite loss; -1 if none.
int worst_point(const std::vector<float>& losses, const std::vector<StudioPoint>& points);

}  // namespace bp::studio
