// Datasets follow their documented rules; CSV files round-trip and bad rows are named.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "backprop/backprop.h"

namespace bp {
namespace {

namespace fs = std::filesystem;

TEST(Datasets, MiniTorchRulesHoldForEveryPoint) {
  auto check = [](const char* name, auto rule) {
    Dataset d = make_dataset(name, 500, 0.0f, 3);
    ASSERT_EQ(d.size(), 500);
    int ones = 0;
    for (const Point& p : d.points) {
      ASSERT_GE(p.x, 0.0f);
      ASSERT_LT(p.x, 1.0f);
      ASSERT_GE(p.y, 0.0f);
      ASSERT_LT(p.y, 1.0f);
      ASSERT_EQ(p.label, rule(p.x, p.y) ? 1.0f : 0.0f) << name << " at " << p.x << "," << p.y;
      ones += p.label == 1.0f;
    }
    EXPECT_GT(ones, 0) << name;
    EXPECT_LT(ones, 500) << name;
  };
  check("simple", [](float x, float) { return x < 0.5f; });
  check("diag", [](float x, float y) { return x + y < 0.5f; });
  check("split", [](float x, float) { return x < 0.2f || x > 0.8f; });
  check("xor", [](float x, float y) { return (x < 0.5f && y > 0.5f) || (x > 0.5f && y < 0.5f); });
  check("circle", [](float x, float y) { return (x - 0.5f) * (x - 0.5f) + (y - 0.5f) * (y - 0.5f) > 0.1f; });
}

TEST(Datasets, MiniTorchSpiralIsTheDeterministicFormula) {
  Dataset d = make_dataset("spiral", 100, 0.0f, 1);
  ASSERT_EQ(d.size(), 100);
  const int m = 50;
  for (int i = 5; i < m + 5; ++i) {
    const double t = 10.0 * i / m;
    const Point& a = d.points[static_cast<size_t>(i - 5)];
    const Point& b = d.points[static_cast<size_t>(m + i - 5)];
    EXPECT_NEAR(a.x, 0.5 + t * std::cos(t) / 20, 1e-6);
    EXPECT_NEAR(a.y, 0.5 + t * std::sin(t) / 20, 1e-6);
    EXPECT_EQ(a.label, 0.0f);
    EXPECT_NEAR(b.x, 0.5 + t * std::sin(t) / 20, 1e-6);
    EXPECT_NEAR(b.y, 0.5 - t * std::cos(t) / 20, 1e-6);
    EXPECT_EQ(b.label, 1.0f);
  }
  // Another seed gives the same spiral.
  EXPECT_EQ(make_dataset("spiral", 100, 0.0f, 9).points[7].x, d.points[7].x);
}

TEST(Datasets, BenchSpiralMatchesWorkloadDefinition) {
  Dataset d = spiral_bench(200);
  ASSERT_EQ(d.size(), 200);
  const double T = 1.75 * M_PI + 0.3;
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 100; i += 17) {
      const double t = i / 100.0 * 1.75 * M_PI + 0.3, r = t / T, ang = t + c * M_PI;
      const Point& p = d.points[static_cast<size_t>(c * 100 + i)];
      EXPECT_NEAR(p.x, r * std::cos(ang), 1e-6);
      EXPECT_NEAR(p.y, r * std::sin(ang), 1e-6);
      EXPECT_EQ(p.label, static_cast<float>(c));
    }
}

TEST(Datasets, EveryCatalogEntryGeneratesWithinItsRegion) {
  for (const DatasetInfo& info : dataset_catalog()) {
    SCOPED_TRACE(info.name);
    Dataset d = make_dataset(info.name, 300, info.default_noise, 5);
    EXPECT_EQ(d.size(), 300);
    EXPECT_EQ(d.problem, info.problem);
    EXPECT_EQ(d.num_classes, info.num_classes);
    int inside = 0;
    for (const Point& p : d.points) {
      ASSERT_TRUE(std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.label));
      inside += p.x >= d.region.x_min && p.x <= d.region.x_max && p.y >= d.region.y_min && p.y <= d.region.y_max;
      if (info.problem != Problem::Regression) {
        ASSERT_GE(p.label, 0.0f);
        ASSERT_LT(p.label, static_cast<float>(info.num_classes));
      }
    }
    EXPECT_GE(inside, d.size() * 95 / 100);
    // Same seed, same data; another seed, other data (except the deterministic spirals).
    Dataset again = make_dataset(info.name, 300, info.default_noise, 5);
    EXPECT_EQ(again.points[11].x, d.points[11].x);
  }
}

