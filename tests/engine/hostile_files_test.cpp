// Regressions for hostile files and paths (issue 12): FIFOs, folders and devices are refused
// without blocking; saves write through symlinks, keep permissions, refuse devices and leave no
// temporary file; JSON is parsed within limits with messages in words; every model the settings
// allow can be saved and loaded back.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "backprop/data.h"
#include "backprop/errors.h"
#include "backprop/init.h"
#include "backprop/json_reader.h"
#include "backprop/model_io.h"

namespace bp {
namespace {

namespace fs = std::filesystem;

class HostileFiles : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("bp_hostile_files_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& n) const { return (dir / n).string(); }
  int files_in_dir() const {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file() || e.is_symlink();
    return n;
  }
  static std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const IoError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(HostileFiles, FifosFoldersAndDevicesAreRefusedAtOnce) {
  const std::string fifo = path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_NE(error_of([&] { read_file(fifo); }).find("FIFO"), std::string::npos);
  EXPECT_NE(error_of([&] { read_points_csv(fifo); }).find("not a regular file"), std::string::npos);
  EXPECT_NE(error_of([&] { load_model(fifo); }).find("not a regular file"), std::string::npos);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
  EXPECT_NE(error_of([&] { read_file(dir.string()); }).find("a folder"), std::string::npos);
  EXPECT_NE(error_of([&] { read_file("/dev/zero"); }).find("character device"), std::string::npos);
  EXPECT_NE(error_of([&] { read_file(""); }).find("no file name"), std::string::npos);
}

TEST_F(HostileFiles, SavesRefuseDevicesAndFolders) {
  for (const char* target : {"/dev/null", "/dev/full"}) {
    struct stat before {};
    ASSERT_EQ(::stat(target, &before), 0);
    EXPECT_NE(error_of([&] { write_file_atomic(target, "x"); }).find("not a regular file"), std::string::npos) << target;
    struct stat after {};
    ASSERT_EQ(::stat(target, &after), 0);
    EXPECT_TRUE(S_ISCHR(after.st_mode)) << target << " is still a device";
  }
  EXPECT_NE(error_of([&] { write_file_atomic(dir.string(), "x"); }).find("folder"), std::string::npos);
  EXPECT_NE(error_of([&] { write_file_atomic("", "x"); }).find("no file name"), std::string::npos);
  const std::string fifo = path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { write_file_atomic(fifo, "x"); }).find("FIFO"), std::string::npos);
  EXPECT_EQ(files_in_dir(), 0) << "no temporary file is left behind";
}

TEST_F(HostileFiles, ASaveIntoAFolderThatIsNotThereIsRefusedBeforeTheWork) {
  // `backprop train --save missing/m.json` trained to the end and then failed to save: callers
  // check first, and the check now says what is wrong with the folder.
  EXPECT_NE(error_of([&] { check_save_target(path("missing/m.json")); }).find("its folder '" + path("missing") + "' does not exist"),
            std::string::npos);
  write_file_atomic(path("file"), "x");
  EXPECT_NE(error_of([&] { check_save_target(path("file/m.json")); }).find("'" + path("file") + "' is a file, not a folder"), std::string::npos);
  EXPECT_NE(error_of([&] { write_file_atomic(path("missing/m.json"), "x"); }).find("does not exist"), std::string::npos);
  EXPECT_EQ(error_of([&] { check_save_target(path("new.json")); }), "") << "a new file in a folder that is there";
  EXPECT_EQ(error_of([&] { check_save_target("relative-name.json"); }), "") << "in the working folder";
  EXPECT_EQ(error_of([&] { check_save_target(path("file")); }), "") << "an existing file";
}

TEST_F(HostileFiles, SavesWriteThroughSymlinksAndKeepPermissions) {
  const std::string real = path("real.json"), link = path("link.json");
  write_file_atomic(real, "old");
  ASSERT_EQ(::chmod(real.c_str(), 0600), 0);
  fs::create_symlink(real, link);
  write_file_atomic(link, "new");
  EXPECT_TRUE(fs::is_symlink(link)) << "the link is kept, not replaced by a file";
  EXPECT_EQ(read_file(real), "new");
  struct stat st {};
  ASSERT_EQ(::stat(real.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // A new file gets the usual permissions (0666 less the umask).
  const mode_t mask = ::umask(022);
  write_file_atomic(path("fresh.json"), "x");
  ::umask(mask);
  ASSERT_EQ(::stat(path("fresh.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  // A link to a missing file in a missing folder fails cleanly.
  fs::create_symlink(path("nowhere/x.json"), path("dangling.json"));
  EXPECT_NE(error_of([&] { write_file_atomic(path("dangling.json"), "x"); }), "");
  EXPECT_EQ(files_in_dir(), 4);  // real, link, fresh, dangling: no temporary files
}

TEST_F(HostileFiles, CsvAcceptsAByteOrderMarkAndTinyNumbersAndQuotesWhatItEchoes) {
  std::ofstream(path("bom.csv")) << "\xEF\xBB\xBFx,y,label\n1e-50,2,1\n";
  const Dataset d = read_points_csv(path("bom.csv"));
  ASSERT_EQ(d.size(), 1);
  EXPECT_EQ(d.points[0].x, 0.0f);
  std::ofstream(path("esc.csv")) << "x,y,label\n1,2," << std::string(10'000'000, 'A') << "\x1b[31m\n";
  const std::string e = error_of([&] { read_points_csv(path("esc.csv")); });
  EXPECT_LT(e.size(), 300u) << "a 10 MB label is not echoed whole";
  std::ofstream(path("ctl.csv")) << "x,y,label\n1,2,\x1b[2J\r\n";
  const std::string c = error_of([&] { read_points_csv(path("ctl.csv")); });
  EXPECT_EQ(c.find('\x1b'), std::string::npos) << "no raw escape reaches the terminal";
  EXPECT_NE(c.find("\\x1B"), std::string::npos) << c;
  EXPECT_NE(error_of([&] { std::ofstream(path("big.csv")) << "x,y,label\n1e39,0,0\n"; read_points_csv(path("big.csv")); }).find("finite"),
            std::string::npos);
}

TEST(JsonLimits, NestingAndValueCountAreBoundedWithMessagesInWords) {
  auto error = [](const std::string& text, JsonLimits limits = {}) {
    try {
      parse_json(text, "f.json", limits);
    } catch (const IoError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error(std::string(100000, '[') + std::string(100000, ']')).find("nested more than"), std::string::npos);
  EXPECT_NE(error("[" + std::string(1000, '0').replace(1, 999, std::string(999, ',')) + "]").find("not valid JSON"), std::string::npos);
  std::string zeros = "[0";
  for (int i = 0; i < 2000; ++i) zeros += ",0";
  EXPECT_NE(error(zeros + "]", JsonLimits{32, 1000}).find("more than 1000 values"), std::string::npos);
  EXPECT_EQ(error(zeros + "]", JsonLimits{32, 5000}), "");
  const std::string bad = error("{\"a\": ");
  EXPECT_EQ(bad.rfind("f.json: not valid JSON (", 0), 0u) << bad;
  EXPECT_EQ(bad.find("json.exception"), std::string::npos) << bad;
  // What the parser last read is quoted with invalid UTF-8 as \xNN, never raw; valid UTF-8 stays.
  const std::string raw = error("{\"a\": \xFF\xC3}");
  EXPECT_EQ(raw.find('\xFF'), std::string::npos) << raw;
  EXPECT_NE(raw.find("last read: '\"a\": \\xFF')"), std::string::npos) << raw;
  const std::string accent = error("{\"é\n\": 1}");
  EXPECT_NE(accent.find("last read: '\"é<U+000A>'; expected string literal)"), std::string::npos) << accent;
  // An unterminated 10 MB string is not echoed whole.
  const std::string open_string = error("{\"" + std::string(10'000'000, 'a'));
  EXPECT_LT(open_string.size(), 300u);
  EXPECT_NE(open_string.find("last read: '\"aaaa"), std::string::npos) << open_string;
  EXPECT_NE(open_string.find("...'"), std::string::npos) << open_string;
  // A file saved as UTF-16 is named as such, in either byte order, rather than "invalid literal".
  EXPECT_EQ(error(std::string("\xFF\xFE{\0}\0", 6)), "f.json: is UTF-16 text; save it as UTF-8");
  EXPECT_NE(error(std::string("\xFE\xFF\0{\0}", 6)).find("f.json: is UTF-16 text"), std::string::npos);

  const JsonReader r{"f.json"};
  auto field_error = [&](const std::function<void()>& f) {
    try {
      f();
    } catch (const IoError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  using nlohmann::json;
  EXPECT_NE(field_error([&] { r.integer(json(1e300), "\"hidden\"", 1, 1024); }).find("whole number"), std::string::npos);
  EXPECT_NE(field_error([&] { r.integer(json(-1.5), "\"seed\"", 0, 10); }).find("fraction"), std::string::npos);
  EXPECT_NE(field_error([&] { r.integer(json(4294967297ll), "\"version\"", 1, 1); }).find("outside"), std::string::npos);
  EXPECT_NE(field_error([&] { r.integer(json(18446744073709551615ull), "\"n\"", 0, 10); }).find("outside"), std::string::npos);
  // A non-negative number below the lower bound (nlohmann holds it unsigned) is outside too.
  EXPECT_NE(field_error([&] { r.integer(json(0), "\"version\"", 1, 5); }).find("outside"), std::string::npos);
  EXPECT_NE(field_error([&] { r.integer(json(2u), "\"classes\"", 3, 5); }).find("outside"), std::string::npos);
  EXPECT_EQ(r.integer(json(3u), "\"classes\"", 3, 5), 3);
  EXPECT_NE(field_error([&] { r.unsigned_integer(json(-1), "\"seed\""); }).find("negative"), std::string::npos);
  EXPECT_NE(field_error([&] { r.string(json(5), "\"format\""); }).find("must be a string, not a number"), std::string::npos);
  EXPECT_EQ(r.unsigned_integer(json(18446744073709551615ull), "\"seed\""), 18446744073709551615ull);
  // A float's bounds are floats: 1e-4f (9.99999975e-05, below the double 1e-4), as the app holds
  // a value clamped to 1e-4 and writes it, reads back; a number below it as a float does not.
  EXPECT_EQ(r.number(json(static_cast<double>(1e-4f)), "\"eps\"", 1e-4, 1.0), 1e-4f);
  EXPECT_EQ(r.number(json(static_cast<double>(0.3f)), "\"x\"", 0.1, 0.3), 0.3f);
  EXPECT_NE(field_error([&] { r.number(json(9.99e-5), "\"eps\"", 1e-4, 1.0); }).find("\"eps\" is 9.99e-05, outside 0.0001 to 1"),
            std::string::npos);
  EXPECT_NE(field_error([&] { r.number(json(1e39), "\"w\""); }).find("too large for float32"), std::string::npos);
  EXPECT_NE(field_error([&] { r.number(json("1"), "\"w\""); }).find("must be a number"), std::string::npos);
}

TEST(ModelLimits, EveryNetworkTheSettingsAcceptSavesWithinTheLoadersLimits) {
  // The widest number model_to_json writes, times the most parameters the settings accept (and
  // their optimizer state), fits the loader's byte limit; and a network just over the parameter limit is refused up front.
  TrainConfig c;
  c.hidden = {64, 64};
  MLP m(c.mlp_spec());
  for (const auto& l : m.linears()) {
    assign_(l->weight(), std::vector<float>(static_cast<size_t>(l->weight().numel()), -1.17549435e-38f * 0.7f));  // a denormal
    assign_(l->bias(), std::vector<float>(static_cast<size_t>(l->bias().numel()), -3.40282347e+38f));
  }
  // With the resume block's two Adam buffers, of the widest numbers too.
  RunState run;
  run.optimizer.steps = INT64_MAX / 2;
  run.cursor = kMaxPoints;
  run.shuffles = UINT64_MAX;
  run.optimizer.names = {"exp_avg", "exp_avg_sq"};
  for (int b = 0; b < 2; ++b) {
    auto& buffers = run.optimizer.buffers.emplace_back();
    for (const Tensor& p : m.parameters()) buffers.emplace_back(static_cast<size_t>(p.numel()), -1.17549435e-38f * 0.7f);
  }
  const std::string text = model_to_json(m, c, std::nullopt, std::nullopt, run);
  const double per_param = static_cast<double>(text.size()) / static_cast<double>(m.num_parameters());
  EXPECT_LT(per_param * static_cast<double>(kMaxParameters) + 100'000.0, static_cast<double>(kMaxModelFileBytes)) << per_param;
  EXPECT_NO_THROW(model_from_json(text, "m.json"));
  TrainConfig too_big;
  too_big.hidden.assign(kMaxHiddenLayers, kMaxHiddenWidth);
  try {
    too_big.validate();
    FAIL();
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting, "hidden");
  }
}

}  // namespace
}  // namespace bp
