#include "plot.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>
#include <stb/stb_truetype.h>

#include "backprop/autograd.h"
#include "backprop/data.h"
#include "backprop/errors.h"
#include "backprop/grid.h"

namespace bp::tools {
namespace {

// A font rasteriser loaded once: DejaVu Sans through stb_truetype.
struct Font {
  std::vector<unsigned char> data;
  stbtt_fontinfo info{};
  bool ok = false;
  Font() {
    for (const char* path : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                             "/usr/share/fonts/dejavu/DejaVuSans.ttf"}) {
      std::ifstream in(path, std::ios::binary);
      if (!in) continue;
      data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      ok = !data.empty() && stbtt_InitFont(&info, data.data(), stbtt_GetFontOffsetForIndex(data.data(), 0)) != 0;
      if (ok) return;
    }
  }
};

const Font& font() {
  static const Font f;
  return f;
}

std::string tick_label(double v) {
  char buf[32];
  if (v == 0.0) return "0";
  if (std::fabs(v) >= 1e4 || std::fabs(v) < 1e-3)
    std::snprintf(buf, sizeof buf, "%.0e", v);
  else
    std::snprintf(buf, sizeof buf, "%g", std::round(v * 1000.0) / 1000.0);
  return buf;
}

// About five round tick values covering [lo, hi].
std::vector<double> ticks(double lo, double hi) {
  std::vector<double> t;
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / 5.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (mag * m >= raw) {
      step = mag * m;
      break;
    }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return t;
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background) : w_(width), h_(height) {
  if (width < 1 || height < 1 || width > 16384 || height > 16384)
    throw ValueError("image size must be within 1..16384 pixels per side, got " + std::to_string(width) + "x" +
                     std::to_string(height));
  rgb_.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  fill_rect(0, 0, width, height, background);
}

void Canvas::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
  const auto b = to_bytes(c);
  uint8_t* p = &rgb_[(static_cast<size_t>(y) * static_cast<size_t>(w_) + static_cast<size_t>(x)) * 3];
  p[0] = b[0];
  p[1] = b[1];
  p[2] = b[2];
}

Rgb Canvas::get(int x, int y) const {
  const uint8_t* p = &rgb_[(static_cast<size_t>(y) * static_cast<size_t>(w_) + static_cast<size_t>(x)) * 3];
  return {p[0] / 255.0f, p[1] / 255.0f, p[2] / 255.0f};
}

void Canvas::blend(int x, int y, Rgb c, float alpha) {
  if (x < 0 || y < 0 || x >= w_ || y >= h_ || alpha <= 0.0f) return;
  set(x, y, mix(get(x, y), c, alpha));
}

void Canvas::fill_rect(int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = std::max(0, y0); y < std::min(h_, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(w_, x1); ++x) set(x, y, c);
}

void Canvas::line(float x0, float y0, float x1, float y1, Rgb c, float width) {
  // Distance-based anti-aliasing: cover pixels within width/2 of the segment.
  // Nothing is drawn for coordinates that are not finite; far-away ones are clamped to the canvas
  // before conversion to int (no overflow for points at 1e30).
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1) || !std::isfinite(width)) return;
  const float half = width * 0.5f;
  auto px_x = [&](float v) { return static_cast<int>(std::clamp(v, -2.0f, static_cast<float>(w_) + 2.0f)); };
  auto px_y = [&](float v) { return static_cast<int>(std::clamp(v, -2.0f, static_cast<float>(h_) + 2.0f)); };
  const int xa = px_x(std::floor(std::min(x0, x1) - half - 1)), xb = px_x(std::ceil(std::max(x0, x1) + half + 1));
  const int ya = px_y(std::floor(std::min(y0, y1) - half - 1)), yb = px_y(std::ceil(std::max(y0, y1) + half + 1));
  const float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (int y = std::max(0, ya); y <= std::min(h_ - 1, yb); ++y)
    for (int x = std::max(0, xa); x <= std::min(w_ - 1, xb); ++x) {
      const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
      float t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0.0f;
      t = std::clamp(t, 0.0f, 1.0f);
      const float d = std::hypot(px - (x0 + t * dx), py - (y0 + t * dy));
      blend(x, y, c, std::clamp(half + 0.5f - d, 0.0f, 1.0f));
    }
}

