#!/usr/bin/env bash
# Sweeps every bundled scenario with idempotent producers (tests/scenarios/idempotent-scenarios.txt,
# kept in sync by ScenarioLibrary.EveryIdempotentScenarioExpectsNoDuplicatesAndIsSwept) over
# SEEDS seeds (default 1,000): each expects duplicates: 0, so a duplicate fails the sweep with the
# seed that reproduces it. Usage: sweep_duplicates.sh EDDY SOURCE_DIR OUT_DIR [SEEDS]
set -euo pipefail
eddy=$1 src=$2 out=$3 seeds=${4:-1000}
mapfile -t files < <(sed "s|^|$src/|" "$src/tests/scenarios/idempotent-scenarios.txt")
[ "${#files[@]}" -gt 0 ] || { echo "no idempotent scenarios listed" >&2; exit 1; }
rm -rf "$out"
"$eddy" sweep "${files[@]}" --seeds "1..$seeds" --jobs 2 --out "$out"
