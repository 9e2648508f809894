#!/usr/bin/env python3
"""Recompute a run's durability counts from its run directory alone.

Reads history.jsonl (every produce and consume), final_log.jsonl (every partition's final
read record by record, each replica's state at the end, what retention and truncations
removed), attempts.jsonl (every send of a batch sent more than once) and summary.json, recounts
lost_writes, expired, duplicates, dedup_failures and lost_reads the way checkers/checkers.h
defines them, and compares with what eddy reported. With consumer groups it also reads
groups.jsonl (ownership, processing, commits as sent and as accepted, stable generations) and
recounts the group checks of checkers/group_checkers.h: group_exclusivity, zombie_overlaps,
offset_regressions, stale_commits, lost_commits, unprocessed, duplicates_processed and commits_rejected, and
lost_reads over the members' processed records. Python 3 standard library only, so a user can
audit a verdict without eddy (as Jepsen's histories allow).

    python3 notebooks/recount.py runs/retention-1        # prints both counts, exit 1 on a mismatch

Formats in reports/README.md.
"""
import json
import os
import sys


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def may_have_appended(result):
    return (result == "" or result.startswith("acknowledged") or result.startswith("no response")
            or result == "NOT_ENOUGH_REPLICAS_AFTER_APPEND")


def dedup_failures(run_dir, history, duplicated):
    """Duplicates the broker's idempotence should have prevented (checkers.h, check_duplicates).

    A record's identity per send is (producer id, epoch, base sequence + its place in the
    batch). One identity over every send: the leader should have recognised the retry. Several
    (the producer re-stamped the batch after an epoch bump, KIP-360): Kafka's own gap
    (KAFKA-14034), unless the bump followed a leader refusing, as OUT_OF_ORDER_SEQUENCE_NUMBER,
    a retry of a batch it may have appended and that the final log holds twice.
    """
    path = os.path.join(run_dir, "attempts.jsonl")
    if not duplicated or not os.path.exists(path):
        return 0
    batches = []  # each: the sends of one batch, first send first
    for row in read_jsonl(path):
        if row["attempt"] == 1 or not batches:
            batches.append([row])
        else:
            batches[-1].append(row)
    twice = {rec for _, rec in duplicated}
    producer_of = {op["record"]: op["producer"] for op in history if op["op"] == "produce"}
    refused = {}  # (producer, partition) -> first refusal's answered_ns
    for sends in batches:
        first = sends[0]
        if first["producer_id"] == -1 or not any(rec in twice for rec in first["records"]):
            continue
        maybe = {}
        for send in sends:
            key = (send["producer_epoch"], send["base_sequence"])
            if maybe.get(key) and send["result"].startswith("OUT_OF_ORDER_SEQUENCE_NUMBER"):
                k = (send["producer"], send["partition"])
                refused[k] = min(refused.get(k, send["answered_ns"]), send["answered_ns"])
            maybe[key] = maybe.get(key, False) or may_have_appended(send["result"])
    failures = 0
    for partition, rec in duplicated:
        identities, last_sent = set(), -1
        for sends in batches:
            records = sends[0]["records"]
            if rec not in records:
                continue
            place = records.index(rec)
            for send in sends:
                if send["producer_id"] == -1:
                    continue
                seq = -1 if send["base_sequence"] < 0 else send["base_sequence"] + place
                identities.add((send["producer_id"], send["producer_epoch"], seq))
                last_sent = max(last_sent, send["sent_ns"])
        if not identities:
            continue  # no idempotence: at-least-once
        refusal = refused.get((producer_of.get(rec), partition))
        if len(identities) >= 2 and not (refusal is not None and refusal <= last_sent):
            continue  # re-stamped by a legitimate epoch bump: Kafka's, not the broker's
        failures += 1
    return failures


LIVENESS_PROBE_PRODUCER = 0xFFFF  # the final phase's probes (checkers/history.h), not the workload's
FENCED = ("ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID", "FENCED_INSTANCE_ID", "REBALANCE_IN_PROGRESS")


