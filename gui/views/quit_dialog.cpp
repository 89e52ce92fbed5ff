// The question when quitting could not save the session (a full disk, the state folder gone):
// the app stays open until the user saves it elsewhere or chooses to quit without saving.
#include <imgui.h>

#include "views/flow.h"
#include "views/studio_app.h"

namespace bp::studio {

void StudioApp::refuse_quit(const std::string& why) {
  if (quit_dialog_open_) {  // asked already: closing the window again quits without saving
    quit_ = quit_anyway_ = true;
    return;
  }
  quit_ = false;
  quit_problem_ = why;
  open_quit_popup_ = true;
}

void StudioApp::quit_dialog() {
  const char* title = "The session was not saved###quit";
  if (open_quit_popup_) {
    ImGui::OpenPopup(title);
    open_quit_popup_ = false;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(em * 30, display.x * 0.9f), 0), ImGuiCond_Always);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  quit_dialog_open_ = ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_NoSavedSettings);
  if (!quit_dialog_open_) return;
  note_window(title);
  text_wrapped_at_spaces("The session could not be saved on exit: " + quit_problem_, false);
  text_wrapped_at_spaces("Save it to a file of your choice, or quit without saving it (Ctrl+Q, or close the window, again).", false);
  ImGui::Spacing();
  bool close = false;
  const bool enter = !ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
  if (ImGui::Button("Save as... (Enter)") || enter) {
    close = true;
    ask_path(PathAction::SaveSession, "session.json");
    quit_after_save_ = true;
  }
  ImGui::SameLine();
  if (ImGui::Button("Quit without saving")) close = quit_ = quit_anyway_ = true;
  ImGui::SameLine();
  if (ImGui::Button("Stay")) close = true;
  if (close) {
    ImGui::CloseCurrentPopup();
    quit_dialog_open_ = false;
  }
  ImGui::EndPopup();
}

}  // namespace bp::studio
