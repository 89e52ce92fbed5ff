// Row layout for panels that must fit every width, from a 1024-pixel window to a 4K projector
// with presenter fonts: items continue a row while they fit and start a new row when they do
// not, and labelled controls take what their label leaves of the row.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bp::studio {

/// `text` with a line break wherever a line would be wider than `width` (by `measure`), at
/// spaces only; each line ('\n') is a paragraph whose continuation lines keep its indentation
/// and, when `hang`, two spaces more; runs of spaces between words become one. A word wider
/// than a line (a file's path) is cut after its last '/' that fits, else after its last
/// character that fits.
std::string wrap_at_spaces(const std::string& text, float width, const std::function<float(const std::string&)>& measure,
                           bool hang = true);
/// `text` wrapped by wrap_at_spaces to the window's content width (at least 4 em), in its font.
std::string wrap_to_window(const std::string& text, bool hang = true);
/// Text wrapped at the window's edge by wrap_at_spaces: ImGui 1.86's TextWrapped also breaks
/// after '.', ',' and ';', which splits numbers across lines ("0.\n001293") and file names
/// ("lecture.\njson"), and a word wider than the line anywhere.
void text_wrapped_at_spaces(const std::string& text, bool hang = true);
/// ImGui::TextWrapped, formatted as it is, but wrapped by text_wrapped_at_spaces, continuation
/// lines indented: for a line that reads as a label and its values ("loss 0.6663", "w[1,2]").
void text_wrapped(const char* fmt, ...) IM_FMTARGS(1);
/// The same for sentences (a message, an error naming a file): continuation lines not indented,
/// as ImGui::TextWrapped draws them.
void text_paragraph(const char* fmt, ...) IM_FMTARGS(1);
/// A view's verdict (what is wrong at these weights, and what to do), as text_wrapped draws it,
/// in the teaching views' one colour for verdicts: dark orange.
void text_verdict(const char* fmt, ...) IM_FMTARGS(1);
/// A size for an item that fills the room left (GetContentRegionAvail): at least a pixel each
/// way. ImGui asserts on an empty item, and a window shrunk below its contents leaves none (the
/// graph inspector after a random user's resizes to 731x442 in presenter mode).
inline ImVec2 nonempty(ImVec2 size) { return ImVec2(size.x < 1 ? 1 : size.x, size.y < 1 ? 1 : size.y); }
/// A row of a list that shows `text` whole and reports a click like ImGui::Selectable, under the
/// ID `id` (unique in the list). A label would lose what follows "##" (a file named a##b.json
/// showed as "a"), and rows whose names end alike after "###" would share one ID.
bool list_row(int id, const std::string& text, bool selected, ImGuiSelectableFlags flags = 0);
/// Before an item `width` pixels wide that follows another: the same row when it fits.
void same_line_if_fits(float width);
/// A button's width for its label (the text before any "##").
float button_width(const char* label);
/// A combo box wide enough to show the widest of `names` in full, beside its arrow button.
float combo_width(const std::vector<std::string>& names);
/// An integer field with its - and + buttons, wide enough to show `widest` (e.g. "99999") in full.
float stepper_width(const char* widest);
/// A random seed's field, with - and + buttons: it shows the whole seed (any 64-bit value a
/// session holds), and the buttons stop at 0 and at the largest. True when the seed changed.
bool seed_input(const char* label, uint64_t& seed);
/// A framed control `control_w` wide with its label on the right, as ImGui draws them.
float labelled_width(const char* label, float control_w);
/// The next framed control fills the rest of the row but for its label, to its right, and
/// never gets narrower than `min_w` (it then takes a row of its own).
void fill_but_label(const char* label, float min_w = 0);

}  // namespace bp::studio