def group_counts(groups, history):
    """The group checks of checkers/group_checkers.cc, from groups.jsonl and history.jsonl."""
    by_type = {}
    for row in groups:
        by_type.setdefault(row["type"], []).append(row)
    counts = {}
    # Two members owning one partition at once: in one generation (group_exclusivity), or a
    # zombie of an older generation beside the new owner (zombie_overlaps).
    by_partition = {}
    for o in by_type.get("ownership", []):
        if o["start_ns"] < o["end_ns"]:
            by_partition.setdefault((o["group"], o["partition"]), []).append(o)
    same = other = 0
    for owners in by_partition.values():
        owners.sort(key=lambda o: o["start_ns"])
        for i, a in enumerate(owners):
            for b in owners[i + 1:]:
                if b["start_ns"] >= a["end_ns"]:
                    break
                if a["consumer"] == b["consumer"]:
                    continue
                if a["generation"] == b["generation"]:
                    same += 1
                else:
                    other += 1
    counts["group_exclusivity"], counts["zombie_overlaps"] = same, other
    # A committed offset that moves back, in the order the coordinators accepted them.
    accepted = sorted(by_type.get("accepted_commit", []), key=lambda c: c["at_ns"])
    last, regressions = {}, 0
    for c in accepted:
        key = (c["group"], c["partition"])
        prev = last.get(key)
        if prev is not None and c["offset"] < prev["offset"]:
            regressions += 1
        if prev is None or c["offset"] >= prev["offset"]:
            last[key] = c
    counts["offset_regressions"] = regressions
    # A commit accepted from a generation older than one already stable when it was checked.
    generations = by_type.get("generation", [])
    counts["stale_commits"] = sum(
        1 for c in accepted if c["generation"] >= 0 and any(
            g["group"] == c["group"] and g["generation"] > c["generation"] and g["at_ns"] < c["validated_ns"]
            for g in generations))
    # An OffsetFetch answered with neither the partition's last commit (accepted before the
    # answer, under the answering coordinator's leader epoch of the offsets partition or an
    # earlier one) nor an offset appended to the offsets log since that commit was validated.
    appending = by_type.get("appending_commit", [])
    lost_commits = 0
    for f in by_type.get("offset_fetch", []):
        last = None
        for c in accepted:
            if c["at_ns"] > f["at_ns"]:
                break
            if c["group"] == f["group"] and c["partition"] == f["partition"] and c["epoch"] <= f["epoch"]:
                last = c
        if last is None or f["offset"] == last["offset"]:
            continue
        lost_commits += not any(
            a["group"] == f["group"] and a["partition"] == f["partition"] and a["offset"] == f["offset"]
            and last["validated_ns"] <= a["at_ns"] <= f["at_ns"] for a in appending)
    counts["lost_commits"] = lost_commits
    # Acknowledged records of a group's topic that no member of the group processed.
    processed = by_type.get("processed", [])
    unprocessed = 0
    for t in by_type.get("group_topic", []):
        done = {p["record"] for p in processed if p["group"] == t["group"]}
        unprocessed += sum(1 for op in history if op["op"] == "produce" and op["outcome"] == "ok"
                           and op["partition"].rsplit("-", 1)[0] == t["topic"]
                           and op["producer"] != LIVENESS_PROBE_PRODUCER and op["record"] not in done)
    counts["unprocessed"] = unprocessed
    # The same (group, partition, offset) processed more than once.
    seen, again = set(), 0
    for p in processed:
        key = (p["group"], p["partition"], p["offset"])
        again += key in seen
        seen.add(key)
    counts["duplicates_processed"] = again
    counts["commits_rejected"] = sum(1 for c in by_type.get("commit", []) if c["outcome"] in FENCED)
    return counts, processed


def recount(run_dir):
    history = read_jsonl(os.path.join(run_dir, "history.jsonl"))
    groups_path = os.path.join(run_dir, "groups.jsonl")
    groups = read_jsonl(groups_path) if os.path.exists(groups_path) else []
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

    duplicated = []  # (partition, record) held twice or more
    for p, r in reads.items():
        seen = {}
        for _, rec in r["records"]:
            seen[rec] = seen.get(rec, 0) + 1
        duplicated += [(p, rec) for rec, n in seen.items() if n >= 2]
    counts["duplicates"] = len(duplicated)
    counts["dedup_failures"] = dedup_failures(run_dir, history, duplicated)

    processed = []
    if groups:
        group_checks, processed = group_counts(groups, history)
        counts.update(group_checks)

    # What consumers read, and what group members processed: committed, so it must be in the
    # final log (each missing record counted once).
    missing = set()
    for op in [op for op in history if op["op"] == "consume"] + processed:
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
    mine = recount(run_dir)
    ok = True
    for check, n in mine.items():
        same = reported.get(check) == n
        ok = ok and same
        print(f"{check:20} recounted {n:8}  eddy {reported.get(check)!s:>8}  {'ok' if same else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
