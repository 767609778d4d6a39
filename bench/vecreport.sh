#!/usr/bin/env bash
# The compiler's vectorization report for the engine's hot loops: compiles
# engine/*.c with the flags of engine/CMakeLists.txt at -O2 and prints the
# loops GCC vectorized (file:line and vector width).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
inc="-Iengine -Idistributions -I$build/generated $(pkg-config --cflags-only-I ompi 2>/dev/null || true)"
for f in engine/mc_model.c engine/mc_block.c engine/mc_rng.c engine/mc_sample.c engine/mc_sketch.c \
  engine/mc_design.c; do
  # shellcheck disable=SC2086
  gcc -O2 -ffp-contract=off -fno-math-errno -fno-trapping-math -fvect-cost-model=dynamic \
    -fopt-info-vec-optimized $inc -c "$f" -o /dev/null 2>&1 | grep -E "loop vectorized" |
    sed 's/: optimized://' | sort -u
done
