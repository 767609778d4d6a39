#!/usr/bin/env bash
# From a fresh Debian 12 machine (as root) to a passing test suite: installs
# the packages (install-deps.sh test: the demo's and the test tools), builds,
# starts a two-node Slurm cluster on this machine for the Slurm tests
# (.ci/slurm-up.sh; CROSSOVER_NO_SLURM=1 skips them), runs ctest, and stops
# the cluster again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/install-deps.sh test
bash scripts/build.sh
slurm_started=0
cleanup() { if [ "$slurm_started" = 1 ]; then bash "$root/.ci/slurm-down.sh" || true; fi; }
trap cleanup EXIT
if [ "${CROSSOVER_NO_SLURM:-0}" != 1 ]; then
  slurm_started=1 # from here on, even a half-started cluster is torn down on exit
  bash "$root/.ci/slurm-up.sh" # a cluster that does not come up fails the run
fi
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@"
