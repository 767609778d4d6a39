"""Reading Crossover results files (HDF5) into xarray Datasets.

Everything is discovered from the file: which series, crossovers, parameters,
constraints, regimes, observations, sensitivity targets and per-sample arrays
it holds. docs/python.md lists the variable names; docs/results-format.md and
docs/outputs.md the file layout they come from.
"""
import warnings

import h5py
import numpy as np
import xarray as xr
from xarray.backends import BackendArray
from xarray.core import indexing

# HDF5 attributes that belong to the dimension-scale machinery, not the data.
_DS_ATTRS = {"CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid",
             "_Netcdf4Coordinates", "_nc3_strict"}
# Groups the reader never loads: the engine's mergeable state (docs/results-format.md).
_SKIP = {"state"}


# ---- small helpers -------------------------------------------------------------

def _py(v):
    """An HDF5 attribute value as a plain Python value (str, int, float, list)."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _py(v[()])
        return [_py(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def _attrs(obj):
    return {k: _py(v) for k, v in obj.attrs.items() if k not in _DS_ATTRS}


def _is_str(dset):
    return h5py.check_string_dtype(dset.dtype) is not None or dset.dtype.kind in "SUO"


def _read(dset):
    """A dataset's values; strings decoded to Python str (object array)."""
    if _is_str(dset):
        if dset.shape == ():
            return np.array(_py(dset[()]), dtype=object)
        vals = dset[()]
        return np.array([_py(x) for x in np.ravel(vals)], dtype=object).reshape(dset.shape)
    return dset[()]


def _scale_dims(dset):
    """Dimension names from the HDF5 dimension scales attached to dset, one per
    axis, or None for an axis without one."""
    names = []
    for dim in dset.dims:
        name = None
        try:
            if len(dim):
                scale = dim[0]
                name = _py(scale.attrs.get("NAME", b"")) or scale.name.rsplit("/", 1)[-1]
                if name.startswith("This is a netCDF dimension"):
                    name = scale.name.rsplit("/", 1)[-1]
        except (KeyError, RuntimeError, ValueError):
            name = None
        names.append(name)
    return names


def _dims(dset, default, fallback_prefix):
    """Dimension names of dset: the attached scales where there are any, else the
    layout's default, else fallback_prefix_dimI."""
    scales = _scale_dims(dset)
    out = []
    for i in range(dset.ndim):
        if scales[i]:
            out.append(scales[i])
        elif default is not None and i < len(default) and len(default) == dset.ndim:
            out.append(default[i])
        else:
            out.append(f"{fallback_prefix}_dim{i}")
    return tuple(out)


def _names_list(v):
    """A list of names from an attribute: an array of strings, or one string of
    comma- (or space-) separated names."""
    v = _py(v)
    if isinstance(v, str):
        parts = v.split(",") if "," in v else v.split()
        return [p.strip() for p in parts if p.strip()]
    return [str(x) for x in v]


def _humanize(name):
    return name.replace("_", " ")


class _LazyH5(BackendArray):
    """A dataset read only when indexed (the per-sample arrays can be large)."""

    def __init__(self, dset):
        self._dset = dset
        self.shape = dset.shape
        self.dtype = dset.dtype

    def __getitem__(self, key):
        return indexing.explicit_indexing_adapter(
            key, self.shape, indexing.IndexingSupport.BASIC, self._raw)

    def _raw(self, key):
        return np.asarray(self._dset[key])

    def __deepcopy__(self, memo):
        # The file is open read-only: a deep copy may share it (xarray copies
        # its variables deeply when aligning, and h5py objects cannot be copied).
        return self


# ---- one file --------------------------------------------------------------------

