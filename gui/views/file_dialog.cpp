// File dialogs: what the dialog does in its title and on its button (Open, Save, Import,
// Export), the folder with its subfolders and the files of the kind asked for (FileBrowser),
// the name box, and why a file was refused. Saving over an existing file asks first.
#include <filesystem>

#include "backprop/data.h"
#include "backprop/errors.h"
#include "common/graph_image.h"
#include "flow.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

struct DialogKind {
  const char* title;
  const char* verb;  // the button
  const char* files;  // what the list shows
  std::vector<std::string> extensions;
  bool writes;
};

DialogKind kind_of(PathAction a) {
  switch (a) {
    case PathAction::OpenSession: return {"Open session", "Open", "sessions and presets (.json)", {".json"}, false};
    case PathAction::SaveSession: return {"Save session", "Save", "sessions (.json)", {".json"}, true};
    case PathAction::ImportCsv: return {"Import points", "Import", "points (.csv: x, y, label)", {".csv"}, false};
    case PathAction::ExportCsv: return {"Export points", "Export", "points (.csv: x, y, label)", {".csv"}, true};
    case PathAction::CanvasPng: return {"Save canvas as PNG", "Save", "images (.png)", {".png"}, true};
    case PathAction::ExportGraph: return {"Export graph", "Export", "graphs (.dot, .gv, .svg, .png)", {".dot", ".gv", ".svg", ".png"}, true};
    case PathAction::OpenModel: return {"Open model", "Open", "models (.json)", {".json"}, false};
    case PathAction::ExportModel: return {"Export model", "Export", "models (.json)", {".json"}, true};
    case PathAction::None: break;
  }
  return {"File", "OK", "files", {}, false};
}

}  // namespace

void StudioApp::ask_path(PathAction a, const char* initial, const std::string& folder) {
  path_action_ = a;
  quit_after_save_ = false;
  enter_released_ = false;  // an Enter that opened the dialog does not also accept its default name
  std::snprintf(path_buf_, sizeof path_buf_, "%s", initial);
  path_error_.clear();
  confirm_replace_.clear();
  // The folder asked for, else that of the last dialog (the working folder at first), listed afresh.
  browser_.list(folder.empty() ? browser_.folder() : folder, kind_of(a).extensions);
  open_path_popup_ = true;
}

void StudioApp::run_path_action(const std::string& p) {
  switch (path_action_) {
    case PathAction::OpenSession: m_.load_session(p); fit_view(); break;
    case PathAction::SaveSession:
      m_.save_session(p);
      m_.set_message("Saved the session to " + p);
      if (quit_after_save_) quit_ = quit_anyway_ = true;  // saved instead of the autosave: quit now
      break;
    case PathAction::ImportCsv: m_.import_csv(p); fit_view(); break;
    case PathAction::ExportCsv: m_.export_csv(p); m_.set_message("Exported the points to " + p); break;
    case PathAction::CanvasPng:
      // The name was checked as every save's is (file_dialog, before this). Taken two frames
      // later, once the dialog has closed, on a frame that draws no window over the canvas (the
      // canvas image is the canvas alone).
      screenshot_request_ = p;
      screenshot_countdown_ = 2;
      break;
    case PathAction::ExportGraph: {
      if (!inspector_.ready()) break;
      const auto format = tools::graph_format_for(p);
      if (!format) throw ValueError("use a file name ending in .dot, .svg or .png");
      tools::write_graph(p, inspector_.graph(), *format, &inspector_.layout());
      m_.set_message("Saved the graph to " + p);
      break;
    }
    case PathAction::OpenModel: {
      const std::string said = m_.open_model(p);
      fit_view();
      m_.set_message(said);
      break;
    }
    case PathAction::ExportModel: m_.set_message(m_.export_model(p)); break;
    case PathAction::None: break;
  }
}

