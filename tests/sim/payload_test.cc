// A message's payload: any copyable value, moved as a pointer, read back by type.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/payload.h"

namespace sim {
namespace {

struct Request {
  int id = 0;
  std::vector<std::string> names;
};

TEST(Payload, HoldsAValueReadBackByItsType) {
  Payload p = Request{7, {"a", "b"}};
  ASSERT_TRUE(p.has_value());
  Request* r = payload_cast<Request>(&p);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, 7);
  EXPECT_EQ(r->names.size(), 2u);
  // Another type, even one of the same layout, reads as nothing.
  EXPECT_EQ(payload_cast<int>(&p), nullptr);
  EXPECT_EQ(payload_cast<std::string>(&p), nullptr);
  EXPECT_THROW(payload_cast<int>(p), BadPayloadCast);
  EXPECT_EQ(payload_cast<const Request&>(p).id, 7);
  Payload none;
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(payload_cast<Request>(&none), nullptr);
  EXPECT_EQ(payload_cast<Request>(static_cast<Payload*>(nullptr)), nullptr);
}

TEST(Payload, MovingHandsOverTheSameValue) {
  Payload a = std::string("a fairly long string, longer than the small-string buffer");
  const std::string* before = payload_cast<std::string>(&a);
  Payload b = std::move(a);
  EXPECT_FALSE(a.has_value());  // NOLINT(bugprone-use-after-move): moved-from is empty, as tested
  EXPECT_EQ(payload_cast<std::string>(&b), before);  // not copied
  Payload c;
  c = std::move(b);
  EXPECT_EQ(payload_cast<std::string>(&c), before);
}

// A copy is a real copy (the network duplicates messages by copying them): changing one
// leaves the other as it was.
TEST(Payload, CopiesAreIndependent) {
  Payload a = std::string("original");
  Payload b = a;
  payload_cast<std::string&>(b) = "changed";
  EXPECT_EQ(payload_cast<std::string>(a), "original");
  EXPECT_EQ(payload_cast<std::string>(b), "changed");
  Payload c;
  c = b;
  payload_cast<std::string&>(b) += "!";
  EXPECT_EQ(payload_cast<std::string>(c), "changed");
  c = c;  // self-assignment keeps the value
  EXPECT_EQ(payload_cast<std::string>(c), "changed");
}

TEST(Payload, DestroysItsValueOnce) {
  auto tracker = std::make_shared<int>(0);
  {
    Payload a = tracker;
    Payload b = a;
    Payload c = std::move(a);
    EXPECT_EQ(tracker.use_count(), 3);  // the test's, b's and c's (a's moved to c)
  }
  EXPECT_EQ(tracker.use_count(), 1);
}

}  // namespace
}  // namespace sim
