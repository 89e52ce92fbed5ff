#include "layout_check.h"

#include <imgui_internal.h>  // the windows' content sizes and scroll bars

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "model/view_spot.h"

namespace bp::studio {
namespace {

struct GlyphUv {
  ImVec2 uv0, uv1;  // its rectangle in the font atlas
  unsigned cp;
  float y0, y1, x0, advance, font_size;  // its quad and advance from the pen, in its font's pixels
};

struct Drawn {
  ImVec2 p0, p1;  // on screen
  ImVec4 clip;
  unsigned cp;
  float pen0, pen1, font_size;  // the pen before and after it, and the font's size, as drawn
  bool cut_left = false, cut_right = false, cut_top = false, cut_bottom = false;
};

void append_utf8(std::string& s, unsigned cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Every glyph of every loaded font, by its atlas rectangle.
std::vector<GlyphUv> atlas_glyphs() {
  std::vector<GlyphUv> out;
  for (const ImFont* f : ImGui::GetIO().Fonts->Fonts)
    for (const ImFontGlyph& g : f->Glyphs)
      if (g.Visible) out.push_back({ImVec2(g.U0, g.V0), ImVec2(g.U1, g.V1), g.Codepoint, g.Y0, g.Y1, g.X0, g.AdvanceX, f->FontSize});
  return out;
}

// The glyph quads of one draw list. ImGui writes a glyph as four vertices (top-left, top-right,
// bottom-right, bottom-left) and six indices; a glyph cut on the CPU (RenderTextClipped) keeps
// its layout with a smaller rectangle of the glyph's atlas area.
std::vector<Drawn> glyph_quads(const ImDrawList& dl, const std::vector<GlyphUv>& glyphs, ImTextureID font_tex) {
  std::vector<Drawn> out;
  const float eps = 1e-6f;
  for (const ImDrawCmd& cmd : dl.CmdBuffer) {
    if (cmd.UserCallback || cmd.TextureId != font_tex) continue;
    const unsigned end = cmd.IdxOffset + cmd.ElemCount;
    for (unsigned i = cmd.IdxOffset; i + 6 <= end; i += 3) {
      const ImDrawIdx* ix = &dl.IdxBuffer[static_cast<int>(i)];
      const ImDrawIdx a = ix[0];
      if (ix[1] != a + 1 || ix[2] != a + 2 || ix[3] != a || ix[4] != a + 2 || ix[5] != a + 3) continue;
      const ImDrawVert& tl = dl.VtxBuffer[static_cast<int>(a + cmd.VtxOffset)];
      const ImDrawVert& br = dl.VtxBuffer[static_cast<int>(a + 2 + cmd.VtxOffset)];
      if (tl.uv.x >= br.uv.x || tl.uv.y >= br.uv.y) continue;  // a filled shape (one white texel)
      for (const GlyphUv& g : glyphs) {
        if (tl.uv.x < g.uv0.x - eps || tl.uv.y < g.uv0.y - eps || br.uv.x > g.uv1.x + eps || br.uv.y > g.uv1.y + eps) continue;
        const float scale = g.y1 > g.y0 ? (br.pos.y - tl.pos.y) / (g.y1 - g.y0) : 1.0f;
        const float pen = tl.pos.x - g.x0 * scale;
        Drawn d{tl.pos, br.pos, cmd.ClipRect, g.cp, pen, pen + g.advance * scale, g.font_size * scale};
        d.cut_left = tl.uv.x > g.uv0.x + eps || tl.pos.x < cmd.ClipRect.x - 0.5f;
        d.cut_right = br.uv.x < g.uv1.x - eps || br.pos.x > cmd.ClipRect.z + 0.5f;
        d.cut_top = tl.uv.y > g.uv0.y + eps || tl.pos.y < cmd.ClipRect.y - 0.5f;
        d.cut_bottom = br.uv.y < g.uv1.y - eps || br.pos.y > cmd.ClipRect.w + 0.5f;
        out.push_back(d);
        i += 3;  // the quad's second triangle
        break;
      }
    }
  }
  return out;
}

// The run of glyphs around glyph k drawn on one line (spaces are not drawn: a gap between one
// glyph's advance and the next glyph's pen becomes a space).
// Whether glyph b follows glyph a on one line of text.
bool follows(const std::vector<Drawn>& q, size_t a, size_t b) {
  const float h = std::max(q[a].p1.y - q[a].p0.y, 4.0f);
  return std::fabs(q[a].p1.y - q[b].p1.y) < h && q[b].p0.x > q[a].p0.x && q[b].p0.x - q[a].p1.x < 2.5f * h;
}

std::string text_run(const std::vector<Drawn>& q, size_t k) {
  auto same_line = [&](size_t a, size_t b) { return follows(q, a, b); };
  size_t first = k, last = k;
  while (first > 0 && same_line(first - 1, first)) --first;
  while (last + 1 < q.size() && same_line(last, last + 1)) ++last;
  std::string s;
  for (size_t i = first; i <= last; ++i) {
    if (i > first && q[i].pen0 - q[i - 1].pen1 > 0.15f * q[i].font_size) s += ' ';
    append_utf8(s, q[i].cp);
  }
  return s;
}

std::string fmt(const char* f, double a, double b = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b);
  return buf;
}

// Whether a window counts as lying in front of others: a shown top-level window, not a popup,
// menu or tooltip (those come and go).
bool in_front(const ImGuiWindow& f) {
  const ImGuiWindowFlags transient = ImGuiWindowFlags_Popup | ImGuiWindowFlags_Modal | ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_ChildMenu;
  return f.Active && !f.Hidden && !f.ParentWindow && !(f.Flags & transient);
}

// The windows in front of `name` when they leave too little of its title bar showing
// (title_bar_shows), or "" when enough shows (or the window is not open). Popups, menus and
// tooltips do not count.
std::string title_bar_covered_by(const std::string& name) {
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  const ImGuiWindow* w = ImGui::FindWindowByName(name.c_str());
  if (!w || !w->Active || w->Hidden) return "";
  const int at = g.Windows.index_from_ptr(std::find(g.Windows.begin(), g.Windows.end(), w));
  // The bar's height as drawn (TitleBarHeight() would use the font current now, after the frame).
  const float bar = w->Collapsed ? w->Size.y : w->InnerRect.Min.y - w->Pos.y;
  const float mid_y = w->Pos.y + bar / 2;
  std::vector<std::pair<float, float>> covering;  // along the title bar's middle
  std::string covers;
  for (int i = at + 1; i < g.Windows.Size; ++i) {
    const ImGuiWindow* f = g.Windows[i];
    if (!in_front(*f)) continue;
    if (mid_y < f->Pos.y || mid_y > f->Pos.y + f->Size.y) continue;
    if (f->Pos.x >= w->Pos.x + w->Size.x || f->Pos.x + f->Size.x <= w->Pos.x) continue;
    covering.emplace_back(f->Pos.x, f->Pos.x + f->Size.x);
    covers += std::string(covers.empty() ? "'" : ", '") + f->Name + "'";
  }
  return title_bar_shows(w->Pos.x, w->Pos.x + w->Size.x, covering, bar) ? "" : covers;
}

// The windows in front of `name` that overlap `rect` (all of the window when it is not given),
// or "" (popups, menus and tooltips aside, and those in `may_cover`).
std::string overlapped_by(const std::string& name, std::optional<ImVec4> rect = std::nullopt,
                          const std::vector<std::string>& may_cover = {}) {
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  const ImGuiWindow* w = ImGui::FindWindowByName(name.c_str());
  if (!w || !w->Active || w->Hidden) return "";
  const ImVec4 r = rect.value_or(ImVec4(w->Pos.x, w->Pos.y, w->Pos.x + w->Size.x, w->Pos.y + w->Size.y));
  const int at = g.Windows.index_from_ptr(std::find(g.Windows.begin(), g.Windows.end(), w));
  std::string over;
  for (int i = at + 1; i < g.Windows.Size; ++i) {
    const ImGuiWindow* f = g.Windows[i];
    if (!in_front(*f) || std::find(may_cover.begin(), may_cover.end(), f->Name) != may_cover.end()) continue;
    const float dx = std::min(r.z, f->Pos.x + f->Size.x) - std::max(r.x, f->Pos.x);
    const float dy = std::min(r.w, f->Pos.y + f->Size.y) - std::max(r.y, f->Pos.y);
    if (dx > 1 && dy > 1) over += std::string(over.empty() ? "'" : ", '") + f->Name + "'";
  }
  return over;
}

}  // namespace

std::vector<LayoutProblem> check_layout(const ImDrawData& draw_data, const std::vector<std::string>& floating,
                                        const std::vector<std::string>& unhidden, const std::vector<KeptClear>& kept_clear) {
  std::vector<LayoutProblem> out;
  const ImGuiIO& io = ImGui::GetIO();
  const std::vector<GlyphUv> glyphs = atlas_glyphs();
  for (int l = 0; l < draw_data.CmdListsCount; ++l) {
    const ImDrawList& dl = *draw_data.CmdLists[l];
    const std::string owner = dl._OwnerName ? dl._OwnerName : "";
    const ImGuiWindow* win = owner.empty() ? nullptr : ImGui::FindWindowByName(owner.c_str());
    // A window scrolls where it shows a scroll bar, or will from the next frame: its contents
    // grew past its bottom this frame (ImGui decides on the scroll bar from the last frame's
    // contents, so the frame a view's result arrives in has none yet).
    const bool grew_past = win && !(win->Flags & ImGuiWindowFlags_NoScrollbar) && win->DC.CursorMaxPos.y > win->InnerRect.Max.y + 1;
    const bool scrolls_y = win && (win->ScrollbarY || grew_past), scrolls_x = win && win->ScrollbarX;
    const std::vector<Drawn> q = glyph_quads(dl, glyphs, io.Fonts->TexID);
    std::string last_run;
    for (size_t k = 0; k < q.size(); ++k) {
      const Drawn& d = q[k];
      std::string what;
      if (d.cp == 0x2026) {
        what = "is shortened with an ellipsis";
      } else if ((d.cut_left || d.cut_right) && !scrolls_x) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "is cut at the %s (clip x %.0f..%.0f, glyph x %.0f..%.0f)", d.cut_right ? "right" : "left",
                      static_cast<double>(d.clip.x), static_cast<double>(d.clip.z), static_cast<double>(d.p0.x),
                      static_cast<double>(d.p1.x));
        what = buf;
      } else if ((d.cut_top || d.cut_bottom) && !scrolls_y) {
        what = d.cut_top ? "is cut at the top" : "is cut at the bottom";
      }
      if (what.empty()) continue;
      std::string run = text_run(q, k);
      if (run == last_run) continue;  // one finding per text
      last_run = run;
      out.push_back({owner, run, what});
    }
  }
  // Windows: widgets past the right edge, and windows partly off the display.
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  for (const ImGuiWindow* w : g.Windows) {
    if (!w->Active || w->Hidden) continue;
    const float over = w->ContentSize.x - w->ContentRegionRect.GetWidth();
    if (!w->Collapsed && !w->ScrollbarX && over > 1.0f)
      out.push_back({w->Name, "", fmt("has widgets reaching %.0f px past its right edge", static_cast<double>(over))});
    if (w->ParentWindow) continue;  // children are clipped by their parents
    const float off = std::max({-w->Pos.x, -w->Pos.y, w->Pos.x + w->Size.x - io.DisplaySize.x, w->Pos.y + w->Size.y - io.DisplaySize.y});
    if (off > 1.0f) out.push_back({w->Name, "", fmt("lies %.0f px outside the %.0f-pixel-wide display", static_cast<double>(off),
                                                    static_cast<double>(io.DisplaySize.x))});
  }
  for (const std::string& name : floating) {
    const std::string covers = title_bar_covered_by(name);
    if (!covers.empty()) out.push_back({name, "", "has its title bar hidden under " + covers});
  }
  for (const std::string& name : unhidden) {
    const std::string over = overlapped_by(name);
    if (!over.empty()) out.push_back({name, "", "is hidden under " + over});
  }
  for (const KeptClear& k : kept_clear) {
    const std::string over = overlapped_by(k.window, k.rect, k.may_cover);
    if (!over.empty()) out.push_back({k.window, "", "has " + k.what + " hidden under " + over});
    const float shown = std::max(0.0f, k.rect.w - k.rect.y), whole = k.whole.w - k.whole.y;
    if (k.whole.z > k.whole.x && whole - shown > 1.0f)
      out.push_back({k.window, "", "has " + k.what + fmt(" scrolled out of view (%.0f of %.0f px shown)", static_cast<double>(shown),
                                                                static_cast<double>(whole))});
  }
  // An open menu, list or dialog goes in front of everything else.
  for (const ImGuiWindow* w : g.Windows)
    if (w->Active && !w->Hidden && (w->Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_ChildMenu)) && !(w->Flags & ImGuiWindowFlags_Tooltip))
      if (const std::string over = overlapped_by(w->Name); !over.empty()) out.push_back({w->Name, "", "is hidden under " + over});
  return out;
}

std::vector<std::string> drawn_lines(const ImDrawData& draw_data, const std::string& window) {
  std::vector<std::string> out;
  const std::vector<GlyphUv> glyphs = atlas_glyphs();
  for (int l = 0; l < draw_data.CmdListsCount; ++l) {
    const ImDrawList& dl = *draw_data.CmdLists[l];
    const std::string owner = dl._OwnerName ? dl._OwnerName : "";
    if (owner != window && owner.rfind(window + "/", 0) != 0) continue;
    const std::vector<Drawn> q = glyph_quads(dl, glyphs, ImGui::GetIO().Fonts->TexID);
    for (size_t k = 0; k < q.size(); ++k)
      if (k == 0 || !follows(q, k - 1, k)) out.push_back(text_run(q, k));
  }
  return out;
}

std::string describe(const std::vector<LayoutProblem>& problems) {
  std::string s;
  for (const LayoutProblem& p : problems) {
    s += "window '" + p.window + "'";
    if (!p.text.empty()) s += ": text \"" + p.text + "\"";
    s += " " + p.what + "\n";
  }
  return s;
}

}  // namespace bp::studio
