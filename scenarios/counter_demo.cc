#include "scenarios/counter_demo.h"

#include <sstream>

#include "broker_model/replicated_counter.h"

namespace scenarios {

namespace {

constexpr uint32_t kNodes = 5;
const sim::Instant kEnd = sim::Instant::from_ns(12'000'000'000);

faults::FaultSchedule draw_schedule(sim::Prng prng) {
  using K = faults::FaultAction::Kind;
  auto ms = [](int64_t v) { return sim::Instant::from_ns(v * 1'000'000); };
  faults::FaultSchedule s;
  std::vector<sim::NodeId> all;
  for (uint32_t i = 0; i < kNodes; ++i) all.push_back(sim::NodeId{i});
  prng.shuffle(all);
  // A split into a minority and a majority, healed later.
  int64_t split_at = prng.int_in_range(1'000, 2'500);
  size_t minority = static_cast<size_t>(prng.int_in_range(1, 3));
  std::vector<sim::NodeId> left(all.begin(), all.begin() + static_cast<ptrdiff_t>(minority));
  std::vector<sim::NodeId> right(all.begin() + static_cast<ptrdiff_t>(minority), all.end());
  s.add({K::kPartition, ms(split_at), left, right, {}, {}});
  s.add({K::kHeal, ms(split_at + prng.int_in_range(500, 2'000)), {}, {}, {}, {}});
  // A crash (power cut) and a restart.
  sim::NodeId victim = prng.pick(all);
  int64_t crash_at = prng.int_in_range(3'000, 5'000);
  s.add({K::kCrash, ms(crash_at), {victim}, {}, {}, {}});
  s.add({K::kRestart, ms(crash_at + prng.int_in_range(200, 1'500)), {victim}, {}, {}, {}});
  // A stop-the-world pause of another node, and a clock jump.
  sim::NodeId paused = prng.pick(all);
  int64_t pause_at = prng.int_in_range(5'500, 7'000);
  s.add({K::kPause, ms(pause_at), {paused}, {}, {}, {}});
  s.add({K::kResume, ms(pause_at + prng.int_in_range(100, 800)), {paused}, {}, {}, {}});
  s.add({K::kClockJump, ms(prng.int_in_range(1'000, 7'000)), {prng.pick(all)}, {}, sim::seconds(prng.int_in_range(-5, 6)), {}});
  s.add({K::kHeal, ms(8'500), {}, {}, {}, {}});
  return s;
}

}  // namespace

CounterDemoResult run_counter_demo(const CounterDemoOptions& options) {
  sim::WorldConfig wc;
  wc.seed = options.seed;
  wc.limits = options.limits;
  wc.link.latency = sim::LatencyModel::uniform(sim::microseconds(200), sim::milliseconds(2));
  wc.link.loss = 0.01;
  wc.link.duplicate = 0.005;
  wc.link.reorder = 0.01;
  sim::World world(wc);
  if (options.trace_sink != nullptr) world.trace().set_sink(options.trace_sink);

  broker_model::CounterConfig cc;
  cc.nodes = kNodes;
  broker_model::CounterObservations obs;
  sim::BootFn boot = broker_model::make_counter_node(cc, obs);
  sim::Prng clocks = world.fork_prng("clock-models");
  for (uint32_t i = 0; i < kNodes; ++i) {
    sim::NodeOptions no;
    no.disk.crash_mode = options.crash_mode;
    no.clock.drift_ppm = clocks.int_in_range(-200, 201);
    no.clock.offset = sim::milliseconds(clocks.int_in_range(-50, 51));
    world.start(world.add_node("n" + std::to_string(i), boot, no));
  }

  CounterDemoResult result;
  if (options.faults) {
    faults::FaultSchedule schedule = draw_schedule(world.fork_prng("fault-schedule"));
    for (const auto& a : schedule.actions()) result.faults.push_back(faults::describe(a));
    schedule.install(world);
  }

  result.outcome = world.run(kEnd);
  result.end = world.now();
  result.events = world.engine().events_processed();
  result.net = world.net().stats();
  result.torn_records_dropped = obs.recovered_torn_records;

  // Checks, from the outside: acknowledged increments survive; live nodes converge.
  const std::vector<uint64_t>* reference = nullptr;
  result.converged = true;
  for (uint32_t i = 0; i < kNodes; ++i) {
    if (world.node(sim::NodeId{i}).state() == sim::NodeState::kDown) continue;
    const auto& view = obs.views[i];
    if (reference == nullptr) reference = &view;
    else if (view != *reference) result.converged = false;
  }
  if (!result.converged) result.violations.push_back("convergence: live nodes disagree after the healed phase");
  if (reference != nullptr) {
    for (uint32_t i = 0; i < kNodes; ++i) {
      result.final_total += (*reference)[i];
      if ((*reference)[i] < obs.acknowledged[i]) {
        result.violations.push_back("durability: n" + std::to_string(i) + " acknowledged " +
                                    std::to_string(obs.acknowledged[i]) + " but the cluster ends at " +
                                    std::to_string((*reference)[i]));
      }
    }
  }
  result.fingerprint = world.fingerprint();
  return result;
}

std::string CounterDemoResult::summary_line() const {
  std::ostringstream o;
  o << "default demo (replicated counter, " << kNodes << " nodes)"
    << " status=" << sim::to_string(outcome.status) << " simulated=" << sim::format_instant(end)
    << " events=" << events << " messages=" << net.sent << " delivered=" << net.delivered
    << " dropped=" << (net.dropped_loss + net.dropped_partition + net.dropped_down) << " faults=" << faults.size()
    << " total=" << final_total << " torn_records_dropped=" << torn_records_dropped
    << " converged=" << (converged ? "yes" : "no") << " violations=" << violations.size()
    << " fingerprint=" << sim::format_fingerprint(fingerprint);
  return o.str();
}

}  // namespace scenarios