class _Builder:
    def __init__(self, f, path):
        self.f = f
        self.path = path
        self.vars = {}
        self.coords = {}

    def add(self, name, dims, data, attrs, source):
        if name in self.vars or name in self.coords:
            raise ValueError(f"{self.path}: two objects map to the variable name {name!r} "
                             f"(the second is {source}); read this file with h5py")
        attrs = dict(attrs)
        attrs["source"] = source
        self.vars[name] = xr.Variable(dims, data, attrs)

    def generic(self, dset, name, default_dims=None, lazy=False, extra_attrs=None):
        dims = _dims(dset, default_dims, name)
        attrs = _attrs(dset)
        if extra_attrs:
            for k, v in extra_attrs.items():
                attrs.setdefault(k, v)
        data = indexing.LazilyIndexedArray(_LazyH5(dset)) if lazy else _read(dset)
        self.add(name, dims, data, attrs, dset.name)


def _series(b, g):
    for s, sg in g.items():
        if not isinstance(sg, h5py.Group):
            b.generic(sg, f"series_{s}")
            continue
        gattrs = _attrs(sg)
        desc = gattrs.get("description")
        for x, d in sg.items():
            if not isinstance(d, h5py.Dataset):
                continue
            name = s if x == "percentiles" else f"{s}_{x}"
            default = {1: ("year",), 2: ("year", "percentile")}.get(d.ndim)
            attrs = {}
            base = desc or _humanize(s)
            if x == "percentiles":
                attrs["long_name"] = base
            elif x == "percentiles_se":
                attrs["long_name"] = f"standard error of the percentiles of {base}"
            elif x == "mean":
                attrs["long_name"] = f"mean of {base}"
            elif x == "std":
                attrs["long_name"] = f"standard deviation of {base}"
            elif x == "nonfinite":
                attrs["long_name"] = f"samples whose {base} was not finite (left out)"
                attrs["units"] = "1"
            else:
                attrs["long_name"] = f"{base}: {_humanize(x)}"
            if "units" in gattrs:
                attrs.setdefault("units", gattrs["units"])
            attrs["series"] = s
            b.generic(d, name, default, extra_attrs=attrs)


_CROSS_LONG = {
    "year_counts": ("samples whose {c} crossover year is the year", "1"),
    "probability": ("probability that the {c} crossover year is the year", "1"),
    "cumulative": ("probability that the {c} crossover has happened by the year", "1"),
    "probability_se": ("standard error of the {c} crossover probability", "1"),
    "cumulative_se": ("standard error of the {c} cumulative crossover probability", "1"),
    "time_quantiles": ("quantiles of the {c} crossing time (fractional calendar year; "
                       "NaN where censored)", "1"),
    "year_counts_by_regime": ("samples of each regime whose {c} crossover year is the year",
                              "1"),
}


def _crossovers(b, g, regimes):
    for c, cg in g.items():
        if not isinstance(cg, h5py.Group):
            b.generic(cg, f"crossover_{c}")
            continue
        gattrs = _attrs(cg)
        pair = {k: gattrs[k] for k in ("lhs", "rhs") if k in gattrs}
        what = f"{c} ({pair['lhs']} >= {pair['rhs']})" if len(pair) == 2 else c
        for x, d in cg.items():
            if not isinstance(d, h5py.Dataset):
                continue
            name = f"crossover_{c}_{x}"
            if x == "time_quantiles":
                default = ("percentile",)
            elif x == "year_counts_by_regime":
                default = ("regime", "year")
            else:
                default = {1: ("year",)}.get(d.ndim)
            long, units = _CROSS_LONG.get(x, (f"{{c}} crossover: {_humanize(x)}", None))
            attrs = {"long_name": long.format(c=what), "crossover": c, **pair}
            if units:
                attrs["units"] = units
            if x == "year_counts_by_regime":
                _by_regime(b, d, name, c, regimes, attrs)
                continue
            b.generic(d, name, default, extra_attrs=attrs)
        if "never" in gattrs:
            b.add(f"crossover_{c}_never", (), np.uint64(gattrs["never"]),
                  {"long_name": f"samples with no {what} crossover by the horizon", "units": "1",
                   "crossover": c, **pair}, cg.name + "@never")


