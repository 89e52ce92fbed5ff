#include "model/batch_note.h"

#include "backprop/errors.h"
#include "backprop/train.h"

namespace bp::studio {

std::string full_batch_note(int64_t batch_size, int64_t train) {
  if (batch_size <= 0 || train == 0 || !takes_full_batch(batch_size, train)) return "";
  return "= full batch: " + std::string(train == 1 ? "the one training point" : "all " + counted(train, "training point"));
}

}  // namespace bp::studio
