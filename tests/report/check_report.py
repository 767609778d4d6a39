"""Checks the outputs of `crossover report` (written by formats.sh into DIR)
against the results files, read independently with h5py.

a.h5, b.h5: epoch-2030-demand and slow-growth, same seed and sample count,
with per-sample output; c.h5: slow-growth with another seed and sample count;
q.h5: model capacity with a comma and quotes in its scenario name.
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
if rows[0] != ["section", "name", "year", "quantity", "value", "standard_error", "units"]:
    fail(f"a.csv header {rows[0]}")
if any(len(r) != 7 for r in rows):
    fail("a.csv: a row without 7 fields")
got = {(r[1], int(r[2])): (float(r[4]), float(r[5]), r[6]) for r in rows[1:] if r[0] == "crossover" and r[3] == "cumulative"}
for c, x in A["cross"].items():
    for y, p in zip(A["years"], x["cumulative"]):
        v, se, unit = got[(c, int(y))]
        if not close(v, p) or not close(se, math.sqrt(p * (1 - p) / A["n"]), 1e-5) or unit != "1":
            fail(f"a.csv {c} {y}: {got[(c, int(y))]} != {p}")
times = [r for r in rows if r[0] == "crossover" and r[3].startswith("crossing_time_p")]
if not times or any(r[6] != "calendar year" for r in times):
    fail(f"a.csv: crossing times {times[:3]}")
for r in times:
    if r[4] != "censored" and not (2025 <= float(r[4]) <= 2041):
        fail(f"a.csv: crossing time {r}")
if any(r[3].startswith("crossing_year") for r in rows):
    fail("a.csv still says crossing_year")
series_units = {r[1]: r[6] for r in rows if r[0] == "series"}
if series_units.get("training_compute") != "FLOP/yr":
    fail(f"a.csv: series units {series_units}")

js = json.loads(read("a.json"))
if js["scenario"] != A["scenario"] or js["samples"] != A["n"]:
    fail("a.json: scenario or samples")
if not 0 < js["crossing_time_accuracy"] < 0.01:
    fail(f"a.json: crossing_time_accuracy {js['crossing_time_accuracy']}")
for c, x in A["cross"].items():
    yrs = js["crossovers"][c]["years"]
    if [e["year"] for e in yrs] != [int(y) for y in A["years"]]:
        fail(f"a.json {c}: years")
    for e, p, k in zip(yrs, x["cumulative"], x["counts"]):
        pin = k / A["n"]
        if not close(e["cumulative"]["value"], p) or not close(e["probability"]["value"], pin):
            fail(f"a.json {c} {e['year']}: {e} vs cumulative {p}")
        # a standard error per quantity, each its own
        if not close(e["cumulative"]["standard_error"], math.sqrt(p * (1 - p) / A["n"]), 1e-5):
            fail(f"a.json {c} {e['year']}: standard error of cumulative")
        if not close(e["probability"]["standard_error"], math.sqrt(pin * (1 - pin) / A["n"]), 1e-5):
            fail(f"a.json {c} {e['year']}: standard error of probability")
    nv = js["crossovers"][c]["never"]
    if not close(nv["value"], x["never"] / A["n"]) or "standard_error" not in nv:
        fail(f"a.json {c}: never")
    for q, t in js["crossovers"][c]["crossing_time"].items():
        if set(t) != {"value", "standard_error", "censored"} or (t["value"] is None) != t["censored"]:
            fail(f"a.json {c} crossing time {q}: {t}")
for name, sr in js["series"].items():
    for e in sr["years"]:
        for q in ("p5", "p50", "p95", "mean"):
            if set(e[q]) != {"value", "standard_error"}:
                fail(f"a.json series {name} {e['year']} {q}: {e[q]}")

# a scenario name with a comma and quotes survives CSV (RFC 4180) and JSON
Q = load(f"{d}/q.h5")
rows = list(csv.reader(io.StringIO(read("q.csv"))))
if any(len(r) != 7 for r in rows):
    fail("q.csv: a row without 7 fields")
if rows[1][1] != Q["scenario"] or Q["scenario"] != 'cap, "quoted" name':
    fail(f"q.csv: scenario {rows[1]} vs {Q['scenario']}")
if json.loads(read("q.json"))["scenario"] != Q["scenario"]:
    fail("q.json: scenario")
# binding constraints (model capacity): every name of the model's table, and
# where the file carries /constraints the same fractions; a file without them
# (before the results file stored them) says so
jq = json.loads(read("q.json"))
with h5py.File(f"{d}/q.h5", "r") as f:
    stored = "constraints" in f
    if stored:
        for name in f["constraints"]:
            fr = f["constraints"][name]["fraction"][:]
            rep = {e["year"]: e["fraction"]["value"] for e in jq["constraints"][name]["years"]}
            for y, v in zip(Q["years"][1:], fr[1:]):
                if not close(rep[int(y)], v):
                    fail(f"q.json constraint {name} {y}: {rep[int(y)]} vs {v}")
if set(jq["constraints"]) != {"demand", "capex", "chips", "power"}:
    fail(f"q.json constraints {list(jq['constraints'])}")
if jq["constraints_recorded"] != stored:
    fail(f"q.json: constraints_recorded {jq['constraints_recorded']}, file has them: {stored}")
if "Binding constraints" not in read("q.text"):
    fail("q.text: no binding constraints section")
print("binding constraints", "checked against /constraints" if stored else "not in the file: the report says so")

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
# Markdown cells escape the characters Markdown would read (an underscore among them).
if not any(l.replace("\\_", "_").startswith("| training_compute (FLOP/yr) |") for l in md):
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
    ra, rb = j["runs"]
    if rb["seed_shared"] != shared or ra["scenario"] != X["scenario"] or rb["scenario"] != Y["scenario"]:
        fail(f"{name}.json: header {ra} {rb}")
    rows = list(csv.reader(io.StringIO(read(f"{name}.csv"))))
    want = ["section", "name", "year", "quantity", "run", "value", "standard_error", "difference",
            "se_independent", "se_paired_min", "units"]
    if rows[0] != want or any(len(r) != len(want) for r in rows):
        fail(f"{name}.csv header {rows[0]}")
    crow = {(r[1], int(r[2]), r[4]): r for r in rows[1:] if r[0] == "crossover" and r[3] == "cumulative"}
    for c in X["cross"]:
        for (y, pa, pb, dd, se, lo), e in zip(diffs(X, Y, c), j["crossovers"][c]["years"]):
            cu = e["cumulative"]
            if e["year"] != y or not close(cu["A"]["value"], pa) or not close(cu["B"]["value"], pb):
                fail(f"{name}.json {c} {y}: {e}")
            df = cu["difference"]["B"]
            if not close(df["value"], dd, 1e-8) or not close(df["se_independent"], se, 1e-5):
                fail(f"{name}.json {c} {y}: difference or s.e. {e} vs {dd} {se}")
            r = crow[(c, y, "B")]
            if not close(float(r[7]), dd, 1e-8) or not close(float(r[8]), se, 1e-5):
                fail(f"{name}.csv {c} {y}: {r}")
            if not close(float(crow[(c, y, "A")][5]), pa):
                fail(f"{name}.csv {c} {y}: A's value")
            if shared:
                if df["se_paired_min"] is None or not close(df["se_paired_min"], lo, 1e-5):
                    fail(f"{name}.json {c} {y}: se_paired_min {df['se_paired_min']} vs {lo}")
            elif df["se_paired_min"] is not None or r[9] != "":
                fail(f"{name}: independent runs should have no paired bound")
            if f"{dd:+.4f}" not in text:
                fail(f"{name}.text: difference {dd:+.4f} of {c} {y} missing")
        if "| B - A |" not in mdt:
            fail(f"{name}.markdown: no difference column")

# Three files: B and C against A, each with its own pairing.
j = json.loads(read("abc.json"))
if [r["label"] for r in j["runs"]] != ["A", "B", "C"] or [r["seed_shared"] for r in j["runs"][1:]] != [True, False]:
    fail(f"abc.json runs {j['runs']}")
mdt, text = read("abc.markdown"), read("abc.text")
if "| B - A |" not in mdt or "| C - A |" not in mdt:
    fail("abc.markdown: difference columns")
rows = list(csv.reader(io.StringIO(read("abc.csv"))))
for c in A["cross"]:
    for (y, pa, pb, dd, se, lo), (_, _, pc, dc, sec, _) in zip(diffs(A, B, c), diffs(A, C, c)):
        e = j["crossovers"][c]["years"][y - int(A["years"][0])]["cumulative"]
        if not close(e["C"]["value"], pc) or not close(e["difference"]["C"]["value"], dc, 1e-8):
            fail(f"abc.json {c} {y}: C {e}")
        if not close(e["difference"]["C"]["se_independent"], sec, 1e-5) or e["difference"]["C"]["se_paired_min"] is not None:
            fail(f"abc.json {c} {y}: C's s.e. {e['difference']['C']}")
        if not close(e["difference"]["B"]["se_paired_min"], lo, 1e-5):
            fail(f"abc.json {c} {y}: B's paired s.e.")
        if f"{dc:+.4f}" not in text:
            fail(f"abc.text: difference {dc:+.4f} of {c} {y} missing")
    got = {r[4] for r in rows if r[0] == "crossover" and r[1] == c and r[3] == "cumulative"}
    if got != {"A", "B", "C"}:
        fail(f"abc.csv {c}: runs {got}")

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
