#!/usr/bin/env bash
# Starts a Slurm cluster for tests on this machine (Debian 12, as root, no systemd, no
# cgroups): munged and slurmctld, and by default two nodes, each a slurmd in its own
# network, UTS and mount namespaces with its own hostname and address, joined by a
# bridge (.ci/slurm-common.sh draws it). MPI ranks on different nodes can then only
# talk over TCP through that network, as on separate machines. SLURM_UP_NODES=1
# starts the one-node cluster instead (this machine is the node, no namespaces).
#
# Idempotent: a cluster already up with the same configuration is left as it is; any
# other state (another configuration, a daemon down, leftovers of a crash) is torn down
# by .ci/slurm-down.sh first. Self-checking: exits 0 only once `munge -n | unmunge`
# succeeds and `sinfo` shows every node idle; otherwise prints the daemon logs and
# exits non-zero. .ci/slurm-down.sh stops it again and removes the namespaces.
#
# Jobs on the two-node cluster should use the Open MPI settings in
# /run/crossover-slurm/env (TCP on the nodes' network): `. /run/crossover-slurm/env`
# before sbatch; the tests of tests/slurm/ do.
#
# Environment (all optional): those of .ci/slurm-common.sh, and
#   SLURM_UP_TIMEOUT  seconds to wait for each daemon and for the nodes (default 30)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=.ci/slurm-common.sh
. "$here/slurm-common.sh"
timeout_s=${SLURM_UP_TIMEOUT:-30}

say() { printf 'slurm-up: %s\n' "$*" >&2; }
show_logs() {
  local f
  for f in /var/log/munge/munged.log "$logdir"/slurmctld.log "$logdir"/slurmd*.log; do
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

[ "$(id -u)" -eq 0 ] || fail "must run as root (it starts munged, slurmctld and slurmd)"
case $nodes_wanted in
  1) tools=() ;;
  2) tools=(ip nsenter unshare hostname mount) ;;
  *) fail "SLURM_UP_NODES must be 1 or 2, not '$nodes_wanted'" ;;
esac
for b in munged munge unmunge slurmctld slurmd sinfo scontrol "${tools[@]}"; do
  command -v "$b" >/dev/null || fail "$b not found: run scripts/install-deps.sh"
done
mkdir -p "$state"

# 1. munge. Its socket (/run/munge) is a file: the nodes' namespaces see it too.
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
mem_total=$(free -m | awk '/^Mem:/ {print $2}')
mem=$((mem_total * 95 / 100)) # RealMemory a little under the total, or a node drains
common_conf=$(
  cat <<EOF
ClusterName=local
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
SlurmctldPidFile=/run/slurmctld.pid
SlurmctldLogFile=$logdir/slurmctld.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
# Jobs stay visible to 'scontrol show job' for MinJobAge seconds after they end.
MinJobAge=300
# The main scheduler looks at pending jobs every sched_interval seconds (default 60).
SchedulerParameters=sched_interval=2
# A job whose processes ignore SIGTERM is killed this many seconds later.
KillWait=10
EOF
)
if [ "$nodes_wanted" = 1 ]; then
  nodes=("$host")
  cpus=$(nproc)
  ctld_host=$host
  getent hosts "$host" >/dev/null || ctld_host="$host(127.0.0.1)"
  node_addr=
  getent hosts "$host" >/dev/null || node_addr=" NodeAddr=127.0.0.1"
  new_conf=$(
    cat <<EOF
# Written by .ci/slurm-up.sh: a one-node cluster for tests (SLURM_UP_NODES=1).
SlurmctldHost=$ctld_host
$common_conf
SlurmdSpoolDir=/var/spool/slurmd
SlurmdPidFile=/run/slurmd.pid
SlurmdLogFile=$logdir/slurmd.log
NodeName=$host${node_addr} CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
  )
