#include "cli/seed_run.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/shell_quote.h"
#include "scenarios/scenario_loader.h"

namespace cli {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "ok";
    case Verdict::kSafety: return "safety";
    case Verdict::kLiveness: return "liveness";
    case Verdict::kLabError: return "lab_error";
    case Verdict::kLabCrash: return "lab_crash";
    case Verdict::kLabHang: return "lab_hang";
    case Verdict::kInconclusive: return "inconclusive";
  }
  return "?";
}

std::optional<Verdict> verdict_from_string(const std::string& s) {
  for (Verdict v : {Verdict::kOk, Verdict::kSafety, Verdict::kLiveness, Verdict::kLabError, Verdict::kLabCrash,
                    Verdict::kLabHang, Verdict::kInconclusive}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

int exit_code_of(Verdict v) {
  switch (v) {
    case Verdict::kOk: return kExitOk;
    case Verdict::kSafety: return kExitSafetyViolation;
    case Verdict::kLiveness: return kExitLiveness;
    case Verdict::kLabError: return kExitLabError;
    case Verdict::kLabCrash:
    case Verdict::kLabHang: return kExitLabCrash;
    case Verdict::kInconclusive: return kExitInconclusive;
  }
  return kExitLabError;
}

Verdict verdict_of(const scenarios::ScenarioResult& r) {
  if (!r.outcome.ok() && r.outcome.status != sim::RunStatus::kStopped) return Verdict::kLabError;
  if (r.safety_failed()) return Verdict::kSafety;
  if (r.liveness_failed()) return Verdict::kLiveness;
  if (r.inconclusive()) return Verdict::kInconclusive;
  return Verdict::kOk;
}

namespace {
double ms(sim::Duration d) { return static_cast<double>(d.ns()) / 1e6; }
}  // namespace

SeedRecord record_of(const scenarios::ScenarioResult& r, const std::string& file, double wall_s,
                     const std::string& replay) {
  SeedRecord s;
  s.scenario = file;
  s.name = r.scenario;
  s.seed = r.seed;
  s.verdict = verdict_of(r);
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016" PRIx64, r.fingerprint);
  s.fingerprint = fp;
  s.simulated_s = static_cast<double>(r.end.ns()) / 1e9;
  s.wall_s = wall_s;
  s.events = r.events;
  for (const auto& e : r.expectations) {
    if (!e.held) s.failed.push_back(e.check + " " + e.expected + ": " + e.actual);
  }
  if (s.verdict == Verdict::kLabError) s.message = r.outcome.message;
  for (const auto& c : r.checks) s.checks[c.check] = c.count;
  s.counts = r.counts;
  s.liveness = r.liveness;
  s.produce_records_per_s = r.produce_records_per_s;
  s.consume_records_per_s = r.consume_records_per_s;
  s.produce_p50_ms = ms(r.produce_latency.p50);
  s.produce_p99_ms = ms(r.produce_latency.p99);
  s.produce_max_ms = ms(r.produce_latency.max);
  s.faults = r.faults_fired;
  for (const auto& site : r.fault_points)
    if (site.firings > 0) s.fault_points[site.name] = site.firings;
  s.replay = replay;
  return s;
}

std::string include_root_args(const std::vector<std::string>& include_roots) {
  std::string out;
  for (const auto& r : include_roots) out += " --include-root " + shell_quote(r);
  return out;
}

std::string variant_args(const std::vector<std::string>& variants) {
  std::string out;
  for (const auto& v : variants) out += " --variant " + shell_quote(v);
  return out;
}

std::string replay_command(const std::string& eddy, const std::string& file, uint64_t seed,
                           const std::vector<std::string>& include_roots, const std::vector<std::string>& variants) {
  return shell_quote(eddy) + " replay " + shell_quote(file) + " --seed " + std::to_string(seed) +
         include_root_args(include_roots) + variant_args(variants);
}

SeedRecord run_seed(const scenarios::ScenarioSpec& spec, const std::string& file, uint64_t seed,
                    const std::string& replay) {
  apply_lab_test_faults(seed);
  auto t0 = std::chrono::steady_clock::now();
  try {
    scenarios::RunOptions opt;
    opt.seed = seed;
    scenarios::ScenarioResult r = scenarios::run_scenario(spec, opt);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return record_of(r, file, wall, replay);
  } catch (const std::exception& e) {
    SeedRecord s;
    s.scenario = file;
    s.name = spec.name;
    s.seed = seed;
    s.verdict = Verdict::kLabError;
    s.message = std::string("unexpected exception: ") + e.what();
    s.replay = replay;
    return s;
  }
}

namespace {
std::optional<uint64_t> env_seed(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<uint64_t>(n);
}
}  // namespace

void apply_lab_test_faults(uint64_t seed) {
  if (env_seed("EDDY_TEST_CRASH_SEED") == seed) {
    std::fprintf(stderr, "eddy: EDDY_TEST_CRASH_SEED=%" PRIu64 ": aborting the lab on purpose\n", seed);
    std::abort();
  }
  if (env_seed("EDDY_TEST_HANG_SEED") == seed) {
    std::fprintf(stderr, "eddy: EDDY_TEST_HANG_SEED=%" PRIu64 ": hanging the lab on purpose\n", seed);
    for (;;) pause();
  }
}

std::optional<scenarios::ScenarioSpec> load_or_report(const std::string& file, const scenarios::LoadOptions& options,
                                                      const std::vector<std::string>& variants) {
  scenarios::LoadResult loaded = scenarios::load_scenario_file(file, options);
  if (!loaded) {
    std::cerr << loaded.error().str() << "\n";
    return std::nullopt;
  }
  scenarios::ScenarioSpec spec = loaded.spec();
  if (auto err = scenarios::add_variants(spec.cluster, variants)) {
    std::cerr << "eddy: error: " << *err << "\n";
    return std::nullopt;
  }
  return spec;
}

}  // namespace cli
