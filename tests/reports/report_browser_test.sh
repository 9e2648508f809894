#!/usr/bin/env bash
# Runs a scenario through `eddy run --out` and opens its report.html in headless Chromium
# (reports/web/check_report.mjs): no console errors, every chart rendered, fault bands drawn,
# expected text present. The screenshot stays in ARTIFACTS/ for people to look at.
# usage: report_browser_test.sh EDDY SOURCE_DIR ARTIFACTS NAME SCENARIO SEED [check args...]
set -euo pipefail
eddy=$1 src=$2 artifacts=$3 name=$4 scenario=$5 seed=$6
shift 6
command -v node >/dev/null || { echo "node is missing: run ./setup.sh"; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "chromium is missing: run ./setup.sh"; exit 1; }
[ -d "$src/reports/web/node_modules/puppeteer-core" ] || { echo "reports/web/node_modules is missing: run ./setup.sh"; exit 1; }
mkdir -p "$artifacts"
out="$artifacts/$name"
rm -rf "$out"
set +e
"$eddy" run "$src/$scenario" --seed "$seed" --out "$out" >"$artifacts/$name.stdout"
rc=$?
set -e
cat "$artifacts/$name.stdout"
if [ "$rc" -ne 0 ]; then echo "eddy run exited $rc"; exit 1; fi
node "$src/reports/web/check_report.mjs" "$out/report.html" "$artifacts/$name.png" "$@"
