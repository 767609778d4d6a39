#!/usr/bin/env bash
# Signals sent to Open MPI's mpirun/mpiexec rather than to the ranks, as
# docs/cluster.md describes them: SIGUSR1 is passed on, the ranks write the
# checkpoint and mpiexec exits 3; SIGTERM makes mpiexec terminate the job
# (SIGTERM to the ranks, SIGKILL odls_base_sigkill_timeout = 1 s later) and
# exit 1 whatever the ranks did; with that timeout raised the ranks finish
# the checkpoint, and --resume continues from it, but mpiexec still exits 1.
# Skipped (with a note) for a launcher that is not Open MPI's.
# Usage: mpirun_signals.sh CROSSOVER MPIEXEC JOBDIR
set -u
exe=$(realpath "$1") mpiexec=$2 jobs=$(realpath "$3")
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() {
  echo "FAIL: $*"
  exit 1
}
if ! "$mpiexec" --version 2>&1 | grep -q "Open MPI\|OpenRTE"; then
  echo "note: $mpiexec is not Open MPI's; skipped"
  exit 0
fi
job=$jobs/epoch-2030.yaml

# Starts a long run on 2 ranks in $tmp/w, waits for its first progress line,
# sends signal $1 to mpiexec, and sets rc to mpiexec's exit status.
signal_mpiexec() {
  rm -rf "$tmp/w"
  mkdir "$tmp/w"
  (cd "$tmp/w" && exec "$mpiexec" -n 2 --oversubscribe "$exe" run "$job" --samples 500000000 \
    -o out.h5 --progress-interval 0.2) >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 1 600); do grep -q "^progress:" "$tmp/err" && break; sleep 0.1; done
  grep -q "^progress:" "$tmp/err" || fail "the run did not start: $(head -c 400 "$tmp/err")"
  kill -"$1" "$pid"
  wait "$pid"
  rc=$?
  pid=
}

signal_mpiexec USR1
[ "$rc" = 3 ] || fail "SIGUSR1 to mpiexec: exit $rc, expected 3: $(tail -c 400 "$tmp/err")"
[ -e "$tmp/w/out.h5.checkpoint" ] || fail "SIGUSR1 to mpiexec: no checkpoint"
grep -q "stopped by a signal at" "$tmp/err" || fail "SIGUSR1: no message: $(head -c 400 "$tmp/err")"

signal_mpiexec TERM
[ "$rc" = 1 ] || fail "SIGTERM to mpiexec: exit $rc; docs/cluster.md says 1"

export OMPI_MCA_odls_base_sigkill_timeout=20
signal_mpiexec TERM
[ "$rc" = 1 ] || fail "SIGTERM to mpiexec, sigkill timeout 20: exit $rc; docs/cluster.md says 1"
[ -e "$tmp/w/out.h5.checkpoint" ] ||
  fail "SIGTERM to mpiexec, sigkill timeout 20: no checkpoint: $(tail -c 400 "$tmp/err")"
grep -q "stopped by a signal at" "$tmp/err" || fail "SIGTERM: no message: $(head -c 400 "$tmp/err")"
echo "mpirun signals: all checks passed"
