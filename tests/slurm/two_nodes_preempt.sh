#!/usr/bin/env bash
# slurm/preemptible.sbatch on two nodes, preempted, stopped, and resumed on one node.
# A run of 4 ranks, 2 on each node under srun --mpi=pmix, is interrupted twice:
#
# 1. preempted: once its first periodic checkpoint exists, SIGTERM goes to the job's
#    ranks on both nodes (scancel --signal=TERM, which signals every step but the
#    batch shell: what Slurm does to a job it preempts with a GraceTime). Every rank
#    must stop at a checkpoint, crossover exits 3, the job requeues itself (Restarts 1)
#    and starts again on two nodes with --resume;
# 2. stopped: once that run has written a checkpoint, SIGTERM goes to the batch shell
#    only (scancel --signal=TERM --batch, as scancel and the time limit do), which
#    passes it on through srun to the ranks on both nodes: crossover exits 3 and the
#    job ends with exit status 3, not requeued (SIGTERM to the script means "stop");
# 3. resumed on one node: the script, submitted again with -N 1 -n 2, continues from
#    the checkpoint and completes.
#
# The results equal, bit for bit, those of a plain run that was never interrupted.
#
# usage: two_nodes_preempt.sh PATH/TO/crossover   (environment: lib.bash, and
#   SLURM_TEST_JOB              job file; default jobs/epoch-2030.yaml
#   SLURM_TEST_PREEMPT_SAMPLES  samples, enough that the run is still going when it
#                               is signalled; default 8000000 (10 s of one core; each
#                               signal comes 1-3 s into a run))
. "$(dirname "$0")/lib.bash" "$@"
need_nodes 2

export JOB=${SLURM_TEST_JOB:-$MC_SOURCE_DIR/jobs/epoch-2030.yaml}
export SAMPLES=${SLURM_TEST_PREEMPT_SAMPLES:-8000000}
export OUT=$WORK/resumed.h5
# A periodic checkpoint every second shows that the run is under way.
export CROSSOVER_ARGS="--checkpoint-interval 1 --progress-interval 1"
export LAUNCH="srun --mpi=pmix"
export WHERE_PROGRAM=$CROSSOVER WHERE_DIR=$WORK/where
mkdir -p "$WHERE_DIR"
script=$MC_SOURCE_DIR/slurm/preemptible.sbatch
log=$WORK/two-nodes.log

id=$(CROSSOVER=$MC_SOURCE_DIR/tests/slurm/where.bash sbatch --parsable -N 2 --ntasks-per-node=2 \
  --output="$log" "$script")
track "$id"
say "job $id: 4 ranks on 2 nodes"
reference_run "$WORK/single.h5"
reference=$!

# checkpointed_after PATTERN: true once the log holds a checkpoint line after the
# last line matching PATTERN (a run of the job has started and checkpointed).
checkpointed_after() { grep -q "$1" "$log" && tac "$log" | sed "/$1/q" | grep -q '^checkpoint written'; }
# wait_checkpoint PATTERN: waits for that, while the job runs; fails otherwise.
wait_checkpoint() {
  local deadline=$((SECONDS + 60))
  until checkpointed_after "$1"; do
    [ "$(job_field "$id" JobState)" = RUNNING ] || fail "job $id is $(job_field "$id" JobState) before its checkpoint"
    [ "$SECONDS" -lt "$deadline" ] || fail "no periodic checkpoint of job $id within 60 s"
    sleep 0.2
  done
  [ "$(job_field "$id" JobState)" = RUNNING ] || fail "job $id ended before the signal: make the job bigger (SLURM_TEST_PREEMPT_SAMPLES)"
}

# 1. preempted: SIGTERM to the ranks on both nodes; the job requeues itself.
wait_state "$id" 60 RUNNING
wait_checkpoint 'crossover run:'
scancel --signal=TERM "$id" || fail "scancel --signal=TERM $id failed"
say "sent SIGTERM to the ranks of job $id"
deadline=$((SECONDS + 60))
until [ "$(job_field "$id" Restarts)" -ge 1 ] 2>/dev/null; do
  state=$(job_field "$id" JobState)
  case $state in PENDING | RUNNING | COMPLETING | REQUEUED | CONFIGURING) ;; *) fail "job $id is $state, not requeued" ;; esac
  [ "$SECONDS" -lt "$deadline" ] || fail "job $id was not requeued within 60 s of the signal (state $state)"
  sleep 0.5
done
[ "$(grep -c 'crossover exited with status 3' "$log")" -eq 1 ] || fail "crossover did not exit 3 at the preemption signal"
check_spread 4 2 "$WHERE_DIR/$id".0.*
say "requeued: $(job_field "$id" JobState), Restarts=$(job_field "$id" Restarts)"

# 2. stopped: SIGTERM to the batch shell of the resumed run; the job ends with 3.
wait_state "$id" 60 RUNNING
wait_checkpoint 'resuming from'
scancel --signal=TERM --batch "$id" || fail "scancel --signal=TERM --batch $id failed"
say "sent SIGTERM to the batch shell of job $id"
wait_state "$id" 60 FAILED
[ "$(job_field "$id" ExitCode)" = 3:0 ] || fail "job $id exited $(job_field "$id" ExitCode), not 3 (stopped at a checkpoint)"
[ "$(job_field "$id" Restarts)" = 1 ] || fail "job $id was requeued after SIGTERM to its batch shell"
[ "$(grep -c 'crossover exited with status 3' "$log")" -eq 2 ] || fail "crossover did not exit 3 at the second signal"
grep -q 'not requeueing' "$log" || fail "the script did not say it does not requeue"
[ -e "$OUT.checkpoint" ] || fail "no checkpoint $OUT.checkpoint after the signal"
[ ! -e "$OUT" ] || fail "$OUT exists after the signal"
check_spread 4 2 "$WHERE_DIR/$id".1.*

# 3. resumed on one node (with the default checkpoint interval: each costs time)
id2=$(CROSSOVER_ARGS="--progress-interval 1" sbatch --parsable -N 1 -n 2 --output="$WORK/one-node.log" "$script")
track "$id2"
say "job $id2: resumes on 1 node, 2 ranks"
wait_state "$id2" 240 COMPLETED
[ "$(job_field "$id2" ExitCode)" = 0:0 ] || fail "job $id2 exited $(job_field "$id2" ExitCode)"
[ "$(job_field "$id2" NumNodes)" = 1 ] || fail "job $id2 ran on $(job_field "$id2" NumNodes) nodes, not 1"
grep -q 'resuming from' "$WORK/one-node.log" || fail "job $id2 did not resume from the checkpoint"
[ ! -e "$OUT.checkpoint" ] || fail "$OUT.checkpoint is left behind after completion"

wait "$reference" || fail "the plain run failed: $(cat "$WORK/reference.log")"
same_results "$WORK/single.h5" "$OUT"
say "PASS: preempted and stopped on 2 nodes at checkpoints, resumed on 1; equal to an uninterrupted run"
