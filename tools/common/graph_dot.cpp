#include "graph_dot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "backprop/autograd.h"
#include "backprop/ops.h"

namespace bp::tools {
namespace {
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}
std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}
}  // namespace

std::string summarize(const Tensor& t) {
  if (!t.defined()) return "-";
  const std::vector<float> v = t.to_vector();
  if (v.empty()) return "(empty)";
  if (v.size() <= 4) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + num(v[i]);
    return s + "]";
  }
  double sum = 0, lo = v[0], hi = v[0];
  for (float x : v) {
    sum += x;
    lo = std::min(lo, static_cast<double>(x));
    hi = std::max(hi, static_cast<double>(x));
  }
  return "mean " + num(sum / static_cast<double>(v.size())) + ", min " + num(lo) + ", max " + num(hi);
}

std::string graph_to_dot(const Tensor& root, const std::string& title) {
  const std::vector<Tensor> nodes = topological_order(root);
  std::map<uint64_t, size_t> id;
  for (size_t i = 0; i < nodes.size(); ++i) id[nodes[i].seq()] = i;
  std::string dot = "digraph backprop {\n  rankdir=LR;\n  labelloc=t;\n  label=\"" + escape(title) +
                    "\";\n  node [fontname=\"DejaVu Sans\", fontsize=10, shape=box, style=\"rounded,filled\"];\n"
                    "  edge [color=\"#555555\"];\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Tensor& t = nodes[i];
    const bool leaf = t.is_leaf();
    std::string label = leaf ? (t.name().empty() ? std::string("input") : t.name()) : std::string(t.op_name());
    label += "\\n" + t.shape().str() + "\\nvalue " + summarize(t);
    if (t.grad().defined()) label += "\\ngrad " + summarize(t.grad());
    const char* fill = !leaf ? "#dbe9f6" : (t.requires_grad() ? "#fde2b8" : "#eeeeee");
    dot += "  n" + std::to_string(i) + " [label=\"" + escape(label) + "\", fillcolor=\"" + fill + "\"" +
           (t.is_same(root) ? ", penwidth=2" : "") + "];\n";
  }
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const Tensor& in : nodes[i].inputs())
      if (in.defined()) dot += "  n" + std::to_string(id.at(in.seq())) + " -> n" + std::to_string(i) + ";\n";
  return dot + "}\n";
}

std::string training_step_dot(Trainer& trainer) {
  Tensor x = trainer.features().apply(trainer.train_data().inputs());
  x.set_name("x (inputs)");
  Tensor y = trainer.train_data().targets();
  y.set_name("y (targets)");
  trainer.model().zero_grad();
  Tensor loss = trainer.loss_of(trainer.model().forward(x), y);
  loss.backward();
  const std::string title = trainer.model().describe() + ": one training step on " +
                            std::to_string(trainer.train_data().size()) + " points, loss " + num(loss.item());
  std::string dot = graph_to_dot(loss, title);
  trainer.model().zero_grad();
  return dot;
}

}  // namespace bp::tools
