#!/usr/bin/env bash
# The bug zoo's time-to-bug table (docs/bug-zoo.md): for every protocol variant, `eddy hunt
# --check-off` from RANGES disjoint seed ranges (range r starts at r*RANGE_SIZE + 1 and may use
# at most RANGE_SIZE seeds), one markdown row per variant: in how many ranges it was found, the
# median seeds and wall seconds to the first failure over the ranges (a range that found
# nothing counts as its seeds and the whole budget, so the median is "none" when fewer than
# half found it), what the first failure was, and whether the same seeds pass with the variant
# off in every range.
#   bench/bug_zoo_table.sh build/eddy [BUDGET=10s] [JOBS=1] [RANGES=5] [RANGE_SIZE=1000]
# or `cmake --build build --target bug-zoo-table`. Not a test: the numbers depend on the machine.
set -u
eddy=${1:?usage: bug_zoo_table.sh EDDY [BUDGET] [JOBS] [RANGES] [RANGE_SIZE]}
budget=${2:-10s}
jobs=${3:-1}
ranges=${4:-5}
range_size=${5:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
variants=${VARIANTS:-$("$eddy" list | sed -n '/^protocol variants/,/^checkers/p' | awk 'NF >= 2 && $1 ~ /^[a-z0-9-]+$/ && $1 ~ /-/ {print $1}')}

# The general swarm each variant is hunted in (raft-no-prevote breaks liveness only, so its
# scenario is the one whose expectation can see it: not a swarm). The replication and Raft
# variants are hunted in the aimed swarm (faults that keep coming back to one partition and to
# the quorum), the five it never found in the chain swarm (the aimed swarm plus the chaining
# nemesis), producer-bump-behind-acked in the plain replication swarm, where it was found.
# VARIANTS (space-separated) limits the table to those variants.
scenario_of() {
  case $1 in
    group-*|offsets-*) echo zoo/groups-swarm.yaml ;;
    pre-kip-966-no-elr) echo zoo/unflushed-swarm.yaml ;;
    raft-no-prevote) echo basics/controller-voter-isolated.yaml ;;
    producer-bump-behind-acked) echo zoo/replication-swarm.yaml ;;
    pre-kip-279-epoch-lookup|pre-kip-320-unfenced-fetch|kafka-7128-isr-expansion|hw-over-committed-isr|raft-commit-previous-term)
      echo zoo/chain-swarm.yaml ;;  # the aimed swarm plus the chaining nemesis (docs/bug-zoo.md)
    *) echo zoo/aimed-swarm.yaml ;;
  esac
}

# median of the numbers on stdin (the lower middle one for an even count)
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "?"; else print v[int((NR + 1) / 2)]}'; }

printf 'budget %s per range, %s job(s), %s ranges of %s seeds\n\n' "$budget" "$jobs" "$ranges" "$range_size"
printf '| variant | scenario | found in | seeds run | median seeds | median wall s | first failure found | variant off |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for v in $variants; do
  rel=$(scenario_of "$v")
  file=$root/scenarios/$rel
  found_n=0
  seeds_all=""
  wall_all=""
  first_found=""
  off="pass"
  for ((r = 0; r < ranges; r++)); do
    first=$((r * range_size + 1))
    out=$("$eddy" hunt "$file" --variant "$v" --budget "$budget" --jobs "$jobs" --seeds-from "$first" \
          --max-seeds "$range_size" --no-progress --check-off 2>&1)
    last=$(printf '%s\n' "$out" | grep '^hunt:' | tail -1)
    seeds=$(printf '%s\n' "$last" | sed -n 's/.* seeds=\([0-9]*\).*/\1/p')
    wall=$(printf '%s\n' "$last" | sed -n 's/.* wall_s=\([0-9.]*\).*/\1/p')
    case $last in
      *found=1*)
        found_n=$((found_n + 1))
        [ -z "$first_found" ] && first_found=$(printf '%s\n' "$last" | sed -n 's/.*seed=\([0-9]*\).*verdict=\([a-z_]*\).*/seed \1 (\2)/p')
        ;;
      *) seeds=${seeds:-$range_size}; wall=${budget%s} ;;
    esac
    seeds_all="$seeds_all ${seeds:-?}"
    wall_all="$wall_all ${wall:-?}"
    if printf '%s\n' "$out" | grep -q 'WITH THE VARIANTS OFF'; then off="FAIL too (range $((r + 1)))"; fi
  done
  if ((2 * found_n > ranges)); then
    m_seeds=$(printf '%s\n' $seeds_all | median)
    m_wall=$(printf '%s\n' $wall_all | median)
  else
    m_seeds="none"
    m_wall="none"
  fi
  [ "$found_n" = 0 ] && off="—"
  total=$(printf '%s\n' $seeds_all | awk '$1 ~ /^[0-9]+$/ {t += $1} END {print t + 0}')
  printf '| `%s` | `%s` | %s/%s | %s | %s | %s | %s | %s |\n' "$v" "$rel" "$found_n" "$ranges" "$total" "$m_seeds" \
    "$m_wall" "${first_found:-none}" "$off"
done
