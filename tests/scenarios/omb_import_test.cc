// OpenMessaging Benchmark files: the bundled driver + workload pair loads unchanged into the
// scenario OMB describes, a scenario file overlays it, and malformed OMB files fail at the
// right file, line and column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "scenarios/omb_import.h"

namespace scenarios {
namespace {

namespace fs = std::filesystem;

const std::string kDir = std::string(EDDY_SOURCE_DIR) + "/scenarios/omb/";
const std::string kDriver = kDir + "kafka-all.yaml";
const std::string kWorkload = kDir + "1-topic-16-partitions-1kb.yaml";

TEST(OmbImport, BundledPairLoadsUnchanged) {
  std::vector<std::string> notes;
  LoadResult r = load_omb_scenario({kDriver, kWorkload, ""}, &notes);
  ASSERT_TRUE(r.ok()) << r.error().str();
  const ScenarioSpec& s = r.spec();
  EXPECT_EQ(s.name, "omb-1-producer-1-consumers-on-1-topic");
  EXPECT_EQ(s.cluster.brokers, 3);
  ASSERT_EQ(s.topics.size(), 1u);
  EXPECT_EQ(s.topics[0].partitions, 16);
  EXPECT_EQ(s.topics[0].replication_factor, 3);
  EXPECT_EQ(s.topics[0].configs, (KafkaConfigs{{"min.insync.replicas", "2"}}));
  ASSERT_EQ(s.producers.size(), 1u);
  EXPECT_DOUBLE_EQ(s.producers[0].messages_per_s, 50'000);
  EXPECT_EQ(s.producers[0].message_bytes, 1024);
  EXPECT_EQ(s.producers[0].keys.kind, KeySpec::Kind::kFixedSet);
  EXPECT_EQ(s.producers[0].configs.at("acks"), "all");
  EXPECT_EQ(s.producers[0].configs.at("linger.ms"), "1");
  EXPECT_EQ(s.producers[0].configs.at("batch.size"), "1048576");
  EXPECT_EQ(s.producers[0].configs.at("request.timeout.ms"), "30000");  // from commonConfig
  ASSERT_EQ(s.consumers.size(), 1u);
  EXPECT_EQ(s.consumers[0].configs.at("group.id"), "omb-sub-0-0");
  EXPECT_EQ(s.consumers[0].configs.at("auto.offset.reset"), "earliest");
  EXPECT_EQ(s.duration, sim::seconds(16 * 60));  // 1 minute of warmup + 15 of test
  std::string all;
  for (const auto& n : notes) all += n + "\n";
  EXPECT_NE(all.find("accepted, no effect: OMB property 'bootstrap.servers'"), std::string::npos) << all;
  EXPECT_NE(all.find("accepted, no effect: OMB property 'default.api.timeout.ms'"), std::string::npos) << all;
  EXPECT_EQ(s.load_notes, notes) << "the run reports them (run output and summary.json's config.notes)";
}

TEST(OmbImport, AScenarioFileOverlaysThePair) {
  LoadResult r = load_omb_scenario({kDriver, kWorkload, kDir + "short.yaml"});
  ASSERT_TRUE(r.ok()) << r.error().str();
  EXPECT_EQ(r.spec().duration, sim::seconds(2));
  ASSERT_EQ(r.spec().faults.size(), 1u);
  EXPECT_EQ(r.spec().faults[0].targets, (std::vector<std::string>{"leader of omb-topic-0/3"}));
  EXPECT_EQ(r.spec().topics[0].partitions, 16);  // still the workload's
  EXPECT_EQ(r.spec().file, kDir + "short.yaml");
}

class OmbScratch : public ::testing::Test {
 protected:
  void SetUp() override {
    // Per process: other checkouts may run the same test at the same time on this machine.
    dir_ = fs::temp_directory_path() / ("eddy_omb_" + std::to_string(::getpid()) + "_" +
                                        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

constexpr const char* kGoodDriver =
    "name: Kafka\ndriverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver\nreplicationFactor: 3\n"
    "producerConfig: |\n  acks=all\n  linger.ms=1\n";
constexpr const char* kGoodWorkload =
    "name: w\ntopics: 2\npartitionsPerTopic: 4\nmessageSize: 100\nsubscriptionsPerTopic: 2\nconsumerPerSubscription: 1\n"
    "producersPerTopic: 2\nproducerRate: 1000\ntestDurationMinutes: 1\nwarmupDurationMinutes: 0\n"
    "keyDistributor: RANDOM_NANO\n";

TEST_F(OmbScratch, RatesAreSplitOverEveryProducerOfTheTest) {
  LoadResult r = load_omb_scenario({write("d.yaml", kGoodDriver), write("w.yaml", kGoodWorkload), ""});
  ASSERT_TRUE(r.ok()) << r.error().str();
  const ScenarioSpec& s = r.spec();
  ASSERT_EQ(s.topics.size(), 2u);
  ASSERT_EQ(s.producers.size(), 2u);
  EXPECT_EQ(s.producers[1].count, 2);
  EXPECT_DOUBLE_EQ(s.producers[0].messages_per_s * 4, 1000);  // 2 topics x 2 producers
  EXPECT_EQ(s.producers[0].keys.kind, KeySpec::Kind::kUniform);
  EXPECT_EQ(s.consumers.size(), 4u);  // 2 subscriptions per topic
  EXPECT_EQ(s.consumers[3].configs.at("group.id"), "omb-sub-1-1");
  EXPECT_EQ(s.duration, sim::seconds(60));
}

struct OmbBad {
  const char* name;
  const char* driver;
  const char* workload;
  const char* file;  // "d" or "w": where the error must be
  int line, column;
  const char* message;
};

class OmbMalformed : public OmbScratch, public ::testing::WithParamInterface<OmbBad> {};

TEST_P(OmbMalformed, FailsAtTheRightPlace) {
  const OmbBad& c = GetParam();
  std::string d = write("d.yaml", c.driver);
  std::string w = write("w.yaml", c.workload);
  LoadResult r = load_omb_scenario({d, w, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, std::string(c.file) == "d" ? d : w);
  EXPECT_EQ(r.error().line, c.line) << r.error().str();
  EXPECT_EQ(r.error().column, c.column) << r.error().str();
  EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().str();
}

const OmbBad kOmbBad[] = {
    {"UnknownWorkloadKey", kGoodDriver, "name: w\ntopic: 1\n", "w", 2, 1, "unknown key 'topic' at the top level (did you mean 'topics'?)"},
    {"BadKeyDistributor", kGoodDriver, "name: w\ntopics: 1\npartitionsPerTopic: 1\nmessageSize: 10\nkeyDistributor: ZIPF\n",
     "w", 5, 17, "keyDistributor: expected one of NO_KEY, KEY_ROUND_ROBIN, RANDOM_NANO"},
    {"MissingTestDuration", kGoodDriver,
     "name: w\ntopics: 1\npartitionsPerTopic: 1\nmessageSize: 10\nsubscriptionsPerTopic: 1\nconsumerPerSubscription: 1\n"
     "producersPerTopic: 1\nproducerRate: 10\n",
     "w", 1, 1, "missing required key 'testDurationMinutes'"},
    {"NotTheKafkaDriver", "name: Pulsar\ndriverClass: io.openmessaging.benchmark.driver.pulsar.PulsarBenchmarkDriver\n",
     kGoodWorkload, "d", 2, 14, "expected the OMB Kafka driver"},
    {"BadPropertyLine",
     "name: Kafka\ndriverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver\nproducerConfig: |\n  acks=all\n  lingerms\n",
     kGoodWorkload, "d", 5, 3, "producerConfig: expected a Kafka property 'key=value', got 'lingerms'"},
    {"BadAcksInProducerConfig",
     "name: Kafka\ndriverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver\nproducerConfig: |\n  linger.ms=1\n  acks=2\n",
     kGoodWorkload, "d", 5, 3, "acks: expected one of all, -1, 0, 1, got '2'"},
    {"ReplicationFactorNotANumber",
     "name: Kafka\ndriverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver\nreplicationFactor: three\n",
     kGoodWorkload, "d", 3, 20, "replicationFactor: expected an integer from 1 to 128"},
    {"MinInsyncAboveReplicationFactor",
     "name: Kafka\ndriverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver\nreplicationFactor: 1\n"
     "topicConfig: |\n  min.insync.replicas=2\n",
     kGoodWorkload, "d", 5, 3, "min.insync.replicas: expected at most the replication factor (1"},
    {"NegativePartitions", kGoodDriver, "name: w\ntopics: 1\npartitionsPerTopic: -4\n", "w", 3, 21,
     "partitionsPerTopic: expected an integer from 1 to 10000, got -4"},
};

INSTANTIATE_TEST_SUITE_P(Errors, OmbMalformed, ::testing::ValuesIn(kOmbBad),
                         [](const ::testing::TestParamInfo<OmbBad>& i) { return std::string(i.param.name); });

// Mutated OMB files (bytes flipped, lines dropped or cut) never crash the import: each load
// either succeeds or names a line and column inside the file it blames.
TEST_F(OmbScratch, MutatedFilesNeverCrashTheImport) {
  uint64_t state = 0x2545F4914F6CDD1DULL;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  static constexpr char kInteresting[] = "=:|-[]{}#\n \t0123456789abcxyz\"'";
  int failed = 0;
  for (int i = 0; i < 200; ++i) {
    std::string d = kGoodDriver, w = kGoodWorkload;
    std::string& target = (i % 2 == 0) ? d : w;
    for (int k = 0; k < 1 + static_cast<int>(next() % 3); ++k) {
      size_t at = next() % target.size();
      switch (next() % 3) {
        case 0: target[at] = kInteresting[next() % (sizeof kInteresting - 1)]; break;
        case 1: target.erase(at, 1 + next() % 6); break;
        case 2: target.resize(at); break;
      }
      if (target.empty()) target = "x";
    }
    std::string dp = write("d.yaml", d), wp = write("w.yaml", w);
    LoadResult r = load_omb_scenario({dp, wp, ""});
    if (r.ok()) continue;
    ++failed;
    ASSERT_TRUE(r.error().file == dp || r.error().file == wp) << r.error().str();
    ASSERT_GE(r.error().line, 1) << r.error().str();
    ASSERT_EQ(r.error().message.find("internal error"), std::string::npos) << r.error().str() << "\n" << d << "\n" << w;
  }
  EXPECT_GT(failed, 25);
}

TEST(OmbImport, MissingFilesAreNamed) {
  LoadResult r = load_omb_scenario({"/nonexistent/d.yaml", kWorkload, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().str(), "/nonexistent/d.yaml: error: cannot read the OMB driver file");
}

}  // namespace
}  // namespace scenarios
