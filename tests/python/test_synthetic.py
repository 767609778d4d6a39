"""crossover.open and open_many on synthetic files with the second-round
groups (root attribute model, /constraints, /regimes, year_counts_by_regime,
/observations), written after the layout of docs/results-format.md: values
against the file, the regime order of the job, both forms of the attribute
regimes, datasets without dimension scales, different grids, and refusals.
Usage: test_synthetic.py"""
import os
import shutil
import tempfile
import warnings

import h5py
import numpy as np

import crossover
import synthetic
from common import fail, mismatches, same

tmp = tempfile.mkdtemp()
try:
    a = os.path.join(tmp, "a.h5")
    b = os.path.join(tmp, "b.h5")
    c = os.path.join(tmp, "c.h5")
    ia = synthetic.write(a)
    ib = synthetic.write(b, scenario="syn-b", seed=2, horizon_year=2035, regimes_attr="string",
                         scales=False)
    synthetic.write(c, scenario="syn-c", regimes=False, observations=False, constraints=False)

    for path, info in ((a, ia), (b, ib)):
        ds = crossover.open(path)
        bad, n = mismatches(ds, path)
        if bad:
            fail(f"{path}:\n  " + "\n  ".join(bad))
        if ds.attrs["model"] != "capacity":
            fail(f"model {ds.attrs['model']}")
        # The regimes in the job's order (the attribute), not HDF5's alphabetical one.
        if ds["regime"].values.tolist() != synthetic.REGIMES:
            fail(f"regime order {ds['regime'].values}")
        for r in synthetic.REGIMES:
            if ds["regime_count"].sel(regime=r).item() != info["regime_count"][r]:
                fail(f"regime_count {r}")
        by = ds["crossover_hardware_year_counts_by_regime"]
        if by.dims != ("regime", "year"):
            fail(f"year_counts_by_regime dims {by.dims}")
        if not same(by.values, info["crossover"]["hardware"]["by_regime"]):
            fail("year_counts_by_regime rows")
        if not same(by.sum("regime"), ds["crossover_hardware_year_counts"]):
            fail("the regimes' counts do not add up to year_counts")
        if not np.allclose(ds["regime_probability"].sum(), 1.0):
            fail("regime probabilities")
        # Binding constraints: [constraint, year].
        cc = ds["constraint_counts"]
        if cc.dims != ("constraint", "year") or sorted(ds["constraint"].values) != \
                sorted(synthetic.CONSTRAINTS):
            fail(f"constraints {cc.dims} {ds['constraint'].values}")
        for k in synthetic.CONSTRAINTS:
            if not same(cc.sel(constraint=k), info["constraints"][k]):
                fail(f"constraint {k}")
        if not same(cc.sum("constraint")[1:], np.full(len(info["years"]) - 1, info["n"])):
            fail("constraint counts do not add up to n after the base year")
        if not np.allclose(ds["constraint_fraction"], cc / info["n"]):
            fail("constraint_fraction")
        # Observations: [observation], strings decoded, with their series' units.
        obs = info["observations"]
        if ds["observation_series"].values.tolist() != [o[0] for o in obs]:
            fail(f"observation_series {ds['observation_series'].values}")
        if ds["observation_source"].values.tolist() != [o[3] for o in obs]:
            fail("observation_source")
        if not same(ds["observation_year"], [o[1] for o in obs]) or \
                not same(ds["observation_count_le"], info["count_le"]):
            fail("observation year / count_le")
        if not same(ds["observation_pit"], info["count_le"] / info["n"]):
            fail("observation_pit")
        if ds["observation_units"].values.tolist() != ["TWh/yr", "GW", "TWh/yr"]:
            fail(f"observation_units {ds['observation_units'].values}")
        if any(v.startswith("state") for v in ds.variables):
            fail("/state was read")
        print(f"{os.path.basename(path)}: {n} datasets equal the file")

    # A file without the newer groups: no regime dimension; model as written.
    cds = crossover.open(c)
    if "regime" in cds.dims or "constraint" in cds.dims or "observation" in cds.dims:
        fail(f"c.h5 dims {dict(cds.sizes)}")
    # A file without the attribute model is a model `demand` file.
    d = os.path.join(tmp, "d.h5")
    shutil.copy(c, d)
    with h5py.File(d, "r+") as f:
        del f.attrs["model"]
    if crossover.open(d).attrs["model"] != "demand":
        fail("a file without `model` is not read as model demand")

    # open_many over different grids: the years common to all, with a warning.
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = crossover.open_many([a, b, c])
    if m["year"].values.tolist() != list(range(2025, 2036)):
        fail(f"inner join years {m['year'].values}")
    if not any("2036" in str(x.message) for x in w):
        fail(f"no warning names the dropped years: {[str(x.message) for x in w]}")
    if not same(m["total_energy"].sel(scenario="syn-b"), ib["series"]["total_energy"]):
        fail("syn-b total_energy")
    if not same(m["total_energy"].sel(scenario="capacity-synthetic"),
                ia["series"]["total_energy"][:11]):
        fail("capacity-synthetic total_energy on the common years")
    # The file without regimes: NaN in the regime variables.
    if not np.isnan(m["regime_count"].sel(scenario="syn-c")).all() or \
            m["regime_count"].sel(scenario="syn-b").sum() != ib["n"]:
        fail("regime_count across files")
    if m["horizon_year"].values.tolist() != [2040, 2035, 2040] or "horizon_year" in m.attrs:
        fail("horizon_year as a coordinate along scenario")
    # join="outer": every year, NaN where a file has none.
    o = crossover.open_many([a, b], join="outer")
    if o.sizes["year"] != 16 or not np.isnan(o["total_energy"].sel(scenario="syn-b",
                                                                       year=2040)).all():
        fail("outer join")
    # Refusals: rows named differently from the regimes; an unknown file format.
    e = os.path.join(tmp, "e.h5")
    shutil.copy(a, e)
    with h5py.File(e, "r+") as f:
        f["crossover/spend/year_counts_by_regime"].attrs["regimes"] = "trend,correction,other"
    try:
        crossover.open(e)
    except ValueError as x:
        if "regimes" not in str(x):
            fail(f"message {x}")
    else:
        fail("rows named other than the regimes were accepted")
    with h5py.File(e, "r+") as f:
        f.attrs["format"] = "something-else"
    try:
        crossover.open(e)
    except ValueError:
        pass
    else:
        fail("a file of another format was accepted")

    # The plots of the new groups draw (regime curves, observations).
    ax = crossover.crossover(crossover.open(a), "hardware")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    if sum(t.startswith("regime ") for t in labels) != 3:
        fail(f"crossover legend {labels}")
    ax = crossover.fan(crossover.open(a), "total_energy")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    if sum(t.startswith("observed ") for t in labels) != 2:
        fail(f"fan legend {labels}")
finally:
    shutil.rmtree(tmp)
print("synthetic second-round files read as specified")
