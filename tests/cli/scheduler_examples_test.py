#!/usr/bin/env python3
"""Runs the sweep-across-machines examples (docs/examples/sweeps/) the way their schedulers would.

For each scheduler the test takes the commands out of the example file itself and runs them
locally, one shard after another, with the environment the scheduler gives its tasks:
  - Kubernetes Indexed Job: the container's `command` and `env`, JOB_COMPLETION_INDEX 0..N-1
    (N = completions); then the merge Job's command;
  - Slurm job array: the sbatch script, SLURM_ARRAY_TASK_ID 1..N and SLURM_ARRAY_TASK_COUNT N
    (N from `#SBATCH --array=1-N`); then the merge script;
  - GitHub Actions matrix: the `run:` steps with the workflow's and step's `env`, the
    `${{ matrix.shard }}` and `${{ strategy.job-total }}` expressions substituted as the runner
    does; the artifacts moved as upload/download-artifact would; then the merge job's step.
The seeds and scenarios are made small (EDDY_SEEDS, EDDY_SCENARIOS) and one scenario is a
planted failure, so each merge must report every seed once, exit 1, and print the failing seeds'
replay commands.

  scheduler_examples_test.py EDDY_BINARY SOURCE_DIR WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys

import yaml

EDDY, SRC, WORK = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
EXAMPLES = os.path.join(SRC, "docs", "examples", "sweeps")
SEEDS = (1, 6)
PASSING = "scenarios/ci/acks-all-single-faults.yaml"
PLANTED = "tests/scenarios/planted-acks1-expects-no-loss.yaml"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "bin"))
    os.symlink(os.path.abspath(EDDY), os.path.join(d, "bin", "eddy"))  # `eddy` on the PATH, as in the image
    return d


def base_env(workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EDDY_", "SLURM_", "JOB_COMPLETION"))}
    env["PATH"] = os.path.join(workdir, "bin") + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    return env


def small(env, results):
    """The example's own variables, made small for a test."""
    env["EDDY_SCENARIOS"] = PASSING + " " + PLANTED
    env["EDDY_SEEDS"] = "%d..%d" % SEEDS
    env["EDDY_SWEEP_ARGS"] = "--include-root " + SRC  # the planted file includes one outside its tree
    env["RESULTS"] = results
    return env


