// Dataset generators, splits, and CSV/atomic file I/O.
#include "backprop/data.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "backprop/errors.h"
#include "backprop/random.h"
#include "enum_names.h"

namespace bp {
namespace {

constexpr double kPi = 3.14159265358979323846;

using Generator = std::function<Dataset(int64_t n, float noise, Rng& rng)>;

// Class c's share of n points over k classes: n/k each, the remainder going to the last classes,
// so that every generator makes exactly n points (n/k a class dropped up to k-1 of them).
int64_t share(int64_t n, int k, int c) { return n * (c + 1) / k - n * c / k; }

Dataset make(std::string name, Problem problem, int classes, Region region) {
  Dataset d;
  d.name = std::move(name);
  d.problem = problem;
  d.num_classes = classes;
  d.region = region;
  return d;
}

// MiniTorch's datasets: uniform points in [0,1)², labelled by a rule; noise then jitters each
// coordinate by up to ±noise/2.
Dataset minitorch(const std::string& name, int64_t n, float noise, Rng& rng,
                  const std::function<bool(float, float)>& rule) {
  Dataset d = make(name, Problem::Binary, 2, {0.0f, 1.0f, 0.0f, 1.0f});
  d.points.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const float x = rng.uniform(), y = rng.uniform();
    d.points.push_back({x, y, rule(x, y) ? 1.0f : 0.0f});
  }
  for (Point& p : d.points) {
    if (noise <= 0.0f) break;
    p.x += noise * (rng.uniform() - 0.5f);
    p.y += noise * (rng.uniform() - 0.5f);
  }
  return d;
}

Dataset minitorch_spiral(int64_t n, float noise, Rng& rng) {
  Dataset d = make("spiral", Problem::Binary, 2, {0.0f, 1.0f, 0.0f, 1.0f});
  for (int c = 0; c < 2; ++c) {
    const int64_t m = share(n, 2, c);
    for (int64_t i = 5; i < m + 5; ++i) {
      const double t = 10.0 * static_cast<double>(i) / static_cast<double>(m);
      const double a = t * std::cos(t) / 20.0, b = t * std::sin(t) / 20.0;
      if (c == 0)
        d.points.push_back({static_cast<float>(0.5 + a), static_cast<float>(0.5 + b), 0.0f});
      else
        d.points.push_back({static_cast<float>(0.5 + b), static_cast<float>(0.5 - a), 1.0f});
    }
  }
  for (Point& p : d.points) {
    if (noise <= 0.0f) break;
    p.x += noise * (rng.uniform() - 0.5f);
    p.y += noise * (rng.uniform() - 0.5f);
  }
  return d;
}

// ---- TensorFlow Playground's sets (labels −1/1 there become 0/1 here) ------------------------

constexpr Region kPlaygroundRegion{-6.0f, 6.0f, -6.0f, 6.0f};

Dataset pg_circle(int64_t n, float noise, Rng& rng) {
  Dataset d = make("pg-circle", Problem::Binary, 2, kPlaygroundRegion);
  const float radius = 5.0f;
  auto add = [&](float r_lo, float r_hi, int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
      const float r = rng.uniform(r_lo, r_hi);
      const float angle = rng.uniform(0.0f, static_cast<float>(2 * kPi));
      const float x = r * std::sin(angle), y = r * std::cos(angle);
      const float nx = rng.uniform(-radius, radius) * noise, ny = rng.uniform(-radius, radius) * noise;
      const bool inside = std::hypot(x + nx, y + ny) < radius * 0.5f;
      d.points.push_back({x, y, inside ? 1.0f : 0.0f});
    }
  };
  add(0.0f, radius * 0.5f, share(n, 2, 0));
  add(radius * 0.7f, radius, share(n, 2, 1));
  return d;
}

Dataset pg_xor(int64_t n, float noise, Rng& rng) {
  Dataset d = make("pg-xor", Problem::Binary, 2, kPlaygroundRegion);
  const float padding = 0.3f;
  for (int64_t i = 0; i < n; ++i) {
    float x = rng.uniform(-5.0f, 5.0f);
    x += x > 0 ? padding : -padding;
    float y = rng.uniform(-5.0f, 5.0f);
    y += y > 0 ? padding : -padding;
    const float nx = rng.uniform(-5.0f, 5.0f) * noise, ny = rng.uniform(-5.0f, 5.0f) * noise;
    d.points.push_back({x, y, (x + nx) * (y + ny) >= 0 ? 1.0f : 0.0f});
  }
  return d;
}

