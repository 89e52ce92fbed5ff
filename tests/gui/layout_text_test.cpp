// The panel layout file's check (model/layout_text.h): what the app writes gets through as it is,
// anything else is refused naming its line, before ImGui's reader (which trusts its file) sees it.
#include "model/layout_text.h"

#include <gtest/gtest.h>

#include "backprop/errors.h"

namespace bp::studio {
namespace {

// What ImGui 1.86 wrote for the app at 1280x800 (two of its panels).
const std::string kWritten =
    "[Window][Canvas]\nPos=256,24\nSize=678,568\nCollapsed=0\n\n"
    "[Window][Debug##Default]\nPos=60,60\nSize=400,400\nCollapsed=0\n";

std::string refusal(const std::string& text) {
  try {
    checked_layout(text);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(LayoutText, WhatTheAppWritesGetsThroughUnchanged) {
  EXPECT_EQ(checked_layout(kWritten), kWritten);
  EXPECT_EQ(checked_layout(""), "");
  // Blank and comment lines dropped, Windows line ends read as ImGui reads them.
  EXPECT_EQ(checked_layout("; a comment\r\n\r\n[Window][Canvas]\r\nPos=-5,24\r\n\r\nCollapsed=1\r\n"),
            "[Window][Canvas]\nPos=-5,24\nCollapsed=1\n");
  const std::string once = checked_layout("[Window][A]\nPos=1,2\n\n\n[Window][B]\n[Window][A]\nSize=3,4\n");
  EXPECT_EQ(checked_layout(once), once) << "its own result is a fixed point";
}

TEST(LayoutText, ATableSectionOfTwoBillionColumnsIsRefusedBeforeImGuiSeesIt) {
  // ImGui 1.86's reader allocated the columns through an int and crashed the app at every start.
  EXPECT_EQ(refusal(kWritten + "\n[Table][0x12345678,2000000000]\nColumn 0 Width=10\n"),
            "line 11: '[Table][0x12345678,2000000000]' is not a panel's section: this app writes [Window][name] sections only");
}

TEST(LayoutText, EveryOtherLineThatTheAppDoesNotWriteIsRefusedNamingIt) {
  const struct {
    std::string text, message;
  } cases[] = {
      {"Pos=1,2\n", "line 1: 'Pos=1,2' comes before any [Window][name] section"},
      {"[Window][]\n", "is not a panel's section"},
      {"[Window]\n", "is not a panel's section"},
      {"[Window][Canvas\n", "is not a panel's section"},
      {"[Docking][Data]\n", "is not a panel's section"},
      {"[Window][a\x1b[2Jb]\n", "control character or a bracket"},
      {"[Window][" + std::string(300, 'x') + "]\n", "names a panel longer than 256 bytes"},
      {"[Window][A]\nPos=40000,0\n", "line 2: 'Pos=40000,0' is not a position: two whole numbers from -32768 to 32767"},
      {"[Window][A]\nPos=1\n", "is not a position"},
      {"[Window][A]\nPos=+1,2\n", "is not a position"},
      {"[Window][A]\nPos=1,2,3\n", "is not a position"},
      {"[Window][A]\nPos=nan,2\n", "is not a position"},
      {"[Window][A]\nPos=99999999999999999999,2\n", "is not a position"},
      {"[Window][A]\nSize=-1,10\n", "is not a size: two whole numbers from 0 to 32767"},
      {"[Window][A]\nSize=10,32768\n", "is not a size"},
      {"[Window][A]\nCollapsed=2\n", "line 2: 'Collapsed=2' is not Collapsed=0 or Collapsed=1"},
      {"[Window][A]\n Pos=1,2\n", "is not a panel's Pos=, Size= or Collapsed= line"},
      {"[Window][A]\nColumn 0 Width=10\n", "is not a panel's Pos=, Size= or Collapsed= line"},
      {"[Window][A]\r\n\r\n[Window][B]\r\nSize=1\r\n", "line 4: 'Size=1' is not a size"},
  };
  for (const auto& c : cases) {
    const std::string why = refusal(c.text);
    EXPECT_NE(why.find(c.message), std::string::npos) << c.text.substr(0, 40) << " gave: " << why;
    EXPECT_EQ(why.find('\x1b'), std::string::npos) << "control characters escaped";
    EXPECT_LT(why.size(), 200u);
  }
}

TEST(LayoutText, AFileNamingMorePanelsThanALayoutHoldsIsRefused) {
  std::string text;
  for (size_t i = 0; i < kMaxLayoutWindows; ++i) text += "[Window][w" + std::to_string(i) + "]\nPos=0,0\n";
  EXPECT_NO_THROW(checked_layout(text + "[Window][w0]\n")) << "a panel named again is not another";
  EXPECT_NE(refusal(text + "[Window][one more]\n").find("is one panel more than the 1000 a layout holds"), std::string::npos);
}

TEST(LayoutText, TheWindowsOutsideAWindowOfAGivenSizeAreNamed) {
  const std::string text = checked_layout(
      "[Window][inside]\nPos=0,24\nSize=1280,776\n\n"
      "[Window][rounded]\nPos=934,24\nSize=347,777\n\n"  // a unit of rounding over
      "[Window][left]\nPos=-1,24\nSize=10,10\n\n"
      "[Window][above]\nPos=10,-30000\nSize=10,10\n\n"
      "[Window][right]\nPos=917,60\nSize=480,480\n\n"
      "[Window][too tall]\nSize=10,900\n\n"
      "[Window][no place]\nCollapsed=1\n\n"
      "[Window][moved back]\nPos=2000,0\n\n[Window][moved back]\nPos=5,5\n");
  EXPECT_EQ(windows_outside(text, 1280, 800), (std::set<std::string>{"left", "above", "right", "too tall"}));
  EXPECT_EQ(windows_outside(text, 1920, 1080), (std::set<std::string>{"left", "above"}));
  EXPECT_EQ(window_names(text).size(), 8u);
}

TEST(LayoutText, FilteringKeepsTheWindowsAskedForAndNothingElse) {
  const std::string imgui = kWritten + "\n[Window][Hidden space]\nPos=917,60\nSize=480,480\nCollapsed=0\n\n[Table][0x1,3]\nColumn 0 Width=4\n";
  const std::string kept = filter_windows(imgui, [](const std::string& name) { return name != "Hidden space"; });
  EXPECT_EQ(kept, kWritten) << "the view and the table left out";
  EXPECT_EQ(filter_windows(imgui, [](const std::string&) { return false; }), "");
  EXPECT_EQ(window_names(kept), (std::set<std::string>{"Canvas", "Debug##Default"}));
}

}  // namespace
}  // namespace bp::studio
