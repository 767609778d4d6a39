#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine, as /work/shared/SLURM-LOCAL.md
# describes (Debian 12, root, no systemd, no cgroups): munged, slurmctld, slurmd.
#
# Idempotent: a cluster already up with the same configuration is left as it is; one
# with another configuration is restarted. Self-checking: exits 0 only once
# `munge -n | unmunge` succeeds and `sinfo` shows the node idle; otherwise prints the
# daemon logs and exits non-zero. .ci/slurm-down.sh stops it again.
#
# Environment (all optional):
#   SLURM_UP_TIMEOUT  seconds to wait for each daemon and for the node (default 30)
#   SLURM_CONF        where slurm.conf goes (default /etc/slurm/slurm.conf); Slurm
#                     itself reads the file this variable names
set -euo pipefail

timeout_s=${SLURM_UP_TIMEOUT:-30}
conf=${SLURM_CONF:-/etc/slurm/slurm.conf}
state=/run/crossover-slurm # marks a munged this script started, for slurm-down.sh
logdir=/var/log/slurm

say() { printf 'slurm-up: %s\n' "$*" >&2; }
show_logs() {
  local f
  for f in /var/log/munge/munged.log "$logdir/slurmctld.log" "$logdir/slurmd.log"; do
    [ -f "$f" ] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}
fail() {
  say "FAILED: $*"
  show_logs
  exit 1
}
# alive PIDFILE: true when the pid file names a running process.
alive() {
  local pid
  [ -s "$1" ] && pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
# wait_for SECONDS CMD...: runs CMD every 0.2 s until it succeeds; false on timeout.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

[ "$(id -u)" -eq 0 ] || fail "must run as root (it starts munged, slurmctld and slurmd)"
for b in munged munge unmunge slurmctld slurmd sinfo scontrol; do
  command -v "$b" >/dev/null || fail "$b not found: run scripts/install-deps.sh"
done
mkdir -p "$state"

# 1. munge
if ! alive /run/munge/munged.pid; then
  [ -s /etc/munge/munge.key ] || fail "/etc/munge/munge.key is missing (reinstall the munge package)"
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge/munge.key
  chmod 0755 /run/munge
  chmod 0400 /etc/munge/munge.key
  rm -f /run/munge/munged.pid /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
  runuser -u munge -- /usr/sbin/munged || fail "munged did not start"
  touch "$state/munged"
fi
wait_for "$timeout_s" bash -c 'munge -n | unmunge' || fail "munge -n | unmunge does not succeed"
say "$(munge -n | unmunge | grep STATUS)"

# 2. slurm.conf, from this machine's name, CPUs and memory
host=$(hostname -s)
cpus=$(nproc)
mem_total=$(free -m | awk '/^Mem:/ {print $2}')
mem=$((mem_total * 95 / 100)) # RealMemory a little under the total, or the node drains
ctld_host=$host
getent hosts "$host" >/dev/null || ctld_host="$host(127.0.0.1)"
node_addr=
getent hosts "$host" >/dev/null || node_addr=" NodeAddr=127.0.0.1"
new_conf=$(
  cat <<EOF
# Written by .ci/slurm-up.sh: a one-node cluster for tests (SLURM-LOCAL.md).
ClusterName=local
SlurmctldHost=$ctld_host
AuthType=auth/munge
# A requeued job may start again cred_expire+1 seconds later (default 120).
AuthInfo=cred_expire=10
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$logdir/slurmctld.log
SlurmdLogFile=$logdir/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
# Jobs stay visible to 'scontrol show job' for MinJobAge seconds after they end.
MinJobAge=300
# The main scheduler looks at pending jobs every sched_interval seconds (default 60).
SchedulerParameters=sched_interval=2
# A job whose processes ignore SIGTERM is killed this many seconds later.
KillWait=10
NodeName=$host${node_addr} CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
)

running=0
alive /run/slurmctld.pid && alive /run/slurmd.pid && running=1
if [ "$running" -eq 1 ] && [ "$(cat "$conf" 2>/dev/null)" = "$new_conf" ]; then
  say "already up with this configuration"
else
  if alive /run/slurmctld.pid || alive /run/slurmd.pid; then
    say "restarting: configuration changed or a daemon is down"
    SLURM_DOWN_KEEP_MUNGE=1 "$(dirname "$0")/slurm-down.sh"
  fi
  mkdir -p "$(dirname "$conf")" /var/spool/slurmctld /var/spool/slurmd "$logdir"
  printf '%s\n' "$new_conf" >"$conf"
  rm -f /run/slurmctld.pid /run/slurmd.pid
  # -c: start from a clean state, without jobs of an earlier cluster.
  slurmctld -c || fail "slurmctld did not start"
  wait_for "$timeout_s" scontrol ping || fail "slurmctld does not answer 'scontrol ping'"
  slurmd -c || fail "slurmd did not start"
fi

# 3. the node must come up idle (or mixed/allocated when jobs already run on it)
node_ok() { sinfo -h -N -n "$host" -o '%T' | grep -qE '^(idle|mixed|allocated)$'; }
if ! wait_for "$timeout_s" node_ok; then
  sinfo -N -l >&2 || true
  scontrol show node "$host" >&2 || true
  fail "node $host is not idle after ${timeout_s}s"
fi
sinfo -N >&2
say "up: node $host, $cpus CPUs, RealMemory=$mem MiB"
