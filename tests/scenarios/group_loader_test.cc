// The loader's consumer-group additions: the processing model, its relation to
// enable.auto.commit, session timeouts within the brokers' bounds, and the group fault
// targets — each mistake a located error saying what was expected.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/scenario_loader.h"

namespace scenarios {
namespace {

std::string scenario(const std::string& consumer, const std::string& faults = "", const std::string& broker = "") {
  return "name: g\ncluster: {brokers: 3" + (broker.empty() ? "" : ", broker_configs: {" + broker + "}") +
         "}\ntopics:\n  - {name: t, partitions: 3, replication_factor: 3}\nconsumers:\n  - " + consumer + "\n" +
         (faults.empty() ? "" : "faults:\n  - " + faults + "\n") + "duration: 10s\n";
}

std::string error_of(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "g.yaml");
  return r.ok() ? "(loaded)" : r.error().str();
}

TEST(GroupLoader, ProcessingModelIsRead) {
  LoadResult r = load_scenario_text(
      scenario("{topic: t, count: 3, processing_time: 5ms, commit: sync-before-processing, configs: {group.id: a, "
               "enable.auto.commit: false}}",
               "{at: 1s, kind: crash, target: \"member 2 of group a\"}"),
      "g.yaml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  const ConsumerSpec& c = r.spec().consumers[0];
  EXPECT_TRUE(c.in_group());
  EXPECT_EQ(c.commit, ConsumerSpec::Commit::kSyncBeforeProcessing);
  EXPECT_EQ(c.processing_time, sim::milliseconds(5));
  EXPECT_EQ(r.spec().faults[0].targets[0], "member 2 of group a");
  EXPECT_TRUE(load_scenario_text(scenario("{topic: t, configs: {group.id: a}}", "{at: 1s, kind: crash, target: \"coordinator of group a\"}"),
                                 "g.yaml")
                  .ok());
}

TEST(GroupLoader, MistakesAreLocatedAndExplained) {
  EXPECT_EQ(error_of(scenario("{topic: t, processing_time: 5ms}")),
            "g.yaml:6:33: error: consumers[0].processing_time: the processing model belongs to consumer-group members; "
            "expected configs.group.id to be set as well");
  EXPECT_NE(error_of(scenario("{topic: t, commit: later, configs: {group.id: a, enable.auto.commit: false}}"))
                .find("consumers[0].commit: unknown commit mode 'later'; expected one of: auto, sync-after-processing"),
            std::string::npos);
  LoadResult manual = load_scenario_text(scenario("{topic: t, configs: {group.id: a, enable.auto.commit: false}}"), "g.yaml");
  ASSERT_TRUE(manual.ok());
  EXPECT_EQ(manual.spec().consumers[0].commit, ConsumerSpec::Commit::kAsyncAfterProcessing) << "as OMB's consumer does";
  EXPECT_NE(error_of(scenario("{topic: t, commit: sync-after-processing, configs: {group.id: a, enable.auto.commit: true}}"))
                .find("expected enable.auto.commit: false with it"),
            std::string::npos);
  EXPECT_NE(error_of(scenario("{topic: t, configs: {group.id: a, session.timeout.ms: 1000}}"))
                .find("consumers[0].configs.session.timeout.ms: expected 6000 to 1800000"),
            std::string::npos);
  EXPECT_TRUE(load_scenario_text(scenario("{topic: t, configs: {group.id: a, session.timeout.ms: 1000}}", "",
                                          "group.min.session.timeout.ms: 500"),
                                 "g.yaml")
                  .ok());
  EXPECT_NE(error_of(scenario("{topic: t, count: 2, configs: {group.id: a}}", "{at: 1s, kind: crash, target: \"member 2 of group a\"}"))
                .find("member 2 of group a does not exist; expected member 0 to 1 of group a"),
            std::string::npos);
  EXPECT_NE(error_of(scenario("{topic: t, configs: {group.id: a}}", "{at: 1s, kind: crash, target: \"member 0 of group b\"}"))
                .find("unknown group 'b'"),
            std::string::npos);
  EXPECT_NE(error_of(scenario("{topic: t, configs: {group.id: a}}", "{at: 1s, kind: crash, target: \"consumer 1\"}"))
                .find("consumer 1 does not exist"),
            std::string::npos);
}

// Consume-transform-produce: transform_to with producer_configs (a transactional.id) is read;
// each missing piece is a located error naming what is expected.
TEST(GroupLoader, TransformToIsReadAndItsMistakesExplained) {
  auto two_topics = [](const std::string& consumer) {
    return "name: g\ncluster: {brokers: 3}\ntopics:\n  - {name: t, partitions: 3, replication_factor: 3}\n"
           "  - {name: out, partitions: 3, replication_factor: 3}\nconsumers:\n  - " + consumer + "\nduration: 10s\n";
  };
  LoadResult ok = load_scenario_text(
      two_topics("{topic: t, transform_to: out, configs: {group.id: a}, producer_configs: {transactional.id: x}}"), "g.yaml");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  EXPECT_EQ(ok.spec().consumers[0].transform_to, "out");
  EXPECT_EQ(ok.spec().consumers[0].commit, ConsumerSpec::Commit::kTransaction);
  std::string e = error_of(two_topics("{topic: t, transform_to: out, configs: {group.id: a}}"));
  EXPECT_NE(e.find("expected producer_configs with a transactional.id"), std::string::npos) << e;
  e = error_of(two_topics("{topic: t, transform_to: out, configs: {group.id: a}, producer_configs: {acks: all}}"));
  EXPECT_NE(e.find("expected a transactional.id"), std::string::npos) << e;
  e = error_of(two_topics("{topic: t, transform_to: nope, configs: {group.id: a}, producer_configs: {transactional.id: x}}"));
  EXPECT_NE(e.find("unknown topic 'nope'"), std::string::npos) << e;
  e = error_of(two_topics("{topic: t, transform_to: out, producer_configs: {transactional.id: x}}"));
  EXPECT_NE(e.find("needs a consumer group"), std::string::npos) << e;
  e = error_of(two_topics("{topic: t, producer_configs: {transactional.id: x}, configs: {group.id: a}}"));
  EXPECT_NE(e.find("only with transform_to"), std::string::npos) << e;
}

}  // namespace
}  // namespace scenarios
