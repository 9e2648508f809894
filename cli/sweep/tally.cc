#include "cli/sweep/tally.h"

#include <algorithm>

#include "cli/exit_codes.h"
#include "cli/shell_quote.h"
#include "reports/sweep_report.h"

namespace cli::sweep {

void Tally::add(const SeedRecord& r) {
  ++runs_;
  ++counts_[static_cast<size_t>(r.verdict)];
  PerScenario& s = per_scenario_[r.scenario];
  ++s.runs;
  if (r.verdict == Verdict::kInconclusive) ++s.inconclusive;
  if (r.verdict != Verdict::kOk) failed_.push_back(r);
}

uint64_t Tally::inconclusive_allowed(uint64_t runs) const {
  return static_cast<uint64_t>(reports::inconclusive_allowed(static_cast<int64_t>(runs), max_inconclusive_percent_));
}

std::vector<std::string> Tally::over_inconclusive_allowance() const {
  std::vector<std::string> over;
  for (const auto& [scenario, s] : per_scenario_)
    if (s.inconclusive > inconclusive_allowed(s.runs)) over.push_back(scenario);
  return over;
}

uint64_t Tally::failures() const {
  uint64_t n = runs_ - count(Verdict::kOk) - count(Verdict::kInconclusive) + determinism_mismatches_;
  for (const auto& name : over_inconclusive_allowance()) n += per_scenario_.at(name).inconclusive;
  return n;
}

void Tally::add(const DeterminismRecord& d) {
  ++determinism_checked_;
  if (!d.equal) {
    ++determinism_mismatches_;
    mismatches_.push_back(d);
  }
}

int Tally::exit_code() const {
  if (count(Verdict::kSafety) > 0) return kExitSafetyViolation;
  if (count(Verdict::kLiveness) > 0) return kExitLiveness;
  if (count(Verdict::kLabCrash) + count(Verdict::kLabHang) > 0) return kExitLabCrash;
  if (count(Verdict::kLabError) > 0 || determinism_mismatches_ > 0) return kExitLabError;
  if (!over_inconclusive_allowance().empty()) return kExitInconclusive;
  return kExitOk;
}

namespace {
std::string what_failed(const SeedRecord& r) {
  std::string s;
  for (const auto& f : r.failed) s += (s.empty() ? "" : "; ") + f;
  if (!r.message.empty()) s += (s.empty() ? "" : "; ") + r.message;
  if (s.size() > 200) s = s.substr(0, 197) + "...";
  return s;
}
}  // namespace

void Tally::print(std::ostream& out) const {
  out << "  verdicts: ok " << count(Verdict::kOk) << ", safety " << count(Verdict::kSafety) << ", liveness "
      << count(Verdict::kLiveness) << ", lab error " << count(Verdict::kLabError) << ", lab crash "
      << count(Verdict::kLabCrash) << ", lab hang " << count(Verdict::kLabHang) << ", inconclusive "
      << count(Verdict::kInconclusive) << "\n";
  if (count(Verdict::kInconclusive) > 0) {
    out << "  inconclusive: every check held but a progress floor did not; allowed up to " << max_inconclusive_percent_
        << "% of a scenario's seeds (--max-inconclusive)";
    std::vector<std::string> over = over_inconclusive_allowance();
    for (size_t i = 0; i < over.size(); ++i)
      out << (i == 0 ? "; OVER for " : ", ") << over[i] << " (" << per_scenario_.at(over[i]).inconclusive << " of "
          << per_scenario_.at(over[i]).runs << ")";
    out << "\n";
  }
  if (determinism_checked_ > 0) {
    out << "  determinism: " << determinism_checked_ << " seed(s) re-run, "
        << (determinism_mismatches_ == 0 ? std::string("every fingerprint equal")
                                         : std::to_string(determinism_mismatches_) + " MISMATCH(ES)")
        << "\n";
  }
  for (const auto& d : mismatches_) {
    out << "  NONDETERMINISTIC " << d.scenario << " seed " << d.seed << ": fingerprint " << d.fingerprint_first
        << " then " << (d.fingerprint_second.empty() ? "(none)" : d.fingerprint_second)
        << (d.message.empty() ? "" : " (" + d.message + ")") << "\n"
        << "    check: eddy check-determinism " << shell_quote(d.scenario) << " --seed " << d.seed << "\n";
  }
  if (failed_.empty()) return;
  std::vector<const SeedRecord*> rows;
  for (const auto& r : failed_) rows.push_back(&r);
  std::sort(rows.begin(), rows.end(), [](const SeedRecord* a, const SeedRecord* b) {
    return a->scenario != b->scenario ? a->scenario < b->scenario : a->seed < b->seed;
  });
  out << "  failures and inconclusive seeds (" << rows.size() << (rows.size() > kFailureRowsShown ? ", first 50 shown" : "")
      << "):\n";
  for (size_t i = 0; i < rows.size() && i < kFailureRowsShown; ++i) {
    const SeedRecord& r = *rows[i];
    out << "    " << to_string(r.verdict) << "  " << r.scenario << "  seed " << r.seed;
    if (!r.fingerprint.empty()) out << "  fingerprint=" << r.fingerprint;
    out << "\n      " << what_failed(r) << "\n      replay: " << r.replay << "\n";
  }
}

}  // namespace cli::sweep
