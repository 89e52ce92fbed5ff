#include "key_taps.h"

#include <GLFW/glfw3.h>
#include <imgui_impl_glfw.h>

#include <set>
#include <vector>

namespace bp::studio {
namespace {

struct KeyEvent {
  GLFWwindow* window;
  int key, scancode, action, mods;
};

std::set<int> g_pressed_this_frame;  // keys pressed since the last frame began (UI thread only)
std::vector<KeyEvent> g_held;         // their releases, for the next frame

void on_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
  // Once a key was pressed this frame, every release waits for the next one: the key's own, and
  // a modifier's, so that a tap of Ctrl+Q whose Ctrl was pressed a frame earlier is still seen
  // with Ctrl down (a release, and what follows it, is one frame late at worst).
  if (action == GLFW_RELEASE && (!g_pressed_this_frame.empty() || !g_held.empty())) {
    g_held.push_back({window, key, scancode, action, mods});
    return;
  }
  if (action == GLFW_PRESS) g_pressed_this_frame.insert(key);
  ImGui_ImplGlfw_KeyCallback(window, key, scancode, action, mods);
}

}  // namespace

void install_key_taps(GLFWwindow* window) { glfwSetKeyCallback(window, on_key); }

void key_taps_new_frame() {
  g_pressed_this_frame.clear();
  std::vector<KeyEvent> held;
  held.swap(g_held);
  for (const KeyEvent& e : held) ImGui_ImplGlfw_KeyCallback(e.window, e.key, e.scancode, e.action, e.mods);
}

}  // namespace bp::studio
