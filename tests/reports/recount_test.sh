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
         durability/acks1-leader-cut-off groups/paused-member-zombie groups/commit-before-processing; do
  dir="$out/$(basename "$s")"
  rc=0
  "$eddy" run "$src/scenarios/$s.yaml" --seed 1 --out "$dir" --history > "$dir.txt" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { echo "$s: eddy run exited $rc"; cat "$dir.txt"; exit 1; }
  for f in final_log.jsonl attempts.jsonl history.jsonl; do [ -s "$dir/$f" ] || [ "$f" = attempts.jsonl ] || { echo "$s: no $f"; exit 1; }; done
  python3 "$src/notebooks/recount.py" "$dir"
done
# Duplicates told apart: KAFKA-5494's variant makes the broker refuse retries of batches it has
# (dedup failures, exit 1). (The other kind, duplicates Kafka's producer writes itself by
# re-stamping a batch after an epoch bump, KAFKA-14034, is the checker test's: since KIP-966's
# eligible leader replicas hold the high watermark below min.insync.replicas no bundled seed
# found shows one.)
run_expecting() {  # run_expecting EXIT NAME EDDY_ARGS...
  local want=$1 name=$2 rc=0
  shift 2
  "$eddy" run "$@" --out "$out/$name" --history > "$out/$name.txt" 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || { echo "$name: eddy run exited $rc, not $want"; cat "$out/$name.txt"; exit 1; }
  python3 "$src/notebooks/recount.py" "$out/$name"
}
run_expecting 1 kafka-5494 "$src/scenarios/durability/idempotent-retries.yaml" --seed 1 --variant pre-kafka-5494-one-batch
# The group checks recounted from groups.jsonl: KAFKA-2555's variant lets a zombie's commits
# through (stale commits, offsets moving back).
run_expecting 1 kafka-2555 "$src/scenarios/groups/paused-member-zombie.yaml" --seed 1 --variant group-commit-ignores-generation
# apache/kafka#2436's variant: a coordinator taking the group over without its offsets answers
# OffsetFetch with none (lost_commits, from the offset_fetch and accepted_commit lines).
run_expecting 1 offsets-not-loaded "$src/scenarios/zoo/groups-swarm.yaml" --seed 7 --variant offsets-not-loaded-on-failover
python3 - "$out" <<'PY'
import json, sys
def count(name, check):
    return next(c["count"] for c in json.load(open(f"{sys.argv[1]}/{name}/summary.json"))["checks"] if c["check"] == check)
assert count("kafka-5494", "dedup_failures") > 0, "KAFKA-5494's duplicates are the broker's"
assert count("kafka-5494", "dedup_failures") == count("kafka-5494", "duplicates"), "every one of them"
for name, check in [("offsets-not-loaded", "lost_commits"), ("kafka-2555", "stale_commits"), ("kafka-2555", "offset_regressions"), ("kafka-2555", "zombie_overlaps"),
                    ("paused-member-zombie", "duplicates_processed"), ("paused-member-zombie", "commits_rejected"),
                    ("commit-before-processing", "unprocessed")]:
    assert count(name, check) > 0, f"{name}: {check} is not zero, so agreeing on it means something"
PY
# Two members of one generation owning a partition at once, planted in groups.jsonl: the
# recount finds what eddy did not report.
cp -r "$out/paused-member-zombie" "$out/planted-overlap"
python3 - "$out/planted-overlap/groups.jsonl" <<'PY'
import json, sys
p = sys.argv[1]
rows = [json.loads(l) for l in open(p) if l.strip()]
o = next(r for r in rows if r["type"] == "ownership" and r["start_ns"] < r["end_ns"])
twin = dict(o, consumer=o["consumer"] + 100, member_id="planted")
with open(p, "a") as f:
    f.write(json.dumps(twin) + "\n")
PY
if python3 "$src/notebooks/recount.py" "$out/planted-overlap" > "$out/planted-overlap.txt"; then
  echo "a planted double owner went unnoticed"; exit 1
fi
grep -q "group_exclusivity    recounted        1  eddy        0  MISMATCH" "$out/planted-overlap.txt"

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
