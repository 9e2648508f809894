// eddy hunt FILE [--variant NAME]... [--budget 120s] [--jobs N] [--seeds-from N] [--check-off]
// Searches for a failure: runs the scenario (its swarm or nemesis draws a different fault mix
// from every seed) over fresh seeds, in forked workers as a sweep does, until the first run
// that fails or the wall-clock budget ends. Prints the seeds tried, the wall time to the first
// failure, what failed and the command that replays it. With --check-off, the seeds tried are
// run again with every protocol variant off (Kafka as it is), and must all pass: the failure
// is the variant's, not the lab's.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/lab_commands.h"
#include "cli/seed_run.h"
#include "cli/seed_text.h"
#include "cli/shell_quote.h"
#include "cli/sweep/results.h"
#include "cli/sweep/worker_pool.h"
#include "scenarios/value_syntax.h"

namespace cli {

namespace {

using sweep::Task;
using sweep::TaskDone;

// Most seeds one hunt runs (with --check-off, as many again); the budget usually ends it first.
constexpr uint64_t kHuntSeedsMax = 1'000'000;
constexpr uint32_t kVariantOn = 0;   // Task::kind: the scenario as asked
constexpr uint32_t kVariantOff = 1;  // the same seed, every protocol variant off

struct HuntArgs {
  std::string file;
  std::vector<std::string> variants;
  std::string budget = "120s";
  int jobs = 0;
  uint64_t seeds_from = 1;
  uint64_t seeds_max = kHuntSeedsMax;
  bool check_off = false;
  bool no_progress = false;
  double seed_timeout_s = 300;
  std::vector<std::string> include_roots;
};

volatile sig_atomic_t g_hunt_interrupted = 0;
extern "C" void on_hunt_interrupt(int sig) { g_hunt_interrupted = sig; }

int usage_error(const std::string& message) {
  std::cerr << "eddy: error: " << message << "\n";
  return kExitUsage;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// What a batch of seeds came to: the runs done and the failures among them (lowest seed first).
struct Batch {
  uint64_t done = 0;
  std::map<uint64_t, SeedRecord> failures;
  double first_failure_wall_s = -1;
  bool budget_hit = false;
};

// Runs seeds from `first` on (at most `count`) of kind `kind` in `pool` until the first
// failure (when `stop_at_failure`), the deadline or the end; seeds already dispatched when
// the first failure arrives are finished, so the lowest failing seed among them is known.
Batch run_batch(sweep::WorkerPool& pool, const HuntArgs& args, uint32_t kind, uint64_t first, uint64_t count,
                std::optional<std::chrono::steady_clock::time_point> deadline, bool stop_at_failure,
                std::chrono::steady_clock::time_point t0, const std::string& file, const std::string& name) {
  Batch b;
  uint64_t next = 0;
  bool stop = false;
  auto last_progress = std::chrono::steady_clock::now();
  while (!g_hunt_interrupted) {
    if (deadline && std::chrono::steady_clock::now() >= *deadline && next < count) {
      b.budget_hit = true;
      stop = true;
    }
    while (!stop && next < count && pool.has_idle()) {
      if (!pool.submit(Task{static_cast<uint32_t>(next), kind})) {
        std::cerr << "eddy: error: cannot start a worker process (fork failed)\n";
        stop = true;
        break;
      }
      ++next;
    }
    if (pool.busy() == 0 && (stop || next >= count)) break;
    for (const TaskDone& d : pool.wait(std::chrono::milliseconds(200))) {
      uint64_t seed = first + d.task.unit;
      SeedRecord rec;
      std::optional<SeedRecord> answered;
      if (d.how == TaskDone::How::kAnswered) answered = sweep::seed_record_from_json(d.line);
      if (answered) {
        rec = *answered;
      } else {
        rec.scenario = file;
        rec.name = name;
        rec.seed = seed;
        rec.verdict = d.how == TaskDone::How::kHung ? Verdict::kLabHang : Verdict::kLabCrash;
        rec.message = d.how == TaskDone::How::kAnswered ? "the lab's worker answered something unreadable" : d.message;
      }
      ++b.done;
      // An inconclusive seed broke no guarantee: not what a hunt is looking for.
      if (rec.verdict == Verdict::kOk || rec.verdict == Verdict::kInconclusive) continue;
      if (b.failures.empty()) b.first_failure_wall_s = seconds_since(t0);
      b.failures.emplace(seed, std::move(rec));
      if (stop_at_failure) stop = true;
    }
    if (!args.no_progress && std::chrono::steady_clock::now() - last_progress >= std::chrono::seconds(10)) {
      last_progress = std::chrono::steady_clock::now();
      std::fprintf(stderr, "eddy hunt: %" PRIu64 " seed(s) run, %.0f s\n", b.done, seconds_since(t0));
    }
  }
  return b;
}

void print_failure(const SeedRecord& r) {
  std::cout << "    seed " << r.seed << ": " << to_string(r.verdict) << "\n";
  for (const auto& f : r.failed) std::cout << "      " << f << "\n";
  if (!r.message.empty()) std::cout << "      " << r.message.substr(0, 400) << "\n";
  for (size_t i = 0; i < r.faults.size() && i < 8; ++i) std::cout << "      fault " << r.faults[i] << "\n";
  if (r.faults.size() > 8) std::cout << "      ... " << r.faults.size() - 8 << " more fault(s)\n";
}

int hunt_command(const HuntArgs& args, const std::string& eddy) {
  auto budget = scenarios::parse_duration(args.budget);
  if (!budget.value || budget.value->ns() <= 0) {
    return usage_error("--budget: expected a duration such as 120s, 10m or 1500ms, got '" + args.budget + "'");
  }
  if (args.seeds_max == 0 || args.seeds_max > kHuntSeedsMax) {
    return usage_error("--max-seeds: expected 1 to " + std::to_string(kHuntSeedsMax));
  }
  if (args.seeds_from > std::numeric_limits<uint64_t>::max() - args.seeds_max) {
    return usage_error("--seeds-from: the seeds would pass 18446744073709551615");
  }
  auto on = load_or_report(args.file, {args.include_roots}, args.variants);
  if (!on) return kExitUsage;
  scenarios::ScenarioSpec off = *on;
  off.cluster.variants = {};
  if (args.check_off && on->cluster.variants.empty()) {
    return usage_error("--check-off: no protocol variant is on (give --variant NAME, or a file with cluster.variants)");
  }
  const std::string variants = on->cluster.variants.str();
  const int jobs = args.jobs > 0 ? args.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  const double budget_s = static_cast<double>(budget.value->ns()) / 1e9;
  std::cout << "eddy hunt " << args.file << ": variants " << variants << "; seeds from " << args.seeds_from << ", "
            << jobs << " worker(s), budget " << args.budget << "\n";
  std::cout.flush();

  const uint64_t first = args.seeds_from;
  auto replay_of = [&](uint64_t seed) { return replay_command(eddy, args.file, seed, args.include_roots, args.variants); };
  sweep::WorkerPool pool(
      jobs,
      [&](const Task& t) {
        uint64_t seed = first + t.unit;
        const scenarios::ScenarioSpec& spec = t.kind == kVariantOff ? off : *on;
        std::string replay = t.kind == kVariantOff ? replay_command(eddy, args.file, seed, args.include_roots) : replay_of(seed);
        return sweep::to_json_line(run_seed(spec, args.file, seed, replay));
      },
      std::chrono::milliseconds(static_cast<int64_t>(args.seed_timeout_s * 1000)));
  struct sigaction sa {};
  sa.sa_handler = on_hunt_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  auto t0 = std::chrono::steady_clock::now();
  auto deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(budget_s));
  Batch hunt = run_batch(pool, args, kVariantOn, first, args.seeds_max, deadline, true, t0, args.file, on->name);
  double wall = seconds_since(t0);
  if (g_hunt_interrupted) {
    pool.kill_all();
    std::cout << "  interrupted (signal " << g_hunt_interrupted << ") after " << hunt.done << " seed(s)\n";
    return 128 + g_hunt_interrupted;
  }
  char line[256];
  if (hunt.failures.empty()) {
    std::snprintf(line, sizeof line, "  no failure in %" PRIu64 " seed(s) (%" PRIu64 "..%" PRIu64 ") in %.1f s wall%s\n",
                  hunt.done, first, first + std::max<uint64_t>(hunt.done, 1) - 1, wall,
                  hunt.budget_hit ? " (the budget ended the hunt)" : "");
    std::cout << line;
    std::printf("hunt: found=0 seeds=%" PRIu64 " wall_s=%.1f\n", hunt.done, wall);
    return kExitOk;
  }
  const SeedRecord& found = hunt.failures.begin()->second;
  uint64_t tried = found.seed - first + 1;  // the seeds up to the lowest failing one
  std::snprintf(line, sizeof line, "  FOUND: seed %" PRIu64 " fails (%s) after %" PRIu64
                " seed(s) tried; first failure after %.1f s wall (%" PRIu64 " run(s) done in all)\n",
                found.seed, to_string(found.verdict), tried, hunt.first_failure_wall_s, hunt.done);
  std::cout << line;
  print_failure(found);
  std::cout << "    replay: " << replay_of(found.seed) << "\n";
  int rc = exit_code_of(found.verdict);
  if (args.check_off) {
    Batch control = run_batch(pool, args, kVariantOff, first, tried, std::nullopt, false, t0, args.file, on->name);
    if (control.failures.empty()) {
      std::cout << "  with the variants off, the same " << control.done << " seed(s) " << first << ".." << found.seed
                << " all pass\n";
    } else {
      std::cout << "  WITH THE VARIANTS OFF, " << control.failures.size() << " of the same seeds fail too (the lab, not "
                << "the variant, or Kafka itself):\n";
      for (const auto& [seed, r] : control.failures) print_failure(r);
      rc = kExitLabError;
    }
  }
  pool.kill_all();
  std::printf("hunt: found=1 seed=%" PRIu64 " seeds=%" PRIu64 " wall_s=%.1f verdict=%s\n", found.seed, tried,
              hunt.first_failure_wall_s, to_string(found.verdict));
  return rc;
}

}  // namespace

LabCommand add_hunt_command(CLI::App& app, const std::string& eddy) {
  auto args = std::make_shared<HuntArgs>();
  CLI::App* cmd = app.add_subcommand("hunt", "Run fresh seeds until the first failure or the end of a wall-clock budget");
  cmd->add_option("file", args->file, "Scenario file (YAML; a swarm or nemesis scenario draws new faults per seed)")
      ->required();
  add_variant_option(cmd, args->variants);
  cmd->add_option("--budget", args->budget, "Wall-clock time to search (default 120s)");
  cmd->add_option("--jobs,-j", args->jobs, "Worker processes (default: one per CPU)")->check(CLI::Range(1, 1024));
  cmd->add_option_function<std::string>(
      "--seeds-from",
      [args](const std::string& text) {
        auto v = parse_seed(text);
        if (!v) {
          throw CLI::ValidationError("--seeds-from", "expected a seed from 0 to 18446744073709551615 in decimal digits, "
                                                     "got '" + text + "'");
        }
        args->seeds_from = *v;
      },
      "First seed (default 1); the hunt goes up from it");
  cmd->add_option("--max-seeds", args->seeds_max, "Seeds at most (default 1000000)");
  cmd->add_flag("--check-off", args->check_off,
                "After a failure, run the seeds tried again with every variant off; they must all pass");
  cmd->add_flag("--no-progress", args->no_progress, "No progress lines on stderr");
  cmd->add_option("--seed-timeout", args->seed_timeout_s,
                  "Wall-clock seconds one run may take before it counts as a lab hang (default 300)")
      ->check(CLI::Range(0.001, 604800.0));
  add_include_root_option(cmd, args->include_roots);
  return {cmd, [args, eddy] { return hunt_command(*args, eddy); }};
}

}  // namespace cli
