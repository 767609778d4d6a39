# Shared by the Slurm tests of this folder; each test sources it first thing:
#
#   . "$(dirname "$0")/lib.bash" "$@"     # $1: the crossover program
#
# It exits 77 (ctest: skipped) when no Slurm controller answers `scontrol ping`, makes a
# work folder that is removed on exit, and cancels on exit every job given to `track`.
# On the two-node cluster of .ci/slurm-up.sh it exports that cluster's Open MPI
# settings (/run/crossover-slurm/env: TCP on the nodes' network) for the jobs.
#
# Environment:
#   MC_SOURCE_DIR     the source tree (slurm/ scripts, job files); required
#   PYTHON3           a python3 with h5py (Debian's /usr/bin/python3); default /usr/bin/python3
#   SLURM_TEST_KEEP   set to 1 to keep the work folder for a look afterwards
set -euo pipefail

if ! command -v scontrol >/dev/null || ! scontrol ping >/dev/null 2>&1; then
  echo "SKIP: no Slurm controller answers 'scontrol ping' (start one: .ci/slurm-up.sh)"
  exit 77
fi

# shellcheck disable=SC1091 # written by .ci/slurm-up.sh
[ ! -r /run/crossover-slurm/env ] || . /run/crossover-slurm/env
CROSSOVER=$(realpath "${1:?usage: $0 PATH/TO/crossover}")
[ -x "$CROSSOVER" ] || { echo "$0: $1 is not a program" >&2; exit 1; }
export CROSSOVER
: "${MC_SOURCE_DIR:?set MC_SOURCE_DIR to the source tree}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
# A folder the jobs can reach: under the working directory (the build tree in ctest).
WORK=$(mktemp -d "$PWD/slurm-$(basename "$0" .sh)-XXXXXX")
TRACKED=()
PIDS=()

say() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*" >&2; }

_cleanup() {
  local rc=$?
  [ ${#TRACKED[@]} -eq 0 ] || scancel "${TRACKED[@]}" 2>/dev/null || true
  [ ${#PIDS[@]} -eq 0 ] || kill "${PIDS[@]}" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    local log
    for log in "$WORK"/*.log; do
      [ -f "$log" ] || continue
      printf -- '----- %s -----\n' "$log" >&2
      tail -n 60 "$log" >&2
    done
  fi
  if [ "${SLURM_TEST_KEEP:-0}" = 1 ]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  say "FAIL: $*"
  exit 1
}

# track ID...: cancel these jobs when the test ends, however it ends.
track() { TRACKED+=("$@"); }

# reference_run OUT.h5: one plain run of $JOB (and $SAMPLES), outside Slurm, in the
# background; its pid is killed if the test ends first. Wait for it with `wait $!`.
reference_run() {
  "$CROSSOVER" run "$JOB" --samples "$SAMPLES" -q -o "$1" >"$WORK/reference.log" 2>&1 &
  PIDS+=($!)
}

# job_field ID FIELD: FIELD (e.g. JobState, ExitCode, Restarts) of job ID, one line per
# job record (a job array has one per task); nothing once Slurm has forgotten the job.
job_field() {
  scontrol show job -o "$1" 2>/dev/null | grep -oE "(^| )$2=[^ ]*" | sed "s/^ *$2=//" || true
}

# wait_state ID SECONDS STATE...: waits until every record of job ID is in one of the
# STATEs, and fails when it is not within SECONDS, or ends in another state.
wait_state() {
  local id=$1 limit=$2 deadline=$((SECONDS + $2)) states s all
  shift 2
  while :; do
    states=$(job_field "$id" JobState)
    [ -n "$states" ] || fail "job $id is not known to Slurm"
    all=1
    for s in $states; do
      case " $* " in
        *" $s "*) ;;
        *)
          case $s in
            PENDING | CONFIGURING | RUNNING | COMPLETING | REQUEUED | REQUEUE_HOLD | REQUEUE_FED | RESIZING | SUSPENDED) all=0 ;;
            *) fail "job $id ended $s (ExitCode $(job_field "$id" ExitCode | tr '\n' ' ')) while waiting for $*" ;;
          esac
          ;;
      esac
    done
    [ "$all" -eq 0 ] || return 0
    [ "$SECONDS" -lt "$deadline" ] || fail "job $id not $* after ${limit}s (now: ${states//$'\n'/ })"
    sleep 1
  done
}

# same_results A.h5 B.h5: fails unless both hold the same results bit for bit.
same_results() {
  "$PYTHON3" "$MC_SOURCE_DIR/tests/h5same.py" "$1" "$2" || fail "$1 and $2 differ"
}

# need_nodes N: skips the test (exit 77) unless the cluster has N nodes or more.
need_nodes() {
  local n
  n=$(sinfo -h -N -o '%N' | sort -u | wc -l)
  [ "$n" -ge "$1" ] || {
    echo "SKIP: the cluster has $n node(s), this test needs $1 (.ci/slurm-up.sh starts two)"
    exit 77
  }
}

# check_spread RANKS PER_NODE NOTE...: the notes that tests/slurm/where.bash wrote for
# the ranks of one job show RANKS ranks (0 to RANKS-1), PER_NODE on each node, each
# node a different host in its own network namespace (not this test's), and Open MPI
# limited to TCP between them (OMPI_MCA_btl=self,tcp). Says which hosts.
check_spread() {
  local ranks=$1 per_node=$2 f rank host net btl hosts nets
  shift 2
  [ $# -eq "$ranks" ] || fail "$# ranks noted, not $ranks: $*"
  local here
  here=$(readlink /proc/self/ns/net)
  declare -A seen=() on_host=() net_of=()
  for f in "$@"; do
    read -r rank host net btl < <(sed -E 's/.* rank=([^ ]*) host=([^ ]*) net=([^ ]*) btl=([^ ]*).*/\1 \2 \3 \4/' "$f")
    [ -n "${host:-}" ] || fail "$f: no note of a rank: $(cat "$f")"
    [ -z "${seen[$rank]:-}" ] || fail "rank $rank noted twice"
    seen[$rank]=1
    on_host[$host]=$((${on_host[$host]:-0} + 1))
    [ -z "${net_of[$host]:-}" ] || [ "${net_of[$host]}" = "$net" ] || fail "ranks on $host in two network namespaces"
    net_of[$host]=$net
    [ "$net" != "$here" ] || fail "rank $rank ran in this machine's own network namespace, not a node's"
    [ "$btl" = self,tcp ] || fail "rank $rank ran with OMPI_MCA_btl='$btl', not self,tcp"
  done
  for ((rank = 0; rank < ranks; rank++)); do [ -n "${seen[$rank]:-}" ] || fail "no note of rank $rank"; done
  hosts=$(printf '%s\n' "${!on_host[@]}" | sort | tr '\n' ' ')
  [ "${#on_host[@]}" -eq $((ranks / per_node)) ] || fail "ranks on hosts $hosts, expected $((ranks / per_node)) hosts"
  for host in "${!on_host[@]}"; do
    [ "${on_host[$host]}" -eq "$per_node" ] || fail "${on_host[$host]} ranks on $host, not $per_node"
  done
  nets=$(printf '%s\n' "${net_of[@]}" | sort -u | wc -l)
  [ "$nets" -eq "${#on_host[@]}" ] || fail "hosts $hosts share a network namespace"
  say "$ranks ranks, $per_node on each of $hosts(own network namespaces, TCP only)"
}
