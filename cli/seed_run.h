// One scenario run for one seed, as the lab's commands see it: the verdict, the exit code it
// maps to, and the per-seed record that sweeps write to results.jsonl (cli/README.md documents
// the record). Host-side code: wall clocks and environment variables are fine here, never in
// the simulation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/kafka_scenario.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_spec.h"

namespace cli {

// What became of one (scenario, seed). The order is not a ranking; see exit_code_of.
// kInconclusive: every safety and liveness expectation held, but a progress floor (`acknowledged:
// "> N"`) did not, so the checks had too little to judge. Last, so the numbers of the others
// (exchanged between processes by check-determinism) stay as they were.
enum class Verdict { kOk, kSafety, kLiveness, kLabError, kLabCrash, kLabHang, kInconclusive };
inline constexpr size_t kVerdictCount = 7;

const char* to_string(Verdict v);                       // "ok", "safety", "liveness", "lab_error", "lab_crash", "lab_hang", "inconclusive"
std::optional<Verdict> verdict_from_string(const std::string& s);
int exit_code_of(Verdict v);                            // the kExit* code for that verdict

// One line of results.jsonl with "type":"seed".
struct SeedRecord {
  std::string scenario;   // the scenario file as given on the command line
  std::string name;       // the scenario's name
  uint64_t seed = 0;
  Verdict verdict = Verdict::kOk;
  std::string fingerprint;  // 16 hex digits; empty when the lab crashed or hung
  double simulated_s = 0;
  double wall_s = 0;
  uint64_t events = 0;
  std::vector<std::string> failed;  // failed expectations, e.g. "lost_writes == 0: 968"
  std::string message;              // lab error / crash / hang explanation
  std::map<std::string, int64_t> checks;  // check name -> violations counted
  checkers::OutcomeCounts counts;
  bool liveness = false;
  double produce_records_per_s = 0;
  double consume_records_per_s = 0;
  double produce_p50_ms = 0, produce_p99_ms = 0, produce_max_ms = 0;
  std::vector<std::string> faults;  // faults fired, in order ("5.22s crash broker-0")
  std::map<std::string, uint64_t> fault_points;  // EDDY_FAULT_POINT site -> firings (sites that fired)
  std::string replay;               // the command that replays this seed
};

Verdict verdict_of(const scenarios::ScenarioResult& r);

// The record of a finished run.
SeedRecord record_of(const scenarios::ScenarioResult& r, const std::string& file, double wall_s,
                     const std::string& replay);

// `<eddy> replay FILE --seed N [--include-root DIR]... [--variant NAME]...`, with the eddy
// binary as it was invoked, every word shell-quoted.
std::string replay_command(const std::string& eddy, const std::string& file, uint64_t seed,
                           const std::vector<std::string>& include_roots = {},
                           const std::vector<std::string>& variants = {});
// ` --variant NAME` for each protocol variant given on the command line, quoted.
std::string variant_args(const std::vector<std::string>& variants);
// ` --include-root DIR` for each root, quoted: what a printed command must repeat.
std::string include_root_args(const std::vector<std::string>& include_roots);

// Test-only faults of the lab itself, for the tests of sweeps (cli/README.md):
// EDDY_TEST_CRASH_SEED=N aborts the process when seed N is about to run, EDDY_TEST_HANG_SEED=N
// blocks forever. Called before every run by run, replay, check-determinism and sweep workers.
void apply_lab_test_faults(uint64_t seed);

// Loads a scenario file and turns on the `--variant` names given, or prints the error (a
// located one for the file) to stderr and returns nullopt.
std::optional<scenarios::ScenarioSpec> load_or_report(const std::string& file, const scenarios::LoadOptions& options = {},
                                                      const std::vector<std::string>& variants = {});

// One run of `spec` for `seed`, as the record sweeps and hunts keep: the sweep's workers and
// `eddy hunt` both run seeds through this (an exception of the lab becomes a lab error).
SeedRecord run_seed(const scenarios::ScenarioSpec& spec, const std::string& file, uint64_t seed,
                    const std::string& replay);

}  // namespace cli
