#!/usr/bin/env bash
# slurm/run.sbatch runs one job over 4 MPI ranks on two nodes, 2 on each (sbatch -N 2
# --ntasks-per-node=2), through srun --mpi=pmix (its default) and through mpirun
# (LAUNCH), and both write the same results, bit for bit, as one plain process. Each
# rank notes where it ran (where.bash): the two nodes are different hosts in separate
# network namespaces, so the ranks share no memory across nodes and talk over TCP only
# (OMPI_MCA_btl=self,tcp), and rank 0 writes the results for all into the folder both
# nodes see.
#
# usage: two_nodes_run.sh PATH/TO/crossover   (environment: lib.bash, and
#   SLURM_TEST_JOB      job file; default jobs/epoch-2030.yaml
#   SLURM_TEST_SAMPLES  samples; default 400000: a few seconds on 4 ranks)
. "$(dirname "$0")/lib.bash" "$@"
need_nodes 2

export JOB=${SLURM_TEST_JOB:-$MC_SOURCE_DIR/jobs/epoch-2030.yaml}
export SAMPLES=${SLURM_TEST_SAMPLES:-400000}
export WHERE_PROGRAM=$CROSSOVER WHERE_DIR=$WORK/where
mkdir -p "$WHERE_DIR"
where=$MC_SOURCE_DIR/tests/slurm/where.bash
submit() { sbatch --parsable -N 2 --ntasks-per-node=2 "$@" "$MC_SOURCE_DIR/slurm/run.sbatch"; }

srun_id=$(CROSSOVER=$where OUT=$WORK/srun.h5 submit --output="$WORK/srun.log")
track "$srun_id"
mpirun_id=$(CROSSOVER=$where OUT=$WORK/mpirun.h5 LAUNCH="mpirun --allow-run-as-root" submit --output="$WORK/mpirun.log")
track "$mpirun_id"
say "jobs $srun_id (srun) and $mpirun_id (mpirun), 4 ranks on 2 nodes each"

reference_run "$WORK/single.h5"
wait $! || fail "the plain run failed: $(cat "$WORK/reference.log")"

for id in "$srun_id" "$mpirun_id"; do
  wait_state "$id" 180 COMPLETED
  [ "$(job_field "$id" ExitCode)" = 0:0 ] || fail "job $id exited $(job_field "$id" ExitCode)"
  [ "$(job_field "$id" NumNodes)" = 2 ] || fail "job $id ran on $(job_field "$id" NumNodes) nodes, not 2"
  [ "$(job_field "$id" NumTasks)" = 4 ] || fail "job $id ran $(job_field "$id" NumTasks) tasks, not 4"
  check_spread 4 2 "$WHERE_DIR/$id".*
done
grep -q 'srun --mpi=pmix' "$WORK/srun.log" || fail "run.sbatch did not pick srun --mpi=pmix"
same_results "$WORK/single.h5" "$WORK/srun.h5"
same_results "$WORK/single.h5" "$WORK/mpirun.h5"
say "PASS: 4 ranks on 2 nodes, under srun and under mpirun, equal one process"