Dataset pg_gauss(int64_t n, float noise, Rng& rng) {
  Dataset d = make("pg-gauss", Problem::Binary, 2, kPlaygroundRegion);
  // Variance grows linearly from 0.5 (noise 0) to 4 (noise 0.5), as in Playground.
  const float stddev = std::sqrt(0.5f + noise * 7.0f);
  auto add = [&](float cx, float cy, float label, int64_t count) {
    for (int64_t i = 0; i < count; ++i)
      d.points.push_back({rng.normal(cx, stddev), rng.normal(cy, stddev), label});
  };
  add(2.0f, 2.0f, 1.0f, share(n, 2, 0));
  add(-2.0f, -2.0f, 0.0f, share(n, 2, 1));
  return d;
}

Dataset pg_spiral(int64_t n, float noise, Rng& rng) {
  Dataset d = make("pg-spiral", Problem::Binary, 2, kPlaygroundRegion);
  auto add = [&](double delta, float label, int64_t m) {
    for (int64_t i = 0; i < m; ++i) {
      const double r = static_cast<double>(i) / static_cast<double>(m) * 5.0;
      const double t = 1.75 * static_cast<double>(i) / static_cast<double>(m) * 2.0 * kPi + delta;
      const float x = static_cast<float>(r * std::sin(t)) + rng.uniform(-1.0f, 1.0f) * noise;
      const float y = static_cast<float>(r * std::cos(t)) + rng.uniform(-1.0f, 1.0f) * noise;
      d.points.push_back({x, y, label});
    }
  };
  add(0.0, 1.0f, share(n, 2, 0));
  add(kPi, 0.0f, share(n, 2, 1));
  return d;
}

Dataset pg_regress(const std::string& name, int64_t n, float noise, Rng& rng,
                   const std::function<float(float, float)>& label) {
  Dataset d = make(name, Problem::Regression, 0, kPlaygroundRegion);
  const float radius = 6.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float x = rng.uniform(-radius, radius), y = rng.uniform(-radius, radius);
    const float nx = rng.uniform(-radius, radius) * noise, ny = rng.uniform(-radius, radius) * noise;
    d.points.push_back({x, y, label(x + nx, y + ny)});
  }
  return d;
}

float plane_label(float x, float y) { return (x + y) / 10.0f; }

float multigauss_label(float x, float y) {
  static const float centers[6][3] = {{-4, 2.5f, 1}, {0, 2.5f, -1}, {4, 2.5f, 1},
                                      {-4, -2.5f, -1}, {0, -2.5f, 1}, {4, -2.5f, -1}};
  float label = 0.0f;
  for (const auto& c : centers) {
    const float dist = std::hypot(x - c[0], y - c[1]);
    const float v = c[2] * std::clamp(1.0f - dist / 2.0f, 0.0f, 1.0f);
    if (std::fabs(v) > std::fabs(label)) label = v;
  }
  return label;
}

// ---- more sets --------------------------------------------------------------------------------

Dataset moons(int64_t n, float noise, Rng& rng) {
  Dataset d = make("moons", Problem::Binary, 2, {-1.5f, 2.5f, -1.25f, 1.75f});
  const int64_t outer = n / 2, inner = n - n / 2;
  for (int64_t i = 0; i < outer; ++i) {
    const double t = outer > 1 ? kPi * static_cast<double>(i) / static_cast<double>(outer - 1) : 0.0;
    d.points.push_back({static_cast<float>(std::cos(t)) + rng.normal(0.0f, noise),
                        static_cast<float>(std::sin(t)) + rng.normal(0.0f, noise), 0.0f});
  }
  for (int64_t i = 0; i < inner; ++i) {
    const double t = inner > 1 ? kPi * static_cast<double>(i) / static_cast<double>(inner - 1) : 0.0;
    d.points.push_back({static_cast<float>(1.0 - std::cos(t)) + rng.normal(0.0f, noise),
                        static_cast<float>(0.5 - std::sin(t)) + rng.normal(0.0f, noise), 1.0f});
  }
  return d;
}

