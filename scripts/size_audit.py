#!/usr/bin/python3
"""Lists C sources over the size limits: a file over 1000 lines, a function
over 120 lines (from the line of its name to its closing brace). tests/,
fuzz/, bench/ and build trees (any folder holding a CMakeCache.txt, such as
build-sanitize/) are not audited; files named in ALLOWED are data, not code
(docs/architecture.md says why). Functions are found crudely: a top-level
'{' whose statement text ends in ')' (a function head, not a struct or an
initializer), matched to its closing brace after strings and comments are
blanked out.

Usage: scripts/size_audit.py [ROOT]   exit 0 clean, 1 with the violations listed.
"""
import os
import re
import sys

MAX_FILE, MAX_FUNC = 1000, 120
SKIP_DIRS = {"tests", "fuzz", "bench", "build", "install", ".git"}
ALLOWED = {"engine/mc_design_joe_kuo.h"}  # generated table of direction numbers


def blank(text):
    """Strings, character constants and comments replaced by spaces (newlines kept)."""
    pat = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
    return pat.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def functions(text):
    """(name, first line, last line) of each top-level function body."""
    src = blank(text)
    src = re.sub(r"^[ \t]*#.*(?:\\\n.*)*", lambda m: re.sub(r"[^\n]", " ", m.group(0)), src,
                 flags=re.M)
    out, depth, start = [], 0, 0
    for i, ch in enumerate(src):
        if ch == "{":
            if depth == 0:
                head = src[start:i]
                if head.rstrip().endswith(")"):
                    names = [m for m in re.finditer(r"(\w+)\s*\(", head)
                             if m.group(1) not in ("__attribute__", "__declspec")]
                    if names:
                        name_at = start + names[0].start(1)
                        out.append([names[0].group(1), src.count("\n", 0, name_at) + 1, None, i])
                else:
                    out.append(None)
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                if out and out[-1] is not None and out[-1][2] is None:
                    out[-1][2] = src.count("\n", 0, i) + 1
                start = i + 1
        elif ch == ";" and depth == 0:
            start = i + 1
    return [(f[0], f[1], f[2]) for f in out if f is not None and f[2] is not None]


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    bad = []
    for d, dirs, files in os.walk(root):
        rel_d = os.path.relpath(d, root)
        dirs[:] = sorted(x for x in dirs if not (rel_d == "." and x in SKIP_DIRS)
                         and not x.startswith(".")
                         and not os.path.exists(os.path.join(d, x, "CMakeCache.txt")))
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.normpath(os.path.join(rel_d, f))
            if rel in ALLOWED:
                continue
            with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            n = text.count("\n")
            if n > MAX_FILE:
                bad.append(f"{rel}: {n} lines (limit {MAX_FILE})")
            for name, a, b in functions(text):
                if b - a + 1 > MAX_FUNC:
                    bad.append(f"{rel}:{a}: function {name}: {b - a + 1} lines (limit {MAX_FUNC})")
    for line in bad:
        print(line)
    print(f"size audit: {len(bad)} violation(s)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
