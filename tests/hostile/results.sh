#!/usr/bin/env bash
# Hostile results files given to a command: each must exit 2 with a message
# naming the file and what is wrong, and write nothing (no output, no
# temporary file; a refused checkpoint is left as it was).
#
# Usage: results.sh CROSSOVER MPIEXEC PYTHON3 COMMAND
#   COMMAND: report | merge | resume | plot
# The hostile files: corrupt (bytes flipped in the middle of the file, in the
# state (a deflated dataset in its first chunk), in a dataset and in an
# object header), truncated (cut at several lengths), empty, foreign (HDF5
# written by h5py, not by Crossover), text, newer (format_version 2,
# engine_format 99), a directory, a missing file.
set -u
exe=$1 mpiexec=$2 py=$3 cmd=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
failures=0
fail() {
  echo "FAIL [$cmd $name]: $*"
  failures=$((failures + 1))
}

cat >"$tmp/job.yaml" <<'YAML'
scenario: hostile
time: {base_year: 2025, horizon_year: 2028}
sampling: {samples: 5000, method: lhs, seed: 11}
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
mkdir -p "$tmp/in"
"$exe" run "$tmp/job.yaml" -q -o "$tmp/good.h5" || { echo "FAIL: cannot write good.h5"; exit 1; }
"$exe" run "$tmp/job.yaml" -q --part 1/2 -o "$tmp/part1.h5" || exit 1
"$exe" run "$tmp/job.yaml" -q --part 2/2 -o "$tmp/part2.h5" || exit 1

# name|words the message must hold (|-separated alternatives in a regex)
"$py" - "$tmp/good.h5" "$tmp/in" <<'PY' || { echo "FAIL: cannot make the hostile files"; exit 1; }
import os, shutil, sys
import h5py, numpy as np
good, out = sys.argv[1], sys.argv[2]
data = open(good, "rb").read()
n = len(data)
def put(name, b):
    open(os.path.join(out, name), "wb").write(bytes(b))
def flip(at, count=64):
    b = bytearray(data)
    for i in range(at, min(n, at + count)):
        b[i] ^= 0xFF
    return b
put("corrupt-middle.h5", flip(n // 2))
f = h5py.File(good, "r")
for ds in ("state/tau_hist", "state/sketch_counts", "state/xsum", "state/done",
           "series/power/mean", "crossover/compute/probability", "year"):
    # a contiguous dataset at its offset; a chunked (deflated) one at its
    # first chunk's, where the flipped bit fails the chunk's checksum
    off = f[ds].id.get_offset()
    size = f[ds].id.get_storage_size()
    if off is None:
        info = f[ds].id.get_chunk_info(0)
        off, size = info.byte_offset, info.size
    b = bytearray(data)
    b[off + size // 2] ^= 0x04  # one bit
    put("corrupt-" + ds.replace("/", "-") + ".h5", b)
# an object header: the first bytes of the root group's header
root = h5py.h5o.get_info(f.id).addr
put("corrupt-root-header.h5", flip(root, 16))
f.close()
for cut in (8, 100, 2048, n // 4, n // 2, n - 1):
    put("truncated-%d.h5" % cut, data[:cut])
put("empty.h5", b"")
put("text.h5", b"scenario: not a results file\n" * 20)
with h5py.File(os.path.join(out, "foreign.h5"), "w") as g:
    g["x"] = np.arange(10.0)
    g.attrs["format"] = "something-else"
with h5py.File(os.path.join(out, "foreign-bare.h5"), "w") as g:
    g["series/power/mean"] = np.arange(10.0)
shutil.copy(good, os.path.join(out, "newer-format.h5"))
with h5py.File(os.path.join(out, "newer-format.h5"), "a") as g:
    g.attrs["format_version"] = np.int32(2)
shutil.copy(good, os.path.join(out, "newer-engine.h5"))
with h5py.File(os.path.join(out, "newer-engine.h5"), "a") as g:
    g["state"].attrs["engine_format"] = np.int32(99)
shutil.copy(good, os.path.join(out, "edited.h5"))
with h5py.File(os.path.join(out, "edited.h5"), "a") as g:
    g["crossover/compute"].attrs["never"] = np.uint64(1)
PY
mkdir "$tmp/in/directory.h5"

# expected words per kind
words() {
  case $1 in
  corrupt-* | edited.h5) echo 'damaged|truncated|not a Crossover' ;;
  truncated-8.h5) echo 'truncated|damaged|not an HDF5' ;;
  truncated-*) echo 'truncated' ;;
  empty.h5) echo 'empty' ;;
  text.h5) echo 'not an HDF5 file' ;;
  foreign*) echo 'not a Crossover results file' ;;
  newer-format.h5) echo 'newer Crossover.*upgrade' ;;
  newer-engine.h5) echo 'engine state format 99.*upgrade' ;;
  directory.h5) echo 'is a directory' ;;
  missing.h5) [ "$cmd" = resume ] && echo 'no checkpoint' || echo 'No such file' ;;
  esac
}

