#!/usr/bin/env bash
# The program of each MPI rank in the two-node tests, in crossover's place (CROSSOVER):
# notes where the rank runs, then becomes crossover. It writes one line to
# $WHERE_DIR/JOBID.RESTART.RANK (RESTART: how often the job was requeued before):
#
#   job=JOBID array=ARRAYJOB_TASK rank=R host=HOSTNAME net=net:[INODE] btl=OMPI_MCA_btl
#
# (net: the rank's network namespace; btl: the Open MPI transports it may use), and
# execs $WHERE_PROGRAM (the real crossover) with its arguments. lib.bash's
# `check_spread` reads these lines.
set -euo pipefail
: "${WHERE_DIR:?set WHERE_DIR to the folder for the notes}" "${WHERE_PROGRAM:?set WHERE_PROGRAM to crossover}"
# mpirun's ranks know their rank from OMPI_COMM_WORLD_RANK, srun --mpi=pmix's from
# PMIX_RANK; a process without MPI launcher (the merge job) is rank 0.
rank=${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}
job=${SLURM_JOB_ID:-none}
printf 'job=%s array=%s_%s rank=%s host=%s net=%s btl=%s\n' "$job" \
  "${SLURM_ARRAY_JOB_ID:-}" "${SLURM_ARRAY_TASK_ID:-}" "$rank" "$(hostname)" \
  "$(readlink /proc/self/ns/net)" "${OMPI_MCA_btl:-}" >"$WHERE_DIR/$job.${SLURM_RESTART_COUNT:-0}.$rank"
exec "$WHERE_PROGRAM" "$@"
