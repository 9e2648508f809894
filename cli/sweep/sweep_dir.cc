#include "cli/sweep/sweep_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/sweep/results.h"
#include "reports/output_file.h"

namespace cli::sweep {

namespace fs = std::filesystem;

namespace {
constexpr int kSameSecondSuffixMax = 1000;  // sweeps started in one second that get their own directory
}  // namespace

SweepDir::~SweepDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<std::string> SweepDir::create_default(const std::string& stamp) {
  std::error_code ec;
  fs::create_directories("eddy-out", ec);
  if (ec) return "cannot create eddy-out: " + ec.message();
  for (int i = 1; i <= kSameSecondSuffixMax; ++i) {
    std::string candidate = "eddy-out/sweep-" + stamp + (i == 1 ? "" : "-" + std::to_string(i));
    if (::mkdir(candidate.c_str(), 0755) == 0) {
      path_ = candidate;
      return mark();
    }
    if (errno != EEXIST) return "cannot create " + candidate + ": " + std::strerror(errno);
  }
  return "more than " + std::to_string(kSameSecondSuffixMax) + " sweeps started in the same second; pass --out DIR";
}

std::optional<std::string> SweepDir::claim(const std::string& dir) {
  path_ = dir;
  std::error_code ec;
  fs::file_status st = fs::symlink_status(dir, ec);
  if (st.type() == fs::file_type::not_found) {
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir + ": " + ec.message();
    return mark();
  }
  if (!fs::is_directory(dir, ec)) return dir + " exists and is not a directory";
  bool ours = fs::exists(fs::path(dir) / kSweepDirMarker, ec) || fs::exists(fs::path(dir) / kResultsFileName, ec);
  if (!ours && !fs::is_empty(dir, ec)) {
    return dir + " exists, is not empty and is not an eddy sweep directory (no " + std::string(kSweepDirMarker) +
           "); choose another --out or empty it (nothing was changed)";
  }
  return mark();
}

std::optional<std::string> SweepDir::mark() {
  std::error_code ec;
  if (fs::exists(fs::path(path_) / kSweepDirMarker, ec)) return std::nullopt;
  return reports::write_text_file(fs::path(path_) / kSweepDirMarker,
                                  "eddy sweep directory: eddy sweep --resume and eddy merge write here\n");
}

std::optional<std::string> SweepDir::lock() {
  std::string file = (fs::path(path_) / kSweepLockFile).string();
  lock_fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (lock_fd_ < 0) return "cannot open the lock " + file + ": " + std::strerror(errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (err == EWOULDBLOCK) {
      return "another eddy sweep or merge is writing to " + path_ + " (it holds " + file +
             "); wait for it to finish, or choose another --out";
    }
    return "cannot lock " + file + ": " + std::strerror(err);
  }
  return std::nullopt;
}

std::optional<std::string> junit_path_problem(const std::string& junit, const std::string& dir) {
  std::error_code ec;
  fs::path target = fs::weakly_canonical(fs::absolute(junit, ec), ec);
  if (fs::is_directory(target, ec)) return "--junit: " + junit + " is a directory; expected a file path";
  fs::path parent = target.parent_path();
  fs::path out = dir.empty() ? fs::path() : fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (!fs::is_directory(parent, ec) && parent != out) {  // the sweep makes its own --out
    return "--junit: the directory of " + junit + " does not exist (" + parent.string() +
           "); create it first (nothing was run)";
  }
  if (dir.empty()) return std::nullopt;
  for (const char* own : {kResultsFileName, "sweep.json", "sweep.html", "summary.md", kSweepDirMarker, kSweepLockFile}) {
    if (target == out / own) {
      return "--junit: " + junit + " is the sweep's own " + own + " in " + dir + "; choose another file (nothing was run)";
    }
  }
  return std::nullopt;
}

}  // namespace cli::sweep
