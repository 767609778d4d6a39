#!/usr/bin/env bash
# Stops the one-node Slurm cluster that .ci/slurm-up.sh started: cancels its jobs,
# then stops slurmd, slurmctld and (when slurm-up.sh started it) munged by the pids in
# their pid files, and checks that none of them is left running. Idempotent: with
# nothing running it does nothing and exits 0. Exits non-zero when a daemon survives.
#
# Environment (all optional):
#   SLURM_DOWN_TIMEOUT     seconds to wait for jobs and for each daemon (default 20)
#   SLURM_DOWN_KEEP_MUNGE  set to 1 to leave munged running
set -uo pipefail

timeout_s=${SLURM_DOWN_TIMEOUT:-20}
state=/run/crossover-slurm

say() { printf 'slurm-down: %s\n' "$*" >&2; }
pid_of() { [ -s "$1" ] && cat "$1" 2>/dev/null; }
alive() {
  local pid
  pid=$(pid_of "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
# stop NAME PIDFILE: SIGTERM, a bounded wait, then SIGKILL; true when it is gone.
stop() {
  local name=$1 pidfile=$2 pid deadline
  if ! alive "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(pid_of "$pidfile")
  kill -TERM "$pid" 2>/dev/null
  deadline=$((SECONDS + timeout_s))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name ($pid) ignored SIGTERM for ${timeout_s}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    sleep 0.5
  fi
  if kill -0 "$pid" 2>/dev/null; then
    say "$name ($pid) is still running"
    return 1
  fi
  rm -f "$pidfile"
  say "stopped $name ($pid)"
}

status=0
# Jobs first, while slurmctld and slurmd can still end them: a job step
# (slurmstepd) outlives slurmd otherwise.
if alive /run/slurmctld.pid && alive /run/slurmd.pid; then
  jobs=$(squeue -h -o '%A' 2>/dev/null)
  if [ -n "$jobs" ]; then
    say "cancelling jobs: ${jobs//$'\n'/ }"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null
    deadline=$((SECONDS + timeout_s))
    while [ -n "$(squeue -h -o '%A' 2>/dev/null)" ] && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.5
    done
    [ -z "$(squeue -h -o '%A' 2>/dev/null)" ] || say "jobs still listed after ${timeout_s}s"
  fi
fi

stop slurmd /run/slurmd.pid || status=1
stop slurmctld /run/slurmctld.pid || status=1
if [ "${SLURM_DOWN_KEEP_MUNGE:-0}" != 1 ] && [ -e "$state/munged" ]; then
  stop munged /run/munge/munged.pid && rm -f "$state/munged" || status=1
fi
exit "$status"
