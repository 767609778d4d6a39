"""Small synthetic results files with the second-round groups (model
`capacity`, /constraints, /regimes, /crossover/<c>/year_counts_by_regime,
/observations), written with h5py after the layout of docs/results-format.md,
so the reader is tested on them before the engine writes them.

write(path, ...) returns a dict of what it wrote, for the tests to compare.
"""
import h5py
import numpy as np

REGIMES = ["trend", "correction", "constrained"]      # the job's order, not alphabetical
WEIGHTS = [0.6, 0.25, 0.15]
CONSTRAINTS = ["demand", "capex", "chips", "power"]
SERIES = {  # name: (units, description, base value, growth per year)
    "inference_hardware": ("FLOP/s", "inference share of the hardware time", 2e20, 1.6),
    "training_hardware": ("FLOP/s", "training share of the hardware time", 3e20, 1.3),
    "capex": ("$/yr", "capital spent", 4e11, 1.2),
    "power_capacity": ("GW", "facility capacity built", 20.0, 1.25),
    "total_energy": ("TWh/yr", "training plus inference energy", 100.0, 1.3),
}
CROSSOVERS = {"hardware": ("inference_hardware", "training_hardware"),
              "spend": ("inference_spend", "training_spend")}


def _scale(f, name, values):
    d = f.create_dataset(name, data=values)
    d.make_scale(name)
    return d


def _str_dtype():
    return h5py.string_dtype("utf-8")


