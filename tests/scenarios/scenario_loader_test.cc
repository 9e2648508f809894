// The strict YAML scenario loader: a full file round-trips into the spec, malformed inputs fail
// with an exact location and a message that says what was expected, includes merge and fail
// cleanly, and mutated garbage never crashes the loader.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "scenarios/scenario_loader.h"

namespace scenarios {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFullScenario = R"(name: acks-all-failover
description: >
  Why this scenario exists and what it expects.
cluster:
  brokers: 3
  controllers: 3
  racks: [a, b, c]
  network: {latency: "uniform 100us 500us", bandwidth: "10Gbit/s", loss: 0.01, duplicate: 0.002, reorder: 0.5}
  disk: {write_latency: 20us, fsync_latency: 1ms, bandwidth: "500MB/s", crash_mode: torn-last-sector}
  broker_configs: {replica.lag.time.max.ms: 10000, unclean.leader.election.enable: false}
topics:
  - {name: orders, partitions: 12, replication_factor: 3, configs: {min.insync.replicas: 2}}
  - {name: audit.log, partitions: 1, replication_factor: 1}
producers:
  - {topic: orders, count: 2, rate: 1000/s, message_size: 1KiB, keys: "uniform 100", configs: {acks: all, linger.ms: 5}}
  - {topic: audit.log, rate: 30/m, message_size: 100B, keys: "zipf 50 1.5"}
consumers:
  - {topic: orders, count: 1, configs: {group.id: g1, auto.offset.reset: earliest}}
faults:
  - {at: 5s, kind: crash, target: "broker 1"}
  - {at: 7s, kind: restart, target: "broker 1"}
  - {at: 10s, for: 3s, kind: isolate, target: "leader of orders/0"}
  - {at: 12s, kind: partition, target: ["broker 0"], other_side: ["broker 1", "broker 2"]}
  - {at: 20s, kind: heal}
duration: 30s
heal_for: 10s
liveness_bound: 20s
max_events: 100000000
expect: {lost_writes: 0, duplicates: "> 0", inconsistent_offsets: 0, order_violations: "<= 2", acknowledged: ">= 1", liveness: true}
)";

LoadResult load(std::string_view yaml) { return load_scenario_text(yaml, "test.yaml"); }

std::string describe(const LoadResult& r) { return r.ok() ? std::string("(loaded)") : r.error().str(); }