cases=()
for f in "$tmp"/in/*; do cases+=("$(basename "$f")"); done
cases+=(missing.h5)
checked=0
for name in "${cases[@]}"; do
  input=$tmp/in/$name
  rm -rf "$tmp/w"
  mkdir "$tmp/w"
  case $cmd in
  report)
    "$exe" report "$input" >"$tmp/w.out" 2>"$tmp/w.err"
    rc=$?
    [ -s "$tmp/w.out" ] && fail "wrote to stdout: $(head -c 200 "$tmp/w.out")"
    ;;
  plot)
    (cd "$tmp/w" && "$exe" plot "$input" -o "$tmp/w/chart.png") >"$tmp/w.out" 2>"$tmp/w.err"
    rc=$?
    ;;
  merge)
    (cd "$tmp/w" && "$exe" merge -o "$tmp/w/merged.h5" "$tmp/part1.h5" "$input") \
      >"$tmp/w.out" 2>"$tmp/w.err"
    rc=$?
    ;;
  resume)
    # the hostile file as the checkpoint of the run; 2 ranks, bounded wait
    [ -e "$input" ] && cp -a "$input" "$tmp/w/out.h5.checkpoint"
    [ -e "$input" ] && cp -a "$input" "$tmp/before"
    (cd "$tmp/w" && timeout 60 "$mpiexec" -n 2 --oversubscribe "$exe" run "$tmp/job.yaml" -q \
      -o "$tmp/w/out.h5" --resume) >"$tmp/w.out" 2>"$tmp/w.err"
    rc=$?
    input=$tmp/w/out.h5.checkpoint
    if [ -f "$tmp/before" ]; then
      cmp -s "$tmp/before" "$input" || fail "the refused checkpoint was changed"
    fi
    rm -rf "$tmp/before"
    ;;
  esac
  checked=$((checked + 1))
  if [ "$rc" != 2 ]; then
    fail "exited $rc, expected 2: $(head -c 400 "$tmp/w.err")"
    continue
  fi
  grep -qF -- "$input" "$tmp/w.err" || fail "the message does not name $input: $(head -c 300 "$tmp/w.err")"
  grep -qE -- "$(words "$name")" "$tmp/w.err" ||
    fail "the message lacks /$(words "$name")/: $(head -c 300 "$tmp/w.err")"
  grep -q 'AddressSanitizer\|runtime error' "$tmp/w.err" && fail "sanitizer report: $(cat "$tmp/w.err")"
  left=$(cd "$tmp/w" && ls -A | grep -v '^out.h5.checkpoint$' | grep -v '^directory.h5$')
  [ -z "$left" ] || fail "left files behind: $left"
  [ "$failures" = 0 ] && echo "ok: $cmd refuses $name: $(head -1 "$tmp/w.err" | cut -c1-160)"
done
[ "$checked" -ge 20 ] || fail "only $checked cases ran"
echo "$cmd: $checked hostile files, $failures failure(s)"
exit $((failures > 0))
