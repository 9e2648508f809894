// eddy replay FILE --seed N [--trace PATH [--force]] [--all] [--timeline-max N]
// The same run as in a sweep or `eddy run`, with the full trace written and a readable
// timeline printed before the summary (violations with their stories, fingerprint).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/lab_commands.h"
#include "cli/seed_run.h"
#include "cli/shell_quote.h"
#include "cli/timeline.h"
#include "cli/trace_output.h"
#include "cli/watchdog.h"

namespace cli {

namespace {

struct ReplayArgs {
  std::string file;
  uint64_t seed = 1;
  std::string trace_path;
  bool force = false;
  bool all = false;
  size_t timeline_max = 400;
  std::string engine;
  unsigned wall_timeout_s = kWallTimeoutDefaultS;
  std::vector<std::string> include_roots;
  std::vector<std::string> variants;
};

int replay_command(const ReplayArgs& args, const std::string& eddy) {
  auto spec = load_or_report(args.file, {args.include_roots}, args.variants);
  if (!spec) return kExitUsage;
  if (!args.engine.empty()) spec->engine = *sim::engine_kind_from_name(args.engine);
  // An explicit --trace path is never overwritten without --force; the default path is eddy's
  // own output, replaced by each replay of the same scenario and seed (same content).
  std::string path = args.trace_path;
  bool replace = args.force;
  if (path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories("eddy-out/replay", ec);
    path = "eddy-out/replay/" + spec->name + "-seed" + std::to_string(args.seed) + ".trace.jsonl";
    replace = true;
  }
  reports::OutputFile trace;
  if (int rc = open_trace_file(path, replace, trace); rc != kExitOk) return rc;
  arm_wall_watchdog(args.seed, args.wall_timeout_s);
  apply_lab_test_faults(args.seed);
  scenarios::RunOptions opt;
  opt.seed = args.seed;
  opt.trace_sink = &trace.stream();
  auto t0 = std::chrono::steady_clock::now();
  scenarios::ScenarioResult r = scenarios::run_scenario(*spec, opt);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (int rc = close_trace_file(trace); rc != kExitOk) return rc;

  std::cout << "eddy replay " << args.file << " --seed " << args.seed << variant_args(args.variants) << "\n";
  std::cout << "timeline (simulated time, node, event):\n";
  std::ifstream in(path);
  TimelineOptions tl;
  tl.all = args.all;
  tl.max_lines = args.timeline_max;
  size_t events = print_timeline(in, r.node_names, std::cout, tl);
  std::cout << "\n" << scenarios::format_summary(r);
  std::printf("  trace: %s (%zu events), %.2f s wall\n", path.c_str(), events, wall);
  Verdict v = verdict_of(r);
  if (v == Verdict::kLabError) std::cout << "  the lab stopped the run: " << r.outcome.message << "\n";
  std::cout << "  verdict: " << to_string(v) << "  (check determinism: " << shell_quote(eddy) << " check-determinism "
            << shell_quote(args.file) << " --seed " << args.seed << include_root_args(args.include_roots)
            << variant_args(args.variants) << ")\n";
  return exit_code_of(v);
}

}  // namespace

LabCommand add_replay_command(CLI::App& app, const std::string& eddy) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* cmd = app.add_subcommand("replay", "Re-run one seed with the full trace and a readable timeline");
  cmd->add_option("file", args->file, "Scenario file (YAML)")->required();
  add_engine_option(cmd, args->engine);
  add_seed_option(cmd, args->seed, "Seed to replay")->required();
  add_wall_timeout_option(cmd, args->wall_timeout_s);
  add_include_root_option(cmd, args->include_roots);
  add_variant_option(cmd, args->variants);
  cmd->add_option("--trace", args->trace_path,
                  "Write the trace here (default: eddy-out/replay/NAME-seedN.trace.jsonl)");
  cmd->add_flag("--force", args->force, "Overwrite an existing --trace file");
  cmd->add_flag("--all", args->all, "Show every event in the timeline, network and disk included");
  cmd->add_option("--timeline-max", args->timeline_max, "Timeline lines at most (default 400)")
      ->check(CLI::Range(1, 100000000));
  return {cmd, [args, eddy] { return replay_command(*args, eddy); }};
}

}  // namespace cli
