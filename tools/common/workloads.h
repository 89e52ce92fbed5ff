// The standard benchmark workloads W1–W4 of shared/workloads.md, shared by `backprop bench` and
// the stand-alone `backprop-bench`.
#pragma once
#include <string>
#include <vector>

#include "backprop/device.h"

namespace bp::tools {

struct WorkloadResult {
  std::string id;         ///< "W1"
  std::string what;       ///< one-line description
  bool ran = false;       ///< false when skipped
  double value = 0.0;     ///< steps/s, or ms for W3
  std::string unit;       ///< "steps/s" or "ms"
  double target = 0.0;    ///< the project's target figure
  bool higher_is_better = true;
  std::string note;       ///< why it was skipped, or extra detail
  double final_loss = 0.0;
};

/// Runs W1–W3 on `device`, and W4 on cuda:0 when a GPU is usable (else one skipped line saying
/// why): training steps/s in FP32 (and TF32 when `tf32`), then the TFLOP/s of W4's forward
/// matrix product through each matrix-multiply kernel. `min_seconds` is the least time measured
/// per repeat.
std::vector<WorkloadResult> run_workloads(const std::vector<std::string>& ids, double min_seconds,
                                          int repeats, Device device = {}, bool tf32 = false);

/// One line per workload, or a JSON array.
std::string format_results(const std::vector<WorkloadResult>& results, bool json);

}  // namespace bp::tools
