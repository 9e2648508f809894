#!/usr/bin/env bash
# The same seeds on both engines, verdict by verdict (issue 22): sweeps the durability
# scenarios and the CI gate over seeds 1..N on the native engine and on SimGrid, then lists
# every (scenario, seed) whose verdict differs between them.
#   bench/engine_verdicts.sh [N=100] [build/eddy] [OUT] [FILES...]
# SimGrid runs a forked process per seed (docs/engines.md, Determinism): on 2 cores 100 seeds
# of every file take hours; N=10 takes about twenty minutes.
set -euo pipefail
N=${1:-100}
EDDY=${2:-build/eddy}
OUT=${3:-$(mktemp -d /tmp/eddy-verdicts.XXXXXX)}
shift $(( $# < 3 ? $# : 3 ))
SRC=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ]; then FILES=("$@"); else FILES=("$SRC"/scenarios/durability/*.yaml "$SRC"/scenarios/ci/*.yaml); fi
JOBS=${JOBS:-2}
mkdir -p "$OUT"
for engine in native simgrid; do
  rm -rf "$OUT/$engine"
  "$EDDY" sweep "${FILES[@]}" --seeds "1..$N" --engine "$engine" --jobs "$JOBS" --out "$OUT/$engine" \
    --determinism-sample 0 --no-progress > "$OUT/$engine.txt" 2>&1 || true
done
/usr/bin/python3 - "$OUT/native/results.jsonl" "$OUT/simgrid/results.jsonl" <<'PY'
import json, sys
def verdicts(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if not line: continue
        j = json.loads(line.split("\t")[0]) if "\t" in line else json.loads(line)
        if j.get("type") == "seed": out[(j["scenario"], j["seed"])] = j["verdict"]
    return out
a, b = verdicts(sys.argv[1]), verdicts(sys.argv[2])
keys = sorted(set(a) | set(b))
same = [k for k in keys if a.get(k) == b.get(k)]
diff = [k for k in keys if a.get(k) != b.get(k)]
by = {}
for k in keys: by.setdefault(k[0], [0, 0]); by[k[0]][0] += 1; by[k[0]][1] += a.get(k) == b.get(k)
for s, (n, ok) in sorted(by.items()): print(f"{s:55s} {ok:5d}/{n:<5d} same verdict")
print(f"total: {len(same)}/{len(keys)} (scenario, seed) pairs with the same verdict on both engines")
for k in diff: print(f"  differs: {k[0]} seed {k[1]}: native {a.get(k)}, simgrid {b.get(k)}")
PY
