// eddy shrink FILE --seed N [--variant NAME]... [--out min.yaml] [--budget 300s] [--max-runs N]
// Reduces a failing run to a small scenario that still fails the same way: the nemesis's drawn
// faults become explicit fault entries, delta debugging (ddmin) removes the faults the failure
// does not need, then each remaining fault is made shorter and the workload shorter, as long as
// the run keeps failing the same check. Every step is a normal run of the same seed. The result
// is a file that includes the original (so the seed draws the same swarm knobs), switches its
// nemesis off, and lists the faults that remain; it is run once more on its own before shrink
// reports success. Runs are in-process, one at a time: a seed that crashes the lab cannot be
// shrunk here.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/lab_commands.h"
#include "cli/seed_run.h"
#include "cli/shell_quote.h"
#include "scenarios/shrink_support.h"
#include "scenarios/value_syntax.h"

namespace cli {

namespace {

namespace fs = std::filesystem;

constexpr int kRunsMaxDefault = 400;
constexpr int kRunsMaxLimit = 100'000;
constexpr int kHalvingsPerFault = 4;  // attempts to shorten one fault's `for`

struct ShrinkArgs {
  std::string file;
  uint64_t seed = 1;
  std::vector<std::string> variants;
  std::string out;
  std::string budget = "300s";
  int max_runs = kRunsMaxDefault;
  std::vector<std::string> include_roots;
};

int usage_error(const std::string& message) {
  std::cerr << "eddy: error: " << message << "\n";
  return kExitUsage;
}

// What a failure is, for "the same failure": the verdict and the checks that failed.
struct Failure {
  Verdict verdict = Verdict::kOk;
  std::set<std::string> checks;
  std::string str() const {
    std::string s = to_string(verdict);
    for (const auto& c : checks) s += " " + c;
    return s;
  }
};

Failure failure_of(const scenarios::ScenarioResult& r) {
  Failure f;
  f.verdict = verdict_of(r);
  for (const auto& e : r.expectations)
    if (!e.held) f.checks.insert(e.check);
  return f;
}

class Shrinker {
 public:
  Shrinker(const ShrinkArgs& args, double budget_s)
      : args_(args), budget_s_(budget_s), t0_(std::chrono::steady_clock::now()) {}

  bool out_of_budget() const {
    return runs_ >= args_.max_runs ||
           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count() >= budget_s_;
  }
  int runs() const { return runs_; }
  double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(); }

  scenarios::ScenarioResult run(const scenarios::ScenarioSpec& spec) {
    ++runs_;
    scenarios::RunOptions opt;
    opt.seed = args_.seed;
    return scenarios::run_scenario(spec, opt);
  }

  // The candidate fails with at least one of the target's checks (or, for a failure without
  // checks, with the same verdict).
  bool still_fails(const scenarios::ScenarioSpec& candidate) {
    if (out_of_budget()) return false;
    Failure f = failure_of(run(candidate));
    if (f.verdict == Verdict::kOk || f.verdict == Verdict::kInconclusive) return false;
    if (target_.checks.empty()) return f.verdict == target_.verdict;
    for (const auto& c : f.checks)
      if (target_.checks.count(c)) return true;
    return false;
  }

  void set_target(Failure f) { target_ = std::move(f); }
  const Failure& target() const { return target_; }

  // ddmin over the fault list (complements of n chunks, n doubling when none can go).
  void remove_faults(scenarios::ScenarioSpec& spec) {
    size_t n = 2;
    while (spec.faults.size() >= 2 && !out_of_budget()) {
      bool reduced = false;
      size_t chunk = (spec.faults.size() + n - 1) / n;
      for (size_t start = 0; start < spec.faults.size() && !out_of_budget(); start += chunk) {
        scenarios::ScenarioSpec c = spec;
        c.faults.erase(c.faults.begin() + static_cast<std::ptrdiff_t>(start),
                       c.faults.begin() + static_cast<std::ptrdiff_t>(std::min(start + chunk, c.faults.size())));
        if (!still_fails(c)) continue;
        spec = std::move(c);
        progress("faults: " + std::to_string(spec.faults.size()));
        n = std::max<size_t>(n - 1, 2);
        reduced = true;
        break;
      }
      if (reduced) continue;
      if (n >= spec.faults.size()) break;
      n = std::min(n * 2, spec.faults.size());
    }
    if (spec.faults.size() == 1 && !out_of_budget()) {  // maybe none is needed at all
      scenarios::ScenarioSpec c = spec;
      c.faults.clear();
      if (still_fails(c)) spec = std::move(c);
    }
  }

