// The Network panel's note beside a batch size that takes every training point.
#include <gtest/gtest.h>

#include "model/batch_note.h"

namespace bp::studio {
namespace {

TEST(FullBatchNote, SaysWhenTheBatchTakesEveryTrainingPoint) {
  EXPECT_EQ(full_batch_note(50, 20), "= full batch: all 20 training points");
  EXPECT_EQ(full_batch_note(20, 20), "= full batch: all 20 training points") << "as large as the set";
  EXPECT_EQ(full_batch_note(19, 20), "") << "a true minibatch";
  EXPECT_EQ(full_batch_note(10, 1), "= full batch: the one training point");
  EXPECT_EQ(full_batch_note(10, 0), "") << "nothing to train on: the canvas says so";
  EXPECT_EQ(full_batch_note(0, 20), "") << "the full batch box is ticked: it says so itself";
}

}  // namespace
}  // namespace bp::studio