TEST(Datasets, EveryCatalogEntryMakesExactlyThePointsAskedFor) {
  // The two-arm and three-arm sets made n/2 or n/3 points a class and dropped the rest:
  // `backprop datasets --export spiral3 -n 1` wrote an empty file, -n 401 gave 400 points.
  for (const DatasetInfo& info : dataset_catalog())
    for (int64_t n : {1, 2, 3, 5, 7, 401, 1001}) {
      SCOPED_TRACE(info.name + " n=" + std::to_string(n));
      EXPECT_EQ(make_dataset(info.name, n, 0.0f, 3).size(), n);
    }
  // The remainder goes to the last classes: a class never has more than one point more.
  auto per_class = [](const Dataset& d) {
    std::vector<int> n(static_cast<size_t>(d.num_classes), 0);
    for (const Point& p : d.points) ++n[static_cast<size_t>(p.label)];
    return n;
  };
  EXPECT_EQ(per_class(make_dataset("spiral3", 5, 0.0f, 1)), (std::vector<int>{1, 2, 2}));
  EXPECT_EQ(per_class(make_dataset("pg-spiral", 7, 0.0f, 1)), (std::vector<int>{4, 3}));  // label 0 is the second arm
  EXPECT_EQ(per_class(make_dataset("pg-gauss", 401, 0.0f, 1)), (std::vector<int>{201, 200}));
  EXPECT_EQ(per_class(spiral_bench(3)), (std::vector<int>{1, 2}));
  // An even count is made as before: the arms keep their n/2 points on the same curve.
  const Dataset odd = make_dataset("pg-spiral", 401, 0.0f, 1), even = make_dataset("pg-spiral", 400, 0.0f, 1);
  for (size_t i = 0; i < 200; ++i) EXPECT_EQ(odd.points[i].x, even.points[i].x) << i;
}

TEST(FileNames, AnExtensionMatchesInAnyCase) {
  EXPECT_TRUE(ends_in_extension("runs/G.PNG", ".png"));
  EXPECT_TRUE(ends_in_extension("g.png", ".PNG"));
  EXPECT_TRUE(ends_in_extension(".png", ".png"));
  EXPECT_FALSE(ends_in_extension("g.png.txt", ".png"));
  EXPECT_FALSE(ends_in_extension("png", ".png"));
  EXPECT_FALSE(ends_in_extension("", ".png"));
}

TEST(FileNames, AnotherExtensionIsNamedAndNoneOrAnAllowedOneIsNot) {
  EXPECT_EQ(other_extension("shot.jpg", {".png"}), ".jpg");
  EXPECT_EQ(other_extension("runs/a.b/shot.Jpeg", {".png"}), ".Jpeg") << "as typed";
  EXPECT_EQ(other_extension("shot.png.txt", {".png"}), ".txt");
  EXPECT_EQ(other_extension("SHOT.PNG", {".png"}), "");
  EXPECT_EQ(other_extension("runs/a.b/shot", {".png"}), "") << "a dot in a folder name is not the file's";
  EXPECT_EQ(other_extension("shot", {".png"}), "");
  EXPECT_EQ(other_extension(".png", {".png"}), "");
  EXPECT_EQ(other_extension("graph.gv", {".dot", ".gv"}), "");
  EXPECT_EQ(other_extension("graph.svg", {".dot", ".gv"}), ".svg");
}

TEST(Datasets, PlaygroundNoiseFlipsLabelsNearTheBoundary) {
  Dataset clean = make_dataset("pg-xor", 1000, 0.0f, 1), noisy = make_dataset("pg-xor", 1000, 0.5f, 1);
  int wrong_clean = 0, wrong_noisy = 0;
  for (const Point& p : clean.points) wrong_clean += (p.x * p.y >= 0) != (p.label == 1.0f);
  for (const Point& p : noisy.points) wrong_noisy += (p.x * p.y >= 0) != (p.label == 1.0f);
  EXPECT_EQ(wrong_clean, 0);
  EXPECT_GT(wrong_noisy, 50);
}

TEST(Datasets, BadArgumentsAreRefused) {
  EXPECT_THROW(make_dataset("nope", 10), ValueError);
  EXPECT_THROW(make_dataset("xor", 0), ValueError);
  EXPECT_THROW(make_dataset("xor", kMaxPoints + 1), ValueError);
  EXPECT_THROW(make_dataset("xor", 10, -0.1f), ValueError);
  EXPECT_THROW(make_dataset("xor", 10, NAN), ValueError);
}

TEST(Datasets, TrainTestSplitPartitionsThePoints) {
  Dataset d = make_dataset("circle", 100, 0.0f, 2);
  Split s = train_test_split(d, 0.7f, 4);
  EXPECT_EQ(s.train.size(), 70);
  EXPECT_EQ(s.test.size(), 30);
  double total = 0, parts = 0;
  for (const Point& p : d.points) total += p.x + 3 * p.y + 7 * p.label;
  for (const Dataset* part : {&s.train, &s.test})
    for (const Point& p : part->points) parts += p.x + 3 * p.y + 7 * p.label;
  EXPECT_NEAR(total, parts, 1e-3);
  EXPECT_THROW(train_test_split(d, 0.0f, 1), ValueError);
  EXPECT_EQ(train_test_split(d, 1.0f, 1).test.size(), 0);
}