void Canvas::disc(float cx, float cy, float r, Rgb fill, Rgb outline, bool filled) {
  if (!std::isfinite(cx) || !std::isfinite(cy) || !(r >= 0 && r < 1e4f)) return;
  if (cx < -r - 2 || cy < -r - 2 || cx > static_cast<float>(w_) + r + 2 || cy > static_cast<float>(h_) + r + 2) return;  // off the canvas
  const int x0 = static_cast<int>(cx - r - 2), x1 = static_cast<int>(cx + r + 2);
  const int y0 = static_cast<int>(cy - r - 2), y1 = static_cast<int>(cy + r + 2);
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const float d = std::hypot(static_cast<float>(x) + 0.5f - cx, static_cast<float>(y) + 0.5f - cy);
      const float inside = std::clamp(r - d + 0.5f, 0.0f, 1.0f);
      if (filled) blend(x, y, fill, inside);
      const float ring = std::clamp(1.0f - std::fabs(d - (r - 0.5f)) / (filled ? 1.0f : 1.2f), 0.0f, 1.0f);
      blend(x, y, outline, ring);
    }
}

int Canvas::text_width(const std::string& s, float px) const {
  const Font& f = font();
  if (!f.ok) return static_cast<int>(static_cast<float>(stb_easy_font_width(const_cast<char*>(s.c_str()))) * px / 10.0f);
  const float scale = stbtt_ScaleForPixelHeight(&f.info, px);
  int w = 0;
  for (unsigned char ch : s) {
    int adv, lsb;
    stbtt_GetCodepointHMetrics(&f.info, ch, &adv, &lsb);
    w += adv;
  }
  return static_cast<int>(static_cast<float>(w) * scale);
}

void Canvas::text(int x, int y, const std::string& s, float px, Rgb c) {
  const Font& f = font();
  if (!f.ok) {
    // Fallback: stb_easy_font's quads, scaled.
    static char buf[60000];
    const int quads = stb_easy_font_print(0, 0, const_cast<char*>(s.c_str()), nullptr, buf, sizeof buf);
    const float k = px / 10.0f;
    for (int q = 0; q < quads; ++q) {
      const float* v = reinterpret_cast<float*>(buf + q * 64);
      fill_rect(x + static_cast<int>(v[0] * k), y + static_cast<int>(v[1] * k), x + static_cast<int>(v[8] * k + 0.999f),
                y + static_cast<int>(v[9] * k + 0.999f), c);
    }
    return;
  }
  const float scale = stbtt_ScaleForPixelHeight(&f.info, px);
  int ascent, descent, gap;
  stbtt_GetFontVMetrics(&f.info, &ascent, &descent, &gap);
  const int baseline = y + static_cast<int>(static_cast<float>(ascent) * scale);
  float pen = static_cast<float>(x);
  for (unsigned char ch : s) {
    int adv, lsb, x0, y0, x1, y1;
    stbtt_GetCodepointHMetrics(&f.info, ch, &adv, &lsb);
    stbtt_GetCodepointBitmapBox(&f.info, ch, scale, scale, &x0, &y0, &x1, &y1);
    const int gw = x1 - x0, gh = y1 - y0;
    if (gw > 0 && gh > 0) {
      std::vector<unsigned char> bmp(static_cast<size_t>(gw * gh));
      stbtt_MakeCodepointBitmap(&f.info, bmp.data(), gw, gh, gw, scale, scale, ch);
      for (int j = 0; j < gh; ++j)
        for (int i = 0; i < gw; ++i)
          blend(static_cast<int>(pen) + x0 + i, baseline + y0 + j, c, bmp[static_cast<size_t>(j * gw + i)] / 255.0f);
    }
    pen += static_cast<float>(adv) * scale;
  }
}

