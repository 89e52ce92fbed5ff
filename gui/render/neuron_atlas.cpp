#include "neuron_atlas.h"

#include <algorithm>
#include <cmath>

#include "common/palette.h"
#include "gl.h"

namespace bp::studio {

NeuronAtlas::NeuronAtlas() : texture_(make_linear_texture()) {}

NeuronAtlas::~NeuronAtlas() { glDeleteTextures(1, &texture_); }

void NeuronAtlas::update(const Snapshot& snap) {
  if (snap.version == version_) return;
  version_ = snap.version;
  res_ = std::max(1, snap.neuron_res);
  size_t tiles = 0;
  first_tile_.clear();
  for (const auto& layer : snap.neuron_maps) {
    first_tile_.push_back(tiles);
    tiles += layer.size();
  }
  if (tiles == 0) return;
  cols_ = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(tiles))));
  rows_ = static_cast<int>((tiles + static_cast<size_t>(cols_) - 1) / static_cast<size_t>(cols_));
  // Tiles are res + 2 wide: a one-texel border repeats the edge so filtering never bleeds.
  const int tw = res_ + 2, w = cols_ * tw, h = rows_ * tw;
  std::vector<unsigned char> rgba(static_cast<size_t>(w * h * 4), 255);
  for (size_t l = 0; l < snap.neuron_maps.size(); ++l)
    for (size_t n = 0; n < snap.neuron_maps[l].size(); ++n) {
      const auto& v = snap.neuron_maps[l][n];
      if (static_cast<int>(v.size()) != res_ * res_) continue;
      const bool output = l + 1 == snap.neuron_maps.size() && snap.problem != Problem::Regression;
      float vmax = 1e-6f;
      for (float x : v) vmax = std::max(vmax, std::fabs(x));
      const size_t t = first_tile_[l] + n;
      const int ox = static_cast<int>(t % static_cast<size_t>(cols_)) * tw, oy = static_cast<int>(t / static_cast<size_t>(cols_)) * tw;
      for (int y = -1; y <= res_; ++y)
        for (int x = -1; x <= res_; ++x) {
          const int sx = std::clamp(x, 0, res_ - 1), sy = std::clamp(y, 0, res_ - 1);
          float val = v[static_cast<size_t>(sy * res_ + sx)];
          val = output ? std::tanh(val) : val / vmax;  // logits: their sign decides the class
          const auto c = tools::to_bytes(tools::diverging(val, 0.9f));
          unsigned char* p = &rgba[static_cast<size_t>(((oy + y + 1) * w + (ox + x + 1)) * 4)];
          p[0] = c[0];
          p[1] = c[1];
          p[2] = c[2];
          p[3] = 255;
        }
    }
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
}

std::array<float, 4> NeuronAtlas::tile(size_t layer, size_t neuron) const {
  if (layer >= first_tile_.size()) return {0, 0, 0, 0};
  const size_t t = first_tile_[layer] + neuron;
  const float tw = static_cast<float>(res_ + 2), w = static_cast<float>(cols_) * tw, h = static_cast<float>(rows_) * tw;
  const float x0 = static_cast<float>(t % static_cast<size_t>(cols_)) * tw + 1, y0 = static_cast<float>(t / static_cast<size_t>(cols_)) * tw + 1;
  return {x0 / w, y0 / h, (x0 + static_cast<float>(res_)) / w, (y0 + static_cast<float>(res_)) / h};
}

}  // namespace bp::studio
