#!/usr/bin/env bash
# slurm/preemptible.sbatch on two nodes, stopped by SIGTERM and resumed on one node:
# a run of 4 ranks, 2 on each node under srun --mpi=pmix, is sent SIGTERM (as Slurm does
# to cancel, preempt or end a job) once its first periodic checkpoint exists. Every
# rank on both nodes must stop at a checkpoint: crossover exits 3, the job ends with
# exit status 3 and is not requeued (SIGTERM means "stop", and a requeue would undo a
# scancel). Submitted again on one node (2 ranks), the script resumes from the
# checkpoint and completes; the results equal, bit for bit, those of a plain run that
# was never interrupted.
#
# usage: two_nodes_preempt.sh PATH/TO/crossover   (environment: lib.bash, and
#   SLURM_TEST_JOB              job file; default jobs/epoch-2030.yaml
#   SLURM_TEST_PREEMPT_SAMPLES  samples, enough that the two-node run is still going
#                               when it is signalled; default 12000000 (15 s of one
#                               core; the signal comes 1-2 s into the run))
. "$(dirname "$0")/lib.bash" "$@"
need_nodes 2

export JOB=${SLURM_TEST_JOB:-$MC_SOURCE_DIR/jobs/epoch-2030.yaml}
export SAMPLES=${SLURM_TEST_PREEMPT_SAMPLES:-12000000}
export OUT=$WORK/resumed.h5
# A periodic checkpoint every second shows that the run is under way.
export CROSSOVER_ARGS="--checkpoint-interval 1 --progress-interval 1"
export LAUNCH="srun --mpi=pmix"
export WHERE_PROGRAM=$CROSSOVER WHERE_DIR=$WORK/where
mkdir -p "$WHERE_DIR"
script=$MC_SOURCE_DIR/slurm/preemptible.sbatch

id=$(CROSSOVER=$MC_SOURCE_DIR/tests/slurm/where.bash sbatch --parsable -N 2 --ntasks-per-node=2 \
  --output="$WORK/two-nodes.log" "$script")
track "$id"
say "job $id: 4 ranks on 2 nodes"
reference_run "$WORK/single.h5"
reference=$!

wait_state "$id" 60 RUNNING
deadline=$((SECONDS + 60))
until [ -e "$OUT.checkpoint" ]; do
  [ "$(job_field "$id" JobState)" = RUNNING ] || fail "job $id ended before its first checkpoint"
  [ "$SECONDS" -lt "$deadline" ] || fail "no periodic checkpoint $OUT.checkpoint within 60 s"
  sleep 0.2
done
[ "$(job_field "$id" JobState)" = RUNNING ] || fail "job $id ended before the signal: make the job bigger (SLURM_TEST_PREEMPT_SAMPLES)"
scancel --signal=TERM --batch "$id" || fail "scancel --signal=TERM --batch $id failed"
say "sent SIGTERM to job $id"

wait_state "$id" 60 FAILED
[ "$(job_field "$id" ExitCode)" = 3:0 ] || fail "job $id exited $(job_field "$id" ExitCode), not 3 (stopped at a checkpoint)"
[ "$(job_field "$id" Restarts)" = 0 ] || fail "job $id was requeued after SIGTERM"
grep -q 'crossover exited with status 3' "$WORK/two-nodes.log" || fail "crossover did not exit 3 at the signal"
[ "$(grep -c 'stopped by a signal' "$WORK/two-nodes.log")" -ge 1 ] || fail "crossover did not say it stopped at a checkpoint"
[ -e "$OUT.checkpoint" ] || fail "no checkpoint $OUT.checkpoint after the signal"
[ ! -e "$OUT" ] || fail "$OUT exists after the signal"
check_spread 4 2 "$WHERE_DIR/$id".*

id2=$(sbatch --parsable -N 1 -n 2 --output="$WORK/one-node.log" "$script")
track "$id2"
say "job $id2: resumes on 1 node, 2 ranks"
wait_state "$id2" 240 COMPLETED
[ "$(job_field "$id2" ExitCode)" = 0:0 ] || fail "job $id2 exited $(job_field "$id2" ExitCode)"
[ "$(job_field "$id2" NumNodes)" = 1 ] || fail "job $id2 ran on $(job_field "$id2" NumNodes) nodes, not 1"
grep -q -- '--resume' "$WORK/one-node.log" || fail "job $id2 did not run with --resume"
grep -q 'resuming from' "$WORK/one-node.log" || fail "job $id2 did not resume from the checkpoint"
[ ! -e "$OUT.checkpoint" ] || fail "$OUT.checkpoint is left behind after completion"

wait "$reference" || fail "the plain run failed: $(cat "$WORK/reference.log")"
same_results "$WORK/single.h5" "$OUT"
say "PASS: stopped on 2 nodes at a checkpoint, resumed on 1; equal to an uninterrupted run"
