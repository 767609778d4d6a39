#!/usr/bin/python3
"""Writes engine/mc_design_joe_kuo.h, the Sobol' direction-number table of
engine/mc_design.c: Joe & Kuo's new-joe-kuo-6.21201 numbers (S. Joe and F. Y.
Kuo, "Constructing Sobol sequences with better two-dimensional projections",
SIAM J. Sci. Comput. 30, 2635-2654, 2008; the file is published at
https://web.maths.unsw.edu.au/~fkuo/sobol/) for dimensions 2..NDIM.

The numbers are read from one of
  - SciPy's copy of the file, scipy/stats/_sobol_direction_numbers.npz (arrays
    `poly`, the whole polynomial x^s + a_1 x^(s-1) + ... + 1 as an integer,
    and `vinit`, the initial direction numbers m_1..m_s; row 0 is dimension
    1), as Debian's python3-scipy installs it (the default), or
  - the text file new-joe-kuo-6.21201 itself (columns d s a m_1..m_s),
and, where given, compared with the others: the text file (--joe-kuo FILE)
and Boost's table (--boost FILE: boost/random/detail/sobol_table.hpp of
Debian's libboost-dev, arrays sobol_a and sobol_minit). Any difference is an
error. Every row is also checked: m_k odd and below 2^k, a below 2^(s-1), the
polynomial primitive, and each degree's primitive polynomials all present in
increasing order.

Usage (from the repository root; needs python3 and, for the npz, python3-numpy
and python3-scipy; Boost's header is compared too where it is installed):
    scripts/sobol_table.py [--ndim 1024] [--joe-kuo FILE] [--boost FILE] \\
        [--source npz|joe-kuo] > engine/mc_design_joe_kuo.h
The output is in the form clang-format leaves unchanged.
"""

import argparse
import os
import sys
import textwrap

BOOST_DEFAULT = "/usr/include/boost/random/detail/sobol_table.hpp"


def from_npz(path, ndim):
    import numpy as np

    z = np.load(path)
    poly, vinit = z["poly"], z["vinit"]
    rows = []
    for d in range(2, ndim + 1):
        p = int(poly[d - 1])
        s = p.bit_length() - 1
        a = (p >> 1) & ((1 << (s - 1)) - 1)
        rows.append((d, s, a, [int(v) for v in vinit[d - 1][:s]]))
        if any(int(v) for v in vinit[d - 1][s:]):
            sys.exit("npz: dimension %d has direction numbers beyond its degree" % d)
    return rows


def from_joe_kuo(path, ndim):
    rows = []
    with open(path) as f:
        next(f)  # the header: d s a m_i
        for line in f:
            w = [int(t) for t in line.split()]
            if not w:
                continue
            d, s, a, m = w[0], w[1], w[2], w[3:]
            if d > ndim:
                break
            if len(m) != s:
                sys.exit("%s: dimension %d has %d numbers for degree %d" % (path, d, len(m), s))
            rows.append((d, s, a, m))
    return rows


def from_boost(path, ndim):
    text = open(path).read()

    def array(name):
        i = text.index(name)
        body = text[text.index("{", i) + 1 : text.index("}", i)]
        return [int(t) for t in body.replace(",", " ").split()]

    polys, minit = array("sobol_a["), array("sobol_minit[")
    maxdeg = len(minit) // len(polys)
    rows = []
    for j in range(min(ndim - 1, len(polys))):
        p = polys[j]
        s = p.bit_length() - 1
        a = (p >> 1) & ((1 << (s - 1)) - 1)
        rows.append((j + 2, s, a, minit[maxdeg * j : maxdeg * j + s]))
    return rows


def gf2_mulmod(x, y, p, s):
    r = 0
    while y:
        if y & 1:
            r ^= x
        y >>= 1
        x <<= 1
        if x >> s & 1:
            x ^= p
    return r


def gf2_pow_x(e, p, s):
    """x^e modulo p, polynomials over GF(2) as integers."""
    r, b = 1, 2 if s > 1 else 1  # x, reduced modulo p
    while e:
        if e & 1:
            r = gf2_mulmod(r, b, p, s)
        b = gf2_mulmod(b, b, p, s)
        e >>= 1
    return r


