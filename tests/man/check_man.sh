#!/usr/bin/env bash
# The manual page docs/man/crossover.1: it renders without a warning (man -l,
# or groff where man-db is missing); every command of the program's command
# table has a section; every long option of every command's --help is in it,
# and every option it names is one of some --help; `cmake --install` puts it
# in share/man/man1 and the docs in share/doc/crossover.
# Usage: check_man.sh CROSSOVER SOURCE_DIR CMAKE BUILD_DIR
set -euo pipefail
exe=$1 src=$2 cmake=$3 build=$4
page=$src/docs/man/crossover.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if command -v man > /dev/null; then
  MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" > "$tmp/text" 2> "$tmp/warn"
elif command -v groff > /dev/null; then
  groff -man -Tutf8 -ww "$page" > "$tmp/text" 2> "$tmp/warn"
else
  echo "neither man nor groff installed (Debian: man-db, groff-base): skipped"
  exit 77
fi
[ ! -s "$tmp/warn" ] || { cat "$tmp/warn" >&2; fail "the page renders with warnings"; }
[ "$(wc -l < "$tmp/text")" -gt 100 ] || fail "the page rendered to almost nothing"
echo "renders without warnings ($(wc -l < "$tmp/text") lines)"

# The command table, as the program states it for an unknown command.
set +e; "$exe" no-such-command 2> "$tmp/cmds"; rc=$?; set -e
[ $rc = 2 ] || fail "an unknown command exits $rc, not 2"
cmds=$(sed -n 's/.*expected one of //p' "$tmp/cmds" | tr -d ',')
[ -n "$cmds" ] || fail "no command list in: $(cat "$tmp/cmds")"
: > "$tmp/all-help"
for c in $cmds; do
  grep -qx "\.SS $c" "$page" || fail "command $c has no section (.SS $c) in the page"
  "$exe" "$c" --help > "$tmp/help" || fail "crossover $c --help failed"
  cat "$tmp/help" >> "$tmp/all-help"
  for o in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sort -u); do
    grep -qF -- "$o" "$tmp/text" || fail "crossover $c: option $o of its --help is not in the page"
  done
done
"$exe" --help >> "$tmp/all-help"
echo "every command ($cmds) has a section with the options of its --help"
for o in $(grep -o -- '--[a-z][a-z-]*' "$tmp/text" | sort -u); do
  case $o in --version) continue ;; esac
  grep -qF -- "$o" "$tmp/all-help" || fail "the page names $o, which no --help has"
done
sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$tmp/text" > "$tmp/exit"
for s in 0 1 2 3; do
  grep -qE "^ +$s +[A-Z]" "$tmp/exit" || fail "exit status $s is not described"
done

"$cmake" --install "$build" --prefix "$tmp/prefix" > /dev/null
[ -f "$tmp/prefix/share/man/man1/crossover.1" ] || fail "cmake --install: no share/man/man1/crossover.1"
for d in "$src"/docs/*.md; do
  [ -f "$tmp/prefix/share/doc/crossover/$(basename "$d")" ] ||
    fail "cmake --install: $(basename "$d") not in share/doc/crossover"
done
echo "man page: all checks passed"
