#include "graph_image.h"

#include <algorithm>
#include <cstdio>

#include "backprop/data.h"
#include "backprop/errors.h"
#include "plot.h"

namespace bp::tools {
namespace {
std::string num(double v) { return explain::format_number(v); }
}  // namespace

void write_graph_png(const std::string& path, const explain::Graph& g, const explain::Layout& l) {
  const float cw = 190, rh = 62, bw = 160, bh = 46, pad = 30;
  const int width = static_cast<int>(pad * 2 + cw * static_cast<float>(std::max(1, l.columns)));
  const int height = static_cast<int>(pad * 2 + 30 + rh * static_cast<float>(std::max(1, l.rows)));
  if (width > 16384 || height > 16384) throw ValueError("the graph is too large for a PNG (" + std::to_string(width) + "x" + std::to_string(height) + " pixels); use .svg or .dot");
  Canvas cv(width, height);
  const Rgb ink{0.15f, 0.15f, 0.15f}, edge{0.55f, 0.55f, 0.55f};
  cv.text(static_cast<int>(pad), 8, g.title, 14, ink);
  auto cx = [&](size_t i) { return pad + cw * l.x[i] + bw / 2; };
  auto cy = [&](size_t i) { return pad + 30 + rh * l.y[i] + bh / 2; };
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int in : g.nodes[i].inputs) cv.line(cx(static_cast<size_t>(in)) + bw / 2, cy(static_cast<size_t>(in)), cx(i) - bw / 2, cy(i), edge, 1.0f);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const explain::GNode& n = g.nodes[i];
    const Rgb fill = n.kind == explain::GNode::Param ? Rgb{0.99f, 0.89f, 0.72f}
                     : n.kind == explain::GNode::Loss ? Rgb{0.96f, 0.78f, 0.76f}
                     : n.kind == explain::GNode::Op   ? Rgb{0.86f, 0.91f, 0.96f}
                                                      : Rgb{0.93f, 0.93f, 0.93f};
    const int x0 = static_cast<int>(cx(i) - bw / 2), y0 = static_cast<int>(cy(i) - bh / 2);
    cv.fill_rect(x0, y0, x0 + static_cast<int>(bw), y0 + static_cast<int>(bh), fill);
    cv.line(x0, y0, x0 + bw, y0, ink);
    cv.line(x0, y0 + bh, x0 + bw, y0 + bh, ink);
    cv.line(x0, y0, x0, y0 + bh, ink);
    cv.line(x0 + bw, y0, x0 + bw, y0 + bh, ink);
    std::string title = n.label;
    if (!n.op.empty() && n.op != n.label && n.op != "neuron") title += " (" + n.op + ")";
    const std::string l1 = g.level == explain::Level::Tensor ? n.shape : "value " + num(n.value);
    const std::string l2 = g.level == explain::Level::Tensor ? "grad " + n.grad_text : "grad " + num(n.grad);
    cv.text(x0 + 5, y0 + 3, title.substr(0, 26), 11, ink);
    cv.text(x0 + 5, y0 + 17, l1.substr(0, 28), 10, ink);
    cv.text(x0 + 5, y0 + 30, l2.substr(0, 28), 10, ink);
  }
  cv.save_png(path);
}

std::optional<GraphFormat> graph_format_for(const std::string& path) {
  auto ends_with = [&](const char* e) { return ends_in_extension(path, e); };  // in any case: G.PNG is a PNG
  if (ends_with(".svg")) return GraphFormat::Svg;
  if (ends_with(".png")) return GraphFormat::Png;
  if (ends_with(".dot") || ends_with(".gv")) return GraphFormat::Dot;
  return std::nullopt;
}

void write_graph(const std::string& path, const explain::Graph& g, GraphFormat format, const explain::Layout* layout) {
  if (format == GraphFormat::Dot) return write_file_atomic(path, explain::to_dot(g));
  const explain::Layout own = layout ? explain::Layout{} : explain::layered_layout(g);
  const explain::Layout& l = layout ? *layout : own;
  if (format == GraphFormat::Svg) write_file_atomic(path, explain::to_svg(g, l));
  else write_graph_png(path, g, l);
}

}  // namespace bp::tools