def primitive(p, s):
    n = (1 << s) - 1
    if gf2_pow_x(n, p, s) != 1:
        return False
    q, f, primes = n, 2, []
    while f * f <= q:
        while q % f == 0:
            primes.append(f)
            q //= f
        f += 1
    if q > 1:
        primes.append(q)
    return all(gf2_pow_x(n // r, p, s) != 1 for r in set(primes))


def check(rows, ndim):
    if [r[0] for r in rows] != list(range(2, ndim + 1)):
        sys.exit("the table does not hold dimensions 2..%d" % ndim)
    prev = 0
    for d, s, a, m in rows:
        p = (1 << s) | (a << 1) | 1
        if not (0 <= a < 1 << max(s - 1, 0)) or len(m) != s:
            sys.exit("dimension %d: bad degree or coefficients" % d)
        if any(mk % 2 == 0 or not 0 < mk < 1 << k for k, mk in enumerate(m, 1)):
            sys.exit("dimension %d: m_k must be odd and below 2^k" % d)
        if p <= prev or not primitive(p, s):
            sys.exit("dimension %d: polynomial %d not primitive or out of order" % (d, p))
        prev = p
    # every primitive polynomial of each degree below the last one is there
    count = {}
    for _, s, _, _ in rows:
        count[s] = count.get(s, 0) + 1
    for s in range(1, rows[-1][1]):
        n = (1 << s) - 1
        phi = sum(1 for k in range(1, n + 1) if gcd(k, n) == 1)
        if count.get(s, 0) != phi // s:
            sys.exit("degree %d: %d polynomials, expected %d" % (s, count.get(s, 0), phi // s))


def gcd(x, y):
    while y:
        x, y = y, x % y
    return x


def emit(rows, ndim, source, checked):
    maxdeg = max(s for _, s, _, _ in rows)
    out = []
    w = out.append
    w("/* Sobol' direction numbers: Joe & Kuo's new-joe-kuo-6.21201 (S. Joe and F. Y.")
    w(" * Kuo, SIAM J. Sci. Comput. 30, 2635-2654, 2008; the file is at")
    w(" * https://web.maths.unsw.edu.au/~fkuo/sobol/), dimensions 2..%d." % ndim)
    text = "Generated by scripts/sobol_table.py --ndim %d from %s" % (ndim, source)
    if checked:
        text += ", which found the same numbers in %s" % " and ".join(checked)
    text += "; do not edit. Included once, by mc_design.c."
    for line in textwrap.wrap(text, 76, break_on_hyphens=False):
        w(" * " + line)
    w(" *")
    w(" * Row d - 2 is dimension d: the degree s of its primitive polynomial")
    w(" * x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1, the interior coefficients")
    w(" * a = a_1 .. a_(s-1) as a binary number (a_1 its highest bit), and the")
    w(" * initial direction numbers m_1..m_s (m_k odd, below 2^k). */")
    w("#ifndef MC_DESIGN_JOE_KUO_H")
    w("#define MC_DESIGN_JOE_KUO_H")
    w("")
    w("#include <stdint.h>")
    w("")
    w("#define MC_JOE_KUO_NDIM   %d" % ndim)
    w("#define MC_JOE_KUO_MAXDEG %d" % maxdeg)
    w("")
    w("static const struct {")
    w("  uint16_t s, a;")
    w("  uint16_t m[MC_JOE_KUO_MAXDEG];")
    w("} mc_joe_kuo[MC_JOE_KUO_NDIM - 1] = {")
    # trailing comments aligned one space after the longest row, as clang-format does
    body = ["    {%d, %d, {%s}}," % (s, a, ", ".join(str(v) for v in m)) for _, s, a, m in rows]
    width = max(len(b) for b in body) + 1
    for b, (d, _, _, _) in zip(body, rows):
        w("%-*s/* %d */" % (width, b, d))
    w("};")
    w("")
    w("#endif")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ndim", type=int, default=1024)
    ap.add_argument("--source", choices=("npz", "joe-kuo"), default="npz")
    ap.add_argument("--npz", help="SciPy's _sobol_direction_numbers.npz (default: scipy's own)")
    ap.add_argument("--joe-kuo", help="the text file new-joe-kuo-6.21201")
    ap.add_argument("--boost", help="Boost's sobol_table.hpp (default %s, if present)" % BOOST_DEFAULT)
    args = ap.parse_args()

    tables = {}  # name: (path, words for the header, rows)
    if args.source == "npz" or args.npz:
        path, words = args.npz, "SciPy's copy"
        if not path:
            import scipy

            path = os.path.join(os.path.dirname(scipy.__file__), "stats",
                                "_sobol_direction_numbers.npz")
            words = "SciPy %s's copy" % scipy.__version__
        words += " (scipy/stats/_sobol_direction_numbers.npz)"
        tables["npz"] = (path, words, from_npz(path, args.ndim))
    if args.joe_kuo:
        rows = from_joe_kuo(args.joe_kuo, args.ndim)
        tables["joe-kuo"] = (args.joe_kuo, "the file new-joe-kuo-6.21201", rows)
    elif args.source == "joe-kuo":
        sys.exit("--source joe-kuo needs --joe-kuo FILE")
    boost = args.boost or (BOOST_DEFAULT if os.path.exists(BOOST_DEFAULT) else None)
    if boost:
        words = "Boost's boost/random/detail/sobol_table.hpp"
        tables["boost"] = (boost, words, from_boost(boost, args.ndim))

    source, words, rows = tables[args.source]
    check(rows, args.ndim)
    checked = []
    for name, (path, other_words, other) in tables.items():
        if other != rows:
            sys.exit("%s (%s) differs from %s (%s)" % (name, path, args.source, source))
        print("sobol_table: %s agrees: %s" % (name, path), file=sys.stderr)
        if name != args.source:
            checked.append(other_words)
    sys.stdout.write(emit(rows, args.ndim, words, checked))

if __name__ == "__main__":
    main()
