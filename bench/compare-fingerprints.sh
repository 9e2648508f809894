#!/usr/bin/env bash
# Runs every bundled scenario (the files `eddy list` names) at a few seeds, the built-in
# default and one OMB run with two eddy binaries, and reports every fingerprint that differs.
# A speed step that must not change what the simulation does is checked with this against a
# build of the code before the step (docs/performance.md: "same fingerprints on all bundled
# scenarios at seeds 1-2").
#
#   bench/compare-fingerprints.sh REFERENCE_EDDY [CANDIDATE_EDDY [SEEDS]]
#
# CANDIDATE_EDDY defaults to build/eddy, SEEDS to "1 2". Exit 0 when every run gave the same
# fingerprint with both, 1 when one differs or a run printed none, 2 on bad arguments.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 REFERENCE_EDDY [CANDIDATE_EDDY [SEEDS]]" >&2
  exit 2
fi
reference=$1
candidate=${2:-build/eddy}
seeds=${3:-1 2}
for binary in "$reference" "$candidate"; do
  if [ ! -x "$binary" ]; then
    echo "$0: $binary is not an executable" >&2
    exit 2
  fi
done

fingerprint() {  # fingerprint EDDY ARGS...: the run's fingerprint, empty when it printed none
  local eddy=$1
  shift
  "$eddy" run "$@" --no-out 2>/dev/null | sed -n 's/^ *fingerprint=\([0-9a-f]*\)$/\1/p'
}

runs=0
differ=0
compare() {  # compare ARGS...: one run with both binaries
  local a b
  a=$(fingerprint "$reference" "$@")
  b=$(fingerprint "$candidate" "$@")
  runs=$((runs + 1))
  if [ -z "$a" ] || [ "$a" != "$b" ]; then
    echo "differs: eddy run $* -> ${a:-none} (reference) vs ${b:-none} (candidate)"
    differ=$((differ + 1))
  fi
}

mapfile -t scenarios < <("$candidate" list 2>/dev/null | sed -n 's/^ *\(scenarios\/.*\.yaml\)$/\1/p')
if [ ${#scenarios[@]} -eq 0 ]; then
  echo "$0: $candidate list named no scenario files" >&2
  exit 2
fi
for file in "${scenarios[@]}"; do
  for seed in $seeds; do compare "$file" --seed "$seed"; done
done
compare  # the built-in default
compare scenarios/omb/short.yaml --omb-driver scenarios/omb/kafka-all.yaml \
  --omb-workload scenarios/omb/1-topic-16-partitions-1kb.yaml

echo "compared $runs runs (${#scenarios[@]} scenario files at seeds $seeds, the default, an OMB run): $differ differ"
[ "$differ" -eq 0 ]