else
  mapfile -t nodes < <(node_names)
  # The top folders under /tmp that hold the source tree or the working folder
  # (where the tests put the build tree and their jobs' files): the nodes' private
  # /tmp must still show them.
  keep_tmp=()
  for d in "$(cd "$here/.." && pwd -P)" "$(pwd -P)"; do
    case $d/ in
      /tmp/?*/*)
        top=${d#/tmp/}
        top=/tmp/${top%%/*}
        [[ " ${keep_tmp[*]} " == *" $top "* ]] || keep_tmp+=("$top")
        ;;
    esac
  done
  node_lines=
  for n in "${nodes[@]}"; do
    node_lines+="NodeName=$n NodeAddr=$(node_addr "$n") CPUs=$node_cpus RealMemory=$((mem / ${#nodes[@]})) State=UNKNOWN"$'\n'
  done
  new_conf=$(
    cat <<EOF
# Written by .ci/slurm-up.sh: a two-node cluster for tests on one machine, each node
# a slurmd in its own network, UTS and mount namespaces (.ci/slurm-common.sh).
SlurmctldHost=$host($net.1)
$common_conf
# Folders of /tmp the nodes see in their private /tmp: ${keep_tmp[*]:-none}
# One spool folder, pid file and log per node (%n: the node's name).
SlurmdSpoolDir=/var/spool/slurmd/%n
SlurmdPidFile=/run/slurmd-%n.pid
SlurmdLogFile=$logdir/slurmd-%n.log
# The nodes share this machine's CPUs and memory: believe the numbers below.
SlurmdParameters=config_overrides
${node_lines}PartitionName=debug Nodes=${node_prefix}[1-${#nodes[@]}] Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
  )
fi
slurmd_pidfile() {
  if [ "$nodes_wanted" = 1 ]; then echo /run/slurmd.pid; else echo "/run/slurmd-$1.pid"; fi
}

# node_ok NAME: Slurm sees node NAME up (idle, or running jobs).
node_ok() { sinfo -h -N -n "$1" -o '%T' | grep -qE '^(idle|mixed|allocated)$'; }
# the_same: true when this very cluster is up and answers: conf, daemons, (two nodes)
# namespaces, and every node up. (A daemon just killed may still pass `kill -0`.)
the_same() {
  local n
  [ "$(cat "$conf" 2>/dev/null)" = "$new_conf" ] || return 1
  alive /run/slurmctld.pid && scontrol ping >/dev/null 2>&1 || return 1
  for n in "${nodes[@]}"; do
    alive "$(slurmd_pidfile "$n")" || return 1
    [ "$nodes_wanted" = 1 ] || [ -e "/run/netns/$n" ] || return 1
    node_ok "$n" || return 1
  done
}

# net_up: the bridge and, for each node, a network namespace with a veth pair into it.
net_up() {
  local n
  if ip -4 -o addr show | awk -v b="$bridge" '$2 != b {print $4}' | grep -q "^$net\."; then
    fail "$net.0/24 is in use on this machine: choose another with SLURM_UP_NET"
  fi
  ip link add "$bridge" type bridge
  ip addr add "$net.1/24" dev "$bridge"
  ip link set "$bridge" up
  for n in "${nodes[@]}"; do
    ip netns add "$n"
    ip link add "$n-br" type veth peer name eth0 netns "$n"
    ip link set "$n-br" master "$bridge" up
    ip -n "$n" addr add "$(node_addr "$n")/24" dev eth0
    ip -n "$n" link set eth0 up
    ip -n "$n" link set lo up
  done
}

# start_node NAME: slurmd for node NAME in its namespaces. The network namespace is
# the node's; the UTS namespace gives it its hostname; the mount namespace its own
# /tmp and /dev/shm (PMIx and Open MPI keep per-step files there under names that
# would collide between nodes) and an /etc/hosts that names the nodes. The folders
# of $keep_tmp (the source and build trees when they lie under /tmp) stay visible in
# the node's /tmp: each is bound to a holding place first, and back after.
start_node() {
  local n=$1
  mkdir -p "/var/spool/slurmd/$n" "$state/keep-$n"
  rm -f "/run/slurmd-$n.pid"
  # shellcheck disable=SC2016 # expanded by the inner shell
  nsenter --net="/run/netns/$n" -- unshare --uts --mount --propagation slave -- \
    /bin/sh -ec '
      n=$1 hosts=$2 hold=$3
      shift 3
      hostname "$n"
      mount --bind "$hosts" /etc/hosts
      i=0
      for d in "$@"; do
        mkdir -p "$hold/$i"
        mount --bind "$d" "$hold/$i"
        i=$((i + 1))
      done
      mount -t tmpfs -o mode=1777 tmpfs /tmp
      mount -t tmpfs -o mode=1777 tmpfs /dev/shm
      i=0
      for d in "$@"; do
        mkdir -p "$d"
        mount --bind "$hold/$i" "$d"
        umount "$hold/$i"
        i=$((i + 1))
      done
      exec slurmd -c -N "$n"' sh "$n" "$state/hosts" "$state/keep-$n" "${keep_tmp[@]}"
}

if the_same; then
  say "already up with this configuration"
else
  if alive /run/slurmctld.pid || ls /run/slurmd*.pid >/dev/null 2>&1 ||
    ip link show "$bridge" >/dev/null 2>&1 || ip netns list | grep -q "^$node_prefix"; then
    say "restarting: configuration changed, a daemon is down, or leftovers of an earlier cluster"
    SLURM_DOWN_KEEP_MUNGE=1 "$here/slurm-down.sh" || fail "slurm-down.sh could not clear the way"
  fi
  mkdir -p "$(dirname "$conf")" /var/spool/slurmctld "$logdir"
  rm -f "$state/env" "$state/hosts"
  if [ "$nodes_wanted" = 2 ]; then
    net_up
    {
      printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
      printf '%s\t%s\n' "$net.1" "$host"
      for n in "${nodes[@]}"; do printf '%s\t%s\n' "$(node_addr "$n")" "$n"; done
    } >"$state/hosts"
  else
    mkdir -p /var/spool/slurmd
  fi
  printf '%s\n' "$new_conf" >"$conf"
  rm -f /run/slurmctld.pid
  # -c: start from a clean state, without jobs of an earlier cluster.
  slurmctld -c || fail "slurmctld did not start"
  wait_for "$timeout_s" scontrol ping || fail "slurmctld does not answer 'scontrol ping'"
  if [ "$nodes_wanted" = 1 ]; then
    rm -f /run/slurmd.pid
    slurmd -c || fail "slurmd did not start"
  else
    for n in "${nodes[@]}"; do start_node "$n" || fail "slurmd of $n did not start"; done
  fi
fi

# The Open MPI settings for jobs on the nodes: TCP between ranks (shared memory
# cannot span namespaces, and ob1's TCP is what a cluster without a fast fabric
# uses), on the nodes' network only.
if [ "$nodes_wanted" = 2 ]; then
  cat >"$state/env" <<EOF
# Written by .ci/slurm-up.sh: Open MPI settings for jobs on the two-node test cluster.
export OMPI_MCA_pml=ob1
export OMPI_MCA_btl=self,tcp
export OMPI_MCA_btl_tcp_if_include=$net.0/24
export OMPI_MCA_oob_tcp_if_include=$net.0/24
EOF
fi

# 3. every node must come up idle (or mixed/allocated when jobs already run on it)
for n in "${nodes[@]}"; do
  if ! wait_for "$timeout_s" node_ok "$n"; then
    sinfo -N -l >&2 || true
    scontrol show node "$n" >&2 || true
    fail "node $n is not idle after ${timeout_s}s"
  fi
done
sinfo -N >&2
if [ "$nodes_wanted" = 1 ]; then
  say "up: node $host, $cpus CPUs, RealMemory=$mem MiB"
else
  say "up: nodes ${nodes[*]} ($node_cpus CPUs each) on $net.0/24, slurmctld on $host ($net.1); Open MPI settings in $state/env"
fi
