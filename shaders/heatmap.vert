#version 330 core
// A quad covering the canvas; t runs from (0, 0) at the bottom left to (1, 1) at the top right.
layout(location = 0) in vec2 position;
out vec2 t;
void main() {
  t = position * 0.5 + 0.5;
  gl_Position = vec4(position, 0.0, 1.0);
}
