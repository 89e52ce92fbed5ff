#include "heatmap_renderer.h"

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "backprop/data.h"
#include "backprop/errors.h"
#include "common/palette.h"
#include "common/plot.h"
#include "gl.h"

namespace bp::studio {
namespace {

// Throws with GL's log when a compile or link step failed.
void check(unsigned id, void (*get)(GLuint, GLenum, GLint*), void (*get_log)(GLuint, GLsizei, GLsizei*, GLchar*),
           GLenum status, const std::string& what) {
  int ok = 0;
  get(id, status, &ok);
  if (ok) return;
  char log[2048] = {};
  get_log(id, sizeof log, nullptr, log);
  throw std::runtime_error(what + log);
}

// A shader object deleted at the end of its scope (once linked, a program keeps what it needs).
struct Shader {
  unsigned id;
  ~Shader() {
    if (id) glDeleteShader(id);
  }
  unsigned release() { return std::exchange(id, 0u); }
};

// `defines` go after the source's #version line.
unsigned compile(GLenum kind, const std::string& path, const std::string& defines = "") {
  std::string src = read_file(path, 1 << 20);
  if (!defines.empty()) {
    const size_t eol = src.rfind("#version", 0) == 0 ? src.find('\n') : std::string::npos;
    src = eol == std::string::npos ? defines + src : src.substr(0, eol + 1) + defines + src.substr(eol + 1);
  }
  const unsigned s = glCreateShader(kind);
  const char* text = src.c_str();
  glShaderSource(s, 1, &text, nullptr);
  glCompileShader(s);
  Shader owned{s};
  check(s, glGetShaderiv, glGetShaderInfoLog, GL_COMPILE_STATUS, "shader " + path + " does not compile: ");
  return owned.release();
}

}  // namespace

HeatmapRenderer::HeatmapRenderer(const std::string& shader_dir) {
  // One program per kind of output (binary, multiclass, regression): software GL would
  // otherwise run the untaken branches for every pixel.
  const Shader vs{compile(GL_VERTEX_SHADER, shader_dir + "/heatmap.vert")};
  for (int mode = 0; mode < 3; ++mode) {
    const Shader fs{compile(GL_FRAGMENT_SHADER, shader_dir + "/heatmap.frag", "#define MODE " + std::to_string(mode) + "\n")};
    unsigned& program = programs_[mode];
    program = glCreateProgram();
    glAttachShader(program, vs.id);
    glAttachShader(program, fs.id);
    glLinkProgram(program);
    check(program, glGetProgramiv, glGetProgramInfoLog, GL_LINK_STATUS, "heatmap shaders do not link: ");
  }
  const float quad[] = {-1, -1, 1, -1, -1, 1, 1, 1};
  glGenVertexArrays(1, &vao_);
  glBindVertexArray(vao_);
  glGenBuffers(1, &vbo_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBufferData(GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindVertexArray(0);
  values_ = make_linear_texture();
  values_more_ = make_linear_texture();
}

HeatmapRenderer::~HeatmapRenderer() {
  const unsigned tex[] = {values_, values_more_};
  glDeleteTextures(2, tex);
  glDeleteBuffers(1, &vbo_);
  glDeleteVertexArrays(1, &vao_);
  for (unsigned program : programs_) glDeleteProgram(program);
}

void HeatmapRenderer::upload(const Snapshot& snap) {
  const int res = snap.grid_res, k = snap.outputs;
  if (res <= 0 || snap.grid.size() != static_cast<size_t>(res * res * k)) return;
  if (snap.problem == Problem::MultiClass) {
    std::vector<float> a(static_cast<size_t>(res * res * 4), 0.0f), b(a.size(), 0.0f);
    for (int i = 0; i < res * res; ++i)
      for (int c = 0; c < std::min(k, 8); ++c) (c < 4 ? a : b)[static_cast<size_t>(i * 4 + c % 4)] = snap.grid[static_cast<size_t>(i * k + c)];
    glBindTexture(GL_TEXTURE_2D, values_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA32F, res, res, 0, GL_RGBA, GL_FLOAT, a.data());
    glBindTexture(GL_TEXTURE_2D, values_more_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA32F, res, res, 0, GL_RGBA, GL_FLOAT, b.data());
  } else {
    glBindTexture(GL_TEXTURE_2D, values_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, res, res, 0, GL_RED, GL_FLOAT, snap.grid.data());
  }
  uploaded_version_ = snap.version;
}

void HeatmapRenderer::render(const Snapshot& snap, const Region& view, int full_width, int full_height, bool discretize,
                             float scale) {
  const int width = std::max(1, static_cast<int>(static_cast<float>(full_width) * scale));
  const int height = std::max(1, static_cast<int>(static_cast<float>(full_height) * scale));
  if (full_width < 1 || full_height < 1) return;
  const Key key{snap.version, view.x_min, view.x_max, view.y_min, view.y_max, width, height, discretize};
  if (key == drawn_) return;
  drawn_ = key;
  ++renders_;
  if (snap.version != uploaded_version_) upload(snap);
  target_.resize(width, height);
  const RenderTarget::Scope into(target_);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  const int mode = snap.problem == Problem::MultiClass ? 1 : (snap.problem == Problem::Regression ? 2 : 0);
  const unsigned program = programs_[mode];
  glUseProgram(program);
  glUniform1i(glGetUniformLocation(program, "classes"), snap.outputs);
  glUniform1i(glGetUniformLocation(program, "discretize"), discretize ? 1 : 0);
  glUniform1f(glGetUniformLocation(program, "logit_scale"), mode == 2 ? 1.0f / snap.value_scale : snap.logit_scale);
  glUniform1f(glGetUniformLocation(program, "strength"), 0.75f);
  glUniform4f(glGetUniformLocation(program, "canvas_region"), view.x_min, view.y_min, view.x_max - view.x_min, view.y_max - view.y_min);
  const Region& g = snap.region;
  glUniform4f(glGetUniformLocation(program, "grid_region"), g.x_min, g.y_min, g.x_max - g.x_min, g.y_max - g.y_min);
  float palette[24];
  for (int c = 0; c < 8; ++c) {
    const tools::Rgb col = tools::class_color(c);
    palette[c * 3] = col.r;
    palette[c * 3 + 1] = col.g;
    palette[c * 3 + 2] = col.b;
  }
  glUniform3fv(glGetUniformLocation(program, "palette"), 8, palette);
  glUniform3f(glGetUniformLocation(program, "ink"), 0.15f, 0.15f, 0.15f);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, values_);
  glUniform1i(glGetUniformLocation(program, "values"), 0);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, values_more_);
  glUniform1i(glGetUniformLocation(program, "values_more"), 1);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glUseProgram(0);
}

void HeatmapRenderer::draw(ImDrawList* dl, ImVec2 pos, ImVec2 size) {
  blit_.source = &target_;
  blit_.pos = pos;
  blit_.size = size;
  blit_.covered.clear();
  add_blit(dl, &blit_);
}

void save_framebuffer_png(const std::string& path, int x, int y, int w, int h, int framebuffer_height) {
  if (w < 1 || h < 1) throw IoError("screenshot: empty area");
  std::vector<unsigned char> px(static_cast<size_t>(w * h * 3));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(x, framebuffer_height - y - h, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
  std::vector<unsigned char> flipped(px.size());
  for (int row = 0; row < h; ++row)
    std::copy_n(&px[static_cast<size_t>((h - 1 - row) * w * 3)], w * 3, &flipped[static_cast<size_t>(row * w * 3)]);
  tools::write_png(path, flipped.data(), w, h);
}

}  // namespace bp::studio
