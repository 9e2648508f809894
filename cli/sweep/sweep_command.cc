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
#include "cli/fresh_process.h"
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
  std::string engine;
  std::vector<std::string> variants;  // --variant NAME: the bug zoo, for every file
  double max_inconclusive_percent = sweep::kDefaultMaxInconclusivePercent;
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
std::string run_unit_here(const std::vector<scenarios::ScenarioSpec>& specs, const SweepArgs& args, const Unit& u,
                     const std::string& eddy) {
  const std::string& file = args.files[u.scenario];
  return sweep::to_json_line(
      run_seed(specs[u.scenario], file, u.seed, replay_command(eddy, file, u.seed, args.include_roots, args.variants)));
}

// A SimGrid run gets a process of its own (cli/fresh_process.h); a native run goes on in the
// worker's.
std::string run_unit(const std::vector<scenarios::ScenarioSpec>& specs, const SweepArgs& args, const Unit& u,
                     const std::string& eddy) {
  if (specs[u.scenario].engine == sim::EngineKind::kNative) return run_unit_here(specs, args, u, eddy);
  std::string why;
  std::optional<std::string> line = in_fresh_process([&] { return run_unit_here(specs, args, u, eddy); }, why);
  if (line) return *line;
  SeedRecord s;
  s.scenario = args.files[u.scenario];
  s.name = specs[u.scenario].name;
  s.seed = u.seed;
  s.verdict = Verdict::kLabCrash;
  s.message = why;
  s.replay = replay_command(eddy, args.files[u.scenario], u.seed, args.include_roots);
  return sweep::to_json_line(s);
}

SeedRecord lost_record(const Unit& u, const std::string& file, const std::string& name, const TaskDone& d,
                       const std::string& eddy, const std::vector<std::string>& include_roots,
                       const std::vector<std::string>& variants) {
  SeedRecord s;
  s.scenario = file;
  s.name = name;
  s.seed = u.seed;
  s.verdict = d.how == TaskDone::How::kHung ? Verdict::kLabHang : Verdict::kLabCrash;
  s.message = d.message;
  s.wall_s = d.wall_s;
  s.replay = replay_command(eddy, file, u.seed, include_roots, variants);
  return s;
}

