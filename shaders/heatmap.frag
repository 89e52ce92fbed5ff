#version 330 core
// The decision boundary behind the points. The grid textures hold the network's raw outputs
// (logits, or values for regression) on a coarse grid. Linear filtering of logits is smooth, so
// the link function (sigmoid or softmax) is applied here, after filtering, and the contour is
// drawn where the filtered logit crosses zero at a constant width in pixels (fwidth).
in vec2 t;
out vec4 color;

uniform vec4 canvas_region;      // x_min, y_min, width, height of the plane shown on the canvas
uniform vec4 grid_region;        // the same for the area the grid textures cover
// MODE (defined by the app when it compiles this): 0 binary logit, 1 multiclass logits,
// 2 regression value. One program per mode: software GL would run untaken branches per pixel.
uniform int classes;             // multiclass: number of classes (<= 8)
uniform float logit_scale;       // binary: s = tanh(logit_scale * z), 0.5 for sigmoid outputs; regression: 1 / the colour scale's end
uniform bool discretize;         // solid class regions instead of shaded confidence
uniform sampler2D values;        // binary/regression: r; multiclass: classes 0-3 in rgba
uniform sampler2D values_more;   // multiclass: classes 4-7 in rgba
uniform vec3 palette[8];
uniform vec3 ink;
uniform float strength;          // how saturated the background is

vec3 diverging(float v) {        // v in [-1, 1]: class 0 colour, white, class 1 colour
  v = clamp(v, -1.0, 1.0);
  return v < 0.0 ? mix(vec3(1.0), palette[0], -v * strength) : mix(vec3(1.0), palette[1], v * strength);
}

void main() {
  vec2 uv = (canvas_region.xy + t * canvas_region.zw - grid_region.xy) / grid_region.zw;
#if MODE == 0
  float z = texture(values, uv).r;
  float s = tanh(logit_scale * z);  // 2·p − 1 for a sigmoid output
  vec3 c = diverging(discretize ? sign(s) : s);
  // Where the logit is flat (zero weights: p = 0.5 all over), there is no crossing to draw: the
  // canvas stays white ("undecided") rather than one wide contour.
  float dz = fwidth(z);
  float line = dz > 1e-6 ? 1.0 - smoothstep(0.5, 1.5, abs(z) / dz) : 0.0;
  color = vec4(mix(c, ink, 0.8 * line), 1.0);
#elif MODE == 2
  float v = texture(values, uv).r * logit_scale;  // the value on the legend's scale, -1..1
  color = vec4(diverging(discretize ? sign(v) : v), 1.0);
#else
  vec4 a = texture(values, uv), b = texture(values_more, uv);
  float z[8] = float[8](a.r, a.g, a.b, a.a, b.r, b.g, b.b, b.a);
  int best = 0;
  float top = -1e30, second = -1e30;
  for (int c = 0; c < classes; ++c) {
    if (z[c] > top) { second = top; top = z[c]; best = c; }
    else if (z[c] > second) { second = z[c]; }
  }
  float sum = 0.0;
  for (int c = 0; c < classes; ++c) sum += exp(z[c] - top);
  float p_top = 1.0 / sum, p_second = exp(second - top) / sum;
  float confidence = discretize ? 1.0 : clamp((p_top - p_second) * 1.5, 0.0, 1.0);
  float margin = top - second;  // logit margin: zero on the boundary between the top two
  // A tie has no most likely class: white, not the first class's tint (all logits equal, as
  // with zero weights); and a flat margin has no boundary line to draw (as for one output).
  vec3 col = margin > 0.0 ? mix(vec3(1.0), palette[best], (0.25 + 0.5 * confidence) * strength / 0.75) : vec3(1.0);
  float dm = fwidth(margin);
  float edge = dm > 1e-6 ? 1.0 - smoothstep(0.5, 1.5, margin / dm) : 0.0;
  color = vec4(mix(col, ink, 0.75 * edge), 1.0);
#endif
}
