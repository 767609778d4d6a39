#!/usr/bin/python3
"""Compare two Crossover results files bit for bit.

Usage: h5same.py A.h5 B.h5 [--ignore-attr NAME ...] [--ignore-new-attr NAME ...]
                 [--skip PATH ...]

Every dataset must exist in both with the same dtype, shape and bytes (NaN
payloads included), and every attribute must be equal, except the
attributes named by --ignore-attr (default: created) and objects under the
paths given by --skip. An attribute named by --ignore-new-attr may be
missing from A (a file written before it existed) but must be equal where
both have it. Exits 0 when equal, 1 with the differences listed.
"""
import sys

import h5py
import numpy as np


def main(argv):
    files, ignore, new, skip = [], {"created"}, set(), []
    it = iter(argv)
    for a in it:
        if a == "--ignore-attr":
            ignore.add(next(it))
        elif a == "--ignore-new-attr":
            new.add(next(it))
        elif a == "--skip":
            skip.append(next(it).strip("/"))
        else:
            files.append(a)
    if len(files) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    diffs = []
    with h5py.File(files[0], "r") as a, h5py.File(files[1], "r") as b:
        def names(f):
            out = {}
            f.visititems(lambda n, o: out.__setitem__(n, o))
            out[""] = f
            return {n: o for n, o in out.items() if not any(n == s or n.startswith(s + "/") for s in skip)}

        na, nb = names(a), names(b)
        for n in sorted(set(na) ^ set(nb)):
            diffs.append(f"/{n}: only in {'A' if n in na else 'B'}")
        for n in sorted(set(na) & set(nb)):
            oa, ob = na[n], nb[n]
            if isinstance(oa, h5py.Dataset) != isinstance(ob, h5py.Dataset):
                diffs.append(f"/{n}: dataset in one, group in the other")
                continue
            if isinstance(oa, h5py.Dataset):
                va, vb = oa[()], ob[()]
                if oa.dtype != ob.dtype or np.shape(va) != np.shape(vb):
                    diffs.append(f"/{n}: dtype/shape {oa.dtype}{np.shape(va)} vs {ob.dtype}{np.shape(vb)}")
                elif oa.dtype.kind == "O":  # variable-length strings: compare the strings
                    if np.asarray(va).tolist() != np.asarray(vb).tolist():
                        diffs.append(f"/{n}: values differ")
                elif np.asarray(va).tobytes() != np.asarray(vb).tobytes():
                    diffs.append(f"/{n}: values differ")
            ka = {k for k in oa.attrs.keys() if k not in ignore and k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
            kb = {k for k in ob.attrs.keys() if k not in ignore and k not in ("DIMENSION_LIST", "REFERENCE_LIST")}
            for k in sorted(ka ^ kb):
                if k in new and k in kb:
                    continue
                diffs.append(f"/{n}@{k}: only in {'A' if k in ka else 'B'}")
            for k in sorted(ka & kb):
                xa, xb = oa.attrs[k], ob.attrs[k]
                if isinstance(xa, np.ndarray) or isinstance(xb, np.ndarray):
                    same = np.asarray(xa).tobytes() == np.asarray(xb).tobytes()
                else:
                    same = xa == xb
                if not same:
                    diffs.append(f"/{n}@{k}: {xa!r} vs {xb!r}"[:300])
    for d in diffs:
        print(d)
    print(f"{files[0]} vs {files[1]}: {'identical' if not diffs else f'{len(diffs)} differences'}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
