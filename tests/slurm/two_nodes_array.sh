#!/usr/bin/env bash
# The array-and-merge pipeline of slurm/ spread over two nodes: submit-array.sh submits
# array.sbatch as 4 tasks, each task an MPI run of its part over both nodes (sbatch -N 2
# --ntasks-per-node=1, LAUNCH="srun --mpi=pmix"), then merge.sbatch; the merged results
# equal, bit for bit, one plain run of the same job. Each rank notes where it ran
# (where.bash): every part had one rank on each node, in separate network namespaces.
#
# usage: two_nodes_array.sh PATH/TO/crossover   (environment: lib.bash, and
#   SLURM_TEST_JOB      job file; default jobs/epoch-2030.yaml
#   SLURM_TEST_SAMPLES  samples; default 400000)
. "$(dirname "$0")/lib.bash" "$@"
need_nodes 2

export JOB=${SLURM_TEST_JOB:-$MC_SOURCE_DIR/jobs/epoch-2030.yaml}
export SAMPLES=${SLURM_TEST_SAMPLES:-400000}
export TASKS=4 OUT=$WORK/merged.h5 PARTS_DIR=$WORK/parts
export LAUNCH="srun --mpi=pmix"
export ARRAY_ARGS="-N 2 --ntasks-per-node=1 --output=$WORK/part-%a.log" MERGE_ARGS="--output=$WORK/merge.log"
export WHERE_PROGRAM=$CROSSOVER WHERE_DIR=$WORK/where
mkdir -p "$WHERE_DIR"

ids=$(CROSSOVER=$MC_SOURCE_DIR/tests/slurm/where.bash "$MC_SOURCE_DIR/slurm/submit-array.sh") || fail "submit-array.sh failed"
array_id=$(sed -n 's/^ARRAY_JOB_ID=//p' <<<"$ids")
merge_id=$(sed -n 's/^MERGE_JOB_ID=//p' <<<"$ids")
{ [ -n "$array_id" ] && [ -n "$merge_id" ]; } || fail "submit-array.sh printed: $ids"
track "$array_id" "$merge_id"
say "array job $array_id ($TASKS tasks of 2 ranks on 2 nodes), merge job $merge_id"

reference_run "$WORK/single.h5"
wait $! || fail "the plain run failed: $(cat "$WORK/reference.log")"

wait_state "$array_id" 180 COMPLETED
[ "$(job_field "$array_id" ExitCode | sort -u)" = 0:0 ] || fail "array tasks exited $(job_field "$array_id" ExitCode)"
[ "$(job_field "$array_id" NumNodes | sort -u)" = 2 ] || fail "array tasks ran on $(job_field "$array_id" NumNodes) nodes, not 2"
wait_state "$merge_id" 60 COMPLETED
[ "$(job_field "$merge_id" ExitCode)" = 0:0 ] || fail "merge exited $(job_field "$merge_id" ExitCode)"

for ((task = 1; task <= TASKS; task++)); do
  mapfile -t notes < <(grep -l " array=${array_id}_$task " "$WHERE_DIR"/* || true)
  check_spread 2 1 "${notes[@]}"
done
parts=("$PARTS_DIR"/part-*.h5)
[ ${#parts[@]} -eq "$TASKS" ] || fail "expected $TASKS parts, found: ${parts[*]}"
[ -f "$OUT" ] || fail "the merge job wrote no $OUT"
same_results "$WORK/single.h5" "$OUT"
say "PASS: $TASKS parts, each on 2 nodes, merged equal one run"
