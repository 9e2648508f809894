// The controller quorum's safety checker on hand-made histories: it passes a consistent
// record and catches two leaders in one term and divergent commits.
#include <gtest/gtest.h>

#include "checkers/controller_checkers.h"

namespace checkers {
namespace {

sim::Instant ms(int64_t n) { return sim::Instant::epoch() + sim::milliseconds(n); }

TEST(ControllerChecker, AgreeingMembersPass) {
  History h;
  h.controller().elections = {{ms(1), 1, 5}, {ms(900), 2, 6}};
  h.controller().commits = {{ms(10), 5, 0, 1, 0xa}, {ms(11), 6, 0, 1, 0xa}, {ms(12), 7, 1, 1, 0xb}, {ms(950), 7, 1, 1, 0xb}};
  CheckResult r = check_controller(h);
  EXPECT_EQ(r.count, 0);
  EXPECT_NE(r.note.find("2 committed metadata offset(s)"), std::string::npos) << r.note;
}

TEST(ControllerChecker, TwoLeadersInOneTermAreCaught) {
  History h;
  h.controller().elections = {{ms(1), 3, 5}, {ms(2), 3, 6}};
  CheckResult r = check_controller(h);
  ASSERT_EQ(r.count, 1);
  EXPECT_NE(r.examples[0].summary.find("two controller leaders in term 3"), std::string::npos);
}

TEST(ControllerChecker, DivergentCommitsAreCaught) {
  History h;
  h.controller().commits = {{ms(10), 5, 4, 2, 0xa}, {ms(20), 6, 4, 2, 0xc}, {ms(30), 7, 4, 3, 0xa}};
  CheckResult r = check_controller(h);
  EXPECT_EQ(r.count, 2);
  EXPECT_NE(r.examples[0].summary.find("offset 4 committed with two different entries"), std::string::npos);
}

}  // namespace
}  // namespace checkers