// A fresh directory per test (ctest runs tests in parallel processes), removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("eddy_scenario_tests_" + std::to_string(::getpid()) + "_" + std::string(info->test_suite_name()) + "_" + std::string(info->name()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TEST(ScenarioLoader, FullFileRoundTripsIntoTheSpec) {
  LoadResult r = load(kFullScenario);
  ASSERT_TRUE(r.ok()) << describe(r);
  const ScenarioSpec& s = r.spec();
  EXPECT_EQ(s.file, "test.yaml");
  EXPECT_EQ(s.name, "acks-all-failover");
  EXPECT_EQ(s.description, "Why this scenario exists and what it expects.\n");

  EXPECT_EQ(s.cluster.brokers, 3);
  EXPECT_EQ(s.cluster.controllers, 3);
  EXPECT_EQ(s.cluster.racks, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(s.cluster.network.latency.kind, LatencySpec::Kind::kUniform);
  EXPECT_EQ(s.cluster.network.latency.a, sim::microseconds(100));
  EXPECT_EQ(s.cluster.network.latency.b, sim::microseconds(500));
  EXPECT_EQ(s.cluster.network.bandwidth_bytes_per_s, 1'250'000'000);
  EXPECT_DOUBLE_EQ(s.cluster.network.loss, 0.01);
  EXPECT_DOUBLE_EQ(s.cluster.network.duplicate, 0.002);
  EXPECT_DOUBLE_EQ(s.cluster.network.reorder, 0.5);
  EXPECT_EQ(s.cluster.disk.write_latency, sim::microseconds(20));
  EXPECT_EQ(s.cluster.disk.fsync_latency, sim::milliseconds(1));
  EXPECT_EQ(s.cluster.disk.bandwidth_bytes_per_s, 500'000'000);
  EXPECT_EQ(s.cluster.disk.crash_mode, "torn-last-sector");
  EXPECT_EQ(s.cluster.broker_configs,
            (KafkaConfigs{{"replica.lag.time.max.ms", "10000"}, {"unclean.leader.election.enable", "false"}}));

  ASSERT_EQ(s.topics.size(), 2u);
  EXPECT_EQ(s.topics[0].name, "orders");
  EXPECT_EQ(s.topics[0].partitions, 12);
  EXPECT_EQ(s.topics[0].replication_factor, 3);
  EXPECT_EQ(s.topics[0].configs, (KafkaConfigs{{"min.insync.replicas", "2"}}));
  EXPECT_EQ(s.topics[1].name, "audit.log");
  EXPECT_EQ(s.topics[1].partitions, 1);
  EXPECT_EQ(s.topics[1].replication_factor, 1);
  EXPECT_TRUE(s.topics[1].configs.empty());

  ASSERT_EQ(s.producers.size(), 2u);
  EXPECT_EQ(s.producers[0].topic, "orders");
  EXPECT_EQ(s.producers[0].count, 2);
  EXPECT_DOUBLE_EQ(s.producers[0].messages_per_s, 1000.0);
  EXPECT_EQ(s.producers[0].message_bytes, 1024);
  EXPECT_EQ(s.producers[0].keys.kind, KeySpec::Kind::kUniform);
  EXPECT_EQ(s.producers[0].keys.count, 100);
  EXPECT_EQ(s.producers[0].configs, (KafkaConfigs{{"acks", "all"}, {"linger.ms", "5"}}));
  EXPECT_EQ(s.producers[1].topic, "audit.log");
  EXPECT_EQ(s.producers[1].count, 1);
  EXPECT_DOUBLE_EQ(s.producers[1].messages_per_s, 0.5);
  EXPECT_EQ(s.producers[1].message_bytes, 100);
  EXPECT_EQ(s.producers[1].keys.kind, KeySpec::Kind::kZipf);
  EXPECT_EQ(s.producers[1].keys.count, 50);
  EXPECT_DOUBLE_EQ(s.producers[1].keys.zipf_exponent, 1.5);

  ASSERT_EQ(s.consumers.size(), 1u);
  EXPECT_EQ(s.consumers[0].topic, "orders");
  EXPECT_EQ(s.consumers[0].count, 1);
  EXPECT_EQ(s.consumers[0].configs, (KafkaConfigs{{"auto.offset.reset", "earliest"}, {"group.id", "g1"}}));

  ASSERT_EQ(s.faults.size(), 5u);
  EXPECT_EQ(s.faults[0].kind, FaultSpec::Kind::kCrash);
  EXPECT_EQ(s.faults[0].at, sim::seconds(5));
  EXPECT_FALSE(s.faults[0].duration.has_value());
  EXPECT_EQ(s.faults[0].targets, (std::vector<std::string>{"broker 1"}));
  EXPECT_EQ(s.faults[0].line, 20);
  EXPECT_EQ(s.faults[1].kind, FaultSpec::Kind::kRestart);
  EXPECT_EQ(s.faults[1].at, sim::seconds(7));
  EXPECT_EQ(s.faults[1].line, 21);
  EXPECT_EQ(s.faults[2].kind, FaultSpec::Kind::kIsolate);
  EXPECT_EQ(s.faults[2].at, sim::seconds(10));
  EXPECT_EQ(s.faults[2].duration, sim::seconds(3));
  EXPECT_EQ(s.faults[2].targets, (std::vector<std::string>{"leader of orders/0"}));
  EXPECT_EQ(s.faults[3].kind, FaultSpec::Kind::kPartition);
  EXPECT_EQ(s.faults[3].targets, (std::vector<std::string>{"broker 0"}));
  EXPECT_EQ(s.faults[3].other_side, (std::vector<std::string>{"broker 1", "broker 2"}));
  EXPECT_EQ(s.faults[4].kind, FaultSpec::Kind::kHeal);
  EXPECT_EQ(s.faults[4].at, sim::seconds(20));
  EXPECT_TRUE(s.faults[4].targets.empty());
  EXPECT_EQ(s.faults[4].line, 24);

  EXPECT_EQ(s.duration, sim::seconds(30));
  EXPECT_EQ(s.heal_for, sim::seconds(10));
  EXPECT_EQ(s.liveness_bound, sim::seconds(20));
  EXPECT_EQ(s.max_events, 100'000'000u);

  ASSERT_TRUE(s.expect.lost_writes && s.expect.duplicates && s.expect.inconsistent_offsets &&
              s.expect.order_violations && s.expect.acknowledged && s.expect.liveness);
  EXPECT_EQ(s.expect.lost_writes->str(), "== 0");
  EXPECT_EQ(s.expect.duplicates->str(), "> 0");
  EXPECT_EQ(s.expect.inconsistent_offsets->str(), "== 0");
  EXPECT_EQ(s.expect.order_violations->str(), "<= 2");
  EXPECT_EQ(s.expect.acknowledged->str(), ">= 1");
  EXPECT_TRUE(*s.expect.liveness);
}

TEST(ScenarioLoader, MinimalFileTakesTheDefaults) {
  LoadResult r = load("name: minimal\n");
  ASSERT_TRUE(r.ok()) << describe(r);
  const ScenarioSpec& s = r.spec();
  ScenarioSpec defaults;
  EXPECT_EQ(s.cluster.brokers, defaults.cluster.brokers);
  EXPECT_EQ(s.cluster.controllers, defaults.cluster.controllers);
  EXPECT_EQ(s.cluster.network.latency.kind, defaults.cluster.network.latency.kind);
  EXPECT_EQ(s.cluster.disk.crash_mode, defaults.cluster.disk.crash_mode);
  EXPECT_EQ(s.duration, defaults.duration);
  EXPECT_EQ(s.heal_for, defaults.heal_for);
  EXPECT_EQ(s.liveness_bound, defaults.liveness_bound);
  EXPECT_EQ(s.max_events, defaults.max_events);
  EXPECT_TRUE(s.topics.empty() && s.producers.empty() && s.consumers.empty() && s.faults.empty());
  EXPECT_FALSE(s.expect.lost_writes.has_value());
  EXPECT_FALSE(s.expect.liveness.has_value());
}

// The loader accepts every key `eddy list` describes (one table serves both), each into its
// own field.
TEST(ScenarioLoader, EveryListedExpectKeyLoadsIntoItsField) {
  std::string yaml = "name: expectations\nexpect:\n";
  int64_t n = 0;
  for (const ExpectKey& k : expect_keys()) {
    std::string value = k.count != nullptr                   ? std::to_string(++n)
                        : std::string_view(k.name) == "errors" ? std::string("{NOT_ENOUGH_REPLICAS: \"> 2\"}")
                                                               : std::string("true");
    yaml += std::string("  ") + k.name + ": " + value + "\n";
  }
  LoadResult r = load(yaml);
  ASSERT_TRUE(r.ok()) << describe(r);
  const ExpectSpec& e = r.spec().expect;
  n = 0;
  for (const ExpectKey& k : expect_keys()) {
    if (std::string_view(k.name) == "errors") {
      ASSERT_EQ(e.errors.count("NOT_ENOUGH_REPLICAS"), 1U);
      EXPECT_TRUE(e.errors.at("NOT_ENOUGH_REPLICAS").holds(3));
      EXPECT_FALSE(e.errors.at("NOT_ENOUGH_REPLICAS").holds(2));
      continue;
    }
    if (k.count == nullptr) {
      EXPECT_EQ(e.liveness, std::optional<bool>(true));
      continue;
    }
    ASSERT_TRUE((e.*k.count).has_value()) << k.name;
    EXPECT_TRUE((e.*k.count)->holds(++n)) << k.name;
    EXPECT_FALSE((e.*k.count)->holds(n + 1)) << k.name;
  }
  EXPECT_EQ(n, 60);  // 55 + txn_cycles, txn_write_cycles, pipeline_unexplained_duplicates, pipeline_mqtt_redelivered, kinesis_expired_unread
}

TEST(ScenarioLoader, RoleTargetsNemesisTargetsAndErrorExpectations) {
  LoadResult r = load(R"(name: roles
cluster: {brokers: 3, controllers: 3}
topics: [{name: orders, partitions: 2, replication_factor: 3}]
faults:
  - {at: 1s, for: 1s, kind: kill, target: "followers of orders/1"}
  - {at: 3s, for: 1s, kind: pause, target: ["isr of orders/0", "busiest leader"]}
nemesis: {kinds: [kill, isolate], targets: ["followers of orders/0"], one_at_a_time: true}
expect: {errors: {NOT_LEADER_OR_FOLLOWER: 0}, leaderless_ms: "< 20000"}
)");
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.spec().faults[0].targets, std::vector<std::string>{"followers of orders/1"});
  EXPECT_EQ(r.spec().faults[1].targets, (std::vector<std::string>{"isr of orders/0", "busiest leader"}));
  ASSERT_TRUE(r.spec().nemesis.has_value());
  EXPECT_TRUE(r.spec().nemesis->one_at_a_time);
  EXPECT_EQ(r.spec().nemesis->targets, std::vector<std::string>{"followers of orders/0"});
  auto error_of = [&](const std::string& yaml) {
    LoadResult bad = load(yaml);
    return bad.ok() ? std::string("(loaded)") : bad.error().str();
  };
  EXPECT_NE(error_of("name: x\ntopics: [{name: t, partitions: 1}]\nfaults: [{at: 1s, kind: kill, target: \"followers of t/3\"}]\n")
                .find("partition 3 of 't' does not exist"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nexpect: {errors: {NOT_A_KAFKA_ERROR: 1}}\n").find("unknown Kafka error 'NOT_A_KAFKA_ERROR'"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nexpect: {errors: 3}\n").find("expect.errors"), std::string::npos);
}

TEST(ScenarioLoader, ValueForms) {
  const char* yaml = R"(name: forms
cluster:
  brokers: 5
  controllers: 1
  network: {latency: "constant 2ms", bandwidth: 1GiB/s}
  disk: {bandwidth: 800Mbit/s}
topics: [{name: t, partitions: 2, replication_factor: 5, configs: {cleanup.policy: "delete,compact"}}]
producers:
  - {topic: t, message_size: 2MiB, keys: none, configs: {enable.idempotence: true, acks: -1, max.in.flight.requests.per.connection: 5}}
  - {topic: t, keys: "fixed 7", configs: {compression.type: zstd, delivery.timeout.ms: 120000}}
consumers: [{topic: t, count: 3, configs: {isolation.level: read_committed, enable.auto.commit: false}}]
faults:
  - {at: 0s, for: 500ms, kind: pause, target: ["active controller", "random broker", "controller 0"]}
  - {at: 1m, kind: kill-all, for: 2s}
  - {at: 90s, kind: partition, target: "broker   4", other_side: [broker 0, "leader of t/1"]}
duration: 2m
heal_for: 0s
expect: {lost_writes: "==0", duplicates: "< 3", liveness: false}
)";
  LoadResult r = load(yaml);
  ASSERT_TRUE(r.ok()) << describe(r);
  const ScenarioSpec& s = r.spec();
  EXPECT_EQ(s.cluster.network.latency.kind, LatencySpec::Kind::kConstant);
  EXPECT_EQ(s.cluster.network.latency.a, sim::milliseconds(2));
  EXPECT_EQ(s.cluster.network.bandwidth_bytes_per_s, int64_t{1} << 30);
  EXPECT_EQ(s.cluster.disk.bandwidth_bytes_per_s, 100'000'000);
  EXPECT_EQ(s.producers[0].message_bytes, 2 << 20);
  EXPECT_EQ(s.producers[0].keys.kind, KeySpec::Kind::kNone);
  EXPECT_EQ(s.producers[1].keys.kind, KeySpec::Kind::kFixedSet);
  EXPECT_EQ(s.producers[1].keys.count, 7);
  EXPECT_EQ(s.producers[0].configs.at("acks"), "-1");
  EXPECT_EQ(s.faults[0].targets, (std::vector<std::string>{"active controller", "random broker", "controller 0"}));
  EXPECT_EQ(s.faults[1].at, sim::seconds(60));
  EXPECT_EQ(s.faults[1].duration, sim::seconds(2));
  EXPECT_EQ(s.faults[2].targets, (std::vector<std::string>{"broker 4"}));  // canonical spelling
  EXPECT_EQ(s.faults[2].other_side, (std::vector<std::string>{"broker 0", "leader of t/1"}));
  EXPECT_EQ(s.duration, sim::seconds(120));
  EXPECT_EQ(s.heal_for, sim::Duration::zero());
  EXPECT_EQ(s.expect.lost_writes->str(), "== 0");
  EXPECT_EQ(s.expect.duplicates->str(), "< 3");
  EXPECT_FALSE(*s.expect.liveness);
}

