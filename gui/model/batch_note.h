// What the Network panel says beside its batch size when that size takes every training point:
// a batch of 50 over 20 placed points is the full batch (the trainer takes them all, in order,
// each step), which the slider alone does not tell.
#pragma once
#include <cstdint>
#include <string>

namespace bp::studio {

/// "= full batch: all 20 training points" when a minibatch of `batch_size` (> 0) takes every one
/// of the `train_points` training points (those not held out for testing); "" otherwise, and with
/// no training point.
std::string full_batch_note(int64_t batch_size, int64_t train_points);

}  // namespace bp::studio