def _by_regime(b, d, name, c, regimes, attrs):
    """year_counts_by_regime [R, Y]: rows in the order of its attribute `regimes`,
    reordered to the file's regime coordinate."""
    data = d[()]
    dims = _dims(d, ("regime", "year"), name)
    if dims[0] != "regime":
        dims = ("regime",) + dims[1:]
    rows = _names_list(d.attrs["regimes"]) if "regimes" in d.attrs else None
    if rows is not None:
        if len(rows) != data.shape[0]:
            raise ValueError(f"{b.path}: {d.name} has {data.shape[0]} rows but its attribute "
                             f"regimes names {len(rows)}")
        if regimes["names"] is None:
            regimes["names"] = rows
        if set(rows) != set(regimes["names"]):
            raise ValueError(f"{b.path}: {d.name} names the regimes {rows}, "
                             f"the file {regimes['names']}")
        data = data[[rows.index(r) for r in regimes["names"]]]
    elif regimes["names"] is None or len(regimes["names"]) != data.shape[0]:
        raise ValueError(f"{b.path}: {d.name} has no attribute regimes naming its rows")
    attrs = {**_attrs(d), **attrs}
    attrs.pop("regimes", None)
    b.add(name, dims, data, attrs, d.name)


def _stacked(b, g, dim, prefix, order, defaults, long_names):
    """Groups /<g>/<name>/<x> with one dataset x per name: stacked as
    <prefix>_<x> [dim, ...] with coordinate dim = the names, in `order`."""
    names = [n for n in order if n in g] + [n for n in g if n not in order]
    names = [n for n in names if isinstance(g[n], h5py.Group)]
    for n in g:
        if not isinstance(g[n], h5py.Group):
            b.generic(g[n], f"{prefix}_{n}")
    if not names:
        return names
    xs = []
    for n in names:
        xs += [x for x in g[n] if x not in xs and isinstance(g[n][x], h5py.Dataset)]
    for x in xs:
        parts, dims, attrs, dtype = [], None, {}, None
        for n in names:
            d = g[n].get(x)
            if d is None:
                parts.append(None)
                continue
            v = _read(d)
            dd = _dims(d, defaults.get(x, {1: ("year",)}.get(d.ndim) if d.ndim else ()),
                       f"{prefix}_{x}")
            if dims is None:
                dims, dtype = dd, v.dtype
                attrs = _attrs(d)
            elif dd != dims or v.shape != np.shape(next(p for p in parts if p is not None)):
                raise ValueError(f"{b.path}: {d.name} has another shape than the same dataset "
                                 f"of /{g.name.strip('/')}/{names[0]}")
            parts.append(v)
        shape = np.shape(next(p for p in parts if p is not None))
        if any(p is None for p in parts):
            fill = np.nan if dtype.kind in "fiu" else ""
            dtype = np.float64 if dtype.kind in "fiu" else object
            parts = [np.full(shape, fill, dtype) if p is None else p for p in parts]
        if x in long_names:
            attrs.setdefault("long_name", long_names[x][0])
            if long_names[x][1]:
                attrs.setdefault("units", long_names[x][1])
        b.add(f"{prefix}_{x}", (dim,) + dims, np.stack(parts), attrs, f"{g.name}/*/{x}")
    b.coords[dim] = xr.Variable((dim,), np.array(names, dtype=object))
    return names


def _observations(b, g):
    long = {
        "series": ("observed series", None),
        "year": ("year of the observation", None),
        "value": ("observed value, in the units of its series", None),
        "count_le": ("samples at or below the observed value", "1"),
        "pit": ("probability integral transform: count_le / samples", "1"),
        "source": ("where the observed value comes from", None),
    }
    n = None
    for x, d in g.items():
        if not isinstance(d, h5py.Dataset):
            continue
        extra = {"long_name": long.get(x, (f"observation {_humanize(x)}",))[0]}
        if long.get(x, (None, None))[1]:
            extra["units"] = long[x][1]
        b.generic(d, f"observation_{x}", ("observation",) if d.ndim == 1 else None,
                  extra_attrs=extra)
        if d.ndim == 1:
            n = d.shape[0]
    if n is not None:
        b.coords["observation"] = xr.Variable(("observation",), np.arange(n))


