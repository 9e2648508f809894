// scenarios/README.md's "Kafka configs" table against the loader's registry of keys
// (scenarios/kafka_configs.h): every key the loader accepts is documented in its scope, every
// documented key is accepted, and the keys the simulation does not honour are documented as
// "no effect". A key added to one side only fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "scenarios/config_notes.h"
#include "scenarios/kafka_configs.h"
#include "scenarios/scenario_loader.h"

namespace scenarios {
namespace {

struct DocumentedKey {
  std::string row;  // the whole table row, for "no effect"
};
using Documented = std::map<std::pair<std::string, std::string>, DocumentedKey>;  // (scope, key)

// The rows of the table under "### Kafka configs": "| scope | `key`, `key2` | accepted |".
Documented read_readme_table(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  Documented out;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("### ", 0) == 0) in_section = line == "### Kafka configs";
    if (!in_section || line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream cells_in(line.substr(1));
    std::string cell;
    while (std::getline(cells_in, cell, '|')) cells.push_back(cell);
    if (cells.size() < 3) continue;
    std::string scope = cells[0];
    while (!scope.empty() && scope.front() == ' ') scope.erase(scope.begin());
    while (!scope.empty() && scope.back() == ' ') scope.pop_back();
    if (scope != "topic" && scope != "broker" && scope != "producer" && scope != "consumer") continue;
    const std::string& keys = cells[1];
    for (size_t at = keys.find('`'); at != std::string::npos; at = keys.find('`', at)) {
      size_t end = keys.find('`', at + 1);
      if (end == std::string::npos) break;
      out[{scope, keys.substr(at + 1, end - at - 1)}] = DocumentedKey{line};
      at = end + 1;
    }
  }
  return out;
}

constexpr ConfigScope kScopes[] = {ConfigScope::kTopic, ConfigScope::kBroker, ConfigScope::kProducer,
                                   ConfigScope::kConsumer};

TEST(ConfigRegistry, ReadmeTableMatchesTheLoaderBothWays) {
  Documented doc = read_readme_table(std::string(EDDY_SOURCE_DIR) + "/scenarios/README.md");
  ASSERT_GT(doc.size(), 20u) << "the table under '### Kafka configs' was not found";
  std::set<std::pair<std::string, std::string>> known;
  for (ConfigScope scope : kScopes) {
    for (std::string_view key : known_config_keys(scope)) {
      std::pair<std::string, std::string> k{config_scope_name(scope), std::string(key)};
      known.insert(k);
      auto it = doc.find(k);
      EXPECT_NE(it, doc.end()) << "the loader accepts " << k.first << " config '" << k.second
                               << "' but scenarios/README.md's table does not list it";
      if (it == doc.end()) continue;
      bool says_no_effect = it->second.row.find("no effect") != std::string::npos;
      bool has_no_effect = !config_no_effect_reason(scope, key).empty();
      EXPECT_EQ(says_no_effect, has_no_effect)
          << k.first << " " << k.second << ": the README " << (says_no_effect ? "says" : "does not say")
          << " \"no effect\" but the loader " << (has_no_effect ? "notes it as not simulated" : "honours it");
    }
  }
  for (const auto& [k, row] : doc)
    EXPECT_TRUE(known.count(k)) << "scenarios/README.md documents " << k.first << " config '" << k.second
                                << "' but the loader rejects it";
}

TEST(ConfigRegistry, ReadmeParserSeesAMissingKey) {
  // The comparison above can fail: a table without one row is caught.
  std::string path = ::testing::TempDir() + "/readme-missing-row.md";
  {
    std::ofstream out(path);
    out << "### Kafka configs\n\n| scope | key | accepted |\n|---|---|---|\n"
        << "| topic | `min.insync.replicas` | int |\n| producer | `acks`, `linger.ms` | x |\n### Next\n"
        << "| topic | `not.in.section` | x |\n";
  }
  Documented doc = read_readme_table(path);
  EXPECT_EQ(doc.size(), 3u);
  EXPECT_TRUE(doc.count({"producer", "linger.ms"}));
  EXPECT_FALSE(doc.count({"topic", "not.in.section"}));
  EXPECT_FALSE(doc.count({"topic", "retention.ms"}));
}

TEST(ConfigNotes, UnsimulatedConfigsAreNotedWhereTheyWereWritten) {
  LoadResult r = load_scenario_text(R"(
name: notes
cluster: {brokers: 1, controllers: 1}
topics: [{name: t, partitions: 1, replication_factor: 1}]
producers: [{topic: t, configs: {acks: "1", client.id: my-producer}}]
consumers: [{topic: t, configs: {isolation.level: read_committed}}]
)",
                                    "notes.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<std::string> notes = config_notes(r.spec());
  std::string all;
  for (const auto& n : notes) all += n + "\n";
  EXPECT_EQ(all.find("acks"), std::string::npos) << all;
  // isolation.level was the last setting accepted without effect; transactions (KIP-98) made
  // read_committed real, so nothing is noted for it any more.
  EXPECT_EQ(all.find("isolation.level"), std::string::npos) << all;
}

TEST(ConfigNotes, IgnoreKeysBesideAPartitionerClassIsNoted) {
  // Kafka applies partitioner.ignore.keys to its built-in partitioner only.
  LoadResult r = load_scenario_text(R"(
name: notes
cluster: {brokers: 1, controllers: 1}
topics: [{name: t}]
producers:
  - {topic: t, configs: {partitioner.ignore.keys: true}}
  - {topic: t, configs: {partitioner.ignore.keys: true,
                         partitioner.class: org.apache.kafka.clients.producer.RoundRobinPartitioner}}
)",
                                    "notes.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  std::vector<std::string> notes = config_notes(r.spec());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].rfind("accepted, no effect: producers[1].configs.partitioner.ignore.keys=true (", 0), 0u) << notes[0];
}

TEST(ConfigDefaults, TopicsWithoutCountsTakeTheBrokersDefaults) {
  LoadResult r = load_scenario_text(R"(
name: defaults
cluster: {brokers: 3, controllers: 1, broker_configs: {num.partitions: 6, default.replication.factor: 3}}
topics: [{name: a}, {name: b, partitions: 2, replication_factor: 1}]
)",
                                    "defaults.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(r.spec().topics[0].partitions, 6);
  EXPECT_EQ(r.spec().topics[0].replication_factor, 3);
  EXPECT_EQ(r.spec().topics[1].partitions, 2);
  EXPECT_EQ(r.spec().topics[1].replication_factor, 1);
  EXPECT_TRUE(config_notes(r.spec()).empty()) << "both defaults are honoured, so nothing is noted";
  // Without them, Kafka's own defaults: 1 and 1.
  LoadResult plain = load_scenario_text("name: plain\ncluster: {brokers: 3, controllers: 1}\ntopics: [{name: a}]\n",
                                        "plain.yaml");
  ASSERT_TRUE(plain.ok()) << plain.error().str();
  EXPECT_EQ(plain.spec().topics[0].partitions, 1);
  EXPECT_EQ(plain.spec().topics[0].replication_factor, 1);
}

TEST(ConfigDefaults, ADefaultReplicationFactorAboveTheBrokersIsAnError) {
  LoadResult r = load_scenario_text(R"(
name: defaults
cluster: {brokers: 2, controllers: 1, broker_configs: {default.replication.factor: 3}}
topics: [{name: a}]
)",
                                    "defaults.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("default.replication.factor: expected at most 2"), std::string::npos) << r.error().str();
}

}  // namespace
}  // namespace scenarios