void write_png(const std::string& path, const uint8_t* rgb, int width, int height) {
  std::string bytes;
  const int ok = stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), static_cast<size_t>(size));
      },
      &bytes, width, height, 3, rgb, width * 3);
  if (!ok) throw IoError("cannot encode PNG for '" + path + "'");
  write_file_atomic(path, bytes);
}

void Canvas::save_png(const std::string& path) const { write_png(path, rgb_.data(), w_, h_); }

Canvas render_training_plot(Trainer& trainer, const PlotOptions& o) {
  Canvas cv(o.width, o.height);
  const Rgb ink{0.15f, 0.15f, 0.15f}, grid_ink{0.55f, 0.55f, 0.55f};
  const float fs = std::max(11.0f, static_cast<float>(o.height) / 36.0f);
  const int margin = static_cast<int>(fs * 3.2f), top = static_cast<int>(fs * 2.4f);
  if (!o.title.empty()) cv.text(margin, static_cast<int>(fs * 0.5f), o.title, fs * 1.15f, ink);

  // ---- left: decision boundary -------------------------------------------------------------
  const int side = std::max(10, std::min(o.width / 2 - margin - 10, o.height - top - margin));
  const int bx = margin, by = top;
  const Dataset& train = trainer.train_data();
  const Region r = train.region;
  const TrainConfig& cfg = trainer.config();
  const int res = std::clamp(o.grid, 2, 1024);
  std::vector<float> values;
  {
    std::vector<float> pts;
    pts.reserve(static_cast<size_t>(res * res * 2));
    for (int row = 0; row < res; ++row)
      for (int col = 0; col < res; ++col) {
        pts.push_back(grid_x(r, res, col));
        pts.push_back(grid_y(r, res, row));
      }
    values = trainer.predict(Tensor::from_vector(pts, {static_cast<int64_t>(res) * res, 2})).to_vector();
  }
  const int k = static_cast<int>(cfg.outputs());
  // Bilinear sampling of the grid so the image is smooth, not blocky.
  auto sample = [&](float gx, float gy, int ch) {
    gx = std::clamp(gx, 0.0f, static_cast<float>(res - 1));
    gy = std::clamp(gy, 0.0f, static_cast<float>(res - 1));
    const int x0 = static_cast<int>(gx), y0 = static_cast<int>(gy);
    const int x1 = std::min(x0 + 1, res - 1), y1 = std::min(y0 + 1, res - 1);
    const float tx = gx - static_cast<float>(x0), ty = gy - static_cast<float>(y0);
    auto at = [&](int x, int y) { return values[static_cast<size_t>((y * res + x) * k + ch)]; };
    return (at(x0, y0) * (1 - tx) + at(x1, y0) * tx) * (1 - ty) + (at(x0, y1) * (1 - tx) + at(x1, y1) * tx) * ty;
  };
  const bool hinge = cfg.loss == LossKind::Hinge;
  auto signed_score = [&](float gx, float gy) {
    const float v = sample(gx, gy, 0);
    if (cfg.problem == Problem::Regression) return v;
    return hinge ? std::tanh(v) : 2.0f * v - 1.0f;  // probability → [−1, 1]
  };
  // The most likely class at a grid position, and its lead over the second (probabilities).
  struct Top {
    int best = 0;
    float margin = 0;
  };
  auto top_two = [&](float gx, float gy) {
    int best = 0;
    float bv = -1, second = -1;
    for (int ch = 0; ch < k; ++ch) {
      const float v = sample(gx, gy, ch);
      if (v > bv) {
        second = bv;
        bv = v;
        best = ch;
      } else if (v > second) {
        second = v;
      }
    }
    return Top{best, bv - second};
  };
  for (int py = 0; py < side; ++py)
    for (int px = 0; px < side; ++px) {
      const float gx = (static_cast<float>(px) + 0.5f) / static_cast<float>(side) * static_cast<float>(res) - 0.5f;
      const float gy = (static_cast<float>(side - 1 - py) + 0.5f) / static_cast<float>(side) * static_cast<float>(res) - 0.5f;
      Rgb c;
      if (cfg.problem == Problem::MultiClass) {
        const Top t = top_two(gx, gy);
        // A tie has no most likely class (all outputs equal, as with zero weights): white.
        c = t.margin > 0 ? mix(kWhite, class_color(t.best), 0.25f + 0.5f * std::clamp(t.margin, 0.0f, 1.0f)) : kWhite;
        // The boundary: where the most likely class changes from this pixel to the next (a
        // band of near ties would cover all of a model that is still unsure everywhere).
        if (t.best != top_two(gx + 1.0f, gy).best || t.best != top_two(gx, gy + 1.0f).best) c = mix(c, ink, 0.6f);
      } else {
        const float s = signed_score(gx, gy);
        c = diverging(s);
        if (cfg.problem != Problem::Regression) {
          const float sx = signed_score(gx + 1.0f, gy), sy = signed_score(gx, gy + 1.0f);
          if ((s > 0) != (sx > 0) || (s > 0) != (sy > 0)) c = mix(c, ink, 0.7f);
        }
      }
      cv.set(bx + px, by + py, c);
    }
  auto to_px = [&](const Point& p) {
    return std::pair<float, float>{bx + (p.x - r.x_min) / (r.x_max - r.x_min) * static_cast<float>(side),
                                   by + (r.y_max - p.y) / (r.y_max - r.y_min) * static_cast<float>(side)};
  };
  const float pr = std::max(2.5f, static_cast<float>(side) / 110.0f);
  auto point_color = [&](const Point& p) {
    return cfg.problem == Problem::Regression ? diverging(p.label, 1.0f) : class_color(static_cast<int>(p.label));
  };
  for (const Point& p : train.points) {
    auto [x, y] = to_px(p);
    cv.disc(x, y, pr, point_color(p), kWhite, true);
  }
  for (const Point& p : trainer.test_data().points) {  // rings in the class colour, dark edge
    auto [x, y] = to_px(p);
    cv.disc(x, y, pr + 0.5f, point_color(p), ink, true);
    cv.disc(x, y, pr - 1.8f, kWhite, kWhite, true);
  }
  // Frame and ticks.
  cv.line(bx, by, bx + side, by, ink);
  cv.line(bx, by + side, bx + side, by + side, ink);
  cv.line(bx, by, bx, by + side, ink);
  cv.line(bx + side, by, bx + side, by + side, ink);
  for (double t : ticks(r.x_min, r.x_max)) {
    const float x = bx + static_cast<float>((t - r.x_min) / (r.x_max - r.x_min)) * side;
    cv.line(x, by + side, x, by + side + 5, ink);
    const std::string l = tick_label(t);
    cv.text(static_cast<int>(x) - cv.text_width(l, fs * 0.8f) / 2, by + side + 7, l, fs * 0.8f, ink);
  }
  for (double t : ticks(r.y_min, r.y_max)) {
    const float y = by + static_cast<float>((r.y_max - t) / (r.y_max - r.y_min)) * side;
    cv.line(bx - 5, y, bx, y, ink);
    const std::string l = tick_label(t);
    cv.text(bx - 8 - cv.text_width(l, fs * 0.8f), static_cast<int>(y - fs * 0.45f), l, fs * 0.8f, ink);
  }

  // ---- right: loss curve -----------------------------------------------------------------
  const int lx = bx + side + margin + 10, ly = top, lw = o.width - lx - static_cast<int>(fs), lh = side;
  if (lw < 40) return cv;
  const auto& h = trainer.history();
  double lo = INFINITY, hi = -INFINITY;
  int64_t max_step = 1;
  for (const HistoryPoint& p : h) {
    for (float v : {p.train_loss, p.test_loss})
      if (std::isfinite(v) && (!o.log_loss || v > 0)) {
        lo = std::min(lo, static_cast<double>(v));
        hi = std::max(hi, static_cast<double>(v));
      }
    max_step = std::max(max_step, p.step);
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  auto fy = [&](double v) { return o.log_loss ? std::log10(std::max(v, 1e-12)) : v; };
  double ylo = o.log_loss ? fy(lo) : 0.0, yhi = fy(hi);
  if (yhi - ylo < 1e-9) yhi = ylo + 1.0;
  cv.line(lx, ly + lh, lx + lw, ly + lh, ink);
  cv.line(lx, ly, lx, ly + lh, ink);
  std::vector<double> yticks = ticks(ylo, yhi);
  if (o.log_loss) {  // 1-2-5 steps per decade, or decades alone when that is too many
    std::vector<double> fine, decades;
    for (int e = static_cast<int>(std::floor(ylo)); e <= static_cast<int>(std::ceil(yhi)); ++e)
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = std::log10(m) + e;
        if (v < ylo - 1e-9 || v > yhi + 1e-9) continue;
        fine.push_back(v);
        if (m == 1.0) decades.push_back(v);
      }
    yticks = fine.size() <= 8 || decades.size() < 2 ? fine : decades;
  }
  for (double t : yticks) {
    const float y = ly + lh - static_cast<float>((t - ylo) / (yhi - ylo)) * lh;
    cv.line(lx, y, lx + lw, y, mix(kWhite, grid_ink, 0.3f));
    const std::string l = o.log_loss ? tick_label(std::pow(10.0, t)) : tick_label(t);
    cv.text(lx - 8 - cv.text_width(l, fs * 0.8f), static_cast<int>(y - fs * 0.45f), l, fs * 0.8f, ink);
  }
  for (double t : ticks(0, static_cast<double>(max_step))) {
    const float x = lx + static_cast<float>(t / static_cast<double>(max_step)) * lw;
    cv.line(x, ly + lh, x, ly + lh + 5, ink);
    const std::string l = tick_label(t);
    cv.text(static_cast<int>(x) - cv.text_width(l, fs * 0.8f) / 2, ly + lh + 7, l, fs * 0.8f, ink);
  }
  cv.text(lx + lw / 2 - cv.text_width("step", fs * 0.85f) / 2, ly + lh + static_cast<int>(fs * 1.6f), "step", fs * 0.85f, ink);
  const Rgb train_c{0.1f, 0.1f, 0.1f}, test_c = class_color(3);
  for (int series = 0; series < 2; ++series) {
    float px = -1, py = -1;
    for (const HistoryPoint& p : h) {
      const float v = series == 0 ? p.train_loss : p.test_loss;
      if (!std::isfinite(v)) {
        px = -1;
        continue;
      }
      const float x = lx + static_cast<float>(p.step) / static_cast<float>(max_step) * lw;
      const float y = ly + lh - static_cast<float>((fy(v) - ylo) / (yhi - ylo)) * lh;
      if (px >= 0) cv.line(px, py, x, y, series == 0 ? train_c : test_c, 2.0f);
      px = x;
      py = y;
    }
  }
  const int legend_y = ly + static_cast<int>(fs * 0.3f);
  cv.line(lx + lw - fs * 7, legend_y + fs * 0.5f, lx + lw - fs * 5.5f, legend_y + fs * 0.5f, train_c, 2.0f);
  cv.text(lx + lw - static_cast<int>(fs * 5.2f), legend_y, "train loss", fs * 0.8f, ink);
  cv.line(lx + lw - fs * 7, legend_y + fs * 1.7f, lx + lw - fs * 5.5f, legend_y + fs * 1.7f, test_c, 2.0f);
  cv.text(lx + lw - static_cast<int>(fs * 5.2f), legend_y + static_cast<int>(fs * 1.2f), "test loss", fs * 0.8f, ink);
  return cv;
}

}  // namespace bp::tools
