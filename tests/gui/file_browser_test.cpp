// The file dialogs' folder listing: folders first, then the files of the kind asked for, sorted;
// hidden files, FIFOs and other files left out without opening them (a FIFO would block); an
// unreadable or missing folder gives a reason; names resolve inside the listed folder.
#include <gtest/gtest.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "backprop/errors.h"
#include "model/file_browser.h"

namespace bp::studio {
namespace {

namespace fs = std::filesystem;

class Browser : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("bp_browser_" + std::to_string(::getpid()));
  void SetUp() override {
    fs::create_directories(dir / "runs");
    fs::create_directories(dir / "Archive");
    for (const char* f : {"b.csv", "A.CSV", "notes.txt", ".hidden.csv", "session.json"}) std::ofstream(dir / f) << "x";
    ASSERT_EQ(::mkfifo((dir / "pipe.csv").c_str(), 0600), 0);
    fs::create_symlink(dir / "missing.csv", dir / "dangling.csv");
  }
  void TearDown() override {
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir);
  }
  // How many entries and which error a listing of `folder` gives to a user who is not root: this
  // process's user, or (as root) the user nobody, in a child process that sends them back.
  static std::pair<size_t, std::string> listed_as_a_user(const std::string& folder) {
    FileBrowser b;
    if (::geteuid() != 0) {
      b.list(folder, {".csv"});
      return {b.entries().size(), b.error()};
    }
    int fds[2];
    if (::pipe(fds) != 0) return {0, "no pipe"};
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(fds[0]);
      std::string out = "cannot become nobody";
      if (::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0 && ::setresuid(65534, 65534, 65534) == 0) {
        b.list(folder, {".csv"});
        out = std::to_string(b.entries().size()) + "\n" + b.error();
      }
      const ssize_t w = ::write(fds[1], out.data(), out.size());
      ::_exit(w == static_cast<ssize_t>(out.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    std::string got;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    const size_t nl = got.find('\n');
    if (nl == std::string::npos) return {0, got};
    return {std::stoul(got.substr(0, nl)), got.substr(nl + 1)};
  }
  static std::vector<std::string> names(const FileBrowser& b) {
    std::vector<std::string> out;
    for (const auto& e : b.entries()) out.push_back(e.folder ? e.name + "/" : e.name);
    return out;
  }
};

TEST_F(Browser, FoldersFirstThenFilesOfTheKindSorted) {
  FileBrowser b;
  b.list(dir.string(), {".csv"});
  EXPECT_EQ(b.error(), "");
  EXPECT_EQ(names(b), (std::vector<std::string>{"Archive/", "runs/", "A.CSV", "b.csv"}))
      << "no .txt or .json, no hidden file, no FIFO, no dangling link";
  b.list(dir.string(), {});
  EXPECT_EQ(names(b), (std::vector<std::string>{"Archive/", "runs/", "A.CSV", "b.csv", "notes.txt", "session.json"}));
}

TEST_F(Browser, NamesResolveInsideTheListedFolderAndUpGoesToTheParent) {
  FileBrowser b;
  b.list((dir / "runs").string(), {".csv"});
  EXPECT_EQ(b.resolve("out.csv"), (dir / "runs" / "out.csv").string());
  EXPECT_EQ(b.resolve("../b.csv"), (dir / "b.csv").string());
  EXPECT_EQ(b.resolve("/etc/x.csv"), "/etc/x.csv");
  b.up();
  EXPECT_EQ(b.folder(), dir.string());
  b.list("/", {});
  b.up();
  EXPECT_EQ(b.folder(), "/") << "the root has no parent";
}

TEST_F(Browser, AMissingOrUnreadableFolderGivesAReason) {
  FileBrowser b;
  b.list((dir / "nope").string(), {".csv"});
  EXPECT_TRUE(b.entries().empty());
  EXPECT_NE(b.error().find("cannot list"), std::string::npos) << b.error();
  EXPECT_EQ(b.folder(), (dir / "nope").string());
  // A folder that cannot be read: it used to list as empty, with no reason, as if it had no files.
  // Root reads any folder, so there the listing is made as the user nobody, in a child process.
  fs::permissions(dir, fs::perms::owner_all | fs::perms::others_exec);
  fs::permissions(dir / "runs", fs::perms::none);
  const auto [entries, error] = listed_as_a_user((dir / "runs").string());
  EXPECT_EQ(entries, 0u);
  EXPECT_EQ(error, "cannot list " + (dir / "runs").string() + ": Permission denied");
  fs::permissions(dir / "runs", fs::perms::owner_all);
}

TEST(SavePath, ANameWithNoExtensionGetsItsKindsAndAnotherIsRefused) {
  // "lecture" saved as a session used to be written as it was, and then the Open session dialog,
  // which lists .json files, did not show it.
  const std::vector<std::string> session = {".json"}, graph = {".dot", ".gv", ".svg", ".png"};
  EXPECT_EQ(save_path_for("/tmp/lecture", session), "/tmp/lecture.json");
  EXPECT_EQ(save_path_for("/tmp/lecture.json", session), "/tmp/lecture.json");
  EXPECT_EQ(save_path_for("/tmp/Lecture.JSON", session), "/tmp/Lecture.JSON");
  EXPECT_EQ(save_path_for("/tmp/run.2/lecture", session), "/tmp/run.2/lecture.json") << "a dot in a folder's name";
  EXPECT_EQ(save_path_for("/tmp/g", graph), "/tmp/g.dot");
  EXPECT_EQ(save_path_for("/tmp/g.svg", graph), "/tmp/g.svg");
  try {
    save_path_for("/tmp/canvas.jpg", {".png"});
    ADD_FAILURE() << "a JPEG name for a PNG image was taken";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "name the file with .png, not .jpg (or with no extension: .png is added)");
  }
  try {
    save_path_for("/tmp/g.txt", graph);
    ADD_FAILURE() << "a .txt name for a graph was taken";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find(".dot, .gv, .svg or .png, not .txt"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bp::studio
