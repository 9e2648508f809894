// `eddy run --out DIR`: the run directory (summary.json, metrics.csv, history.jsonl,
// timeline.jsonl, summary.md, report.html) written after a run; see reports/README.md.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_spec.h"

namespace cli {

struct OutputArgs {
  std::string out;           // empty: runs/<scenario>-<seed>/
  bool no_out = false;       // write nothing
  bool history = false;      // history.jsonl even for long runs
  bool no_history = false;   // never history.jsonl
  std::filesystem::path dir; // resolved by prepare_output
};

void add_output_options(CLI::App* run, OutputArgs& args);

// Before the run: resolves and creates the directory (refusing a non-eddy one). Returns an
// exit code (kExitUsage with a message on stderr when the directory cannot be used).
// `run_name` names the default directory runs/<run_name>-<seed>/.
int prepare_output(OutputArgs& args, const std::string& run_name, uint64_t seed);

// After the run: writes the files and prints where. Returns kExitWriteFailed when writing fails.
int write_output(const OutputArgs& args, const scenarios::ScenarioSpec& spec, const scenarios::ScenarioResult& result,
                 int exit_code, const std::string& replay, const std::string& version);

}  // namespace cli
