# Shared by the Slurm tests of this folder; each test sources it first thing:
#
#   . "$(dirname "$0")/lib.bash" "$@"     # $1: the crossover program
#
# It exits 77 (ctest: skipped) when no Slurm controller answers `scontrol ping`, makes a
# work folder that is removed on exit, and cancels on exit every job given to `track`.
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
