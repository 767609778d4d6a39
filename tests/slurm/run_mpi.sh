#!/usr/bin/env bash
# slurm/run.sbatch runs one job over two MPI ranks, through srun --mpi=pmix (its default
# where Slurm has pmix) and through mpirun (LAUNCH), and both write the same results,
# bit for bit, as one plain run of one process.
#
# usage: run_mpi.sh PATH/TO/crossover   (environment: lib.bash, and
#   SLURM_TEST_JOB      job file; default tests/jobs/minimal.yaml
#   SLURM_TEST_SAMPLES  samples; default 200000)
. "$(dirname "$0")/lib.bash" "$@"

export JOB=${SLURM_TEST_JOB:-$MC_SOURCE_DIR/tests/jobs/minimal.yaml}
export SAMPLES=${SLURM_TEST_SAMPLES:-200000}

srun_id=$(OUT=$WORK/srun.h5 sbatch --parsable -n 2 --output="$WORK/srun.log" "$MC_SOURCE_DIR/slurm/run.sbatch")
track "$srun_id"
mpirun_id=$(OUT=$WORK/mpirun.h5 LAUNCH="mpirun --allow-run-as-root" sbatch --parsable -n 2 --output="$WORK/mpirun.log" "$MC_SOURCE_DIR/slurm/run.sbatch")
track "$mpirun_id"
say "jobs $srun_id (srun) and $mpirun_id (mpirun), 2 ranks each"

reference_run "$WORK/single.h5"
wait $! || fail "the plain run failed: $(cat "$WORK/reference.log")"

for id in "$srun_id" "$mpirun_id"; do
  wait_state "$id" 180 COMPLETED
  [ "$(job_field "$id" ExitCode)" = 0:0 ] || fail "job $id exited $(job_field "$id" ExitCode)"
  [ "$(job_field "$id" NumTasks)" = 2 ] || fail "job $id ran $(job_field "$id" NumTasks) tasks, not 2"
done
grep -q 'srun --mpi=pmix' "$WORK/srun.log" || fail "run.sbatch did not pick srun --mpi=pmix"
same_results "$WORK/single.h5" "$WORK/srun.h5"
same_results "$WORK/single.h5" "$WORK/mpirun.h5"
say "PASS: 2 ranks under srun and under mpirun equal one process"
