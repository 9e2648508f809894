// The directory a sweep (or a merge) writes, with one writer at a time: eddy marks its sweep
// directories with `.eddy-sweep` and writes only into a new directory, an empty one or one of
// its own; while it writes, it holds an flock(2) on `.eddy-sweep.lock` inside, which the
// kernel releases when the process dies, so a second sweep or --resume on the same directory
// is refused instead of interleaving results.
#pragma once

#include <optional>
#include <string>

namespace cli::sweep {

inline constexpr const char* kSweepDirMarker = ".eddy-sweep";
inline constexpr const char* kSweepLockFile = ".eddy-sweep.lock";

class SweepDir {
 public:
  SweepDir() = default;
  ~SweepDir();
  SweepDir(const SweepDir&) = delete;
  SweepDir& operator=(const SweepDir&) = delete;

  // Creates `eddy-out/sweep-YYYYMMDD-HHMMSS` (UTC), or `...-2`, `-3`... when a sweep started in
  // the same second took that name: mkdir(2) decides, so two sweeps never share one.
  std::optional<std::string> create_default(const std::string& stamp);
  // Uses `dir`: creates it, or accepts it when it is empty or eddy's (the marker).
  std::optional<std::string> claim(const std::string& dir);
  // Takes the lock (non-blocking); an error naming the directory when another eddy holds it.
  std::optional<std::string> lock();

  const std::string& path() const { return path_; }

 private:
  std::optional<std::string> mark();
  std::string path_;
  int lock_fd_ = -1;
};

// Why `junit` cannot be the JUnit file of a sweep writing into `dir`, or nullopt when it can:
// it must not be one of the sweep's own files (results.jsonl, sweep.json...) nor a directory,
// and its directory must exist. Checked before anything runs.
std::optional<std::string> junit_path_problem(const std::string& junit, const std::string& dir);

}  // namespace cli::sweep
