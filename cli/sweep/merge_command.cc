// eddy merge DIR... [--out DIR]: shard results (results.jsonl of `eddy sweep --shard I/N`,
// from any machines) merged into one result set: verdict counts, failure table, the runs
// still missing, and optionally one merged results.jsonl (which `eddy sweep --resume` can
// then complete).
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "cli/exit_codes.h"
#include "cli/lab_commands.h"
#include "cli/shell_quote.h"
#include "cli/sweep/results.h"
#include "cli/sweep/sweep_dir.h"
#include "cli/sweep/sweep_plan.h"
#include "cli/sweep/tally.h"
#include "reports/sweep_report.h"

namespace cli {

namespace {

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string out;
  std::string junit;
};

int merge_command(const MergeArgs& args, const std::string& eddy) {
  std::vector<sweep::ResultsFile> parts;
  for (const auto& d : args.dirs) {
    std::string err;
    auto f = sweep::read_results(d, err);
    if (!f) {
      std::cerr << "eddy: error: " << err << "\n";
      return kExitUsage;
    }
    if (f->damaged()) {
      std::cout << "  " << d << ": " << f->dropped_lines << " damaged line(s)"
                << (f->torn_bytes > 0 ? " and an unfinished last line" : "") << " dropped; their runs count as missing\n";
    }
    parts.push_back(std::move(*f));
  }
  const sweep::SweepHeader& h0 = parts[0].header;
  std::set<int> shards;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& h = parts[i].header;
    if (h.scenarios != h0.scenarios || h.seed_first != h0.seed_first || h.seed_last != h0.seed_last ||
        h.shard_count != h0.shard_count || h.max_inconclusive_percent != h0.max_inconclusive_percent) {
      std::cerr << "eddy: error: " << args.dirs[i] << " is not a shard of the same sweep as " << args.dirs[0]
                << " (the scenario files, --seeds, the N of --shard I/N and --max-inconclusive must match)\n";
      return kExitUsage;
    }
    shards.insert(h.shard_index);
  }
  sweep::SweepDir out_dir;
  if (!args.out.empty()) {
    std::filesystem::path p = std::filesystem::path(args.out) / sweep::kResultsFileName;
    if (std::filesystem::exists(p)) {
      std::cerr << "eddy: error: --out: " << p.string() << " exists; choose another directory (nothing was changed)\n";
      return kExitUsage;
    }
    if (!args.junit.empty()) {
      if (auto problem = sweep::junit_path_problem(args.junit, args.out)) {
        std::cerr << "eddy: error: " << *problem << "\n";
        return kExitUsage;
      }
    }
    auto dir_error = out_dir.claim(args.out);
    if (!dir_error) dir_error = out_dir.lock();
    if (dir_error) {
      std::cerr << "eddy: error: --out: " << *dir_error << "\n";
      return kExitUsage;
    }
  }

  // One record per (scenario, seed); a run present twice with different fingerprints is a
  // determinism failure.
  sweep::Tally tally(h0.max_inconclusive_percent);
  std::map<std::pair<std::string, uint64_t>, const SeedRecord*> runs;
  std::vector<sweep::DeterminismRecord> determinism;
  std::set<std::pair<std::string, uint64_t>> rechecked;
  for (const auto& part : parts) {
    for (const auto& r : part.seeds) {
      auto [it, inserted] = runs.insert({{r.scenario, r.seed}, &r});
      if (inserted) {
        tally.add(r);
      } else if (it->second->fingerprint != r.fingerprint && !r.fingerprint.empty() &&
                 !it->second->fingerprint.empty()) {
        sweep::DeterminismRecord d{r.scenario, r.seed, it->second->fingerprint, r.fingerprint, false,
                                   "the same run in two result sets"};
        determinism.push_back(d);
      }
    }
    for (const auto& d : part.determinism) {
      if (rechecked.insert({d.scenario, d.seed}).second) determinism.push_back(d);
    }
  }
  for (const auto& d : determinism) tally.add(d);

  sweep::SeedRange range{h0.seed_first, h0.seed_last};
  uint64_t expected = 0;
  for (int s = 1; s <= h0.shard_count; ++s) {
    expected += sweep::plan_units(h0.scenarios.size(), range, sweep::Shard{s, h0.shard_count}).size();
  }
  uint64_t missing = expected - std::min<uint64_t>(expected, runs.size());

  std::cout << "eddy merge: " << parts.size() << " result set(s), shards";
  for (int s : shards) std::cout << " " << s;
  std::cout << " of " << h0.shard_count << "; " << runs.size() << " of " << expected << " runs\n";
  tally.print(std::cout);

  if (!args.out.empty()) {
    std::string err;
    sweep::ResultsAppender out;
    std::string path = (std::filesystem::path(args.out) / sweep::kResultsFileName).string();
    if (!out.open(path, err)) {
      std::cerr << "eddy: error: " << err << "\n";
      return kExitWriteFailed;
    }
    sweep::SweepHeader h = h0;
    h.version = sweep::kResultsFormatVersion;
    h.shard_index = 1;
    h.shard_count = 1;
    bool written = out.append(sweep::to_json_line(h));
    for (const auto& [key, r] : runs) written = written && out.append(sweep::to_json_line(*r));
    for (const auto& d : determinism) written = written && out.append(sweep::to_json_line(d));
    if (!out.close() || !written) {
      std::cerr << "eddy: error: the merged results are incomplete: " << out.error() << " (exit 6)\n";
      return kExitWriteFailed;
    }
    std::cout << "  merged results: " << path << "\n";
    if (auto report_error = reports::write_sweep_reports(args.out, args.junit)) {
      std::cerr << "eddy: error: sweep reports: " << *report_error << " (exit 6)\n";
      return kExitWriteFailed;
    } else {
      std::cout << "  reports: " << args.out << "/sweep.html, sweep.json, summary.md"
                << (args.junit.empty() ? "" : ", JUnit " + args.junit) << "\n";
    }
  }
  int rc = tally.exit_code();
  if (missing > 0) {
    std::string cmd = shell_quote(eddy) + " sweep";
    for (const auto& f : h0.scenarios) cmd += " " + shell_quote(f);
    cmd += " --seeds " + std::to_string(h0.seed_first) + ".." + std::to_string(h0.seed_last);
    std::cout << "  INCOMPLETE: " << missing << " run(s) missing"
              << (args.out.empty() ? "" : "; finish them with: " + cmd + " --out " + shell_quote(args.out) + " --resume")
              << "\n";
    if (rc == kExitOk) rc = kExitLabError;
  }
  std::cout << "  exit " << rc << "\n";
  return rc;
}

}  // namespace

LabCommand add_merge_command(CLI::App& app, const std::string& eddy) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand("merge", "Merge the results of sweep shards (eddy sweep --shard I/N)");
  cmd->add_option("dirs", args->dirs, "Sweep output directories (or their results.jsonl files)")->required();
  cmd->add_option("--out", args->out, "Write the merged results.jsonl and the sweep reports into this (new) directory");
  cmd->add_option("--junit", args->junit, "With --out: also write a JUnit XML file");
  return {cmd, [args, eddy] { return merge_command(*args, eddy); }};
}

}  // namespace cli
