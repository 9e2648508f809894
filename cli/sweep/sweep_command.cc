// eddy sweep FILE... --seeds A..B [--jobs N] [--shard I/N] [--time-budget D] [--out DIR] [--resume]
// Runs every (scenario, seed) in forked worker processes, appends each result to
// DIR/results.jsonl as it arrives, re-runs a sample of seeds to compare fingerprints, and ends
// with the verdict counts and a table of failures with their replay commands.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cinttypes>
#include <ctime>
#include <deque>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "cli/exit_codes.h"
#include "cli/host_usage.h"
#include "cli/lab_commands.h"
#include "cli/common_options.h"
#include "cli/seed_run.h"
#include "cli/shell_quote.h"
#include "cli/sweep/progress.h"
#include "cli/sweep/results.h"
#include "cli/sweep/scenario_digest.h"
#include "cli/sweep/sweep_dir.h"
#include "cli/sweep/sweep_plan.h"
#include "cli/sweep/tally.h"
#include "cli/sweep/worker_pool.h"
#include "reports/sweep_report.h"
#include "scenarios/value_syntax.h"

#ifndef EDDY_VERSION
#define EDDY_VERSION "0.0.0"
#endif

namespace cli {

namespace {

using sweep::Task;
using sweep::TaskDone;
using sweep::Unit;

struct SweepArgs {
  std::vector<std::string> files;
  std::string seeds;
  int jobs = 0;
  std::string shard = "1/1";
  std::string time_budget;
  std::string out;
  std::string junit;
  bool resume = false;
  bool fail_fast = false;
  bool no_progress = false;
  size_t determinism_sample = 20;
  double seed_timeout_s = 300;
  std::vector<std::string> include_roots;
};

constexpr double kSeedTimeoutSecondsMax = 7 * 24 * 3600;  // beyond, a typo, and milliseconds could overflow

constexpr uint32_t kFirstRun = 0;
constexpr uint32_t kDeterminismRerun = 1;

volatile sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int sig) { g_interrupted = sig; }

std::string utc_now(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

int usage_error(const std::string& message) {
  std::cerr << "eddy: error: " << message << "\n";
  return kExitUsage;
}

// The worker side: one run, answered as a results.jsonl seed record.
std::string run_unit(const std::vector<scenarios::ScenarioSpec>& specs, const SweepArgs& args, const Unit& u,
                     const std::string& eddy) {
  const std::vector<std::string>& files = args.files;
  apply_lab_test_faults(u.seed);
  auto t0 = std::chrono::steady_clock::now();
  std::string replay = replay_command(eddy, files[u.scenario], u.seed, args.include_roots);
  try {
    scenarios::RunOptions opt;
    opt.seed = u.seed;
    scenarios::ScenarioResult r = scenarios::run_scenario(specs[u.scenario], opt);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return sweep::to_json_line(record_of(r, files[u.scenario], wall, replay));
  } catch (const std::exception& e) {
    SeedRecord s;
    s.scenario = files[u.scenario];
    s.name = specs[u.scenario].name;
    s.seed = u.seed;
    s.verdict = Verdict::kLabError;
    s.message = std::string("unexpected exception: ") + e.what();
    s.replay = replay;
    return sweep::to_json_line(s);
  }
}

SeedRecord lost_record(const Unit& u, const std::string& file, const std::string& name, const TaskDone& d,
                       const std::string& eddy, const std::vector<std::string>& include_roots) {
  SeedRecord s;
  s.scenario = file;
  s.name = name;
  s.seed = u.seed;
  s.verdict = d.how == TaskDone::How::kHung ? Verdict::kLabHang : Verdict::kLabCrash;
  s.message = d.message;
  s.wall_s = d.wall_s;
  s.replay = replay_command(eddy, file, u.seed, include_roots);
  return s;
}

bool same_sweep(const sweep::SweepHeader& a, const sweep::SweepHeader& b, std::string& why) {
  if (a.scenarios != b.scenarios) why = "other scenario files";
  else if (a.seed_first != b.seed_first || a.seed_last != b.seed_last) why = "another seed range";
  else if (a.shard_index != b.shard_index || a.shard_count != b.shard_count) why = "another shard";
  else return true;
  return false;
}

// The first scenario file whose document changed since the sweep began, as an error message.
std::optional<std::string> changed_scenario(const sweep::SweepHeader& before, const sweep::SweepHeader& now) {
  if (before.scenario_digests.size() != now.scenario_digests.size()) return std::nullopt;  // format 1: not recorded
  for (size_t i = 0; i < now.scenarios.size(); ++i) {
    if (before.scenario_digests[i] == now.scenario_digests[i]) continue;
    return now.scenarios[i] + " changed since the sweep began (it, or a file it includes, now describes another "
           "scenario); results of two different scenarios would be mixed. Restore it, or start a new sweep in another --out";
  }
  return std::nullopt;
}

int sweep_command(const SweepArgs& args, const std::string& eddy) {
  std::string err;
  auto range = sweep::parse_seed_range(args.seeds, err);
  if (!range) return usage_error(err);
  auto shard = sweep::parse_shard(args.shard, err);
  if (!shard) return usage_error(err);
  std::optional<std::chrono::duration<double>> budget;
  if (!args.time_budget.empty()) {
    auto d = scenarios::parse_duration(args.time_budget);
    if (!d.value || d.value->ns() <= 0) {
      return usage_error("--time-budget: expected a duration such as 10m, 90s or 1500ms, got '" + args.time_budget + "'");
    }
    budget = std::chrono::duration<double>(static_cast<double>(d.value->ns()) / 1e9);
  }
  if (!(std::isfinite(args.seed_timeout_s) && args.seed_timeout_s > 0 && args.seed_timeout_s <= kSeedTimeoutSecondsMax)) {
    return usage_error("--seed-timeout: expected a number of seconds above 0 and at most " +
                       std::to_string(static_cast<int>(kSeedTimeoutSecondsMax)) + " (one week)");
  }
  uint64_t seeds_in_range = range->last - range->first + 1;
  if (seeds_in_range * args.files.size() > sweep::kSweepRunsMax) {
    return usage_error("at most " + std::to_string(sweep::kSweepRunsMax) + " runs (scenarios x seeds) in one sweep");
  }

  if (args.resume && args.out.empty()) {
    return usage_error("--resume needs --out DIR: the directory of the sweep to finish (nothing was run)");
  }
  if (!args.junit.empty()) {
    if (auto problem = sweep::junit_path_problem(args.junit, args.out)) return usage_error(*problem);
  }
  // Every scenario is loaded (and validated) before any work starts; workers inherit them.
  std::vector<scenarios::ScenarioSpec> specs;
  for (const auto& f : args.files) {
    auto spec = load_or_report(f, {args.include_roots});
    if (!spec) return kExitUsage;
    specs.push_back(std::move(*spec));
  }

  sweep::SweepDir out_dir;
  auto dir_error = args.out.empty() ? out_dir.create_default(utc_now("%Y%m%d-%H%M%S")) : out_dir.claim(args.out);
  if (!dir_error) dir_error = out_dir.lock();
  if (dir_error) return usage_error("--out: " + *dir_error);
  const std::string& out = out_dir.path();
  std::filesystem::path results_path = std::filesystem::path(out) / sweep::kResultsFileName;
  sweep::SweepHeader header;
  header.eddy_version = EDDY_VERSION;
  header.scenarios = args.files;
  header.seed_first = range->first;
  header.seed_last = range->last;
  header.shard_index = shard->index;
  header.shard_count = shard->count;
  header.started_utc = utc_now("%Y-%m-%dT%H:%M:%SZ");
  for (const auto& f : args.files) header.scenario_digests.push_back(sweep::scenario_digest(f, {args.include_roots}));

  sweep::Tally tally;
  std::set<std::pair<std::string, uint64_t>> done_runs, done_rechecks;
  std::map<std::pair<std::string, uint64_t>, std::string> fingerprints;  // for rechecks of earlier runs
  bool fresh = true;
  std::error_code ec;
  if (std::filesystem::exists(results_path, ec)) {
    if (!args.resume) {
      return usage_error(out + " already holds a sweep's results (" + results_path.string() +
                         "); pass --resume to finish that sweep, or choose another --out (nothing was changed)");
    }
    auto prev = sweep::read_results(results_path.string(), err);
    if (!prev) return usage_error("--resume: " + err);
    std::string why;
    if (!same_sweep(prev->header, header, why)) {
      return usage_error("--resume: " + results_path.string() + " is a sweep of " + why +
                         "; resume it with the same files, --seeds and --shard, or choose another --out");
    }
    if (auto changed = changed_scenario(prev->header, header)) return usage_error("--resume: " + *changed);
    header.started_utc = prev->header.started_utc;
    for (const auto& r : prev->seeds) {
      if (!done_runs.insert({r.scenario, r.seed}).second) continue;
      tally.add(r);
      fingerprints[{r.scenario, r.seed}] = r.fingerprint;
    }
    for (const auto& d : prev->determinism) {
      if (done_rechecks.insert({d.scenario, d.seed}).second) tally.add(d);
    }
    if (prev->damaged()) {
      if (!sweep::drop_damaged_lines(results_path.string(), err)) {
        std::cerr << "eddy: error: --resume: " << err << "\n";
        return kExitWriteFailed;
      }
      std::cout << "  dropped from " << results_path.string() << ": " << prev->dropped_lines << " damaged line(s)"
                << (prev->torn_bytes > 0 ? " and an unfinished last line" : "") << "; their runs are redone\n";
    }
    header.version = prev->header.version;
    fresh = false;
  }
  sweep::ResultsAppender results;
  if (!results.open(results_path.string(), err)) return usage_error(err);
  if (fresh && !results.append(sweep::to_json_line(header))) {
    std::cerr << "eddy: error: " << results.error() << "; nothing was run (exit 6)\n";
    return kExitWriteFailed;
  }

  std::vector<Unit> units = sweep::plan_units(args.files.size(), *range, *shard);
  std::deque<Task> pending;
  for (size_t i = 0; i < units.size(); ++i) {
    std::pair<std::string, uint64_t> key{args.files[units[i].scenario], units[i].seed};
    bool sampled = sweep::in_determinism_sample(i, units.size(), args.files.size(), args.determinism_sample);
    if (!done_runs.count(key)) {
      pending.push_back({static_cast<uint32_t>(i), kFirstRun});
    } else if (sampled && !done_rechecks.count(key) && !fingerprints[key].empty()) {
      pending.push_back({static_cast<uint32_t>(i), kDeterminismRerun});
    }
  }

  int jobs = args.jobs > 0 ? args.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  std::cout << "eddy sweep: " << args.files.size() << " scenario(s) x seeds " << range->first << ".." << range->last
            << (shard->count > 1 ? " shard " + args.shard : std::string()) << " = " << units.size() << " runs, "
            << jobs << " worker(s); results in " << results_path.string() << "\n";
  if (!fresh) std::cout << "  resuming: " << done_runs.size() << " run(s) already done\n";
  std::cout.flush();

  sweep::WorkerPool pool(
      jobs,
      [&](const Task& t) { return run_unit(specs, args, units[t.unit], eddy); },
      std::chrono::milliseconds(static_cast<int64_t>(args.seed_timeout_s * 1000)));
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  uint64_t done_now = 0;
  uint64_t rechecks_before = tally.determinism_checked();
  uint64_t already = done_runs.size();
  sweep::Progress progress(units.size(), already, !args.no_progress);
  auto t0 = std::chrono::steady_clock::now();
  bool budget_hit = false, stop_dispatch = false, write_failed = false;
  while (!g_interrupted) {
    if (budget && std::chrono::steady_clock::now() - t0 >= *budget && !pending.empty()) budget_hit = stop_dispatch = true;
    while (!stop_dispatch && !pending.empty() && pool.has_idle()) {
      if (!pool.submit(pending.front())) {
        std::cerr << "eddy: error: cannot start a worker process (fork failed)\n";
        return kExitLabError;
      }
      pending.pop_front();
    }
    if (pool.busy() == 0 && (pending.empty() || stop_dispatch)) break;
    for (const TaskDone& d : pool.wait(std::chrono::milliseconds(200))) {
      if (write_failed) continue;  // results that cannot be recorded are redone on --resume
      const Unit& u = units[d.task.unit];
      const std::string& file = args.files[u.scenario];
      std::optional<SeedRecord> rec;
      if (d.how == TaskDone::How::kAnswered) {
        rec = sweep::seed_record_from_json(d.line);
        if (!rec) {
          TaskDone bad = d;
          bad.how = TaskDone::How::kCrashed;
          bad.message = "the lab's worker answered something unreadable: " + d.line.substr(0, 200);
          rec = lost_record(u, file, specs[u.scenario].name, bad, eddy, args.include_roots);
        }
      } else {
        rec = lost_record(u, file, specs[u.scenario].name, d, eddy, args.include_roots);
      }
      if (d.task.kind == kFirstRun) {
        if (!results.append(sweep::to_json_line(*rec))) {
          write_failed = stop_dispatch = true;
          continue;
        }
        tally.add(*rec);
        ++done_now;
        if (sweep::in_determinism_sample(d.task.unit, units.size(), args.files.size(),
                                         args.determinism_sample) &&
            !rec->fingerprint.empty()) {
          fingerprints[{file, u.seed}] = rec->fingerprint;
          pending.push_back({d.task.unit, kDeterminismRerun});
        }
        if (args.fail_fast && rec->verdict != Verdict::kOk) stop_dispatch = true;
      } else {
        sweep::DeterminismRecord det;
        det.scenario = file;
        det.seed = u.seed;
        det.fingerprint_first = fingerprints[{file, u.seed}];
        det.fingerprint_second = rec->fingerprint;
        det.equal = !det.fingerprint_second.empty() && det.fingerprint_first == det.fingerprint_second;
        if (rec->fingerprint.empty()) det.message = std::string(to_string(rec->verdict)) + " in the re-run: " + rec->message;
        if (!results.append(sweep::to_json_line(det))) {
          write_failed = stop_dispatch = true;
          continue;
        }
        tally.add(det);
        if (args.fail_fast && !det.equal) stop_dispatch = true;
      }
    }
    progress.update(already + done_now, tally.failures());
  }
  pool.kill_all();  // idle by now, unless interrupted or a write failed (their runs are redone on --resume)
  progress.finish();
  if (!results.close()) write_failed = true;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  double cpu = cli::cpu_seconds_of(children);

  uint64_t total_done = already + done_now;
  char line[256];
  std::snprintf(line, sizeof line, "eddy sweep: %" PRIu64 " of %zu runs done; this session %" PRIu64
                " runs in %.1f s wall: %.1f runs/s with %d worker(s)\n",
                total_done, units.size(), done_now, wall, wall > 0 ? static_cast<double>(done_now) / wall : 0.0, jobs);
  std::cout << line;
  uint64_t rechecks = tally.determinism_checked() - rechecks_before;
  if (cpu > 0) {
    std::snprintf(line, sizeof line, "  workers' CPU time %.1f s for %" PRIu64 " runs and %" PRIu64
                  " determinism re-runs: %.3f CPU-s per run, %.1f runs/s per busy core\n",
                  cpu, done_now, rechecks, cpu / static_cast<double>(std::max<uint64_t>(1, done_now + rechecks)),
                  static_cast<double>(done_now + rechecks) / cpu);
    std::cout << line;
  }
  tally.print(std::cout);
  std::cout << "  results: " << results_path.string() << "\n";
  // The aggregate reports (reports/sweep_report.h) over everything in results.jsonl so far.
  bool reports_failed = false;
  if (auto report_error = reports::write_sweep_reports(out, args.junit)) {
    std::cerr << "eddy: error: sweep reports: " << *report_error << "\n";
    reports_failed = true;
  } else {
    std::cout << "  reports: " << out << "/sweep.html, sweep.json, summary.md"
              << (args.junit.empty() ? "" : ", JUnit " + args.junit) << "\n";
  }
  std::string resume = shell_quote(eddy) + " sweep";
  for (const auto& f : args.files) resume += " " + shell_quote(f);
  resume += " --seeds " + shell_quote(args.seeds) + (shard->count > 1 ? " --shard " + shell_quote(args.shard) : "") +
            include_root_args(args.include_roots) + " --out " + shell_quote(out) + " --resume";
  if (write_failed) {
    std::cout << "  RESULTS NOT RECORDED: " << results.error() << "\n  the sweep stopped; " << units.size() - total_done
              << " run(s) missing; once the disk has room, finish with: " << resume << "\n  exit 6\n";
    std::cerr << "eddy: error: " << results.error() << " (exit 6: the results are incomplete)\n";
    return kExitWriteFailed;
  }
  if (g_interrupted) {
    std::cout << "  interrupted (signal " << g_interrupted << "); finish with: " << resume << "\n";
    return 128 + g_interrupted;
  }
  bool incomplete = total_done < units.size() || !pending.empty();
  if (incomplete) {
    std::cout << "  INCOMPLETE: " << units.size() - total_done << " run(s) missing ("
              << (budget_hit ? "--time-budget reached" : "stopped at the first failure") << "); finish with: " << resume
              << "\n";
  }
  if (reports_failed) {
    std::cout << "  exit 6 (the reports could not be written)\n";
    return kExitWriteFailed;
  }
  int rc = tally.exit_code();
  std::cout << "  exit " << rc
            << (rc == 0 ? (incomplete ? " (no failure in the runs done; the sweep is incomplete)" : " (every expectation held)")
                : rc == kExitSafetyViolation ? " (safety violation)"
                : rc == kExitLiveness ? " (liveness failure)" : rc == kExitLabCrash ? " (the lab crashed or hung)"
                : " (lab error)")
            << "\n";
  return rc;
}

}  // namespace

LabCommand add_sweep_command(CLI::App& app, const std::string& eddy) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run scenarios over many seeds in parallel worker processes");
  cmd->add_option("files", args->files, "Scenario files (YAML)")->required();
  cmd->add_option("--seeds", args->seeds, "Seeds to run: A..B (inclusive) or N")->required();
  cmd->add_option("--jobs,-j", args->jobs, "Worker processes (default: one per CPU)")->check(CLI::Range(1, 1024));
  cmd->add_option("--shard", args->shard, "Run only shard I of N (seeds s with (s - A) % N == I - 1)");
  cmd->add_option("--time-budget", args->time_budget, "Stop starting new runs after this long (e.g. 10m)");
  cmd->add_option("--out", args->out, "Directory for results.jsonl (default: eddy-out/sweep-DATE-TIME)");
  cmd->add_option("--junit", args->junit, "Also write a JUnit XML file (one test case per scenario and seed)");
  cmd->add_flag("--resume", args->resume, "Finish the sweep whose results are in --out");
  cmd->add_flag("--fail-fast", args->fail_fast, "Start no new runs after the first failure");
  cmd->add_flag("--no-progress", args->no_progress, "No progress on stderr");
  cmd->add_option("--determinism-sample", args->determinism_sample,
                  "Runs re-run to compare fingerprints (default 20; 0: none)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--seed-timeout", args->seed_timeout_s,
                  "Wall-clock seconds one run may take before it counts as a lab hang (default 300)");
  add_include_root_option(cmd, args->include_roots);
  return {cmd, [args, eddy] { return sweep_command(*args, eddy); }};
}

}  // namespace cli
