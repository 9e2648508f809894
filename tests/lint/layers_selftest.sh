#!/usr/bin/env bash
# The layer lint must catch what it exists for: broker code reaching the native engine or the
# world model, an interface header reaching the world, the model reaching the oracle, and the
# oracle reaching the workload, the model's running code or the world; and pass the real tree.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sim/world" "$tmp/sim/native" "$tmp/sim/simgrid" "$tmp/broker_model/broker" "$tmp/faults" "$tmp/checkers" "$tmp/scenarios"
touch "$tmp/sim/world/world.h" "$tmp/sim/native/kernel.h" "$tmp/sim/simgrid/simgrid_engine.h" "$tmp/sim/world/engine.h" "$tmp/sim/time.h" "$tmp/sim/node_context.h" \
  "$tmp/broker_model/types.h" "$tmp/broker_model/broker/partition.h" "$tmp/checkers/history.h" \
  "$tmp/scenarios/group_workload.h"
status=0
expect() {  # expect OUTCOME FILE CONTENT
  local want=$1 file=$2 content=$3
  rm -f "$tmp"/broker_model/*.cc "$tmp"/sim/*.cc "$tmp"/sim/world/*.cc "$tmp"/sim/simgrid/*.cc "$tmp"/faults/*.cc "$tmp"/checkers/*.cc "$tmp"/scenarios/*.cc
  printf '%s\n' "$content" > "$tmp/$file"
  if "$here/layers.sh" "$tmp" >/dev/null; then got=pass; else got=fail; fi
  if [ "$got" != "$want" ]; then
    echo "layers.sh: $file with '$content': expected $want, got $got"
    status=1
  fi
}
expect fail broker_model/a.cc '#include "sim/native/kernel.h"'
expect fail broker_model/a.cc '#include "sim/world/world.h"'
expect fail sim/a.cc '#include "sim/world/world.h"'
expect fail faults/a.cc '#include "sim/native/kernel.h"'
expect pass broker_model/a.cc '#include "sim/time.h"'
expect pass faults/a.cc '#include "sim/world/world.h"'
expect fail broker_model/a.cc '#include "checkers/history.h"'
expect fail checkers/a.cc '#include "scenarios/group_workload.h"'
expect fail checkers/a.cc '#include "broker_model/broker/partition.h"'
expect fail checkers/a.cc '#include "sim/world/world.h"'
expect fail checkers/a.cc '#include "sim/node_context.h"'
expect pass checkers/a.cc '#include "broker_model/types.h"'
expect pass checkers/a.cc '#include "sim/time.h"'
expect pass scenarios/a.cc '#include "checkers/history.h"'
expect fail broker_model/a.cc '#include "sim/simgrid/simgrid_engine.h"'
expect fail broker_model/a.cc '#include <simgrid/s4u.hpp>'
expect fail sim/world/a.cc '#include <simgrid/s4u.hpp>'
expect fail sim/simgrid/a.cc '#include "sim/native/kernel.h"'
expect pass sim/simgrid/a.cc '#include <simgrid/s4u.hpp>'
expect pass sim/simgrid/a.cc '#include "sim/world/engine.h"'
"$here/layers.sh" "$root" >/dev/null || { echo "layers.sh fails on the real tree"; status=1; }
[ $status -eq 0 ] && echo "layer lint self-test: ok"
exit $status
