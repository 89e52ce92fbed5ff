// backprop-studio: the desktop app. Set-up, the frame loop (poll, new frame, UI, render, swap)
// and clean-up in reverse order. Scripted use (--frames, --screenshot) renders N frames, saves a
// PNG and exits; tests and the README's screenshots use it.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>  // the open dialog, for --check-layout
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "backprop/data.h"
#include "backprop/device.h"
#include "backprop/errors.h"
#include "backprop/explain.h"
#include "backprop/stop_signals.h"
#include "backprop/threads.h"
#include "common/cli_words.h"
#include "key_taps.h"
#include "model/app_model.h"
#include "model/autosaver.h"
#include "model/layout_text.h"
#include "render/gl.h"
#include "render/heatmap_renderer.h"
#include "state_files.h"
#include "views/glyph_ranges.h"
#include "views/layout_check.h"
#include "views/studio_app.h"

namespace fs = std::filesystem;
using namespace bp::studio;

constexpr int64_t kMaxTrainSteps = 10'000'000;
// The smallest window the panels are laid out for (--size's least; a window manager stops a drag
// there) and the largest --size.
constexpr int kMinWidth = 640, kMinHeight = 480, kMaxSide = 8192;

namespace {

// The windows --check-layout wants in front of every other: the message banner, but for while
// a dialog waits for an answer (the banner comes back to the front when it closes).
std::vector<std::string> unhidden_windows() {
  if (ImGui::GetTopMostPopupModal()) return {};
  return {bp::studio::StudioApp::kBanner};
}

std::string exe_dir() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "." : p.parent_path().string();
}

// The first of: the source tree's folder (compiled in), beside the binary, one or two up.
std::string find_dir(const std::string& compiled_in, const std::string& name, const std::string& probe) {
  for (const std::string& d : {compiled_in, exe_dir() + "/" + name, exe_dir() + "/../" + name, exe_dir() + "/../../" + name,
                               exe_dir() + "/../share/backprop-studio/" + name})
    if (!d.empty() && fs::exists(d + "/" + probe)) return d;
  return compiled_in;
}

// A fatal error: thrown instead of calling std::exit, so that the app model (and its training
// thread) is stopped and destroyed on the way out of run().
struct Fatal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void die(const std::string& msg) { throw Fatal(msg); }

// What is wrong with --tangent LAYER,NEURON,INPUT and --inspector-collapse LAYER... for the
// network `spec` (all counted from 1; INPUT 0 is the bias), or "" when nothing is.
std::string network_flag_problem(const bp::MlpSpec& spec, const std::vector<int>& tangent, const std::vector<int>& collapse) {
  const auto hidden = static_cast<int64_t>(spec.hidden.size()), layers = hidden + 1;
  const auto n = bp::counted;
  if (tangent.size() == 3) {
    const int64_t layer = tangent[0];
    if (layer > layers) return "--tangent: there is no layer " + std::to_string(layer) + ": the network has " + n(layers, "layer");
    const int64_t outs = layer == layers ? spec.outputs : spec.hidden[static_cast<size_t>(layer - 1)];
    const int64_t ins = layer == 1 ? spec.inputs : spec.hidden[static_cast<size_t>(layer - 2)];
    if (tangent[1] > outs)
      return "--tangent: there is no neuron " + std::to_string(tangent[1]) + ": layer " + std::to_string(layer) + " has " + n(outs, "neuron");
    if (tangent[2] > ins)
      return "--tangent: there is no input " + std::to_string(tangent[2]) + ": layer " + std::to_string(layer) + " has " + n(ins, "input") +
             " (0: the bias)";
  }
  for (int layer : collapse)
    if (layer < 1 || layer > hidden)
      return "--inspector-collapse: there is no hidden layer " + std::to_string(layer) + ": the network has " + n(hidden, "hidden layer");
  return "";
}