constexpr const char* kZonesScenario = R"(name: zones
cluster:
  brokers: 3
  controllers: 3
  racks: [a, b, c]
  controller_racks: [a, b, c]
  network:
    latency: constant 1ms
    same_zone: {latency: constant 100us}
    cross_zone: {latency: "uniform 2ms 4ms", loss: 0.01}
    client: {bandwidth: 1Gbit/s}
  disk: {fsync_latency: 2ms}
  clock: {offset: -50ms, drift_ppm: 20}
  nodes:
    - {node: broker 2, disk: {fsync_latency: 80ms}}
    - {node: controller 0, clock: {drift_ppm: -300}}
topics: [{name: t, partitions: 2, replication_factor: 3}]
faults:
  - {at: 1s, for: 2s, kind: zone-outage, target: zone b}
  - {at: 2s, kind: clock-jump, target: all brokers, amount: -10s}
  - {at: 2s, for: 1s, kind: link-loss, target: broker 0, other_side: zone c, probability: 0.3}
  - {at: 3s, for: 1s, kind: delay-spike, target: broker 1, latency: constant 200ms}
  - {at: 3s, for: 1s, kind: throttle, target: broker 1, bandwidth: 1MB/s}
  - {at: 4s, for: 1s, kind: slow-disk, target: leader of t/1, factor: 20}
  - {at: 4s, kind: fault-points-on, activation: 0.5}
  - {at: 5s, kind: ring}
  - {at: 5s, kind: crash, target: coordinator of group g1}
nemesis: {kinds: [crash, pause, link-loss, clock-drift], interval: 2s, lasts_min: 500ms, lasts_max: 3s, swarm: true}
)";

TEST(ScenarioLoader, ZonesClocksNodesLinkClassesFaultsAndNemesis) {
  const char* yaml = kZonesScenario;
  LoadResult r = load(yaml);
  ASSERT_TRUE(r.ok()) << describe(r);
  const ScenarioSpec& s = r.spec();
  EXPECT_EQ(s.cluster.controller_racks, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(s.cluster.network_latency_set);
  ASSERT_TRUE(s.cluster.network_same_zone && s.cluster.network_cross_zone && s.cluster.network_client);
  EXPECT_EQ(s.cluster.network_same_zone->latency.a, sim::microseconds(100));
  EXPECT_EQ(s.cluster.network_cross_zone->latency.b, sim::milliseconds(4));
  EXPECT_DOUBLE_EQ(s.cluster.network_cross_zone->loss, 0.01);
  EXPECT_EQ(s.cluster.network_client->latency.a, sim::milliseconds(1));  // the cluster's, under the class's keys
  EXPECT_EQ(s.cluster.network_client->bandwidth_bytes_per_s, 125'000'000);
  EXPECT_EQ(s.cluster.clock.offset, sim::Duration::zero() - sim::milliseconds(50));
  EXPECT_EQ(s.cluster.clock.drift_ppm, 20);
  ASSERT_EQ(s.cluster.nodes.size(), 2u);
  EXPECT_EQ(s.cluster.nodes[0].node, "broker 2");
  EXPECT_EQ(s.cluster.nodes[0].disk->fsync_latency, sim::milliseconds(80));
  EXPECT_FALSE(s.cluster.nodes[0].clock.has_value());
  EXPECT_EQ(s.cluster.nodes[1].clock->drift_ppm, -300);
  EXPECT_EQ(s.cluster.nodes[1].clock->offset, sim::Duration::zero() - sim::milliseconds(50));  // inherited
  ASSERT_EQ(s.faults.size(), 9u);
  EXPECT_EQ(s.faults[0].kind, FaultSpec::Kind::kZoneOutage);
  EXPECT_EQ(s.faults[0].targets, (std::vector<std::string>{"zone b"}));
  EXPECT_EQ(s.faults[1].amount, sim::Duration::zero() - sim::seconds(10));
  EXPECT_EQ(s.faults[1].targets, (std::vector<std::string>{"all brokers"}));
  EXPECT_DOUBLE_EQ(s.faults[2].params.probability, 0.3);
  EXPECT_EQ(s.faults[2].other_side, (std::vector<std::string>{"zone c"}));
  EXPECT_EQ(s.faults[3].params.latency.a, sim::milliseconds(200));
  EXPECT_EQ(s.faults[4].params.bandwidth_bytes_per_s, 1'000'000);
  EXPECT_EQ(s.faults[5].params.factor, 20);
  EXPECT_DOUBLE_EQ(s.faults[6].params.activation, 0.5);
  EXPECT_DOUBLE_EQ(s.faults[6].params.probability, 0.05);  // Kafka-lab default for fault points
  EXPECT_EQ(s.faults[7].kind, FaultSpec::Kind::kRing);
  EXPECT_TRUE(s.faults[7].targets.empty());
  EXPECT_EQ(s.faults[8].targets, (std::vector<std::string>{"coordinator of group g1"}));
  ASSERT_TRUE(s.nemesis.has_value());
  EXPECT_EQ(s.nemesis->options.kinds.size(), 4u);
  EXPECT_EQ(s.nemesis->options.interval, sim::seconds(2));
  EXPECT_EQ(s.nemesis->options.lasts_min, sim::milliseconds(500));
  EXPECT_TRUE(s.nemesis->options.swarm);
}

// --- Malformed inputs: each fails at an exact place with a message saying what was expected.

struct BadCase {
  const char* name;
  const char* yaml;
  int line;
  int column;
  const char* message;  // a substring of the error message
};

class MalformedScenario : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedScenario, FailsAtTheRightPlace) {
  const BadCase& c = GetParam();
  LoadResult r = load(c.yaml);
  ASSERT_FALSE(r.ok()) << "loaded: " << c.yaml;
  EXPECT_EQ(r.error().file, "test.yaml");
  EXPECT_EQ(r.error().line, c.line) << r.error().str();
  EXPECT_EQ(r.error().column, c.column) << r.error().str();
  EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().str();
}

constexpr const char* kThreeBrokers = "name: x\ncluster: {brokers: 3, controllers: 3}\n";

