#include "blit.h"

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
  const int cx = static_cast<int>(c.x * scale.x), cy = static_cast<int>(c.y * scale.y);
  const int cw = static_cast<int>(c.z * scale.x) - cx, ch = static_cast<int>(c.w * scale.y) - cy;
  if (w < 1 || h < 1 || cw < 1 || ch < 1) return;
  glEnable(GL_SCISSOR_TEST);
  glScissor(cx, fb_h - cy - ch, cw, ch);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, b.fbo);
  const int y0 = fb_h - y - h;  // GL counts rows from the bottom
  glBlitFramebuffer(0, 0, b.width, b.height, x, y0, x + w, y0 + h, GL_COLOR_BUFFER_BIT,
                    b.width == w && b.height == h ? GL_NEAREST : GL_LINEAR);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(draw_fbo));
  glScissor(scissor[0], scissor[1], scissor[2], scissor[3]);
  if (!scissor_on) glDisable(GL_SCISSOR_TEST);
}

}  // namespace

void add_blit(ImDrawList* dl, const Blit* blit) { dl->AddCallback(run_blit, const_cast<Blit*>(blit)); }

}  // namespace bp::studio
