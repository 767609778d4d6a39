#!/usr/bin/env bash
# Configures, builds and installs Crossover into ./install (bin/crossover).
# Usage: scripts/build.sh [extra cmake -D options]
# BUILD_DIR (default build) and PREFIX (default install) may be overridden.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
PREFIX=${PREFIX:-$PWD/install}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_INSTALL_PREFIX="$PREFIX" "$@"
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
cmake --install "$BUILD_DIR" >/dev/null
echo "built: $PREFIX/bin/crossover" >&2
