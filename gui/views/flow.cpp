#include "flow.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <functional>
#include <vector>

namespace bp::studio {

std::string wrap_at_spaces(const std::string& text, float width, const std::function<float(const std::string&)>& measure, bool hang) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string para = text.substr(start, end - start);
    const size_t lead = std::min(para.find_first_not_of(' '), para.size());
    const std::string indent(lead, ' ');
    std::string line = indent;
    bool first_word = true;
    size_t w = lead;
    const std::string follow = indent + (hang ? "  " : "");
    while (w < para.size()) {
      size_t e = para.find(' ', w);
      if (e == std::string::npos) e = para.size();
      std::string word = para.substr(w, e - w);
      const std::string candidate = first_word ? line + word : line + " " + word;
      if (!first_word && measure(candidate) > width) {
        out += line + "\n";
        line = follow + word;
      } else {
        line = candidate;
      }
      // A word wider than a line of its own (a path): cut after its last '/' that fits, else
      // after its last character that fits (never inside a UTF-8 sequence).
      while (measure(line) > width) {
        const size_t start = line.size() - word.size();
        size_t cut = 0, slash = 0;
        for (size_t i = start + 1; i < line.size(); ++i) {
          if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;  // inside a character
          if (measure(line.substr(0, i)) > width) break;
          cut = i;
          if (line[i - 1] == '/') slash = i;
        }
        if (slash > start) cut = slash;
        if (cut <= start) break;  // not even one character fits: it keeps the line
        out += line.substr(0, cut) + "\n";
        word = line.substr(cut);
        line = follow + word;
      }
      first_word = false;
      w = e + 1;
      while (w < para.size() && para[w] == ' ') ++w;
    }
    out += line;
    if (end == text.size()) break;
    out += "\n";
    start = end + 1;
  }
  return out;
}

std::string wrap_to_window(const std::string& text, bool hang) {
  const float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 4);
  return wrap_at_spaces(text, width, [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }, hang);
}

void text_wrapped_at_spaces(const std::string& text, bool hang) { ImGui::TextUnformatted(wrap_to_window(text, hang).c_str()); }

namespace {

std::string formatted(const char* fmt, va_list args) {
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, args);
  std::vector<char> text(static_cast<size_t>(std::max(n, 0)) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), fmt, again);
  va_end(again);
  return text.data();
}

}  // namespace

void text_wrapped(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::string text = formatted(fmt, args);
  va_end(args);
  text_wrapped_at_spaces(text);
}

void text_paragraph(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::string text = formatted(fmt, args);
  va_end(args);
  text_wrapped_at_spaces(text, false);
}

void text_verdict(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::string text = formatted(fmt, args);
  va_end(args);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.7f, 0.2f, 0.0f, 1));
  text_wrapped_at_spaces(text);
  ImGui::PopStyleColor();
}

void same_line_if_fits(float width) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + spacing + width <= right) ImGui::SameLine();
}

bool list_row(int id, const std::string& text, bool selected, ImGuiSelectableFlags flags) {
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::PushID(id);
  const bool clicked = ImGui::Selectable("##row", selected, flags, ImVec2(0, ImGui::GetTextLineHeight()));
  ImGui::PopID();
  // Where Selectable draws its label, but all of it (ImGui::TextUnformatted does not hide "##"
  // either); the list's window clips it.
  ImGui::GetWindowDrawList()->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), text.c_str(), text.c_str() + text.size());
  return clicked;
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

float combo_width(const std::vector<std::string>& names) {
  float widest = 0;
  for (const std::string& n : names) widest = std::max(widest, ImGui::CalcTextSize(n.c_str(), nullptr, true).x);
  return widest + 2 * ImGui::GetStyle().FramePadding.x + ImGui::GetFrameHeight();  // the arrow button is square
}

float stepper_width(const char* widest) {
  // ImGui::InputInt draws the text field, then two square buttons, each after ItemInnerSpacing.
  const ImGuiStyle& s = ImGui::GetStyle();
  return ImGui::CalcTextSize(widest).x + 2 * s.FramePadding.x + 2 * (ImGui::GetFrameHeight() + s.ItemInnerSpacing.x);
}

bool seed_input(const char* label, uint64_t& seed) {
  const uint64_t one = 1, ten = 10;  // ImGui clamps the buttons' steps at the type's limits
  return ImGui::InputScalar(label, ImGuiDataType_U64, &seed, &one, &ten, "%llu");
}

float labelled_width(const char* label, float control_w) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return control_w + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

void fill_but_label(const char* label, float min_w) {
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = avail - labelled_width(label, 0);
  ImGui::SetNextItemWidth(std::max(w, min_w));
}

}  // namespace bp::studio
