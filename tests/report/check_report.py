"""Checks the outputs of `crossover report` (written by formats.sh into DIR)
against the results files, read independently with h5py.

a.h5, b.h5: epoch-2030 and slow-growth, same seed and sample count, with
per-sample output; c.h5: slow-growth with another seed and sample count.
Usage: check_report.py DIR"""
import csv
import io
import json
import math
import sys

import h5py
import numpy as np

d = sys.argv[1]


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def read(name):
    with open(f"{d}/{name}") as f:
        return f.read()


def load(path):
    with h5py.File(path, "r") as f:
        out = {
            "scenario": f.attrs["scenario"],
            "seed": int(f.attrs["seed"]),
            "n": int(f.attrs["samples"]),
            "years": f["year"][:],
            "cross": {},
            "series": {},
        }
        out["scenario"] = out["scenario"].decode() if isinstance(out["scenario"], bytes) else out["scenario"]
        for c in f["crossover"]:
            g = f["crossover"][c]
            out["cross"][c] = {
                "cumulative": g["cumulative"][:],
                "counts": g["year_counts"][:],
                "never": int(g.attrs["never"]),
            }
        if "samples" in f:
            out["tau"] = {c: f["samples"][f"crossover.{c}"][:] for c in f["crossover"]}
        return out


A, B, C = load(f"{d}/a.h5"), load(f"{d}/b.h5"), load(f"{d}/c.h5")
close = lambda x, y, tol=1e-9: abs(x - y) <= tol * max(1.0, abs(y))

# ---- one file ----------------------------------------------------------------
rows = list(csv.reader(io.StringIO(read("a.csv"))))
if rows[0] != ["section", "name", "year", "quantity", "value", "standard_error"]:
    fail(f"a.csv header {rows[0]}")
got = {(r[1], int(r[2])): float(r[4]) for r in rows[1:] if r[0] == "crossover" and r[3] == "cumulative"}
for c, x in A["cross"].items():
    for y, p in zip(A["years"], x["cumulative"]):
        if not close(got[(c, int(y))], p):
            fail(f"a.csv {c} {y}: {got[(c, int(y))]} != {p}")

js = json.loads(read("a.json"))
if js["scenario"] != A["scenario"] or js["samples"] != A["n"]:
    fail("a.json: scenario or samples")
for c, x in A["cross"].items():
    yrs = js["crossovers"][c]["years"]
    if [e["year"] for e in yrs] != [int(y) for y in A["years"]]:
        fail(f"a.json {c}: years")
    for e, p, k in zip(yrs, x["cumulative"], x["counts"]):
        if not close(e["cumulative"], p) or not close(e["probability"], k / A["n"]):
            fail(f"a.json {c} {e['year']}: {e} vs cumulative {p}")
        if not close(e["standard_error"], math.sqrt(p * (1 - p) / A["n"]), 1e-5):
            fail(f"a.json {c} {e['year']}: standard error")
    if not close(js["crossovers"][c]["never"], x["never"] / A["n"]):
        fail(f"a.json {c}: never")

md = read("a.markdown").splitlines()
if not md[0].startswith("# Crossover report: epoch-2030"):
    fail("a.markdown: title")
for c, x in A["cross"].items():
    i = next((i for i, l in enumerate(md) if l.startswith(f"## Crossover `{c}`")), None)
    if i is None:
        fail(f"a.markdown: no section for {c}")
    table = [l for l in md[i:] if l.startswith("|")][: 2 + len(A["years"])]
    if not table[1].startswith("|---:|"):
        fail(f"a.markdown {c}: no alignment row: {table[1]}")
    for l, y, p in zip(table[2:], A["years"], x["cumulative"]):
        cells = [s.strip() for s in l.strip("|").split("|")]
        if int(cells[0]) != y or abs(float(cells[1]) - p) > 5.1e-5:
            fail(f"a.markdown {c}: row {l} vs {y} {p}")
