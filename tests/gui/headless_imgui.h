// An ImGui context with no window and no GL, for tests that draw widgets and read what they did:
// an 800x600 display, 60 frames a second, DejaVu Sans at 16 px (ImGui's own font without it).
#pragma once
#include <imgui.h>

#include <filesystem>
#include <iterator>
#include <vector>

#include "views/glyph_ranges.h"

namespace bp::studio {

inline void create_headless_imgui() {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(800, 600);
  io.DeltaTime = 1.0f / 60;
  static const std::vector<ImWchar> ranges(std::begin(kGlyphRanges), std::end(kGlyphRanges));
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::filesystem::exists(font))
    io.Fonts->AddFontFromFileTTF(font, 16.0f, nullptr, ranges.data());
  else
    io.Fonts->AddFontDefault();
  unsigned char* px = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
}

}  // namespace bp::studio
