// Node clocks: skew, drift and jumps show in what a node reads; timeouts use its clock.
#include <gtest/gtest.h>

#include "sim/world/clock.h"
#include "sim/world/world.h"

namespace sim {
namespace {

TEST(Clock, SkewShowsInWallReadsNotInMonotonic) {
  NodeClock c(ClockModel{.offset = milliseconds(250), .drift_ppm = 0});
  Instant t = Instant::epoch() + seconds(3);
  EXPECT_EQ(c.monotonic(t), t);
  EXPECT_EQ(c.wall(t), t + milliseconds(250));
  c.jump(seconds(-10));
  EXPECT_EQ(c.wall(t), t + milliseconds(250) - seconds(10));
  EXPECT_EQ(c.monotonic(t), t);
}

TEST(Clock, DriftRunsTheClockFastOrSlow) {
  NodeClock fast(ClockModel{.offset = {}, .drift_ppm = 1'000});  // 1 ms per second fast
  EXPECT_EQ(fast.monotonic(Instant::epoch() + seconds(10)), Instant::epoch() + seconds(10) + milliseconds(10));
  EXPECT_EQ(fast.to_sim(milliseconds(1'001)), milliseconds(1'000));
  NodeClock slow(ClockModel{.offset = {}, .drift_ppm = -500'000});  // half speed
  EXPECT_EQ(slow.monotonic(Instant::epoch() + seconds(10)), Instant::epoch() + seconds(5));
  EXPECT_EQ(slow.to_sim(seconds(1)), seconds(2));
  // Changing the drift keeps the clock continuous.
  slow.set_drift_ppm(0, Instant::epoch() + seconds(10));
  EXPECT_EQ(slow.monotonic(Instant::epoch() + seconds(12)), Instant::epoch() + seconds(7));
}

TEST(Clock, NodesSeeTheirOwnClockAndTimeoutsFollowIt) {
  World w(WorldConfig{});
  NodeOptions skewed;
  skewed.clock = ClockModel{.offset = seconds(30), .drift_ppm = 100'000};  // 10% fast
  Instant wall_read, mono_read, woke_true;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    ctx.sleep_for(seconds(11));  // 11 s on a 10%-fast clock is 10 s of true time
    woke_true = ctx.true_now();
    wall_read = ctx.wall_now();
    mono_read = ctx.now();
  }, skewed);
  w.start(n);
  w.run();
  EXPECT_EQ(woke_true, Instant::epoch() + seconds(10));
  EXPECT_EQ(mono_read, Instant::epoch() + seconds(11));
  EXPECT_EQ(wall_read, Instant::epoch() + seconds(41));
}

TEST(Clock, InjectedJumpIsVisibleToTheNode) {
  World w(WorldConfig{});
  std::vector<int64_t> wall_s;
  NodeId n = w.add_node("n", [&](NodeContext& ctx) {
    for (int i = 0; i < 3; ++i) {
      ctx.sleep_for(seconds(1));
      wall_s.push_back(ctx.wall_now().ns() / 1'000'000'000);
    }
  });
  w.start(n);
  w.at(Instant::epoch() + milliseconds(1'500), [&] { w.node(n).clock().jump(seconds(60)); });
  w.run();
  EXPECT_EQ(wall_s, (std::vector<int64_t>{1, 62, 63}));
}

}  // namespace
}  // namespace sim
