#!/usr/bin/env bash
# The bug zoo's time-to-bug table (docs/bug-zoo.md): `eddy hunt --check-off` for every protocol
# variant on the zoo's general swarms, one line per variant: seeds to the first failure, wall
# seconds, what failed, and whether the same seeds pass with the variant off.
#   bench/bug_zoo_table.sh build/eddy [BUDGET=60s] [JOBS=2] [FIRST_SEED=1]
# or `cmake --build build --target bug-zoo-table`. Not a test: the numbers depend on the machine.
set -u
eddy=${1:?usage: bug_zoo_table.sh EDDY [BUDGET] [JOBS] [FIRST_SEED]}
budget=${2:-60s}
jobs=${3:-2}
first=${4:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
variants=$("$eddy" list | sed -n '/^protocol variants/,/^checkers/p' | awk 'NF >= 2 && $1 ~ /^[a-z0-9-]+$/ && $1 ~ /-/ {print $1}')
printf '| variant | scenario | seeds | wall s | found | variant off |\n|---|---|---|---|---|---|\n'
for v in $variants; do
  case $v in
    group-*|offsets-*) file=$root/scenarios/zoo/groups-swarm.yaml ;;
    *) file=$root/scenarios/zoo/replication-swarm.yaml ;;
  esac
  out=$("$eddy" hunt "$file" --variant "$v" --budget "$budget" --jobs "$jobs" --seeds-from "$first" --no-progress --check-off 2>&1)
  last=$(printf '%s\n' "$out" | grep '^hunt:' | tail -1)
  seeds=$(printf '%s\n' "$last" | sed -n 's/.* seeds=\([0-9]*\).*/\1/p')
  wall=$(printf '%s\n' "$last" | sed -n 's/.* wall_s=\([0-9.]*\).*/\1/p')
  case $last in
    *found=1*) found=$(printf '%s\n' "$last" | sed -n 's/.*seed=\([0-9]*\).*verdict=\([a-z_]*\).*/seed \1 (\2)/p') ;;
    *) found="none" ;;
  esac
  off="—"
  if printf '%s\n' "$out" | grep -q 'all pass$'; then off="pass"; fi
  if printf '%s\n' "$out" | grep -q 'WITH THE VARIANTS OFF'; then off="FAIL too"; fi
  printf '| %s | %s | %s | %s | %s | %s |\n' "$v" "${file#$root/scenarios/}" "${seeds:-?}" "${wall:-?}" "$found" "$off"
done
