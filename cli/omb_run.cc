#include "cli/omb_run.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include "cli/exit_codes.h"
#include "scenarios/omb_import.h"
#include "sim/crc32c.h"

namespace cli {

int load_omb_spec(const OmbArgs& args, const std::string& overlay, const scenarios::LoadOptions& options,
                  scenarios::ScenarioSpec& spec) {
  if (args.driver.empty() || args.workload.empty()) {
    std::cerr << "eddy: error: --omb-driver and --omb-workload go together; expected both an OMB Kafka driver file "
                 "and an OMB workload file\n";
    return kExitUsage;
  }
  std::vector<std::string> notes;
  scenarios::LoadResult r = scenarios::load_omb_scenario({args.driver, args.workload, overlay}, &notes, options);
  if (!r) {
    std::cerr << r.error().str() << "\n";
    return kExitUsage;
  }
  // The notes are the spec's load_notes: the run's summary prints them with the config notes.
  spec = r.spec();
  return kExitOk;
}

std::string omb_run_name(const OmbArgs& args, const scenarios::ScenarioSpec& spec) {
  std::error_code ec;
  std::string where = std::filesystem::weakly_canonical(std::filesystem::absolute(args.driver, ec), ec).string() + "\n" +
                      std::filesystem::weakly_canonical(std::filesystem::absolute(args.workload, ec), ec).string();
  char digest[9];
  std::snprintf(digest, sizeof digest, "%08x", sim::crc32c(where));
  return spec.name + "-" + digest;
}

}  // namespace cli