Dataset blobs(int k, int64_t n, float noise, Rng& rng) {
  Dataset d = make("blobs" + std::to_string(k), Problem::MultiClass, k, kPlaygroundRegion);
  const float stddev = 0.5f + 3.0f * noise;
  for (int64_t i = 0; i < n; ++i) {
    const int c = static_cast<int>(i % k);
    const double angle = 2.0 * kPi * c / k + kPi / 2.0;
    const float cx = static_cast<float>(3.5 * std::cos(angle)), cy = static_cast<float>(3.5 * std::sin(angle));
    d.points.push_back({rng.normal(cx, stddev), rng.normal(cy, stddev), static_cast<float>(c)});
  }
  return d;
}

Dataset spiral3(int64_t n, float noise, Rng& rng) {
  const int k = 3;
  Dataset d = make("spiral3", Problem::MultiClass, k, {-1.2f, 1.2f, -1.2f, 1.2f});
  for (int c = 0; c < k; ++c) {
    const int64_t per = share(n, k, c);
    for (int64_t i = 0; i < per; ++i) {
      const double r = per > 1 ? static_cast<double>(i) / static_cast<double>(per - 1) : 0.0;
      const double t = 4.0 * c + 4.0 * r + static_cast<double>(rng.normal(0.0f, noise));
      d.points.push_back({static_cast<float>(r * std::sin(t)), static_cast<float>(r * std::cos(t)),
                          static_cast<float>(c)});
    }
  }
  return d;
}

struct Entry {
  DatasetInfo info;
  Generator generate;
};

const std::vector<Entry>& registry() {
  auto mt = [](const char* name, std::function<bool(float, float)> rule) {
    return Generator([name, rule](int64_t n, float noise, Rng& rng) {
      return minitorch(name, n, noise, rng, rule);
    });
  };
  static const std::vector<Entry> entries = {
      {{"simple", "MiniTorch: label 1 left of x=0.5", Problem::Binary, 2, 0.0f},
       mt("simple", [](float x, float) { return x < 0.5f; })},
      {{"diag", "MiniTorch: label 1 below the diagonal x+y=0.5", Problem::Binary, 2, 0.0f},
       mt("diag", [](float x, float y) { return x + y < 0.5f; })},
      {{"split", "MiniTorch: label 1 in the outer bands x<0.2 or x>0.8", Problem::Binary, 2, 0.0f},
       mt("split", [](float x, float) { return x < 0.2f || x > 0.8f; })},
      {{"xor", "MiniTorch: label 1 in the top-left and bottom-right quadrants", Problem::Binary, 2, 0.0f},
       mt("xor", [](float x, float y) { return (x < 0.5f && y > 0.5f) || (x > 0.5f && y < 0.5f); })},
      {{"circle", "MiniTorch: label 1 outside a circle around the centre", Problem::Binary, 2, 0.0f},
       mt("circle", [](float x, float y) { return (x - 0.5f) * (x - 0.5f) + (y - 0.5f) * (y - 0.5f) > 0.1f; })},
      {{"spiral", "MiniTorch: two interleaved spirals (deterministic)", Problem::Binary, 2, 0.0f},
       minitorch_spiral},
      {{"pg-circle", "Playground: a disc inside a ring", Problem::Binary, 2, 0.0f}, pg_circle},
      {{"pg-xor", "Playground: exclusive-or of the signs of x and y", Problem::Binary, 2, 0.0f}, pg_xor},
      {{"pg-gauss", "Playground: two Gaussian clusters", Problem::Binary, 2, 0.0f}, pg_gauss},
      {{"pg-spiral", "Playground: two spirals", Problem::Binary, 2, 0.0f}, pg_spiral},
      {{"pg-plane", "Playground regression: a tilted plane, target (x+y)/10", Problem::Regression, 0, 0.0f},
       [](int64_t n, float noise, Rng& rng) { return pg_regress("pg-plane", n, noise, rng, plane_label); }},
      {{"pg-multigauss", "Playground regression: six Gaussian bumps of either sign", Problem::Regression, 0, 0.0f},
       [](int64_t n, float noise, Rng& rng) { return pg_regress("pg-multigauss", n, noise, rng, multigauss_label); }},
      {{"moons", "two interleaving half circles", Problem::Binary, 2, 0.1f}, moons},
      {{"blobs3", "3 Gaussian blobs, one class each", Problem::MultiClass, 3, 0.1f},
       [](int64_t n, float noise, Rng& rng) { return blobs(3, n, noise, rng); }},
      {{"blobs4", "4 Gaussian blobs, one class each", Problem::MultiClass, 4, 0.1f},
       [](int64_t n, float noise, Rng& rng) { return blobs(4, n, noise, rng); }},
      {{"blobs5", "5 Gaussian blobs, one class each", Problem::MultiClass, 5, 0.1f},
       [](int64_t n, float noise, Rng& rng) { return blobs(5, n, noise, rng); }},
      {{"blobs6", "6 Gaussian blobs, one class each", Problem::MultiClass, 6, 0.1f},
       [](int64_t n, float noise, Rng& rng) { return blobs(6, n, noise, rng); }},
      {{"spiral3", "three interleaved spiral arms (softmax classification)", Problem::MultiClass, 3, 0.2f},
       spiral3},
      {{"bench-spiral", "the benchmark spiral of shared/workloads.md (no noise)", Problem::Binary, 2, 0.0f},
       [](int64_t n, float, Rng&) { return spiral_bench(n); }},
  };
  return entries;
}

