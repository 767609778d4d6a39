#!/usr/bin/env bash
# Safe writes (issue 17): a symbolic link planted at a temporary name or at
# OUT is never followed; an OUT that appears during a run is not replaced
# without --force; an existing checkpoint is not discarded without --resume or
# --force; a job with per-sample output stopped by a signal does not claim a
# checkpoint; every output name is checked before any work; a periodic
# checkpoint that fails on a full disk is a warning, the run carries on;
# --part does not wrap around; names with control characters are escaped by
# check and report. Each check fails on the code before these fixes.
# Usage: safe_writes.sh CROSSOVER MPIEXEC PYTHON3
set -u
exe=$(realpath "$1") mpiexec=$2 py=$3
tmp=$(mktemp -d)
mounts=()
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
  for m in "${mounts[@]:-}"; do [ -n "$m" ] && umount "$m" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
failures=0
what="" f0=0
fail() {
  echo "FAIL [$what]: $*"
  failures=$((failures + 1))
}
ok() { echo "ok: $what"; }
# begin WHAT: names the next check
begin() {
  what=$1
  f0=$failures
}

cat >"$tmp/job.yaml" <<'YAML'
scenario: safe
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
echo precious >"$tmp/victim"

# in_dir DIR CMD...: runs CMD in DIR with stdout/stderr to $tmp/out, $tmp/err; sets rc
in_dir() {
  local d=$1
  shift
  (cd "$d" && timeout 300 "$@") >"$tmp/out" 2>"$tmp/err"
  rc=$?
}
victim_intact() { [ "$(cat "$tmp/victim")" = precious ] || fail "the link's target was written"; }
# wait_line PATTERN FILE: until FILE has a line matching PATTERN (60 s at most)
wait_line() {
  for _ in $(seq 1 600); do grep -qs -- "$1" "$2" && return 0; sleep 0.1; done
  return 1
}

# 1. A link planted at this run's temporary name (exec keeps the PID).
begin "link planted at OUT.h5.tmp-PID"
mkdir "$tmp/w1"
in_dir "$tmp/w1" bash -c 'ln -s "$1" "out.h5.tmp-$$" && exec "$2" run "$3" -q -o out.h5' _ \
  "$tmp/victim" "$exe" "$tmp/job.yaml"
[ "$rc" = 2 ] || fail "exited $rc, expected 2: $(head -c 300 "$tmp/err")"
grep -q "out.h5.tmp-[0-9]* already exists" "$tmp/err" || fail "message: $(head -c 300 "$tmp/err")"
victim_intact
[ -e "$tmp/w1/out.h5" ] && fail "out.h5 was written"
[ "$failures" = "$f0" ] && ok

begin "link planted at OUT.h5.checkpoint.tmp-PID"
mkdir "$tmp/w2"
in_dir "$tmp/w2" bash -c 'ln -s "$1" "out.h5.checkpoint.tmp-$$" &&
  exec "$2" run "$3" -q --samples 2000000 --checkpoint-interval 0.01 -o out.h5' _ \
  "$tmp/victim" "$exe" "$tmp/job.yaml"
[ "$rc" = 2 ] || fail "exited $rc, expected 2: $(head -c 300 "$tmp/err")"
victim_intact
[ -e "$tmp/w2/out.h5" ] && fail "out.h5 was written"
[ "$failures" = "$f0" ] && ok

begin "merge with a link planted at OUT.h5.tmp-PID"
"$exe" run "$tmp/job.yaml" -q --part 1/2 -o "$tmp/p1.h5" && "$exe" run "$tmp/job.yaml" -q --part 2/2 -o "$tmp/p2.h5" ||
  fail "runs of the parts failed"
in_dir "$tmp/w2" bash -c 'ln -sf "$1" "m.h5.tmp-$$" && exec "$2" merge -o m.h5 "$3" "$4"' _ \
  "$tmp/victim" "$exe" "$tmp/p1.h5" "$tmp/p2.h5"
[ "$rc" != 0 ] || fail "exited 0"
victim_intact
[ -e "$tmp/w2/m.h5" ] && fail "m.h5 was written"
[ "$failures" = "$f0" ] && ok

# 1b. OUT itself a link: refused without --force; with it the link is
# replaced, its target untouched.
begin "OUT.h5 a symbolic link"
mkdir "$tmp/w3"
ln -s "$tmp/victim" "$tmp/w3/out.h5"
in_dir "$tmp/w3" "$exe" run "$tmp/job.yaml" -q -o out.h5
[ "$rc" = 2 ] || fail "exited $rc, expected 2"
grep -q "symbolic link" "$tmp/err" || fail "message: $(head -c 300 "$tmp/err")"
in_dir "$tmp/w3" "$exe" run "$tmp/job.yaml" -q -o out.h5 --force
[ "$rc" = 0 ] || fail "--force: exited $rc: $(head -c 300 "$tmp/err")"
[ -L "$tmp/w3/out.h5" ] && fail "--force: out.h5 is still a link"
victim_intact
[ "$failures" = "$f0" ] && ok

