#!/usr/bin/env bash
# Stops the test cluster that .ci/slurm-up.sh started, one node or two: cancels its
# jobs, stops every slurmd, slurmctld and (when slurm-up.sh started it) munged by the
# pids in their pid files, ends any process still left in a node's namespace (a job
# step that outlived its slurmd), deletes the nodes' namespaces, veth pairs and bridge,
# and checks that none of it is left. Idempotent, and fit to clear up after a crash or
# a half-finished slurm-up.sh: with nothing left it does nothing and exits 0. Exits
# non-zero when a daemon, a namespace or an interface survives.
#
# Environment (all optional): those of .ci/slurm-common.sh, and
#   SLURM_DOWN_TIMEOUT     seconds to wait for jobs and for each daemon (default 20)
#   SLURM_DOWN_KEEP_MUNGE  set to 1 to leave munged running
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=.ci/slurm-common.sh
. "$here/slurm-common.sh"
timeout_s=${SLURM_DOWN_TIMEOUT:-20}

say() { printf 'slurm-down: %s\n' "$*" >&2; }
pid_of() { [ -s "$1" ] && cat "$1" 2>/dev/null; }
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
# our_netns: the nodes' network namespaces that exist now, one a line.
our_netns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${node_prefix}[0-9]+$"; }

shopt -s nullglob
slurmd_pidfiles=(/run/slurmd.pid /run/slurmd-*.pid)
status=0

# Jobs first, while slurmctld and the slurmds can still end them: a job step
# (slurmstepd) outlives its slurmd otherwise.
any_slurmd=0
for f in "${slurmd_pidfiles[@]}"; do alive "$f" && any_slurmd=1; done
if alive /run/slurmctld.pid && [ "$any_slurmd" = 1 ]; then
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

for f in "${slurmd_pidfiles[@]}"; do
  name=$(basename "$f" .pid)
  stop "${name/-/ of }" "$f" || status=1
done
stop slurmctld /run/slurmctld.pid || status=1
if [ "${SLURM_DOWN_KEEP_MUNGE:-0}" != 1 ] && [ -e "$state/munged" ]; then
  stop munged /run/munge/munged.pid && rm -f "$state/munged" || status=1
fi

# The nodes' namespaces: whatever still runs in one (all of it started by its slurmd)
# is ended by its pid, then the namespace goes, and with it its end of the veth pair.
for ns in $(our_netns); do
  pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
  if [ -n "${pids// /}" ]; then
    say "ending processes left in $ns: $pids"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    deadline=$((SECONDS + 5))
    while [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    # shellcheck disable=SC2086
    [ -z "${pids// /}" ] || kill -KILL $pids 2>/dev/null
    sleep 0.2
  fi
  ip netns delete "$ns" && say "deleted namespace $ns" || status=1
done
# our_links: the machine's ends of the nodes' veth pairs that exist now, one a line.
our_links() { ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep -E "^${node_prefix}[0-9]+-br$"; }
# A veth end goes with its namespace's end, a moment later: then it is gone already.
for link in $(our_links); do
  ip link delete "$link" 2>/dev/null || ! ip link show "$link" >/dev/null 2>&1 || status=1
done
if ip link show "$bridge" >/dev/null 2>&1; then
  ip link delete "$bridge" && say "deleted bridge $bridge" || status=1
fi
rm -f "$state/env" "$state/hosts"

# Nothing of the cluster may be left.
left=$(our_netns | tr '\n' ' ')
[ -z "${left// /}" ] || { say "namespaces left: $left"; status=1; }
# shellcheck disable=SC2317 # called by wait_for
no_links() { [ -z "$(our_links)" ]; }
wait_for 5 no_links || { say "interfaces left: $(our_links | tr '\n' ' ')"; status=1; }
! ip link show "$bridge" >/dev/null 2>&1 || { say "bridge $bridge left"; status=1; }
for f in /run/slurmctld.pid "${slurmd_pidfiles[@]}"; do
  ! alive "$f" || { say "$f names a running process"; status=1; }
done
exit "$status"
