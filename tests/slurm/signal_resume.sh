#!/usr/bin/env bash
# slurm/preemptible.sbatch survives a signal: sent SIGUSR1 while it runs (as Slurm does
# before the time limit), crossover writes a checkpoint and exits 3, the job requeues
# itself, starts again with --resume and completes; the results equal, bit for bit,
# those of a plain run that was never interrupted.
#
# usage: signal_resume.sh PATH/TO/crossover   (environment: lib.bash, and
#   SLURM_TEST_JOB             job file; default tests/jobs/minimal.yaml
#   SLURM_TEST_SIGNAL_SAMPLES  samples, enough for a run of 15-40 s; default 30000000:
#   minimal.yaml runs at about 1.6 M samples/s per core: 2e6 took 1.3 s)
. "$(dirname "$0")/lib.bash" "$@"

export JOB=${SLURM_TEST_JOB:-$MC_SOURCE_DIR/tests/jobs/minimal.yaml}
export SAMPLES=${SLURM_TEST_SIGNAL_SAMPLES:-30000000}
export OUT=$WORK/resumed.h5
# A periodic checkpoint every second shows that the run is under way.
export CROSSOVER_ARGS="--checkpoint-interval 1 --progress-interval 1"
log=$WORK/preemptible.log

id=$(sbatch --parsable --output="$log" "$MC_SOURCE_DIR/slurm/preemptible.sbatch")
track "$id"
say "job $id"
reference_run "$WORK/single.h5"
reference=$!

wait_state "$id" 60 RUNNING
deadline=$((SECONDS + 60))
until [ -e "$OUT.checkpoint" ]; do
  [ "$(job_field "$id" JobState)" = RUNNING ] || fail "job $id ended before its first checkpoint"
  [ "$SECONDS" -lt "$deadline" ] || fail "no periodic checkpoint $OUT.checkpoint within 60 s"
  sleep 0.2
done
[ "$(job_field "$id" JobState)" = RUNNING ] || fail "job $id ended before the signal: make the job bigger (SLURM_TEST_SIGNAL_SAMPLES)"
scancel --signal=USR1 --batch "$id" || fail "scancel --signal=USR1 --batch $id failed"
say "sent SIGUSR1 to job $id"

# It must stop at a checkpoint and go back to the queue: Restarts counts that.
deadline=$((SECONDS + 60))
until [ "$(job_field "$id" Restarts)" -ge 1 ] 2>/dev/null; do
  state=$(job_field "$id" JobState)
  [ "$state" != COMPLETED ] || fail "job $id completed without a restart: the signal came too late, or did not stop crossover"
  [ "$SECONDS" -lt "$deadline" ] || fail "job $id was not requeued within 60 s of the signal (state $state)"
  sleep 0.5
done
say "requeued: $(job_field "$id" JobState), Restarts=$(job_field "$id" Restarts)"

wait_state "$id" 240 COMPLETED
[ "$(job_field "$id" ExitCode)" = 0:0 ] || fail "job $id exited $(job_field "$id" ExitCode)"
grep -q 'crossover exited with status 3' "$log" || fail "crossover did not exit 3 at the signal"
grep -q -- '--resume' "$log" || fail "the requeued job did not run with --resume"
[ ! -e "$OUT.checkpoint" ] || fail "$OUT.checkpoint is left behind after completion"

wait "$reference" || fail "the plain run failed: $(cat "$WORK/reference.log")"
same_results "$WORK/single.h5" "$OUT"
say "PASS: stopped at a checkpoint, requeued, resumed; equal to an uninterrupted run"
