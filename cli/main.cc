// eddy: the command-line entry point.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>
#include <unistd.h>

#include "cli/common_options.h"
#include "cli/compare_command.h"
#include "cli/exit_codes.h"
#include "cli/host_usage.h"
#include "cli/lab_commands.h"
#include "cli/run_output.h"
#include "cli/run_progress.h"
#include "cli/omb_run.h"
#include "cli/seed_run.h"
#include "cli/shell_quote.h"
#include "cli/trace_output.h"
#include "cli/watchdog.h"
#include "scenarios/counter_demo.h"
#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"
#include "sim/log.h"

#ifndef EDDY_VERSION
#define EDDY_VERSION "0.0.0"
#endif

namespace {

constexpr const char* kUsage =
    "usage: eddy run [FILE.yaml] [--omb-driver DRIVER.yaml --omb-workload WORKLOAD.yaml] [--seed N] [--out DIR | --no-out] [--trace FILE [--force]] [--max-events N] [--wall-timeout S] [--log-level L] [--progress]\n"
    "       eddy sweep FILE... --seeds A..B [--jobs N] [--shard I/N] [--time-budget 10m] [--out DIR [--resume]]\n"
    "       eddy replay FILE --seed N [--trace FILE [--force]] [--all] [--wall-timeout S]\n"
    "       eddy check-determinism FILE --seed N [--traces DIR]\n"
    "       eddy merge DIR... [--out DIR]\n"
    "       eddy hunt FILE [--variant NAME]... [--budget 120s] [--jobs N] [--seeds-from N] [--check-off]\n"
    "       eddy shrink FILE --seed N [--variant NAME]... [--out min.yaml] [--budget 300s]\n"
    "       eddy list\n"
    "       eddy demo counter [--seed N] [--trace FILE [--force]]\n"
    "       eddy compare RUN_DIR RUN_DIR... [--html FILE [--force]]\n"
    "       eddy --help | --version\n";

struct CommonArgs {
  uint64_t seed = 1;
  std::string trace_path;
  bool force = false;
  std::string log_level = "warn";
};

struct RunArgs {
  CommonArgs common;
  std::string file;
  uint64_t max_events = 0;
  std::string engine;
  unsigned wall_timeout_s = cli::kWallTimeoutDefaultS;
  cli::OutputArgs output;
  cli::OmbArgs omb;
  std::vector<std::string> include_roots;
  std::vector<std::string> variants;  // --variant NAME
  bool progress = false;              // --progress: a progress line even when stderr is not a terminal
};

// Opens the trace file if asked; never overwrites without --force. Returns an exit code on error.
int open_trace(const CommonArgs& args, reports::OutputFile& out) {
  if (args.trace_path.empty()) return cli::kExitOk;
  return cli::open_trace_file(args.trace_path, args.force, out);
}

int set_level(const CommonArgs& args) {
  if (sim::set_log_level(args.log_level)) return cli::kExitOk;
  std::cerr << "eddy: error: --log-level: unknown level '" << args.log_level
            << "' (expected trace, debug, info, warn, error or off)\n";
  return cli::kExitUsage;
}

// `eddy replay` takes a scenario file; the built-in default and OpenMessaging imports are
// replayed by running them again with a trace. Every word is shell-quoted.
std::string run_replay_command(const RunArgs& args) {
  if (!args.file.empty() && !args.omb.given()) {
    return cli::replay_command("build/eddy", args.file, args.common.seed, args.include_roots, args.variants);
  }
  std::string cmd = "build/eddy run";
  if (!args.file.empty()) cmd += " " + cli::shell_quote(args.file);
  if (args.omb.given()) {
    cmd += " --omb-driver " + cli::shell_quote(args.omb.driver) + " --omb-workload " + cli::shell_quote(args.omb.workload);
  }
  return cmd + " --seed " + std::to_string(args.common.seed) + cli::include_root_args(args.include_roots) +
         cli::variant_args(args.variants) + " --trace trace.jsonl";
}

int run_command(const RunArgs& args) {
  if (int rc = set_level(args.common); rc != cli::kExitOk) return rc;
  scenarios::ScenarioSpec spec;
  if (args.omb.given()) {
    if (int rc = cli::load_omb_spec(args.omb, args.file, {args.include_roots}, spec); rc != cli::kExitOk) return rc;
  } else if (args.file.empty()) {
    spec = scenarios::default_scenario();
  } else {
    scenarios::LoadResult loaded = scenarios::load_scenario_file(args.file, {args.include_roots});
    if (!loaded) {
      std::cerr << loaded.error().str() << "\n";
      return cli::kExitUsage;
    }
    spec = loaded.spec();
  }
  if (auto err = scenarios::add_variants(spec.cluster, args.variants)) {
    std::cerr << "eddy: error: " << *err << "\n";
    return cli::kExitUsage;
  }
  if (args.max_events > 0) spec.max_events = args.max_events;
  if (!args.engine.empty()) spec.engine = *sim::engine_kind_from_name(args.engine);
  cli::OutputArgs output = args.output;
  std::string run_name = args.omb.given() ? cli::omb_run_name(args.omb, spec) : spec.name;
  if (int rc = cli::prepare_output(output, run_name, args.common.seed); rc != cli::kExitOk) return rc;
  reports::OutputFile trace;
  if (int rc = open_trace(args.common, trace); rc != cli::kExitOk) return rc;
  scenarios::RunOptions opt;
  opt.seed = args.common.seed;
  if (trace.is_open()) opt.trace_sink = &trace.stream();
  cli::RunProgressLine progress(args.progress);
  cli::arm_wall_watchdog(args.common.seed, args.wall_timeout_s);
  cli::apply_lab_test_faults(args.common.seed);
  auto wall_start = std::chrono::steady_clock::now();  // the lab's own speed, outside the simulation
  rusage usage_start{};  // CPU time too (the machine may be shared), and memory
  getrusage(RUSAGE_SELF, &usage_start);
  scenarios::ScenarioResult r =
      scenarios::run_scenario(spec, opt, [&progress](const scenarios::RunProgress& p) { progress.update(p); });
  progress.finish();
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  rusage usage_end{};
  getrusage(RUSAGE_SELF, &usage_end);
  double cpu_s = cli::cpu_seconds_of(usage_end) - cli::cpu_seconds_of(usage_start);
  std::cout << scenarios::format_summary(r);
  double sim_s = static_cast<double>(r.end.ns()) / 1e9;
  std::printf("  speed: %.1f simulated s in %.2f wall s (%.0fx real time), %.2f M events/s; %.2f CPU s (%.0fx per CPU "
              "second)\n",
              sim_s, wall_s, wall_s > 0 ? sim_s / wall_s : 0.0, wall_s > 0 ? static_cast<double>(r.events) / wall_s / 1e6 : 0.0,
              cpu_s, cpu_s > 0 ? sim_s / cpu_s : 0.0);
  // The CPU time split, because on a VM the system part (first touches of fresh memory: the
  // kernel zeroes each page) can be a quarter of a run; see docs/performance.md.
  std::printf("  host: %.2f s user + %.2f s system CPU, %ld page faults, %ld MiB max resident\n",
              cli::seconds_of(usage_end.ru_utime) - cli::seconds_of(usage_start.ru_utime),
              cli::seconds_of(usage_end.ru_stime) - cli::seconds_of(usage_start.ru_stime),
              usage_end.ru_minflt + usage_end.ru_majflt - usage_start.ru_minflt - usage_start.ru_majflt,
              usage_end.ru_maxrss / 1024);
  std::string replay = run_replay_command(args);
  int rc = cli::kExitOk;
  if (!r.outcome.ok() && r.outcome.status != sim::RunStatus::kStopped) {
    std::cout << "  the lab stopped the run: " << r.outcome.message << "\n  replay: " << replay << "\n";
    rc = cli::kExitLabError;
  } else if (r.safety_failed()) {
    std::cout << "  replay: " << replay << "\n";
    rc = cli::kExitSafetyViolation;
  } else if (r.liveness_failed()) {
    std::cout << "  replay: " << replay << "\n";
    rc = cli::kExitLiveness;
  } else if (r.inconclusive()) {
    std::cout << "  inconclusive: every check held, but a progress floor did not (too little happened to judge)\n"
              << "  replay: " << replay << "\n";
    rc = cli::kExitInconclusive;
  }
  int trace_rc = cli::close_trace_file(trace);
  if (int orc = cli::write_output(output, spec, r, rc, replay, EDDY_VERSION); orc != cli::kExitOk) return orc;
  return trace_rc != cli::kExitOk ? trace_rc : rc;
}

int demo_command(const CommonArgs& args) {
  if (int rc = set_level(args); rc != cli::kExitOk) return rc;
  scenarios::CounterDemoOptions opt;
  opt.seed = args.seed;
  reports::OutputFile trace;
  if (int rc = open_trace(args, trace); rc != cli::kExitOk) return rc;
  if (trace.is_open()) opt.trace_sink = &trace.stream();
  scenarios::CounterDemoResult r = scenarios::run_counter_demo(opt);
  if (int rc = cli::close_trace_file(trace); rc != cli::kExitOk) return rc;
  std::cout << "eddy demo counter: seed=" << args.seed << " " << r.summary_line() << "\n";
  for (const auto& f : r.faults) std::cout << "  fault: " << f << "\n";
  for (const auto& v : r.violations) std::cout << "  VIOLATION: " << v << "\n";
  if (!r.outcome.ok()) {
    std::cout << "  run ended early: " << r.outcome.message << "\n";
    return cli::kExitLabError;
  }
  return r.violations.empty() ? cli::kExitOk : cli::kExitSafetyViolation;
}

void add_common(CLI::App* cmd, CommonArgs& a) {
  cli::add_seed_option(cmd, a.seed, "Seed of the run (same seed, same run)");
  cmd->add_option("--trace", a.trace_path, "Write the full event trace to this JSONL file");
  cmd->add_flag("--force", a.force, "Overwrite an existing --trace file");
  cmd->add_option("--log-level", a.log_level, "Human log level on stderr: trace, debug, info, warn, error, off");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eddy: a deterministic simulation and chaos-testing lab for Kafka-style streaming systems", "eddy"};
  app.set_version_flag("--version", std::string("eddy ") + EDDY_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 all expectations held; 1 safety violation; 2 bad arguments or input; 3 liveness failure; "
      "4 lab error (deadlock, run limit, nondeterminism); 5 the lab crashed or hung; 6 a result, trace or report "
      "could not be written (disk full, I/O error); 7 inconclusive (every check held, a progress floor did not; a sweep: "
      "more such seeds than --max-inconclusive).");

  cli::CompareArgs compare_args;
  CLI::App* compare = cli::add_compare_command(app, compare_args);

  RunArgs run_args;
  CLI::App* run = app.add_subcommand("run", "Run one scenario (no file: the built-in default scenario)");
  run->add_option("file", run_args.file, "Scenario file (YAML, see scenarios/README.md)");
  add_common(run, run_args.common);
  run->add_option("--omb-driver", run_args.omb.driver, "OpenMessaging Benchmark Kafka driver file (FILE, if given, is laid over it)");
  run->add_option("--omb-workload", run_args.omb.workload, "OpenMessaging Benchmark workload file");
  run->add_option("--max-events", run_args.max_events, "Stop the run after this many events")->check(CLI::PositiveNumber);
  cli::add_engine_option(run, run_args.engine);
  cli::add_wall_timeout_option(run, run_args.wall_timeout_s);
  cli::add_output_options(run, run_args.output);
  cli::add_include_root_option(run, run_args.include_roots);
  cli::add_variant_option(run, run_args.variants);
  run->add_flag("--progress", run_args.progress,
                "Show progress (simulated time, events/s, ETA) even when stderr is not a terminal; on a terminal it is "
                "shown for any run longer than a few seconds");

  CommonArgs demo_args;
  CLI::App* demo = app.add_subcommand("demo", "Kernel demos");
  CLI::App* counter = demo->add_subcommand("counter", "A gossip-replicated counter with crashes and partitions");
  demo->require_subcommand(1);
  add_common(counter, demo_args);

  std::vector<cli::LabCommand> lab_commands = cli::add_lab_commands(app, argc > 0 ? argv[0] : "eddy");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "eddy: error: " << e.what() << "\n" << kUsage;
    return cli::kExitUsage;
  }
  if (compare->parsed()) return cli::compare_command(compare_args);
  if (run->parsed()) return run_command(run_args);
  if (counter->parsed()) return demo_command(demo_args);
  for (const auto& c : lab_commands) {
    if (c.app->parsed()) return c.run();
  }
  return cli::kExitUsage;
}
