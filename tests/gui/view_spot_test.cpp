// Where a teaching view goes in front of other floating windows (model/view_spot.h): clear of
// them straight above or below when it fits there; else every other window's title bar keeps
// its left end showing, the view stays as near its default spot as that allows, and it is made
// shorter only when no spot of its full height will do.
#include <gtest/gtest.h>

#include "model/view_spot.h"

namespace bp::studio {
namespace {

constexpr float kBar = 20, kTop = 20, kW = 1000, kH = 800;

Box box(float x, float y, float w, float h, int order = 0) { return Box{x, y, x + w, y + h, order}; }

// `spot` is `want` (its edges) and hides none of `others`' title bars.
void expect_clear_at(const Box& spot, const std::vector<Box>& others, const Box& want) {
  EXPECT_EQ(title_bars_covered(spot, others, kBar), 0);
  EXPECT_FLOAT_EQ(spot.x0, want.x0);
  EXPECT_FLOAT_EQ(spot.y0, want.y0);
  EXPECT_FLOAT_EQ(spot.x1, want.x1);
  EXPECT_FLOAT_EQ(spot.y1, want.y1);
}

TEST(TitleBarShows, ItsLeftEndForFiveBarsOrAllOfIt) {
  EXPECT_TRUE(title_bar_shows(0, 400, {}, kBar));
  EXPECT_TRUE(title_bar_shows(0, 400, {{100, 400}}, kBar));   // 100 of it shows at the left: the name
  EXPECT_TRUE(title_bar_shows(0, 400, {{500, 900}}, kBar));   // beside it
  EXPECT_FALSE(title_bar_shows(0, 400, {{99, 400}}, kBar));   // less than five bars at the left
  EXPECT_FALSE(title_bar_shows(0, 400, {{-10, 60}}, kBar));   // its left end covered, however much shows right
  EXPECT_FALSE(title_bar_shows(0, 400, {{50, 60}, {0, 20}}, kBar));
  EXPECT_TRUE(title_bar_shows(0, 80, {{80, 200}}, kBar));     // a short bar: all of it
  EXPECT_FALSE(title_bar_shows(0, 80, {{79, 200}}, kBar));
}

TEST(TitleBarsCovered, CountsWindowsInFrontTooAndOnlyTheBarsLine) {
  const std::vector<Box> others{box(100, 100, 400, 300, 0), box(600, 100, 300, 300, 1)};
  EXPECT_EQ(title_bars_covered(box(100, 140, 400, 200), others, kBar), 0);  // below both bars
  EXPECT_EQ(title_bars_covered(box(50, 50, 200, 200), others, kBar), 1);    // over the first's left end
  EXPECT_EQ(title_bars_covered(box(50, 50, 900, 200), others, kBar), 2);
  // A window in front of the first already covers its left end: covered whatever the view does.
  const std::vector<Box> stacked{box(100, 100, 400, 300, 0), box(90, 90, 200, 200, 1)};
  EXPECT_EQ(title_bars_covered(Box{}, stacked, kBar), 1);
}

TEST(ClearSpot, TheDefaultSpotWhenItHidesNoTitleBar) {
  const Box home = box(100, 100, 300, 300);
  const Box s = clear_spot(home, {box(600, 100, 300, 300)}, kBar, kTop, kW, kH);
  EXPECT_FLOAT_EQ(s.x0, 100);
  EXPECT_FLOAT_EQ(s.y0, 100);
  EXPECT_FLOAT_EQ(s.y1 - s.y0, 300);
}

TEST(ClearSpot, StraightAboveOrBelowWhereThatCoversLessOfTheWindows) {
  // The graph inspector docked along the bottom: a view whose default spot covers its graph (not
  // its title's left end) goes straight above it when it fits there, its size kept.
  const std::vector<Box> inspector{box(0, 430, 1000, 370)};
  const Box canvas = box(200, 20, 700, 780);  // where it may move: not over the panels beside
  const Box s = clear_spot(box(300, 175, 400, 400), inspector, kBar, kTop, kW, kH, canvas);
  EXPECT_FLOAT_EQ(s.x0, 300);
  EXPECT_FLOAT_EQ(s.y0, 30);
  EXPECT_FLOAT_EQ(s.y1, 430);
  // Too tall to fit above it: as high as it goes, over the inspector's title bar but not its
  // left end, covering 90 of its rows instead of 245.
  const Box t = clear_spot(box(300, 175, 400, 500), inspector, kBar, kTop, kW, kH, canvas);
  EXPECT_FLOAT_EQ(t.y0, kTop);
  EXPECT_FLOAT_EQ(t.y1 - t.y0, 500);
  EXPECT_EQ(title_bars_covered(t, inspector, kBar), 0);
  // A default spot over the title's left end too: straight above it when it fits there...
  const Box v = clear_spot(box(50, 175, 400, 400), inspector, kBar, kTop, kW, kH, box(0, 20, 1000, 780));
  EXPECT_FLOAT_EQ(v.x0, 50);
  EXPECT_FLOAT_EQ(v.y0, 30);
  // ...else moved right of the name, as before.
  const Box w = clear_spot(box(50, 175, 400, 500), inspector, kBar, kTop, kW, kH, box(0, 20, 1000, 780));
  EXPECT_FLOAT_EQ(w.y0, 175);
  EXPECT_FLOAT_EQ(w.x0, 100);
  // Below a window at the top, when that is nearer than above it (which does not fit).
  const std::vector<Box> high{box(200, 20, 600, 200)};
  const Box u = clear_spot(box(300, 150, 400, 300), high, kBar, kTop, kW, kH, box(0, 20, 1000, 780));
  EXPECT_FLOAT_EQ(u.y0, 220);
  EXPECT_FLOAT_EQ(u.x0, 300);
  // Not out of the canvas onto the panels: a view at the right edge of the display, over the
  // inspector, stays where it is (its default spot hides no title bar).
  const Box r = clear_spot(box(700, 560, 300, 240), inspector, kBar, kTop, kW, kH, canvas);
  EXPECT_FLOAT_EQ(r.x0, 700);
  EXPECT_FLOAT_EQ(r.y0, 560);
  // Nor without a canvas to move over.
  EXPECT_FLOAT_EQ(clear_spot(box(300, 175, 400, 400), inspector, kBar, kTop, kW, kH).y0, 175);
}

TEST(ClearSpot, ElseTheNearestSpotBesideTheBars) {
  // A view whose default spot covers another's title bar goes just below that bar, its size kept.
  const std::vector<Box> others{box(100, 300, 400, 300)};
  const Box s = clear_spot(box(100, 100, 300, 400), others, kBar, kTop, kW, kH);
  EXPECT_EQ(title_bars_covered(s, others, kBar), 0);
  EXPECT_FLOAT_EQ(s.x1 - s.x0, 300);
  EXPECT_FLOAT_EQ(s.y1 - s.y0, 400);
  // The nearest such spot: moved right by five bars (100), leaving the name showing, rather
  // than below the bar (220) or above it (clamped at the top, still covering).
  EXPECT_FLOAT_EQ(s.x0, 200);
  EXPECT_FLOAT_EQ(s.y0, 100);
}

TEST(ClearSpot, MovedAsideNotOverThePanelsBesideTheCanvas) {
  // Two views opened together: the second's default spot hides the first's title bar. Moved
  // right of the name (x 350) it would reach 250 past the canvas, over the Training panel; it
  // is made shorter instead, below the first's title bar, within the canvas.
  const Box canvas = box(0, 20, 700, 780);
  const std::vector<Box> first{box(250, 60, 300, 400)};
  expect_clear_at(clear_spot(box(100, 60, 600, 750), first, kBar, kTop, kW, kH, canvas), first, box(100, 80, 600, 720));
  // With no canvas to keep to, beside the name at full height, as before.
  const Box t = clear_spot(box(100, 60, 600, 750), first, kBar, kTop, kW, kH);
  EXPECT_FLOAT_EQ(t.x0, 350);
  EXPECT_FLOAT_EQ(t.y1 - t.y0, 750);
  // A view wider than the canvas, over the start of a title at the canvas's left edge: as wide
  // as the canvas and shorter, below the bar (losing 12.5% of its width and 4% of its height),
  // rather than reaching 100 past the canvas, or narrower still beside the name (25%).
  const std::vector<Box> left{box(0, 60, 300, 400)};
  expect_clear_at(clear_spot(box(0, 60, 800, 750), left, kBar, kTop, kW, kH, canvas), left, box(0, 80, 700, 720));
}

TEST(ClearSpot, NarrowerBesideANameRatherThanOverThePanels) {
  // The graph inspector docked along the bottom: a view over the start of its title moved right
  // of the name (x 100) would reach 50 past the canvas; made 50 narrower it ends at the canvas's
  // edge at its full height (shorter, below the bar, it would lose 30% of it).
  const Box canvas = box(0, 20, 700, 780);
  const std::vector<Box> inspector{box(0, 430, 1000, 370)};
  expect_clear_at(clear_spot(box(50, 200, 650, 500), inspector, kBar, kTop, kW, kH, canvas), inspector, box(100, 200, 600, 500));
  // Not below 70% of its width: beside a canvas 400 wide it keeps its width.
  const Box t = clear_spot(box(0, 200, 650, 500), inspector, kBar, kTop, kW, kH, box(0, 20, 400, 780));
  EXPECT_FLOAT_EQ(t.x1 - t.x0, 650);
}

TEST(ClearSpot, StaysInsideTheDisplay) {
  const std::vector<Box> others{box(0, 20, 1000, 100), box(0, 700, 1000, 100, 1)};
  const Box s = clear_spot(box(-50, 500, 400, 300), others, kBar, kTop, kW, kH);
  EXPECT_GE(s.x0, 0);
  EXPECT_GE(s.y0, kTop);
  EXPECT_LE(s.x1, kW);
  EXPECT_LE(s.y1, kH);
  EXPECT_EQ(title_bars_covered(s, others, kBar), 0);
}

TEST(ClearSpot, ShorterBelowABarWhenNoSpotOfItsHeightWillDo) {
  // Full-width windows at the top of the display: a 750-tall view fits nowhere below their bars
  // at full height; it is made shorter (to no less than 60%) to sit below the lower one.
  const std::vector<Box> others{box(0, 20, 1000, 780, 0), box(0, 60, 1000, 740, 1)};
  const Box s = clear_spot(box(0, 20, 1000, 750), others, kBar, kTop, kW, kH);
  EXPECT_EQ(title_bars_covered(s, others, kBar), 0);
  EXPECT_FLOAT_EQ(s.y0, 80);
  EXPECT_FLOAT_EQ(s.y1, kH);
  // Too short: at 60% it would still not fit, so it covers as few as it can.
  const std::vector<Box> low{box(0, 400, 1000, 400)};
  const Box t = clear_spot(box(0, 20, 1000, 700), low, kBar, kTop, kW, kH);
  EXPECT_FLOAT_EQ(t.y1 - t.y0, 700);
  EXPECT_EQ(title_bars_covered(t, low, kBar), 1);
}

TEST(ClearSpot, ShorterAboveABarLowOnTheDisplay) {
  // The manual classifier in presenter mode at 1280x800, with its bar at y 470 from x 735 to the
  // right edge: the enlarged network diagram (60% of the display, centred) fits above it at 90%
  // of its height, which hides no bar, where at full height every spot hides it.
  const float w = 1280;
  const std::vector<Box> others{box(735, 470, 545, 330)};
  const Box s = clear_spot(box(256, 160, 768, 480, 1), others, kBar, kTop, w, kH);
  EXPECT_EQ(title_bars_covered(s, others, kBar), 0);
  EXPECT_FLOAT_EQ(s.y0, kTop);
  EXPECT_FLOAT_EQ(s.y1, 470);
  EXPECT_FLOAT_EQ(s.x1 - s.x0, 768);
}

// The graph inspector docked below the canvas at 1280x800 (from x 260 to the right edge, y 360
// down): its title bar and controls, 70 tall, are kept clear.
Box inspector_below() {
  Box b = box(260, 360, 1020, 440);
  b.keep = 70;
  return b;
}

TEST(KeptStripsCovered, WhereverTheStripIsOverlapped) {
  const std::vector<Box> others{inspector_below()};
  EXPECT_EQ(kept_strips_covered(box(260, 60, 500, 300), others), 0);   // just above it
  EXPECT_EQ(kept_strips_covered(box(900, 60, 300, 340), others), 1);   // over its controls' right end, its name showing
  EXPECT_EQ(title_bars_covered(box(900, 60, 300, 340), others, kBar), 0);
  EXPECT_EQ(kept_strips_covered(box(900, 425, 300, 300), others), 1);  // the controls' last line
  EXPECT_EQ(kept_strips_covered(box(900, 430, 300, 300), others), 0);  // below them: the graph
  EXPECT_EQ(kept_strips_covered(box(260, 60, 500, 340), others), 1);   // its name and controls
  EXPECT_EQ(title_bars_covered(box(260, 60, 500, 340), others, kBar), 1);
  // A window in front of it counts too; without a strip, nothing does.
  EXPECT_EQ(kept_strips_covered(Box{}, {inspector_below(), box(900, 300, 200, 200, 1)}), 1);
  EXPECT_EQ(kept_strips_covered(box(0, 0, 1280, 800), {box(260, 360, 1020, 440)}), 0);
}

TEST(ClearSpot, AViewTooTallAboveAnInspectorIsMadeShorterThereRatherThanCoverItsControls) {
  // The tangent view (440 x 480) at its default spot over the canvas (x 260-930) reaches into the
  // inspector's controls; nothing of its height fits above them, so it is made shorter to end at
  // the inspector's top (300 of 480: over 60%), where before it covered the controls (and with a
  // plain title bar, still would: its name shows beside the view).
  const Box canvas = box(260, 40, 670, 560);
  const Box s = clear_spot(box(375, 160, 440, 480, 1), {inspector_below()}, kBar, kTop, 1280, kH, canvas);
  EXPECT_EQ(kept_strips_covered(s, {inspector_below()}), 0);
  EXPECT_LE(s.y1, 360);
  EXPECT_GE(s.y1 - s.y0, 0.6f * 480);
  EXPECT_FLOAT_EQ(s.x1 - s.x0, 440);
  Box plain = inspector_below();
  plain.keep = 0;
  const Box t = clear_spot(box(375, 160, 440, 480, 1), {plain}, kBar, kTop, 1280, kH, canvas);
  EXPECT_FLOAT_EQ(t.y1 - t.y0, 480);
  // Made a little shorter above it rather than at full height over its graph below the controls
  // (where a 360-tall view would fit).
  const Box u = clear_spot(box(375, 160, 440, 360, 1), {inspector_below()}, kBar, kTop, 1280, kH, canvas);
  EXPECT_EQ(kept_strips_covered(u, {inspector_below()}), 0);
  EXPECT_LE(u.y1, 360);
  EXPECT_FLOAT_EQ(u.y1 - u.y0, 340);
  // Under 60% of it fits above: it covers the controls but keeps the name showing.
  const Box tall = clear_spot(box(375, 40, 440, 600, 1), {inspector_below()}, kBar, kTop, 1280, kH, canvas);
  EXPECT_EQ(kept_strips_covered(tall, {inspector_below()}), 1);
  EXPECT_EQ(title_bars_covered(tall, {inspector_below()}, kBar), 0);
  // A view that allows half its height (the loss landscape, whose plot shrinks with it) is made
  // that short (340 of 600) to end above the controls.
  const Box half = clear_spot(box(375, 40, 440, 600, 1), {inspector_below()}, kBar, kTop, 1280, kH, canvas, 0.5f);
  EXPECT_EQ(kept_strips_covered(half, {inspector_below()}), 0);
  EXPECT_FLOAT_EQ(half.y1, 360);
  EXPECT_FLOAT_EQ(half.y1 - half.y0, 340);
}

TEST(ClearSpot, OverAnInspectorDockedAtTheTopNoHigherThanTheFootOfItsControls) {
  // The inspector docked at the top (y 20-460), the view's default spot over its controls: it
  // moves down to start below them, its height kept.
  Box top = box(260, 20, 1020, 440);
  top.keep = 70;
  const Box s = clear_spot(box(375, 60, 440, 400, 1), {top}, kBar, kTop, 1280, kH, box(260, 40, 670, 760));
  EXPECT_EQ(kept_strips_covered(s, {top}), 0);
  EXPECT_GE(s.y0, 90);
  EXPECT_FLOAT_EQ(s.y1 - s.y0, 400);
}

TEST(BelowNote, AViewOverTheBannerMovesBelowIt) {
  const Box note = box(300, 30, 400, 60);  // the banner at the top of the canvas
  // Not over it: where it was.
  const Box aside = below_note(box(0, 100, 300, 300), note, {}, kBar, 5, kH);
  EXPECT_FLOAT_EQ(aside.y0, 100);
  // Over it: straight down, its size kept where the display has room...
  const Box s = below_note(box(200, 40, 500, 400), note, {}, kBar, 5, kH);
  EXPECT_FLOAT_EQ(s.x0, 200);
  EXPECT_FLOAT_EQ(s.y0, 95);
  EXPECT_FLOAT_EQ(s.y1, 495);
  // ...made shorter where it has not, to the display's bottom...
  const Box t = below_note(box(200, 40, 500, 1000), note, {}, kBar, 5, 800);
  EXPECT_FLOAT_EQ(t.y0, 95);
  EXPECT_FLOAT_EQ(t.y1, 800);
  // ...but not below 60% of its height: then it stays over the note.
  const Box u = below_note(box(200, 40, 500, 1200), note, {}, kBar, 5, 800);
  EXPECT_FLOAT_EQ(u.y0, 40);
  EXPECT_FLOAT_EQ(u.y1, 1240);
  // Where moving down would hide another window's title bar: shorter, to end above it...
  const std::vector<Box> others{box(250, 300, 600, 400)};
  const Box v = below_note(box(200, 40, 500, 240), note, others, kBar, 5, kH);
  EXPECT_FLOAT_EQ(v.y0, 95);
  EXPECT_FLOAT_EQ(v.y1, 295);
  EXPECT_EQ(title_bars_covered(v, others, kBar), 0);
  // ...but not below 60% of its height: then where it was (below a taller note it would be
  // 100 tall instead of 250).
  const Box w = below_note(box(200, 40, 500, 250), box(300, 30, 400, 160), others, kBar, 5, kH);
  EXPECT_FLOAT_EQ(w.y0, 40);
  EXPECT_FLOAT_EQ(w.y1, 290);
}

TEST(BelowNote, WhereTheInspectorsControlsLeaveNoRoomItGoesBelowTheNoteToGoBehindIt) {
  // The tangent lesson restored with the graph inspector open at 1024x768 in presenter mode: the
  // banner with the lesson's text ends at 205 and the inspector, docked below the canvas, starts
  // at 452; the view, 410 tall, fits there at no height it may take (60%: 246). It stayed over
  // the banner, hiding the lesson's text; it goes below it at its height, behind the inspector.
  const Box note = box(15, 70, 575, 135);
  Box inspector = box(0, 452, 1024, 316, 5);
  inspector.keep = 140;
  const Box s = below_note(box(0, 40, 608, 410), note, {inspector}, kBar, 5, 768);
  EXPECT_FLOAT_EQ(s.y0, 210);
  EXPECT_FLOAT_EQ(s.y1, 620);
  EXPECT_FLOAT_EQ(s.x1, 608);
  // Not where under four bars of it would show above the inspector's top...
  const Box low = box(15, 70, 575, 310);
  EXPECT_FLOAT_EQ(below_note(box(0, 40, 608, 410), low, {inspector}, kBar, 5, 768).y0, 40);
  // ...nor for an ordinary window in the way (no kept strip), nor for the loss and accuracy
  // (order -1: behind every window, not for a view to go behind).
  EXPECT_FLOAT_EQ(below_note(box(0, 40, 608, 410), note, {box(0, 452, 1024, 316, 5)}, kBar, 5, 768).y0, 40);
  Box metrics = box(0, 452, 1024, 316, -1);
  metrics.keep = 316;
  EXPECT_FLOAT_EQ(below_note(box(0, 40, 608, 410), note, {metrics}, kBar, 5, 768).y0, 40);
}

TEST(OutFromUnder, UnderAnInspectorAtTheTopAViewMovesJustBelowIt) {
  const Box dock = box(250, kTop, 750, 440, 9);
  // As tall as the display allows...
  const Box d = out_from_under({box(200, 160, 600, 480)}, dock, kBar, kTop, kH).at(0);
  EXPECT_FLOAT_EQ(d.x0, 200);
  EXPECT_FLOAT_EQ(d.x1, 800);
  EXPECT_FLOAT_EQ(d.y0, 460);
  EXPECT_FLOAT_EQ(d.y1, kH);
  // ...its height kept where it fits; a second one, in front, a bar further down: both names
  // show; a third whose name shows beside the dock stays.
  const std::vector<Box> views{box(300, 100, 300, 200, 1), box(350, 120, 300, 200, 2), box(0, 100, 240, 300, 3)};
  const std::vector<Box> out = out_from_under(views, dock, kBar, kTop, kH);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FLOAT_EQ(out[0].y0, 460);
  EXPECT_FLOAT_EQ(out[0].y1, 660);
  EXPECT_FLOAT_EQ(out[1].y0, 480);
  EXPECT_FLOAT_EQ(out[1].y1, 680);
  EXPECT_FLOAT_EQ(out[2].y0, 100);
  EXPECT_EQ(title_bars_covered(out[1], {out[0]}, kBar), 0);
  // Under four bars of room below: left as it is.
  const Box full = box(250, kTop, 750, kH - kTop - 60, 9);
  EXPECT_FLOAT_EQ(out_from_under({box(300, 100, 300, 300)}, full, kBar, kTop, kH).at(0).y0, 100);
}

TEST(OutFromUnder, UnderAnInspectorAtTheBottomOnlyItsTitleBarComesOutAboveIt) {
  // The rest stays behind the inspector, leaving the canvas above (and the traced point) clear;
  // two moved: the one behind a bar higher, so the one in front does not hide its name.
  const Box dock = box(250, 360, 750, 440, 9);
  const std::vector<Box> views{box(300, 500, 300, 200, 1), box(280, 420, 400, 300, 2)};
  const std::vector<Box> out = out_from_under(views, dock, kBar, kTop, kH);
  EXPECT_FLOAT_EQ(out[0].y0, 320);
  EXPECT_FLOAT_EQ(out[0].y1, 520);
  EXPECT_FLOAT_EQ(out[1].y0, 340);
  EXPECT_FLOAT_EQ(out[1].y1, 640);
  EXPECT_EQ(title_bars_covered(out[1], {out[0]}, kBar), 0);
  for (const Box& b : out) EXPECT_TRUE(title_bar_shows(b.x0, b.x1, {}, kBar));
}

TEST(OutFromUnder, AViewWhoseNameShowsStaysWhereItIs) {
  const Box dock = box(250, kTop, 750, 440, 9);
  for (const Box& v : {box(300, 470, 300, 200),   // below it
                       box(100, 470, 300, 200),   // below it, reaching beside it
                       box(0, 100, 300, 300),     // its title's left end beside it (five bars show)
                       box(300, 0, 300, 300)}) {  // its title above the dock
    const Box o = out_from_under({v}, dock, kBar, kTop, kH).at(0);
    EXPECT_FLOAT_EQ(o.y0, v.y0) << v.x0 << "," << v.y0;
    EXPECT_FLOAT_EQ(o.y1, v.y1) << v.x0 << "," << v.y0;
  }
}

}  // namespace
}  // namespace bp::studio
