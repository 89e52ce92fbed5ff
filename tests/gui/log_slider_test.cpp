// The slider over decades (the tangent view's ε): a click anywhere along its track gives the
// value of that place on a log scale from 1e-4 to 1, rounded to what it shows. ImGui 1.86's own
// logarithmic slider with the "%.0e" format the view had gave 10 (clamped to 1 in the app) for
// every place but the left end, and with "%.2g" nothing between 1e-4 and 0.014.
// Runs ImGui headless: the mouse is set in ImGuiIO, frame by frame.
#include "views/log_slider.h"

#include <gtest/gtest.h>

#include <cmath>

#include "headless_imgui.h"

namespace bp::studio {
namespace {

TEST(RoundToSignificant, KeepsTheDigitsPrintfShows) {
  EXPECT_EQ(round_to_significant(0.25, 2), 0.25);
  EXPECT_EQ(round_to_significant(0.123456, 2), 0.12);
  EXPECT_EQ(round_to_significant(0.00012345, 2), 0.00012);
  EXPECT_EQ(round_to_significant(0.0996, 2), 0.1);
  EXPECT_EQ(round_to_significant(123456.0, 3), 123000.0);
  EXPECT_EQ(round_to_significant(0.0, 2), 0.0);
  EXPECT_TRUE(std::isinf(round_to_significant(INFINITY, 2)));
}

class LogSlider : public ::testing::Test {
 protected:
  void SetUp() override { create_headless_imgui(); }
  void TearDown() override { ImGui::DestroyContext(); }

  // One frame with the mouse at `mouse`, its left button down or not: the slider in a window at
  // (20, 20), 300 pixels wide. Returns whether log_slider said it changed `v`.
  bool frame(ImVec2 mouse, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(20, 20));
    ImGui::SetNextWindowSize(ImVec2(400, 100));
    ImGui::Begin("slider");
    ImGui::SetNextItemWidth(kWidth);
    const bool changed = log_slider("ε", v, 1e-4f, 1.0f);
    track_min = ImGui::GetItemRectMin();  // the item's rectangle holds its label too
    track_max = ImVec2(track_min.x + kWidth, ImGui::GetItemRectMax().y);
    ImGui::End();
    ImGui::Render();
    return changed;
  }

  // A click at `fraction` of the track's width (0: its left edge): the value it gives.
  float click_at(float fraction) {
    frame(ImVec2(-100, -100), false);  // where the track is
    const ImVec2 at(track_min.x + fraction * (track_max.x - track_min.x), (track_min.y + track_max.y) / 2);
    frame(at, false);
    frame(at, true);
    frame(at, false);
    return v;
  }

  static constexpr float kWidth = 300;
  float v = 0.3f;
  ImVec2 track_min, track_max;
};

TEST_F(LogSlider, EveryPlaceAlongTheTrackIsItsDecade) {
  // Halfway is 0.01, a quarter 0.001, three quarters 0.1: each within a tenth of a decade (the
  // grab's half-width and the frame's padding shift the ends a little), strictly increasing.
  float last = 0;
  for (const float f : {0.1f, 0.25f, 0.4f, 0.5f, 0.6f, 0.75f, 0.9f}) {
    v = 0.3f;
    const float got = click_at(f);
    EXPECT_NEAR(std::log10(got), -4.0 + 4.0 * f, 0.1) << "clicked at " << f << " of the track: " << got;
    EXPECT_GT(got, last) << "clicked at " << f;
    EXPECT_EQ(got, static_cast<float>(round_to_significant(got, 2))) << "the value is what the slider shows";
    last = got;
  }
  v = 0.3f;
  EXPECT_EQ(click_at(0.005f), 1e-4f);  // the ends of the track (past the grab's half-width)
  EXPECT_EQ(click_at(0.995f), 1.0f);
}

TEST_F(LogSlider, CtrlClickTypesAValueKeptAsTyped) {
  // Ctrl+click at the track's middle: no jump to 0.01, a field instead; "0.00123" typed and
  // Enter: ε is 0.00123 (not rounded to two digits); "7" typed: 1, the end of the range.
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_Enter] = 13;
  auto type = [&](const char* text) {
    frame(ImVec2(-100, -100), false);
    const ImVec2 at(track_min.x + 0.5f * kWidth, (track_min.y + track_max.y) / 2);
    io.KeyCtrl = true;
    frame(at, false);
    frame(at, true);
    io.KeyCtrl = false;
    frame(at, false);
    EXPECT_EQ(v, 0.3f) << "the Ctrl+click moved the value";
    for (int i = 0; i < 3; ++i) frame(at, false);  // the field takes the keyboard
    io.AddInputCharactersUTF8(text);
    frame(at, false);
    io.KeysDown[13] = true;
    frame(at, false);
    io.KeysDown[13] = false;
    for (int i = 0; i < 3; ++i) frame(at, false);
    return v;
  };
  v = 0.3f;
  EXPECT_EQ(type("0.00123"), 0.00123f);
  v = 0.3f;
  EXPECT_EQ(type("7"), 1.0f);
  // Back to a slider: a plain click at the middle gives 0.01 again.
  v = 0.3f;
  EXPECT_NEAR(std::log10(click_at(0.5f)), -2.0, 0.1);
}

TEST_F(LogSlider, AValueSetElsewhereStaysUntilTheSliderIsMoved) {
  // 0.25 from a session: shown and kept though the slider would round a dragged value to two
  // digits too; drawing it with the mouse elsewhere changes nothing.
  v = 0.25f;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(frame(ImVec2(700, 500), i == 1));
  EXPECT_EQ(v, 0.25f);
  v = 5.0f;  // out of range: shown at the end, untouched until moved
  EXPECT_FALSE(frame(ImVec2(700, 500), false));
  EXPECT_EQ(v, 5.0f);
}

}  // namespace
}  // namespace bp::studio
