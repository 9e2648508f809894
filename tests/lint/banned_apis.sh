#!/usr/bin/env bash
# Fails when simulated code uses what would make runs
# irreproducible (sim/, broker_model/, faults/, scenarios/ by default): host clocks, host entropy, threads, real sleeps, the standard library's
# random distributions, or unordered containers (their iteration order can leak). It also
# rejects a bare `catch (...)` in broker_model/ that does not rethrow: the kernel unwinds a
# crashed node's fibers with an exception that simulated code must let through.
# Mark a reviewed, harmless line with a `determinism-ok` comment.
# Usage: banned_apis.sh [DIR...]   (paths relative to the repository root or absolute)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(sim broker_model faults scenarios)

pattern='system_clock|steady_clock|high_resolution_clock|random_device|[^_a-zA-Z.>:]rand\(|srand\(|std::rand\b|gettimeofday|clock_gettime|\btime\(nullptr\)|\btime\(NULL\)|std::thread|std::jthread|std::async|pthread_create|this_thread::sleep|boost::this_fiber::sleep|\busleep\(|\bnanosleep\(|\bsleep\([0-9]|_distribution<|std::mt19937|std::minstd_rand|std::default_random_engine|unordered_map|unordered_set'

status=0
hits=$(grep -rnE "$pattern" --include='*.h' --include='*.hpp' --include='*.cc' --include='*.cpp' "${dirs[@]}" 2>/dev/null | grep -v 'determinism-ok')
if [ -n "$hits" ]; then
  echo "banned APIs in simulated code (time, randomness and scheduling must come from the simulator):"
  echo "$hits"
  status=1
fi

for d in "${dirs[@]}"; do
  case "$d" in *broker_model*) ;; *) continue ;; esac
  while IFS= read -r -d '' f; do
    # A catch (...) block must contain a rethrow (`throw;`) within its next 6 lines.
    awk -v file="$f" '
      /catch[[:space:]]*\([[:space:]]*\.\.\.[[:space:]]*\)/ { open = NR; ok = 0; next }
      open && /throw[[:space:]]*;/ { ok = 1 }
      open && NR - open >= 6 { if (!ok) { printf "%s:%d: catch (...) without rethrow swallows node crashes\n", file, open; bad = 1 } open = 0 }
      END { if (open && !ok) { printf "%s:%d: catch (...) without rethrow swallows node crashes\n", file, open; bad = 1 } exit bad }
    ' "$f" || status=1
  done < <(find "$d" \( -name '*.h' -o -name '*.cc' -o -name '*.cpp' -o -name '*.hpp' \) -print0 2>/dev/null)
done

[ $status -eq 0 ] && echo "banned-API lint: clean (${dirs[*]})"
exit $status