bool same_sweep(const sweep::SweepHeader& a, const sweep::SweepHeader& b, std::string& why) {
  if (a.scenarios != b.scenarios) why = "other scenario files";
  else if (a.seed_first != b.seed_first || a.seed_last != b.seed_last) why = "another seed range";
  else if (a.shard_index != b.shard_index || a.shard_count != b.shard_count) why = "another shard";
  else if (a.variants != b.variants) why = "other --variant protocol variants";
  else if (a.max_inconclusive_percent != b.max_inconclusive_percent) why = "another --max-inconclusive";
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

using RunKey = std::pair<std::string, uint64_t>;  // (scenario file, seed)

// The checked settings of a sweep.
struct SweepSettings {
  sweep::SeedRange range;
  sweep::Shard shard;
  std::optional<std::chrono::duration<double>> budget;
};

// Checks the arguments that need no file; an exit code (usage error printed) or kExitOk.
int check_args(const SweepArgs& args, SweepSettings& s) {
  std::string err;
  auto range = sweep::parse_seed_range(args.seeds, err);
  if (!range) return usage_error(err);
  auto shard = sweep::parse_shard(args.shard, err);
  if (!shard) return usage_error(err);
  s.range = *range;
  s.shard = *shard;
  if (!args.time_budget.empty()) {
    auto d = scenarios::parse_duration(args.time_budget);
    if (!d.value || d.value->ns() <= 0) {
      return usage_error("--time-budget: expected a duration such as 10m, 90s or 1500ms, got '" + args.time_budget + "'");
    }
    s.budget = std::chrono::duration<double>(static_cast<double>(d.value->ns()) / 1e9);
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
  return kExitOk;
}

// What a sweep knows while it runs: verdicts so far, the runs and re-runs done (also those a
// resumed sweep found), and the first fingerprints that re-runs are compared with.
struct SweepState {
  sweep::Tally tally;
  std::set<RunKey> done_runs, done_rechecks;
  std::map<RunKey, std::string> fingerprints;
  bool fresh = true;
};

// --resume: takes what `results_path` holds into `st` after checking it is this sweep, and
// rewrites the file without its damaged lines. An exit code, or kExitOk.
int take_previous(const std::string& results_path, sweep::SweepHeader& header, SweepState& st) {
  std::string err;
  auto prev = sweep::read_results(results_path, err);
  if (!prev) return usage_error("--resume: " + err);
  std::string why;
  if (!same_sweep(prev->header, header, why)) {
    return usage_error("--resume: " + results_path + " is a sweep of " + why +
                       "; resume it with the same files, --seeds and --shard, or choose another --out");
  }
  if (auto changed = changed_scenario(prev->header, header)) return usage_error("--resume: " + *changed);
  header.started_utc = prev->header.started_utc;
  header.version = prev->header.version;
  for (const auto& r : prev->seeds) {
    if (!st.done_runs.insert({r.scenario, r.seed}).second) continue;
    st.tally.add(r);
    st.fingerprints[{r.scenario, r.seed}] = r.fingerprint;
  }
  for (const auto& d : prev->determinism) {
    if (st.done_rechecks.insert({d.scenario, d.seed}).second) st.tally.add(d);
  }
  if (prev->damaged()) {
    if (!sweep::drop_damaged_lines(results_path, err)) {
      std::cerr << "eddy: error: --resume: " << err << "\n";
      return kExitWriteFailed;
    }
    std::cout << "  dropped from " << results_path << ": " << prev->dropped_lines << " damaged line(s)"
              << (prev->torn_bytes > 0 ? " and an unfinished last line" : "") << "; their runs are redone\n";
  }
  st.fresh = false;
  return kExitOk;
}

// One sweep from its first dispatch to its exit code.
class SweepRun {
 public:
  SweepRun(const SweepArgs& args, const SweepSettings& settings, const std::vector<scenarios::ScenarioSpec>& specs,
           SweepState& state, sweep::ResultsAppender& results, const std::string& out, const std::string& eddy)
      : args_(args), settings_(settings), specs_(specs), st_(state), results_(results), out_(out), eddy_(eddy),
        units_(sweep::plan_units(args.files.size(), settings.range, settings.shard)) {}

  int run() {
    queue_pending();
    int jobs = args_.jobs > 0 ? args_.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
    print_start(jobs);
    sweep::WorkerPool pool(
        jobs, [&](const Task& t) { return run_unit(specs_, args_, units_[t.unit], eddy_); },
        std::chrono::milliseconds(static_cast<int64_t>(args_.seed_timeout_s * 1000)));
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    rechecks_before_ = st_.tally.determinism_checked();
    already_ = st_.done_runs.size();
    auto t0 = std::chrono::steady_clock::now();
    if (!dispatch(pool, t0)) return kExitLabError;
    pool.kill_all();  // idle by now, unless interrupted or a write failed (their runs are redone on --resume)
    if (!results_.close()) write_failed_ = true;
    print_totals(jobs, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return finish();
  }

 private:
  // The runs not done yet, and the sampled re-runs of runs done earlier.
  void queue_pending() {
    for (size_t i = 0; i < units_.size(); ++i) {
      RunKey key{args_.files[units_[i].scenario], units_[i].seed};
      if (!st_.done_runs.count(key)) {
        pending_.push_back({static_cast<uint32_t>(i), kFirstRun});
      } else if (sampled(i) && !st_.done_rechecks.count(key) && !st_.fingerprints[key].empty()) {
        pending_.push_back({static_cast<uint32_t>(i), kDeterminismRerun});
      }
    }
  }

  bool sampled(size_t unit) const {
    return sweep::in_determinism_sample(unit, units_.size(), args_.files.size(), args_.determinism_sample);
  }

  void print_start(int jobs) const {
    std::cout << "eddy sweep: " << args_.files.size() << " scenario(s) x seeds " << settings_.range.first << ".."
              << settings_.range.last << (settings_.shard.count > 1 ? " shard " + args_.shard : std::string()) << " = "
              << units_.size() << " runs, " << jobs << " worker(s); results in " << results_path() << "\n";
    if (!args_.variants.empty()) {
      std::string names;
      for (const auto& v : args_.variants) names += (names.empty() ? "" : ", ") + v;
      std::cout << "  protocol variants on (bug zoo): " << names << "\n";
    }
    if (!st_.fresh) std::cout << "  resuming: " << st_.done_runs.size() << " run(s) already done\n";
    std::cout.flush();
  }

  // Feeds the workers until everything ran or the sweep stops; false when no worker starts.
  bool dispatch(sweep::WorkerPool& pool, std::chrono::steady_clock::time_point t0) {
    sweep::Progress progress(units_.size(), already_, !args_.no_progress);
    while (!g_interrupted) {
      if (settings_.budget && std::chrono::steady_clock::now() - t0 >= *settings_.budget && !pending_.empty()) {
        budget_hit_ = stop_ = true;
      }
      while (!stop_ && !pending_.empty() && pool.has_idle()) {
        if (!pool.submit(pending_.front())) {
          std::cerr << "eddy: error: cannot start a worker process (fork failed)\n";
          return false;
        }
        pending_.pop_front();
      }
      if (pool.busy() == 0 && (pending_.empty() || stop_)) break;
      for (const TaskDone& d : pool.wait(std::chrono::milliseconds(200))) {
        if (!write_failed_) record(d);  // results that cannot be recorded are redone on --resume
      }
      progress.update(already_ + done_now_, st_.tally.failures());
    }
    progress.finish();
    return true;
  }

  // The seed record of a finished task (a crash, a hang or an unreadable answer included).
  SeedRecord record_of_task(const TaskDone& d) const {
    const Unit& u = units_[d.task.unit];
    const std::string& file = args_.files[u.scenario];
    if (d.how == TaskDone::How::kAnswered) {
      if (auto rec = sweep::seed_record_from_json(d.line)) return *rec;
      TaskDone bad = d;
      bad.how = TaskDone::How::kCrashed;
      bad.message = "the lab's worker answered something unreadable: " + d.line.substr(0, 200);
      return lost_record(u, file, specs_[u.scenario].name, bad, eddy_, args_.include_roots, args_.variants);
    }
    return lost_record(u, file, specs_[u.scenario].name, d, eddy_, args_.include_roots, args_.variants);
  }

  void record(const TaskDone& d) {
    SeedRecord rec = record_of_task(d);
    const Unit& u = units_[d.task.unit];
    RunKey key{args_.files[u.scenario], u.seed};
    if (d.task.kind == kFirstRun) {
      if (!append(sweep::to_json_line(rec))) return;
      st_.tally.add(rec);
      ++done_now_;
      if (sampled(d.task.unit) && !rec.fingerprint.empty()) {
        st_.fingerprints[key] = rec.fingerprint;
        pending_.push_back({d.task.unit, kDeterminismRerun});
      }
      if (args_.fail_fast && rec.verdict != Verdict::kOk && rec.verdict != Verdict::kInconclusive) stop_ = true;
      return;
    }
    sweep::DeterminismRecord det;
    det.scenario = key.first;
    det.seed = u.seed;
    det.fingerprint_first = st_.fingerprints[key];
    det.fingerprint_second = rec.fingerprint;
    det.equal = !det.fingerprint_second.empty() && det.fingerprint_first == det.fingerprint_second;
    if (rec.fingerprint.empty()) det.message = std::string(to_string(rec.verdict)) + " in the re-run: " + rec.message;
    if (!append(sweep::to_json_line(det))) return;
    st_.tally.add(det);
    if (args_.fail_fast && !det.equal) stop_ = true;
  }

  bool append(const std::string& line) {
    if (results_.append(line)) return true;
    write_failed_ = stop_ = true;
    return false;
  }

  void print_totals(int jobs, double wall) const {
    rusage children{};
    getrusage(RUSAGE_CHILDREN, &children);
    double cpu = cli::cpu_seconds_of(children);
    char line[256];
    std::snprintf(line, sizeof line, "eddy sweep: %" PRIu64 " of %zu runs done; this session %" PRIu64
                  " runs in %.1f s wall: %.1f runs/s with %d worker(s)\n",
                  total_done(), units_.size(), done_now_, wall, wall > 0 ? static_cast<double>(done_now_) / wall : 0.0,
                  jobs);
    std::cout << line;
    uint64_t rechecks = st_.tally.determinism_checked() - rechecks_before_;
    if (cpu > 0) {
      std::snprintf(line, sizeof line, "  workers' CPU time %.1f s for %" PRIu64 " runs and %" PRIu64
                    " determinism re-runs: %.3f CPU-s per run, %.1f runs/s per busy core\n",
                    cpu, done_now_, rechecks, cpu / static_cast<double>(std::max<uint64_t>(1, done_now_ + rechecks)),
                    static_cast<double>(done_now_ + rechecks) / cpu);
      std::cout << line;
    }
    st_.tally.print(std::cout);
    std::cout << "  results: " << results_path() << "\n";
  }

  std::string resume_command() const {
    std::string resume = shell_quote(eddy_) + " sweep";
    for (const auto& f : args_.files) resume += " " + shell_quote(f);
    return resume + " --seeds " + shell_quote(args_.seeds) +
           (settings_.shard.count > 1 ? " --shard " + shell_quote(args_.shard) : "") +
           include_root_args(args_.include_roots) + " --out " + shell_quote(out_) + " --resume";
  }

  // The reports (also after an interruption, a time budget or a failed write), what is
  // missing, and the exit code.
  int finish() const {
    bool reports_failed = false;
    if (auto report_error = reports::write_sweep_reports(out_, args_.junit)) {
      std::cerr << "eddy: error: sweep reports: " << *report_error << "\n";
      reports_failed = true;
    } else {
      std::cout << "  reports: " << out_ << "/sweep.html, sweep.json, summary.md"
                << (args_.junit.empty() ? "" : ", JUnit " + args_.junit) << "\n";
    }
    if (write_failed_) {
      std::cout << "  RESULTS NOT RECORDED: " << results_.error() << "\n  the sweep stopped; "
                << units_.size() - total_done() << " run(s) missing; once the disk has room, finish with: "
                << resume_command() << "\n  exit 6\n";
      std::cerr << "eddy: error: " << results_.error() << " (exit 6: the results are incomplete)\n";
      return kExitWriteFailed;
    }
    if (g_interrupted) {
      std::cout << "  interrupted (signal " << g_interrupted << "); finish with: " << resume_command() << "\n";
      return 128 + g_interrupted;
    }
    bool incomplete = total_done() < units_.size() || !pending_.empty();
    if (incomplete) {
      std::cout << "  INCOMPLETE: " << units_.size() - total_done() << " run(s) missing ("
                << (budget_hit_ ? "--time-budget reached" : "stopped at the first failure")
                << "); finish with: " << resume_command() << "\n";
    }
    if (reports_failed) {
      std::cout << "  exit 6 (the reports could not be written)\n";
      return kExitWriteFailed;
    }
    int rc = st_.tally.exit_code();
    std::cout << "  exit " << rc << exit_reason(rc, incomplete) << "\n";
    return rc;
  }

  static const char* exit_reason(int rc, bool incomplete) {
    if (rc == kExitOk)
      return incomplete ? " (no failure in the runs done; the sweep is incomplete)"
                        : " (every check held; any inconclusive seeds are within --max-inconclusive)";
    if (rc == kExitSafetyViolation) return " (safety violation)";
    if (rc == kExitInconclusive) return " (too many inconclusive seeds: every check held, a progress floor did not)";
    if (rc == kExitLiveness) return " (liveness failure)";
    if (rc == kExitLabCrash) return " (the lab crashed or hung)";
    return " (lab error)";
  }

  std::string results_path() const { return (std::filesystem::path(out_) / sweep::kResultsFileName).string(); }
  uint64_t total_done() const { return already_ + done_now_; }

  const SweepArgs& args_;
  const SweepSettings& settings_;
  const std::vector<scenarios::ScenarioSpec>& specs_;
  SweepState& st_;
  sweep::ResultsAppender& results_;
  const std::string out_;
  const std::string eddy_;
  const std::vector<Unit> units_;
  std::deque<Task> pending_;
  uint64_t already_ = 0, done_now_ = 0, rechecks_before_ = 0;
  bool budget_hit_ = false, stop_ = false, write_failed_ = false;
};

sweep::SweepHeader header_of(const SweepArgs& args, const SweepSettings& s) {
  sweep::SweepHeader header;
  header.eddy_version = EDDY_VERSION;
  header.scenarios = args.files;
  header.seed_first = s.range.first;
  header.seed_last = s.range.last;
  header.shard_index = s.shard.index;
  header.shard_count = s.shard.count;
  header.started_utc = utc_now("%Y-%m-%dT%H:%M:%SZ");
  for (const auto& f : args.files) header.scenario_digests.push_back(sweep::scenario_digest(f, {args.include_roots}));
  header.variants = args.variants;
  header.max_inconclusive_percent = args.max_inconclusive_percent;
  return header;
}

int sweep_command(const SweepArgs& args, const std::string& eddy) {
  SweepSettings settings;
  if (int rc = check_args(args, settings); rc != kExitOk) return rc;
  // Every scenario is loaded (and validated) before any work starts; workers inherit them.
  std::vector<scenarios::ScenarioSpec> specs;
  for (const auto& f : args.files) {
    auto spec = load_or_report(f, {args.include_roots}, args.variants);
    if (!spec) return kExitUsage;
    if (!args.engine.empty()) spec->engine = *sim::engine_kind_from_name(args.engine);
    specs.push_back(std::move(*spec));
  }
  sweep::SweepDir out_dir;
  auto dir_error = args.out.empty() ? out_dir.create_default(utc_now("%Y%m%d-%H%M%S")) : out_dir.claim(args.out);
  if (!dir_error) dir_error = out_dir.lock();
  if (dir_error) return usage_error("--out: " + *dir_error);
  const std::string& out = out_dir.path();
  std::string results_path = (std::filesystem::path(out) / sweep::kResultsFileName).string();
  sweep::SweepHeader header = header_of(args, settings);
  SweepState state;
  state.tally = sweep::Tally(args.max_inconclusive_percent);
  std::error_code ec;
  if (std::filesystem::exists(results_path, ec)) {
    if (!args.resume) {
      return usage_error(out + " already holds a sweep's results (" + results_path +
                         "); pass --resume to finish that sweep, or choose another --out (nothing was changed)");
    }
    if (int rc = take_previous(results_path, header, state); rc != kExitOk) return rc;
  }
  std::string err;
  sweep::ResultsAppender results;
  if (!results.open(results_path, err)) return usage_error(err);
  if (state.fresh && !results.append(sweep::to_json_line(header))) {
    std::cerr << "eddy: error: " << results.error() << "; nothing was run (exit 6)\n";
    return kExitWriteFailed;
  }
  return SweepRun(args, settings, specs, state, results, out, eddy).run();
}

}  // namespace

LabCommand add_sweep_command(CLI::App& app, const std::string& eddy) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run scenarios over many seeds in parallel worker processes");
  cmd->add_option("files", args->files, "Scenario files (YAML)")->required();
  cmd->add_option("--seeds", args->seeds, "Seeds to run: A..B (inclusive) or N")->required();
  add_engine_option(cmd, args->engine);
  cmd->add_option("--jobs,-j", args->jobs, "Worker processes (default: one per CPU)")->check(CLI::Range(1, 1024));
  cmd->add_option("--shard", args->shard, "Run only shard I of N (seeds s with (s - A) % N == I - 1)");
  cmd->add_option("--time-budget", args->time_budget, "Stop starting new runs after this long (e.g. 10m)");
  cmd->add_option("--out", args->out, "Directory for results.jsonl (default: eddy-out/sweep-DATE-TIME)");
  cmd->add_option("--junit", args->junit, "Also write a JUnit XML file (one test case per scenario and seed)");
  cmd->add_flag("--resume", args->resume, "Finish the sweep whose results are in --out");
  cmd->add_flag("--fail-fast", args->fail_fast, "Start no new runs after the first failure");
  cmd->add_option("--max-inconclusive", args->max_inconclusive_percent,
                  "Percent of a scenario's seeds that may be inconclusive (every check held, a progress floor did not) "
                  "before the sweep fails (default 1)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_flag("--no-progress", args->no_progress, "No progress on stderr");
  cmd->add_option("--determinism-sample", args->determinism_sample,
                  "Runs re-run to compare fingerprints (default 20; 0: none)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--seed-timeout", args->seed_timeout_s,
                  "Wall-clock seconds one run may take before it counts as a lab hang (default 300)");
  add_include_root_option(cmd, args->include_roots);
  add_variant_option(cmd, args->variants);
  return {cmd, [args, eddy] { return sweep_command(*args, eddy); }};
}

}  // namespace cli
