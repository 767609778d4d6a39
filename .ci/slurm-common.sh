# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# Shared by .ci/slurm-up.sh and .ci/slurm-down.sh (sourced, not run): the names and
# places of the test cluster, so that the one script tears down what the other built.
#
# The two-node cluster (the default): slurmctld and munged run in this machine's own
# namespaces; each node is a slurmd in its own network, UTS and mount namespaces:
#
#   this machine: bridge cxbr0 10.213.47.1/24, slurmctld, munged, the test scripts
#     |- veth cxnode1-br -- namespace cxnode1: eth0 10.213.47.11, hostname cxnode1, slurmd
#     '- veth cxnode2-br -- namespace cxnode2: eth0 10.213.47.12, hostname cxnode2, slurmd
#
# A node sees the machine's file system (munge's socket, the build tree, the jobs'
# output folder: the shared file system of a real cluster) except for its own /tmp,
# /dev/shm (empty tmpfs, as on separate machines) and /etc/hosts (names the nodes).
# A source or build tree under /tmp stays visible in the node's /tmp (slurm-up.sh
# binds its top folder back in).
#
# Environment (all optional):
#   SLURM_CONF       where slurm.conf goes (default /etc/slurm/slurm.conf)
#   SLURM_UP_NODES   2 (default): the two-node cluster above; 1: one node, this machine
#                    itself, no namespaces (for machines that do not allow them)
#   SLURM_UP_NET     the first three numbers of the nodes' /24 network (default 10.213.47)
#   SLURM_UP_CPUS    CPUs each node of the two-node cluster offers (default 2, whatever
#                    the machine has: the tests count on 2 ranks per node)

conf=${SLURM_CONF:-/etc/slurm/slurm.conf}
state=/run/crossover-slurm # what slurm-up.sh started: munged marker, nodes, env, hosts
logdir=/var/log/slurm
nodes_wanted=${SLURM_UP_NODES:-2}
net=${SLURM_UP_NET:-10.213.47}
node_cpus=${SLURM_UP_CPUS:-2}
bridge=cxbr0
node_prefix=cxnode # node i is cxnode<i>: its hostname, netns, Slurm NodeName

# node_names: the names of the namespaced nodes, one a line.
node_names() {
  local i
  for ((i = 1; i <= 2; i++)); do echo "$node_prefix$i"; done
}
# node_addr NAME: the node's address on the bridge (cxnode1 -> NET.11).
node_addr() { echo "$net.$((10 + ${1#"$node_prefix"}))"; }

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
