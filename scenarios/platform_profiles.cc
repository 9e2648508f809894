#include "scenarios/platform_profiles.h"

namespace scenarios {

namespace {

constexpr int64_t kMbps = 125'000;  // bytes/s in one megabit/s

// Network and EBS figures: the instance's baseline (not "up to") from AWS's documentation:
//   network: https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_network and
//            .../so.html#so_network ("Baseline / burst bandwidth (Gbps)");
//   EBS:     https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_ebs and
//            .../so.html#so_ebs ("Baseline bandwidth (Mbps)", "Baseline IOPS");
//   MSK:     https://docs.aws.amazon.com/msk/latest/developerguide/broker-instance-sizes.html
//            (kafka.m5.large is an m5.large).
// A gp3 volume's own baseline (125 MB/s, 3,000 IOPS:
// https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html) caps the EBS
// profiles too: the disk is the smaller of the instance's EBS baseline and the volume's.
// fsync on EBS is a network round trip (~0.5-1 ms, AWS's "single-digit millisecond" io2/gp3
// latency); on local NVMe tens of microseconds.
// CPU: speed_flops 1e9 makes a flop a nanosecond. Kafka's cost per produce request (parse,
// validate, append, respond: ~20 us) and per byte (CRC-32C and copies: ~0.5 ns) are eddy's
// estimates, not documented figures (docs/calibration.md says how they were chosen).
const std::vector<PlatformProfile> kProfiles = {
    {"aws-m5.large", "AWS m5.large + gp3: 2 vCPU, 0.75 Gbit/s network baseline, EBS 81.25 MB/s / 3,000 IOPS",
     750 * kMbps, 650 * kMbps, 3'000, sim::microseconds(20), sim::microseconds(800), 2, 1e9, 20'000, 0.5,
     "AWS EC2 m5.large: network baseline 0.75 Gbps; EBS baseline 650 Mbps, 3,600 IOPS; gp3 volume 3,000 IOPS"},
    {"aws-kafka.m5.large", "Amazon MSK kafka.m5.large (an m5.large broker, EBS storage)", 750 * kMbps, 650 * kMbps,
     3'000, sim::microseconds(20), sim::microseconds(800), 2, 1e9, 20'000, 0.5,
     "Amazon MSK broker sizes: kafka.m5.large = m5.large (2 vCPU, 8 GiB); figures as aws-m5.large"},
    {"aws-m5.2xlarge", "AWS m5.2xlarge + gp3 at 250 MB/s: 8 vCPU, 2.5 Gbit/s network baseline, EBS 250 MB/s",
     2'500 * kMbps, 250'000'000, 12'000, sim::microseconds(20), sim::microseconds(800), 8, 1e9, 20'000, 0.5,
     "AWS EC2 m5.2xlarge: network baseline 2.5 Gbps; EBS baseline 2,300 Mbps (287.5 MB/s), 12,000 IOPS; "
     "gp3 provisioned to 250 MB/s"},
    {"aws-i3en.2xlarge", "AWS i3en.2xlarge: 8 vCPU, 8.4 Gbit/s network baseline, 2 local NVMe SSDs",
     8'400 * kMbps, 1'000'000'000, 170'000, sim::microseconds(10), sim::microseconds(50), 8, 1e9, 20'000, 0.5,
     "AWS EC2 i3en.2xlarge: network baseline 8.4 Gbps (up to 25); 2 x 2,500 GB NVMe, 170,000 random-write "
     "IOPS (4 KiB); sequential write taken as 1 GB/s for the pair (an assumption, not documented)"},
};

}  // namespace

const std::vector<PlatformProfile>& platform_profiles() { return kProfiles; }

const PlatformProfile* find_platform_profile(std::string_view name) {
  for (const PlatformProfile& p : kProfiles)
    if (p.name == name) return &p;
  return nullptr;
}

std::string platform_profile_names() {
  std::string out;
  for (const PlatformProfile& p : kProfiles) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

void apply_platform_profile(const PlatformProfile& p, ClusterSpec& cluster) {
  cluster.profile = std::string(p.name);
  cluster.network.bandwidth_bytes_per_s = p.nic_bytes_per_s;
  cluster.disk.bandwidth_bytes_per_s = p.disk_bytes_per_s;
  cluster.disk.iops = p.disk_iops;
  cluster.disk.write_latency = p.disk_write_latency;
  cluster.disk.fsync_latency = p.disk_fsync_latency;
  cluster.cpu.cores = p.cores;
  cluster.cpu.speed_flops = p.cpu_flops;
  cluster.cpu.request_flops = p.request_flops;
  cluster.cpu.byte_flops = p.byte_flops;
}

}  // namespace scenarios
