#!/usr/bin/env bash
# eddy's one entry point for a fresh Debian 12 machine: installs the Debian packages the
# project needs (skipping those already present), configures and builds, then
#   ./setup.sh run [ARGS...]   runs build/eddy run ARGS (the built-in default scenario)
#   ./setup.sh test            runs the whole test suite: the release build, then the
#                              ASan+UBSan build (build-asan/)
#   ./setup.sh build           only installs and builds
# Idempotent: a second call installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-build}
[ $# -gt 0 ] && shift

packages=(
  g++ cmake ninja-build pkg-config
  libboost-fiber-dev libboost-context-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev
  libsimgrid-dev
  chromium
  python3-yaml python3-pandas python3-matplotlib python3-nbconvert python3-nbclient python3-ipykernel
)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The report's chart libraries (inlined into report.html at build time) and the headless
# browser driver of its test, pinned in reports/web/package-lock.json. Reinstalled only when
# the lock file changed.
install_web() {
  local web=reports/web
  if ! command -v npm >/dev/null; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in $web"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

jobs=$(nproc 2>/dev/null || echo 2)

build_tree() {  # build_tree DIR CMAKE_ARGS...
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  fi
  cmake --build "$dir" -j "$jobs"
}

install_packages
install_web
build_tree build -DCMAKE_BUILD_TYPE=RelWithDebInfo

case "$mode" in
  build) ;;
  run)
    exec ./build/eddy run "$@"
    ;;
  test)
    echo "setup: tests (release build)"
    ctest --test-dir build --output-on-failure -j "$jobs"
    echo "setup: tests (ASan + UBSan build, build-asan/)"
    build_tree build-asan -DCMAKE_BUILD_TYPE=Debug -DEDDY_SANITIZE=ON -DEDDY_BENCHMARKS=OFF
    # The whole lab on the SimGrid engine (label simgrid) runs in the release build only (the
    # engine's own tests run in both; tests/CMakeLists.txt).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE "lint|slow|simgrid|notebook|browser|python"
    ;;
  *)
    echo "usage: ./setup.sh [build | run [ARGS...] | test]" >&2
    exit 2
    ;;
esac
