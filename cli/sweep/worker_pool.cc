#include "cli/sweep/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cli::sweep {

namespace {

constexpr size_t kErrTailBytes = 4096;     // stderr kept per worker to explain a crash
constexpr size_t kAnswerBytesMax = 1 << 20;  // one answer line; longer means a broken worker

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// The worker's life: read a task, run it, answer, until the pipe closes.
[[noreturn]] void worker_main(int task_fd, int result_fd, const WorkerPool::RunFn& run) {
  for (;;) {
    Task t;
    if (!read_all(task_fd, &t, sizeof t)) _exit(0);
    std::string line = run(t);
    line.push_back('\n');
    if (!write_all(result_fd, line.data(), line.size())) _exit(0);
  }
}

}  // namespace

WorkerPool::WorkerPool(int workers, RunFn run, std::chrono::milliseconds task_timeout)
    : run_(std::move(run)), timeout_(task_timeout), slots_(static_cast<size_t>(workers < 1 ? 1 : workers)) {
  ::signal(SIGPIPE, SIG_IGN);  // a dead worker's pipe must not kill the sweep
}

WorkerPool::~WorkerPool() { kill_all(); }

int WorkerPool::busy() const {
  int n = 0;
  for (const auto& s : slots_) n += s.busy ? 1 : 0;
  return n;
}

bool WorkerPool::spawn(Slot& s) {
  int task_pipe[2], result_pipe[2], err_pipe[2];
  if (::pipe2(task_pipe, O_CLOEXEC) != 0) return false;
  if (::pipe2(result_pipe, O_CLOEXEC) != 0) {
    ::close(task_pipe[0]);
    ::close(task_pipe[1]);
    return false;
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    for (int fd : {task_pipe[0], task_pipe[1], result_pipe[0], result_pipe[1]}) ::close(fd);
    return false;
  }
  pid_t parent = ::getpid();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {task_pipe[0], task_pipe[1], result_pipe[0], result_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return false;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(0);
    ::signal(SIGINT, SIG_IGN);  // Ctrl-C is the sweep's to handle; it kills the workers itself
    ::signal(SIGPIPE, SIG_DFL);
    // Keep only this worker's ends: a worker holding another worker's pipe would hide that
    // worker's death from the sweep (no EOF).
    int t = ::fcntl(task_pipe[0], F_DUPFD, 10);
    int r = ::fcntl(result_pipe[1], F_DUPFD, 10);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(err_pipe[1], STDERR_FILENO);
    if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
    ::dup2(t, 3);
    ::dup2(r, 4);
    ::close_range(5, ~0U, 0);
    worker_main(3, 4, run_);
  }
  ::close(task_pipe[0]);
  ::close(result_pipe[1]);
  ::close(err_pipe[1]);
  s.pid = pid;
  s.task_fd = task_pipe[1];
  s.result_fd = result_pipe[0];
  s.err_fd = err_pipe[0];
  ::fcntl(s.err_fd, F_SETFL, O_NONBLOCK);
  s.busy = false;
  s.pending.clear();
  s.err_tail.clear();
  return true;
}

bool WorkerPool::submit(const Task& task) {
  for (auto& s : slots_) {
    if (s.busy) continue;
    if (s.pid < 0 && !spawn(s)) return false;
    if (!write_all(s.task_fd, &task, sizeof task)) {  // died while idle: start afresh
      reap(s, true);
      if (!spawn(s) || !write_all(s.task_fd, &task, sizeof task)) return false;
    }
    s.busy = true;
    s.task = task;
    s.started = std::chrono::steady_clock::now();
    return true;
  }
  return false;
}

void WorkerPool::drain_err(Slot& s) {
  if (s.err_fd < 0) return;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(s.err_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.err_tail.append(buf, static_cast<size_t>(n));
    if (s.err_tail.size() > kErrTailBytes) s.err_tail.erase(0, s.err_tail.size() - kErrTailBytes);
  }
}

