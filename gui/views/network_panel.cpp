// Network: hidden layers and neurons, activation per layer, input features, loss, optimizer and
// its settings, learning rate, batch size, regularization, schedule, initializer, seed; and the
// network diagram: neurons as heatmaps of their own output over the plane, links coloured by
// sign and thick by magnitude (or, switched, by the last step's |∂L/∂w|), dead ReLUs greyed out
// and crossed, hover for a weight's value, click to edit it.
#include <imgui_internal.h>  // the child window's clip rectangle

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <tuple>

#include "common/palette.h"
#include "model/batch_note.h"
#include "render/cached_view.h"
#include "flow.h"
#include "studio_app.h"

namespace bp::studio {
namespace {

constexpr float kRates[] = {0.00001f, 0.0001f, 0.001f, 0.003f, 0.01f, 0.03f, 0.1f, 0.3f, 1.0f, 3.0f, 10.0f};
constexpr float kRegRates[] = {0.0f, 0.001f, 0.003f, 0.01f, 0.03f, 0.1f, 0.3f, 1.0f, 3.0f, 10.0f};

// A rate as its combo box shows it.
std::string rate_text(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
  return buf;
}

bool rate_combo(const char* label, float& value, const float* list, size_t n) {
  bool changed = false;
  if (ImGui::BeginCombo(label, rate_text(value).c_str())) {
    for (size_t i = 0; i < n; ++i)
      if (ImGui::Selectable(rate_text(list[i]).c_str(), list[i] == value)) value = list[i], changed = true;
    ImGui::EndCombo();
  }
  return changed;
}

template <class E, class Names>
bool enum_combo(const char* label, E& value, const std::vector<E>& options, Names name) {
  bool changed = false;
  if (ImGui::BeginCombo(label, name(value))) {
    for (E o : options)
      if (ImGui::Selectable(name(o), o == value)) value = o, changed = true;
    ImGui::EndCombo();
  }
  return changed;
}

// The width of a combo box offering `options`: the widest name shows in full.
template <class E, class Names>
float options_width(const std::vector<E>& options, Names name) {
  std::vector<std::string> names;
  for (E o : options) names.emplace_back(name(o));
  return combo_width(names);
}

// The width of a learning-rate combo offering `list`.
float rates_width(const float* list, size_t n) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back(rate_text(list[i]));
  return combo_width(names);
}

float dist_to_segment(ImVec2 p, ImVec2 a, ImVec2 b) {
  const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  const float t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0f, 1.0f) : 0.0f;
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

}  // namespace