def write(path, *, scenario="capacity-synthetic", base_year=2025, horizon_year=2040,
          percentiles=(1, 5, 10, 25, 50, 75, 90, 95, 99), n=10000, seed=1,
          regimes_attr="array", scales=True, regimes=True, observations=True,
          constraints=True):
    """regimes_attr: 'array' (an array of strings) or 'string' (one
    comma-separated string) for the attribute `regimes`; scales: attach the
    dimension scales year and percentile to the new groups' datasets."""
    rng = np.random.default_rng(seed)
    years = np.arange(base_year, horizon_year + 1, dtype=np.int32)
    pct = np.asarray(percentiles, dtype=np.float64)
    ny = len(years)
    t = np.arange(ny, dtype=float)
    z = np.array([-2.326, -1.645, -1.2816, -0.6745, 0.0, 0.6745, 1.2816, 1.645, 2.326])
    zq = np.interp(pct, [1, 5, 10, 25, 50, 75, 90, 95, 99], z)
    info = {"years": years, "percentile": pct, "n": n, "series": {}, "crossover": {}}
    with h5py.File(path, "w") as f:
        for k, v in {"format": "crossover-results", "scenario": scenario,
                     "engine_version": "0.2.0", "config": f"scenario: {scenario}\nmodel: capacity\n",
                     "sampling_method": "mc", "created": "2026-01-01T00:00:00Z", "model": "capacity",
                     "part": "1/1"}.items():
            f.attrs[k] = v
        f.attrs["format_version"] = np.int32(1)
        f.attrs["seed"] = np.uint64(seed)
        f.attrs["samples"] = np.uint64(n)
        f.attrs["base_year"] = np.int32(base_year)
        f.attrs["horizon_year"] = np.int32(horizon_year)
        dyear = _scale(f, "year", years)
        dpct = _scale(f, "percentile", pct)

        def attach(d, *scales_):
            if scales:
                for i, s in enumerate(scales_):
                    d.dims[i].attach_scale(s)

        for s, (units, desc, base, g) in SERIES.items():
            sg = f.create_group(f"series/{s}")
            sg.attrs["units"] = units
            sg.attrs["description"] = desc
            med = base * g ** t
            bands = med[:, None] * np.exp(0.4 * np.sqrt(t + 1)[:, None] * zq[None, :])
            d = sg.create_dataset("percentiles", data=bands)
            d.dims[0].attach_scale(dyear)      # the first round's datasets always have scales
            d.dims[1].attach_scale(dpct)
            d.attrs["units"] = units
            for m, vals in (("mean", med * 1.1), ("std", med * 0.5)):
                dm = sg.create_dataset(m, data=vals)
                dm.dims[0].attach_scale(dyear)
                dm.attrs["units"] = units
            info["series"][s] = bands

        nreg = [int(round(w * n)) for w in WEIGHTS]
        nreg[-1] = n - sum(nreg[:-1])
        for c, (lhs, rhs) in CROSSOVERS.items():
            cg = f.create_group(f"crossover/{c}")
            cg.attrs["lhs"], cg.attrs["rhs"] = lhs, rhs
            by = np.zeros((len(REGIMES), ny), dtype=np.uint64)
            for r, nr in enumerate(nreg):
                # Each regime crosses with its own probability by the horizon.
                cross = rng.multinomial(int(nr * (0.9 - 0.3 * r)), np.ones(ny) / ny)
                by[r] = cross
            counts = by.sum(axis=0)
            never = n - int(counts.sum())
            cg.attrs["never"] = np.uint64(never)
            for name, vals in (("year_counts", counts), ("probability", counts / n),
                               ("cumulative", np.cumsum(counts) / n)):
                d = cg.create_dataset(name, data=vals)
                d.dims[0].attach_scale(dyear)
            tq = np.where(pct < 100 * (1 - never / n), base_year + (horizon_year - base_year)
                          * pct / 100, np.nan)
            d = cg.create_dataset("time_quantiles", data=tq)
            d.dims[0].attach_scale(dpct)
            d.attrs["units"] = "year"
            if regimes:
                d = cg.create_dataset("year_counts_by_regime", data=by)
                if regimes_attr == "array":
                    d.attrs.create("regimes", np.array(REGIMES, dtype=object), dtype=_str_dtype())
                else:
                    d.attrs["regimes"] = ",".join(REGIMES)
                if scales:
                    d.dims[1].attach_scale(dyear)
            info["crossover"][c] = {"year_counts": counts, "by_regime": by, "never": never}

        if regimes:
            for r, nr in zip(REGIMES, nreg):
                g = f.create_group(f"regimes/{r}")
                g.create_dataset("count", data=np.uint64(nr))
                g.create_dataset("probability", data=nr / n)
            info["regime_count"] = dict(zip(REGIMES, nreg))

        if constraints:
            shares = rng.dirichlet(np.ones(len(CONSTRAINTS)), size=ny)
            cnt = np.floor(shares * n).astype(np.uint64)
            cnt[:, 0] += np.uint64(n) - cnt.sum(axis=1)
            cnt[0] = 0                                  # nothing binds in the base year
            info["constraints"] = {}
            for k, name in enumerate(CONSTRAINTS):
                g = f.create_group(f"constraints/{name}")
                d = g.create_dataset("counts", data=cnt[:, k])
                attach(d, dyear)
                d2 = g.create_dataset("fraction", data=cnt[:, k] / n)
                attach(d2, dyear)
                info["constraints"][name] = cnt[:, k]

        if observations:
            obs = [("total_energy", base_year + 1, 60.0, "IEA, Energy and AI (2025)"),
                   ("power_capacity", base_year + 2, 35.0, "a made-up figure for the test"),
                   ("total_energy", base_year + 3, 400.0, "another made-up figure")]
            g = f.create_group("observations")
            g.create_dataset("series", data=np.array([o[0] for o in obs], dtype=object),
                             dtype=_str_dtype())
            g.create_dataset("year", data=np.array([o[1] for o in obs], dtype=np.int32))
            g.create_dataset("value", data=np.array([o[2] for o in obs]))
            cle = np.array([n // 10, n // 2, n - 5], dtype=np.uint64)
            g.create_dataset("count_le", data=cle)
            g.create_dataset("pit", data=cle / n)
            g.create_dataset("source", data=np.array([o[3] for o in obs], dtype=object),
                             dtype=_str_dtype())
            info["observations"] = obs
            info["count_le"] = cle
        f.create_group("state")                          # never read
        f["state"].create_dataset("done", data=np.zeros(3, dtype=np.uint8))
    return info
