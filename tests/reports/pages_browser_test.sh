#!/usr/bin/env bash
# sweep.html (from the sweep fixture of report_tests) and compare.html (acks=1 vs acks=all
# under the same leader cut-off) in headless Chromium; screenshots stay in ARTIFACTS/.
# usage: pages_browser_test.sh EDDY SOURCE_DIR ARTIFACTS
set -euo pipefail
eddy=$1 src=$2 artifacts=$3
check="$src/reports/web/check_report.mjs"
mkdir -p "$artifacts"
fixture="$artifacts/sweep-fixture"
if [ ! -f "$fixture/sweep.html" ]; then
  echo "$fixture/sweep.html is missing: run report_tests (SweepReport.*) first"
  exit 1
fi
node "$check" "$fixture/sweep.html" "$artifacts/sweep.png" --expect-text "lossy" --expect-text "build/eddy replay b.yaml --seed 7"

cmp="$artifacts/compare"
rm -rf "$cmp"
mkdir -p "$cmp"
sed 's/acks: 1,/acks: all,/; s/min.insync.replicas: 1/min.insync.replicas: 2/; s/^expect: .*/expect: {lost_writes: 0}/; s/^name: .*/name: acks-all-leader-cut-off/' \
  "$src/scenarios/durability/acks1-leader-cut-off.yaml" >"$cmp/acks-all.yaml"
"$eddy" run "$src/scenarios/durability/acks1-leader-cut-off.yaml" --seed 2 --out "$cmp/acks1" --no-history >/dev/null
"$eddy" run "$cmp/acks-all.yaml" --seed 2 --out "$cmp/acks-all" --no-history >/dev/null
"$eddy" compare "$cmp/acks1" "$cmp/acks-all" --html "$cmp/compare.html" | tee "$cmp/compare.txt"
grep -q "differs *acks=1 min.insync.replicas=1 *acks=all min.insync.replicas=2" "$cmp/compare.txt"
node "$check" "$cmp/compare.html" "$artifacts/compare.png" --expect-text "acks=all" --expect-text "lost_writes"
