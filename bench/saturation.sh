#!/usr/bin/env bash
# Saturation on both engines (issue 22): runs scenarios/platform/saturation.yaml at offered
# loads below and above its brokers' 1 Gbit/s NICs, on the native engine and on SimGrid, and
# prints acknowledged throughput and produce latency per load, with the two engines' gap.
# The run directories go to OUT (default: a fresh directory under /tmp) and `eddy compare`
# draws them as one page, OUT/saturation.html (offered load against acknowledged throughput
# and p99, per engine).
#   bench/saturation.sh [build/eddy] [OUT]
set -euo pipefail
EDDY=${1:-build/eddy}
OUT=${2:-$(mktemp -d /tmp/eddy-saturation.XXXXXX)}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BASE="$SRC/scenarios/platform/saturation.yaml"
RATES=${RATES:-"30000 60000 90000 120000 150000 200000"}   # messages/s of 1,000 B
mkdir -p "$OUT"
dirs=()
printf '%-10s %-10s %12s %12s %10s %10s\n' "offered" "engine" "ack MB/s" "ack rec/s" "p50 ms" "p99 ms"
for rate in $RATES; do
  file="$OUT/saturation-$rate.yaml"
  sed -e "s|rate: 150000/s|rate: $rate/s|" -e "s|^name: saturation-nic|name: saturation-$rate|" "$BASE" > "$file"
  declare -A mbps=()
  for engine in native simgrid; do
    dir="$OUT/$rate-$engine"
    rm -rf "$dir"
    "$EDDY" run "$file" --engine "$engine" --out "$dir" > "$dir.txt" 2>&1 || true
    dirs+=("$dir")
    read -r mb rps p50 p99 < <(/usr/bin/python3 - "$dir/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t, l = s["throughput"], s["latency"]["produce"]
print(t["produced_mb_per_s"], t["produced_records_per_s"], l.get("p50", 0), l.get("p99", 0))
PY
)
    mbps[$engine]=$mb
    printf '%-10s %-10s %12.1f %12.0f %10.2f %10.2f\n' "$((rate / 1000))MB/s" "$engine" "$mb" "$rps" "$p50" "$p99"
  done
  /usr/bin/python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%-10s %-10s %11.1f%%' % ('', 'gap', abs(a-b)/max(a,b,1e-9)*100))" \
    "${mbps[native]}" "${mbps[simgrid]}"
done
"$EDDY" compare "${dirs[@]}" --html "$OUT/saturation.html" > "$OUT/compare.txt"
echo "runs and report: $OUT (saturation.html)"
