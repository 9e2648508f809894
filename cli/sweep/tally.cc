#include "cli/sweep/tally.h"

#include <algorithm>

#include "cli/exit_codes.h"
#include "cli/shell_quote.h"

namespace cli::sweep {

void Tally::add(const SeedRecord& r) {
  ++runs_;
  ++counts_[static_cast<size_t>(r.verdict)];
  if (r.verdict != Verdict::kOk) failed_.push_back(r);
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
      << count(Verdict::kLabCrash) << ", lab hang " << count(Verdict::kLabHang) << "\n";
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
  out << "  failures (" << rows.size() << (rows.size() > kFailureRowsShown ? ", first 50 shown" : "") << "):\n";
  for (size_t i = 0; i < rows.size() && i < kFailureRowsShown; ++i) {
    const SeedRecord& r = *rows[i];
    out << "    " << to_string(r.verdict) << "  " << r.scenario << "  seed " << r.seed;
    if (!r.fingerprint.empty()) out << "  fingerprint=" << r.fingerprint;
    out << "\n      " << what_failed(r) << "\n      replay: " << r.replay << "\n";
  }
}

}  // namespace cli::sweep
