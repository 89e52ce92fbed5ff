// What the Network panel says beside its batch size when that size takes every training point:
// a batch of 50 over 20 placed points is the full batch (the trainer takes them all, in order,
// each step), which the slider alone does not tell.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/settings.h"

namespace bp::studio {

/// "= full batch: all 20 training points" when a minibatch of `batch_size` (> 0) takes every
/// training point (a point not held out for testing); "" otherwise, and with no training point.
std::string full_batch_note(int64_t batch_size, const std::vector<StudioPoint>& points);

}  // namespace bp::studio
