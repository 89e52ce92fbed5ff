// Fuzz target: the points CSV. Whatever parses writes back and parses again to the same bits;
// whatever is refused is refused with an IoError (no other exception, no crash).
#include <cstring>

#include "backprop/data.h"
#include "backprop/errors.h"
#include "fuzz_check.h"

BP_FUZZ_TARGET(csv) {
  using namespace bp;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (Problem p : {Problem::Binary, Problem::MultiClass, Problem::Regression}) {
    Dataset d;
    try {
      d = parse_points_csv(text, "fuzz.csv", p);
    } catch (const IoError&) {
      continue;  // refused, with a message: fine
    }
    BP_FUZZ_CHECK(!d.points.empty(), "an accepted file has points");
    const Dataset back = parse_points_csv(points_csv_text(d), "back.csv", p);
    BP_FUZZ_CHECK(back.points.size() == d.points.size(), "round trip keeps the point count");
    for (size_t i = 0; i < d.points.size(); ++i)
      BP_FUZZ_CHECK(std::memcmp(&back.points[i], &d.points[i], sizeof(Point)) == 0, "round trip keeps every bit");
    BP_FUZZ_CHECK(back.num_classes == d.num_classes, "round trip keeps the class count");
  }
}
