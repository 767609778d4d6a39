#!/usr/bin/env bash
# The package installs without pip (cmake --install, component python) and,
# where pip exists, with pip offline (--no-build-isolation --no-deps): both
# copies import from outside the source tree and hold the same modules.
# Usage: install.sh CMAKE BUILD_DIR PYTHON_SRC_DIR PYTHON3
set -euo pipefail
cmake=$1 build=$2 pysrc=$3 py=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH

"$cmake" --install "$build" --component python --prefix "$tmp/prefix" > "$tmp/log"
dir=$(find "$tmp/prefix" -name crossover -type d)
[ -n "$dir" ] && [ -f "$dir/__init__.py" ] || { echo "FAIL: cmake --install did not install the package:" >&2; find "$tmp/prefix" >&2; exit 1; }
want=$(cd "$pysrc/crossover" && ls *.py | sort)
have=$(cd "$dir" && ls | sort)
[ "$want" = "$have" ] || { echo "FAIL: installed $have, the source has $want" >&2; exit 1; }
(cd "$tmp" && PYTHONPATH=$(dirname "$dir") "$py" -c "import crossover, sys; assert crossover.__file__.startswith('$tmp'), crossover.__file__; print('cmake --install:', crossover.__file__)")

if ! "$py" -m pip --version > /dev/null 2>&1; then
  echo "pip not installed (Debian: python3-pip): pip check skipped"
  exit 77
fi
cp -r "$pysrc" "$tmp/src"                 # pip builds in the tree it is given
"$py" -m pip install --no-build-isolation --no-deps --no-index --no-cache-dir \
  --disable-pip-version-check --target "$tmp/pip" "$tmp/src" > "$tmp/piplog" 2>&1 ||
  { echo "FAIL: pip install (offline):" >&2; cat "$tmp/piplog" >&2; exit 1; }
(cd "$tmp" && PYTHONPATH="$tmp/pip" "$py" -c "import crossover; assert crossover.__file__.startswith('$tmp/pip'), crossover.__file__; print('pip install --target:', crossover.__file__)")
ls "$tmp/pip" | grep -q '^crossover-0.1.0.dist-info$' || { echo "FAIL: no dist-info from pip" >&2; exit 1; }
