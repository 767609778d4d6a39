#!/usr/bin/python3
"""Check the binding-constraint counts of a results file of model capacity.

Usage: constraints.py FILE.h5...

For a file whose root attribute model is capacity: /constraints lists the
model's constraints (demand, capex, chips, power) in table order; in every
grid year after the base year their counts add up to the samples done, and
to 0 in the base year; fraction is counts / n; and /state/constraint_counts
holds the same counts [constraint, year]. A file of another model must have
neither. Exits 1 with what is wrong.
"""
import sys

import h5py
import numpy as np

NAMES = ["demand", "capex", "chips", "power"]


def check(path):
    bad = []
    with h5py.File(path, "r") as f:
        model = f.attrs.get("model")
        model = model.decode() if isinstance(model, bytes) else model
        if model != "capacity":
            if "constraints" in f or "constraint_counts" in f["state"]:
                bad.append(f"model {model} has binding-constraint counts")
            return bad
        n = int(f.attrs["samples"])
        names = list(f["constraints"].keys())
        if names != NAMES:
            bad.append(f"/constraints lists {names}, expected {NAMES}")
            return bad
        counts = np.array([f["constraints"][k]["counts"][...] for k in names])
        total = counts.sum(axis=0)
        if total[0] != 0 or not np.all(total[1:] == n):
            bad.append(f"counts add up to {total.tolist()}, expected 0 then {n}")
        for k, c in zip(names, counts):
            fr = f["constraints"][k]["fraction"][...]
            if not np.array_equal(fr, c / n):
                bad.append(f"/constraints/{k}/fraction is not counts / n")
        state = f["state"]["constraint_counts"][...]
        if not np.array_equal(state, counts):
            bad.append("/state/constraint_counts differs from /constraints")
    return bad


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    failed = 0
    for path in argv:
        bad = check(path)
        for b in bad:
            print(f"{path}: {b}")
        failed |= bool(bad)
        if not bad:
            print(f"{path}: binding-constraint counts consistent")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