  // Each fault's `for` halved while the failure stays.
  void shorten_faults(scenarios::ScenarioSpec& spec) {
    for (size_t i = 0; i < spec.faults.size() && !out_of_budget(); ++i) {
      for (int k = 0; k < kHalvingsPerFault && spec.faults[i].duration && !out_of_budget(); ++k) {
        scenarios::ScenarioSpec c = spec;
        c.faults[i].duration = sim::nanoseconds(c.faults[i].duration->ns() / 2);
        if (c.faults[i].duration->ns() < sim::milliseconds(1).ns() || !still_fails(c)) break;
        spec = std::move(c);
      }
    }
  }

  // The schedule moved earlier as a whole, so that the first fault comes a second into the
  // workload (the gaps between faults kept), while it fails.
  void move_earlier(scenarios::ScenarioSpec& spec) {
    if (spec.faults.empty() || out_of_budget()) return;
    sim::Duration first = spec.faults.front().at;
    for (const auto& f : spec.faults) first = std::min(first, f.at);
    sim::Duration shift = first - sim::seconds(1);
    if (shift <= sim::Duration::zero()) return;
    scenarios::ScenarioSpec c = spec;
    for (auto& f : c.faults) f.at = f.at - shift;
    if (still_fails(c)) spec = std::move(c);
  }

  // The workload: down to a second after the last fault's start, then halved, while it fails.
  void shorten_workload(scenarios::ScenarioSpec& spec) {
    sim::Duration last = sim::Duration::zero();
    for (const auto& f : spec.faults) last = std::max(last, f.at);
    sim::Duration floor = last + sim::seconds(1);
    if (floor < spec.duration && !out_of_budget()) {
      scenarios::ScenarioSpec c = spec;
      c.duration = floor;
      if (still_fails(c)) spec = std::move(c);
    }
    for (int k = 0; k < 4 && !out_of_budget(); ++k) {
      sim::Duration half = sim::nanoseconds(spec.duration.ns() / 2);
      if (half < floor || half < sim::seconds(1)) break;
      scenarios::ScenarioSpec c = spec;
      c.duration = half;
      if (!still_fails(c)) break;
      spec = std::move(c);
    }
  }

 private:
  void progress(const std::string& what) const {
    std::fprintf(stderr, "eddy shrink: %d run(s), %.0f s: %s\n", runs_, wall(), what.c_str());
  }