Region fit_region(const std::vector<Point>& pts) {
  if (pts.empty()) return {};
  float x0 = pts[0].x, x1 = x0, y0 = pts[0].y, y1 = y0;
  for (const Point& p : pts) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  const float px = std::max(0.1f * (x1 - x0), 0.05f), py = std::max(0.1f * (y1 - y0), 0.05f);
  return {x0 - px, x1 + px, y0 - py, y1 + py};
}

}  // namespace

namespace {
constexpr EnumName<Problem> kProblemNames[] = {{Problem::Binary, "binary"}, {Problem::MultiClass, "multiclass"}, {Problem::Regression, "regression"}};
}  // namespace

const char* problem_name(Problem p) { return enum_name(kProblemNames, p); }
Problem parse_problem(const std::string& name) { return parse_enum(kProblemNames, name, "problem type"); }

Tensor Dataset::inputs(Device device) const {
  std::vector<float> v;
  v.reserve(points.size() * 2);
  for (const Point& p : points) {
    v.push_back(p.x);
    v.push_back(p.y);
  }
  return Tensor::from_vector(v, {size(), 2}, device);
}

Tensor Dataset::targets(Device device) const {
  std::vector<float> v;
  v.reserve(points.size());
  for (const Point& p : points) v.push_back(p.label);
  return Tensor::from_vector(v, {size()}, device);
}

const std::vector<DatasetInfo>& dataset_catalog() {
  static const std::vector<DatasetInfo> infos = [] {
    std::vector<DatasetInfo> v;
    for (const Entry& e : registry()) v.push_back(e.info);
    return v;
  }();
  return infos;
}

const DatasetInfo* find_dataset(const std::string& name) {
  for (const DatasetInfo& d : dataset_catalog())
    if (d.name == name) return &d;
  return nullptr;
}

Dataset make_dataset(const std::string& name, int64_t n, float noise, uint64_t seed) {
  if (n < 1 || n > kMaxPoints)
    throw ValueError("dataset size must be in 1.." + std::to_string(kMaxPoints) + ", got " +
                     std::to_string(n));
  if (!std::isfinite(noise) || noise < 0.0f || noise > 1.0f)
    throw ValueError("noise must be in [0, 1], got " + std::to_string(noise));
  for (const Entry& e : registry()) {
    if (e.info.name != name) continue;
    Rng rng(seed);
    Dataset d = e.generate(n, noise, rng);
    d.name = name;
    return d;
  }
  std::string known;
  for (const DatasetInfo& d : dataset_catalog()) known += (known.empty() ? "" : ", ") + d.name;
  throw ValueError("unknown dataset " + quote_text(name) + " (known: " + known + ")");
}

