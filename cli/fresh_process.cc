#include "cli/fresh_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cli {

std::optional<std::string> in_fresh_process(const std::function<std::string()>& fn, std::string& why) {
  int fds[2];
  if (pipe(fds) != 0) {
    why = std::string("pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    why = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    close(fds[0]);
    std::string out = fn();
    size_t at = 0;
    while (at < out.size()) {
      ssize_t n = write(fds[1], out.data() + at, out.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) _exit(3);
      at += static_cast<size_t>(n);
    }
    close(fds[1]);
    std::fflush(stderr);
    _exit(0);
  }
  close(fds[1]);
  std::string answer;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return answer;
  if (WIFSIGNALED(status)) why = "the run's process died of signal " + std::to_string(WTERMSIG(status));
  else why = "the run's process exited with status " + std::to_string(WEXITSTATUS(status));
  return std::nullopt;
}

}  // namespace cli
