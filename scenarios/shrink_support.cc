#include "scenarios/shrink_support.h"

#include <algorithm>
#include <cstdio>

#include "scenarios/value_syntax.h"

namespace scenarios {

namespace {

std::string ns(sim::Duration d) { return std::to_string(d.ns()) + "ns"; }

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string name_list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + quoted(names[i]);
  return out + "]";
}

std::string latency_text(const sim::LatencyModel& l) {
  using K = sim::LatencyModel::Kind;
  switch (l.kind) {
    case K::kConstant: return "constant " + ns(l.a);
    case K::kUniform: return "uniform " + ns(l.a) + " " + ns(l.b);
    case K::kNormal: return "normal " + ns(l.a) + " " + ns(l.b);
    case K::kExponential: return "exponential " + ns(l.a);
    case K::kPareto: break;
  }
  return "constant " + ns(l.a);
}

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace

std::string fault_entry_yaml(const FaultSpec& f) {
  using K = FaultSpec::Kind;
  std::string out = "{at: " + ns(f.at) + ", kind: " + fault_kind_name(f.kind);
  if (f.duration) out += ", for: " + ns(*f.duration);
  if (!f.targets.empty()) out += ", target: " + name_list(f.targets);
  if (!f.other_side.empty()) out += ", other_side: " + name_list(f.other_side);
  switch (f.kind) {
    case K::kClockJump:
    case K::kClockSkew: out += ", amount: " + ns(f.amount); break;
    case K::kLinkLoss:
    case K::kLinkDuplicate:
    case K::kLinkReorder:
    case K::kMessageDrop:
    case K::kMessageDuplicate:
    case K::kMessageReorder:
    case K::kFsyncError: out += ", probability: " + number(f.params.probability); break;
    case K::kFaultPointsOn:
      out += ", probability: " + number(f.params.probability) + ", activation: " + number(f.params.activation);
      break;
    case K::kDelaySpike: out += ", latency: " + quoted(latency_text(f.params.latency)); break;
    case K::kThrottle: out += ", bandwidth: " + std::to_string(f.params.bandwidth_bytes_per_s) + "B/s"; break;
    case K::kSlowDisk: out += ", factor: " + std::to_string(f.params.factor); break;
    case K::kClockDrift: out += ", drift_ppm: " + std::to_string(f.params.drift_ppm); break;
    default: break;
  }
  if (f.params.log_dir >= 0) out += ", dir: " + std::to_string(f.params.log_dir);
  return out + "}";
}

ScenarioSpec materialized(const ScenarioSpec& spec, const std::vector<FaultSpec>& nemesis_faults) {
  ScenarioSpec m = spec;
  for (const FaultSpec& f : nemesis_faults) m.faults.push_back(f);
  std::stable_sort(m.faults.begin(), m.faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
  if (m.nemesis) m.nemesis->fire = false;
  return m;
}

std::string shrunk_scenario_yaml(const ScenarioSpec& shrunk, const std::string& include_path, const std::string& header) {
  std::string out;
  size_t from = 0;
  while (from < header.size()) {
    size_t nl = header.find('\n', from);
    if (nl == std::string::npos) nl = header.size();
    out += "# " + header.substr(from, nl - from) + "\n";
    from = nl + 1;
  }
  out += "include: " + quoted(include_path) + "\n";
  out += "name: " + quoted(shrunk.name + "-shrunk") + "\n";
  if (shrunk.nemesis) out += "nemesis: {fire: false}\n";
  std::vector<std::string> variants = shrunk.cluster.variants.names();
  if (!variants.empty()) out += "cluster: {variants: " + name_list(variants) + "}\n";
  out += "duration: " + ns(shrunk.duration) + "\n";
  if (shrunk.faults.empty()) {
    out += "faults: []\n";
  } else {
    out += "faults:\n";
    for (const FaultSpec& f : shrunk.faults) out += "  - " + fault_entry_yaml(f) + "\n";
  }
  return out;
}

}  // namespace scenarios
