"""Helpers of the Python reader's tests: compare a Dataset of crossover.open
with the raw HDF5 file, object by object."""
import sys

import h5py
import numpy as np

SKIP = ("/state",)


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def same(a, b):
    """Equal values, shapes and NaNs (no tolerance)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        return bool(np.array_equal(a.astype(float), b.astype(float), equal_nan=True))
    return bool(np.array_equal(a, b))


def _text(v):
    return v.decode() if isinstance(v, bytes) else v


def raw_values(d):
    if h5py.check_string_dtype(d.dtype) is not None or d.dtype.kind == "O":
        v = d[()]
        return np.array([_text(x) for x in np.ravel(v)], dtype=object).reshape(d.shape)
    return d[()]


def mismatches(ds, path, samples=True):
    """Every dataset of the file (outside /state) against the variable of ds
    read from it: the list of differences (empty when all agree), and the
    number of datasets compared."""
    by_source = {}
    for name, var in ds.variables.items():
        src = var.attrs.get("source")
        if src:
            by_source[src] = name
    bad, n = [], 0
    with h5py.File(path, "r") as f:
        items = []
        f.visititems(lambda k, o: items.append(("/" + k, o)) if isinstance(o, h5py.Dataset)
                     else None)
        for p, d in items:
            if p.startswith(SKIP) or (p.startswith("/samples/") and not samples):
                continue
            raw = raw_values(d)
            if p in ("/year", "/percentile"):
                var = ds[p[1:]]
            elif p in ("/sensitivity/parameter", "/sensitivity/bound"):
                var = ds[p.rsplit("/", 1)[1]]
            elif p in by_source:
                var = ds[by_source[p]]
            else:
                # Stacked: /group/<name>/x -> <prefix>_x with a dimension of names.
                parts = p.split("/")
                stacked = "/".join(parts[:2] + ["*"] + parts[3:])
                if stacked not in by_source:
                    bad.append(f"{p}: no variable of the Dataset comes from it")
                    continue
                var = ds[by_source[stacked]]
                dim = var.dims[0]
                var = var.sel({dim: parts[2]})
            if p.endswith("/year_counts_by_regime"):
                rows = d.attrs["regimes"]
                rows = rows.split(",") if isinstance(rows, str) else [_text(r) for r in rows]
                var = var.sel(regime=[r.strip() for r in rows])
            n += 1
            if not same(var.values, raw):
                bad.append(f"{p}: the Dataset has {np.ravel(var.values)[:4]}..., "
                           f"the file {np.ravel(raw)[:4]}...")
    return bad, n
