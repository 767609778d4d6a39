#!/usr/bin/env bash
# Environment faults: a missing job file, a job file that is a directory, an
# output that cannot be written (a file in place of a directory, /proc, a
# missing directory, a read-only mount), a full disk (a 64 KiB tmpfs), a rank
# that fails mid-run (the CROSSOVER_FAULT_RANK/_BLOCK hook: mc/cmd_run.c, engine/mc_engine.c)
# and a rank killed mid-run. Each must end every rank promptly (waits are
# bounded by timeout) with a clear message and a non-zero status, and leave no
# output, temporary or partial file behind.
# Usage: faults.sh CROSSOVER MPIEXEC
set -u
exe=$1 mpiexec=$2
tmp=$(mktemp -d)
mounts=()
cleanup() {
  for m in "${mounts[@]:-}"; do [ -n "$m" ] && umount "$m" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
failures=0 rc=0
fail() {
  echo "FAIL [$what]: $*"
  failures=$((failures + 1))
}
ok() { echo "ok: $what: $(grep -m1 'crossover' "$tmp/err" | cut -c1-170)"; }

cat >"$tmp/job.yaml" <<'YAML'
scenario: faults
time: {base_year: 2025, horizon_year: 2030}
sampling: {samples: 20000, method: mc, seed: 5}
parameters:
  training.compute: 2e28 to 1.5e29
  training.growth: 2.0 to 3.5
  inference.compute: 5e27 to 5e28
  inference.growth: 2.5 to 5
  hardware.efficiency: 1e11 to 4e11
  hardware.efficiency_growth: 1.2 to 1.45
  training.utilization: {dist: uniform, min: 0.3, max: 0.5}
  inference.utilization: 0.25
outputs: {percentiles: [5, 50, 95], relative_accuracy: 0.01}
YAML
sed 's/relative_accuracy: 0.01}/relative_accuracy: 0.01, samples: true}/' "$tmp/job.yaml" >"$tmp/samples.yaml"

# run NRANKS ARGS...: crossover in $tmp/w under mpiexec (or alone for 1), at
# most 120 s; sets rc
run() {
  local n=$1
  shift
  mkdir -p "$tmp/w"
  if [ "$n" = 1 ]; then
    (cd "$tmp/w" && timeout 120 "$exe" "$@") >"$tmp/out" 2>"$tmp/err"
  else
    (cd "$tmp/w" && timeout 120 "$mpiexec" -n "$n" --oversubscribe "$exe" "$@") >"$tmp/out" 2>"$tmp/err"
  fi
  rc=$?
}
# expect STATUS WORDS DIR: the status, the words on stderr, DIR left empty
expect() {
  local want=$1 words=$2 dir=$3
  if [ "$rc" = 124 ]; then
    fail "did not end within 120 s"
  elif [ "$want" = nonzero ]; then
    [ "$rc" != 0 ] || fail "exited 0"
  else
    [ "$rc" = "$want" ] || fail "exited $rc, expected $want: $(head -c 300 "$tmp/err")"
  fi
  grep -qE -- "$words" "$tmp/err" || fail "stderr lacks /$words/: $(head -c 400 "$tmp/err")"
  grep -q 'AddressSanitizer\|runtime error\|Segmentation\|Signal:' "$tmp/err" &&
    fail "crashed: $(head -c 600 "$tmp/err")"
  if [ -d "$dir" ]; then
    local left
    left=$(ls -A "$dir")
    [ -z "$left" ] || fail "left files behind in $dir: $left"
  fi
  [ "$failures" = 0 ] && ok
}

mkdir -p "$tmp/w"
for n in 1 2; do
  what="missing job file, $n rank(s)"
  run $n run "$tmp/none.yaml" -q -o "$tmp/w/out.h5"
  expect 2 "$tmp/none.yaml.*No such file" "$tmp/w"

  what="job file that is a directory, $n rank(s)"
  mkdir -p "$tmp/dir.yaml"
  run $n run "$tmp/dir.yaml" -q -o "$tmp/w/out.h5"
  expect 2 "$tmp/dir.yaml.*Is a directory" "$tmp/w"

  what="output under a regular file, $n rank(s)"
  touch "$tmp/regular"
  run $n run "$tmp/job.yaml" -q -o "$tmp/regular/out.h5"
  expect 2 "cannot write $tmp/regular/out.h5: Not a directory" "$tmp/w"

  what="output in /proc, $n rank(s)"
  run $n run "$tmp/job.yaml" -q -o /proc/crossover-out.h5
  expect 2 "cannot write /proc/crossover-out.h5" "$tmp/w"

  what="output in a missing directory, $n rank(s)"
  run $n run "$tmp/job.yaml" -q -o "$tmp/missing/out.h5"
  expect 2 "cannot write $tmp/missing/out.h5: No such file" "$tmp/w"
done

# A read-only mount and a full disk need mount(8) (root in a VM or a
# privileged container); elsewhere these checks are skipped with a note.
mkdir -p "$tmp/ro" "$tmp/full"
if mount --bind "$tmp/ro" "$tmp/ro" 2>/dev/null && mounts+=("$tmp/ro") &&
  mount -o remount,bind,ro "$tmp/ro" 2>/dev/null; then
  what="output on a read-only mount"
  run 2 run "$tmp/job.yaml" -q -o "$tmp/ro/out.h5"
  expect 2 "cannot write $tmp/ro/out.h5: Read-only file system" "$tmp/ro"
else
  echo "note: cannot make a read-only bind mount here; that check is skipped"
fi
if mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
  mounts+=("$tmp/full")
  for n in 1 2; do
    what="a full disk, $n rank(s)"
    run $n run "$tmp/job.yaml" -q -o "$tmp/full/out.h5"
    expect 1 "cannot write $tmp/full/out.h5.tmp-[0-9]+: No space left on device" "$tmp/full"
    what="a full disk with per-sample output, $n rank(s)"
    run $n run "$tmp/samples.yaml" -q -o "$tmp/full/out.h5"
    expect 1 "$tmp/full/out.h5.tmp-[0-9]+: HDF5 call failed" "$tmp/full"
    # a checkpoint that fails is a warning (the run carries on); the result then fails too
    what="a full disk at a checkpoint, $n rank(s)"
    run $n run "$tmp/job.yaml" -q --samples 3000000 --checkpoint-interval 0.01 -o "$tmp/full/out.h5"
    expect 1 "out.h5.tmp-[0-9]+: No space left on device" "$tmp/full"
    grep -qE "warning: the checkpoint at [0-9]+ samples was not written: .*out.h5.checkpoint.tmp-[0-9]+: No space left" \
      "$tmp/err" || fail "no warning of the failed checkpoint: $(head -c 400 "$tmp/err")"
  done
else
  echo "note: cannot mount a tmpfs here; the full-disk checks are skipped"
fi

# A rank that fails mid-run ends every rank with its message; a checkpoint
# written before stays as it was.
for n in 2 3; do
  for r in $(seq $((n - 1)) -1 0); do
    what="rank $r of $n fails at its block 3"
    rm -rf "$tmp/w" && mkdir "$tmp/w"
    CROSSOVER_FAULT_RANK=$r CROSSOVER_FAULT_BLOCK=3 run $n run "$tmp/job.yaml" -q \
      --samples 2000000 -o "$tmp/w/out.h5"
    prefix="rank $r: "
    [ "$r" = 0 ] && prefix=""
    expect nonzero "crossover: ${prefix}a fault injected at block [0-9]+ \(CROSSOVER_FAULT_RANK=$r" "$tmp/w"
  done
done
what="rank 1 of 2 fails after checkpoints, with per-sample output too"
for job in job samples; do
  rm -rf "$tmp/w" && mkdir "$tmp/w"
  CROSSOVER_FAULT_RANK=1 CROSSOVER_FAULT_BLOCK=40 run 2 run "$tmp/$job.yaml" -q \
    --samples 400000 --checkpoint-interval 0.05 -o "$tmp/w/out.h5"
  [ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "$job: exited $rc"
  grep -q "rank 1: a fault injected" "$tmp/err" || fail "$job: $(head -c 300 "$tmp/err")"
  left=$(ls -A "$tmp/w" | grep -v '^out.h5.checkpoint$')
  [ -z "$left" ] || fail "$job: left $left"
  # the last checkpoint (none with per-sample output) is whole and resumes
  if [ -e "$tmp/w/out.h5.checkpoint" ]; then
    run 1 run "$tmp/$job.yaml" -q --samples 400000 --resume -o "$tmp/w/out.h5"
    [ "$rc" = 0 ] || fail "$job: resuming from the checkpoint left exited $rc: $(head -c 300 "$tmp/err")"
  fi
done
[ "$failures" = 0 ] && echo "ok: $what"

# A rank killed outright: mpiexec ends the others.
what="rank killed by SIGKILL"
rm -rf "$tmp/w" && mkdir "$tmp/w"
timeout 120 "$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/job.yaml" --samples 50000000 \
  --progress-interval 0.2 -o "$tmp/w/out.h5" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 300); do grep -q progress "$tmp/err" && break; sleep 0.1; done
victim=$(pgrep -P "$pid" -f "crossover run" | tail -1)
if [ -n "$victim" ]; then
  kill -9 "$victim"
  wait "$pid"
  rc=$?
  [ "$rc" != 124 ] || fail "mpiexec did not end within 120 s"
  [ "$rc" != 0 ] || fail "exited 0"
  [ -e "$tmp/w/out.h5" ] && fail "left out.h5"
  [ "$failures" = 0 ] && echo "ok: $what (mpiexec exited $rc)"
else
  kill "$pid" 2>/dev/null
  wait "$pid"
  fail "found no rank to kill"
fi

echo "faults: $failures failure(s)"
exit $((failures > 0))
