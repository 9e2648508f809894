#include "sim/world/clock.h"

#include "sim/check.h"

namespace sim {

Instant NodeClock::monotonic(Instant sim_now) const {
  // Without drift local time is simulated time shifted: skip the 128-bit division (a library
  // call, on every clock read and every timed wait).
  if (drift_ppm_ == 0) return base_local_ + (sim_now - base_sim_);
  __int128 elapsed = (sim_now - base_sim_).ns();
  __int128 local = elapsed * (1'000'000 + drift_ppm_) / 1'000'000;
  return base_local_ + nanoseconds(static_cast<int64_t>(local));
}

Duration NodeClock::to_sim(Duration local) const {
  if (local == Duration::max()) return local;
  if (drift_ppm_ == 0 && local >= Duration::zero()) return local;  // the ceiling below is exact then
  __int128 num = static_cast<__int128>(local.ns()) * 1'000'000;
  __int128 den = 1'000'000 + drift_ppm_;
  return nanoseconds(static_cast<int64_t>((num + den - 1) / den));
}

void NodeClock::set_drift_ppm(int64_t ppm, Instant sim_now) {
  EDDY_CHECK(ppm > -1'000'000);
  base_local_ = monotonic(sim_now);
  base_sim_ = sim_now;
  drift_ppm_ = ppm;
}

}  // namespace sim
