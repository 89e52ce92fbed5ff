#include "workloads.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "backprop/backprop.h"

namespace bp::tools {
namespace {

using Clock = std::chrono::steady_clock;

// Median over repeats of (work units per second) for `step`, after a warm-up.
double measure_rate(const std::function<void()>& step, double min_seconds, int repeats,
                    int warmup = 20) {
  for (int i = 0; i < warmup; ++i) step();
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    int64_t n = 0;
    const auto t0 = Clock::now();
    double elapsed = 0.0;
    do {
      step();
      ++n;
      elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    } while (elapsed < min_seconds);
    rates.push_back(static_cast<double>(n) / elapsed);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

struct Trainer {
  MLP model;
  Tensor x, y;
  SGD opt;
  float last_loss = 0.0f;
  Trainer(const MlpSpec& spec, const Dataset& data, float lr)
      : model(spec),
        x(data.inputs(spec.device)),
        y(data.targets(spec.device).reshape({data.size(), 1})),
        opt(model.parameters(), SgdOptions{lr}) {}
  void step() {
    opt.zero_grad();
    Tensor loss = binary_cross_entropy_with_logits(model(x), y);
    loss.backward();
    opt.step();
    last_loss = loss.item();
  }
};

MlpSpec spec_for(std::vector<int64_t> hidden, Activation act, Device device) {
  MlpSpec s;
  s.device = device;
  s.inputs = 2;
  s.hidden = std::move(hidden);
  s.activations = {act};
  s.outputs = 1;
  s.seed = 1;
  return s;
}

WorkloadResult train_workload(const std::string& id, const std::string& what, int64_t n,
                              std::vector<int64_t> hidden, Activation act, double target,
                              double min_seconds, int repeats, Device device) {
  Trainer t(spec_for(std::move(hidden), act, device), spiral_bench(n), 0.05f);
  WorkloadResult r{id, what, true, 0.0, "steps/s", target, true, "", 0.0};
  r.value = measure_rate([&] { t.step(); }, min_seconds, repeats);
  r.final_loss = t.last_loss;
  return r;
}

WorkloadResult grid_workload(double min_seconds, int repeats, Device device) {
  MLP model(spec_for({64, 64, 64}, Activation::ReLU, device));
  const int res = 512;
  std::vector<float> out;
  WorkloadResult r{"W3", "decision-boundary grid 512x512 through the W2 network (forward only)",
                   true, 0.0, "ms", 45.0, false, "", 0.0};
  const double per_second = measure_rate(
      [&] { out = evaluate_grid(model, FeatureSet::plain(), Region{-1, 1, -1, 1}, res, res); },
      min_seconds, repeats, 3);
  r.value = 1000.0 / per_second;
  double checksum = 0.0;
  for (float v : out) checksum += v;
  r.note = "grid checksum " + std::to_string(checksum);
  return r;
}


constexpr const char* kW4What = "GPU scale: spiral-bench(1000000), 2-256-256-256-1 relu, minibatch 65536, SGD";

// CUDA options for one measurement; the previous ones come back afterwards, also on an error.
class CudaOptionsScope {
 public:
  explicit CudaOptionsScope(const CudaOptions& o) { set_cuda_options(o); }
  ~CudaOptionsScope() { set_cuda_options(saved_); }
  CudaOptionsScope(const CudaOptionsScope&) = delete;
  CudaOptionsScope& operator=(const CudaOptionsScope&) = delete;

 private:
  CudaOptions saved_ = cuda_options();
};

// W4 through the engine's own Trainer (on-device minibatch gather, divergence check, the loss
// read back every step), as a user trains.
WorkloadResult w4_training(double min_seconds, int repeats, bool tf32) {
  TrainConfig c;
  c.hidden = {256, 256, 256};
  c.activations = {Activation::ReLU};
  c.batch_size = 65536;
  c.lr = 0.05f;
  c.device = Device::cuda(0);
  CudaOptions o = cuda_options();
  o.tf32 = tf32;
  const CudaOptionsScope scope(o);
  bp::Trainer t(c, spiral_bench(1000000), Dataset{});
  WorkloadResult r{tf32 ? "W4-tf32" : "W4", std::string(kW4What) + (tf32 ? ", TF32 matmuls" : ", FP32"), true, 0.0, "steps/s", 0.0, true,
                   device_description(Device::cuda(0)), 0.0};
  float loss = 0.0f;
  r.value = measure_rate([&] { loss = t.step(); }, min_seconds, repeats);
  r.final_loss = loss;
  return r;
}

// One [65536, 256] x [256, 256] product (W4's forward GEMM) through a matrix-multiply kernel.
WorkloadResult gemm_rate(CudaGemm kernel, bool tf32, double min_seconds, int repeats) {
  const int64_t m = 65536, k = 256, n = 256;
  const CudaOptionsScope scope({kernel, tf32});
  Rng rng(3);
  Tensor a = Tensor::uniform({m, k}, -1, 1, rng, Device::cuda(0)), b = Tensor::uniform({k, n}, -1, 1, rng, Device::cuda(0));
  NoGradGuard no_grad;
  Tensor c;
  // Each measured unit is 8 products and one value read back (the wait for the GPU).
  const double per_second = measure_rate(
      [&] {
        for (int i = 0; i < 8; ++i) c = matmul(a, b);
        (void)c.slice(0, 0, 1).slice(1, 0, 1).item();
      },
      min_seconds, repeats, 3);
  const std::string name = kernel == CudaGemm::Cublas ? std::string("cuBLAS") + (tf32 ? " TF32" : " FP32")
                           : kernel == CudaGemm::RegisterTiled ? "register-tiled kernel" : "shared-memory teaching kernel";
  return {"W4-gemm", "65536x256 by 256x256 matrix product, " + name, true, per_second * 8 * 2.0 * m * k * n / 1e12, "TFLOP/s", 0.0, true, "",
          0.0};
}

std::vector<WorkloadResult> gpu_workloads(double min_seconds, int repeats, bool tf32) {
  if (!cuda_available()) return {{"W4", kW4What, false, 0.0, "steps/s", 0.0, true, "skipped: " + cuda_unavailable_reason(), 0.0}};
  std::vector<WorkloadResult> r = {w4_training(min_seconds, repeats, false)};
  if (tf32) r.push_back(w4_training(min_seconds, repeats, true));
  r.push_back(gemm_rate(CudaGemm::Cublas, false, min_seconds, repeats));
  if (tf32) r.push_back(gemm_rate(CudaGemm::Cublas, true, min_seconds, repeats));
  r.push_back(gemm_rate(CudaGemm::RegisterTiled, false, min_seconds, repeats));
  r.push_back(gemm_rate(CudaGemm::SharedTiled, false, min_seconds, repeats));
  return r;
}

}  // namespace

std::vector<WorkloadResult> run_workloads(const std::vector<std::string>& ids, double min_seconds,
                                          int repeats, Device device, bool tf32) {
  std::vector<WorkloadResult> results;
  auto wanted = [&](const char* id) {
    return ids.empty() || std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  if (wanted("W1"))
    results.push_back(train_workload("W1", "lecture default: spiral-bench(200), 2-16-16-1 tanh, full-batch SGD",
                                     200, {16, 16}, Activation::Tanh, 100000, min_seconds, repeats, device));
  if (wanted("W2"))
    results.push_back(train_workload("W2", "larger model: spiral-bench(1000), 2-64-64-64-1 relu, full-batch SGD",
                                     1000, {64, 64, 64}, Activation::ReLU, 1500, min_seconds, repeats, device));
  if (wanted("W3")) results.push_back(grid_workload(min_seconds, repeats, device));
  if (wanted("W4")) {
    std::vector<WorkloadResult> w4 = gpu_workloads(min_seconds, repeats, tf32);
    results.insert(results.end(), w4.begin(), w4.end());
  }
  return results;
}

std::string format_results(const std::vector<WorkloadResult>& results, bool json) {
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : results) {
      nlohmann::json j{{"id", r.id}, {"what", r.what}, {"ran", r.ran}, {"unit", r.unit},
                       {"target", r.target}, {"higher_is_better", r.higher_is_better}};
      if (r.ran) j["value"] = r.value;
      if (!r.note.empty()) j["note"] = r.note;
      arr.push_back(j);
    }
    return arr.dump(2) + "\n";
  }
  std::string out;
  char buf[512];
  for (const auto& r : results) {
    if (!r.ran) {
      std::snprintf(buf, sizeof buf, "%s  %-10s  %s\n", r.id.c_str(), "-", r.note.c_str());
    } else if (r.target == 0.0) {  // no fixed target (W4: PyTorch on the same GPU, scripts/gpu-check.sh)
      std::snprintf(buf, sizeof buf, "%s  %10.2f %-7s  %s%s%s\n", r.id.c_str(), r.value, r.unit.c_str(), r.what.c_str(),
                    r.note.empty() ? "" : "  on ", r.note.c_str());
    } else {
      const bool met = r.higher_is_better ? r.value >= r.target : r.value <= r.target;
      std::snprintf(buf, sizeof buf, "%s  %10.1f %-7s (target %s %.0f: %s)  %s\n", r.id.c_str(),
                    r.value, r.unit.c_str(), r.higher_is_better ? ">=" : "<=", r.target,
                    met ? "met" : "not met", r.what.c_str());
    }
    out += buf;
  }
  return out;
}

}  // namespace bp::tools