# 2. An OUT that appears while the run works is not replaced; the result is
# kept under its temporary name. The run is stopped (SIGSTOP) once started,
# so the order is certain.
appear() { # appear ARGS...: runs in $tmp/w4, OUT appears mid-run; sets rc
  rm -rf "$tmp/w4" && mkdir "$tmp/w4"
  (cd "$tmp/w4" && exec "$exe" run "$tmp/job.yaml" --samples 5000000 -o out.h5 "$@") \
    >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  pids+=("$pid")
  wait_line "crossover run: safe" "$tmp/err" || fail "the run did not start"
  kill -STOP "$pid"
  echo "another run's result" >"$tmp/w4/out.h5"
  kill -CONT "$pid"
  wait "$pid"
  rc=$?
}
begin "OUT.h5 appearing during the run"
appear
[ "$rc" = 1 ] || fail "exited $rc, expected 1"
[ "$(cat "$tmp/w4/out.h5")" = "another run's result" ] || fail "out.h5 was replaced"
grep -q "appeared while" "$tmp/err" || fail "message: $(head -c 400 "$tmp/err")"
kept=$(ls "$tmp/w4" | grep 'out.h5.tmp-' | head -1)
if [ -z "$kept" ]; then
  fail "the result was not kept"
else
  grep -q "kept as out.h5.tmp-" "$tmp/err" || fail "the kept file is not named: $(cat "$tmp/err")"
  "$py" -c "import h5py,sys; f=h5py.File(sys.argv[1],'r'); assert f.attrs['samples']==5000000" \
    "$tmp/w4/$kept" || fail "the kept result is not complete"
fi
[ "$failures" = "$f0" ] && ok
begin "OUT.h5 appearing during a run with --force"
appear --force
[ "$rc" = 0 ] || fail "exited $rc: $(head -c 300 "$tmp/err")"
"$py" -c "import h5py,sys; h5py.File(sys.argv[1],'r')" "$tmp/w4/out.h5" || fail "not replaced"
[ "$failures" = "$f0" ] && ok

# 3. An existing checkpoint is refused without --resume or --force.
begin "existing checkpoint without --resume"
rm -rf "$tmp/w5" && mkdir "$tmp/w5"
cp "$tmp/p1.h5" "$tmp/w5/out.h5.checkpoint"
in_dir "$tmp/w5" "$exe" run "$tmp/job.yaml" -q -o out.h5
[ "$rc" = 2 ] || fail "exited $rc, expected 2"
grep -q -- "--resume.*--force" "$tmp/err" || fail "message: $(head -c 300 "$tmp/err")"
cmp -s "$tmp/p1.h5" "$tmp/w5/out.h5.checkpoint" || fail "the checkpoint was changed"
[ -e "$tmp/w5/out.h5" ] && fail "out.h5 was written"
in_dir "$tmp/w5" "$exe" run "$tmp/job.yaml" -q -o out.h5 --force
[ "$rc" = 0 ] || fail "--force: exited $rc"
[ "$failures" = "$f0" ] && ok

# 4. Per-sample output: a signal does not claim a checkpoint.
begin "SIGTERM to a run with outputs: {samples: true}"
rm -rf "$tmp/w6" && mkdir "$tmp/w6"
(cd "$tmp/w6" && exec "$exe" run "$tmp/samples.yaml" --samples 1000000 -o out.h5) \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
pids+=("$pid")
wait_line "crossover run: safe" "$tmp/err" || fail "the run did not start"
kill -STOP "$pid"
kill -TERM "$pid"
kill -CONT "$pid"
wait "$pid"
rc=$?
[ "$rc" = 3 ] && fail "exited 3, claiming a checkpoint"
[ "$rc" = 0 ] && fail "finished before the signal"
grep -q "no checkpoint was written" "$tmp/err" || fail "message: $(tail -c 400 "$tmp/err")"
left=$(ls -A "$tmp/w6")
[ -z "$left" ] || fail "left $left"
[ "$failures" = "$f0" ] && ok

# 6. Names that cannot be written are refused before any work (exit 2).
long=$(printf 'x%.0s' $(seq 1 236)).h5 # fits, but not with .checkpoint.tmp-PID
mkdir -p "$tmp/w7/dir"
for args in "-o dir --force" "-o dir/" "-o ''" "-o $long"; do
  begin "run $args"
  eval "in_dir \"$tmp/w7\" \"$exe\" run \"$tmp/job.yaml\" -q --samples 400000 --checkpoint-interval 0.01 $args"
  [ "$rc" = 2 ] || fail "exited $rc, expected 2: $(head -c 300 "$tmp/err")"
  grep -q "samples/s" "$tmp/err" && fail "ran the job first"
  left=$(ls -A "$tmp/w7" | grep -v '^dir$')
  [ -z "$left" ] || fail "left $left"
  [ "$failures" = "$f0" ] && ok
done

# 9. --part parsed without wrap-around; control characters escaped.
begin "--part 1/99999999999"
in_dir "$tmp/w7" "$exe" run "$tmp/job.yaml" -q --part 1/99999999999
[ "$rc" = 2 ] || fail "exited $rc"
grep -q "1/99999999999" "$tmp/err" || fail "echoed otherwise: $(head -c 300 "$tmp/err")"
[ "$failures" = "$f0" ] && ok