const BadCase kBadCases[] = {
    {"UnknownTopLevelKey", "name: x\nbrokers: 3\n", 2, 1,
     "unknown key 'brokers' at the top level; expected one of: name, description, include, cluster"},
    {"UnknownNestedKey", "name: x\ncluster:\n  brokerz: 3\n", 3, 3,
     "unknown key 'brokerz' in cluster (did you mean 'brokers'?); expected one of: brokers, controllers"},
    {"UnknownNetworkKey", "name: x\ncluster:\n  network: {latency: constant 1ms, jitter: 1ms}\n", 3, 36,
     "unknown key 'jitter' in cluster.network"},
    {"WrongTypeInteger", "name: x\ncluster:\n  brokers: three\n", 3, 12,
     "cluster.brokers: expected an integer from 1 to 128, got 'three'"},
    {"QuotedInteger", "name: x\ncluster:\n  brokers: \"3\"\n", 3, 12, "write numbers without quotes"},
    {"BrokersOutOfRange", "name: x\ncluster:\n  brokers: 129\n", 3, 12, "expected an integer from 1 to 128, got 129"},
    {"EvenControllers", "name: x\ncluster:\n  controllers: 2\n", 3, 16, "expected 1, 3 or 5"},
    {"DurationWithoutUnit", "name: x\nduration: 30\n", 2, 11, "a duration needs a unit"},
    {"DurationUnknownUnit", "name: x\nduration: 30h\n", 2, 11, "unknown unit 'h'"},
    {"SizeUnknownUnit",
     "name: x\ntopics: [{name: t}]\nproducers:\n  - topic: t\n    message_size: 1kb\n", 5, 19,
     "expected a size like 1KiB or 512B"},
    {"RateWithoutUnit", "name: x\ntopics: [{name: t}]\nproducers:\n  - topic: t\n    rate: 1000\n", 5, 11,
     "a rate needs a unit"},
    {"BadLatencyForm", "name: x\ncluster:\n  network:\n    latency: gaussian 1ms 2ms\n", 4, 14,
     "expected a latency 'constant D', 'uniform MIN MAX'"},
    {"LatencyMinAboveMax", "name: x\ncluster:\n  network:\n    latency: uniform 5ms 1ms\n", 4, 14, "MIN <= MAX"},
    {"BadBandwidth", "name: x\ncluster:\n  network: {bandwidth: 10Gb/s}\n", 3, 24, "expected a bandwidth like 10Gbit/s"},
    {"BadKeys", "name: x\ntopics: [{name: t}]\nproducers:\n  - {topic: t, keys: zipf}\n", 4, 22,
     "expected keys 'none', 'uniform N', 'fixed N' or 'zipf N [EXPONENT]'"},
    {"ReplicationFactorAboveBrokers",
     "name: x\ncluster: {brokers: 3}\ntopics:\n  - {name: t, replication_factor: 4}\n", 4, 35,
     "expected at most 3 (cluster.brokers"},
    {"MinInsyncAboveReplicationFactor",
     "name: x\ntopics:\n  - name: t\n    replication_factor: 2\n    configs: {min.insync.replicas: 3}\n", 5, 36,
     "min.insync.replicas: expected at most the replication factor (2"},
    {"BrokerMinInsyncAboveTopicReplicationFactor",
     "name: x\ncluster:\n  broker_configs: {min.insync.replicas: 2}\ntopics: [{name: t, replication_factor: 1}]\n", 3,
     41, "replication factor 1 of topic 't'"},
    {"DuplicateTopic", "name: x\ntopics:\n  - {name: t}\n  - {name: t}\n", 4, 12, "topic 't' is declared twice"},
    {"UnknownTopicInProducer", "name: x\ntopics: [{name: orders}]\nproducers: [{topic: order}]\n", 3, 21,
     "unknown topic 'order' (did you mean 'orders'?); expected one of the topics declared under topics: orders"},
    {"UnknownTopicInConsumer", "name: x\nconsumers:\n  - topic: t\n", 3, 12, "unknown topic 't'"},
    {"UnknownFaultKind", "name: x\nfaults:\n  - {at: 1s, kind: explode, target: \"broker 0\"}\n", 3, 20,
     "unknown fault kind 'explode'; expected one of: crash, kill, restart"},
    {"BadTargetForm", "name: x\nfaults:\n  - {at: 1s, kind: crash, target: \"node 1\"}\n", 3, 35,
     "expected a target 'broker N', 'controller N', 'leader of TOPIC/PARTITION'"},
    {"TargetBrokerOutOfRange", "name: x\ncluster: {brokers: 3}\nfaults:\n  - {at: 1s, kind: crash, target: \"broker 3\"}\n",
     4, 35, "broker 3 does not exist; expected broker 0 to 2"},
    {"TargetControllerOutOfRange",
     "name: x\ncluster: {controllers: 1}\nfaults:\n  - {at: 1s, kind: pause, target: [\"controller 1\"]}\n", 4, 36,
     "controller 1 does not exist"},
    {"LeaderOfMissingPartition",
     "name: x\ntopics: [{name: orders, partitions: 12}]\nfaults:\n  - {at: 1s, kind: crash, target: leader of orders/12}\n",
     4, 35, "partition 12 of 'orders' does not exist; expected a partition from 0 to 11"},
    {"LeaderOfUnknownTopic", "name: x\nfaults:\n  - {at: 1s, kind: crash, target: leader of nope/0}\n", 3, 35,
     "unknown topic 'nope'"},
    {"UnknownProducerConfig",
     "name: x\ntopics: [{name: t}]\nproducers:\n  - topic: t\n    configs: {ack: all}\n", 5, 15,
     "unknown producer config 'ack' in producers[0].configs (did you mean 'acks'?)"},
    {"UnknownBrokerConfig", "name: x\ncluster:\n  broker_configs:\n    log.segment.size: 1024\n", 4, 5,
     "unknown broker config 'log.segment.size'"},
    {"BadAcks", "name: x\ntopics: [{name: t}]\nproducers:\n  - topic: t\n    configs:\n      acks: 2\n", 6, 13,
     "acks: expected one of all, -1, 0, 1, got '2'"},
    {"ConfigWrongType", "name: x\ntopics: [{name: t, configs: {unclean.leader.election.enable: maybe}}]\n", 2, 62,
     "expected true or false, got 'maybe'"},
    {"ConfigValueIsAMap", "name: x\ntopics: [{name: t, configs: {retention.ms: {a: 1}}}]\n", 2, 44,
     "expected a single value"},
    {"IdempotenceWithAcksOne",
     "name: x\ntopics: [{name: t}]\nproducers:\n  - topic: t\n    configs: {enable.idempotence: true, acks: 1}\n", 5, 47,
     "needs acks all"},
    {"HeartbeatNotBelowSession",
     "name: x\ntopics: [{name: t}]\nconsumers:\n  - topic: t\n    configs: {session.timeout.ms: 6000, heartbeat.interval.ms: 6000}\n",
     5, 64, "expected less than session.timeout.ms (6000)"},
    {"AutoCommitWithoutGroup",
     "name: x\ntopics: [{name: t}]\nconsumers:\n  - topic: t\n    configs: {enable.auto.commit: true}\n", 5, 35,
     "expected group.id to be set"},
    {"YamlSyntaxError", "name: x\ntopics: [a, b\n", 3, 1, "invalid YAML: end of sequence flow not found; expected a ']'"},
    {"YamlIllegalMapValue", "name: x\nduration: a: b\n", 2, 12, "invalid YAML: illegal map value"},
    {"YamlStrayComma", ",name: x\n", 1, 1, "invalid YAML: unexpected ','"},
    {"YamlBadIndentation", "name: x\ncluster:\n    brokers: 3\n  controllers: 3\n", 4, 3, "invalid YAML"},
    {"EmptyFile", "", 1, 1, "the scenario is empty; expected a map of scenario settings"},
    {"CommentsOnly", "# nothing here\n", 1, 1, "the scenario is empty"},
    {"DocumentIsAList", "- name: x\n- cluster: {}\n", 1, 1, "expected a map of scenario settings"},
    {"DocumentIsAScalar", "hello\n", 1, 1, "expected a map of scenario settings"},
    {"TwoDocuments", "name: x\n---\nname: y\n", 2, 1, "expected exactly one document"},
    {"MissingName", "cluster: {brokers: 3}\n", 1, 1, "missing required key 'name' at the top level"},
    {"BadName", "name: Acks All\n", 1, 7, "expected a name of 1 to 128 characters from [a-z0-9._-]"},
    {"DuplicateKey", "name: x\nduration: 5s\nduration: 6s\n", 3, 1, "duplicate key 'duration' (first written at line 2)"},
    {"RacksCountMismatch", "name: x\ncluster:\n  brokers: 3\n  racks: [a, b]\n", 4, 10, "expected one rack per broker (3), got 2"},
    {"FaultAtBeyondDuration", "name: x\nduration: 10s\nfaults:\n  - {at: 12s, kind: heal}\n", 4, 10,
     "expected a time within the fault phase (at most duration: 10s), got 12s"},
    {"FaultsNotAList", "name: x\nfaults: {at: 1s, kind: heal}\n", 2, 9, "faults: expected a list of fault entries, got a map"},
    {"FaultMissingAt", "name: x\nfaults:\n  - kind: heal\n", 3, 5, "missing required key 'at' in faults[0]"},
    {"HealTakesNoTarget", "name: x\nfaults:\n  - {at: 1s, kind: heal, target: \"broker 0\"}\n", 3, 34,
     "'heal' acts on the whole cluster; expected no target"},
    {"CrashNeedsTarget", "name: x\nfaults:\n  - {at: 1s, kind: crash}\n", 3, 5, "missing required key 'target'"},
    {"ForOnRestart", "name: x\nfaults:\n  - {at: 1s, for: 2s, kind: restart, target: \"broker 0\"}\n", 3, 19,
     "'restart' is not undone later, so it takes no 'for'"},
    {"OtherSideOnCrash",
     "name: x\nfaults:\n  - {at: 1s, kind: crash, target: \"broker 0\", other_side: [\"broker 1\"]}\n", 3, 59,
     "only partition, one-way and link faults have another side"},
    {"PartitionNeedsOtherSide", "name: x\nfaults:\n  - {at: 1s, kind: partition, target: broker 0}\n", 3, 5,
     "missing required key 'other_side'; expected both sides of a partition"},
    {"PartitionSidesOverlap",
     "name: x\nfaults:\n  - {at: 1s, kind: partition, target: [broker 0, broker 1], other_side: [broker 1]}\n", 3,
     74, "'broker 1' is on both sides of the partition"},
    {"BadExpectationOperator", "name: x\nexpect: {duplicates: \"!= 0\"}\n", 2, 22,
     "expected a count (an integer >= 0, meaning ==) or a comparison 'OP N'"},
    {"ImpossibleExpectation", "name: x\nexpect: {lost_writes: \"< 0\"}\n", 2, 23, "never does"},
    {"UnknownExpectation", "name: x\nexpect: {lost: 0}\n", 2, 10, "unknown key 'lost' in expect"},
    {"LivenessNotABool", "name: x\nexpect: {liveness: yes}\n", 2, 20, "expect.liveness: expected true or false, got 'yes'"},
    {"LossOutOfRange", "name: x\ncluster: {network: {loss: 1.5}}\n", 2, 27, "expected a number from 0 to 1, got 1.5"},
    {"UnknownCrashMode", "name: x\ncluster: {disk: {crash_mode: melt}}\n", 2, 30,
     "expected one of lose-unsynced, keep-prefix, torn-last-sector"},
    {"YamlTag", "name: x\nduration: !!int 5\n", 2, 11, "YAML tag '!!int' is not supported"},
    {"TopicsNotAList", "name: x\ntopics: orders\n", 2, 9, "topics: expected a list of topic entries, got 'orders'"},
    {"NullValue", "name: x\ncluster:\n  brokers:\n", 3, 3, "cluster.brokers: expected an integer from 1 to 128, got nothing"},
    {"TargetNodeOutOfRangeInOtherSide",
     "name: x\ncluster: {brokers: 2}\nfaults:\n  - {at: 1s, kind: partition, target: broker 0, other_side: [broker 2]}\n",
     4, 62, "broker 2 does not exist"},
    // Zones, link classes, clocks, per-node models, the fault catalogue and the nemesis.
    {"ControllerRacksCount", "name: x\ncluster: {controllers: 3, controller_racks: [a, b]}\n", 2, 45,
     "expected one rack per controller (3), got 2"},
    {"LinkClassWithoutZones", "name: x\ncluster:\n  network:\n    cross_zone: {latency: constant 2ms}\n", 4, 17,
     "cluster.network.cross_zone: the cluster has no zones; expected cluster.racks"},
    {"UnknownLinkClassKey", "name: x\ncluster:\n  network:\n    client: {jitter: 1ms}\n", 4, 14,
     "unknown key 'jitter' in cluster.network.client"},
    {"ClockDriftOutOfRange", "name: x\ncluster:\n  clock: {drift_ppm: -1000000}\n", 3, 22,
     "cluster.clock.drift_ppm: expected an integer from -999999 to 1000000"},
    {"ClockOffsetWithoutUnit", "name: x\ncluster:\n  clock: {offset: -5}\n", 3, 19, "a duration needs a unit"},
    {"NodeOverrideUnknownNode", "name: x\ncluster:\n  nodes:\n    - {node: broker 7, clock: {offset: 1s}}\n", 4, 14,
     "broker 7 does not exist"},
    {"NodeOverrideNotAServer", "name: x\ncluster:\n  nodes:\n    - {node: random broker, clock: {offset: 1s}}\n", 4,
     14, "expected one server, 'broker N' or 'controller N'"},
    {"NodeOverrideTwice",
     "name: x\ncluster:\n  nodes:\n    - {node: broker 1, clock: {offset: 1s}}\n    - {node: broker   1, disk: "
     "{fsync_latency: 5ms}}\n",
     5, 14, "'broker 1' has two entries"},
    {"NodeOverrideEmpty", "name: x\ncluster:\n  nodes:\n    - {node: broker 1}\n", 4, 7, "expected a disk or a clock"},
    {"ZoneTargetWithoutZones", "name: x\nfaults:\n  - {at: 1s, kind: zone-outage, target: zone a}\n", 3, 41,
     "the cluster has no zones"},
    {"UnknownZone",
     "name: x\ncluster: {racks: [a, b, c]}\nfaults:\n  - {at: 1s, kind: zone-outage, target: zone d}\n", 4, 41,
     "unknown zone 'd'; expected one of the zones in cluster.racks and cluster.controller_racks: a, b, c"},
    {"ZoneOutageNeedsAZone", "name: x\ncluster: {racks: [a, b, c]}\nfaults:\n  - {at: 1s, kind: zone-outage, target: broker 1}\n",
     4, 41, "'zone-outage' takes one zone; expected a target like 'zone a'"},
    {"FaultParamMissing", "name: x\nfaults:\n  - {at: 1s, kind: link-loss, target: broker 1}\n", 3, 5,
     "missing required key 'probability' for a 'link-loss' fault; expected a probability from 0 to 1"},
    {"FaultParamNotForKind", "name: x\nfaults:\n  - {at: 1s, kind: crash, target: broker 1, factor: 3}\n", 3, 53,
     "faults[0].factor: 'crash' takes no factor; expected no parameters"},
    {"FaultParamWrongKindOfParam", "name: x\nfaults:\n  - {at: 1s, kind: slow-disk, target: broker 1, probability: 0.5}\n",
     3, 62, "'slow-disk' takes no probability; expected only factor"},
    {"SlowDiskFactorTooSmall", "name: x\nfaults:\n  - {at: 1s, kind: slow-disk, target: broker 1, factor: 1}\n", 3, 57,
     "faults[0].factor: expected an integer from 2 to 1000000, got 1"},
    {"ClockJumpBadAmount", "name: x\nfaults:\n  - {at: 1s, kind: clock-jump, target: broker 1, amount: soon}\n", 3, 58,
     "faults[0].amount: expected a duration like 250ms or 2s"},
    {"DelaySpikeBadLatency",
     "name: x\nfaults:\n  - {at: 1s, kind: delay-spike, target: broker 1, latency: \"uniform 5ms 1ms\"}\n", 3, 60,
     "MIN <= MAX"},
    {"ThrottleBadBandwidth", "name: x\nfaults:\n  - {at: 1s, kind: throttle, target: broker 1, bandwidth: fast}\n", 3, 59,
     "expected a bandwidth like 10Gbit/s"},
    {"FaultKindTypo", "name: x\nfaults:\n  - {at: 1s, kind: slow-disc, target: broker 1}\n", 3, 20,
     "unknown fault kind 'slow-disc' (did you mean 'slow-disk'?)"},
    {"ForOnCorrupt", "name: x\nfaults:\n  - {at: 1s, for: 1s, kind: corrupt, target: broker 1}\n", 3, 19,
     "'corrupt' is not undone later, so it takes no 'for'"},
    {"TargetOnFaultPoints", "name: x\nfaults:\n  - {at: 1s, kind: fault-points-on, target: broker 1}\n", 3, 45,
     "'fault-points-on' acts on the whole cluster; expected no target"},
    {"OneWayNeedsOtherSide", "name: x\nfaults:\n  - {at: 1s, kind: one-way, target: broker 0}\n", 3, 5,
     "missing required key 'other_side'; expected both sides of a one-way"},
    {"BadCoordinatorTarget", "name: x\nfaults:\n  - {at: 1s, kind: crash, target: coordinator of g}\n", 3, 35,
     "'coordinator of group G'"},
    {"ProducerTargetOnACrash",
     "name: x\ntopics: [{name: t}]\nproducers: [{topic: t}]\nfaults:\n  - {at: 1s, kind: crash, target: producer 0}\n", 5,
     35, "'producer 0' is a client; expected a broker or controller target for a 'crash' fault"},
    {"ProducerTargetOutOfRange",
     "name: x\ntopics: [{name: t}]\nproducers: [{topic: t}]\nfaults:\n"
     "  - {at: 1s, for: 1s, kind: one-way, target: broker 0, other_side: producer 1}\n",
     5, 68, "producer 1 does not exist; expected producer 0 to 0 (the producers' total count is 1)"},
    {"NemesisWithoutKinds", "name: x\nnemesis: {interval: 1s}\n", 2, 10, "missing required key 'kinds' in nemesis"},
    {"NemesisKindItCannotDraw", "name: x\nnemesis: {kinds: [crash, zone-outage]}\n", 2, 26,
     "nemesis.kinds[1]: a nemesis cannot draw 'zone-outage'"},
    {"NemesisKindTwice", "name: x\nnemesis: {kinds: [crash, crash]}\n", 2, 26, "'crash' is listed twice"},
    {"NemesisLastsInverted", "name: x\nnemesis: {kinds: [pause], lasts_min: 5s, lasts_max: 1s}\n", 2, 53,
     "nemesis.lasts_max: expected at least lasts_min (5"},
    {"NemesisSwarmNotABool", "name: x\nnemesis: {kinds: [pause], swarm: on}\n", 2, 34,
     "nemesis.swarm: expected true or false, got 'on'"},
    {"NemesisUnknownKey", "name: x\nnemesis: {kinds: [pause], rate: 1/s}\n", 2, 27, "unknown key 'rate' in nemesis"},
};