if not any(l.startswith("| training_compute (FLOP/yr) |") for l in md):
    fail("a.markdown: no series table")
txt = read("a.text")
if "Crossover 'compute'" not in txt or "Series: median" not in txt:
    fail("a.text: sections")

# ---- two files ---------------------------------------------------------------
def diffs(X, Y, c):
    """Per year: pA, pB, d, independent s.e., paired lower bound (equal n)."""
    out = []
    for y, pa, pb in zip(X["years"], X["cross"][c]["cumulative"], Y["cross"][c]["cumulative"]):
        dd = pb - pa
        se = math.sqrt(pa * (1 - pa) / X["n"] + pb * (1 - pb) / Y["n"])
        lo = math.sqrt(abs(dd) * (1 - abs(dd)) / X["n"])
        out.append((int(y), pa, pb, dd, se, lo))
    return out


for name, X, Y, shared in (("ab", A, B, True), ("ac", A, C, False)):
    text, mdt = read(f"{name}.text"), read(f"{name}.markdown")
    for out in (text, mdt):
        if X["scenario"] not in out or Y["scenario"] not in out:
            fail(f"{name}: both scenarios should be named")
        if shared and "Seeds are shared" not in out:
            fail(f"{name}: should say the seeds are shared")
        if not shared and "Seeds differ" not in out:
            fail(f"{name}: should say the seeds differ")
    j = json.loads(read(f"{name}.json"))
    if j["seed_shared"] != shared or j["a"]["scenario"] != X["scenario"] or j["b"]["scenario"] != Y["scenario"]:
        fail(f"{name}.json: header {j['a']} {j['b']} {j['seed_shared']}")
    rows = list(csv.reader(io.StringIO(read(f"{name}.csv"))))
    want = ["section", "name", "year", "quantity", "a", "b", "difference", "se_independent", "se_paired_min"]
    if rows[0] != want:
        fail(f"{name}.csv header {rows[0]}")
    crow = {(r[1], int(r[2])): r for r in rows[1:] if r[0] == "crossover" and r[3] == "cumulative"}
    for c in X["cross"]:
        for (y, pa, pb, dd, se, lo), e in zip(diffs(X, Y, c), j["crossovers"][c]["years"]):
            if e["year"] != y or not close(e["a"], pa) or not close(e["b"], pb):
                fail(f"{name}.json {c} {y}: {e}")
            if not close(e["difference"], dd, 1e-8) or not close(e["se_independent"], se, 1e-5):
                fail(f"{name}.json {c} {y}: difference or s.e. {e} vs {dd} {se}")
            r = crow[(c, y)]
            if not close(float(r[6]), dd, 1e-8) or not close(float(r[7]), se, 1e-5):
                fail(f"{name}.csv {c} {y}: {r}")
            if shared:
                if e["se_paired_min"] is None or not close(e["se_paired_min"], lo, 1e-5):
                    fail(f"{name}.json {c} {y}: se_paired_min {e['se_paired_min']} vs {lo}")
            elif e["se_paired_min"] is not None or r[8] != "":
                fail(f"{name}: independent runs should have no paired bound")
            if f"{dd:+.4f}" not in text:
                fail(f"{name}.text: difference {dd:+.4f} of {c} {y} missing")
        if "| B - A |" not in mdt:
            fail(f"{name}.markdown: no difference column")

# The paired standard error, from the per-sample crossing times of the runs
# sharing a seed, lies between the two figures the report gives.
n = A["n"]
for c in A["cross"]:
    ta, tb = A["tau"][c], B["tau"][c]
    for y, pa, pb, dd, se, lo in diffs(A, B, c):
        xa = ta <= y + 1e-6
        xb = tb <= y + 1e-6
        true = np.std(xb.astype(float) - xa) / math.sqrt(n)
        if not (0.97 * lo - 1e-12 <= true <= se + 1e-12):
            fail(f"paired s.e. of {c} {y}: {true} outside [{lo}, {se}]")
print("report outputs agree with the results files")