def _observation_units(b):
    """Each observation's units, those of its series (read after /series)."""
    if "observation_series" not in b.vars:
        return
    units = [b.vars[s].attrs.get("display_units", b.vars[s].attrs.get("units", ""))
             if s in b.vars else ""
             for s in b.vars["observation_series"].values.ravel().tolist()]
    b.add("observation_units", b.vars["observation_series"].dims,
          np.array(units, dtype=object).reshape(b.vars["observation_series"].shape),
          {"long_name": "units of each observed value (those of its series)"},
          "/observations/series, /series/*/percentiles@units")


def _sensitivity(b, g):
    gattrs = _attrs(g)
    targets = [t for t in g if isinstance(g[t], h5py.Group)]
    for x, d in g.items():
        if isinstance(d, h5py.Dataset):
            if x in ("parameter", "bound") and d.ndim == 1:
                attrs = _attrs(d)
                if x == "bound":
                    attrs.setdefault("long_name", "confidence interval bound (quantile level)")
                else:
                    attrs.setdefault("long_name", "analysed input parameter")
                b.coords[x] = xr.Variable((x,), _read(d), attrs)
            else:
                b.generic(d, f"sensitivity_{x}")
    if not targets:
        return
    xs = []
    for t in targets:
        xs += [x for x in g[t] if x not in xs and isinstance(g[t][x], h5py.Dataset)]
    long = {
        "first_order": "first-order Sobol' index",
        "total": "total Sobol' index",
        "first_order_ci": "95% confidence interval of the first-order Sobol' index",
        "total_ci": "95% confidence interval of the total Sobol' index",
    }
    for x in xs:
        parts, dims = [], None
        for t in targets:
            d = g[t][x]
            dd = _dims(d, ("parameter", "bound")[:d.ndim], f"sensitivity_{x}")
            if dims is None:
                dims, attrs = dd, _attrs(d)
            elif dd != dims or d.shape != parts[0].shape:
                raise ValueError(f"{b.path}: {d.name} differs in shape from the other targets'")
            parts.append(d[()])
        attrs.setdefault("long_name", long.get(x, f"sensitivity: {_humanize(x)}"))
        attrs.setdefault("units", "1")
        for k, v in gattrs.items():
            attrs.setdefault(k, v)
        b.add(f"sensitivity_{x}", ("target",) + dims, np.stack(parts), attrs,
              f"{g.name}/*/{x}")
    b.coords["target"] = xr.Variable(("target",), np.array(targets, dtype=object),
                                     {"long_name": "sensitivity target"})
    tattrs = sorted({k for t in targets for k in g[t].attrs if k not in _DS_ATTRS})
    for k in tattrs:
        b.add(f"sensitivity_{k}", ("target",),
              np.array([_py(g[t].attrs.get(k, "")) for t in targets], dtype=object),
              {"long_name": f"what each target's indices are of ({k})"}, f"{g.name}/*@{k}")


def _samples(b, g, lazy):
    for k, d in g.items():
        if not isinstance(d, h5py.Dataset):
            continue
        extra = {}
        if k.startswith("crossover."):
            extra["long_name"] = (f"crossing time of crossover {k[10:]} "
                                  "(fractional year; NaN when it does not cross)")
        else:
            extra["long_name"] = f"input {k} of each sample"
        b.generic(d, f"sample_{k}", ("sample",) if d.ndim == 1 else None, lazy=lazy,
                  extra_attrs=extra)
        if d.ndim == 1 and "sample" not in b.coords:
            b.coords["sample"] = xr.Variable(("sample",), np.arange(d.shape[0]))


