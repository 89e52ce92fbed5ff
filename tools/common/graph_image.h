// Drawing an explain graph (scalar, neuron or tensor level) to a PNG without a display.
#pragma once
#include <string>

#include "backprop/explain.h"

namespace bp::tools {

/// Draws the graph with its layout: boxes, edges, labels, values and gradients; throws
/// ValueError when the picture would be larger than 16384 pixels on a side.
void write_graph_png(const std::string& path, const explain::Graph& g, const explain::Layout& l);

}  // namespace bp::tools
