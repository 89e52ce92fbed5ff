// The layout check finds what it must (text cut by a window edge, a button too narrow for its
// label, a table column shortened with "…", a window off the display) and nothing in a frame
// where everything fits. Runs ImGui headless: no window, no GL.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "headless_imgui.h"
#include "views/flow.h"
#include "views/layout_check.h"

namespace bp::studio {
namespace {

class LayoutCheck : public ::testing::Test {
 protected:
  void SetUp() override { create_headless_imgui(); }
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

  // Three frames of window "Back" drawn first and "Front" over it, focused last.
  static void back_and_front(ImVec2 back_pos, ImVec2 back_size, ImVec2 front_pos, ImVec2 front_size) {
    for (int f = 0; f < 3; ++f) {
      ImGui::NewFrame();
      panel("Back", back_pos, back_size);
      ImGui::TextUnformatted("x");
      ImGui::End();
      ImGui::SetNextWindowFocus();
      panel("Front", front_pos, front_size);
      ImGui::TextUnformatted("y");
      ImGui::End();
      ImGui::Render();
    }
  }
};

bool found(const std::vector<LayoutProblem>& p, const std::string& window, const std::string& text_part, const std::string& what_part) {
  for (const LayoutProblem& x : p)
    if (x.window == window && x.text.find(text_part) != std::string::npos && x.what.find(what_part) != std::string::npos) return true;
  return false;
}

TEST(WrapAtSpaces, BreaksOnlyBetweenWordsSoNumbersStayWhole) {
  auto chars = [](const std::string& s) { return static_cast<float>(s.size()); };  // one unit a byte
  // ImGui's TextWrapped would break this 12 wide after "0." or inside "w[1,"; here the breaks
  // fall at spaces, continuation lines indented by two.
  EXPECT_EQ(wrap_at_spaces("loss L = 0.6663", 12, chars), "loss L =\n  0.6663");
  EXPECT_EQ(wrap_at_spaces("right: w[1,2] + 0.514", 12, chars), "right:\n  w[1,2] +\n  0.514");
  // Fits: unchanged but for runs of spaces, which become one.
  EXPECT_EQ(wrap_at_spaces("a  b", 12, chars), "a b");
  // Paragraphs keep their indentation; a word wider than a line is cut where the line ends.
  EXPECT_EQ(wrap_at_spaces("x\n  aa bb cc", 7, chars), "x\n  aa bb\n    cc");
  EXPECT_EQ(wrap_at_spaces("abcdefghij k", 4, chars), "abcd\n  ef\n  gh\n  ij\n  k");
  EXPECT_EQ(wrap_at_spaces("x\n  aa bb cc", 7, chars, false), "x\n  aa bb\n  cc");  // no hanging indent: a paragraph
  EXPECT_EQ(wrap_at_spaces("", 4, chars), "");
}

TEST(WrapAtSpaces, APathWiderThanALineIsCutAfterASlashNotAtItsDots) {
  auto chars = [](const std::string& s) { return static_cast<float>(s.size()); };
  // ImGui's TextWrapped cut this after "lecture." (or, with no room for it, anywhere); the
  // path's words stay whole where a slash allows.
  EXPECT_EQ(wrap_at_spaces("'/home/me/course/lecture.3.json' is a FIFO", 20, chars),
            "'/home/me/course/\n  lecture.3.json' is\n  a FIFO");
  // A name with no slash that fits: cut after its last character that fits.
  EXPECT_EQ(wrap_at_spaces("/a/bbbbbbbbbbbbbbbbbbbbbbbb", 10, chars), "/a/\n  bbbbbbbb\n  bbbbbbbb\n  bbbbbbbb");
  // Never inside a character: "é" is two bytes, each line within the width.
  EXPECT_EQ(wrap_at_spaces("ééééé", 4, chars), "éé\n  é\n  é\n  é");
  // Not one character fits beside the indentation: it keeps the line rather than looping.
  EXPECT_EQ(wrap_at_spaces("a bcdef", 2, chars), "a\n  bcdef");
}

TEST_F(LayoutCheck, WrappedNumbersAreNotCutAtTheirDecimalPoint) {
  // A narrow window: the tangent view's line wraps, with each number on one line.
  ImGui::NewFrame();
  panel("narrow", ImVec2(0, 0), ImVec2(150, 300));
  const float width = ImGui::GetContentRegionAvail().x;
  const std::string text = "secant: (L(w+ε) − L(w−ε)) / 2ε = -0.0366 (ε = 1e-01)";
  const std::string out = wrap_at_spaces(text, width, [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; });
  ImGui::End();
  ImGui::Render();
  EXPECT_NE(out.find('\n'), std::string::npos) << "the line fits: the test shows nothing";
  EXPECT_NE(out.find("-0.0366"), std::string::npos) << out;
  EXPECT_NE(out.find("1e-01)"), std::string::npos) << out;
  size_t start = 0;
  for (size_t end = out.find('\n'); start < out.size(); start = end + 1, end = out.find('\n', start)) {
    const std::string line = out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(ImGui::CalcTextSize(line.c_str()).x, width) << line;
    if (end == std::string::npos) break;
  }
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

TEST_F(LayoutCheck, TextBelowTheFoldOfAWindowWhoseContentsJustGrewIsNotAFinding) {
  // The frame a view's result arrives in (the loss landscape's, computed in the background): its
  // contents reach past the window's bottom, and ImGui shows the scroll bar from the next frame.
  // A sanitizer-slowed run checked exactly that frame and reported the last line cut.
  int frame = 0;
  const auto p = check([&] {
    ImGui::SetNextWindowPos(ImVec2(10, 10));
    ImGui::SetNextWindowSize(ImVec2(300, 120));
    ImGui::Begin("Grows");
    const int rows = ++frame < 3 ? 2 : 30;
    for (int i = 0; i < rows; ++i) ImGui::Text("row %d", i);
    ImGui::End();
  });
  EXPECT_TRUE(p.empty()) << describe(p);
  // A window that never scrolls (no scroll bar) still has its cut text found.
  const auto fixed = check([] {
    panel("Fixed", ImVec2(10, 10), ImVec2(300, 60));
    for (int i = 0; i < 10; ++i) ImGui::Text("row %d", i);
    ImGui::End();
  });
  EXPECT_TRUE(found(fixed, "Fixed", "row", "cut at the bottom")) << describe(fixed);
}

TEST_F(LayoutCheck, FindsAFloatingWindowsTitleBarHiddenUnderAnotherInFrontOfIt) {
  // "Back" is drawn first, "Front" over it, focused last: a popup aside, only the windows named
  // as floating are checked, and only for what lies in front of them.
  auto frame = [&](float front_x) {
    back_and_front(ImVec2(10, 10), ImVec2(400, 300), ImVec2(front_x, 5), ImVec2(300, 300));
    return check_layout(*ImGui::GetDrawData(), {"Back", "Front"});
  };
  const auto hidden = frame(0);
  EXPECT_TRUE(found(hidden, "Back", "", "title bar hidden under 'Front'")) << describe(hidden);
  EXPECT_FALSE(found(hidden, "Front", "", "title bar")) << describe(hidden);
  const auto beside = frame(200);  // leaves 190 pixels of Back's bar at its left end: its name shows
  EXPECT_FALSE(found(beside, "Back", "", "title bar")) << describe(beside);
  const auto unnamed = [&] {
    frame(0);
    return check_layout(*ImGui::GetDrawData());
  }();
  EXPECT_FALSE(found(unnamed, "Back", "", "title bar")) << describe(unnamed);
}

TEST_F(LayoutCheck, FindsAPartKeptClearUnderAWindowInFrontOnlyWhereItOverlaps) {
  // "Back" keeps its rows 100..150 clear; "Front" covers them, lies below them, or is allowed to.
  auto frame = [&](float front_y, std::vector<std::string> may_cover = {}) {
    back_and_front(ImVec2(10, 10), ImVec2(400, 400), ImVec2(200, front_y), ImVec2(200, 200));
    return check_layout(*ImGui::GetDrawData(), {}, {}, {{"Back", "the loss and accuracy", ImVec4(10, 100, 410, 150), may_cover}});
  };
  const auto over = frame(140);
  EXPECT_TRUE(found(over, "Back", "", "has the loss and accuracy hidden under 'Front'")) << describe(over);
  const auto below = frame(151);
  EXPECT_FALSE(found(below, "Back", "", "hidden")) << describe(below);
  const auto allowed = frame(140, {"Front"});
  EXPECT_FALSE(found(allowed, "Back", "", "hidden")) << describe(allowed);
}

// flow.h's widths, checked by the layout check: a combo box as wide as combo_width shows each of
// its options in full, and 8 pixels less cuts the widest; a seed field as wide as stepper_width
// shows the whole 64-bit seed (not a remainder of it), and its buttons stop at the type's limits.
TEST_F(LayoutCheck, AComboBoxAsWideAsComboWidthShowsEveryOption) {
  const std::vector<std::string> names{"bce", "cross_entropy", "kaiming_uniform", "mse"};
  auto combo = [&](const std::string& shown, float less) {
    return check([&] {
      panel("Combo", ImVec2(10, 10), ImVec2(500, 100));
      ImGui::SetNextItemWidth(combo_width(names) - less);
      if (ImGui::BeginCombo("##c", shown.c_str())) ImGui::EndCombo();
      ImGui::End();
    });
  };
  for (const std::string& n : names) EXPECT_TRUE(combo(n, 0).empty()) << n << ": " << describe(combo(n, 0));
  const auto cut = combo("kaiming_uniform", 8);
  EXPECT_TRUE(found(cut, "Combo", "kaiming", "cut at the right")) << describe(cut);
}

TEST_F(LayoutCheck, ReadsBackTheLinesAWindowDrewWithTheirSpaces) {
  // Spaces come from the pen's advances, not from the gaps between glyph boxes: "." and "j"
  // are drawn far apart but with no space between them.
  check([] {
    panel("Lines", ImVec2(10, 10), ImVec2(400, 200));
    ImGui::TextUnformatted("loss 0.6663 (step 12) in lecture.json");
    ImGui::TextUnformatted("two  spaces");
    ImGui::End();
  });
  const std::vector<std::string> lines = drawn_lines(*ImGui::GetDrawData(), "Lines");
  EXPECT_EQ(lines, (std::vector<std::string>{"Lines", "loss 0.6663 (step 12) in lecture.json", "two spaces"}));
}

TEST_F(LayoutCheck, ListRowsShowNamesWithHashesWholeAndAClickSelectsOnlyTheRowClicked) {
  // File names a user may have: ImGui would show "a##b.json" as "a", and give the last two rows
  // one ID (what follows "###"), so that they light up together.
  const std::vector<std::string> names{"a##b.json", "x###same.json", "y###same.json", "plain.json"};
  std::vector<float> row_y;
  auto frame = [&](ImVec2 mouse, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    std::vector<int> clicked;
    row_y.clear();
    ImGui::NewFrame();
    panel("Files", ImVec2(10, 10), ImVec2(300, 200));
    for (size_t i = 0; i < names.size(); ++i) {
      row_y.push_back(ImGui::GetCursorScreenPos().y + ImGui::GetTextLineHeight() / 2);
      if (list_row(static_cast<int>(i), names[i], false)) clicked.push_back(static_cast<int>(i));
    }
    ImGui::End();
    ImGui::Render();
    return clicked;
  };
  for (int f = 0; f < 2; ++f) frame(ImVec2(-1, -1), false);
  const std::vector<std::string> lines = drawn_lines(*ImGui::GetDrawData(), "Files");
  for (const std::string& n : names)
    EXPECT_NE(std::find(lines.begin(), lines.end(), n), lines.end()) << n << " is not drawn whole: " << ::testing::PrintToString(lines);
  const std::vector<std::string> none = drawn_lines(*ImGui::GetDrawData(), "Other");
  EXPECT_TRUE(none.empty());
  // Press and release over the third row: it alone is clicked.
  const ImVec2 at(100, row_y[2]);
  frame(at, false);
  frame(at, true);
  EXPECT_EQ(frame(at, false), std::vector<int>{2});
}

class SeedField : public LayoutCheck {
 protected:
  // Draws the field `width` wide (0: stepper_width of the seed's digits) with the mouse at
  // `mouse`, pressed or not; returns the layout check's findings.
  std::vector<LayoutProblem> draw(uint64_t& seed, float width = 0, ImVec2 mouse = ImVec2(-1, -1), bool down = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    panel("Seed", ImVec2(10, 10), ImVec2(700, 100));
    const std::string digits = std::to_string(seed);
    field_x_ = ImGui::GetCursorScreenPos().x;
    field_y_ = ImGui::GetCursorScreenPos().y;
    field_w_ = width > 0 ? width : stepper_width(digits.c_str());
    ImGui::SetNextItemWidth(field_w_);
    seed_input("seed", seed);
    button_ = ImGui::GetFrameHeight();
    inner_ = ImGui::GetStyle().ItemInnerSpacing.x;
    ImGui::End();
    ImGui::Render();
    return check_layout(*ImGui::GetDrawData());
  }
  // Clicks the field's - or + button (press, then release over it).
  void click(uint64_t& seed, bool plus) {
    draw(seed);  // lays the field out for this seed
    const float right = field_x_ + field_w_;
    const ImVec2 at(plus ? right - button_ / 2 : right - button_ - inner_ - button_ / 2, field_y_ + button_ / 2);
    draw(seed, 0, at, false);
    draw(seed, 0, at, true);
    draw(seed, 0, at, false);
  }
  float field_x_ = 0, field_y_ = 0, field_w_ = 0, button_ = 0, inner_ = 0;
};

TEST_F(SeedField, ShowsTheWholeSeedAndItsButtonsStopAtTheLimits) {
  uint64_t seed = UINT64_MAX;
  for (int frame = 0; frame < 2; ++frame) draw(seed);
  const auto whole = draw(seed);
  EXPECT_TRUE(whole.empty()) << describe(whole);
  const auto narrow = draw(seed, stepper_width("99999"));
  EXPECT_TRUE(found(narrow, "Seed", "184467", "cut at the right")) << describe(narrow);

  click(seed, true);
  EXPECT_EQ(seed, UINT64_MAX);  // + stops at the largest
  seed = 41;
  click(seed, true);
  EXPECT_EQ(seed, 42u);  // the click lands on +
  click(seed, false);
  EXPECT_EQ(seed, 41u);  // and on -
  seed = 0;
  click(seed, false);
  EXPECT_EQ(seed, 0u);  // - stops at 0
}

}  // namespace
}  // namespace bp::studio