// The window's size in the units glfwCreateWindow takes: GLFW_SCALE_TO_MONITOR scales the size
// asked for by the monitor's content scale (on X11), so the size saved at exit is divided by it;
// saved as it was, the window grew by that factor at every start on a HiDPI display.
std::pair<int, int> unscaled_window_size(GLFWwindow* window) {
  int w = 0, h = 0;
  glfwGetWindowSize(window, &w, &h);
  float sx = 1, sy = 1;
  glfwGetWindowContentScale(window, &sx, &sy);
  if (!(sx >= 1) || !(sy >= 1)) return {w, h};
  return {static_cast<int>(std::lround(static_cast<float>(w) / sx)), static_cast<int>(std::lround(static_cast<float>(h) / sy))};
}

// Shrinks a window size that does not fit the primary monitor's work area (a 1024x768 projector,
// a size remembered from a larger display) to fit it; true if it did. GLFW_SCALE_TO_MONITOR
// multiplies the size by the monitor's content scale, so the fit is checked in unscaled units.
bool fit_to_screen(int& width, int& height) {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  if (!monitor) return false;
  int x = 0, y = 0, w = 0, h = 0;
  glfwGetMonitorWorkarea(monitor, &x, &y, &w, &h);
  float sx = 1, sy = 1;
  glfwGetMonitorContentScale(monitor, &sx, &sy);
  if (w <= 0 || h <= 0 || !(sx >= 1) || !(sy >= 1)) return false;
  const int fit_w = static_cast<int>(static_cast<float>(w) / sx), fit_h = static_cast<int>(static_cast<float>(h) / sy);
  if (width <= fit_w && height <= fit_h) return false;
  width = std::min(width, fit_w);
  height = std::min(height, fit_h);
  return true;
}

int run(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Fatal& e) {
    std::fprintf(stderr, "backprop-studio: error: %s\n", e.what());
    return 1;
  }
}

