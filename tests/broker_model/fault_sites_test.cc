// The fault point catalogue (broker_model/fault_sites.h) and the EDDY_FAULT_POINT sites in
// broker_model/'s sources are the same set, both ways: a site added without its entry, or an
// entry whose site was removed, fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "broker_model/fault_sites.h"

namespace {

std::map<std::string, std::string> sites_in_sources() {  // name -> first file:line
  std::map<std::string, std::string> found;
  const std::regex site(R"re(EDDY_FAULT_POINT\("([^"]+)"\))re");
  std::filesystem::path root = std::filesystem::path(EDDY_SOURCE_DIR) / "broker_model";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    if (ext != ".cc" && ext != ".h") continue;
    if (entry.path().filename() == "fault_sites.h") continue;  // the catalogue's own comments
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
      for (std::sregex_iterator m(line.begin(), line.end(), site), end; m != end; ++m)
        found.emplace((*m)[1].str(), entry.path().filename().string() + ":" + std::to_string(n));
  }
  return found;
}

TEST(FaultSites, CatalogueAndSourcesAgree) {
  std::map<std::string, std::string> in_sources = sites_in_sources();
  std::set<std::string> in_catalogue;
  for (const auto& s : broker_model::kFaultSites) {
    EXPECT_TRUE(in_catalogue.insert(std::string(s.name)).second) << "listed twice: " << s.name;
    EXPECT_FALSE(s.what.empty()) << s.name;
    EXPECT_TRUE(in_sources.count(std::string(s.name))) << "in the catalogue, at no EDDY_FAULT_POINT site: " << s.name;
  }
  for (const auto& [name, where] : in_sources)
    EXPECT_TRUE(in_catalogue.count(name)) << "EDDY_FAULT_POINT(\"" << name << "\") at " << where
                                          << " is missing from broker_model/fault_sites.h";
  EXPECT_GE(in_sources.size(), 40U);
}

}  // namespace
