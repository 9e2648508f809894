#!/usr/bin/env python3
"""Mutation score of eddy's lab: applies each mutant of tests/mutation/mutants.py to the source
tree, rebuilds `eddy` incrementally, runs the CI gate's sweep, and counts the mutants the lab
kills (any failing verdict). The source is restored after each mutant, whatever happens.

  tests/mutation/run.py --build build --seeds 1..100 [--only ID,...] [--out mutation.md]

Run it in a worktree of its own (it edits the sources it tests). A mutant that does not
compile is 'stillborn' and not counted. Results: a table on stdout and, with --out, a file.
"""
import argparse
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mutants import MUTANTS  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired:
        return None, "timed out"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="configured build directory (default: build)")
    ap.add_argument("--seeds", default="1..100", help="seeds per CI scenario (default: 1..100)")
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--only", default="", help="comma-separated mutant ids")
    ap.add_argument("--out", default="", help="write the result table (markdown) here")
    ap.add_argument("--sweep-timeout", type=int, default=900, help="seconds per mutant's sweep")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    scenarios = sorted(glob.glob(os.path.join(ROOT, "scenarios/ci/*.yaml")))
    eddy = os.path.join(args.build, "eddy")
    rows = []
    for m in MUTANTS:
        if only and m["id"] not in only:
            continue
        path = os.path.join(ROOT, m["file"])
        with open(path) as f:
            original = f.read()
        if original.count(m["old"]) != 1:
            rows.append((m["id"], "stale", f"`old` occurs {original.count(m['old'])} times in {m['file']}", 0.0))
            print(f"{m['id']}: STALE (the code moved; update mutants.py)", flush=True)
            continue
        started = time.time()
        try:
            with open(path, "w") as f:
                f.write(original.replace(m["old"], m["new"]))
            rc, out = run(["cmake", "--build", args.build, "--target", "eddy"], 1800)
            if rc != 0:
                rows.append((m["id"], "stillborn", "does not compile", time.time() - started))
                print(f"{m['id']}: stillborn", flush=True)
                continue
            outdir = os.path.join("/tmp", f"eddy-mutant-{m['id']}-{os.getpid()}")
            rc, out = run([eddy, "sweep", *scenarios, "--seeds", args.seeds, "--jobs", args.jobs, "--fail-fast",
                           "--out", outdir], args.sweep_timeout)
            verdict = "killed" if rc != 0 else "survived"
            why = ""
            for line in out.splitlines():
                if "==" in line and ":" in line and not why:
                    why = line.strip()
            if rc is None:
                why = "sweep timed out (counted as killed: a hang is a failing verdict)"
            rows.append((m["id"], verdict, why or m["what"], time.time() - started))
            print(f"{m['id']}: {verdict} {why}", flush=True)
        finally:
            with open(path, "w") as f:
                f.write(original)
    counted = [r for r in rows if r[1] in ("killed", "survived")]
    killed = sum(1 for r in counted if r[1] == "killed")
    table = ["| mutant | verdict | evidence | wall s |", "|---|---|---|---|"]
    for r in rows:
        table.append(f"| `{r[0]}` | {r[1]} | {r[2].replace('|', '/')} | {r[3]:.0f} |")
    score = f"mutation score: {killed} of {len(counted)} killed" + (f" ({100.0 * killed / len(counted):.0f}%)" if counted else "")
    print("\n".join(table) + "\n\n" + score)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(table) + "\n\n" + score + "\n")
    # Leave the tree built as it is in git.
    run(["cmake", "--build", args.build, "--target", "eddy"], 1800)
    return 0


if __name__ == "__main__":
    sys.exit(main())