def _parameters(b, g):
    for k, pg in g.items():
        if not isinstance(pg, h5py.Group):
            b.generic(pg, f"parameter_{k}")
            continue
        gattrs = _attrs(pg)
        for x, d in pg.items():
            if not isinstance(d, h5py.Dataset):
                continue
            name = f"parameter_{k}" if x == "percentiles" else f"parameter_{k}_{x}"
            attrs = dict(gattrs)
            attrs["long_name"] = (f"input {k}: realized percentiles" if x == "percentiles"
                                  else f"input {k}: {_humanize(x)}")
            attrs["parameter"] = k
            b.generic(d, name, ("percentile",) if d.ndim == 1 else None, extra_attrs=attrs)


def _generic_group(b, g, prefix):
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            b.generic(obj, f"{prefix}_{name.replace('/', '_')}")
    g.visititems(visit)


def _read_file(f, path, samples):
    b = _Builder(f, path)
    attrs = _attrs(f)
    # A file without the attribute `model` predates model `capacity`: its model is
    # `demand`, the default of a job without `model:` (docs/python.md).
    attrs.setdefault("model", "demand")

    for c in ("year", "percentile"):
        if c in f:
            cattrs = _attrs(f[c])
            if c == "percentile":
                cattrs.setdefault("units", "percent")
                cattrs.setdefault("long_name", "percentile level")
            else:
                cattrs.setdefault("long_name", "grid year")
            b.coords[c] = xr.Variable((c,), f[c][()], cattrs)

    regimes = {"names": None}
    lazy_used = False
    # /regimes first: its names order the regime rows of every crossover.
    # The order of regimes is the job's: that of the attribute `regimes` of any
    # year_counts_by_regime, else the file's listing.
    if "crossover" in f:
        for cg in f["crossover"].values():
            if isinstance(cg, h5py.Group) and "year_counts_by_regime" in cg:
                d = cg["year_counts_by_regime"]
                if "regimes" in d.attrs:
                    regimes["names"] = _names_list(d.attrs["regimes"])
                    break
    if "regimes" in f and isinstance(f["regimes"], h5py.Group):
        order = regimes["names"] or []
        names = _stacked(b, f["regimes"], "regime", "regime", order,
                         {"count": (), "probability": ()},
                         {"count": ("samples drawn in each regime", "1"),
                          "probability": ("share of the samples drawn in each regime", "1")})
        if names:
            regimes["names"] = names        # the attribute's order, then any others
    for key, obj in f.items():
        if key in _SKIP or key in ("year", "percentile", "regimes"):
            continue
        if isinstance(obj, h5py.Dataset):
            b.generic(obj, key)
        elif key == "series":
            _series(b, obj)
        elif key == "crossover":
            _crossovers(b, obj, regimes)
        elif key == "parameters":
            _parameters(b, obj)
        elif key == "constraints":
            _stacked(b, obj, "constraint", "constraint", [], {},
                     {"counts": ("samples whose binding constraint in the year is this one", "1"),
                      "fraction": ("share of the samples whose binding constraint in the year "
                                   "is this one", "1")})
        elif key == "observations":
            _observations(b, obj)
        elif key == "sensitivity":
            _sensitivity(b, obj)
        elif key == "samples":
            if samples:
                _samples(b, obj, lazy=True)
                lazy_used = True
        else:
            _generic_group(b, obj, key)
    _observation_units(b)
    if regimes["names"] is not None and "regime" not in b.coords:
        b.coords["regime"] = xr.Variable(("regime",), np.array(regimes["names"], dtype=object))
    ds = xr.Dataset(b.vars, coords=b.coords, attrs=attrs)
    ds.encoding["source"] = str(path)
    return ds, lazy_used


