#!/usr/bin/python3
"""Writes the notebooks of this folder from the cells below (run it after editing them):
    /usr/bin/python3 notebooks/make_notebooks.py
Keeping the source here keeps the .ipynb files free of outputs and easy to review."""
import os
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL = {"kernelspec": {"display_name": "Python 3 (Debian)", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}

tradeoff = [
    new_markdown_cell("""# Durability vs latency: `acks` and `min.insync.replicas`

Reads eddy run directories (`eddy run FILE --seed N --out DIR`: `summary.json`, `metrics.csv`) of
one scenario run with different `acks` / `min.insync.replicas` and shows what each setting costs
and what it buys: produce latency percentiles against acknowledged writes lost.

`EDDY_RUNS` names a directory holding run directories (default `runs/tradeoff`, as made by
`notebooks/generate_runs.sh`)."""),
    new_code_cell("""import json, os, pathlib
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

root = pathlib.Path(os.environ.get("EDDY_RUNS", "runs/tradeoff"))
dirs = sorted(p.parent for p in root.glob("*/summary.json"))
assert dirs, f"no run directories with a summary.json under {root}"
print(len(dirs), "runs under", root)"""),
    new_code_cell("""def setting(summary, key, default="?"):
    c = summary["config"]
    for p in c["producers"]:
        if key in p["configs"]:
            return str(p["configs"][key])
    for t in c["topics"]:
        if key in t["configs"]:
            return str(t["configs"][key])
    return str(c["broker_configs"].get(key, default))

rows = []
for d in dirs:
    s = json.loads((d / "summary.json").read_text())
    lost = {c["check"]: c["count"] for c in s["checks"]}
    lp = s["latency"]["produce"]
    rows.append({
        "run": d.name, "scenario": s["scenario"], "seed": s["seed"],
        "acks": setting(s, "acks"), "min_insync": setting(s, "min.insync.replicas"),
        "lost_writes": lost.get("lost_writes", 0), "inconsistent_offsets": lost.get("inconsistent_offsets", 0),
        "acknowledged": s["counts"]["acknowledged"], "failed": s["counts"]["failed"] + s["counts"]["unknown"],
        "availability": s["availability"], "produced_rps": s["throughput"]["produced_records_per_s"],
        "p50_ms": lp["p50"], "p99_ms": lp["p99"], "p99_9_ms": lp["p99_9"], "max_ms": lp["max"],
        "e2e_p99_ms": s["latency"]["end_to_end"]["p99"],
    })
runs = pd.DataFrame(rows)
runs["setting"] = "acks=" + runs["acks"] + ", min.insync=" + runs["min_insync"]
runs.sort_values(["setting", "seed"])"""),
    new_markdown_cell("Per setting, over seeds: the median of each run's percentiles, and lost writes in all."),
    new_code_cell("""by_setting = runs.groupby("setting").agg(
    runs=("run", "count"), lost_writes=("lost_writes", "sum"), acknowledged=("acknowledged", "sum"),
    p50_ms=("p50_ms", "median"), p99_ms=("p99_ms", "median"), p99_9_ms=("p99_9_ms", "median"),
    availability=("availability", "mean"))
by_setting["lost_per_10k_acked"] = 1e4 * by_setting["lost_writes"] / by_setting["acknowledged"]
by_setting"""),
    new_code_cell("""fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
ax = axes[0]
for name, g in runs.groupby("setting"):
    ax.scatter(g["p99_ms"], g["lost_writes"] + 0.5, label=name, s=60, alpha=0.8)
ax.set_xscale("log"); ax.set_yscale("log")
ax.set_xlabel("produce p99 latency (ms, log)"); ax.set_ylabel("lost writes + 0.5 (log)")
ax.set_title("what each run cost and lost"); ax.legend(fontsize=8)
ax = axes[1]
pcts = ["p50_ms", "p99_ms", "p99_9_ms", "max_ms"]
med = runs.groupby("setting")[pcts].median()
for name, row in med.iterrows():
    ax.plot(["p50", "p99", "p99.9", "max"], row.values, marker="o", label=name)
ax.set_yscale("log"); ax.set_ylabel("produce latency (ms, log)"); ax.set_title("produce latency percentiles (median over seeds)")
ax.legend(fontsize=8)
fig.tight_layout()
out = pathlib.Path(os.environ.get("EDDY_FIGURES", "."))
fig.savefig(out / "tradeoff.png", dpi=110)"""),
    new_markdown_cell("p99 per window over time (metrics.csv), one line per setting (first seed): where the latency goes during the fault."),
    new_code_cell("""fig, ax = plt.subplots(figsize=(12, 3.8))
for name, g in runs.groupby("setting"):
    first = g.sort_values("seed").iloc[0]
    m = pd.read_csv(root / first["run"] / "metrics.csv")
    ax.step(m["window_start_s"], m["produce_p99_ms"], where="post", label=f"{name} (seed {first['seed']})")
faults = json.loads((root / runs.iloc[0]["run"] / "summary.json").read_text())["faults"]
for f in faults:
    ax.axvspan(f["start_s"], f["end_s"], color="#e4572e", alpha=0.12)
    ax.text(f["start_s"], ax.get_ylim()[1] if ax.get_yscale() == "linear" else 1, f["kind"], fontsize=8, color="#b23c17", va="bottom")
ax.set_yscale("log"); ax.set_xlabel("simulated time (s)"); ax.set_ylabel("produce p99 (ms, log)")
ax.legend(fontsize=8); fig.tight_layout()"""),
    new_code_cell("""# What the notebook claims, checked: acks=1 with min.insync=1 is where the writes were lost
# in this scenario, and acks=all with min.insync=2 lost none.
lossy = by_setting.loc[[s for s in by_setting.index if s.startswith("acks=1,")], "lost_writes"].sum()
safe = by_setting.loc[[s for s in by_setting.index if s == "acks=all, min.insync=2"], "lost_writes"].sum()
print("lost with acks=1:", lossy, "| lost with acks=all, min.insync=2:", safe)
assert safe == 0"""),
]

sweep = [
    new_markdown_cell("""# A sweep's results

Reads a sweep directory written by `eddy sweep FILE... --seeds A..B --out DIR`: `results.jsonl`
(one line per seed) and, when present, `sweep.json` (the aggregate eddy wrote). Verdicts per
scenario, the spread of throughput and p99 latency across seeds, and the failing seeds with the
commands that replay them.

`EDDY_SWEEP` names the sweep directory (default `runs/sweep`)."""),
    new_code_cell("""import json, os, pathlib
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

sweep_dir = pathlib.Path(os.environ.get("EDDY_SWEEP", "runs/sweep"))
lines = [json.loads(l) for l in (sweep_dir / "results.jsonl").read_text().splitlines() if l.strip().endswith("}")]
header = next((l for l in lines if l.get("type") == "sweep"), {})
seeds = pd.json_normalize([l for l in lines if l.get("type") == "seed"])
print(header)
print(len(seeds), "seed runs")
seeds[["name", "seed", "verdict", "produce_records_per_s", "produce_latency_ms.p99", "wall_s"]].head()"""),
    new_code_cell("""verdicts = seeds.pivot_table(index="name", columns="verdict", values="seed", aggfunc="count", fill_value=0)
verdicts["seeds"] = verdicts.sum(axis=1)
verdicts"""),
    new_code_cell("""fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
for name, g in seeds.groupby("name"):
    axes[0].hist(g["produce_records_per_s"], bins=20, alpha=0.6, label=name)
    axes[1].hist(g["produce_latency_ms.p99"], bins=20, alpha=0.6, label=name)
    ok = g["verdict"] == "ok"
    axes[2].scatter(g.loc[ok, "seed"], g.loc[ok, "produce_latency_ms.p99"], s=14, label=f"{name} ok")
    axes[2].scatter(g.loc[~ok, "seed"], g.loc[~ok, "produce_latency_ms.p99"], s=30, marker="x", label=f"{name} failing")
axes[0].set_xlabel("acknowledged records/s"); axes[0].set_ylabel("seeds"); axes[0].set_title("throughput across seeds")
axes[1].set_xlabel("produce p99 (ms)"); axes[1].set_title("p99 across seeds")
axes[2].set_xlabel("seed"); axes[2].set_ylabel("produce p99 (ms)"); axes[2].set_title("p99 by seed")
for ax in axes: ax.legend(fontsize=7)
fig.tight_layout()
out = pathlib.Path(os.environ.get("EDDY_FIGURES", "."))
fig.savefig(out / "sweep.png", dpi=110)"""),
    new_code_cell("""# json_normalize flattened each seed's "checks" map into "checks.<name>" columns
checks = seeds.filter(regex=r"^checks\\.").fillna(0)
checks.columns = [c.split(".", 1)[1] for c in checks.columns]
violations = (checks > 0).groupby(seeds["name"]).sum()
violations.columns = [c + " (seeds)" for c in violations.columns]
violations"""),
    new_code_cell("""failing = seeds[seeds["verdict"] != "ok"][["name", "seed", "verdict", "failed", "message", "replay"]]
print(len(failing), "failing seeds")
failing.head(20)"""),
    new_code_cell("""# When eddy wrote its own aggregate, it agrees with this notebook's counts.
agg_path = sweep_dir / "sweep.json"
if agg_path.exists():
    agg = json.loads(agg_path.read_text())
    for sc in agg["scenarios"]:
        assert sc["seeds"] == int((seeds["scenario"] == sc["scenario"]).sum()), sc["scenario"]
        assert sc["failing_total"] == int(((seeds["scenario"] == sc["scenario"]) & (seeds["verdict"] != "ok")).sum())
    print("sweep.json agrees:", agg["runs"], "runs,", agg["failures"], "failing")
else:
    print("no sweep.json in", sweep_dir)"""),
]

for name, cells in [("durability_latency_tradeoff.ipynb", tradeoff), ("sweep_results.ipynb", sweep)]:
    nb = new_notebook(cells=cells, metadata=KERNEL)
    nbformat.write(nb, os.path.join(HERE, name))
    print("wrote", name)
