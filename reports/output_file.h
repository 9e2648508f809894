// An output file whose every failure is caught: writes go through a buffer to the file
// descriptor, the first failing write(2) (a full disk, a file-size limit, an I/O error) is
// remembered with its errno, and close() reports it, or the failure of the last flush or of
// close(2) itself. Every file eddy produces is written this way: run directories, sweep
// reports, JUnit, comparisons, traces. A result that could not be written is an error.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>

namespace reports {

// "cannot write PATH: REASON", the message of every failed output write.
std::string write_error(const std::filesystem::path& path, int errno_value);

class OutputFile {
 public:
  enum class Mode {
    kReplace,    // create or truncate
    kExclusive,  // create; fail if the path exists (also a symlink: never followed)
  };
  OutputFile() : stream_(&buf_) {}
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The error when the file cannot be opened.
  std::optional<std::string> open(const std::filesystem::path& path, Mode mode = Mode::kReplace);
  bool is_open() const { return buf_.fd >= 0; }
  std::ostream& stream() { return stream_; }
  // Flushes and closes; the first error of any write, the flush or the close.
  std::optional<std::string> close();
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Buffer : std::streambuf {
    static constexpr size_t kBytes = 64 * 1024;
    int fd = -1;
    int first_errno = 0;
    std::array<char, kBytes> bytes{};
    Buffer() { setp(bytes.data(), bytes.data() + bytes.size()); }
    bool drain();  // writes what is buffered; false (and first_errno set) on failure
    int_type overflow(int_type c) override;
    int sync() override { return drain() ? 0 : -1; }
  };
  Buffer buf_;
  std::ostream stream_;
  std::filesystem::path path_;
};

// Writes `text` as the whole content of `path` (replacing it), checked to the close.
std::optional<std::string> write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace reports
