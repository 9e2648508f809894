#!/usr/bin/env bash
# Rolling restart at scale (issue 24, operations): BROKERS brokers, PARTITIONS partitions RF 3,
# 2,000 messages/s of 1 KiB with acks=all and min.insync.replicas 2 over PRODUCERS producers,
# and a rolling restart of every broker (controlled shutdown, next broker once no partition is
# under-replicated) with auto.leader.rebalance.enable. Prints each step's stop time and
# under-replicated wait (summary.json's restart_steps), the verdicts, leader balance at the
# end, and the run's speed and memory. docs/performance.md keeps the results.
#
#   bench/rolling-restart-bench.sh [EDDY [BROKERS [PARTITIONS [PRODUCERS [DURATION]]]]]
#
# Defaults: build/eddy, 10 brokers, 1000 partitions, 200 producers, 120s.
set -uo pipefail
cd "$(dirname "$0")/.."

eddy=${1:-build/eddy}
brokers=${2:-10}
partitions=${3:-1000}
producers=${4:-200}
duration=${5:-120s}
rate_total=2000
if [ ! -x "$eddy" ]; then
  echo "$0: $eddy is not an executable" >&2
  exit 2
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/rr.yaml" <<YAML
# Rolling restart bench (bench/rolling-restart-bench.sh). Expected: no lost writes.
name: rolling-restart-${brokers}b-${partitions}p
cluster:
  brokers: $brokers
  controllers: 3
  broker_configs: {auto.leader.rebalance.enable: true, leader.imbalance.check.interval.seconds: 10}
topics:
  - {name: events, partitions: $partitions, replication_factor: 3, configs: {min.insync.replicas: 2}}
producers:
  - {topic: events, count: $producers, rate: $((rate_total * 60 / producers))/m, message_size: 1KiB, keys: "uniform 1000000",
     configs: {acks: all, enable.idempotence: true, delivery.timeout.ms: 120000}}
faults:
  - {at: 5s, kind: rolling-restart, target: ["all brokers"]}
duration: $duration
heal_for: 15s
expect: {lost_writes: 0, duplicates: 0, inconsistent_offsets: 0, liveness: true}
YAML
/usr/bin/time -f '%e wall s, %U user s, %M KiB max RSS' "$eddy" run "$dir/rr.yaml" --seed 1 --out "$dir/out" > "$dir/log" 2> "$dir/time"
status=$?
grep -E "restart-step .*stopped|expect |speed:" "$dir/log"
cat "$dir/time"
/usr/bin/python3 - "$dir/out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
steps = s.get("restart_steps", [])
if steps:
    stop = [x["stop_s"] for x in steps]
    wait = [x["under_replicated_wait_s"] for x in steps]
    print(f"steps {len(steps)}: stop s min/avg/max {min(stop):.2f}/{sum(stop)/len(stop):.2f}/{max(stop):.2f}; "
          f"under-replicated wait s min/avg/max {min(wait):.2f}/{sum(wait)/len(wait):.2f}/{max(wait):.2f}; "
          f"whole restart {steps[-1]['at_s'] + steps[-1]['total_s'] - steps[0]['at_s']:.2f} s")
print("leaders per broker at the end:", s["leaders_per_broker"], "imbalance", s["leader_imbalance"],
      "availability", s["availability"], "errors", s["errors"])
PY
exit $status