def run(argv, env, label):
    p = subprocess.run(argv, cwd=SRC, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    print("---", label, "exit", p.returncode)
    print(p.stdout[-3000:])
    return p


def check_merge(p, merged_dir, label):
    check(p.returncode == 1, "%s: merge exits 1 for the planted safety failure (got %d)" % (label, p.returncode))
    seeds = SEEDS[1] - SEEDS[0] + 1
    check(re.search(r"verdicts: ok %d, safety %d\b" % (seeds, seeds), p.stdout) is not None,
          "%s: merge counts %d ok and %d safety over all shards" % (label, seeds, seeds))
    for s in range(SEEDS[0], SEEDS[1] + 1):
        check(re.search(r"replay: \S*eddy replay \S*%s --seed %d\b" % (re.escape(PLANTED), s), p.stdout) is not None,
              "%s: the replay command of planted seed %d is printed" % (label, s))
    results = os.path.join(merged_dir, "results.jsonl")
    check(os.path.exists(results), "%s: merged results.jsonl written" % label)
    if os.path.exists(results):
        with open(results) as f:
            n = sum(1 for line in f if '"type":"seed"' in line)
        check(n == 2 * seeds, "%s: merged results hold every run once (%d of %d)" % (label, n, 2 * seeds))
    for report in ("sweep.html", "sweep.json", "summary.md", "junit.xml"):
        check(os.path.exists(os.path.join(merged_dir, report)), "%s: merged %s written" % (label, report))


def kubernetes():
    w = fresh("kubernetes")
    results = os.path.join(w, "results")
    os.makedirs(results)
    with open(os.path.join(EXAMPLES, "kubernetes-indexed-job.yaml")) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    job = next(d for d in docs if d["kind"] == "Job")
    check(job["spec"]["completionMode"] == "Indexed", "kubernetes: an Indexed Job")
    n = job["spec"]["completions"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = base_env(w)
    for e in container["env"]:
        env[e["name"]] = str(e["value"])
    check(env.get("EDDY_SHARDS") == str(n), "kubernetes: EDDY_SHARDS matches completions")
    small(env, results)
    for index in range(n):
        env["JOB_COMPLETION_INDEX"] = str(index)  # what the Job controller sets in pod `index`
        p = run(container["command"], env, "kubernetes pod %d" % index)
        check(p.returncode == 0, "kubernetes pod %d succeeds (a verdict is not a pod failure)" % index)
    with open(os.path.join(EXAMPLES, "kubernetes-merge-job.yaml")) as f:
        merge = yaml.safe_load(f)
    mc = merge["spec"]["template"]["spec"]["containers"][0]
    menv = base_env(w)
    for e in mc.get("env", []):
        menv[e["name"]] = str(e["value"])
    menv["RESULTS"] = results
    check_merge(run(mc["command"], menv, "kubernetes merge"), os.path.join(results, "merged"), "kubernetes")


def slurm():
    w = fresh("slurm")
    results = os.path.join(w, "results")
    script = os.path.join(EXAMPLES, "slurm-sweep.sbatch")
    with open(script) as f:
        m = re.search(r"^#SBATCH --array=1-(\d+)$", f.read(), re.M)
    check(m is not None, "slurm: the script declares --array=1-N")
    n = int(m.group(1)) if m else 2
    env = small(base_env(w), results)
    env["SLURM_CPUS_PER_TASK"] = "2"
    for task in range(1, n + 1):
        env["SLURM_ARRAY_TASK_ID"] = str(task)  # what slurmd sets in array task `task`
        env["SLURM_ARRAY_TASK_COUNT"] = str(n)
        env["SLURM_ARRAY_TASK_MIN"], env["SLURM_ARRAY_TASK_MAX"] = "1", str(n)
        p = run(["bash", script], env, "slurm task %d" % task)
        check(p.returncode == 0, "slurm task %d succeeds" % task)
    menv = base_env(w)
    menv["RESULTS"] = results
    check_merge(run(["bash", os.path.join(EXAMPLES, "slurm-merge.sbatch")], menv, "slurm merge"),
                os.path.join(results, "merged"), "slurm")
    with open(os.path.join(EXAMPLES, "slurm-submit.sh")) as f:
        submit = f.read()
    check("--dependency=\"afterany:$array\"" in submit, "slurm: the merge waits for the whole array")


def expand(text, values):
    """GitHub's ${{ expr }} substitution, for the expressions the example uses."""
    def one(m):
        expr = m.group(1).strip()
        if expr not in values:
            raise KeyError("expression the test does not know: " + expr)
        return str(values[expr])
    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def github_actions():
    w = fresh("github")
    with open(os.path.join(EXAMPLES, "github-actions-sweep.yml")) as f:
        wf = yaml.safe_load(f)
    sweep = wf["jobs"]["sweep"]
    shards = sweep["strategy"]["matrix"]["shard"]
    check(sweep["strategy"].get("fail-fast") is False, "github: fail-fast off (every shard runs)")
    downloads = os.path.join(w, "shards")
    for shard in shards:
        values = {"matrix.shard": shard, "strategy.job-total": len(shards)}
        job_dir = os.path.join(w, "job-%s" % shard)  # each matrix job has its own workspace
        os.makedirs(job_dir)
        env = base_env(w)
        env.update({k: str(v) for k, v in wf.get("env", {}).items()})
        small(env, "")
        step = next(s for s in sweep["steps"] if s.get("name") == "Sweep one shard")
        env.update({k: expand(str(v), values) for k, v in step.get("env", {}).items()})
        script = step["run"].replace("eddy-results/", os.path.join(job_dir, "eddy-results") + "/")
        p = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env, "github shard %s" % shard)
        check(p.returncode == 0, "github shard %s step succeeds" % shard)
        upload = next(s for s in sweep["steps"] if "upload-artifact" in s.get("uses", ""))
        name = expand(upload["with"]["name"], values)
        path = expand(upload["with"]["path"], values)
        # upload-artifact then download-artifact (pattern, path: one directory per artifact)
        shutil.copytree(os.path.join(job_dir, path), os.path.join(downloads, name))
    merge = wf["jobs"]["merge"]
    check(merge.get("if") == "always()" and merge.get("needs") == "sweep", "github: merge runs after every shard")
    dl = next(s for s in merge["steps"] if "download-artifact" in s.get("uses", ""))
    check(dl["with"]["path"] == "shards" and dl["with"]["pattern"] == "eddy-shard-*", "github: downloads every shard")
    step = next(s for s in merge["steps"] if s.get("name") == "Merge the shards")
    env = base_env(w)
    env["GITHUB_STEP_SUMMARY"] = os.path.join(w, "step-summary.md")
    script = step["run"].replace("shards/", downloads + "/").replace("merged", os.path.join(w, "merged"))
    p = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env, "github merge")
    check_merge(p, os.path.join(w, "merged"), "github")
    summary = open(env["GITHUB_STEP_SUMMARY"]).read() if os.path.exists(env["GITHUB_STEP_SUMMARY"]) else ""
    check("eddy sweep" in summary and "fail" in summary, "github: the summary goes on the run's page")


os.makedirs(WORK, exist_ok=True)
kubernetes()
slurm()
github_actions()
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("every scheduler example ran and merged")