void WorkerPool::reap(Slot& s, bool kill_first) {
  if (s.pid > 0) {
    if (kill_first) ::kill(s.pid, SIGKILL);
    int status = 0;
    while (::waitpid(s.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  for (int* fd : {&s.task_fd, &s.result_fd, &s.err_fd}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  s.pid = -1;
  s.busy = false;
  s.pending.clear();
}

std::string WorkerPool::crash_message(int status, const Slot& s) const {
  std::string m;
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    m = "the lab's worker process died of signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  } else if (WIFEXITED(status)) {
    m = "the lab's worker process exited with status " + std::to_string(WEXITSTATUS(status)) + " mid-run";
  } else {
    m = "the lab's worker process vanished";
  }
  std::string tail = s.err_tail;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  if (!tail.empty()) m += "; its stderr ended with: " + tail;
  return m;
}

std::vector<TaskDone> WorkerPool::wait(std::chrono::milliseconds max_wait) {
  std::vector<TaskDone> done;
  auto now = std::chrono::steady_clock::now();
  // Wake up in time for the earliest timeout.
  for (const auto& s : slots_) {
    if (!s.busy) continue;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(s.started + timeout_ - now);
    if (left < max_wait) max_wait = std::max(left, std::chrono::milliseconds(0));
  }
  std::vector<pollfd> fds;
  std::vector<size_t> owner;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].pid < 0) continue;
    fds.push_back({slots_[i].result_fd, POLLIN, 0});
    owner.push_back(i);
    fds.push_back({slots_[i].err_fd, POLLIN, 0});
    owner.push_back(i);
  }
  int ready = ::poll(fds.data(), fds.size(), static_cast<int>(max_wait.count()));
  if (ready < 0 && errno != EINTR) return done;
  now = std::chrono::steady_clock::now();
  for (size_t k = 0; ready > 0 && k < fds.size(); ++k) {
    if (fds[k].revents == 0) continue;
    Slot& s = slots_[owner[k]];
    if (s.pid < 0) continue;  // reaped earlier in this loop
    if (fds[k].fd == s.err_fd) {
      drain_err(s);
      continue;
    }
    char buf[65536];
    ssize_t n = ::read(s.result_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) {
      s.pending.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = s.pending.find('\n')) != std::string::npos) {
        TaskDone d;
        d.task = s.task;
        d.line = s.pending.substr(0, nl);
        d.wall_s = std::chrono::duration<double>(now - s.started).count();
        s.pending.erase(0, nl + 1);
        if (s.busy) done.push_back(std::move(d));
        s.busy = false;
      }
      if (s.pending.size() > kAnswerBytesMax) {
        TaskDone d{s.task, TaskDone::How::kCrashed, "", "the lab's worker answered garbage (no line end)", 0};
        bool was_busy = s.busy;
        reap(s, true);
        if (was_busy) done.push_back(std::move(d));
      }
      continue;
    }
    // EOF (or error) on the answers: the worker is gone.
    bool was_busy = s.busy;
    Task task = s.task;
    auto started = s.started;
    int status = 0;
    while (::waitpid(s.pid, &status, 0) < 0 && errno == EINTR) {
    }
    drain_err(s);
    std::string message = crash_message(status, s);
    s.pid = -1;
    reap(s, false);
    if (was_busy) {
      done.push_back({task, TaskDone::How::kCrashed, "", message,
                      std::chrono::duration<double>(now - started).count()});
    }
  }
  for (auto& s : slots_) {
    if (!s.busy || now - s.started < timeout_) continue;
    drain_err(s);
    std::string tail = s.err_tail;
    while (!tail.empty() && tail.back() == '\n') tail.pop_back();
    char limit[64];
    std::snprintf(limit, sizeof limit, "%.3g", std::chrono::duration<double>(timeout_).count());
    std::string message = std::string("no answer within the per-seed timeout of ") + limit +
                          " s; the worker was killed" + (tail.empty() ? "" : "; its stderr ended with: " + tail);
    TaskDone d{s.task, TaskDone::How::kHung, "", message, std::chrono::duration<double>(now - s.started).count()};
    reap(s, true);
    done.push_back(std::move(d));
  }
  return done;
}

void WorkerPool::kill_all() {
  for (auto& s : slots_) reap(s, true);
}

}  // namespace cli::sweep
