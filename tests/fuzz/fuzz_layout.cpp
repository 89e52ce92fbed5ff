// Fuzz target: the panel layout file (layout.ini). What checked_layout accepts is its own fixed
// point and is filtered and measured without fault; where Dear ImGui is linked in
// (BP_FUZZ_IMGUI), it is also given to ImGui's reader, as the app gives it, and what ImGui then
// writes back is accepted again. What is refused is refused with an IoError.
#include "backprop/errors.h"
#include "fuzz_check.h"
#include "model/layout_text.h"

#ifdef BP_FUZZ_IMGUI
#include <imgui.h>
#endif

BP_FUZZ_TARGET(layout) {
  using namespace bp;
  using namespace bp::studio;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string checked;
  try {
    checked = checked_layout(text);
  } catch (const IoError&) {
    return;  // refused, with a message: fine
  }
  BP_FUZZ_CHECK(checked_layout(checked) == checked, "an accepted layout is its own fixed point");
  BP_FUZZ_CHECK(filter_windows(checked, [](const std::string&) { return true; }) == checked, "keeping every window keeps the layout");
  const std::set<std::string> names = window_names(checked);
  for (const std::string& name : windows_outside(checked, 1280, 800)) BP_FUZZ_CHECK(names.count(name), "an outside window is one of the layout's");
  const std::string inside = filter_windows(checked, [&](const std::string& n) { return windows_outside(checked, 1280, 800).count(n) == 0; });
  BP_FUZZ_CHECK(windows_outside(inside, 1280, 800).empty(), "leaving out the windows outside leaves none outside");
#ifdef BP_FUZZ_IMGUI
  ImGuiContext* context = ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini written where the test runs
  ImGui::LoadIniSettingsFromMemory(checked.data(), checked.size());
  size_t written = 0;
  const char* back = ImGui::SaveIniSettingsToMemory(&written);
  try {
    checked_layout(std::string(back, written));
  } catch (const IoError& e) {
    BP_FUZZ_CHECK(false, std::string("what ImGui writes from an accepted layout is accepted: ") + e.what());
  }
  ImGui::DestroyContext(context);
#endif
}