void StudioApp::network_panel() {
  if (!begin_panel("Network")) return;  // folded
  TrainConfig c = m_.config();
  bool edited = false;
  const auto snap = m_.snapshot();
  ImGui::Text("%s", snap->network.c_str());
  same_line_if_fits(button_width("+ layer"));
  if (ImGui::SmallButton("+ layer") && c.hidden.size() < kAppMaxHiddenLayers) {
    c.hidden.push_back(c.hidden.empty() ? 4 : c.hidden.back());
    if (c.activations.size() > 1) c.activations.push_back(c.activations.back());
    edited = true;
  }
  same_line_if_fits(button_width("- layer"));
  if (ImGui::SmallButton("- layer") && !c.hidden.empty()) {
    c.hidden.pop_back();
    if (c.activations.size() > 1) c.activations.resize(std::max<size_t>(1, c.hidden.size()));
    edited = true;
  }
  same_line_if_fits(button_width("enlarge"));
  if (ImGui::SmallButton("enlarge")) show_big_diagram_ = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("the network diagram in a large window");
  const char* links = s_.link_gradients ? "links: ∂L/∂w" : "links: w";
  same_line_if_fits(button_width(links));
  if (ImGui::SmallButton(links)) s_.link_gradients = !s_.link_gradients;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(s_.link_gradients ? "links show |∂L/∂w|, the last step's gradient (click: the weights)"
                                        : "links show the weights (click: |∂L/∂w|, the last step's gradient)");
  // One row per hidden layer: width and activation.
  std::vector<Activation> per_layer(c.hidden.size(), c.activations.empty() ? Activation::Tanh : c.activations[0]);
  for (size_t i = 0; i < c.hidden.size() && c.activations.size() == c.hidden.size(); ++i) per_layer[i] = c.activations[i];
  const float act_w = options_width(all_activations(), activation_name);
  for (size_t i = 0; i < c.hidden.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    ImGui::Text("layer %zu:", i + 1);
    ImGui::SameLine();
    if (ImGui::SmallButton("-") && c.hidden[i] > 1) c.hidden[i]--, edited = true;
    ImGui::SameLine();
    ImGui::Text("%2lld", static_cast<long long>(c.hidden[i]));
    ImGui::SameLine();
    if (ImGui::SmallButton("+") && c.hidden[i] < kAppMaxHiddenWidth) c.hidden[i]++, edited = true;
    same_line_if_fits(act_w);
    fill_but_label("##act", act_w);
    if (enum_combo("##act", per_layer[i], all_activations(), activation_name)) {
      c.activations = per_layer;
      edited = true;
    }
    ImGui::PopID();
  }
  if (c.activations.size() != 1 && c.activations.size() != c.hidden.size()) c.activations = {per_layer.empty() ? Activation::Tanh : per_layer[0]};

  {  // the input features, as many to a row as fit
    const float col = labelled_width("sin(x1)", ImGui::GetFrameHeight());  // the widest name: aligned columns
    for (Feature f : all_features()) {
      if (f != all_features().front()) same_line_if_fits(col);
      const float x = ImGui::GetCursorPosX();
      bool on = FeatureSet(c.features).contains(f);
      if (ImGui::Checkbox(feature_name(f), &on)) {
        std::vector<Feature> next;
        for (Feature g : all_features())
          if (g == f ? on : FeatureSet(c.features).contains(g)) next.push_back(g);
        if (!next.empty()) c.features = next, edited = true;
      }
      ImGui::SameLine(x + col);  // pads the item to the column's width for the next fit test
      ImGui::Dummy(ImVec2(0, 0));
    }
  }
  // The diagram: a fixed share of the panel, the settings below it.
  // At least a line of text per neuron of the tallest layer (the panel scrolls; "enlarge" opens
  // it in a window of its own).
  size_t tallest = 1;
  for (const auto& layer : snap->neuron_maps) tallest = std::max(tallest, layer.size());
  const float diagram_h = std::max({ImGui::GetContentRegionAvail().y * 0.5f, ImGui::GetFontSize() * 8,
                                    ImGui::GetFontSize() * (1.1f * static_cast<float>(tallest) + 1)});
  if (ImGui::BeginChild("diagram", ImVec2(0, diagram_h), true, ImGuiWindowFlags_NoScrollbar)) network_diagram(*snap, diagram_view_);
  ImGui::EndChild();

  if (ImGui::CollapsingHeader("Optimizer and loss", ImGuiTreeNodeFlags_DefaultOpen)) {
    // Each control continues the row while it fits; `w` is the control alone, in pixels: a combo
    // box is as wide as its widest option, a field as wide as its largest value.
    const float em = ImGui::GetFontSize();
    bool first = true;
    auto next = [&](const char* label, float w) {
      if (!first) same_line_if_fits(labelled_width(label, w));
      first = false;
      ImGui::SetNextItemWidth(std::min(w, ImGui::GetContentRegionAvail().x - labelled_width(label, 0)));
    };
    const std::vector<LossKind> losses = c.problem == Problem::Binary       ? std::vector<LossKind>{LossKind::BCE, LossKind::Hinge, LossKind::MSE}
                                         : c.problem == Problem::MultiClass ? std::vector<LossKind>{LossKind::SoftmaxCE}
                                                                            : std::vector<LossKind>{LossKind::MSE};
    next("loss", options_width(losses, loss_name));
    edited |= enum_combo("loss", c.loss, losses, loss_name);
    const std::vector<OptimizerKind> optimizers{OptimizerKind::SGD, OptimizerKind::Momentum, OptimizerKind::Adam, OptimizerKind::AdamW};
    next("optimizer", options_width(optimizers, optimizer_name));
    edited |= enum_combo("optimizer", c.optimizer, optimizers, optimizer_name);
    float lr = c.lr;
    next("learning rate", rates_width(kRates, std::size(kRates)));
    if (rate_combo("learning rate", lr, kRates, std::size(kRates))) c.lr = lr, edited = true;
    next("##lr", 5 * em);
    if (ImGui::InputFloat("##lr", &lr, 0, 0, "%g", ImGuiInputTextFlags_EnterReturnsTrue) && lr > 0) c.lr = lr, edited = true;
    if (c.optimizer == OptimizerKind::Momentum) {
      next("momentum", 8 * em);
      ImGui::SliderFloat("momentum", &c.momentum, 0.0f, 0.99f, "%.3f", ImGuiSliderFlags_AlwaysClamp);
      edited |= ImGui::IsItemDeactivatedAfterEdit();
      same_line_if_fits(labelled_width("Nesterov", ImGui::GetFrameHeight()));
      edited |= ImGui::Checkbox("Nesterov", &c.nesterov);
    }
    if (c.optimizer == OptimizerKind::Adam || c.optimizer == OptimizerKind::AdamW) {
      next("beta1", 6 * em);
      ImGui::InputFloat("beta1", &c.beta1, 0, 0, "%.3f");
      edited |= ImGui::IsItemDeactivatedAfterEdit();
      next("beta2", 6 * em);
      ImGui::InputFloat("beta2", &c.beta2, 0, 0, "%.4f");
      edited |= ImGui::IsItemDeactivatedAfterEdit();
    }
    // Every optimizer has weight decay (as PyTorch's): hidden for SGD, a decay loaded from a
    // session or kept from Adam still pulled the weights down, with nothing on screen to say so.
    next("weight decay", 6 * em);
    ImGui::InputFloat("weight decay", &c.weight_decay, 0, 0, "%g");
    edited |= ImGui::IsItemDeactivatedAfterEdit();
    int batch = static_cast<int>(c.batch_size);
    bool full = batch == 0;
    if (!first) same_line_if_fits(labelled_width("full batch", ImGui::GetFrameHeight()));
    if (ImGui::Checkbox("full batch", &full)) c.batch_size = full ? 0 : 10, edited = true;
    if (!full) {
      next("batch size", 8 * em);
      ImGui::SliderInt("batch size", &batch, 1, 100, "%d", ImGuiSliderFlags_AlwaysClamp);
      if (ImGui::IsItemDeactivatedAfterEdit()) c.batch_size = batch, edited = true;
      // A batch that takes every training point is the full batch, whatever the slider says.
      if (const std::string note = full_batch_note(batch, m_.point_counts().train); !note.empty()) {
        same_line_if_fits(ImGui::CalcTextSize(note.c_str()).x);
        ImGui::TextDisabled("%s", note.c_str());
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip("a batch as large as the training set takes every training point each step, in the same order");
      }
    }
    const std::vector<Regularization::Kind> regularizations{Regularization::None, Regularization::L1, Regularization::L2};
    next("regularization", options_width(regularizations, regularization_name));
    edited |= enum_combo("regularization", c.regularization.kind, regularizations, regularization_name);
    if (c.regularization.kind != Regularization::None) {
      next("rate", rates_width(kRegRates, std::size(kRegRates)));
      edited |= rate_combo("rate", c.regularization.rate, kRegRates, std::size(kRegRates));
    }
    const std::vector<LrSchedule::Kind> schedules{LrSchedule::Constant, LrSchedule::Step, LrSchedule::Cosine};
    next("schedule", options_width(schedules, schedule_name));
    edited |= enum_combo("schedule", c.schedule.kind, schedules, schedule_name);
    if (c.schedule.kind == LrSchedule::Cosine) {  // the run's length: min lr at its end
      int span = static_cast<int>(std::min<int64_t>(c.schedule.total_steps, kAppMaxCosineSteps));
      next("steps to min lr", stepper_width(std::to_string(kAppMaxCosineSteps).c_str()));
      if (ImGui::InputInt("steps to min lr", &span, 100, 1000)) {
        c.schedule.total_steps = std::clamp<int64_t>(span, 1, kAppMaxCosineSteps);
        edited = true;
      }
    }
    const std::vector<Init> inits{Init::Default,      Init::Uniform,       Init::XavierUniform, Init::XavierNormal,
                                  Init::KaimingUniform, Init::KaimingNormal, Init::Zeros};
    next("init", options_width(inits, init_name));
    edited |= enum_combo("init", c.init, inits, init_name);
    const std::string seed_text = std::to_string(c.seed);
    next("seed", stepper_width(seed_text.size() > 5 ? seed_text.c_str() : "99999"));
    edited |= seed_input("seed", c.seed);
    device_combo(next);
  }
  if (edited) apply_config(c);  // when new weights were needed, the message bar says so
  ImGui::End();
}

