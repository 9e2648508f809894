#include "cli/run_output.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"
#include "reports/run_dir.h"

namespace cli {

void add_output_options(CLI::App* run, OutputArgs& args) {
  run->add_option("--out", args.out,
                  "Write the run's files (summary.json, metrics.csv, history.jsonl, timeline.jsonl, summary.md, "
                  "report.html) to this directory (default: runs/<scenario>-<seed>/)");
  run->add_flag("--no-out", args.no_out, "Write no run directory");
  run->add_flag("--history", args.history,
                "Write history.jsonl (every operation) even for runs of more than 250,000 operations");
  run->add_flag("--no-history", args.no_history, "Leave history.jsonl out of the run directory");
}

int prepare_output(OutputArgs& args, const std::string& run_name, uint64_t seed) {
  if (args.no_out) return kExitOk;
  args.dir = args.out.empty() ? reports::default_run_dir(run_name, seed) : std::filesystem::path(args.out);
  if (auto err = reports::prepare_run_dir(args.dir)) {
    std::cerr << "eddy: error: --out: " << *err << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

int write_output(const OutputArgs& args, const scenarios::ScenarioSpec& spec, const scenarios::ScenarioResult& result,
                 int exit_code, const std::string& replay, const std::string& version) {
  if (args.no_out) return kExitOk;
  reports::RunContext ctx{result, spec, exit_code, replay, version};
  reports::WriteOptions opt;
  opt.history = args.no_history ? reports::WriteOptions::History::kNever
                : args.history  ? reports::WriteOptions::History::kAlways
                                : reports::WriteOptions::History::kAuto;
  reports::WrittenRun written;
  auto start = std::chrono::steady_clock::now();  // the lab's own speed, outside the simulation
  if (auto err = reports::write_run_dir(ctx, args.dir, opt, &written)) {
    std::cerr << "eddy: error: the run directory is incomplete: " << *err << " (exit 6)\n";
    return kExitWriteFailed;
  }
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("  report: %s/report.html (%.2f MB; %.1f MB in all, written in %.2f s)\n", args.dir.string().c_str(),
              static_cast<double>(written.report_html_bytes) / 1e6, static_cast<double>(written.total_bytes) / 1e6,
              wall_s);
  if (!written.history_skipped.empty() && !args.no_history) std::printf("  history.jsonl not written: %s\n", written.history_skipped.c_str());
  return kExitOk;
}

}  // namespace cli
