// eddy check-determinism FILE --seed N [--traces DIR]
// Runs the seed twice in this process, each with a full trace, and compares the fingerprints
// and the traces line by line; prints the first divergence with the lines before it.
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/common_options.h"
#include "cli/fresh_process.h"
#include "cli/exit_codes.h"
#include "cli/lab_commands.h"
#include "cli/seed_run.h"
#include "cli/watchdog.h"
#include "reports/output_file.h"

namespace cli {

namespace {

constexpr size_t kContextLines = 5;  // identical lines shown before the divergence

struct CheckArgs {
  std::string file;
  uint64_t seed = 1;
  std::string traces_dir;
  std::string engine;
  unsigned wall_timeout_s = kWallTimeoutDefaultS;
  std::vector<std::string> include_roots;
  std::vector<std::string> variants;
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

// The directory of the two traces: --traces DIR (kept), or a private one made by mkdtemp
// (mode 0700, a fresh name: nothing planted in the temporary directory is followed).
std::optional<std::filesystem::path> traces_dir(const CheckArgs& args) {
  std::error_code ec;
  if (!args.traces_dir.empty()) {
    std::filesystem::create_directories(args.traces_dir, ec);
    if (!ec) return std::filesystem::path(args.traces_dir);
    std::cerr << "eddy: error: --traces: cannot create " << args.traces_dir << ": " << ec.message() << "\n";
    return std::nullopt;
  }
  std::string tmpl = (std::filesystem::temp_directory_path(ec) / "eddy-determinism-XXXXXX").string();
  if (ec || mkdtemp(tmpl.data()) == nullptr) {
    std::cerr << "eddy: error: cannot make a private temporary directory for the traces (" << tmpl
              << "): " << std::strerror(errno) << "\n";
    return std::nullopt;
  }
  return std::filesystem::path(tmpl);
}

// Opens a trace: never through a symlink; in --traces DIR an earlier trace is replaced.
std::optional<std::string> open_trace(reports::OutputFile& out, const std::filesystem::path& path, bool kept) {
  std::error_code ec;
  if (kept && std::filesystem::is_symlink(path, ec)) {
    return path.string() + " is a symlink; eddy does not write traces through symlinks";
  }
  if (kept) std::filesystem::remove(path, ec);
  return out.open(path, reports::OutputFile::Mode::kExclusive);
}

int check_command(const CheckArgs& args) {
  auto spec = load_or_report(args.file, {args.include_roots}, args.variants);
  if (!spec) return kExitUsage;
  if (!args.engine.empty()) spec->engine = *sim::engine_kind_from_name(args.engine);
  bool keep = !args.traces_dir.empty();
  auto dir_made = traces_dir(args);
  if (!dir_made) return keep ? kExitUsage : kExitWriteFailed;
  std::filesystem::path dir = *dir_made;
  std::error_code ec;
  std::string path[2] = {(dir / "first.trace.jsonl").string(), (dir / "second.trace.jsonl").string()};
  uint64_t fingerprint[2] = {0, 0};
  Verdict verdict[2] = {Verdict::kOk, Verdict::kOk};
  arm_wall_watchdog(args.seed, args.wall_timeout_s);
  apply_lab_test_faults(args.seed);
  std::optional<std::string> write_failed;
  for (int i = 0; i < 2 && !write_failed; ++i) {
    reports::OutputFile out;
    if (auto err = open_trace(out, path[i], keep)) {
      std::cerr << "eddy: error: " << *err << "\n";
      if (!keep) std::filesystem::remove_all(dir, ec);
      return kExitUsage;
    }
    scenarios::ScenarioSpec s = *spec;
    if (i == 1) perturb_for_test(s);
    // One run: "FINGERPRINT VERDICT" then, when the trace could not be written, why.
    auto one_run = [&]() -> std::string {
      scenarios::RunOptions opt;
      opt.seed = args.seed;
      opt.trace_sink = &out.stream();
      scenarios::ScenarioResult r = scenarios::run_scenario(s, opt);
      std::optional<std::string> failed = out.close();
      return std::to_string(r.fingerprint) + " " + std::to_string(static_cast<int>(verdict_of(r))) +
             (failed ? " " + *failed : "");
    };
    // A SimGrid run gets a process of its own (cli/fresh_process.h), so both start at date 0.
    std::string why;
    std::optional<std::string> answer =
        s.engine == sim::EngineKind::kNative ? std::optional<std::string>(one_run()) : in_fresh_process(one_run, why);
    if (!answer) {
      std::cerr << "eddy: error: run " << (i + 1) << " crashed: " << why << "\n";
      if (!keep) std::filesystem::remove_all(dir, ec);
      return kExitLabCrash;
    }
    std::istringstream in(*answer);
    int v = 0;
    in >> fingerprint[i] >> v;
    verdict[i] = static_cast<Verdict>(v);
    std::string rest;
    std::getline(in, rest);
    if (!rest.empty()) write_failed = rest.substr(1);
  }
  if (write_failed) {
    // A trace cut by a full disk would differ from the other one: that is no evidence about
    // determinism, so it is never reported as such.
    std::cerr << "eddy: error: could not write the traces to compare: " << *write_failed
              << "; nothing is known about determinism (exit 6)\n";
    if (!keep) std::filesystem::remove_all(dir, ec);
    return kExitWriteFailed;
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
  bool read_failed = a.bad() || b.bad();
  if (!diverged && !read_failed) std::cout << "  traces identical: " << line << " events\n";
  if (keep) {
    std::cout << "  traces: " << path[0] << " " << path[1] << "\n";
  } else {
    std::filesystem::remove_all(dir, ec);
  }
  if (read_failed) {
    std::cerr << "eddy: error: could not read the traces back to compare them; nothing is known about determinism\n";
    return kExitWriteFailed;
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
  add_engine_option(cmd, args->engine);
  add_seed_option(cmd, args->seed, "Seed to check")->required();
  add_wall_timeout_option(cmd, args->wall_timeout_s);
  add_include_root_option(cmd, args->include_roots);
  add_variant_option(cmd, args->variants);
  cmd->add_option("--traces", args->traces_dir, "Keep both traces in this directory (default: deleted)");
  return {cmd, [args] { return check_command(*args); }};
}

}  // namespace cli
