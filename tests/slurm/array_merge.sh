#!/usr/bin/env bash
# The array-and-merge pipeline of slurm/ (submit-array.sh: a job array of array.sbatch,
# then merge.sbatch after it) writes the same results, bit for bit, as one plain run of
# the same job.
#
# usage: array_merge.sh PATH/TO/crossover   (environment: lib.bash, and
#   SLURM_TEST_JOB      job file; default tests/jobs/minimal.yaml
#   SLURM_TEST_SAMPLES  samples; default 200000)
. "$(dirname "$0")/lib.bash" "$@"

export JOB=${SLURM_TEST_JOB:-$MC_SOURCE_DIR/tests/jobs/minimal.yaml}
export SAMPLES=${SLURM_TEST_SAMPLES:-200000}
export TASKS=4 OUT=$WORK/merged.h5 PARTS_DIR=$WORK/parts
export ARRAY_ARGS="--output=$WORK/part-%a.log" MERGE_ARGS="--output=$WORK/merge.log"

ids=$("$MC_SOURCE_DIR/slurm/submit-array.sh") || fail "submit-array.sh failed"
array_id=$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$ids")
merge_id=$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$ids")
{ [ -n "$array_id" ] && [ -n "$merge_id" ]; } || fail "submit-array.sh printed: $ids"
track "$array_id" "$merge_id"
say "array job $array_id ($TASKS tasks), merge job $merge_id"

reference_run "$WORK/single.h5"
wait $! || fail "the plain run failed: $(cat "$WORK/reference.log")"

wait_state "$array_id" 180 COMPLETED
[ "$(job_field "$array_id" ExitCode | sort -u)" = 0:0 ] || fail "array tasks exited $(job_field "$array_id" ExitCode)"
wait_state "$merge_id" 60 COMPLETED
[ "$(job_field "$merge_id" ExitCode)" = 0:0 ] || fail "merge exited $(job_field "$merge_id" ExitCode)"

parts=("$PARTS_DIR"/part-*.h5)
[ ${#parts[@]} -eq "$TASKS" ] || fail "expected $TASKS parts, found: ${parts[*]}"
[ -f "$OUT" ] || fail "the merge job wrote no $OUT"
same_results "$WORK/single.h5" "$OUT"
say "PASS: $TASKS parts merged equal one run"
