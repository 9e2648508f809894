#!/usr/bin/env python3
"""Recompute a run's durability counts from its run directory alone.

Reads history.jsonl (every produce and consume), final_log.jsonl (every partition's final
read record by record, each replica's state at the end, what retention and truncations
removed) and summary.json, recounts lost_writes, expired, duplicates and lost_reads the way
checkers/checkers.h defines them, and compares with what eddy reported. Python 3 standard
library only, so a user can audit a verdict without eddy (as Jepsen's histories allow).

    python3 notebooks/recount.py runs/retention-1        # prints both counts, exit 1 on a mismatch

lost_reads is recounted only for runs without consumer groups (group members' reads are not
in history.jsonl); formats in reports/README.md.
"""
import json
import os
import sys


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def recount(run_dir):
    history = read_jsonl(os.path.join(run_dir, "history.jsonl"))
    final_log = read_jsonl(os.path.join(run_dir, "final_log.jsonl"))

    reads = {}  # partition -> {"complete", "start", "ids": {offset: record}}
    cuts = {}   # partition -> [log_cut]
    current = None
    for row in final_log:
        kind = row["type"]
        if kind == "final_read":
            # The first final read of a partition is the one judged.
            current = reads.setdefault(row["partition"], {"complete": row["complete"], "start": row["start_offset"],
                                                          "records": []})
            if current.get("seen"):
                current = None
            else:
                current["seen"] = True
        elif kind == "record" and current is not None:
            current["records"].append((row["offset"], row["record"]))
        elif kind == "log_cut":
            cuts.setdefault(row["partition"], []).append(row)

    def expired(partition, offset, since_ns):
        """Retention removed `offset` from some replica, and no truncation did after `since_ns`."""
        past = False
        for c in cuts.get(partition, []):
            if c["kind"] == "retention":
                past = past or c["from"] <= offset < c["to"]
            elif c["at_ns"] >= since_ns and c["to"] <= offset < c["from"]:
                return False
        return past

    ids = {p: {rec for _, rec in r["records"]} for p, r in reads.items()}
    counts = {"lost_writes": 0, "expired": 0, "duplicates": 0, "lost_reads": 0}
    for op in history:
        if op["op"] != "produce" or op["outcome"] != "ok":
            continue
        r = reads.get(op["partition"])
        if r is None or not r["complete"] or op["record"] in ids[op["partition"]]:
            continue
        if op["offset"] < r["start"] and expired(op["partition"], op["offset"], op["completed_ns"]):
            counts["expired"] += 1
        else:
            counts["lost_writes"] += 1

    for p, r in reads.items():
        seen = {}
        for _, rec in r["records"]:
            seen[rec] = seen.get(rec, 0) + 1
        counts["duplicates"] += sum(1 for n in seen.values() if n >= 2)

    missing = set()
    for op in history:
        if op["op"] != "consume":
            continue
        r = reads.get(op["partition"])
        if r is None or not r["complete"] or op["record"] in ids[op["partition"]]:
            continue
        key = (op["partition"], op["record"])
        if key in missing:
            continue
        missing.add(key)
        if not (op["offset"] < r["start"] and expired(op["partition"], op["offset"], op["at_ns"])):
            counts["lost_reads"] += 1
    return counts


def main(argv):
    if len(argv) != 2:
        print("usage: recount.py RUN_DIR", file=sys.stderr)
        return 2
    run_dir = argv[1]
    with open(os.path.join(run_dir, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    reported = {c["check"]: c["count"] for c in summary["checks"]}
    groups = bool(summary.get("groups"))
    mine = recount(run_dir)
    ok = True
    for check, n in mine.items():
        if check == "lost_reads" and groups:
            print(f"{check:12} not recounted (consumer groups: members' reads are not in history.jsonl)")
            continue
        same = reported.get(check) == n
        ok = ok and same
        print(f"{check:12} recounted {n:8}  eddy {reported.get(check)!s:>8}  {'ok' if same else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
