#!/usr/bin/env bash
# The lint must fail on planted violations, one per kind, and pass on clean code.
set -u
lint="$(cd "$(dirname "$0")" && pwd)/banned_apis.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/broker_model"
fail=0
check() {  # check NAME CODE
  printf '%s\n' "$2" > "$tmp/broker_model/planted.cc"
  if "$lint" "$tmp/broker_model" >/dev/null 2>&1; then echo "lint missed: $1"; fail=1; fi
}
check host-clock 'auto t = std::chrono::steady_clock::now();'
check system-clock 'auto t = std::chrono::system_clock::now();'
check random-device 'std::random_device rd;'
check rand 'int x = rand();'
check thread 'std::thread t([]{});'
check real-sleep 'std::this_thread::sleep_for(d);'
check distribution 'std::uniform_int_distribution<int> d(0, 9);'
check mersenne 'std::mt19937 gen(1);'
check unordered 'std::unordered_map<int, int> m;'
check swallow $'try { f(); } catch (...) {\n  log();\n}'
printf '%s\n' 'try { f(); } catch (...) {' '  cleanup();' '  throw;' '}' 'int y = operand(3);' > "$tmp/broker_model/planted.cc"
if ! "$lint" "$tmp/broker_model" >/dev/null 2>&1; then echo "lint flagged clean code"; fail=1; fi
printf '%s\n' 'auto t = std::chrono::steady_clock::now();  // determinism-ok: wall time for a progress bar' > "$tmp/broker_model/planted.cc"
if ! "$lint" "$tmp/broker_model" >/dev/null 2>&1; then echo "lint ignored determinism-ok"; fail=1; fi
[ $fail -eq 0 ] && echo "banned-API lint self-test: passed"
exit $fail