Dataset spiral_bench(int64_t n) {
  Dataset d = make("bench-spiral", Problem::Binary, 2, {-1.0f, 1.0f, -1.0f, 1.0f});
  const double T = 1.75 * kPi + 0.3;
  for (int c = 0; c < 2; ++c) {
    const int64_t half = share(n, 2, c);
    for (int64_t i = 0; i < half; ++i) {
      const double t = static_cast<double>(i) / static_cast<double>(half) * 1.75 * kPi + 0.3;
      const double r = t / T, angle = t + c * kPi;
      d.points.push_back({static_cast<float>(r * std::cos(angle)),
                          static_cast<float>(r * std::sin(angle)), static_cast<float>(c)});
    }
  }
  return d;
}

Dataset points_dataset(std::vector<Point> points, Problem problem, int num_classes) {
  Dataset d;
  d.name = "points";
  d.problem = problem;
  d.num_classes = problem == Problem::Regression ? 0 : num_classes;
  d.region = fit_region(points);
  d.points = std::move(points);
  return d;
}

Split train_test_split(const Dataset& data, float train_ratio, uint64_t seed) {
  if (!(train_ratio > 0.0f && train_ratio <= 1.0f))
    throw ValueError("train ratio must be in (0, 1], got " + std::to_string(train_ratio));
  Rng rng(seed);
  const std::vector<int64_t> order = rng.permutation(data.size());
  auto n_train = static_cast<int64_t>(std::llround(static_cast<double>(train_ratio) * static_cast<double>(data.size())));
  n_train = std::clamp<int64_t>(n_train, std::min<int64_t>(1, data.size()), data.size());
  Split s{data, data};
  s.train.points.clear();
  s.test.points.clear();
  for (int64_t i = 0; i < data.size(); ++i)
    (i < n_train ? s.train : s.test).points.push_back(data.points[static_cast<size_t>(order[static_cast<size_t>(i)])]);
  return s;
}

// ---- files ------------------------------------------------------------------------------------

