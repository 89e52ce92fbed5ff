#include "model/view_spot.h"

#include <algorithm>
#include <climits>
#include <functional>
#include <cmath>
#include <optional>
#include <tuple>

namespace bp::studio {

bool title_bar_shows(float x0, float x1, const std::vector<std::pair<float, float>>& covering, float bar) {
  float shown = x1;  // the uncovered stretch from x0 ends where the first window over it starts
  for (const auto& [a, b] : covering)
    if (b > x0 && a < shown) shown = std::max(a, x0);
  return shown - x0 >= std::min(x1 - x0, 5 * bar);
}

namespace {

// Whether the box crosses the horizontal line at y.
bool spans(const Box& b, float y) { return b.y0 <= y && y <= b.y1; }

// Whether two boxes overlap (more than along an edge).
bool overlap(const Box& a, const Box& b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }

// How much of the windows the box covers (the sum of the overlaps).
float covered_area(const Box& b, const std::vector<Box>& windows) {
  float a = 0;
  for (const Box& o : windows)
    a += std::max(0.0f, std::min(b.x1, o.x1) - std::max(b.x0, o.x0)) * std::max(0.0f, std::min(b.y1, o.y1) - std::max(b.y0, o.y0));
  return a;
}

}  // namespace

int title_bars_covered(const Box& view, const std::vector<Box>& others, float bar) {
  int n = 0;
  for (const Box& o : others) {
    const float mid = o.y0 + bar / 2;
    std::vector<std::pair<float, float>> covering;
    for (const Box& f : others)
      if (f.order > o.order && spans(f, mid)) covering.emplace_back(f.x0, f.x1);
    if (spans(view, mid)) covering.emplace_back(view.x0, view.x1);
    n += !title_bar_shows(o.x0, o.x1, covering, bar);
  }
  return n;
}

int kept_strips_covered(const Box& view, const std::vector<Box>& others) {
  int n = 0;
  for (const Box& o : others) {
    if (o.keep <= 0) continue;
    const Box strip{o.x0, o.y0, o.x1, o.y0 + std::min(o.keep, o.y1 - o.y0)};
    bool hidden = overlap(view, strip);
    for (const Box& f : others) hidden |= f.order > o.order && overlap(f, strip);
    n += hidden;
  }
  return n;
}

namespace {

// The title bars hidden and the kept strips covered once `view` lies in front of `others`.
std::pair<int, int> hidden_by(const Box& view, const std::vector<Box>& others, float bar) {
  return {title_bars_covered(view, others, bar), kept_strips_covered(view, others)};
}

}  // namespace

Box clear_spot(Box home, const std::vector<Box>& others, float bar, float top, float display_w, float display_h,
               const std::optional<Box>& column_area, float shortest) {
  const float w = std::min(home.x1 - home.x0, display_w), h = std::min(home.y1 - home.y0, display_h - top);
  auto box = [&](float x, float y, float height, float width) {
    x = std::clamp(x, 0.0f, display_w - width);
    y = std::clamp(y, top, display_h - height);
    return Box{x, y, x + width, y + height, home.order};
  };
  home = box(home.x0, home.y0, h, w);
  const float home_covers = covered_area(home, others);
  if (home_covers == 0) return home;
  // Straight above or below a window, its size kept (a view opened with the graph inspector
  // docked below the canvas sits above it when there is room, instead of over its graph).
  std::vector<Box> column;
  auto inside = [&](const Box& b) {
    const Box& a = *column_area;
    return b.x0 >= a.x0 - 1 && b.x1 <= a.x1 + 1 && b.y0 >= a.y0 - 1 && b.y1 <= a.y1 + 1;
  };
  if (column_area)
    for (const Box& o : others)
      for (float y : {o.y0 - h, o.y1})
        if (const Box b = box(home.x0, y, h, w); inside(b)) column.push_back(b);
  auto nearest = [&](const Box& a, const Box& b) { return std::fabs(a.y0 - home.y0) < std::fabs(b.y0 - home.y0); };
  std::optional<Box> clear;  // the nearest that covers none of them
  for (const Box& b : column)
    if (covered_area(b, others) == 0 && (!clear || nearest(b, *clear))) clear = b;
  if (clear) return *clear;
  auto hides = [&](const Box& b) { return hidden_by(b, others, bar); };
  const std::pair<int, int> before = hides(Box{});  // covered already, whatever the view does
  if (hides(home) == before) {
    // Where one covers less of them and hides no title bar either: the least covering, then
    // the nearest.
    Box best = home;
    std::pair<float, float> best_score{home_covers, 0.0f};
    for (const Box& b : column) {
      const std::pair<float, float> score{covered_area(b, others), std::fabs(b.y0 - home.y0)};
      if (score < best_score && hides(b) == before) best_score = score, best = b;
    }
    return best;
  }
  // Candidate edges: clear of each bar, or leaving enough of its left end showing; and the
  // canvas's edges.
  std::vector<float> xs{home.x0}, ys{home.y0};
  for (const Box& o : others) {
    xs.insert(xs.end(), {o.x1, o.x0 - w, o.x0 + 5 * bar});
    ys.insert(ys.end(), {o.y0 + bar, o.y0 - h});
    if (o.keep > 0) ys.push_back(o.y0 + o.keep);
  }
  if (column_area) xs.insert(xs.end(), {column_area->x0, column_area->x1 - w});
  // How far a spot reaches sideways past the canvas, over the panels beside it.
  auto overhang = [&](const Box& b) {
    return column_area ? std::max(0.0f, column_area->x0 - b.x0) + std::max(0.0f, b.x1 - column_area->x1) : 0.0f;
  };
  // Whether it lies over a window with a kept strip at all (the graph inspector's graph, below
  // its controls).
  auto over_kept = [&](const Box& b) {
    return std::any_of(others.begin(), others.end(), [&](const Box& o) { return o.keep > 0 && overlap(b, o); });
  };
  // Fewest title bars hidden, then fewest kept strips covered, then the least reach over the
  // panels, then not over a window with a kept strip, then the least made smaller (shorter or
  // narrower, as a fraction of its height and width), then the nearest the default spot.
  Box best = home;
  std::tuple<std::pair<int, int>, float, bool, float, float> best_score{{INT_MAX, INT_MAX}, 0.0f, false, 0.0f, 0.0f};
  auto consider = [&](const Box& b) {
    const float dx = b.x0 - home.x0, dy = b.y0 - home.y0;
    const float smaller = (h - (b.y1 - b.y0)) / std::max(h, 1.0f) + (w - (b.x1 - b.x0)) / std::max(w, 1.0f);  // 0 by 0 when minimized
    const std::tuple<std::pair<int, int>, float, bool, float, float> score{hides(b), overhang(b), over_kept(b), smaller, dx * dx + dy * dy};
    if (score < best_score) best_score = score, best = b;
  };
  for (float x : xs)
    for (float y : ys) consider(box(x, y, h, w));
  // Smaller: where every spot of its size hides a title bar or covers a kept strip, reaches over
  // the panels or lies over a window with a kept strip.
  if (std::get<0>(best_score) != before || std::get<1>(best_score) > 0 || std::get<2>(best_score)) {
    // Its height (full, or shorter below a bar or above one, to no less than `shortest`) by its width
    // (full, or narrower to end at the canvas's right edge, to no less than 70%).
    std::vector<std::pair<float, float>> rows;  // (top, height)
    for (float y : ys) rows.emplace_back(y, h);
    for (const Box& o : others) {
      const float y = o.y0 + bar, height = display_h - y;
      if (height >= shortest * h && height < h) rows.emplace_back(y, height);
      if (const float above = o.y0 - top; above >= shortest * h && above < h) rows.emplace_back(top, above);
    }
    for (float x : xs) {
      std::vector<float> widths{w};
      if (column_area && x >= column_area->x0 - 1) {
        const float width = column_area->x1 - x;
        if (width >= 0.7f * w && width < w) widths.push_back(width);
      }
      for (float width : widths)
        for (const auto& [y, height] : rows)
          if (height < h || width < w) consider(box(x, y, height, width));
    }
  }
  return best;
}

Box below_note(const Box& spot, const Box& note, const std::vector<Box>& others, float bar, float gap, float display_h,
               float shortest) {
  if (covered_area(spot, {note}) == 0) return spot;
  const float h = spot.y1 - spot.y0, y0 = note.y1 + gap;
  // Its full height where the display allows, else down to just above a window below.
  std::vector<float> heights{std::min(h, display_h - y0)};
  for (const Box& o : others)
    if (o.y0 > y0 && o.y0 - gap - y0 < heights.front()) heights.push_back(o.y0 - gap - y0);
  std::sort(heights.begin(), heights.end(), std::greater<>());
  const std::pair<int, int> covered = hidden_by(spot, others, bar);
  for (float height : heights) {
    if (height < shortest * h) break;
    const Box moved{spot.x0, y0, spot.x1, y0 + height, spot.order};
    const std::pair<int, int> now = hidden_by(moved, others, bar);
    if (now.first <= covered.first && now.second <= covered.second) return moved;
  }
  // No height fits above the graph inspector's controls: below the note at its height all the
  // same, where four bars of it show above them, to go behind the inspector.
  for (const Box& o : others)
    if (o.order >= 0 && o.keep > 0 && o.x0 < spot.x1 && spot.x0 < o.x1 && o.y0 >= y0 + 4 * bar && o.y0 < y0 + h)
      return Box{spot.x0, y0, spot.x1, std::min(y0 + h, display_h), spot.order};
  return spot;
}

std::vector<Box> out_from_under(const std::vector<Box>& views, const Box& cover, float bar, float top, float display_h) {
  std::vector<Box> out = views;
  std::vector<size_t> hidden;
  for (size_t i = 0; i < views.size(); ++i) {
    const Box& v = views[i];
    std::vector<std::pair<float, float>> covering;
    if (cover.y0 < v.y0 + bar && v.y0 < cover.y1) covering.emplace_back(cover.x0, cover.x1);
    if (!title_bar_shows(v.x0, v.x1, covering, bar)) hidden.push_back(i);
  }
  const bool down = display_h - cover.y1 >= cover.y0 - top;
  const float m = static_cast<float>(hidden.size());
  for (size_t k = 0; k < hidden.size(); ++k) {
    Box& v = out[hidden[k]];
    const float h = v.y1 - v.y0, kf = static_cast<float>(k);
    const float y0 = down ? cover.y1 + kf * bar : std::max(top, cover.y0 - (m - kf) * bar);
    const float y1 = std::min(y0 + h, display_h);
    if (down && y1 - y0 < 4 * bar) continue;
    v.y0 = y0, v.y1 = y1;
  }
  return out;
}

}  // namespace bp::studio
