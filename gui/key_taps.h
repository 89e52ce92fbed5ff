// Keeps short key taps. Debian's Dear ImGui 1.86 GLFW backend marks a key down on press and up on
// release, so a press and release that both arrive between two frames (a quick tap, xdotool's
// `key`) are never seen as a press. This holds such a release back to the next frame: the key is
// down for exactly one frame, and shortcuts, Enter in a text box and Ctrl+A all see it.
#pragma once

struct GLFWwindow;

namespace bp::studio {

/// Installs the key callback (after ImGui_ImplGlfw_InitForOpenGL(window, true)); it forwards
/// every event to ImGui's, holding back the releases that follow a press in the same frame.
void install_key_taps(GLFWwindow* window);
/// Call once a frame before glfwPollEvents: replays the releases held back by the last frame.
void key_taps_new_frame();

}  // namespace bp::studio
