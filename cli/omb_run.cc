#include "cli/omb_run.h"

#include <iostream>
#include <vector>

#include "cli/exit_codes.h"
#include "scenarios/omb_import.h"

namespace cli {

int load_omb_spec(const OmbArgs& args, const std::string& overlay, scenarios::ScenarioSpec& spec) {
  if (args.driver.empty() || args.workload.empty()) {
    std::cerr << "eddy: error: --omb-driver and --omb-workload go together; expected both an OMB Kafka driver file "
                 "and an OMB workload file\n";
    return kExitUsage;
  }
  std::vector<std::string> notes;
  scenarios::LoadResult r = scenarios::load_omb_scenario({args.driver, args.workload, overlay}, &notes);
  if (!r) {
    std::cerr << r.error().str() << "\n";
    return kExitUsage;
  }
  for (const std::string& n : notes) std::cout << "note: " << n << "\n";
  spec = r.spec();
  return kExitOk;
}

}  // namespace cli
