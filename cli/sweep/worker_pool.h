// Forked worker processes for sweeps. Each worker is a fork of the sweep process (so it has
// the loaded scenarios already) that runs one task at a time, sent over a pipe, and answers
// with one JSON line over another pipe; its stderr is kept (a bounded tail) to explain a
// crash. A worker that dies (signal, abort, exit) or does not answer within the per-task
// timeout is reaped (SIGKILL for a hang), its task reported as a crash or a hang, and a fresh
// worker takes its slot. Host-side code: processes and wall clocks belong here, never in sim/.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cli::sweep {

struct Task {
  uint32_t unit = 0;  // index into the caller's list of work units
  uint32_t kind = 0;  // the caller's meaning (e.g. first run or determinism re-run)
};

struct TaskDone {
  Task task;
  enum class How { kAnswered, kCrashed, kHung } how = How::kAnswered;
  std::string line;     // kAnswered: the worker's JSON line
  std::string message;  // kCrashed / kHung: what happened, with the tail of the worker's stderr
  double wall_s = 0;
};

class WorkerPool {
 public:
  // `run` executes in the worker process and returns the answer line (no '\n').
  using RunFn = std::function<std::string(const Task&)>;

  WorkerPool(int workers, RunFn run, std::chrono::milliseconds task_timeout);
  ~WorkerPool();  // kills every worker
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int workers() const { return static_cast<int>(slots_.size()); }
  int busy() const;
  bool has_idle() const { return busy() < workers(); }
  // Starts `task` on an idle worker (forking one if its slot is empty). Precondition: has_idle().
  // Returns false if no worker could be started (fork failed).
  bool submit(const Task& task);
  // Waits up to `max_wait` for answers, deaths and timeouts; returns what finished.
  std::vector<TaskDone> wait(std::chrono::milliseconds max_wait);
  void kill_all();

 private:
  struct Slot {
    pid_t pid = -1;
    int task_fd = -1;    // parent writes tasks
    int result_fd = -1;  // parent reads answer lines
    int err_fd = -1;     // parent reads the worker's stderr
    bool busy = false;
    Task task;
    std::chrono::steady_clock::time_point started;
    std::string pending;  // partial answer line
    std::string err_tail;
  };
  bool spawn(Slot& s);
  void reap(Slot& s, bool kill_first);
  void drain_err(Slot& s);
  std::string crash_message(int status, const Slot& s) const;

  RunFn run_;
  std::chrono::milliseconds timeout_;
  std::vector<Slot> slots_;
};

}  // namespace cli::sweep
