#include "scenarios/config_notes.h"

#include <algorithm>

#include "scenarios/kafka_configs.h"

namespace scenarios {
namespace {

void add_notes(std::vector<std::string>& notes, ConfigScope scope, const std::string& where, const KafkaConfigs& configs) {
  for (const auto& [key, value] : configs) {
    std::string why = config_no_effect(scope, key, value);
    if (why.empty()) continue;
    std::string note = "accepted, no effect: " + where + "." + key + "=" + value + " (" + why + ")";
    if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
  }
}

}  // namespace

std::vector<std::string> config_notes(const ScenarioSpec& spec) {
  std::vector<std::string> notes;
  add_notes(notes, ConfigScope::kBroker, "cluster.broker_configs", spec.cluster.broker_configs);
  for (const auto& t : spec.topics) add_notes(notes, ConfigScope::kTopic, "topics[" + t.name + "].configs", t.configs);
  for (size_t i = 0; i < spec.producers.size(); ++i) {
    const std::string where = "producers[" + std::to_string(i) + "].configs";
    const KafkaConfigs& c = spec.producers[i].configs;
    add_notes(notes, ConfigScope::kProducer, where, c);
    // Kafka's ProducerConfig: "this setting has no effect if a custom partitioner is used".
    if (c.count("partitioner.class") != 0 && c.count("partitioner.ignore.keys") != 0)
      notes.push_back("accepted, no effect: " + where + ".partitioner.ignore.keys=" + c.at("partitioner.ignore.keys") +
                      " (partitioner.class is set, and Kafka applies partitioner.ignore.keys only to its built-in "
                      "partitioner)");
  }
  for (size_t i = 0; i < spec.consumers.size(); ++i)
    add_notes(notes, ConfigScope::kConsumer, "consumers[" + std::to_string(i) + "].configs", spec.consumers[i].configs);
  return notes;
}

}  // namespace scenarios