void StudioApp::device_combo(const std::function<void(const char*, float)>& next) {
  // auto, the CPU, and CUDA (greyed out, with the reason, where no GPU is usable); hovering a
  // usable device describes it (the GPU's name, compute capability and matrix-multiply kernel).
  const DeviceChoice now = m_.device_choice();
  const std::string preview = now.automatic ? "auto" : now.device.str();
  next("device", combo_width({"auto", "cpu", "cuda:0"}));
  if (!ImGui::BeginCombo("device", preview.c_str())) {
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", m_.device_note().c_str());
    return;
  }
  const std::string why_not = cuda_unavailable_reason();
  auto item = [&](const char* label, DeviceChoice choice, bool usable) {
    const bool selected = choice.automatic == now.automatic && (choice.automatic || choice.device == now.device);
    if (ImGui::Selectable(label, selected, usable ? 0 : ImGuiSelectableFlags_Disabled)) {
      try {
        m_.set_device_choice(choice);
      } catch (const std::exception& e) {
        m_.set_message(e.what());
      }
    }
    if (!usable && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", why_not.c_str());
    if (usable && !choice.automatic && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", device_description(choice.device).c_str());
  };
  item("auto", DeviceChoice{}, true);
  item("cpu", DeviceChoice{false, Device::cpu()}, true);
  item("cuda:0", DeviceChoice{false, Device::cuda(0)}, why_not.empty());
  ImGui::EndCombo();
}

const char* StudioApp::input_feature_name(size_t i) const {
  const std::vector<Feature>& f = m_.config().features;
  return feature_name(f[std::min(i, f.size() - 1)]);
}

std::string StudioApp::neuron_name(size_t layer, size_t index, size_t layers) const {
  if (layer == 0) return std::string("input ") + input_feature_name(index);
  return "layer " + std::to_string(layer) + ", neuron " + std::to_string(index + 1) + (layer + 1 == layers ? " (output)" : "");
}

void StudioApp::diagram_window() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  place_view_window("Network diagram", ImVec2(display.x * 0.2f, display.y * 0.2f), ImVec2(display.x * 0.6f, display.y * 0.6f));  // centred
  if (!begin_view("Network diagram", &show_big_diagram_, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) return;
  network_diagram(*m_.snapshot(), big_diagram_view_);
  ImGui::End();
}

void StudioApp::network_diagram(const Snapshot& snap, CachedView& cache) {
  const auto& maps = snap.neuron_maps;
  const auto& weights = snap.weights;
  if (maps.empty() || weights.size() + 1 != maps.size()) return;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const size_t columns = maps.size();
  size_t tallest = 0;
  for (const auto& layer : maps) tallest = std::max(tallest, layer.size());
  // Margins for the names: each input's feature on the left, each output's class on the right.
  auto input_name = [&](size_t i) { return input_feature_name(i); };
  const size_t outputs = maps.back().size();
  auto output_name = [&](size_t o) {
    static char buf[32];
    if (snap.problem == Problem::Regression) return "value";
    if (outputs == 1) return "class 1";
    std::snprintf(buf, sizeof buf, "class %zu", o);
    return static_cast<const char*>(buf);
  };
  const float small = ImGui::GetFontSize() * 0.8f;
  ImFont* font = ImGui::GetFont();
  float left_w = 0, right_w = 0;
  for (size_t i = 0; i < maps.front().size(); ++i) left_w = std::max(left_w, font->CalcTextSizeA(small, FLT_MAX, 0, input_name(i)).x);
  for (size_t o = 0; o < outputs; ++o) right_w = std::max(right_w, font->CalcTextSizeA(small, FLT_MAX, 0, output_name(o)).x);
  left_w += 4, right_w += 4;
  const float col_w = std::max(avail.x - left_w - right_w, 10.0f) / static_cast<float>(columns);
  const float cell = std::clamp(std::min(col_w * 0.55f, (avail.y - 6) / static_cast<float>(tallest) * 0.78f), 8.0f, 64.0f);
  const float height = std::max(avail.y - 2, cell * 1.25f * static_cast<float>(tallest));
  ImGui::InvisibleButton("diagram", nonempty(ImVec2(avail.x, height)));
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  auto centre = [&](size_t layer, size_t i) {
    const size_t n = maps[layer].size();
    const float x = p0.x + left_w + col_w * (static_cast<float>(layer) + 0.5f);
    const float y = p0.y + height * 0.5f + (static_cast<float>(i) - (static_cast<float>(n) - 1) * 0.5f) * cell * 1.25f;
    return ImVec2(x, y);
  };
  float wmax = 1e-6f;
  for (const auto& l : weights)
    for (float w : l.weight) wmax = std::max(wmax, std::fabs(w));
  // Links by |∂L/∂w| (the gradient-flow switch): one ink, thick and dark where the last step's
  // gradient is large; the layers a vanishing gradient barely reaches fade out.
  const auto& grads = snap.gradients;
  bool by_gradient = s_.link_gradients && grads.size() == weights.size();
  for (size_t l = 0; by_gradient && l < grads.size(); ++l) by_gradient = grads[l].weight.size() == weights[l].weight.size();
  float gmax = 0;
  if (by_gradient)
    for (const auto& l : grads)
      for (float g : l.weight) gmax = std::max(gmax, std::isfinite(g) ? std::fabs(g) : 0.0f);
  auto gradient_at = [&](size_t l, int64_t o, int64_t i) { return grads[l].weight[static_cast<size_t>(o * grads[l].in + i)]; };
  // Dead ReLUs (maps' layer index: 0 is the inputs, so hidden layer d.layer is d.layer + 1).
  std::vector<std::vector<bool>> dead(maps.size());
  for (size_t l = 0; l < maps.size(); ++l) dead[l].assign(maps[l].size(), false);
  for (const auto& d : snap.dead_relu)
    for (int j : d.neurons)
      if (static_cast<size_t>(d.layer) + 1 < maps.size() && static_cast<size_t>(j) < maps[static_cast<size_t>(d.layer) + 1].size())
        dead[static_cast<size_t>(d.layer) + 1][static_cast<size_t>(j)] = true;
  auto link = [&](size_t l, int64_t o, int64_t i) {  // its ends and weight
    const ImVec2 a = centre(l, static_cast<size_t>(i)), b = centre(l + 1, static_cast<size_t>(o));
    return std::tuple{ImVec2(a.x + cell * 0.5f, a.y), ImVec2(b.x - cell * 0.5f, b.y), weights[l].weight[static_cast<size_t>(o * weights[l].in + i)]};
  };
  // Drawn into a cached texture: only a new snapshot, a resize or a scroll draws it again (a
  // 2-14-14-14-1 network has 434 anti-aliased links).
  const ImRect clip = ImGui::GetCurrentWindow()->InnerClipRect;
  const uint64_t key = digest(digest(digest(digest(digest(kDigestSeed, snap.version), ImVec2(p0.x - clip.Min.x, p0.y - clip.Min.y)),
                                            ImVec2(avail.x, height)), ImGui::GetFontSize()),
                              static_cast<uint64_t>(by_gradient));
  if (ImDrawList* dl = cache.begin(key, clip.Min, clip.GetSize())) {
    for (size_t l = 0; l < weights.size(); ++l)  // links first, under the neurons
      for (int64_t o = 0; o < weights[l].out; ++o)
        for (int64_t i = 0; i < weights[l].in; ++i) {
          const auto [a, b, w] = link(l, o, i);
          if (by_gradient) {
            const float g = gradient_at(l, o, i), r = gmax > 0 && std::isfinite(g) ? std::fabs(g) / gmax : 0.0f;
            dl->AddLine(a, b, im_color(0.45f, 0.05f, 0.45f, 0.2f + 0.75f * r), 0.5f + 5.0f * r);
          } else {
            dl->AddLine(a, b, class_im_color(w < 0 ? 0 : 1, 0.35f + 0.6f * std::fabs(w) / wmax), 0.5f + 5.0f * std::fabs(w) / wmax);
          }
        }
    // Neurons: small heatmaps of their output over the plane, one textured quad each.
    atlas_.update(snap);
    const ImTextureID atlas = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(atlas_.texture()));
    for (size_t l = 0; l < maps.size(); ++l)
      for (size_t i = 0; i < maps[l].size(); ++i) {
        const ImVec2 c = centre(l, i);
        const ImVec2 tl(c.x - cell * 0.5f, c.y - cell * 0.5f);
        const auto uv = atlas_.tile(l, i);
        dl->AddImage(atlas, tl, ImVec2(tl.x + cell, tl.y + cell), ImVec2(uv[0], uv[3]), ImVec2(uv[2], uv[1]));
        const bool output = l + 1 == maps.size();
        // Outputs framed in their class's colour (class 1 for a binary logit; none for a value).
        const ImU32 frame = output && snap.problem != Problem::Regression ? class_im_color(outputs == 1 ? 1 : static_cast<int>(i))
                                                                         : im_color(0.3f, 0.3f, 0.3f);
        dl->AddRect(tl, ImVec2(tl.x + cell, tl.y + cell), frame, 0, 0, output ? 3.0f : 1.0f);
        if (dead[l][i]) {  // greyed out and crossed: it outputs 0 for every training point
          const ImVec2 br(tl.x + cell, tl.y + cell);
          dl->AddRectFilled(tl, br, im_color(0.1f, 0.1f, 0.1f, 0.55f));
          const float t = std::max(1.5f, cell * 0.08f);
          dl->AddLine(tl, br, im_color(0.85f, 0.1f, 0.05f), t);
          dl->AddLine(ImVec2(tl.x, br.y), ImVec2(br.x, tl.y), im_color(0.85f, 0.1f, 0.05f), t);
        }
        const ImU32 ink = im_color(0.15f, 0.15f, 0.15f);
        if (l == 0) {
          const ImVec2 ts = font->CalcTextSizeA(small, FLT_MAX, 0, input_name(i));
          dl->AddText(font, small, ImVec2(tl.x - ts.x - 3, c.y - ts.y / 2), ink, input_name(i));
        } else if (output) {
          const ImVec2 ts = font->CalcTextSizeA(small, FLT_MAX, 0, output_name(i));
          dl->AddText(font, small, ImVec2(tl.x + cell + 3, c.y - ts.y / 2), ink, output_name(i));
        }
      }
    for (size_t l = 1; l + 1 < maps.size(); ++l) {  // "2 dead" under a hidden layer's column
      const int n = static_cast<int>(std::count(dead[l].begin(), dead[l].end(), true));
      if (n == 0) continue;
      const std::string text = std::to_string(n) + " dead";
      const ImVec2 c = centre(l, maps[l].size() - 1), ts = font->CalcTextSizeA(small, FLT_MAX, 0, text.c_str());
      dl->AddText(font, small, ImVec2(c.x - ts.x / 2, std::min(c.y + cell * 0.55f, p0.y + height - ts.y)), im_color(0.8f, 0.1f, 0.05f),
                  text.c_str());
    }
  }
  cache.end(ImGui::GetWindowDrawList(), ImGui::GetStyleColorVec4(ImGuiCol_WindowBg));

  // Hovering: a neuron shows its bias, a link its weight (click to edit).
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hover_layer = -1;
  int64_t hover_out = 0, hover_in = 0;
  float best = 5.0f;
  if (hovered) {
    for (size_t l = 0; l < weights.size(); ++l)
      for (int64_t o = 0; o < weights[l].out; ++o)
        for (int64_t i = 0; i < weights[l].in; ++i) {
          const auto [a, b, w] = link(l, o, i);
          const float d = dist_to_segment(mouse, a, b);
          if (d < best) best = d, hover_layer = static_cast<int>(l), hover_out = o, hover_in = i;
        }
    for (size_t l = 0; l < maps.size(); ++l)
      for (size_t i = 0; i < maps[l].size(); ++i) {
        const ImVec2 c = centre(l, i);
        if (std::fabs(mouse.x - c.x) >= cell * 0.5f || std::fabs(mouse.y - c.y) >= cell * 0.5f) continue;
        hover_layer = -1;
        hover_neuron_ = {static_cast<int>(l), static_cast<int>(i)};
        const std::string name = neuron_name(l, i, maps.size());
        if (l == 0)
          ImGui::SetTooltip("%s\n(its value over the plane is on the canvas)", name.c_str());
        else
          ImGui::SetTooltip("%s: bias b%zu[%zu] = %s\n(its output over the plane is on the canvas)%s", name.c_str(), l, i + 1,
                            fixed(weights[l - 1].bias[i], 4).c_str(),
                            dead[l][i] ? "\nDEAD: its ReLU outputs 0 for every training point, so no gradient reaches its weights" : "");
      }
  }
  if (hover_layer >= 0) {
    const float w = weights[static_cast<size_t>(hover_layer)].weight[static_cast<size_t>(hover_out * weights[static_cast<size_t>(hover_layer)].in + hover_in)];
    // The names the inspector uses: w<layer>[<neuron>][<input>], counted from 1.
    std::string grad;
    if (by_gradient) grad = "\n∂L/∂w = " + fixed(gradient_at(static_cast<size_t>(hover_layer), hover_out, hover_in), 6) + " (the last step's)";
    ImGui::SetTooltip("w%d[%lld][%lld] = %s%s\n(click to edit)", hover_layer + 1, static_cast<long long>(hover_out + 1),
                      static_cast<long long>(hover_in + 1), fixed(w, 4).c_str(), grad.c_str());
    if (clicked) {
      edit_layer_ = hover_layer;
      edit_out_ = hover_out;
      edit_in_ = hover_in;
      edit_value_ = w;
      open_weight_popup_ = true;
    }
  }
  if (open_weight_popup_) {
    ImGui::OpenPopup("Edit weight");
    open_weight_popup_ = false;
  }
  if (ImGui::BeginPopup("Edit weight")) {
    ImGui::Text("w%d[%lld][%lld]: layer %d, input %lld to neuron %lld", edit_layer_ + 1, static_cast<long long>(edit_out_ + 1),
                static_cast<long long>(edit_in_ + 1), edit_layer_ + 1, static_cast<long long>(edit_in_ + 1), static_cast<long long>(edit_out_ + 1));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    if (ImGui::InputFloat("##w", &edit_value_, 0.1f, 1.0f, "%.4f", ImGuiInputTextFlags_EnterReturnsTrue)) {
      m_.set_weight(edit_layer_, edit_out_, edit_in_, edit_value_);
      ImGui::CloseCurrentPopup();
    }
    if (ImGui::Button("Set")) {
      m_.set_weight(edit_layer_, edit_out_, edit_in_, edit_value_);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Derivative as a tangent")) {  // the loss as a function of this weight
      tangent_param_ = {edit_layer_, edit_out_, edit_in_, false};
      show_tangent_ = true;
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

}  // namespace bp::studio
