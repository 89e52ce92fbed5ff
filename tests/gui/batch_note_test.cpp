// The Network panel's note beside a batch size that takes every training point.
#include <gtest/gtest.h>

#include "model/batch_note.h"

namespace bp::studio {
namespace {

std::vector<StudioPoint> points(int train, int test) {
  std::vector<StudioPoint> pts;
  for (int i = 0; i < train + test; ++i) {
    StudioPoint p;
    p.x = static_cast<float>(i);
    p.test = i >= train;
    pts.push_back(p);
  }
  return pts;
}

TEST(FullBatchNote, SaysWhenTheBatchTakesEveryTrainingPoint) {
  EXPECT_EQ(full_batch_note(50, points(20, 30)), "= full batch: all 20 training points") << "test points are not trained on";
  EXPECT_EQ(full_batch_note(20, points(20, 0)), "= full batch: all 20 training points") << "as large as the set";
  EXPECT_EQ(full_batch_note(19, points(20, 0)), "") << "a true minibatch";
  EXPECT_EQ(full_batch_note(10, points(1, 0)), "= full batch: the one training point");
  EXPECT_EQ(full_batch_note(10, points(0, 5)), "") << "nothing to train on: the canvas says so";
  EXPECT_EQ(full_batch_note(0, points(20, 0)), "") << "the full batch box is ticked: it says so itself";
}

}  // namespace
}  // namespace bp::studio