INSTANTIATE_TEST_SUITE_P(Errors, MalformedScenario, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& case_info) { return std::string(case_info.param.name); });

TEST(ScenarioLoader, ErrorStringHasFileLineColumn) {
  LoadResult r = load(kThreeBrokers + std::string("duration: 30\n"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().str().rfind("test.yaml:3:11: error: duration: a duration needs a unit", 0), 0u) << r.error().str();
  ScenarioError whole_file{"missing.yaml", 0, 0, "cannot read the scenario file"};
  EXPECT_EQ(whole_file.str(), "missing.yaml: error: cannot read the scenario file");
}

TEST(ScenarioLoader, CountExpectationHoldsAndPrints) {
  using Op = CountExpectation::Op;
  EXPECT_TRUE((CountExpectation{Op::kEq, 0}).holds(0));
  EXPECT_FALSE((CountExpectation{Op::kEq, 0}).holds(1));
  EXPECT_TRUE((CountExpectation{Op::kGt, 0}).holds(1));
  EXPECT_FALSE((CountExpectation{Op::kGt, 0}).holds(0));
  EXPECT_TRUE((CountExpectation{Op::kGe, 2}).holds(2));
  EXPECT_FALSE((CountExpectation{Op::kGe, 2}).holds(1));
  EXPECT_TRUE((CountExpectation{Op::kLt, 3}).holds(2));
  EXPECT_FALSE((CountExpectation{Op::kLt, 3}).holds(3));
  EXPECT_TRUE((CountExpectation{Op::kLe, 3}).holds(3));
  EXPECT_FALSE((CountExpectation{Op::kLe, 3}).holds(4));
  EXPECT_EQ((CountExpectation{Op::kGe, 7}).str(), ">= 7");
  EXPECT_EQ((CountExpectation{Op::kLt, 1}).str(), "< 1");
  EXPECT_EQ((CountExpectation{}).str(), "== 0");
}

// Text that is not UTF-8 cannot be written into summary.json: on main a description or a
// group.id with such bytes aborted the run after its directory was half written.
TEST(ScenarioLoader, TextThatIsNotValidUtf8IsALocatedError) {
  struct Case {
    std::string yaml;
    int line, column;
  };
  for (const Case& c : std::vector<Case>{
           {"name: x\ndescription: \"caf\xe9\"\n", 2, 14},
           {"name: x\ntopics: [{name: t}]\nconsumers:\n  - {topic: t, configs: {group.id: g\xff}}\n", 4, 36},
           {"name: x\n\xc0\xaf: 1\n", 2, 1},                            // overlong '/'
           {"name: \"\xed\xa0\x80\"\n", 1, 7},                          // a surrogate
           {"name: x\ndescription: \"\xf4\x90\x80\x80\"\n", 2, 14},  // above U+10FFFF
           {"name: x\ndescription: \"cut \xe2\x82\"\n", 2, 14},        // a sequence cut short
       }) {
    LoadResult r = load(c.yaml);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.error().line, c.line) << r.error().str();
    EXPECT_EQ(r.error().column, c.column) << r.error().str();
    EXPECT_NE(r.error().message.find("not valid UTF-8"), std::string::npos) << r.error().str();
  }
  LoadResult ok = load("name: x\ndescription: \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\x8a\"\n");
  EXPECT_TRUE(ok.ok()) << describe(ok);
}