namespace {

int run(int argc, char** argv) {
  CLI::App cli{"Backprop Studio: watch a neural network learn to classify points in the plane"};
  cli.set_version_flag("--version", "backprop-studio " BACKPROP_VERSION);
  std::string preset, session, model_file, screenshot, canvas_shot, size = "1400x900";
  int frames = 0, threads = 1;
  int64_t train_steps = 0;
  bool train = false, presenter = false, no_restore = false, no_autosave = false, report = false, inspector = false;
  bool check_layout_flag = false;
  std::string inspector_level = "scalar", device = "auto";
  int inspector_steps = 0;
  std::vector<int> inspector_collapse;
  std::vector<int> tangent;
  float tangent_eps = 0.1f;
  std::vector<std::string> views;
  bool link_gradients = false;
  cli.add_option("--preset", preset, "open a preset: a name from assets/presets (e.g. linear_vs_xor) or a file");
  cli.add_option("--session", session, "open a saved session file");
  cli.add_option("--model", model_file, "open a model file (backprop train --save, File > Export model) on the data it was trained on");
  cli.add_flag("--train", train, "start training at once");
  std::optional<double> speed;
  cli.add_option("--speed", speed, "training speed in steps per second (0: full speed; default: the session's, else 300)");
  cli.add_option("--train-steps", train_steps, "run this many training steps before the first frame");
  cli.add_option("--frames", frames, "render this many frames, then exit (scripted use)");
  cli.add_option("--screenshot", screenshot, "save a PNG of the window after the last frame");
  cli.add_option("--canvas-screenshot", canvas_shot, "save a PNG of the canvas alone after the last frame");
  CLI::Option* size_opt = cli.add_option("--size", size, "window size WxH (default: the last one used)")->capture_default_str();
  cli.add_flag("--presenter", presenter, "start in presenter mode (large fonts, high contrast)");
  cli.add_flag("--no-restore", no_restore, "do not restore the last session");
  cli.add_flag("--no-autosave", no_autosave, "do not save the session on exit");
  double autosave_every = 30;
  cli.add_option("--autosave-every", autosave_every, "while the app runs, save the session every this many seconds when it changed (0: only on exit)")
      ->capture_default_str();
  cli.add_flag("--check-layout", check_layout_flag,
               "after the last frame (with --frames; else when the app quits), list text that is cut off, windows off the "
               "display, hidden title bars or messages, the loss and accuracy, a remedy banner or the graph inspector's controls under a view; exit 3 if any (with --frames)");
  cli.add_flag("--report-fps", report, "print frame rate and boundary updates per second on exit");
  cli.add_option("--threads", threads, "CPU threads for the boundary grid")->capture_default_str();
  cli.add_option("--device", device, "where training runs: cpu, cuda, cuda:N, or auto (CUDA when a GPU is usable, else the CPU; "
                                     "the Training panel says which and why)")->capture_default_str();
  cli.add_flag("--inspector", inspector, "open the graph inspector, tracing the first training point");
  cli.add_option("--inspector-level", inspector_level, "scalar, neuron or tensor")->capture_default_str();
  cli.add_option("--inspector-steps", inspector_steps, "steps the inspector takes before the first frame");
  cli.add_option("--inspector-collapse", inspector_collapse, "collapse these layers (1 = the first hidden layer) in the inspector");
  cli.add_option("--tangent", tangent, "open the derivative-as-a-tangent view on LAYER,NEURON,INPUT (from 1; INPUT 0: the bias)")
      ->delimiter(',')
      ->expected(3);
  cli.add_option("--tangent-eps", tangent_eps, "the secant's half-width in that view")->capture_default_str();
  cli.add_option("--view", views, "open a view (repeatable): manual, tangent, gradient-flow, hidden-space, landscape, diagram, inspector")
      ->check(CLI::IsMember(kSessionViewNames));
  cli.add_flag("--link-gradients", link_gradients, "the network diagram's links show |dL/dw| instead of the weights");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string what = bp::tools::parse_error_sentence(e, &cli, 1, argc, argv);
    std::fprintf(stderr, "backprop-studio: error: %s\nRun 'backprop-studio --help' for the options.\n", what.c_str());
    return 2;
  }
  int width = 0, height = 0, used = 0;
  if (std::sscanf(size.c_str(), "%dx%d%n", &width, &height, &used) != 2 || used != static_cast<int>(size.size()) || width < kMinWidth || height < kMinHeight || width > kMaxSide || height > kMaxSide) {
    std::fprintf(stderr, "backprop-studio: error: --size: expected WxH from %dx%d to %dx%d, got %s\n", kMinWidth, kMinHeight, kMaxSide, kMaxSide,
                 bp::quote_text(size).c_str());
    return 2;
  }
  if (frames < 0 || inspector_steps < 0) {
    std::fprintf(stderr, "backprop-studio: error: %s must be >= 0\n", frames < 0 ? "--frames" : "--inspector-steps");
    return 2;
  }
  if (train_steps < 0 || train_steps > kMaxTrainSteps) {
    std::fprintf(stderr, "backprop-studio: error: --train-steps must be in 0..%lld (for longer runs use 'backprop train')\n",
                 static_cast<long long>(kMaxTrainSteps));
    return 2;
  }
  if (!(autosave_every >= 0 && autosave_every <= 86400)) {
    std::fprintf(stderr, "backprop-studio: error: --autosave-every: expected 0 (only on exit) to 86400 seconds\n");
    return 2;
  }
  if (speed && !(*speed >= 0 && *speed <= kAppMaxSpeed)) {
    std::fprintf(stderr, "backprop-studio: error: --speed: expected 0 (full speed) to 1000000 steps per second\n");
    return 2;
  }
  if (!tangent.empty() && (tangent.size() != 3 || tangent[0] < 1 || tangent[1] < 1 || tangent[2] < 0 || tangent[0] > 1000 ||
                           tangent[1] > 100000 || tangent[2] > 100000)) {
    std::fprintf(stderr, "backprop-studio: error: --tangent: expected LAYER,NEURON,INPUT counted from 1 (INPUT 0: the bias)\n");
    return 2;
  }
  if (!(tangent_eps >= 1e-4f && tangent_eps <= 1.0f)) {
    std::fprintf(stderr, "backprop-studio: error: --tangent-eps: expected 0.0001 to 1\n");
    return 2;
  }
  bp::explain::Level level = bp::explain::Level::Scalar;
  try {
    level = bp::explain::parse_level(inspector_level);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "backprop-studio: error: --inspector-level: %s\n", e.what());
    return 2;
  }
  bp::DeviceChoice device_choice;
  try {
    device_choice = bp::parse_device_choice(device);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "backprop-studio: error: --device: %s\n", e.what());
    return 2;
  }
  // As `backprop`: a CUDA setting in the environment that was not understood (the Training panel's
  // device line says it too).
  if (const std::string env = bp::cuda_environment_problem(device_choice); !env.empty())
    std::fprintf(stderr, "backprop-studio: warning: %s\n", env.c_str());
  for (const char* flag : {"--preset", "--session", "--model", "--screenshot", "--canvas-screenshot"})
    if (cli.count(flag) > 0 && cli[flag]->as<std::string>().empty()) {
      std::fprintf(stderr, "backprop-studio: error: %s: the file name is empty\n", flag);
      return 2;
    }
  // As `backprop train --plot`: a PNG written under another kind's name would not open as one.
  for (const std::string* shot : {&screenshot, &canvas_shot})
    if (const std::string problem = bp::tools::png_name_problem("the screenshot", *shot); !problem.empty()) {
      std::fprintf(stderr, "backprop-studio: error: %s: %s\n", shot == &screenshot ? "--screenshot" : "--canvas-screenshot", problem.c_str());
      return 2;
    }
  const bool scripted = frames > 0;
  // --canvas-screenshot is taken on the frame before the last (below): there must be two.
  if (scripted && !canvas_shot.empty()) frames = std::max(frames, 2);
  // window.txt: the window size at the last exit, and the mode its panel layout was for
  // ("1280 800 presenter"). The size is used when sane and no --size is given.
  const std::string window_file = state_dir() + "/window.txt";
  int last_w = 0, last_h = 0;
  std::string last_mode;
  if (!scripted) {
    // Through read_file: a FIFO or device left in its place is refused instead of blocking.
    try {
      std::istringstream in(bp::read_file(window_file, 64));
      int w = 0, h = 0;
      if (in >> w >> h && w >= kMinWidth && h >= kMinHeight && w <= kMaxSide && h <= kMaxSide) {
        last_w = w, last_h = h;
        in >> last_mode;
        if (size_opt->count() == 0) width = w, height = h;
      }
    } catch (const std::exception&) {
      // No window size saved (or not a file): the default size.
    }
  }
  try {
    bp::set_num_threads(threads);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "backprop-studio: error: --threads: %s\n", e.what());
    return 2;
  }
  const std::string assets = find_dir(BACKPROP_ASSETS_DIR, "assets", "presets");
  const std::string shaders = find_dir(BACKPROP_SHADERS_DIR, "shaders", "heatmap.frag");
  // Windows open at once each keep their own autosave (state_files.h); a window that does not
  // save reads the first's.
  AutosaveSlot slot{state_dir() + "/autosave.json", 1};
  if (!scripted && !no_autosave) slot = claim_autosave_slot();
  const std::string autosave = slot.path;
  // The session saved on exit and while the app runs (none when every slot is taken).
  const bool autosave_on = !scripted && !no_autosave && !autosave.empty();

  // ---- the model first: bad files fail before a window opens -----------------------------------
  AppModel model;
  if (slot.number != 1) {
    const std::string msg =
        slot.number == 0 ? "Backprop Studio is open in " + std::to_string(kMaxAutosaveSlots) +
                               " other windows: this one's session will not be saved on exit; keep your work with File > Save session."
                         : "Another Backprop Studio window is open, so this one keeps its own session, in " +
                               fs::path(autosave).filename().string() + " (File > Open autosaved session).";
    std::fprintf(stderr, "backprop-studio: %s\n", msg.c_str());
    model.set_message(msg);
  }
  try {
    if (!preset.empty()) {
      const std::string p = fs::exists(preset) ? preset : assets + "/presets/" + preset + ".json";
      if (!fs::exists(p)) {
        std::vector<std::string> names;
        for (const std::string& f : StudioApp::preset_files(assets)) names.push_back(fs::path(f).stem().string());
        die("--preset: no preset " + bp::quote_text(preset) + bp::did_you_mean(preset, names) + " (looked in " + assets + "/presets)");
      }
      model.load_session(p);
    } else if (!session.empty()) {
      model.load_session(session);
    } else if (!scripted && !no_restore && model_file.empty() && fs::exists(autosave)) {
      try {
        model.load_session(autosave);
      } catch (const std::exception& e) {
        // Never lose it: the file is kept beside the autosave, and the app says so.
        const std::string kept = keep_bad_file(autosave);
        std::string why = e.what();
        if (why.rfind(autosave + ": ", 0) == 0) why.erase(0, autosave.size() + 2);
        std::fprintf(stderr, "backprop-studio: the last session could not be restored (%s); %s\n", e.what(),
                     kept.empty() ? "it could not be moved aside and will be overwritten when this session is saved" : ("it was kept as " + kept).c_str());
        model.set_message(kept.empty() ? "Could not restore the last session (" + why + ")."
                                       : "Could not restore the last session; kept it as " + fs::path(kept).filename().string() +
                                             " beside the autosave (" + why + ").");
      }
    }
    if (!model_file.empty()) {
      // On the preset or session, if one is named, whose lesson views open over the model.
      const SessionViews lesson = model.session_views();
      model.set_message(model.open_model(model_file));
      model.set_session_views(lesson, model.sessions_loaded());
    }
    if (autosave_on) {
      // Said now, while the work can still be saved elsewhere, not in a terminal after the exit.
      const std::string why = state_dir_problem();
      if (!why.empty()) {
        const std::string msg = "This session will not be saved on exit (" + why + "); keep your work with File > Save session.";
        std::fprintf(stderr, "backprop-studio: %s\n", msg.c_str());
        model.set_message(msg);
      }
    }
    model.set_device_choice(device_choice, false);  // an unavailable explicit device: exit 1 with the reason
  } catch (const std::exception& e) {
    die(e.what());
  }
  // Flags that name a part of the network, checked against the network loaded (a view clamps
  // what a session file names; a flag out of range is a mistake to say).
  if (const std::string wrong = network_flag_problem(model.config().mlp_spec(), tangent, inspector_collapse); !wrong.empty()) {
    std::fprintf(stderr, "backprop-studio: error: %s\n", wrong.c_str());
    return 2;
  }
  // From here on a stop signal ends the app as a quit does (the frame loop saves the session):
  // one during --train-steps stops that training after its chunk.
  bp::catch_stop_signals();
  if (train_steps > 0) {
    // In chunks, with progress on a terminal: a long run before the window opens is not a hang.
    const auto t0 = std::chrono::steady_clock::now();
    const bool tty = isatty(STDERR_FILENO);
    bool printed = false;
    for (int64_t done = 0; done < train_steps;) {
      const int64_t chunk = std::min<int64_t>(train_steps - done, 20'000);
      model.run_steps(chunk);
      done += chunk;
      if (tty && std::chrono::steady_clock::now() - t0 > std::chrono::seconds(1)) {
        std::fprintf(stderr, "\rbackprop-studio: training %lld/%lld steps before opening the window", static_cast<long long>(done),
                     static_cast<long long>(train_steps));
        printed = true;
      }
      if (model.snapshot()->diverged || bp::stop_signal()) break;
    }
    if (printed) std::fprintf(stderr, "\n");
  }
  if (speed) model.set_speed(*speed);
  if (train) model.play();

  // ---- window and GL -----------------------------------------------------------------------------
  glfwSetErrorCallback([](int, const char*) {});
  if (!glfwInit()) {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    die(std::string("cannot open a window: ") +
        (!display && !wayland ? "no display (DISPLAY is not set)" : "the display could not be opened") +
        ". Run it on a desktop or under xvfb-run; for scripts use the command-line tool 'backprop'.");
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  // Without --size, the default or remembered size, shrunk to the screen when it is smaller (the
  // window then opens maximized, so a window manager's title bar is not pushed off the screen).
  if (size_opt->count() == 0 && fit_to_screen(width, height)) glfwWindowHint(GLFW_MAXIMIZED, GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(width, height, "Backprop Studio", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    die("cannot create an OpenGL 3.3 window (is a GL driver installed? Mesa's llvmpipe works)");
  }
  {  // in the window's screen units, as GLFW_SCALE_TO_MONITOR scales its size
    float sx = 1, sy = 1;
    glfwGetWindowContentScale(window, &sx, &sy);
    glfwSetWindowSizeLimits(window, static_cast<int>(std::lround(kMinWidth * std::max(1.0f, sx))),
                            static_cast<int>(std::lround(kMinHeight * std::max(1.0f, sy))), GLFW_DONT_CARE, GLFW_DONT_CARE);
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(scripted ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  // The panel layout: read and written here (state_files.h), not by ImGui, and not in scripted use.
  io.IniFilename = nullptr;
  std::string layout_file;
  std::optional<std::set<std::string>> restored;  // the windows placed where the layout file says
  if (!scripted) {
    std::error_code ec;
    fs::create_directories(state_dir(), ec);
    layout_file = state_dir() + "/layout.ini";
    std::string problem;
    std::optional<std::string> layout = load_layout(layout_file, problem);
    if (!problem.empty()) {
      std::fprintf(stderr, "backprop-studio: %s\n", problem.c_str());
      model.set_message(problem);
    }
    if (layout) {
      // The panels where they were left, when the window opens at the size and in the mode they
      // were laid out for (otherwise, and after any resize, they are placed afresh) and each of
      // them lies within it: one outside it (an edited file) could be out of reach, and all are
      // placed afresh. A view outside it is left out alone, to be placed afresh when it shows.
      const auto [ww, wh] = unscaled_window_size(window);
      if (ww == last_w && wh == last_h && last_mode == (presenter ? "presenter" : "normal")) {
        const std::set<std::string> outside = windows_outside(*layout, ww, wh);
        const std::vector<std::string>& views = StudioApp::floating_windows();
        if (std::all_of(outside.begin(), outside.end(), [&](const std::string& n) { return std::count(views.begin(), views.end(), n) > 0; })) {
          *layout = filter_windows(*layout, [&](const std::string& n) { return outside.count(n) == 0; });
          restored = window_names(*layout);
        }
      }
      ImGui::LoadIniSettingsFromMemory(layout->data(), layout->size());
    }
  }
  std::optional<std::set<std::string>> laid_out_at_exit;  // the windows the layout file keeps
  bool presenter_at_exit = presenter;
  bool autosave_tried = false;
  // Saves while the app runs too: a crash or a SIGKILL loses at most autosave_every seconds.
  Autosaver autosaver(model, autosave_on ? autosave : "", std::chrono::milliseconds(static_cast<int64_t>(autosave_every * 1000)),
                      std::chrono::steady_clock::now());
  // The session saved on exit: "" when saved, else why not (also on stderr).
  auto save_on_exit = [&]() -> std::string {
    autosave_tried = true;
    autosaver.finish();  // a save under way ends first: the one on exit is the last word
    try {
      std::error_code ec;
      fs::create_directories(state_dir(), ec);
      model.save_session_to_quit(autosave);
      return "";
    } catch (const std::exception& e) {
      std::fprintf(stderr, "backprop-studio: the session could not be saved on exit: %s\n", e.what());
      return e.what();
    }
  };
  float xscale = 1, yscale = 1;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  const float dpi = std::max(1.0f, xscale);
  Fonts fonts;
  const char* font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  // The ranges of glyph_ranges.h, in ImGui's type.
  static const std::vector<ImWchar> ranges(std::begin(kGlyphRanges), std::end(kGlyphRanges));
  if (fs::exists(font_path)) {
    fonts.normal = io.Fonts->AddFontFromFileTTF(font_path, 16.0f * dpi, nullptr, ranges.data());
    fonts.large = io.Fonts->AddFontFromFileTTF(font_path, 26.0f * dpi, nullptr, ranges.data());
    fonts.huge = io.Fonts->AddFontFromFileTTF(font_path, 40.0f * dpi, nullptr, ranges.data());
  }
  if (!fonts.normal) {  // ImGui's built-in font, scaled
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * dpi;
    fonts.normal = io.Fonts->AddFontDefault(&cfg);
    cfg.SizePixels = 22.0f * dpi;
    fonts.large = io.Fonts->AddFontDefault(&cfg);
    cfg.SizePixels = 36.0f * dpi;
    fonts.huge = io.Fonts->AddFontDefault(&cfg);
  }
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  install_key_taps(window);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int status = 0;
  {
    std::optional<HeatmapRenderer> heatmap;
    try {
      heatmap.emplace(shaders);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "backprop-studio: error: %s\n", e.what());
      status = 1;
    }
    if (heatmap) {
      StudioApp app(model, *heatmap, fonts, assets);
      app.settings().presenter = presenter;
      if (!scripted) app.settings().autosave_folder = state_dir();
      if (restored) {  // the panels where they were left (above)
        const auto [ww, wh] = unscaled_window_size(window);
        app.settings().laid_out_for = ImVec2(static_cast<float>(ww), static_cast<float>(wh));
        app.settings().reset_layout = false;
        app.restored_windows(*restored);
      }
      app.apply_lesson();  // a lesson preset's views; the options below come after them
      if (inspector || inspector_steps > 0) {
        app.inspector().set_level(level);
        model.pump();
        const auto pts = model.points();
        if (!pts.empty()) {
          app.trace_point(pts.front());
          for (int i = 0; i < inspector_steps; ++i) app.inspector().stepper().step();
          for (int layer : inspector_collapse) app.inspector().collapse_layer(layer - 1);
        }
        app.show_inspector(true);
      }
      for (const std::string& v : views) app.set_view_open(v, true);
      if (link_gradients) app.settings().link_gradients = true;
      if (!tangent.empty())
        app.show_tangent({tangent[0] - 1, tangent[1] - 1, std::max(0, tangent[2] - 1), tangent[2] == 0}, tangent_eps);
      using Clock = std::chrono::steady_clock;
      const auto t0 = Clock::now();
      int frame = 0;
      uint64_t first_version = model.snapshot()->version;
      std::vector<double> frame_ms;
      auto last = Clock::now();
      bool checked_open_panels = false;
      // --canvas-screenshot: taken as File > Save canvas as PNG takes it, on a frame that draws
      // no window over the canvas (the frame before the last), so the last frame, and
      // --screenshot, show everything again. Counted once: --check-layout adds frames after it.
      const int canvas_frame = scripted && !canvas_shot.empty() ? frames - 2 : -1;
      // --check-layout in a run without --frames (driven by a person or a script): the last
      // frame drawn, checked when the app quits, with what must stay clear (the loss and
      // accuracy, a remedy banner, the inspector's controls: a panel clicked came in front of
      // the inspector's).
      auto check_last_frame = [&] {
        if (check_layout_flag && !scripted && frame > 0)
          std::printf("%s", describe(check_layout(*ImGui::GetDrawData(), StudioApp::floating_windows(), unhidden_windows(), app.kept_clear())).c_str());
      };
      while (true) {
        if (const int sig = bp::stop_signal()) {
          check_last_frame();
          // A logout, kill or Ctrl+C: saved as on quitting, but nobody is left to ask on failure.
          std::fprintf(stderr, "backprop-studio: %s: %s\n", strsignal(sig),
                       autosave_on ? "saving the session and quitting" : "quitting");
          if (autosave_on) save_on_exit();  // prints why when it cannot
          status = 128 + sig;
          break;
        }
        if (glfwWindowShouldClose(window) || app.quit_requested()) {
          // Saved before the window closes: if it cannot be, the user is asked, not told afterwards.
          if (!autosave_on || app.quit_without_saving()) {
            check_last_frame();
            break;
          }
          const std::string why = save_on_exit();
          if (why.empty()) {
            check_last_frame();
            break;
          }
          glfwSetWindowShouldClose(window, GLFW_FALSE);
          app.refuse_quit(why);
        }
        if (const std::string problem = autosaver.tick(Clock::now()); !problem.empty()) {
          std::fprintf(stderr, "backprop-studio: %s\n", problem.c_str());
          model.set_message(problem);
        }
        const bool canvas_flag_frame = frame == canvas_frame;
        if (canvas_flag_frame) app.request_canvas_screenshot(canvas_shot);
        key_taps_new_frame();
        glfwPollEvents();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        app.frame();
        ImGui::Render();
        ++frame;
        const bool last_frame = scripted && frame >= frames;
        if (last_frame && check_layout_flag) {
          // The loss and accuracy stay clear as the app starts (opening Data or Network in
          // presenter mode covers them, as asked).
          const std::vector<LayoutProblem> problems =
              check_layout(*ImGui::GetDrawData(), StudioApp::floating_windows(), unhidden_windows(),
                           checked_open_panels ? std::vector<KeptClear>{} : app.kept_clear());
          std::printf("%s", describe(problems).c_str());
          if (!problems.empty()) status = 3;
          if (!checked_open_panels) {  // then again with every panel open (presenter mode's too)
            checked_open_panels = true;
            app.open_panels();
            frames += 3;
            continue;
          }
        }
        int fw, fh;
        glfwGetFramebufferSize(window, &fw, &fh);
        glViewport(0, 0, fw, fh);
        // The tiled panels draw no background of their own (StudioApp::begin_panel): the clear is it.
        const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        try {
          if (const std::string request = app.take_canvas_screenshot_request(); !request.empty()) {
            int x, y, w, h;
            app.canvas_rect(x, y, w, h);
            save_framebuffer_png(request, x, y, w, h, fh);
            if (!canvas_flag_frame) model.set_message("Saved the canvas to " + request);
          }
          if (last_frame && !screenshot.empty()) save_framebuffer_png(screenshot, 0, 0, fw, fh, fh);
        } catch (const std::exception& e) {
          if (last_frame || canvas_flag_frame) {
            std::fprintf(stderr, "backprop-studio: error: %s\n", e.what());
            status = 1;
          } else {
            model.set_message(e.what());
          }
        }
        glfwSwapBuffers(window);
        if (io.WantSaveIniSettings) {  // ImGui asks a few seconds after a panel moved
          save_layout(layout_file, &app.laid_out_windows());
          io.WantSaveIniSettings = false;
        }
        const auto now = Clock::now();
        frame_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
        last = now;
        if (last_frame) break;
      }
      presenter_at_exit = app.settings().presenter;
      laid_out_at_exit = app.laid_out_windows();
      if (report) {
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        std::vector<double> sorted = frame_ms;
        std::sort(sorted.begin(), sorted.end());
        const double median = sorted.empty() ? 0 : sorted[sorted.size() / 2];
        const double p95 = sorted.empty() ? 0 : sorted[sorted.size() * 95 / 100];
        const auto snap = model.snapshot();
        std::printf("frames %d in %.2f s: %.1f fps (median frame %.2f ms, 95th percentile %.2f ms); boundary updates %.1f/s; "
                    "training step %lld, %.0f steps/s; heatmap renders %d, graph renders %d\n",
                    frame, secs, frame / secs, median, p95, static_cast<double>(snap->version - first_version) / secs,
                    static_cast<long long>(snap->step), snap->steps_per_second, heatmap->renders(), app.graph_renders());
      }
    }
  }
  if (!scripted) {
    const auto [w, h] = unscaled_window_size(window);
    try {
      bp::write_file_atomic(window_file, std::to_string(w) + " " + std::to_string(h) + (presenter_at_exit ? " presenter" : " normal") + "\n");
    } catch (const std::exception&) {
      // Not worth bothering the user at exit: the next start uses the default size.
    }
  }
  save_layout(layout_file, laid_out_at_exit ? &*laid_out_at_exit : nullptr);  // ImGui's own save at shutdown needs IniFilename
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  if (autosave_on && !autosave_tried) save_on_exit();  // the window's frame loop never ran (a shader failed)
  return status;
}

}  // namespace
