// eddy check-determinism FILE --seed N [--traces DIR]
// Runs the seed twice in this process, each with a full trace, and compares the fingerprints
// and the traces line by line; prints the first divergence with the lines before it.
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/exit_codes.h"
#include "cli/lab_commands.h"
#include "cli/seed_run.h"

namespace cli {

namespace {

constexpr size_t kContextLines = 5;  // identical lines shown before the divergence

struct CheckArgs {
  std::string file;
  uint64_t seed = 1;
  std::string traces_dir;
};

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

// Test-only (cli/README.md): EDDY_TEST_NONDETERMINISM=1 makes the second run differ (its
// producers 1% faster), so the test of this command can see it report a divergence.
void perturb_for_test(scenarios::ScenarioSpec& spec) {
  const char* v = std::getenv("EDDY_TEST_NONDETERMINISM");
  if (v == nullptr || std::string(v) != "1") return;
  for (auto& p : spec.producers) p.messages_per_s *= 1.01;
  if (spec.producers.empty()) spec.duration = spec.duration + sim::Duration::from_ns(1);
}

int check_command(const CheckArgs& args) {
  auto spec = load_or_report(args.file);
  if (!spec) return kExitUsage;
  std::filesystem::path dir = args.traces_dir;
  bool keep = !dir.empty();
  if (!keep) dir = std::filesystem::temp_directory_path() / ("eddy-determinism-" + std::to_string(getpid()));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "eddy: error: --traces: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return kExitUsage;
  }
  std::string path[2] = {(dir / "first.trace.jsonl").string(), (dir / "second.trace.jsonl").string()};
  uint64_t fingerprint[2] = {0, 0};
  Verdict verdict[2] = {Verdict::kOk, Verdict::kOk};
  apply_lab_test_faults(args.seed);
  for (int i = 0; i < 2; ++i) {
    std::ofstream out(path[i], std::ios::trunc);
    if (!out) {
      std::cerr << "eddy: error: cannot write " << path[i] << "\n";
      return kExitUsage;
    }
    scenarios::ScenarioSpec s = *spec;
    if (i == 1) perturb_for_test(s);
    scenarios::RunOptions opt;
    opt.seed = args.seed;
    opt.trace_sink = &out;
    scenarios::ScenarioResult r = scenarios::run_scenario(s, opt);
    fingerprint[i] = r.fingerprint;
    verdict[i] = verdict_of(r);
  }
  std::cout << "eddy check-determinism " << args.file << " --seed " << args.seed << "\n"
            << "  first run:  fingerprint=" << hex(fingerprint[0]) << " verdict " << to_string(verdict[0]) << "\n"
            << "  second run: fingerprint=" << hex(fingerprint[1]) << " verdict " << to_string(verdict[1]) << "\n";

  std::ifstream a(path[0]), b(path[1]);
  std::deque<std::string> context;
  std::string la, lb;
  uint64_t line = 0;
  bool diverged = false;
  for (;;) {
    bool ga = static_cast<bool>(std::getline(a, la));
    bool gb = static_cast<bool>(std::getline(b, lb));
    if (!ga && !gb) break;
    ++line;
    if (ga && gb && la == lb) {
      context.push_back(la);
      if (context.size() > kContextLines) context.pop_front();
      continue;
    }
    diverged = true;
    std::cout << "  traces diverge at line " << line << " (after " << line - 1 << " identical events):\n";
    uint64_t n = line - context.size();
    for (const auto& c : context) std::cout << "    " << n++ << "   " << c << "\n";
    std::cout << "    first:  " << (ga ? la : "(end of trace)") << "\n"
              << "    second: " << (gb ? lb : "(end of trace)") << "\n";
    break;
  }
  if (!diverged) std::cout << "  traces identical: " << line << " events\n";
  if (keep) {
    std::cout << "  traces: " << path[0] << " " << path[1] << "\n";
  } else {
    std::filesystem::remove_all(dir, ec);
  }
  bool same = !diverged && fingerprint[0] == fingerprint[1];
  std::cout << (same ? "  deterministic\n" : "  NOT DETERMINISTIC (exit 4)\n");
  return same ? kExitOk : kExitLabError;
}

}  // namespace

LabCommand add_check_determinism_command(CLI::App& app, const std::string&) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd =
      app.add_subcommand("check-determinism", "Run one seed twice; compare fingerprints and traces line by line");
  cmd->add_option("file", args->file, "Scenario file (YAML)")->required();
  cmd->add_option("--seed", args->seed, "Seed to check")->required()->check(CLI::NonNegativeNumber);
  cmd->add_option("--traces", args->traces_dir, "Keep both traces in this directory (default: deleted)");
  return {cmd, [args] { return check_command(*args); }};
}

}  // namespace cli
