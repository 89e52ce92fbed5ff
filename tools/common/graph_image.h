// Drawing an explain graph (scalar, neuron or tensor level) to a PNG without a display, and
// writing a graph in the format its file name asks for (the CLI's `graph -o` and the app's
// Export graph).
#pragma once
#include <optional>
#include <string>

#include "backprop/explain.h"

namespace bp::tools {

/// Draws the graph with its layout: boxes, edges, labels, values and gradients; throws
/// ValueError when the picture would be larger than 16384 pixels on a side.
void write_graph_png(const std::string& path, const explain::Graph& g, const explain::Layout& l);

enum class GraphFormat { Dot, Svg, Png };
/// The format a file name's extension names (.dot or .gv, .svg, .png, in any case), if any.
std::optional<GraphFormat> graph_format_for(const std::string& path);
/// Writes the graph as DOT, SVG or PNG (atomically); the pictures use `layout`, or lay the
/// graph out when it is null.
void write_graph(const std::string& path, const explain::Graph& g, GraphFormat format, const explain::Layout* layout = nullptr);

}  // namespace bp::tools
