#!/usr/bin/env bash
# The test suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (CROSSOVER_SANITIZE=ON) in its own folder (default build-sanitize). The tests
# run with the sanitizer options of tests/CMakeLists.txt: leaks of Open MPI,
# libevent and hwloc are suppressed by library (tests/sanitize/lsan.supp), ours
# are not. Left to the plain build, to keep CI time down: the Slurm tests
# (label slurm: they test the batch scripts, not the code) and the replays of
# fuzzing regressions (fuzz_regressions_*: 200-odd damaged files that crash
# inside HDF5, which is not instrumented; 7 minutes under the sanitizers). The
# hostile_* tests still give damaged, truncated and foreign files to every
# command here.
# Usage: scripts/test-sanitize.sh [ctest options]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-sanitize}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCROSSOVER_SANITIZE=ON
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 1800 -j "$(nproc)" -LE slurm -E '^fuzz_regressions_' "$@"
