// Replays every file of the fuzz corpus (tests/fuzz/corpus/<target>/) through its target as an
// ordinary test: fast, and no clang needed. A broken invariant is a test failure naming the file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz_check.h"

void bp_fuzz_csv(const uint8_t*, size_t);
void bp_fuzz_model(const uint8_t*, size_t);
void bp_fuzz_session(const uint8_t*, size_t);
void bp_fuzz_cli(const uint8_t*, size_t);
void bp_fuzz_layout(const uint8_t*, size_t);

namespace bp::fuzz {

void fail(const std::string& what, const char* file, int line) { ADD_FAILURE_AT(file, line) << what; }

namespace {

namespace fs = std::filesystem;

void replay(const std::string& name, Target target, size_t at_least) {
  const fs::path dir = fs::path(BACKPROP_FUZZ_CORPUS) / name;
  size_t count = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(e.path().string());
    target(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    ++count;
  }
  EXPECT_GE(count, at_least) << "the corpus in " << dir << " is missing";
}

TEST(FuzzCorpus, PointsCsv) { replay("csv", bp_fuzz_csv, 10); }
TEST(FuzzCorpus, ModelFile) { replay("model", bp_fuzz_model, 10); }
TEST(FuzzCorpus, SessionFile) { replay("session", bp_fuzz_session, 10); }
TEST(FuzzCorpus, CommandLine) { replay("cli", bp_fuzz_cli, 10); }
TEST(FuzzCorpus, PanelLayout) { replay("layout", bp_fuzz_layout, 10); }

}  // namespace
}  // namespace bp::fuzz
