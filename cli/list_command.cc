// eddy list [--scenarios DIR]: the bundled scenarios (with their names and what they expect),
// the fault kinds and the checkers.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "broker_model/fault_sites.h"
#include "cli/exit_codes.h"
#include "cli/lab_commands.h"
#include "broker_model/variants.h"
#include "faults/fault_catalogue.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_spec.h"

namespace cli {

namespace fs = std::filesystem;

namespace {

struct ListArgs {
  std::string scenarios_dir;
};

// Where the bundled scenarios are: EDDY_SCENARIOS_DIR, then beside the binary (build/eddy in a
// checkout: ../scenarios; installed bin/eddy: ../share/eddy/scenarios), then the source tree
// this binary was built from, then ./scenarios.
fs::path find_scenarios_dir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("EDDY_SCENARIOS_DIR"); env != nullptr && *env != '\0') candidates.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "scenarios");
    candidates.push_back(exe.parent_path().parent_path() / "share" / "eddy" / "scenarios");
  }
#ifdef EDDY_SOURCE_DIR
  candidates.push_back(fs::path(EDDY_SOURCE_DIR) / "scenarios");
#endif
  candidates.emplace_back("scenarios");
  for (const auto& c : candidates) {
    if (fs::is_directory(c, ec)) return c;
  }
  return {};
}

// The first comment line of a scenario file: its one-line story.
std::string first_comment(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) != 0) break;
    line.erase(0, line.find_first_not_of("# "));
    if (!line.empty()) return line;
  }
  return "";
}

std::string shown_path(const fs::path& p) {
  std::error_code ec;
  fs::path rel = fs::relative(p, fs::current_path(), ec);
  if (!ec && !rel.empty() && rel.string().rfind("../../..", 0) != 0) return rel.string();
  return p.string();
}

std::string expectations(const scenarios::ExpectSpec& e) {
  std::string s;
  auto add = [&](const char* name, const std::optional<scenarios::CountExpectation>& x) {
    if (x) s += (s.empty() ? "" : ", ") + std::string(name) + " " + x->str();
  };
  add("lost_writes", e.lost_writes);
  add("lost_reads", e.lost_reads);
  add("duplicates", e.duplicates);
  add("dedup_failures", e.dedup_failures);
  add("inconsistent_offsets", e.inconsistent_offsets);
  add("order_violations", e.order_violations);
  add("producer_order", e.producer_order);
  add("acknowledged", e.acknowledged);
  add("expired", e.expired);
  if (e.liveness) s += (s.empty() ? "" : ", ") + std::string("liveness ") + (*e.liveness ? "true" : "false");
  return s;
}

int list_command(const ListArgs& args) {
  fs::path dir = args.scenarios_dir.empty() ? find_scenarios_dir() : fs::path(args.scenarios_dir);
  std::error_code ec;
  std::cout << "scenarios";
  if (dir.empty() || !fs::is_directory(dir, ec)) {
    std::cout << ": none found (set EDDY_SCENARIOS_DIR or pass --scenarios DIR)\n";
  } else {
    std::cout << " (" << shown_path(dir) << "):\n";
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file() && (it->path().extension() == ".yaml" || it->path().extension() == ".yml")) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    bool omb = false;
    for (const auto& f : files) {
      // OpenMessaging Benchmark files are not scenarios: `eddy run --omb-driver D --omb-workload W`.
      if (f.parent_path().filename() == "omb") {
        omb = true;
        continue;
      }
      scenarios::LoadResult r = scenarios::load_scenario_file(f.string());
      std::cout << "  " << shown_path(f) << "\n";
      if (!r) {
        std::cout << "      does not load: " << r.error().str() << "\n";
        continue;
      }
      std::string about = r.spec().description.empty() ? first_comment(f) : r.spec().description;
      if (!about.empty()) std::cout << "      " << about << "\n";
      std::string ex = expectations(r.spec().expect);
      if (!ex.empty()) std::cout << "      expects: " << ex << "\n";
    }
    if (omb) {
      std::cout << "  " << shown_path(dir / "omb") << "/: OpenMessaging Benchmark driver and workload files, run with\n"
                << "      eddy run [OVERLAY.yaml] --omb-driver DRIVER.yaml --omb-workload WORKLOAD.yaml\n";
    }
  }
  std::cout << "fault kinds (scenario `faults:` entries; see faults/fault_catalogue.h):\n";
  const char* group = "";
  for (const faults::FaultKindInfo& k : faults::fault_catalogue()) {
    if (std::string(faults::to_string(k.group)) != group) {
      group = faults::to_string(k.group);
      std::cout << "  " << group << ":\n";
    }
    std::printf("    %-18s %s\n", k.name, k.does);
  }
  std::cout << "fault point sites (EDDY_FAULT_POINT in broker_model/, live under `fault-points-on`; see "
               "broker_model/fault_sites.h):\n";
  std::string_view area;
  for (const broker_model::FaultSite& site : broker_model::kFaultSites) {
    if (site.area != area) {
      area = site.area;
      std::cout << "  " << area << ":\n";
    }
    std::printf("    %-40s %s\n", std::string(site.name).c_str(), std::string(site.what).c_str());
  }
  std::cout << "protocol variants (the bug zoo: `cluster: {variants: [NAME]}` or --variant NAME; docs/bug-zoo.md):\n";
  for (const broker_model::VariantInfo& v : broker_model::variant_catalogue()) {
    std::printf("  %-34s %-11s %s\n", v.name, v.area, v.reference);
    std::printf("  %-34s %s\n", "", v.description);
  }
  std::cout << "checkers (scenario `expect:` keys):\n";
  for (const scenarios::ExpectKey& k : scenarios::expect_keys()) std::printf("  %-22s %s\n", k.name, k.meaning);
  return kExitOk;
}

}  // namespace

LabCommand add_list_command(CLI::App& app, const std::string&) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* cmd = app.add_subcommand("list", "List the bundled scenarios, fault kinds and checkers");
  cmd->add_option("--scenarios", args->scenarios_dir, "Scenario directory to list (default: the bundled one)");
  return {cmd, [args] { return list_command(*args); }};
}

}  // namespace cli