namespace {

// What a path is, in words, for messages about things that are not regular files.
const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_file(const std::string& path, size_t max_bytes) {
  if (path.empty()) throw IoError("no file name given");
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. Anything
  // that is not a regular file is refused before a byte is read.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw IoError("cannot read '" + path + "': " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw IoError("'" + path + "' is " + file_kind(st.st_mode) + ", not a regular file; give the path of a file");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes)
    throw IoError("'" + path + "' is " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(max_bytes));
  std::string s(static_cast<size_t>(size), '\0');
  size_t done = 0;
  while (done < s.size()) {  // a file that shrinks while read ends early; one that grows is cut at its size
    const ssize_t r = ::read(f.fd, s.data() + done, s.size() - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw IoError("cannot read '" + path + "': " + std::strerror(errno));
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  s.resize(done);
  return s;
}

bool ends_in_extension(const std::string& path, const std::string& extension) {
  return path.size() >= extension.size() &&
         std::equal(extension.begin(), extension.end(), path.end() - static_cast<std::ptrdiff_t>(extension.size()), [](char e, char p) {
           return std::tolower(static_cast<unsigned char>(e)) == std::tolower(static_cast<unsigned char>(p));
         });
}

std::string other_extension(const std::string& path, const std::vector<std::string>& extensions) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext.empty() || std::any_of(extensions.begin(), extensions.end(), [&](const std::string& e) { return ends_in_extension(path, e); }))
    return "";
  return ext;
}

namespace {
// The folder that holds `path`: "." for a bare file name.
std::string folder_of(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}
}  // namespace

void check_save_target(const std::string& path) {
  if (path.empty()) return;
  std::string dir = folder_of(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      throw IoError("cannot write '" + path + "': it is " + file_kind(st.st_mode) + ", not a regular file; choose a file name");
    // An existing file is replaced through a new one made beside it (through a link: beside
    // its target), so its folder must take new files, or the work would be lost at the save.
    if (char* real = ::realpath(path.c_str(), nullptr)) {
      dir = folder_of(real);
      std::free(real);
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
      throw IoError("cannot write '" + path + "': its folder '" + dir + "' cannot be written to (" + std::strerror(errno) +
                    "), and a save replaces the file through a new one beside it; choose another folder");
    // Replacing it would not ask: a file its user may not write is not saved over, as cp would not.
    if (::access(path.c_str(), W_OK) != 0)
      throw IoError("cannot write '" + path + "': the file is read-only (" + std::strerror(errno) + "); choose another name");
    // In a sticky folder (as /tmp, a course's shared folder) only a file's owner, or the folder's,
    // may replace it: the rename at the end of the save would fail.
    struct stat ds {};
    const uid_t me = ::geteuid();
    if (::stat(dir.c_str(), &ds) == 0 && (ds.st_mode & S_ISVTX) != 0 && me != 0 && st.st_uid != me && ds.st_uid != me)
      throw IoError("cannot write '" + path + "': it belongs to another user, and its folder '" + dir +
                    "' lets only a file's owner replace it (it is sticky, as /tmp is); choose another name");
    return;
  }
  // A new file: its folder must be there to hold it, said before the work it is to keep.
  struct stat ds {};
  if (::stat(dir.c_str(), &ds) != 0)
    throw IoError("cannot write '" + path + "': its folder '" + dir + "' " + (errno == ENOENT ? std::string("does not exist") : "cannot be used (" + std::string(std::strerror(errno)) + ")"));
  if (!S_ISDIR(ds.st_mode))
    throw IoError("cannot write '" + path + "': '" + dir + "' is " + (S_ISREG(ds.st_mode) ? "a file" : file_kind(ds.st_mode)) + ", not a folder");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw IoError("cannot write '" + path + "': its folder '" + dir + "' cannot be written to (" + std::strerror(errno) + ")");
}

void write_file_atomic(const std::string& path, const std::string& content) {
  if (path.empty()) throw IoError("no file name given to write");
  check_save_target(path);
  // Write through symbolic links to their target (replacing the link would break it), keep an
  // existing file's permissions and owner, and never replace a device, FIFO or folder.
  std::string target = path;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    if (char* real = ::realpath(path.c_str(), nullptr)) {
      target = real;
      std::free(real);
    } else if (!exists) {
      throw IoError("cannot write '" + path + "': it is a symbolic link to a missing file");
    }
  }
  // The temporary file is made with mode 0666 so that the umask applies to a new file as usual.
  std::string tmpl;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    char suffix[40];
    std::snprintf(suffix, sizeof suffix, ".tmp-%d-%llx", static_cast<int>(::getpid()),
                  static_cast<unsigned long long>(std::random_device{}()) ^ static_cast<unsigned long long>(attempt));
    tmpl = target + suffix;
    fd = ::open(tmpl.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt > 100))
      throw IoError("cannot write '" + path + "': no new file can be made in its folder '" + folder_of(target) + "' (" +
                    std::strerror(errno) + ")");
  }
  auto fail = [&](const std::string& why) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw IoError("cannot write '" + path + "': " + why);
  };
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail(std::strerror(errno));
    }
    done += static_cast<size_t>(w);
  }
  if (exists) {
    if (::fchown(fd, st.st_uid, st.st_gid) != 0) {
      // Not ours to give away (not root): the file becomes ours, with its old permissions.
    }
    ::fchmod(fd, st.st_mode & 07777);
  }
  if (::fsync(fd) != 0) fail(std::strerror(errno));
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmpl.c_str());
    throw IoError("cannot write '" + path + "': " + why);
  }
  if (std::rename(tmpl.c_str(), target.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmpl.c_str());
    throw IoError("cannot write '" + path + "': " + why);
  }
}

