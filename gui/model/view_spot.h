// Where a teaching view goes when it appears at its default spot in front of other floating
// windows: somewhere near that spot that leaves every other window's title bar showing, so each
// can still be seen, dragged and closed, and straight above or below it where that covers less
// of them. Plain geometry, no ImGui: the app places the views with
// it, the layout check measures title bars with title_bar_shows, and tests drive both.
#pragma once
#include <optional>
#include <utility>
#include <vector>

namespace bp::studio {

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int order = 0;  ///< stacking: higher is in front
  /// Where more than its title bar must show (the graph inspector's title bar and controls): the
  /// height from its top of a strip that no window in front may cover at all. 0: its title bar,
  /// which shows as title_bar_shows says.
  float keep = 0;
};

/// Whether a title bar from x0 to x1, `bar` tall, shows enough beside the windows in front of it
/// (`covering`: the intervals [a, b] they cover along it) to be known and grabbed: its left end,
/// with the fold arrow and the start of the name, for five times its height (or all of it).
bool title_bar_shows(float x0, float x1, const std::vector<std::pair<float, float>>& covering, float bar);

/// How many of `others`' title bars (each `bar` tall) do not show (title_bar_shows) once `view`
/// lies in front of everything (windows in front of a bar cover it too).
int title_bars_covered(const Box& view, const std::vector<Box>& others, float bar);

/// How many of `others`' kept strips (Box::keep) anything in front of them overlaps once `view`
/// lies in front of everything.
int kept_strips_covered(const Box& view, const std::vector<Box>& others);

/// The spot for a view of `home`'s size appearing in front of `others`, inside the area from
/// (0, top) to (display_w, display_h): `home` when it covers none of them; else the nearest
/// spot straight above or below one of them (the same column and size) inside `column_area`
/// (the canvas: a view is not moved over the panels) that covers none of them. Else, where
/// `home` hides no title bar and covers no kept strip: of `home` and those spots that do
/// neither, the one that covers least of the windows, then the nearest. Else the nearest
/// spot just beside the bars (or below a kept strip) that covers none and stays within
/// `column_area`'s width (a view moved aside is not moved over the panels beside the canvas
/// either), not lying over a window with a kept strip (the graph inspector's graph); failing
/// that, the view is made smaller, the least it can be: shorter (to no less than `shortest`, by
/// default 60%, of its height: a view whose plot shrinks with it can allow less) to fit below a
/// bar or above one, or narrower (to no less than 70% of its width) to
/// end at the canvas's right edge beside a bar's name; failing that too, the spot that hides
/// fewest title bars, then covers fewest kept strips, then reaches least past the canvas's
/// sides, then is made least smaller, then is nearest.
Box clear_spot(Box home, const std::vector<Box>& others, float bar, float top, float display_w, float display_h,
               const std::optional<Box>& column_area = std::nullopt, float shortest = 0.6f);

/// `spot` moved straight down to start `gap` below `note` (the banner over the canvas with the
/// lesson's text and the app's messages, which a view should leave readable) when it covers the
/// note; made shorter where the display ends, or to end `gap` above a window below whose title
/// bar it would hide, to no less than `shortest` of its height. Where none fits because a window
/// in front of the views with a kept strip (order 0 and up: the graph inspector docked below the
/// canvas) is in the way, below the note at its height all the same, to go behind that window
/// (the caller's part), where four bars of it show above the window's top. `spot` itself when it
/// does not cover the note, or when no such spot hides no more of `others`' title bars than it
/// does.
Box below_note(const Box& spot, const Box& note, const std::vector<Box>& others, float bar, float gap, float display_h,
               float shortest = 0.6f);

/// The views behind `cover` (the graph inspector, docked across the top or the bottom of the
/// display in front of them), from the back, with each one whose title bar the cover hides
/// (title_bar_shows) moved straight up or down the least that shows it: to start just below the
/// cover where there is more room below it than above, else with its title bar just above the
/// cover and the rest of it behind (the traced point, on the canvas beside the cover, stays in
/// sight). Several moved step a bar apart, the ones in front further from the cover's edge
/// below it and nearer above it, so that every name shows. Heights are kept but where the
/// display ends; a view is left where it is when under four bars of it would show below.
std::vector<Box> out_from_under(const std::vector<Box>& views, const Box& cover, float bar, float top, float display_h);

}  // namespace bp::studio