TEST(ScenarioLoader, AFileNameThatIsNotValidUtf8IsAnError) {
  ScratchDir scratch;
  fs::path bad = scratch.path() / "sc\xff.yaml";
  write_file(bad, "name: x\n");
  LoadResult r = load_scenario_file(bad.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("name is not valid UTF-8"), std::string::npos) << r.error().str();
}

// A ring of 3 nodes or fewer cuts nothing (every node reaches a majority): on main it loaded
// and silently did nothing.
TEST(ScenarioLoader, ARingOfThreeNodesOrFewerIsAnError) {
  auto with = [](const std::string& cluster, const std::string& fault) {
    return load("name: r\ncluster: " + cluster + "\nduration: 10s\nfaults:\n  - " + fault + "\n");
  };
  const std::string three = R"({at: 1s, for: 1s, kind: ring, target: ["broker 0", "broker 1", "broker 2"]})";
  LoadResult r = with("{brokers: 5, controllers: 3}", three);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 5);
  EXPECT_EQ(r.error().column, 43);
  EXPECT_NE(r.error().message.find("faults[0].target: a ring of 3 node(s) cuts nothing"), std::string::npos)
      << r.error().str();
  EXPECT_FALSE(with("{brokers: 3, controllers: 1}", R"({at: 1s, kind: ring, target: "all brokers"})").ok());
  LoadResult small = with("{brokers: 2, controllers: 1}", "{at: 1s, kind: ring}");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message.find("in the cluster (brokers + controllers)"), std::string::npos) << small.error().str();
  LoadResult nemesis = load("name: r\ncluster: {brokers: 2, controllers: 1}\nduration: 10s\nnemesis: {kinds: [ring]}\n");
  ASSERT_FALSE(nemesis.ok());
  EXPECT_NE(nemesis.error().message.find("nemesis.kinds[0]: a ring over the 3 servers cuts nothing"), std::string::npos)
      << nemesis.error().str();
  // Four nodes or more, or a zone (known only when the run starts), load.
  EXPECT_TRUE(with("{brokers: 5, controllers: 3}", R"({at: 1s, kind: ring, target: ["broker 0", "broker 1", "broker 2", "controller 0"]})").ok());
  EXPECT_TRUE(with("{brokers: 3, controllers: 1}", "{at: 1s, kind: ring}").ok());
}

