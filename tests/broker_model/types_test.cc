// TopicPartition's comparisons (its topic is an interned sim::Symbol).
#include <gtest/gtest.h>

#include <string>

#include "broker_model/types.h"

namespace broker_model {
namespace {

TEST(TopicPartition, EqualityAndOrderFollowTopicThenPartition) {
  EXPECT_EQ((TopicPartition{"events", 3}), (TopicPartition{std::string("events"), 3}));
  EXPECT_NE((TopicPartition{"events", 3}), (TopicPartition{"events", 4}));
  EXPECT_NE((TopicPartition{"events", 3}), (TopicPartition{"eventz", 3}));
  EXPECT_LT((TopicPartition{"events", 9}), (TopicPartition{"eventz", 0}));
  EXPECT_LT((TopicPartition{"event", 9}), (TopicPartition{"events", 0}));
  EXPECT_LT((TopicPartition{"events", 2}), (TopicPartition{"events", 10}));
  EXPECT_EQ((TopicPartition{"events", 3}.str()), "events-3");
  // By the names' text, whichever was interned first.
  EXPECT_LT((TopicPartition{"types-test-b", 0}), (TopicPartition{"types-test-c", 0}));
  EXPECT_GT((TopicPartition{"types-test-b", 0}), (TopicPartition{"types-test-a", 5}));
}

}  // namespace
}  // namespace broker_model
