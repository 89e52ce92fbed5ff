#include "model/batch_note.h"

#include <algorithm>

#include "backprop/errors.h"
#include "backprop/train.h"

namespace bp::studio {

std::string full_batch_note(int64_t batch_size, const std::vector<StudioPoint>& points) {
  const auto train = std::count_if(points.begin(), points.end(), [](const StudioPoint& p) { return !p.test; });
  if (batch_size <= 0 || train == 0 || !takes_full_batch(batch_size, train)) return "";
  return "= full batch: " + std::string(train == 1 ? "the one training point" : "all " + counted(train, "training point"));
}

}  // namespace bp::studio
