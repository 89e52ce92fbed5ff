// The autodiff graph of one training step as Graphviz DOT: one node per tensor (op, name,
// shape, value summary, gradient summary), edges from inputs to the ops that read them.
#pragma once
#include <string>

#include "backprop/explain.h"
#include "backprop/train.h"

namespace bp::tools {

/// Summary of a tensor for a label: its values when there are at most 4, else mean/min/max.
std::string summarize(const Tensor& t);

/// DOT text of the graph rooted at `root` (after backward(), gradients are shown too).
std::string graph_to_dot(const Tensor& root, const std::string& title);

/// Runs forward, loss and backward over the trainer's training set (no update) and returns the
/// graph as DOT.
std::string training_step_dot(Trainer& trainer);

/// Draws an explain graph with its layout to a PNG (boxes, edges, labels, values, gradients).
void write_graph_png(const std::string& path, const explain::Graph& g, const explain::Layout& l);

}  // namespace bp::tools