// --- Files and includes.

TEST(ScenarioInclude, LoadsAFileAndNamesIt) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "full.yaml", kFullScenario);
  LoadResult r = load_scenario_file((dir / "full.yaml").string());
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.spec().file, (dir / "full.yaml").string());
  EXPECT_EQ(r.spec().faults.size(), 5u);
}

TEST(ScenarioInclude, MissingFileIsAnErrorWithoutPosition) {
  LoadResult r = load_scenario_file("/nonexistent/eddy/scenario.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 0);
  EXPECT_EQ(r.error().str().rfind("/nonexistent/eddy/scenario.yaml: error: cannot read the scenario file", 0), 0u)
      << r.error().str();
}

TEST(ScenarioInclude, OverridesMergeMapsAndReplaceLists) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  fs::create_directories(dir / "base");
  write_file(dir / "base" / "root.yaml", "name: root\nduration: 20s\ncluster: {brokers: 5}\n");
  write_file(dir / "base" / "common.yaml", R"(include: root.yaml
name: common
cluster:
  controllers: 1
  network: {latency: "constant 1ms", loss: 0.1}
topics: [{name: a}, {name: b}]
faults: [{at: 1s, kind: heal}, {at: 2s, kind: heal}]
)");
  write_file(dir / "child.yaml", R"(include: base/common.yaml
name: child
cluster:
  network: {loss: 0.2}
faults:
  - {at: 3s, kind: crash, target: "broker 4"}
)");
  LoadResult r = load_scenario_file((dir / "child.yaml").string());
  ASSERT_TRUE(r.ok()) << describe(r);
  const ScenarioSpec& s = r.spec();
  EXPECT_EQ(s.name, "child");
  EXPECT_EQ(s.duration, sim::seconds(20));                                // from root.yaml, two levels down
  EXPECT_EQ(s.cluster.brokers, 5);                                        // root.yaml
  EXPECT_EQ(s.cluster.controllers, 1);                                    // common.yaml
  EXPECT_EQ(s.cluster.network.latency.kind, LatencySpec::Kind::kConstant);  // common.yaml, merged map
  EXPECT_DOUBLE_EQ(s.cluster.network.loss, 0.2);                          // child.yaml overrides
  ASSERT_EQ(s.topics.size(), 2u);                                         // common.yaml
  ASSERT_EQ(s.faults.size(), 1u);                                         // child.yaml's list replaces
  EXPECT_EQ(s.faults[0].kind, FaultSpec::Kind::kCrash);
  EXPECT_EQ(s.faults[0].line, 6);
}

TEST(ScenarioInclude, CycleIsAnError) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "a.yaml", "include: b.yaml\nname: a\n");
  write_file(dir / "b.yaml", "name: b\ninclude: a.yaml\n");
  LoadResult r = load_scenario_file((dir / "a.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "b.yaml").string());
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().column, 10);
  EXPECT_NE(r.error().message.find("include: cycle"), std::string::npos) << r.error().str();
  EXPECT_NE(r.error().message.find("expected includes that never lead back"), std::string::npos) << r.error().str();
}

TEST(ScenarioInclude, SelfIncludeIsACycle) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "self.yaml", "name: s\ninclude: ./self.yaml\n");
  LoadResult r = load_scenario_file((dir / "self.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().column, 10);
  EXPECT_NE(r.error().message.find("include: cycle"), std::string::npos) << r.error().str();
}

TEST(ScenarioInclude, MissingIncludedFile) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "main.yaml", "name: m\ninclude: nowhere.yaml\n");
  LoadResult r = load_scenario_file((dir / "main.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "main.yaml").string());
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().column, 10);
  EXPECT_NE(r.error().message.find("include: cannot read '" + (dir / "nowhere.yaml").string()), std::string::npos)
      << r.error().str();
}

