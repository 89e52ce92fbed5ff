// Drawing to an RGB image without a display, and the `--plot` figure: the decision boundary
// with the points beside the loss curve, written as PNG.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "backprop/train.h"
#include "palette.h"

namespace bp::tools {

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = kWhite);
  int width() const { return w_; }
  int height() const { return h_; }
  void set(int x, int y, Rgb c);
  void blend(int x, int y, Rgb c, float alpha);
  Rgb get(int x, int y) const;
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c);
  void line(float x0, float y0, float x1, float y1, Rgb c, float width = 1.0f);
  void disc(float cx, float cy, float r, Rgb fill, Rgb outline, bool filled = true);
  /// Text with its top-left corner at (x, y), `px` pixels tall (DejaVu Sans when installed,
  /// else a built-in stroke font).
  void text(int x, int y, const std::string& s, float px, Rgb c);
  int text_width(const std::string& s, float px) const;
  /// Writes a PNG atomically; throws IoError.
  void save_png(const std::string& path) const;
  const std::vector<uint8_t>& pixels() const { return rgb_; }

 private:
  int w_, h_;
  std::vector<uint8_t> rgb_;
};

/// Encodes 8-bit RGB pixels (top row first) as PNG and writes them atomically; throws IoError.
void write_png(const std::string& path, const uint8_t* rgb, int width, int height);

struct PlotOptions {
  int width = 1000, height = 500;
  bool log_loss = false;
  int grid = 200;  ///< boundary resolution (cells per side)
  std::string title;
};

/// The boundary of the trainer's model over its dataset region with train points (filled) and
/// test points (outlined), and the recorded loss history.
Canvas render_training_plot(Trainer& trainer, const PlotOptions& options);

}  // namespace bp::tools
