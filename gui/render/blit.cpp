#include "blit.h"

#include <algorithm>

#include "gl.h"

namespace bp::studio {
namespace {

void run_blit(const ImDrawList*, const ImDrawCmd* cmd) {
  const Blit& b = *static_cast<const Blit*>(cmd->UserCallbackData);
  if (!b.source || b.source->width() < 1 || b.source->height() < 1) return;
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  GLint viewport[4], scissor[4], draw_fbo = 0;
  glGetIntegerv(GL_VIEWPORT, viewport);
  glGetIntegerv(GL_SCISSOR_BOX, scissor);
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &draw_fbo);
  const GLboolean scissor_on = glIsEnabled(GL_SCISSOR_TEST);
  const int fb_h = viewport[3];
  const int x = static_cast<int>(b.pos.x * scale.x), y = static_cast<int>(b.pos.y * scale.y);
  const int w = static_cast<int>(b.size.x * scale.x), h = static_cast<int>(b.size.y * scale.y);
  const ImVec4& c = cmd->ClipRect;  // nothing is drawn outside the list's clip rectangle
  if (w < 1 || h < 1) return;
  // The visible part: the clip rectangle less what windows above cover, in pixels.
  std::vector<ImVec4> parts{ImVec4(c.x * scale.x, c.y * scale.y, c.z * scale.x, c.w * scale.y)};
  for (const ImVec4& r : b.covered) {
    std::vector<ImVec4> next;
    for (const ImVec4& p : parts)
      for (const ImVec4& q : subtract(p, ImVec4(r.x * scale.x, r.y * scale.y, r.z * scale.x, r.w * scale.y))) next.push_back(q);
    parts.swap(next);
  }
  glEnable(GL_SCISSOR_TEST);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, b.source->fbo());
  const int y0 = fb_h - y - h;  // GL counts rows from the bottom
  for (const ImVec4& p : parts) {
    const int px = static_cast<int>(p.x), py = static_cast<int>(p.y), pw = static_cast<int>(p.z) - px, ph = static_cast<int>(p.w) - py;
    if (pw < 1 || ph < 1) continue;
    glScissor(px, fb_h - py - ph, pw, ph);
    glBlitFramebuffer(0, 0, b.source->width(), b.source->height(), x, y0, x + w, y0 + h, GL_COLOR_BUFFER_BIT,
                      b.source->width() == w && b.source->height() == h ? GL_NEAREST : GL_LINEAR);
  }
  glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(draw_fbo));
  glScissor(scissor[0], scissor[1], scissor[2], scissor[3]);
  if (!scissor_on) glDisable(GL_SCISSOR_TEST);
}

}  // namespace

RenderTarget::RenderTarget() : texture_(make_linear_texture()) { glGenFramebuffers(1, &fbo_); }

RenderTarget::~RenderTarget() {
  glDeleteFramebuffers(1, &fbo_);
  glDeleteTextures(1, &texture_);
}

void RenderTarget::resize(int width, int height) {
  if (width == width_ && height == height_) return;
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  GLint prev_fbo = 0;
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prev_fbo);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture_, 0);
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(prev_fbo));
  width_ = width;
  height_ = height;
}

RenderTarget::Scope::Scope(const RenderTarget& target) {
  glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prev_fbo_);
  glGetIntegerv(GL_VIEWPORT, prev_viewport_);
  glBindFramebuffer(GL_FRAMEBUFFER, target.fbo_);
  glViewport(0, 0, target.width_, target.height_);
}

RenderTarget::Scope::~Scope() {
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(prev_fbo_));
  glViewport(prev_viewport_[0], prev_viewport_[1], prev_viewport_[2], prev_viewport_[3]);
}

std::vector<ImVec4> subtract(const ImVec4& a, const ImVec4& h) {
  if (h.x >= a.z || h.z <= a.x || h.y >= a.w || h.w <= a.y) return {a};  // apart
  std::vector<ImVec4> out;
  if (h.y > a.y) out.emplace_back(a.x, a.y, a.z, h.y);  // above the hole
  if (h.w < a.w) out.emplace_back(a.x, h.w, a.z, a.w);  // below
  const float top = std::max(a.y, h.y), bottom = std::min(a.w, h.w);
  if (h.x > a.x) out.emplace_back(a.x, top, h.x, bottom);  // left
  if (h.z < a.z) out.emplace_back(h.z, top, a.z, bottom);  // right
  return out;
}

void add_blit(ImDrawList* dl, const Blit* blit) { dl->AddCallback(run_blit, const_cast<Blit*>(blit)); }

}  // namespace bp::studio
