#!/usr/bin/env bash
# The scaling benchmark of issue 24: one scenario per cluster size (brokers / partitions), each
# 2,000 messages/s of 1 KiB in total, acks=all, RF 3, min.insync.replicas 2, spread over many
# producing clients, and for each the run's peak resident memory, events, simulated seconds per
# CPU second, and memory and CPU time per partition. docs/performance.md keeps the results.
#
#   bench/scale-bench.sh [EDDY [SIZES [DURATION [PRODUCER_CONFIGS]]]]
#
# EDDY defaults to build/eddy; SIZES is a list of BROKERS/PARTITIONS/PRODUCERS (default
# "10/1000/200 30/3000/600 100/10000/2000"); DURATION is the workload's simulated length
# (default 30s); PRODUCER_CONFIGS is added to each producer's configs (e.g.
# "metadata.max.age.ms: 300000", Kafka's default, where the lab's clients refresh every 5 s).
# The scenarios are written to a temporary directory.
# Prints one table row per size; exit 1 when a run failed its expectations.
set -uo pipefail
cd "$(dirname "$0")/.."

eddy=${1:-build/eddy}
sizes=${2:-10/1000/200 30/3000/600 100/10000/2000}
duration=${3:-30s}
extra_configs=${4:+, $4}
rate_total=2000
if [ ! -x "$eddy" ]; then
  echo "$0: $eddy is not an executable" >&2
  exit 2
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

scenario() {  # scenario BROKERS PARTITIONS PRODUCERS: a scenario file on stdout
  local brokers=$1 partitions=$2 producers=$3
  # Each producer's rate is the total split evenly (per minute: rates are whole numbers); keys
  # spread records over every partition.
  cat <<YAML
# Scaling benchmark (bench/scale-bench.sh): $brokers brokers, $partitions partitions RF 3,
# $producers producers sharing $rate_total messages/s of 1 KiB with acks=all.
name: scale-${brokers}b-${partitions}p
cluster:
  brokers: $brokers
  controllers: 3
topics:
  - {name: events, partitions: $partitions, replication_factor: 3, configs: {min.insync.replicas: 2}}
producers:
YAML
  # Entries of at most 1,000 producers (the loader's limit per entry before issue 24 raised it),
  # so that the same file runs on older builds for a before/after comparison.
  local left=$producers count
  while [ "$left" -gt 0 ]; do
    count=$((left > 1000 ? 1000 : left))
    left=$((left - count))
    echo "  - {topic: events, count: $count, rate: $((rate_total * 60 / producers))/m, message_size: 1KiB, keys: \"uniform 1000000\", configs: {acks: all$extra_configs}}"
  done
  cat <<YAML
duration: $duration
expect: {lost_writes: 0}
YAML
}

status=0
printf '| brokers | partitions | producers | events | simulated s | CPU s | simulated s per CPU s | peak RSS MiB | KiB per partition | CPU ms per partition per simulated s |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for size in $sizes; do
  IFS=/ read -r brokers partitions producers <<<"$size"
  file="$dir/scale-${brokers}-${partitions}.yaml"
  scenario "$brokers" "$partitions" "$producers" >"$file"
  out=$("$eddy" run "$file" --no-out 2>&1)
  rc=$?
  [ $rc -eq 0 ] || { status=1; echo "$0: $size: exit $rc" >&2; echo "$out" | tail -20 >&2; }
  # From the run's own lines: "scenario ... simulated=43.7s events=N", "speed: ... X CPU s",
  # "host: ... N MiB max resident".
  events=$(sed -n 's/.* events=\([0-9]*\).*/\1/p' <<<"$out" | head -1)
  simulated=$(sed -n 's/.* simulated=\([0-9.]*\)s .*/\1/p' <<<"$out" | head -1)
  cpu=$(sed -n 's/.*; \([0-9.]*\) CPU s .*/\1/p' <<<"$out" | head -1)
  rss=$(sed -n 's/.* \([0-9]*\) MiB max resident.*/\1/p' <<<"$out" | head -1)
  awk -v b="$brokers" -v p="$partitions" -v n="$producers" -v e="$events" -v s="$simulated" -v c="$cpu" -v r="$rss" 'BEGIN {
    printf "| %d | %d | %d | %d | %.1f | %.2f | %.1f | %d | %.1f | %.3f |\n", b, p, n, e, s, c, s / c, r, r * 1024 / p, c * 1000 / p / s
  }'
done
exit $status
