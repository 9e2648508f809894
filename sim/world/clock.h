// A node's clock: simulated time seen through an offset, a drift rate and injected jumps.
// monotonic() is what timeouts use (drift applies, jumps do not, like CLOCK_MONOTONIC);
// wall() is what timestamps use (offset and jumps apply, like CLOCK_REALTIME).
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace sim {

struct ClockModel {
  Duration offset;        // initial wall-clock skew
  int64_t drift_ppm = 0;  // +100 runs 100 µs/s fast; must be > -1'000'000
};

class NodeClock {
 public:
  explicit NodeClock(ClockModel m = {}) : drift_ppm_(m.drift_ppm), wall_offset_(m.offset) {}

  Instant monotonic(Instant sim_now) const;
  Instant wall(Instant sim_now) const { return monotonic(sim_now) + wall_offset_; }

  // Converts a duration measured on this clock into simulated time (rounded up, so a
  // timeout never fires before the local clock says it is due).
  Duration to_sim(Duration local) const;

  void jump(Duration delta) { wall_offset_ += delta; }
  void set_drift_ppm(int64_t ppm, Instant sim_now);
  int64_t drift_ppm() const { return drift_ppm_; }
  Duration wall_offset() const { return wall_offset_; }

 private:
  Instant base_sim_;
  Instant base_local_;
  int64_t drift_ppm_ = 0;
  Duration wall_offset_;
};

}  // namespace sim