def open(path, *, samples=True):  # noqa: A001 (shadows the builtin inside this module only)
    """Opens a Crossover results file as one xarray.Dataset.

    Coordinates `year` and `percentile` (and `regime`, `constraint`,
    `observation`, `parameter`, `target`, `bound`, `sample` when the file has
    them) are attached; every variable carries `units` and `long_name`
    where known, and `source`, the HDF5 path it was read from. The root
    attributes are the Dataset's attrs. Names (docs/python.md):

    - series S: `S` [year, percentile], `S_mean`, `S_std` [year],
      `S_percentiles_se`, `S_nonfinite`, ...;
    - crossover C: `crossover_C_cumulative`, `_probability`, `_year_counts`,
      `_probability_se`, `_cumulative_se` [year], `_time_quantiles`
      [percentile], `_never` (scalar), `_year_counts_by_regime` [regime, year];
    - parameter K: `parameter_K` [percentile];
    - constraints: `constraint_counts`, `constraint_fraction` [constraint, year];
    - regimes: `regime_count`, `regime_probability` [regime];
    - observations: `observation_series`, `_year`, `_value`, `_count_le`,
      `_pit`, `_source`, `_units` [observation];
    - sensitivity: `sensitivity_first_order`, `_total` [target, parameter],
      `_first_order_ci`, `_total_ci` [target, parameter, bound];
    - per-sample arrays (with samples=True, read lazily, when first used):
      `sample_K`, `sample_crossover.C` [sample].

    With per-sample arrays the file stays open until ds.close() (or the end of
    a `with crossover.open(path) as ds:` block); otherwise it is closed before
    open returns. The engine's internal /state group is not read.
    """
    f = h5py.File(path, "r")
    try:
        if _py(f.attrs.get("format", "crossover-results")) != "crossover-results":
            raise ValueError(f"{path}: not a Crossover results file "
                             f"(format {_py(f.attrs['format'])!r})")
        ds, keep = _read_file(f, path, samples)
    except BaseException:
        f.close()
        raise
    if keep:
        ds.set_close(f.close)
    else:
        f.close()
    return ds


# ---- several files --------------------------------------------------------------

def _unique(names):
    out, seen = [], set()
    for n in names:
        m, i = n, 2
        while m in seen:
            m, i = f"{n} ({i})", i + 1
        seen.add(m)
        out.append(m)
    return out


def _fill_like(v):
    if v.dtype.kind in "fiuc":
        return xr.full_like(v, np.nan, dtype=np.float64)
    if v.dtype.kind == "b":
        return xr.full_like(v, False)
    return xr.Variable(v.dims, np.full(v.shape, "", dtype=object), v.attrs)