TEST(Datasets, InputsAndTargetsAsTensors) {
  Dataset d = points_dataset({{1, 2, 0}, {3, 4, 1}}, Problem::Binary, 2);
  EXPECT_EQ(d.inputs().to_vector(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(d.targets().to_vector(), (std::vector<float>{0, 1}));
  EXPECT_LT(d.region.x_min, 1.0f);
  EXPECT_GT(d.region.y_max, 4.0f);
}

class CsvTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("bp_csv_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string error_of(const std::string& path, Problem problem = Problem::Binary) {
    try {
      read_points_csv(path, problem);
    } catch (const IoError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(CsvTest, RoundTripIsExact) {
  Dataset d = make_dataset("pg-gauss", 50, 0.1f, 3);
  const std::string path = (dir / "pts.csv").string();
  write_points_csv(path, d);
  Dataset back = read_points_csv(path);
  ASSERT_EQ(back.size(), d.size());
  for (size_t i = 0; i < d.points.size(); ++i) {
    EXPECT_EQ(back.points[i].x, d.points[i].x);
    EXPECT_EQ(back.points[i].y, d.points[i].y);
    EXPECT_EQ(back.points[i].label, d.points[i].label);
  }
  // No temporary file is left behind.
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST_F(CsvTest, MalformedRowsNameTheLine) {
  EXPECT_NE(error_of(write("a.csv", "x,y,label\n0,0,1\n0.5,abc,0\n")).find("a.csv:3"), std::string::npos);
  EXPECT_NE(error_of(write("b.csv", "x,y,label\n1,2\n")).find(":2: expected 3 fields"), std::string::npos);
  EXPECT_NE(error_of(write("c.csv", "a,b,c\n1,2,0\n")).find("header"), std::string::npos);
  EXPECT_NE(error_of(write("d.csv", "")).find("empty"), std::string::npos);
  EXPECT_NE(error_of(write("e.csv", "x,y,label\n1,2,0.5\n")).find("class"), std::string::npos);
  EXPECT_NE(error_of(write("f.csv", "x,y,label\n1,2,nan\n")).find("finite"), std::string::npos);
  EXPECT_NE(error_of(write("g.csv", "x,y,label\n1,2,0\n1,2,3\n")).find("multiclass"), std::string::npos);
  EXPECT_NE(error_of(write("h.csv", "x,y,label\n")).find("no points"), std::string::npos);
  EXPECT_NE(error_of((dir / "missing.csv").string()).find("cannot open"), std::string::npos);
  // Regression accepts real labels; multiclass accepts more classes; CRLF and spaces are fine.
  EXPECT_EQ(read_points_csv(write("r.csv", "x,y,label\r\n1, 2, 0.25\r\n"), Problem::Regression).points[0].label, 0.25f);
  EXPECT_EQ(read_points_csv(write("m.csv", "x, y, label\n1,2,0\n1,2,3\n"), Problem::MultiClass).num_classes, 4);
}

TEST_F(CsvTest, ASpreadsheetsOtherSavesAreNamed) {
  // UTF-16 (Excel's "Unicode Text"), either byte order: said so, with what to save instead.
  const std::string le("\xFF\xFEx\0,\0y\0,\0l\0a\0b\0e\0l\0\n\0", 20);
  const std::string be("\xFE\xFF\0x\0,\0y", 8);
  for (const std::string& text : {le, be}) {
    const std::string e = error_of(write("u16.csv", text));
    EXPECT_NE(e.find("u16.csv: is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in Excel's Save as)"), std::string::npos) << e;
  }
  // Separators other than the comma are named; the found header is still shown.
  EXPECT_NE(error_of(write("s.csv", "x;y;label\n0,5;1;0\n")).find("found 'x;y;label' (fields are separated by ';'; this format"),
            std::string::npos);
  EXPECT_NE(error_of(write("t.csv", "x\ty\tlabel\n")).find("(fields are separated by tabs;"), std::string::npos);
  EXPECT_NE(error_of(write("p.csv", "x|y|label\n")).find("(fields are separated by '|';"), std::string::npos);
  // A header that is simply wrong gets no guess about separators.
  const std::string other = error_of(write("o.csv", "a,b,c\n1,2,0\n"));
  EXPECT_NE(other.find("expected the header 'x,y,label', found 'a,b,c'"), std::string::npos);
  EXPECT_EQ(other.find("separated"), std::string::npos) << other;
}

TEST_F(CsvTest, AtomicWriteReplacesWholeFileOrNothing) {
  const std::string path = (dir / "out.txt").string();
  write_file_atomic(path, "first");
  write_file_atomic(path, "second");
  EXPECT_EQ(read_file(path), "second");
  EXPECT_THROW(write_file_atomic((dir / "no/such/dir/x").string(), "x"), IoError);
  EXPECT_THROW(read_file(path, 3), IoError);
}

}  // namespace
}  // namespace bp
