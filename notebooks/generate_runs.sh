#!/usr/bin/env bash
# Makes fresh inputs for the notebooks:
#   OUT/tradeoff/<setting>-<seed>/  scenarios/durability/acks1-leader-cut-off.yaml with acks and
#                                   min.insync.replicas varied (1/1, all/1, all/2), seeds 1-2
#   OUT/sweep/                      eddy sweep of two scenarios over seeds 1..6 (results.jsonl,
#                                   sweep.json, sweep.html, summary.md, junit.xml)
# usage: notebooks/generate_runs.sh [EDDY] [OUT] [tradeoff|sweep|all]   (defaults: build/eddy, runs, all)
# Exit 77 when the sweep is asked for and this eddy has no sweep command.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
eddy=${1:-$src/build/eddy}
out=${2:-runs}
what=${3:-all}
if [ "$what" != sweep ]; then
mkdir -p "$out/tradeoff"
base="$src/scenarios/durability/acks1-leader-cut-off.yaml"
for setting in "1 1" "all 1" "all 2"; do
  set -- $setting
  acks=$1 minisr=$2
  file="$out/tradeoff/acks$acks-minisr$minisr.yaml"
  sed "s/acks: 1,/acks: $acks,/; s/min.insync.replicas: 1/min.insync.replicas: $minisr/; s/^expect: .*/expect: {}/; s/^name: .*/name: leader-cut-off-acks$acks-minisr$minisr/" \
    "$base" >"$file"
  for seed in 1 2; do
    # Exit 1 (a safety expectation failed: writes were lost) is this notebook's subject.
    rc=0
    "$eddy" run "$file" --seed "$seed" --out "$out/tradeoff/acks$acks-minisr$minisr-$seed" --no-history >/dev/null || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then echo "eddy run $file --seed $seed: exit $rc"; exit 1; fi
  done
done
echo "tradeoff runs: $out/tradeoff"
fi
[ "$what" = tradeoff ] && exit 0
if "$eddy" --help 2>&1 | grep -q "sweep"; then
  rm -rf "$out/sweep"
  mkdir -p "$out"
  set +e
  "$eddy" sweep "$src/scenarios/ci/acks-all-single-faults.yaml" "$src/scenarios/durability/acks1-leader-cut-off.yaml" \
    --seeds 1..6 --jobs 1 --out "$out/sweep" --junit "$out/sweep/junit.xml" >"$out/sweep.log" 2>&1
  rc=$?
  set -e
  if [ ! -f "$out/sweep/results.jsonl" ]; then cat "$out/sweep.log"; echo "eddy sweep wrote no results (exit $rc)"; exit 1; fi
  echo "sweep: $out/sweep (exit $rc)"
else
  echo "this eddy has no sweep command: no sweep results"
  exit 77
fi
