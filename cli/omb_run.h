// `eddy run [OVERLAY.yaml] --omb-driver DRIVER.yaml --omb-workload WORKLOAD.yaml`: the
// scenario an OpenMessaging Benchmark driver + workload pair describes (scenarios/omb_import.h).
#pragma once

#include <string>

#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_spec.h"

namespace cli {

struct OmbArgs {
  std::string driver;
  std::string workload;
  bool given() const { return !driver.empty() || !workload.empty(); }
};

// Loads the OMB pair (with `overlay` laid over it, if not empty) into `spec`, printing the
// ignored properties as notes. Returns an exit code (kExitOk, or kExitUsage with the error on stderr).
int load_omb_spec(const OmbArgs& args, const std::string& overlay, const scenarios::LoadOptions& options,
                  scenarios::ScenarioSpec& spec);

// The name of an OMB run's default directory: the workload's name and a digest of where the
// driver and workload files are (canonical paths), since OMB workloads often share a name and
// two of them must not write into one runs/<name>-<seed>/.
std::string omb_run_name(const OmbArgs& args, const scenarios::ScenarioSpec& spec);

}  // namespace cli
