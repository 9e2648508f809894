// TopicPartition's comparisons and the topic-name equality the per-topic lookups use.
#include <gtest/gtest.h>

#include <string>

#include "broker_model/types.h"

namespace broker_model {
namespace {

// same_topic compares by fixed-size loads chosen by length; it must agree with string
// equality for every length and wherever the names differ (first, middle or last byte).
TEST(SameTopic, AgreesWithStringEqualityForEveryLengthAndPosition) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a;
    for (size_t i = 0; i < n; ++i) a.push_back(static_cast<char>('a' + i % 26));
    std::string same = a;  // another buffer: equal by content, not by address
    EXPECT_TRUE(same_topic(a, same)) << n;
    EXPECT_FALSE(same_topic(a, a + "x")) << n;
    for (size_t k = 0; k < n; ++k) {
      std::string b = a;
      b[k] = static_cast<char>(b[k] ^ 0x20);
      ASSERT_FALSE(same_topic(a, b)) << "length " << n << ", differing at " << k;
      ASSERT_FALSE(same_topic(b, a)) << "length " << n << ", differing at " << k;
    }
  }
}

TEST(TopicPartition, EqualityAndOrderFollowTopicThenPartition) {
  EXPECT_EQ((TopicPartition{"events", 3}), (TopicPartition{std::string("events"), 3}));
  EXPECT_NE((TopicPartition{"events", 3}), (TopicPartition{"events", 4}));
  EXPECT_NE((TopicPartition{"events", 3}), (TopicPartition{"eventz", 3}));
  EXPECT_LT((TopicPartition{"events", 9}), (TopicPartition{"eventz", 0}));
  EXPECT_LT((TopicPartition{"event", 9}), (TopicPartition{"events", 0}));
  EXPECT_LT((TopicPartition{"events", 2}), (TopicPartition{"events", 10}));
}

}  // namespace
}  // namespace broker_model
