#!/usr/bin/env bash
# Interrupted runs resume to the same bits as an uninterrupted one: after
# SIGTERM/SIGUSR1 (exit 3 with a checkpoint), several times, on another rank
# count, and after SIGKILL from the last periodic checkpoint. A changed job is
# refused.
# Usage: resume.sh CROSSOVER MPIEXEC JOB SAMPLES
set -euo pipefail
exe=$1 mpiexec=$2 job=$3 samples=$4
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$exe" run "$job" --samples "$samples" -q -o "$tmp/ref.h5"

# wait_for FILE SECONDS: until FILE exists
wait_for() {
  for _ in $(seq 1 $(($2 * 10))); do [ -e "$1" ] && return 0; sleep 0.1; done
  return 1
}

# Interrupt a run by SIG after a periodic checkpoint appeared; expect exit 3.
interrupt() { # interrupt SIG NRANKS [--resume]
  local sig=$1 n=$2; shift 2
  # The last call's log goes first: the background job truncates it only once
  # it starts, and the loop below must not read the old one's lines.
  rm -f "$tmp/log"
  "$mpiexec" -n "$n" --oversubscribe "$exe" run "$job" --samples "$samples" -o "$tmp/out.h5" \
    --checkpoint-interval 0.3 --progress-interval 1 "$@" 2> "$tmp/log" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do grep -qs "checkpoint written" "$tmp/log" && break; sleep 0.1; done
  grep -qs "checkpoint written" "$tmp/log" || fail "no checkpoint appeared: $(cat "$tmp/log")"
  sleep 0.1
  if [ "$sig" = USR1 ]; then
    kill -s USR1 "$pid" # mpiexec forwards SIGUSR1 to every rank
  else
    pkill -"$sig" -P "$pid" # each rank, as Slurm signals each task
  fi
  set +e
  wait "$pid"
  local rc=$?
  set -e
  if [ "$rc" = 0 ]; then
    echo "run finished before the signal; use more samples" >&2
    return 10
  fi
  [ "$rc" = 3 ] || fail "run stopped by $sig exited $rc, expected 3: $(tail -5 "$tmp/log")"
  [ -e "$tmp/out.h5" ] && fail "an interrupted run left out.h5"
  [ -e "$tmp/out.h5.checkpoint" ] || fail "no checkpoint after $sig"
  /usr/bin/python3 -c "
import h5py,sys
f=h5py.File(sys.argv[1],'r')
print('checkpoint after $sig:', f.attrs['samples'], 'of', f.attrs['samples_planned'], 'samples')
assert 0 < f.attrs['samples'] < f.attrs['samples_planned']" "$tmp/out.h5.checkpoint"
  "$exe" report "$tmp/out.h5.checkpoint" > /dev/null || fail "report cannot read the checkpoint"
}

interrupt TERM 2
interrupt USR1 1 --resume
# mpirun forwards SIGINT? use USR1 again on 2 ranks to get several interruptions
interrupt USR1 2 --resume
"$exe" run "$job" --samples "$samples" -q -o "$tmp/out.h5" --resume
[ -e "$tmp/out.h5.checkpoint" ] && fail "checkpoint left after a completed resume"
/usr/bin/python3 "$here/h5same.py" "$tmp/ref.h5" "$tmp/out.h5"
/usr/bin/python3 "$here/e2e/constraints.py" "$tmp/out.h5"

# SIGKILL: nothing is written at the kill; resume from the last periodic one.
rm -f "$tmp/out.h5"
"$exe" run "$job" --samples "$samples" -q -o "$tmp/out.h5" --checkpoint-interval 0.3 &
pid=$!
pids+=("$pid")
wait_for "$tmp/out.h5.checkpoint" 60 || fail "no periodic checkpoint"
sleep 0.5
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[ -e "$tmp/out.h5" ] && fail "a killed run left out.h5"
ls "$tmp" | grep -q 'out.h5.tmp' && echo "note: the killed run left its temporary file (named .tmp-PID)"
rm -f "$tmp"/out.h5.tmp-* "$tmp"/out.h5.checkpoint.tmp-*

# What a kill while writing leaves, OUT.tmp-PID of a process no longer
# running, the next run into OUT names (and leaves alone, as another node may
# own one); a live process's file and another output's it does not.
mkdir "$tmp/stale"
sh -c 'exit 0' &
dead=$!
wait "$dead"
touch "$tmp/stale/out.h5.tmp-$dead" "$tmp/stale/out.h5.checkpoint.tmp-$dead" \
  "$tmp/stale/out.h5.tmp-$$" "$tmp/stale/other.h5.tmp-$dead"
notes=$("$exe" run "$job" --samples 2048 -q -o "$tmp/stale/out.h5" 2>&1) ||
  fail "run beside stale files: $notes"
for f in "out.h5.tmp-$dead" "out.h5.checkpoint.tmp-$dead"; do
  grep -q "run: note: $tmp/stale/$f is a temporary file left by a killed run or merge (process $dead is not" \
    <<< "$notes" || fail "no note of the stale $f: $notes"
  [ -e "$tmp/stale/$f" ] || fail "$f was removed"
done
if grep -q "tmp-$$\|other.h5" <<< "$notes"; then
  fail "a note of a live process's or another output's file: $notes"
fi
rm -rf "$tmp/stale"

# A changed job, seed or sample count is refused, and nothing is written.
for change in "--seed 7" "--samples $((samples + 1024))"; do
  set +e
  # shellcheck disable=SC2086
  "$exe" run "$job" --samples "$samples" $change -q -o "$tmp/out.h5" --resume 2> "$tmp/err"
  rc=$?
  set -e
  [ "$rc" = 2 ] || fail "resume with '$change' exited $rc, expected 2"
  grep -q "different job" "$tmp/err" || fail "resume with '$change': $(cat "$tmp/err")"
  [ -e "$tmp/out.h5" ] && fail "refused resume wrote out.h5"
done
"$mpiexec" -n 2 --oversubscribe "$exe" run "$job" --samples "$samples" -q -o "$tmp/out.h5" --resume
/usr/bin/python3 "$here/h5same.py" "$tmp/ref.h5" "$tmp/out.h5"
set +e
"$exe" run "$job" --samples "$samples" -q -o "$tmp/none.h5" --resume 2> "$tmp/err"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "no checkpoint" "$tmp/err" || fail "resume without checkpoint: $rc $(cat "$tmp/err")"
echo "resume: all checks passed"
