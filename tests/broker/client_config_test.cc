// ProducerConfig's enable.idempotence: on by default (Kafka 3.x), quietly off when a
// conflicting config was set and idempotence was not asked for (Kafka 3.2+), an error when it
// was asked for explicitly.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "broker_model/clients/client_config.h"

namespace broker_model {
namespace {

ProducerConfig parsed(const ConfigMap& in, std::optional<std::string>* error = nullptr) {
  ProducerConfig c;
  std::optional<std::string> e = ProducerConfig::parse(in, c);
  if (error != nullptr) *error = e;
  else EXPECT_FALSE(e.has_value()) << *e;
  return c;
}

TEST(ProducerConfig, IdempotenceIsOnByDefault) {
  ProducerConfig c = parsed({});
  EXPECT_TRUE(c.enable_idempotence);
  EXPECT_EQ(c.acks, -1);  // acks=all
  EXPECT_TRUE(parsed({{"acks", "all"}, {"max.in.flight.requests.per.connection", "5"}}).enable_idempotence);
}

TEST(ProducerConfig, ConflictingConfigsTurnDefaultIdempotenceOff) {
  EXPECT_FALSE(parsed({{"acks", "1"}}).enable_idempotence);
  EXPECT_FALSE(parsed({{"acks", "0"}}).enable_idempotence);
  EXPECT_FALSE(parsed({{"max.in.flight.requests.per.connection", "6"}}).enable_idempotence);
  EXPECT_FALSE(parsed({{"retries", "0"}}).enable_idempotence);
  EXPECT_FALSE(parsed({{"enable.idempotence", "false"}}).enable_idempotence);
}

TEST(ProducerConfig, ExplicitIdempotenceWithAConflictIsAnError) {
  std::optional<std::string> error;
  parsed({{"enable.idempotence", "true"}, {"acks", "1"}}, &error);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("needs acks=all"), std::string::npos) << *error;
  parsed({{"enable.idempotence", "true"}, {"max.in.flight.requests.per.connection", "6"}}, &error);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("max.in.flight.requests.per.connection <= 5"), std::string::npos) << *error;
  parsed({{"enable.idempotence", "yes"}}, &error);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("expected true or false"), std::string::npos) << *error;
}

}  // namespace
}  // namespace broker_model
