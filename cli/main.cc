// eddy: the command-line entry point.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/exit_codes.h"
#include "scenarios/counter_demo.h"
#include "sim/log.h"

#ifndef EDDY_VERSION
#define EDDY_VERSION "0.0.0"
#endif

namespace {

struct RunArgs {
  uint64_t seed = 1;
  std::string trace_path;
  bool force = false;
  uint64_t max_events = 50'000'000;
  double max_time_s = 60.0;
  std::string log_level = "warn";
};

int run_command(const RunArgs& args) {
  if (!sim::set_log_level(args.log_level)) {
    std::cerr << "eddy: error: --log-level: unknown level '" << args.log_level
              << "' (expected trace, debug, info, warn, error or off)\n";
    return cli::kExitUsage;
  }
  scenarios::CounterDemoOptions opt;
  opt.seed = args.seed;
  opt.limits.max_events = args.max_events;
  opt.limits.max_time = sim::Instant::from_ns(static_cast<int64_t>(args.max_time_s * 1e9));
  std::ofstream trace;
  if (!args.trace_path.empty()) {
    if (std::filesystem::exists(args.trace_path) && !args.force) {
      std::cerr << "eddy: error: " << args.trace_path << " exists; pass --force to overwrite it\n";
      return cli::kExitUsage;
    }
    trace.open(args.trace_path, std::ios::trunc);
    if (!trace) {
      std::cerr << "eddy: error: cannot write " << args.trace_path << "\n";
      return cli::kExitUsage;
    }
    opt.trace_sink = &trace;
  }
  scenarios::CounterDemoResult r = scenarios::run_counter_demo(opt);
  std::cout << "eddy run: seed=" << args.seed << " " << r.summary_line() << "\n";
  for (const auto& f : r.faults) std::cout << "  fault: " << f << "\n";
  for (const auto& v : r.violations) std::cout << "  VIOLATION: " << v << "\n";
  if (!r.outcome.ok()) {
    std::cout << "  run ended early: " << r.outcome.message << "\n";
    return cli::kExitLabError;
  }
  if (!r.violations.empty()) {
    std::cout << "  replay: build/eddy run --seed " << args.seed << " --trace trace.jsonl\n";
    return cli::kExitSafetyViolation;
  }
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eddy: a deterministic simulation and chaos-testing lab for Kafka-style streaming systems", "eddy"};
  app.set_version_flag("--version", std::string("eddy ") + EDDY_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 all checks held; 1 safety violation; 2 bad arguments or input; 3 liveness failure; "
      "4 lab error (deadlock, run limit, crash of the lab).");

  RunArgs run_args;
  CLI::App* run = app.add_subcommand("run", "Run one simulation (no scenario file: the built-in default)");
  run->add_option("--seed", run_args.seed, "Seed of the run (same seed, same run)")->check(CLI::NonNegativeNumber);
  run->add_option("--trace", run_args.trace_path, "Write the full event trace to this JSONL file");
  run->add_flag("--force", run_args.force, "Overwrite an existing --trace file");
  run->add_option("--max-events", run_args.max_events, "Stop the run after this many events")->check(CLI::PositiveNumber);
  run->add_option("--max-time", run_args.max_time_s, "Stop the run at this simulated time, in seconds")
      ->check(CLI::PositiveNumber);
  run->add_option("--log-level", run_args.log_level, "Human log level on stderr: trace, debug, info, warn, error, off");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "eddy: error: " << e.what() << "\n";
    std::cerr << "usage: eddy run [--seed N] [--trace FILE [--force]] [--max-events N] [--max-time SECONDS] [--log-level L]\n"
                 "       eddy --help | --version\n";
    return cli::kExitUsage;
  }
  if (run->parsed()) return run_command(run_args);
  return cli::kExitUsage;
}
