#!/usr/bin/env bash
# Generates fresh eddy outputs (notebooks/generate_runs.sh) and executes a notebook headless
# with Debian's Python (nbconvert --execute); the executed notebook and its figures stay in
# ARTIFACTS/notebooks/. Exit 77 (skipped) when the notebook needs a sweep and eddy has none.
# usage: notebooks_test.sh EDDY SOURCE_DIR ARTIFACTS tradeoff|sweep
set -euo pipefail
eddy=$1 src=$2 artifacts=$3 what=$4
out="$artifacts/notebooks"
mkdir -p "$out"
rc=0
"$src/notebooks/generate_runs.sh" "$eddy" "$out/data-$what" "$what" || rc=$?
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || exit "$rc"
if [ "$what" = sweep ]; then
  # The sweep's JUnit file, read by an XML parser: 2 scenarios x 6 seeds, all expectations held.
  /usr/bin/python3 "$src/tests/reports/junit_check.py" "$out/data-sweep/sweep/junit.xml" 12 0 0
  for f in sweep.json sweep.html summary.md; do [ -s "$out/data-sweep/sweep/$f" ] || { echo "no $f"; exit 1; }; done
  node "$src/reports/web/check_report.mjs" "$out/data-sweep/sweep/sweep.html" "$out/sweep-real.png" --expect-text "acks1-leader-cut-off"
fi
case "$what" in
  tradeoff) nb=durability_latency_tradeoff.ipynb; export EDDY_RUNS="$out/data-$what/tradeoff" ;;
  sweep) nb=sweep_results.ipynb; export EDDY_SWEEP="$out/data-$what/sweep" ;;
esac
export EDDY_FIGURES="$out" PYDEVD_DISABLE_FILE_VALIDATION=1
/usr/bin/python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
  --output-dir "$out" "$src/notebooks/$nb"
echo "executed: $out/$nb"