begin "control characters in names printed by check and report"
sed -e 's/^scenario: safe/scenario: "red|cell"\ndescription: "esc\\e[31mred, bell\\a and \\e]0;title\\a"/' \
  "$tmp/job.yaml" >"$tmp/esc.yaml"
in_dir "$tmp/w7" "$exe" check "$tmp/esc.yaml"
[ "$rc" = 0 ] || fail "check exited $rc: $(head -c 300 "$tmp/err")"
grep -q $'\e\|\a' "$tmp/out" && fail "check printed raw control characters"
grep -q 'esc\\x1b\[31mred' "$tmp/out" || fail "check: no escaped description: $(head -5 "$tmp/out")"
in_dir "$tmp/w7" "$exe" run "$tmp/esc.yaml" -q -o esc.h5
for f in text markdown csv json; do
  in_dir "$tmp/w7" "$exe" report esc.h5 --format $f
  [ "$rc" = 0 ] || fail "report --format $f exited $rc"
  grep -q $'\e\|\a' "$tmp/out" && fail "report --format $f printed raw control characters"
done
in_dir "$tmp/w7" "$exe" report esc.h5 --format markdown
grep -q 'red\\|cell' "$tmp/out" || fail "markdown: the | in the name is not escaped"
[ "$failures" = "$f0" ] && ok

begin "report of a merge with a gap: which samples pair"
for k in 1 2 3; do "$exe" run "$tmp/job.yaml" -q --samples 60000 --part $k/3 -o "$tmp/g$k.h5"; done
"$exe" run "$tmp/job.yaml" -q --samples 60000 -o "$tmp/gfull.h5"
"$exe" merge --allow-missing -o "$tmp/gap.h5" "$tmp/g1.h5" "$tmp/g3.h5" 2>/dev/null
in_dir "$tmp" "$exe" report gfull.h5 gap.h5
[ "$rc" = 0 ] || fail "report exited $rc"
held=$("$py" -c "import h5py,sys; print(int(h5py.File(sys.argv[1],'r').attrs['samples']))" "$tmp/gap.h5")
grep -q "only the first" "$tmp/out" && fail "claims a prefix pairs: $(grep -A1 'only the first' "$tmp/out")"
tr '\n' ' ' <"$tmp/out" | grep -q "only the $held samples both drew" ||
  fail "does not name the $held common samples: $(grep -A3 'B vs A' "$tmp/out")"
[ "$failures" = "$f0" ] && ok

# 8. A periodic checkpoint that fails (a full disk) is a warning; the run
# carries on and tries again, and ends with the same bits as a clean run. The
# progress output says "checkpoint written" only for the ones that were.
if mkdir -p "$tmp/full" && mount -t tmpfs -o size=6m tmpfs "$tmp/full" 2>/dev/null; then
  mounts+=("$tmp/full")
  begin "a periodic checkpoint on a full disk"
  "$exe" run "$tmp/job.yaml" -q --samples 3000000 -o "$tmp/ref.h5"
  (cd "$tmp/full" && exec "$exe" run "$tmp/job.yaml" --samples 3000000 -o out.h5 \
    --checkpoint-interval 0.05 --progress-interval 100) >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do [ -e "$tmp/full/out.h5.checkpoint" ] && break; sleep 0.05; done
  kill -STOP "$pid"
  dd if=/dev/zero of="$tmp/full/filler" bs=64k 2>/dev/null
  kill -CONT "$pid"
  wait_line "was not written" "$tmp/err" || fail "no warning: $(tail -c 300 "$tmp/err")"
  kill -STOP "$pid"
  rm -f "$tmp/full/filler"
  kill -CONT "$pid"
  wait "$pid"
  rc=$?
  [ "$rc" = 0 ] || fail "exited $rc: $(tail -c 400 "$tmp/err")"
  grep -q "still holds the previous one" "$tmp/err" || fail "warning: $(grep warning "$tmp/err")"
  # the progress output must not call a failed checkpoint written
  for n in $(sed -n 's/.*the checkpoint at \([0-9]*\) samples was not written.*/\1/p' "$tmp/err"); do
    grep -q "^checkpoint written at $n /" "$tmp/err" &&
      fail "the failed checkpoint at $n samples is reported written: $(grep -n "$n" "$tmp/err" | head -c 400)"
  done
  grep -q "^checkpoint written at" "$tmp/err" || fail "no checkpoint reported written: $(head -c 300 "$tmp/err")"
  "$py" "$(dirname "$0")/../h5same.py" "$tmp/ref.h5" "$tmp/full/out.h5" >/dev/null ||
    fail "the result differs from a clean run"
  [ -e "$tmp/full/out.h5.checkpoint" ] && fail "the checkpoint was left"
  [ "$failures" = "$f0" ] && ok
else
  echo "note: cannot mount a tmpfs here; the full-disk check is skipped"
fi

echo "safe writes: $failures failure(s)"
exit $((failures > 0))
