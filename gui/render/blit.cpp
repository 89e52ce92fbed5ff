#include "blit.h"

#include <algorithm>

#include "gl.h"

namespace bp::studio {
namespace {

void run_blit(const ImDrawList*, const ImDrawCmd* cmd) {
  const Blit& b = *static_cast<const Blit*>(cmd->UserCallbackData);
  if (b.fbo == 0 || b.width < 1 || b.height < 1) return;
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
  glBindFramebuffer(GL_READ_FRAMEBUFFER, b.fbo);
  const int y0 = fb_h - y - h;  // GL counts rows from the bottom
  for (const ImVec4& p : parts) {
    const int px = static_cast<int>(p.x), py = static_cast<int>(p.y), pw = static_cast<int>(p.z) - px, ph = static_cast<int>(p.w) - py;
    if (pw < 1 || ph < 1) continue;
    glScissor(px, fb_h - py - ph, pw, ph);
    glBlitFramebuffer(0, 0, b.width, b.height, x, y0, x + w, y0 + h, GL_COLOR_BUFFER_BIT,
                      b.width == w && b.height == h ? GL_NEAREST : GL_LINEAR);
  }
  glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(draw_fbo));
  glScissor(scissor[0], scissor[1], scissor[2], scissor[3]);
  if (!scissor_on) glDisable(GL_SCISSOR_TEST);
}

}  // namespace

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