TEST(ScenarioInclude, ErrorInsideAnIncludedFileNamesThatFile) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "base.yaml", "name: base\ncluster:\n  brokers: 3\n  racks: [a, b, c]\n  disk: {fsync_latency: 1}\n");
  write_file(dir / "main.yaml", "include: base.yaml\nname: main\n");
  LoadResult r = load_scenario_file((dir / "main.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "base.yaml").string());
  EXPECT_EQ(r.error().line, 5);
  EXPECT_EQ(r.error().column, 25);
  EXPECT_NE(r.error().message.find("cluster.disk.fsync_latency: a duration needs a unit"), std::string::npos)
      << r.error().str();
}

TEST(ScenarioInclude, SyntaxErrorInsideAnIncludedFileNamesThatFile) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "base.yaml", "name: base\ntopics: [{name: a}\n");
  write_file(dir / "main.yaml", "include: base.yaml\nname: main\n");
  LoadResult r = load_scenario_file((dir / "main.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "base.yaml").string());
  EXPECT_NE(r.error().message.find("invalid YAML"), std::string::npos) << r.error().str();
}

TEST(ScenarioInclude, CrossChecksSeeMergedValues) {
  // The base's racks match its 3 brokers; the override changes brokers, so racks no longer match,
  // and the error points at the racks in the base file.
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "base.yaml", "name: base\ncluster:\n  brokers: 3\n  racks: [a, b, c]\n");
  write_file(dir / "main.yaml", "include: base.yaml\nname: main\ncluster: {brokers: 4}\n");
  LoadResult r = load_scenario_file((dir / "main.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "base.yaml").string());
  EXPECT_EQ(r.error().line, 4);
  EXPECT_EQ(r.error().column, 10);
  EXPECT_NE(r.error().message.find("expected one rack per broker (4), got 3"), std::string::npos) << r.error().str();
}

TEST(ScenarioInclude, DepthIsLimitedToEight) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "f9.yaml", "name: deepest\n");
  for (int i = 0; i < 9; ++i) {
    write_file(dir / ("f" + std::to_string(i) + ".yaml"), "include: f" + std::to_string(i + 1) + ".yaml\n");
  }
  // f1 includes 8 levels (f2..f9): allowed.
  LoadResult ok = load_scenario_file((dir / "f1.yaml").string());
  EXPECT_TRUE(ok.ok()) << describe(ok);
  // f0 would need 9.
  LoadResult r = load_scenario_file((dir / "f0.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "f8.yaml").string());
  EXPECT_EQ(r.error().line, 1);
  EXPECT_EQ(r.error().column, 10);
  EXPECT_NE(r.error().message.find("more than 8 nested includes"), std::string::npos) << r.error().str();
}

// include: reads only inside the top-level file's tree, the current directory's and the
// LoadOptions roots (tests run in the build tree, so scratch directories are outside it).
TEST(ScenarioInclude, OutsideTheRootsNothingIsReadOrQuoted) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  fs::create_directories(dir / "tree/sub");
  fs::create_directories(dir / "elsewhere");
  write_file(dir / "elsewhere/base.yaml", "name: secret-name-42\nduration: 3s\n");
  write_file(dir / "tree/sub/inside.yaml", "name: inside\nduration: 4s\n");
  fs::create_symlink(dir / "elsewhere/base.yaml", dir / "tree/link.yaml");
  write_file(dir / "tree/main.yaml", "include: ../elsewhere/base.yaml\nname: main\n");
  LoadResult r = load_scenario_file((dir / "tree/main.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "tree/main.yaml").string());
  EXPECT_EQ(r.error().line, 1);
  EXPECT_EQ(r.error().column, 10);
  EXPECT_NE(r.error().message.find("resolves to " + (dir / "elsewhere/base.yaml").string()), std::string::npos)
      << r.error().str();
  EXPECT_EQ(r.error().str().find("secret-name-42"), std::string::npos);

  write_file(dir / "tree/main.yaml", "include: link.yaml\nname: main\n");
  LoadResult via_link = load_scenario_file((dir / "tree/main.yaml").string());
  ASSERT_FALSE(via_link.ok()) << "a symlink in the tree does not carry the include out of it";
  EXPECT_NE(via_link.error().message.find("outside the directories"), std::string::npos) << via_link.error().str();

  write_file(dir / "tree/main.yaml", "include: sub/inside.yaml\nname: main\n");
  EXPECT_TRUE(load_scenario_file((dir / "tree/main.yaml").string()).ok());

  write_file(dir / "tree/main.yaml", "include: ../elsewhere/base.yaml\nname: main\n");
  LoadResult widened = load_scenario_file((dir / "tree/main.yaml").string(), LoadOptions{{(dir / "elsewhere").string()}});
  ASSERT_TRUE(widened.ok()) << describe(widened);
  EXPECT_EQ(widened.spec().duration, sim::seconds(3));

  LoadResult top = load_scenario_file((dir / "tree/link.yaml").string());
  ASSERT_FALSE(top.ok()) << "the top-level file may not be a symlink out of its tree";
  EXPECT_EQ(top.error().str().find("secret-name-42"), std::string::npos);
}

TEST(ScenarioInclude, AnIncludedFileThatIsNotAScenarioIsNotQuoted) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / ".env", "API_KEY=sk-live-secret\nOTHER=1\n");
  write_file(dir / "main.yaml", "include: .env\nname: main\n");
  LoadResult r = load_scenario_file((dir / "main.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("got a single value (not shown)"), std::string::npos) << r.error().str();
  EXPECT_EQ(r.error().str().find("sk-live"), std::string::npos) << r.error().str();
}

TEST(ScenarioInclude, TextIncludesResolveRelativeToTheDisplayName) {
  ScratchDir scratch;
  const fs::path& dir = scratch.path();
  write_file(dir / "base.yaml", "name: base\nduration: 3s\n");
  LoadResult r = load_scenario_text("include: base.yaml\nname: text\n", (dir / "virtual.yaml").string());
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.spec().duration, sim::seconds(3));
  EXPECT_EQ(r.spec().file, (dir / "virtual.yaml").string());
}

// --- Garbage never crashes the loader.

class XorShift64 {
 public:
  explicit XorShift64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }

 private:
  uint64_t state_;
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l;
  return out;
}

std::string mutate(const std::string& original, XorShift64& rng) {
  static constexpr char kInteresting[] = ":-[]{},\"'&*!|>#%@`\t\n ?0123456789abcxyz/\\~";
  std::string text = original;
  int steps = 1 + static_cast<int>(rng.below(4));
  for (int s = 0; s < steps && !text.empty(); ++s) {
    switch (rng.below(7)) {
      case 0: text[rng.below(text.size())] = static_cast<char>(rng.next() & 0xff); break;  // any byte
      case 1: text[rng.below(text.size())] = kInteresting[rng.below(sizeof kInteresting - 1)]; break;
      case 2: text.resize(rng.below(text.size())); break;  // truncation
      case 3: {                                            // duplicated line
        std::vector<std::string> lines = split_lines(text);
        size_t i = rng.below(lines.size());
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(rng.below(lines.size() + 1)), lines[i]);
        text = join(lines);
        break;
      }
      case 4: {  // deleted line
        std::vector<std::string> lines = split_lines(text);
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(rng.below(lines.size())));
        text = join(lines);
        break;
      }
      case 5: text.insert(rng.below(text.size() + 1), 1, kInteresting[rng.below(sizeof kInteresting - 1)]); break;
      case 6: text.erase(rng.below(text.size()), 1 + rng.below(8)); break;
    }
  }
  return text;
}

class ScenarioLoaderFuzz : public ::testing::TestWithParam<const char*> {};

INSTANTIATE_TEST_SUITE_P(Files, ScenarioLoaderFuzz, ::testing::Values(kFullScenario, kZonesScenario));

TEST_P(ScenarioLoaderFuzz, MutatedFilesNeverCrashTheLoader) {
  const std::string original = GetParam();
  XorShift64 rng(0x9e3779b97f4a7c15ULL);
  int loaded = 0;
  int failed = 0;
  constexpr int kMutations = 2000;
  for (int i = 0; i < kMutations; ++i) {
    std::string text = mutate(original, rng);
    LoadResult r = load_scenario_text(text, "fuzz.yaml");
    if (r.ok()) {
      ++loaded;
      continue;
    }
    ++failed;
    const ScenarioError& e = r.error();
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    ASSERT_GE(e.line, 1) << "mutation " << i << ": " << e.str() << "\n" << text;
    ASSERT_LE(e.line, lines + 1) << "mutation " << i << ": " << e.str() << "\n" << text;
    ASSERT_GE(e.column, 1) << "mutation " << i << ": " << e.str() << "\n" << text;
    ASSERT_EQ(e.file, "fuzz.yaml");
    ASSERT_FALSE(e.message.empty());
    ASSERT_EQ(e.message.find("internal error"), std::string::npos) << "mutation " << i << ": " << e.str() << "\n" << text;
  }
  // Both outcomes occur: the mutations are neither all harmless nor all fatal.
  EXPECT_GT(loaded, 0);
  EXPECT_GT(failed, kMutations / 2);
}

TEST(ScenarioLoaderHostile, HostileYamlIsRejectedNotExpanded) {
  // An alias that contains itself, a billion-laughs expansion and very deep nesting.
  LoadResult cyclic = load("name: x\ntopics: &a [*a]\n");
  ASSERT_FALSE(cyclic.ok());
  EXPECT_GE(cyclic.error().line, 1);

  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    laughs += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
              ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  LoadResult big = load(laughs);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("more than"), std::string::npos) << big.error().str();

  LoadResult deep = load("name: x\ncluster: " + std::string(5000, '[') + std::string(5000, ']') + "\n");
  ASSERT_FALSE(deep.ok());
  EXPECT_GE(deep.error().line, 1);
}

}  // namespace
}  // namespace scenarios

namespace scenarios {
namespace {

TEST(ScenarioLoaderEngine, EngineAndCpuLoadAndAnUnknownEngineIsAnErrorAtItsLine) {
  LoadResult plain = load_scenario_text("name: a\n", "test.yaml");
  ASSERT_TRUE(plain.ok()) << (plain.ok() ? "" : plain.error().str());
  EXPECT_EQ(plain.spec().engine, sim::EngineKind::kNative);
  LoadResult sg = load_scenario_text(
      "name: a\nengine: simgrid\ncluster:\n  cpu: {speed_flops: 2e9, request_flops: 50000, byte_flops: 3}\n", "test.yaml");
  ASSERT_TRUE(sg.ok()) << (sg.ok() ? "" : sg.error().str());
  EXPECT_EQ(sg.spec().engine, sim::EngineKind::kSimgrid);
  EXPECT_EQ(sg.spec().cluster.cpu.speed_flops, 2e9);
  EXPECT_EQ(sg.spec().cluster.cpu.request_flops, 50000);
  EXPECT_EQ(sg.spec().cluster.cpu.byte_flops, 3);
  LoadResult bad = load_scenario_text("name: a\nengine: warp\n", "test.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("test.yaml:2"), std::string::npos) << bad.error().str();
  EXPECT_NE(bad.error().str().find("engine: expected one of native, simgrid"), std::string::npos) << bad.error().str();
  LoadResult bad_cpu = load_scenario_text("name: a\ncluster:\n  cpu: {turbo: 1}\n", "test.yaml");
  ASSERT_FALSE(bad_cpu.ok());
  EXPECT_NE(bad_cpu.error().str().find("turbo"), std::string::npos) << bad_cpu.error().str();
}

}  // namespace
}  // namespace scenarios