void StudioApp::file_dialog() {
  const DialogKind kind = kind_of(path_action_);
  const std::string title = std::string(kind.title) + "###file";  // one ID whatever the title
  if (open_path_popup_) {
    ImGui::OpenPopup(title.c_str());
    open_path_popup_ = false;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float em = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(em * 34, display.x * 0.9f), 0), ImGuiCond_Always);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  note_window(title.c_str());
  bool accept = false;

  // The folder: its path (wrapped), Up, and its folders and files of this kind.
  if (ImGui::Button("Up")) browser_.up();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the parent folder");
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  text_wrapped_at_spaces(browser_.folder(), false);
  ImGui::PopStyleColor();
  const float list_h = std::min(em * 12, display.y * 0.4f);
  if (ImGui::BeginChild("files", ImVec2(0, list_h), true)) {
    if (!browser_.error().empty()) text_paragraph("%s", browser_.error().c_str());
    if (browser_.entries().empty() && browser_.error().empty()) ImGui::TextDisabled("no folders or %s here", kind.files);
    std::string open_folder;
    int row = 0;
    for (const FileBrowser::Entry& e : browser_.entries()) {
      const std::string label = e.folder ? e.name + "/" : e.name;
      if (list_row(row++, label, !e.folder && e.name == path_buf_, ImGuiSelectableFlags_AllowDoubleClick)) {
        if (e.folder) {
          open_folder = e.name;
        } else {
          std::snprintf(path_buf_, sizeof path_buf_, "%s", e.name.c_str());
          confirm_replace_.clear();
          if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) accept = true;
        }
      }
    }
    if (browser_.truncated()) ImGui::TextDisabled("(the first %zu entries)", kMaxBrowserEntries);
    if (!open_folder.empty()) browser_.list(browser_.resolve(open_folder), kind.extensions);
  }
  ImGui::EndChild();
  ImGui::TextDisabled("showing folders and %s", kind.files);

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(kind.writes ? "Save as:" : "File:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  // Type at once (the default name is selected), and again after a refusal or a question, so
  // that Enter answers "replace it?".
  // Enter answers a question only once released and pressed again: a held key's repeats do not
  // (nor do they take the focus back from the box).
  if (!ImGui::IsKeyDown(ImGui::GetKeyIndex(ImGuiKey_Enter))) enter_released_ = true;
  if (ImGui::IsWindowAppearing() || (focus_path_ && enter_released_)) {
    ImGui::SetKeyboardFocusHere();
    focus_path_ = false;
  }
  if (ImGui::InputText("##path", path_buf_, sizeof path_buf_, ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll)) {
    if (enter_released_) accept = true;
    else focus_path_ = true;  // a held Enter's repeat took the focus off the box: give it back once released
  }
  if (ImGui::IsItemEdited()) confirm_replace_.clear();
  if (!path_error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.1f, 0.1f, 1));
    text_paragraph("%s", path_error_.c_str());
    ImGui::PopStyleColor();
  }
  if (ImGui::Button(kind.verb, ImVec2(em * 5, 0))) accept = true;
  ImGui::SameLine();
  if (ImGui::Button("Cancel", ImVec2(em * 5, 0))) {
    quit_after_save_ = false;
    ImGui::CloseCurrentPopup();
  }
  if (accept) {
    std::string p = browser_.resolve(path_buf_);
    std::error_code ec;
    const bool folder = !p.empty() && std::filesystem::is_directory(p, ec);
    std::string misnamed;  // why a save cannot be made under this name (else p has its kind's extension)
    if (kind.writes && !folder) {
      try {
        p = save_path_for(p, kind.extensions);
      } catch (const ValueError& e) {
        misnamed = e.what();
      }
      // A file that cannot be saved over (read-only, a device, a folder that takes no new file)
      // is said before "replace it?" is asked, not after the answer.
      if (misnamed.empty()) {
        try {
          check_save_target(p);
        } catch (const IoError& e) {
          misnamed = e.what();
        }
      }
    }
    if (folder) {
      browser_.list(p, kind.extensions);  // a folder typed or picked: open it
      path_buf_[0] = '\0';
    } else if (!misnamed.empty()) {
      path_error_ = misnamed;
      focus_path_ = true;
      enter_released_ = false;
    } else if (kind.writes && std::filesystem::exists(p, ec) && confirm_replace_ != p) {
      confirm_replace_ = p;
      path_error_ = std::filesystem::path(p).filename().string() + " exists: press " + kind.verb + " (or Enter) again to replace it.";
      focus_path_ = true;
      enter_released_ = false;
    } else {
      try {
        run_path_action(p);
        ImGui::CloseCurrentPopup();
      } catch (const std::exception& e) {
        path_error_ = e.what();  // the user fixes the name; nothing was changed
        focus_path_ = true;
      }
    }
  }
  ImGui::EndPopup();
}

}  // namespace bp::studio
