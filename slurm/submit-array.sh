#!/usr/bin/env bash
# Submits the array-and-merge pipeline: array.sbatch as a job array of TASKS tasks, then
# merge.sbatch with --dependency=afterok on the whole array (cancelled, not left
# pending, when a task fails). Prints the two job ids as shell assignments:
#
#   $ JOB=jobs/epoch-2030.yaml OUT=$PWD/epoch-2030.h5 slurm/submit-array.sh
#   ARRAY_JOB_ID=41
#   MERGE_JOB_ID=42
#
# Environment:
#   JOB, OUT        job file and merged results file; required
#   TASKS           number of array tasks (parts); default 4
#   PARTS_DIR       folder for the parts; default "${OUT%.h5}.parts"
#   SBATCH_ARGS     more sbatch options for both jobs (split on spaces), e.g.
#                   "--partition=batch --time=1:00:00"
#   ARRAY_ARGS, MERGE_ARGS   more sbatch options for the array or for the merge only
#   CROSSOVER, SAMPLES, SEED, CROSSOVER_ARGS, LAUNCH: passed on to the jobs (see
#                   array.sbatch and merge.sbatch)
# Use absolute paths, or submit from the folder the jobs should run in.
set -euo pipefail
: "${JOB:?set JOB to the job file}" "${OUT:?set OUT to the merged results file}"
TASKS=${TASKS:-4}
export JOB OUT PARTS_DIR=${PARTS_DIR:-${OUT%.h5}.parts}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2206 # lists of sbatch options, split on purpose
common=(${SBATCH_ARGS:-})
# shellcheck disable=SC2206
array_args=(${ARRAY_ARGS:-})
# shellcheck disable=SC2206
merge_args=(${MERGE_ARGS:-})

array_id=$(sbatch --parsable --array="1-$TASKS" "${common[@]}" "${array_args[@]}" "$here/array.sbatch")
array_id=${array_id%%;*} # --parsable prints "id;cluster" on federated clusters
echo "ARRAY_JOB_ID=$array_id"
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
  "${common[@]}" "${merge_args[@]}" "$here/merge.sbatch")
echo "MERGE_JOB_ID=${merge_id%%;*}"
