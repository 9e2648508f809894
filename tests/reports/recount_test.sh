#!/usr/bin/env bash
# A verdict an outsider can audit: runs scenarios whose checks count something (expired by
# retention, lost writes, lost reads, duplicates) and recomputes every count from the run
# directory alone with notebooks/recount.py (Python's standard library), which compares with
# summary.json and exits 1 on any mismatch. Then plants a lie in summary.json and expects the
# recount to catch it.
# usage: recount_test.sh EDDY SOURCE_DIR ARTIFACTS
set -euo pipefail
eddy=$1 src=$2 artifacts=$3
out="$artifacts/recount"
rm -rf "$out"
mkdir -p "$out"
for s in basics/retention durability/unclean-election-lost-reads durability/duplicates-on-retry \
         durability/acks1-leader-cut-off; do
  dir="$out/$(basename "$s")"
  rc=0
  "$eddy" run "$src/scenarios/$s.yaml" --seed 1 --out "$dir" --history > "$dir.txt" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { echo "$s: eddy run exited $rc"; cat "$dir.txt"; exit 1; }
  for f in final_log.jsonl attempts.jsonl history.jsonl; do [ -s "$dir/$f" ] || [ "$f" = attempts.jsonl ] || { echo "$s: no $f"; exit 1; }; done
  python3 "$src/notebooks/recount.py" "$dir"
done
# Each count recomputed is not zero in some run, so agreeing means something.
grep -q '"expired"' "$out/retention/summary.json"
dir="$out/duplicates-on-retry"
[ -s "$dir/attempts.jsonl" ] || { echo "duplicates-on-retry: attempts.jsonl empty"; exit 1; }
# A summary that lies is caught.
python3 - "$dir/summary.json" <<'PY'
import json, sys
p = sys.argv[1]
s = json.load(open(p))
for c in s["checks"]:
    if c["check"] == "duplicates":
        c["count"] += 1
json.dump(s, open(p, "w"))
PY
if python3 "$src/notebooks/recount.py" "$dir"; then echo "a planted mismatch went unnoticed"; exit 1; fi
echo "recount: every count recomputed from the run directories"
