// The layout check finds what it must (text cut by a window edge, a button too narrow for its
// label, a table column shortened with "…", a window off the display) and nothing in a frame
// where everything fits. Runs ImGui headless: no window, no GL.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "views/glyph_ranges.h"
#include "views/layout_check.h"

namespace bp::studio {
namespace {

class LayoutCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(800, 600);
    io.DeltaTime = 1.0f / 60;
    static const std::vector<ImWchar> ranges(std::begin(kGlyphRanges), std::end(kGlyphRanges));
    const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    if (std::filesystem::exists(font)) io.Fonts->AddFontFromFileTTF(font, 16.0f, nullptr, ranges.data());
    else io.Fonts->AddFontDefault();
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
  }
  void TearDown() override { ImGui::DestroyContext(); }

  // Draws `ui` for three frames (window sizes settle) and checks the last one.
  std::vector<LayoutProblem> check(const std::function<void()>& ui) {
    for (int frame = 0; frame < 3; ++frame) {
      ImGui::NewFrame();
      ui();
      ImGui::Render();
    }
    return check_layout(*ImGui::GetDrawData());
  }

  static void panel(const char* name, ImVec2 pos, ImVec2 size) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::Begin(name, nullptr, ImGuiWindowFlags_NoScrollbar);
  }
};

bool found(const std::vector<LayoutProblem>& p, const std::string& window, const std::string& text_part, const std::string& what_part) {
  for (const LayoutProblem& x : p)
    if (x.window == window && x.text.find(text_part) != std::string::npos && x.what.find(what_part) != std::string::npos) return true;
  return false;
}

TEST_F(LayoutCheck, AFrameWhereEverythingFitsHasNoFindings) {
  const auto p = check([] {
    panel("Fits", ImVec2(10, 10), ImVec2(300, 200));
    ImGui::TextUnformatted("short label");
    ImGui::Button("OK");
    ImGui::SameLine();
    ImGui::Button("Cancel");
    ImGui::TextWrapped("A long sentence that wraps inside the window instead of running past its edge, however long it gets.");
    ImGui::End();
  });
  EXPECT_TRUE(p.empty()) << describe(p);
}

TEST_F(LayoutCheck, FindsTextPastTheRightEdge) {
  const auto p = check([] {
    panel("Narrow", ImVec2(10, 10), ImVec2(150, 200));
    ImGui::TextUnformatted("this label is much wider than the window");
    ImGui::End();
  });
  EXPECT_TRUE(found(p, "Narrow", "this label is much", "cut at the right")) << describe(p);
  EXPECT_TRUE(found(p, "Narrow", "", "past its right edge")) << describe(p);
}

TEST_F(LayoutCheck, FindsAButtonTooNarrowForItsLabel) {
  const auto p = check([] {
    panel("Buttons", ImVec2(10, 10), ImVec2(300, 200));
    ImGui::Button("Regenerate the data", ImVec2(60, 0));
    ImGui::End();
  });
  EXPECT_TRUE(found(p, "Buttons", "Reg", "cut at the right")) << describe(p);
}

TEST_F(LayoutCheck, FindsATableHeaderShortenedWithAnEllipsis) {
  if (!std::filesystem::exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")) GTEST_SKIP() << "needs DejaVu Sans (its …)";
  const auto p = check([] {
    panel("Table", ImVec2(10, 10), ImVec2(200, 200));
    if (ImGui::BeginTable("t", 3)) {
      ImGui::TableSetupColumn("a");
      ImGui::TableSetupColumn("loss");
      ImGui::TableSetupColumn("accuracy and more");
      ImGui::TableHeadersRow();
      ImGui::EndTable();
    }
    ImGui::End();
  });
  EXPECT_TRUE(found(p, "Table", "acc", "ellipsis")) << describe(p);
}

TEST_F(LayoutCheck, FindsAWindowOffTheDisplay) {
  const auto p = check([] {
    panel("Off", ImVec2(700, 10), ImVec2(300, 100));
    ImGui::TextUnformatted("x");
    ImGui::End();
  });
  EXPECT_TRUE(found(p, "Off", "", "outside the 800-pixel-wide display")) << describe(p);
}

TEST_F(LayoutCheck, TextBelowTheFoldOfAScrollingWindowIsNotAFinding) {
  const auto p = check([] {
    ImGui::SetNextWindowPos(ImVec2(10, 10));
    ImGui::SetNextWindowSize(ImVec2(300, 120));
    ImGui::Begin("Scrolls");
    for (int i = 0; i < 30; ++i) ImGui::Text("row %d", i);
    ImGui::End();
  });
  EXPECT_TRUE(p.empty()) << describe(p);
}

}  // namespace
}  // namespace bp::studio