namespace {
std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

bool parse_float(const std::string& s, float& out) {
  if (s.empty()) return false;
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  const char* last = s.data() + s.size();
  double d = 0;
  const auto [ptr, ec] = std::from_chars(first, last, d);
  if (ptr != last) return false;
  if (ec == std::errc::result_out_of_range) {
    // Too small for a double is zero (1e-400); too large is not finite.
    const std::string copy(first, last);
    const double v = std::strtod(copy.c_str(), nullptr);
    if (std::fabs(v) > 1.0) return false;
    d = 0.0;
  } else if (ec != std::errc()) {
    return false;
  }
  out = static_cast<float>(d);  // 1e-50 becomes 0; 1e39 becomes infinite and is refused
  return std::isfinite(out);
}
}  // namespace

Dataset read_points_csv(const std::string& path, Problem problem) {
  Dataset d = parse_points_csv(read_file(path, 512u << 20), path, problem);
  d.name = path;
  return d;
}

Dataset parse_points_csv(std::string text, const std::string& path, Problem problem) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark (Excel's "CSV UTF-8")
  refuse_utf16(text, path, " (\"CSV UTF-8\" in Excel's Save as)");
  std::istringstream in(text);
  std::string line;
  int64_t line_no = 0;
  bool header = false;
  std::vector<Point> pts;
  int max_label = -1;
  auto fail = [&](const std::string& why) -> void {
    throw IoError(path + ":" + std::to_string(line_no) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty()) continue;
    if (!header) {
      std::string h;
      for (char c : t)
        if (!std::isspace(static_cast<unsigned char>(c))) h += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (h != "x,y,label") {
        // A spreadsheet in a locale whose decimal mark is the comma separates fields with ';'.
        std::string why = "expected the header 'x,y,label', found " + quote_text(t);
        for (const char* sep : {";", "\t", "|"})
          if (t.find(',') == std::string::npos && t.find(sep) != std::string::npos)
            why += std::string(" (fields are separated by ") + (*sep == '\t' ? "tabs" : std::string("'") + sep + "'") +
                   "; this format separates them by commas, with '.' as the decimal mark)";
        fail(why);
      }
      header = true;
      continue;
    }
    std::string fields[3];
    size_t start = 0;
    int count = 0;
    for (size_t i = 0; i <= t.size(); ++i) {
      if (i == t.size() || t[i] == ',') {
        if (count < 3) fields[count] = trim(std::string_view(t).substr(start, i - start));
        ++count;
        start = i + 1;
      }
    }
    if (count != 3) fail("expected 3 fields (x,y,label), found " + std::to_string(count));
    Point p;
    if (!parse_float(fields[0], p.x)) fail("x " + quote_text(fields[0], 40) + " is not a finite number");
    if (!parse_float(fields[1], p.y)) fail("y " + quote_text(fields[1], 40) + " is not a finite number");
    if (!parse_float(fields[2], p.label)) fail("label " + quote_text(fields[2], 40) + " is not a finite number");
    if (problem != Problem::Regression) {
      if (!is_class_label(p.label, kMaxClasses))
        fail("label " + quote_text(fields[2], 40) + " is not a class number in 0.." + std::to_string(kMaxClasses - 1) +
             " (use regression for real-valued targets)");
      max_label = std::max(max_label, static_cast<int>(p.label));
    }
    if (static_cast<int64_t>(pts.size()) >= kMaxPoints)
      fail("more than " + std::to_string(kMaxPoints) + " points");
    pts.push_back(p);
  }
  if (!header) throw IoError(path + ": file is empty (expected the header 'x,y,label')");
  if (pts.empty()) throw IoError(path + ": no points after the header");
  int classes = std::max(2, max_label + 1);
  if (problem == Problem::Binary && classes > 2)
    throw IoError(path + ": has " + std::to_string(classes) + " classes; use multiclass for more than 2");
  Dataset d = points_dataset(std::move(pts), problem, classes);
  d.name = path;
  return d;
}

std::string points_csv_text(const Dataset& data) {
  std::string out = "x,y,label\n";
  char buf[96];
  for (const Point& p : data.points) {
    std::snprintf(buf, sizeof buf, "%.9g,%.9g,%.9g\n", static_cast<double>(p.x),
                  static_cast<double>(p.y), static_cast<double>(p.label));
    out += buf;
  }
  return out;
}

void write_points_csv(const std::string& path, const Dataset& data) { write_file_atomic(path, points_csv_text(data)); }

}  // namespace bp
