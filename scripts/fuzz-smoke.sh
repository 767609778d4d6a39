#!/usr/bin/env bash
# Keeps the fuzz targets buildable and running: builds them with clang
# (-DCROSSOVER_FUZZ=ON, fuzz/README.md) and runs each for FUZZ_SECONDS (default
# 30) on the seed corpora that fuzz/seed.sh writes with the normal build's
# crossover. A crash, sanitizer report or failed check fails the script and
# leaves the input under BUILD_DIR/smoke-crash/. The results reader runs with its
# probe (as crossover does), so HDF5's own crashes on damaged files end the probe
# child, not the target. Long runs: fuzz/README.md.
# Usage: scripts/fuzz-smoke.sh [NORMAL_BUILD_DIR]   (env: BUILD_DIR, FUZZ_SECONDS)
set -euo pipefail
cd "$(dirname "$0")/.."
normal=${1:-build}
B=${BUILD_DIR:-build-fuzz}
secs=${FUZZ_SECONDS:-30}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B "$B" "${generator[@]}" -DCMAKE_C_COMPILER=clang -DCROSSOVER_FUZZ=ON \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build "$B" --parallel "$(nproc)" --target fuzz_job fuzz_results
rm -rf "$B/smoke-seeds" "$B/smoke-corpus" "$B/smoke-crash"
bash fuzz/seed.sh "$normal/mc/crossover" "$B/smoke-seeds" >/dev/null 2>&1 ||
  { echo "fuzz/seed.sh failed with $normal/mc/crossover" >&2; exit 1; }
mkdir -p "$B/smoke-corpus/job" "$B/smoke-corpus/results" "$B/smoke-crash"
# max_allocation_size_mb: an allocation over 1 GiB fails (NULL) instead of growing the
# process, as RLIMIT_AS makes it fail in crossover's probe child (io/mc_h5_read.c), which
# an AddressSanitizer build cannot use: HDF5 allocates what a damaged length says (a
# string attribute of 2.7 GB), and the 30 s smoke run would otherwise stop at
# -rss_limit_mb on that known HDF5 behaviour (fuzz/README.md) rather than on our code.
export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=1024
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp
cd "$B"
./fuzz/fuzz_job -dict=../fuzz/job.dict -max_len=4096 -max_total_time="$secs" -print_final_stats=1 \
  -artifact_prefix=smoke-crash/ smoke-corpus/job smoke-seeds/job 2>fuzz_job-smoke.log ||
  { tail -40 fuzz_job-smoke.log; echo "fuzz_job failed: input in $B/smoke-crash/" >&2; exit 1; }
grep -E "^stat::number_of_executed_units|^#[0-9]+ +DONE" fuzz_job-smoke.log | tail -2
./fuzz/fuzz_results -max_len=300000 -timeout=20 -rss_limit_mb=3000 \
  -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=smoke-crash/ \
  smoke-corpus/results smoke-seeds/results 2>fuzz_results-smoke.log ||
  { tail -40 fuzz_results-smoke.log; echo "fuzz_results failed: input in $B/smoke-crash/" >&2; exit 1; }
grep -E "^stat::number_of_executed_units|^#[0-9]+ +DONE" fuzz_results-smoke.log | tail -2
echo "fuzz smoke: both targets built and ran ${secs} s each without a finding"
