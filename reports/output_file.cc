#include "reports/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace reports {

std::string write_error(const std::filesystem::path& path, int errno_value) {
  return "cannot write " + path.string() + ": " + (errno_value != 0 ? std::strerror(errno_value) : "write failed");
}

bool OutputFile::Buffer::drain() {
  char* p = pbase();
  while (p < pptr()) {
    if (first_errno != 0 || fd < 0) break;
    ssize_t n = ::write(fd, p, static_cast<size_t>(pptr() - p));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      first_errno = n < 0 ? errno : EIO;
      break;
    }
    p += n;
  }
  setp(bytes.data(), bytes.data() + bytes.size());  // what could not be written is dropped
  return first_errno == 0 && fd >= 0;
}

OutputFile::Buffer::int_type OutputFile::Buffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

OutputFile::~OutputFile() {
  if (buf_.fd >= 0) ::close(buf_.fd);
}

std::optional<std::string> OutputFile::open(const std::filesystem::path& path, Mode mode) {
  path_ = path;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == Mode::kExclusive ? O_EXCL | O_NOFOLLOW : O_TRUNC);
  buf_.fd = ::open(path.c_str(), flags, 0644);
  if (buf_.fd < 0) return write_error(path, errno);
  buf_.first_errno = 0;
  stream_.clear();
  return std::nullopt;
}

std::optional<std::string> OutputFile::close() {
  if (buf_.fd < 0) return write_error(path_, EBADF);
  buf_.drain();
  int err = buf_.first_errno;
  if (::close(buf_.fd) != 0 && err == 0) err = errno;
  buf_.fd = -1;
  if (err == 0 && stream_.bad()) err = EIO;
  if (err != 0) return write_error(path_, err);
  return std::nullopt;
}

std::optional<std::string> write_text_file(const std::filesystem::path& path, const std::string& text) {
  OutputFile f;
  if (auto e = f.open(path)) return e;
  f.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  return f.close();
}

}  // namespace reports
