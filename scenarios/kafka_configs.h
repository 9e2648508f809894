// The Kafka config keys a scenario may set, per scope, with Kafka's own names, types and
// ranges. Values are text (as in a .properties file); this checks that the text is what Kafka
// would accept for the key. Relations between keys (min.insync.replicas against the replication
// factor, idempotence against acks, ...) are checked by the loader, which knows where they
// were written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scenarios {

enum class ConfigScope { kTopic, kBroker, kProducer, kConsumer };

// "topic", "broker", "producer", "consumer".
const char* config_scope_name(ConfigScope scope);

// Every key known in `scope`, sorted.
std::vector<std::string_view> known_config_keys(ConfigScope scope);
bool is_known_config_key(ConfigScope scope, std::string_view key);

// "" when `value` is acceptable for `key`, else what was expected and what was found
// ("expected an integer >= 1, got '0'"). Precondition: the key is known in `scope`.
std::string check_config_value(ConfigScope scope, std::string_view key, std::string_view value);

// Integer value of a config already accepted by check_config_value (nullopt if not an integer).
std::optional<int64_t> config_integer(std::string_view value);

// Why `key` is accepted but not simulated (for some or all values), or "" when it always has
// an effect. scenarios/README.md's table says "no effect" for exactly these keys.
std::string_view config_no_effect_reason(ConfigScope scope, std::string_view key);

// Why `key` = `value` is accepted but changes nothing in the simulation, or "" when it has an
// effect. Precondition: check_config_value accepted it.
std::string config_no_effect(ConfigScope scope, std::string_view key, std::string_view value);

}  // namespace scenarios