  const ShrinkArgs& args_;
  double budget_s_;
  std::chrono::steady_clock::time_point t0_;
  int runs_ = 0;
  Failure target_;
};

std::string default_out(const scenarios::ScenarioSpec& spec, uint64_t seed) {
  return "eddy-out/shrink/" + spec.name + "-seed" + std::to_string(seed) + ".yaml";
}

sim::Duration total_fault_time(const scenarios::ScenarioSpec& s) {
  sim::Duration t = sim::Duration::zero();
  for (const auto& f : s.faults)
    if (f.duration) t = t + *f.duration;
  return t;
}

int shrink_command(const ShrinkArgs& args, const std::string& eddy) {
  auto budget = scenarios::parse_duration(args.budget);
  if (!budget.value || budget.value->ns() <= 0) {
    return usage_error("--budget: expected a duration such as 300s or 10m, got '" + args.budget + "'");
  }
  const std::string out = args.out.empty() ? std::string() : args.out;
  auto spec = load_or_report(args.file, {args.include_roots}, args.variants);
  if (!spec) return kExitUsage;
  const std::string out_path = out.empty() ? default_out(*spec, args.seed) : out;
  std::error_code ec;
  if (fs::exists(out_path, ec) || fs::is_symlink(out_path, ec)) {
    return usage_error("--out: " + out_path + " exists; eddy shrink never overwrites a file (choose another --out)");
  }
  Shrinker s(args, static_cast<double>(budget.value->ns()) / 1e9);
  scenarios::ScenarioResult first = s.run(*spec);
  Failure target = failure_of(first);
  if (target.verdict == Verdict::kOk || target.verdict == Verdict::kInconclusive) {
    std::cerr << "eddy: error: seed " << args.seed << " of " << args.file
              << (target.verdict == Verdict::kOk ? " passes" : " is inconclusive (every check held; a progress floor did not)")
              << "; there is no failure to shrink\n";
    return kExitUsage;
  }
  s.set_target(target);
  scenarios::ScenarioSpec m = scenarios::materialized(*spec, first.nemesis_faults);
  const size_t faults_before = m.faults.size();
  const sim::Duration duration_before = m.duration;
  std::cout << "eddy shrink " << args.file << " --seed " << args.seed << variant_args(args.variants) << ": fails with "
            << target.str() << "\n  " << faults_before << " fault(s) (" << first.nemesis_faults.size()
            << " drawn by the nemesis), workload " << sim::format_duration(duration_before) << "\n";
  std::cout.flush();
  if (!s.still_fails(m)) {
    std::cout << "  the drawn faults, written out as explicit faults, do not fail the same way: nothing to shrink "
                 "from (the nemesis's own timing matters here)\n";
    return kExitLabError;
  }
  s.remove_faults(m);
  s.shorten_faults(m);
  s.move_earlier(m);
  s.shorten_workload(m);

  fs::path out_file(out_path);
  if (out_file.has_parent_path()) fs::create_directories(out_file.parent_path(), ec);
  fs::path original = fs::absolute(args.file, ec);
  fs::path include = fs::relative(original, fs::absolute(out_file, ec).parent_path(), ec);
  if (include.empty()) include = original;
  std::string header = "eddy shrink " + args.file + " --seed " + std::to_string(args.seed) + variant_args(args.variants) +
                       "\nfails with: " + target.str() + "\nfaults " + std::to_string(faults_before) + " -> " +
                       std::to_string(m.faults.size()) + ", workload " + sim::format_duration(duration_before) + " -> " +
                       sim::format_duration(m.duration) + "\nreplay: eddy replay THIS_FILE --seed " +
                       std::to_string(args.seed);
  {
    std::ofstream f(out_path, std::ios::out | std::ios::trunc);
    f << scenarios::shrunk_scenario_yaml(m, include.string(), header);
    f.close();
    if (!f) {
      std::cerr << "eddy: error: cannot write " << out_path << "\n";
      return kExitWriteFailed;
    }
  }
  // The file on its own: loaded as a user would, run with the seed.
  std::vector<std::string> roots = args.include_roots;
  roots.push_back(fs::absolute(original.parent_path(), ec).string());
  auto again = load_or_report(out_path, {roots});
  bool replays = false;
  Failure on_its_own;
  if (again) {
    on_its_own = failure_of(s.run(*again));
    for (const auto& c : on_its_own.checks) replays = replays || target.checks.count(c) > 0;
    if (target.checks.empty()) replays = on_its_own.verdict == target.verdict;
  }
  auto secs = [](sim::Duration d) { return static_cast<double>(d.ns()) / 1e9; };
  std::printf("  faults %zu -> %zu, workload %.3g s -> %.3g s, time under faults %.2f s -> %.2f s; %d run(s) in %.1f s "
              "wall%s\n",
              faults_before, m.faults.size(), secs(duration_before), secs(m.duration),
              secs(total_fault_time(scenarios::materialized(*spec, first.nemesis_faults))), secs(total_fault_time(m)),
              s.runs(), s.wall(),
              s.out_of_budget() ? " (the budget ended the search)" : "");
  for (const auto& f : m.faults) std::cout << "    " << scenarios::fault_entry_yaml(f) << "\n";
  std::cout << "  written: " << out_path << "\n";
  std::cout << "  on its own: " << (replays ? "fails with " + on_its_own.str() : "DOES NOT FAIL THE SAME WAY (" +
                                                                                       on_its_own.str() + ")")
            << "\n  replay: " << shell_quote(eddy) << " replay " << shell_quote(out_path) << " --seed " << args.seed
            << include_root_args({roots.back()}) << "\n";
  return replays ? exit_code_of(target.verdict) : kExitLabError;
}

}  // namespace

LabCommand add_shrink_command(CLI::App& app, const std::string& eddy) {
  auto args = std::make_shared<ShrinkArgs>();
  CLI::App* cmd = app.add_subcommand("shrink", "Reduce a failing seed to the fewest, shortest faults that still fail");
  cmd->add_option("file", args->file, "Scenario file (YAML)")->required();
  add_seed_option(cmd, args->seed, "The failing seed")->required();
  add_variant_option(cmd, args->variants);
  cmd->add_option("--out", args->out, "The shrunk scenario file (default eddy-out/shrink/NAME-seedN.yaml; never overwritten)");
  cmd->add_option("--budget", args->budget, "Wall-clock time for the search (default 300s)");
  cmd->add_option("--max-runs", args->max_runs, "Runs at most (default 400)")->check(CLI::Range(1, kRunsMaxLimit));
  add_include_root_option(cmd, args->include_roots);
  return {cmd, [args, eddy] { return shrink_command(*args, eddy); }};
}

}  // namespace cli