def combine(datasets, names=None, join="inner"):
    """Datasets of crossover.open (a list, or a dict name -> Dataset) as one
    Dataset with a leading `scenario` dimension; see open_many."""
    if isinstance(datasets, dict):
        names = list(datasets) if names is None else names
        datasets = list(datasets.values())
    datasets = list(datasets)
    if not datasets:
        raise ValueError("no datasets to combine")
    if names is None:
        names = [str(d.attrs.get("scenario", f"run{i + 1}")) for i, d in enumerate(datasets)]
    names = list(names)
    if len(names) != len(datasets):
        raise ValueError(f"{len(names)} names for {len(datasets)} datasets")
    names = _unique([str(n) for n in names])

    # The grid: years and percentiles common to every file (join="inner"), or
    # all of them with NaN where a file has none (join="outer").
    dss = list(datasets)
    if join not in ("inner", "outer"):
        raise ValueError("join must be 'inner' or 'outer'")
    for c in ("year", "percentile"):
        have = [d for d in dss if c in d.coords]
        if not have:
            continue
        sets = [list(d[c].values) for d in have]
        if join == "inner":
            common = [v for v in sets[0] if all(v in s for s in sets[1:])]
            if not common:
                raise ValueError(f"the files have no {c} in common")
            dropped = {n: sorted(set(s) - set(common)) for n, s in zip(names, sets)
                       if set(s) - set(common)}
            if dropped:
                warnings.warn(f"open_many: keeping the {len(common)} values of {c} common to "
                              f"every file; dropped {dropped}", stacklevel=3)
            dss = [d.sel({c: common}) if c in d.coords else d for d in dss]
    # Every other dimension (regime, constraint, observation, parameter, target,
    # sample, ...): the union, NaN (or "") where a file lacks a value.
    grid = () if join == "outer" else ("year", "percentile")
    dss = list(xr.align(*dss, join="outer", exclude=grid))
    allvars = []
    for d in dss:
        allvars += [v for v in d.data_vars if v not in allvars]
    filled = []
    for d in dss:
        missing = [v for v in allvars if v not in d.data_vars]
        if missing:
            d = d.copy()
            for v in missing:
                tmpl = next(e for e in dss if v in e.data_vars)
                for dim in tmpl[v].dims:
                    if dim not in d.dims and dim in tmpl.coords:
                        d = d.assign_coords({dim: tmpl[dim]})
                d[v] = _fill_like(tmpl[v].variable)
        filled.append(d)
    # Root attributes that differ between files become coordinates along scenario.
    keys = []
    for d in filled:
        keys += [k for k in d.attrs if k not in keys]
    common = {k: filled[0].attrs[k] for k in keys
              if all(k in d.attrs and _same(d.attrs[k], filled[0].attrs[k]) for d in filled)}
    per = {}
    for k in keys:
        if k in common:
            continue
        vals = [d.attrs.get(k) for d in filled]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            arr = np.array(vals)
        else:
            arr = np.array(["" if v is None else str(v) for v in vals], dtype=object)
        per["file_scenario" if k == "scenario" else k] = arr
    out = xr.concat([d.drop_attrs() if hasattr(d, "drop_attrs") else _noattrs(d) for d in filled],
                    dim=xr.DataArray(names, dims="scenario", name="scenario"),
                    data_vars="all", coords="minimal", compat="override",
                    combine_attrs="override", join="outer")
    out = out.assign_coords({k: ("scenario", v) for k, v in per.items()})
    out.attrs = common
    out["scenario"].attrs["long_name"] = "scenario (file)"
    return out


def _same(a, b):
    try:
        return bool(np.all(np.asarray(a) == np.asarray(b))) and np.shape(a) == np.shape(b)
    except Exception:
        return False


def _noattrs(d):
    d = d.copy()
    d.attrs = {}
    return d


def open_many(paths, names=None, *, join="inner", samples=False):
    """Opens several results files as one Dataset with a leading `scenario`
    dimension (see crossover.open for the variables).

    names: one per file; default: each file's root attribute `scenario`;
    repeated names get " (2)", " (3)", ... appended. The files' grids: with
    join="inner" (default) the years and percentiles common to every file are
    kept and a warning names the others; with join="outer" all are kept, NaN
    where a file has none. Every other dimension (regime, constraint,
    observation, parameter, target, sample) is the union over the files, and a
    variable a file lacks (say power_shortfall of a run without a power cap)
    is NaN for it. Root attributes equal in every file stay the Dataset's
    attrs; those that differ (seed, samples, config, ...) become coordinates
    along `scenario` (the file's own `scenario` attribute as `file_scenario`).
    samples=True also reads the per-sample arrays, into memory.
    """
    paths = list(paths)
    dss = []
    try:
        for p in paths:
            dss.append(open(p, samples=samples).load())
        out = combine(dss, names=names, join=join)
    finally:
        for d in dss:
            d.close()
    out.encoding["source"] = [str(p) for p in paths]
    return out


def series_names(ds):
    """The series a Dataset of crossover.open holds, in the file's order."""
    return [v for v in ds.data_vars if ds[v].attrs.get("source", "").endswith("/percentiles")
            and ds[v].attrs.get("source", "").startswith("/series/")]


def crossover_names(ds):
    """The crossovers a Dataset of crossover.open holds."""
    out = []
    for v in ds.data_vars:
        c = ds[v].attrs.get("crossover")
        if c is not None and c not in out:
            out.append(c)
    return out


def parameter_names(ds):
    """The input parameters whose realized percentiles a Dataset holds."""
    return [ds[v].attrs["parameter"] for v in ds.data_vars
            if "parameter" in ds[v].attrs and v == f"parameter_{ds[v].attrs['parameter']}"]
