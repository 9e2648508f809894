#!/bin/bash
# Submits the sweep's job array and, once every task of it has ended (afterany: a failed task
# leaves its shard missing, which the merge reports), the merge.
#   docs/examples/sweeps/slurm-submit.sh        (from the eddy checkout, on the login node)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable "$here/slurm-sweep.sbatch")
merge=$(sbatch --parsable --dependency="afterany:$array" "$here/slurm-merge.sbatch")
echo "sweep: job array $array; merge: job $merge (its log: eddy-merge-$merge.log)"
