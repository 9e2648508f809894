// Bundled platform profiles: common cloud machines a Kafka broker runs on, as the hardware
// figures a scenario's platform needs (cluster.profile). Figures are the instance's *baseline*
// network and EBS performance from the provider's public documentation (cited beside each
// profile in platform_profiles.cc and in scenarios/README.md), not its burst ceiling: a
// benchmark that runs for minutes sees the baseline once the burst credits are spent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario_spec.h"

namespace scenarios {

struct PlatformProfile {
  std::string_view name;
  std::string_view summary;         // one line for `eddy list` and the docs
  int64_t nic_bytes_per_s;          // each direction
  int64_t disk_bytes_per_s;         // sequential write
  int64_t disk_iops;
  sim::Duration disk_write_latency;
  sim::Duration disk_fsync_latency;
  int cores;                        // vCPUs
  double cpu_flops;                 // per core; the CPU costs below are in these units
  double request_flops;             // per request a broker handles
  double byte_flops;                // per byte of it
  std::string_view source;          // where the figures come from
};

const std::vector<PlatformProfile>& platform_profiles();
const PlatformProfile* find_platform_profile(std::string_view name);
// "aws-m5.large, aws-m5.2xlarge, ...": for error messages.
std::string platform_profile_names();
// Sets the cluster's server NIC, disk and CPU from the profile (what the file's own keys then
// override).
void apply_platform_profile(const PlatformProfile& p, ClusterSpec& cluster);

}  // namespace scenarios
