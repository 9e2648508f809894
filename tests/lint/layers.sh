#!/usr/bin/env bash
# Fails when a file includes a header from a layer it may not see (README "Layout"). The
# layers, from the bottom:
#   sim/*.h        the interface simulated code sees: time, ids, payloads, randomness, the
#                  process context, blocking primitives, files, fault points
#   sim/world/     the engine-neutral world model (nodes, network, disks, clocks, trace) and
#                  the Engine interface
#   sim/native/    the native engine (fibers, event queue); only sim/engines.cc names it
#   sim/simgrid/   the SimGrid engine (S4U actors); only sim/engines.cc names it, and no other
#                  folder includes SimGrid's own headers (<simgrid/...>)
#   broker_model/  the system under test: the sim interface and nothing else of the lab
#   faults/        acts on a World
#   checkers/      the lab's oracle (the History and the checkers): the sim interface's value
#                  types and broker_model/types.h (ids) only; no workload, no scenario, no
#                  world, nothing of the model that runs
#   scenarios/, reports/, cli/  the lab
# Runs at build time (target `layers`) and under ctest. Usage: layers.sh [ROOT]
set -u
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2

iface='sim/[a-z0-9_]+\.h'
# "layer regex (matched against the file path) => allowed include regex"; first match wins
rules=(
  "^sim/engines\.cc$ => ^sim/"
  "^sim/[a-z0-9_]+\.(h|cc)$ => ^${iface}$"
  "^sim/world/ => ^(${iface}|sim/world/.*)$"
  "^sim/native/ => ^(${iface}|sim/world/engine\.h|sim/native/.*)$"
  "^sim/simgrid/ => ^(${iface}|sim/world/engine\.h|sim/simgrid/.*)$"
  "^broker_model/ => ^(${iface}|broker_model/.*)$"
  "^faults/ => ^(${iface}|sim/world/.*|faults/.*)$"
  "^checkers/ => ^(sim/(time|ids|prng|payload|type_tag|symbol|chunked_bytes|free_slots|crc32c|check)\.h|broker_model/(types|errors)\.h|checkers/.*)$"
  "^scenarios/ => ^(${iface}|sim/world/.*|broker_model/.*|faults/.*|checkers/.*|scenarios/.*)$"
  "^reports/ => ^(${iface}|sim/world/.*|broker_model/.*|faults/.*|checkers/.*|scenarios/.*|reports/.*)$"
  "^cli/ => ^(${iface}|sim/world/.*|broker_model/.*|faults/.*|checkers/.*|scenarios/.*|reports/.*|cli/.*)$"
)

status=0
while IFS= read -r -d '' f; do
  f=${f#./}
  allowed=""
  for r in "${rules[@]}"; do
    layer=${r%% => *}
    if [[ $f =~ $layer ]]; then
      allowed=${r#* => }
      break
    fi
  done
  [ -n "$allowed" ] || continue
  while IFS= read -r line; do
    inc=${line#*\"}
    inc=${inc%%\"*}
    # Only the project's own headers are layered (a folder that exists at the root).
    top=${inc%%/*}
    [ "$top" != "$inc" ] && [ -d "$top" ] || continue
    if ! [[ $inc =~ $allowed ]]; then
      echo "$f: includes \"$inc\", outside what its layer may see"
      status=1
    fi
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
  # SimGrid's headers belong to its engine alone (broker code never sees SimGrid).
  if [[ ! $f =~ ^sim/simgrid/ ]] && grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<simgrid/' "$f"; then
    echo "$f: includes a SimGrid header, which only sim/simgrid/ may"
    status=1
  fi
done < <(find sim broker_model faults scenarios checkers reports cli \( -name '*.h' -o -name '*.cc' \) -print0 2>/dev/null)

[ $status -eq 0 ] && echo "layer lint: clean"
exit $status
