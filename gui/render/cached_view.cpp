#include "cached_view.h"

#include <imgui_impl_opengl3.h>

#include <cmath>

#include "gl.h"

namespace bp::studio {

CachedView::CachedView() : list_(ImGui::GetDrawListSharedData()) { blit_.source = &target_; }

ImDrawList* CachedView::begin(uint64_t key, ImVec2 pos, ImVec2 size) {
  size.x = std::floor(size.x);
  size.y = std::floor(size.y);
  recording_ = !valid_ || key != key_ || size.x != size_.x || size.y != size_.y;
  blit_.pos = pos;
  blit_.size = size;
  if (!recording_) return nullptr;
  key_ = key;
  size_ = size;
  record_pos_ = pos;
  list_._ResetForNewFrame();
  list_.PushTextureID(ImGui::GetIO().Fonts->TexID);
  list_.PushClipRect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
  return &list_;
}

void CachedView::rasterize(ImVec4 clear) {
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  const int w = static_cast<int>(size_.x * scale.x), h = static_cast<int>(size_.y * scale.y);
  recording_ = false;
  target_.resize(w, h);
  const RenderTarget::Scope into(target_);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(clear.x, clear.y, clear.z, clear.w);
  glClear(GL_COLOR_BUFFER_BIT);
  // ImGui's own renderer draws the recorded list into the texture; it restores its GL state.
  // Its blending (source alpha for colour, one for alpha) leaves premultiplied colour over a
  // transparent clear.
  list_._PopUnusedDrawCmd();
  ImDrawList* lists[] = {&list_};
  ImDrawData data;
  data.Valid = true;
  data.CmdLists = lists;
  data.CmdListsCount = 1;
  data.TotalVtxCount = list_.VtxBuffer.Size;
  data.TotalIdxCount = list_.IdxBuffer.Size;
  data.DisplayPos = record_pos_;
  data.DisplaySize = size_;
  data.FramebufferScale = scale;
  ImGui_ImplOpenGL3_RenderDrawData(&data);
  valid_ = true;
  ++renders_;
}

void CachedView::end(ImDrawList* dl, ImVec4 background) {
  if (size_.x < 1 || size_.y < 1) return;
  if (recording_) rasterize(ImVec4(background.x, background.y, background.z, 1.0f));
  add_blit(dl, &blit_);
}

void CachedView::end_transparent(ImDrawList* dl) {
  if (size_.x < 1 || size_.y < 1) return;
  if (recording_) rasterize(ImVec4(0, 0, 0, 0));
  // Premultiplied colour blends with (one, one − source alpha); ImGui's state comes back after.
  dl->AddCallback([](const ImDrawList*, const ImDrawCmd*) { glBlendFuncSeparate(GL_ONE, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA); },
                  nullptr);
  // The texture's first row is the bottom of the image (GL's origin).
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(target_.texture())), blit_.pos,
               ImVec2(blit_.pos.x + size_.x, blit_.pos.y + size_.y), ImVec2(0, 1), ImVec2(1, 0));
  dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

}  // namespace bp::studio
