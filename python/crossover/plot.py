"""Plots of Crossover results with matplotlib.

Each function draws on the Axes given as ax=, or on a new matplotlib Figure
of its own with an Agg canvas (made without pyplot, so no display is involved
and pyplot's backend is left alone: save it with ax.figure.savefig(...)), and
returns the Axes. Every plot takes title= (a title of one's own) and legend=
("right" of the plotting area, the default; "below" the x axis, for panels in
a grid; None for no legend): a legend is never drawn over the data.
"""
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ._read import combine, crossover_names, series_names

# A palette that stays distinguishable when bands overlap (Okabe-Ito).
_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
# Scenarios also differ in line style and marker, so that curves which coincide
# (two scenarios that differ only where this chart does not look) stay visible.
_STYLES = ["-", (0, (5, 2)), (0, (1.5, 1.2)), "-.", (0, (8, 2, 1.5, 2))]
_MARKERS = ["o", "s", "^", "D", "v"]


# ---- names and labels -------------------------------------------------------------

def _human(name):
    """inference_compute -> Inference compute; training.growth -> Training: growth."""
    if "." in name:
        group, rest = name.split(".", 1)
        return f"{group.capitalize()}: {rest.replace('_', ' ')}"
    s = name.replace("_", " ")
    return s[:1].upper() + s[1:]


def _units(units):
    """Units as a label shows them: none for the dimensionless '1'."""
    return "" if units in (None, "", "1") else str(units)


def label(ds, name):
    """A readable label with units for a series (or any variable) of ds,
    e.g. 'Inference compute (FLOP/yr)': the units as a person reads them
    (`display_units`, where they differ from the UDUNITS `units`)."""
    var = ds[name] if name in ds.variables else None
    units = (var.attrs.get("display_units", var.attrs.get("units"))
             if var is not None else None)
    text = _human(name)
    u = _units(units)
    return f"{text} ({u})" if u else text


def _new_axes(ax, size=(9.0, 4.8)):
    if ax is not None:
        return ax
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)                 # Agg, whatever pyplot's backend is
    return fig.add_subplot()


def _legend_outside(ax, handles, where="right"):
    """The legend beside the plotting area, never over the data: right of it
    (where="right"), or under the x axis label (where="below", for Axes in a
    grid of panels); where=None draws none."""
    labels = [h.get_label() for h in handles]
    if where is None or where is False:
        return None
    if where == "below":
        return ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                         borderaxespad=3.4, frameon=False)
    if where != "right":
        raise ValueError(f"legend={where!r}: 'right', 'below' or None")
    return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                     borderaxespad=0.0, frameon=False)


def _one_scenario(ds, what):
    if "scenario" in ds.dims:
        if ds.sizes["scenario"] == 1:
            return ds.isel(scenario=0)
        raise ValueError(f"{what} draws one scenario: pick one with ds.sel(scenario=...), "
                         "or overlay them with crossover.compare")
    return ds


def _title_scenario(ds):
    s = ds.attrs.get("scenario")
    if s is None and "scenario" in ds.coords and ds["scenario"].ndim == 0:
        s = str(ds["scenario"].values)
    return f"{s}: " if s else ""


def _years_axis(ax, years):
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins="auto", min_n_ticks=3))
    ax.set_xlabel("Year")
    ax.grid(True, which="major", alpha=0.3, linewidth=0.6)


# ---- bands ------------------------------------------------------------------------

def _bands(pcts):
    """(median level, [(lo, hi) outer, (lo, hi) inner]) from the levels a file has:
    5-95 and 25-75 when present, else the widest and the narrowest symmetric pairs."""
    p = [float(x) for x in pcts]
    med = min(p, key=lambda x: abs(x - 50.0))
    pairs = sorted({(lo, 100.0 - lo) for lo in p if lo < 50.0 and (100.0 - lo) in p})
    if not pairs:
        return med, []
    outer = (5.0, 95.0) if (5.0, 95.0) in pairs else pairs[0]
    inner = (25.0, 75.0) if (25.0, 75.0) in pairs else pairs[-1]
    return med, [outer] + ([inner] if inner != outer else [])


def _band_name(lo, hi):
    return f"{hi - lo:g}% band ({lo:g}th–{hi:g}th percentile)"


def _use_log(values):
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return v.size > 0 and np.all(v > 0) and v.max() / v.min() > 100.0


def _observations_of(ds, series):
    if "observation_series" not in ds:
        return []
    out = []
    for i, s in enumerate(ds["observation_series"].values.tolist()):
        if s == series:
            src = str(ds["observation_source"].values[i]) if "observation_source" in ds else ""
            pit = float(ds["observation_pit"].values[i]) if "observation_pit" in ds else np.nan
            out.append((int(ds["observation_year"].values[i]),
                        float(ds["observation_value"].values[i]), src, pit))
    return out


def _pit(p):
    """A PIT readable at the ends: 0.9995 is not 1.00."""
    return f"{p:.2f}" if 0.01 <= p <= 0.99 else f"{p:.4f}"


def _short(text, n=38):
    return text if len(text) <= n else text[:n - 1] + "…"


def fan(ds, series, ax=None, *, color=None, log=None, observations=True, title=None,
        legend="right"):
    """Fan chart of one series: the median line and the 90% and 50% bands
    (5-95th and 25-75th percentiles; the nearest levels the file has otherwise),
    with the file's observations of that series as points. log: None picks a log
    axis for a positive series spanning more than two decades. Returns the Axes."""
    ds = _one_scenario(ds, "fan")
    if series not in ds or ds[series].dims != ("year", "percentile"):
        raise KeyError(f"no series {series!r}; the file has {series_names(ds)}")
    da = ds[series]
    years = ds["year"].values
    med, bands = _bands(ds["percentile"].values)
    color = color or _COLORS[0]
    ax = _new_axes(ax)
    handles = []
    for k, (lo, hi) in enumerate(bands):
        alpha = 0.18 if k == 0 else 0.38
        ax.fill_between(years, da.sel(percentile=lo), da.sel(percentile=hi), color=color,
                        alpha=alpha, linewidth=0)
        handles.append(Patch(facecolor=color, alpha=alpha if k == 0 else 0.18 + 0.38 * 0.82,
                             label=_band_name(lo, hi)))
    (line,) = ax.plot(years, da.sel(percentile=med), color=color, linewidth=2.0,
                      label="median" if med == 50.0 else f"{med:g}th percentile")
    handles.insert(0, line)
    obs = _observations_of(ds, series) if observations else []
    for year, value, src, pit in obs:
        h = ax.plot([year], [value], marker="D", markersize=7, color="black",
                    markerfacecolor="white", markeredgewidth=1.6, linestyle="none",
                    label=f"observed {year}" + (f" (PIT {_pit(pit)})" if np.isfinite(pit) else "")
                          + (f"\n{_short(src)}" if src else ""))[0]
        handles.append(h)
    lows = da.sel(percentile=bands[0][0]) if bands else da.sel(percentile=med)
    highs = da.sel(percentile=bands[0][1]) if bands else da.sel(percentile=med)
    if log is None:
        log = _use_log(np.concatenate([lows.values, highs.values]))
    if log:
        ax.set_yscale("log")
    _years_axis(ax, years)
    ax.set_ylabel(label(ds, series))
    ax.set_title(title if title is not None else f"{_title_scenario(ds)}{_human(series)}",
                 loc="left")
    _legend_outside(ax, handles, legend)
    return ax


def _pair(var, sep):
    """sep + 'inference compute ≥ training compute' from a crossover's lhs and rhs."""
    lhs, rhs = var.attrs.get("lhs"), var.attrs.get("rhs")
    if not (lhs and rhs):
        return ""
    return f"{sep}{lhs.replace('_', ' ')} ≥ {rhs.replace('_', ' ')}"


# ---- crossovers ---------------------------------------------------------------------

def _cross_var(ds, name, x):
    return ds.get(f"crossover_{name}_{x}")


def _regime_curves(ds, name):
    """Per regime: P(crossover year <= y | regime), from year_counts_by_regime and
    each regime's sample count."""
    byr = _cross_var(ds, name, "year_counts_by_regime")
    if byr is None or "regime" not in byr.dims:
        return []
    if "regime_count" in ds:
        per = ds["regime_count"].astype(float)
    elif "regime_probability" in ds and "samples" in ds.attrs:
        per = ds["regime_probability"] * float(ds.attrs["samples"])
    else:
        return []
    out = []
    for r in ds["regime"].values.tolist():
        cnt = float(per.sel(regime=r))
        cum = byr.sel(regime=r).astype(float).cumsum("year") / cnt if cnt > 0 else None
        share = float(ds["regime_probability"].sel(regime=r)) if "regime_probability" in ds \
            else np.nan
        out.append((r, cum, share))
    return out


def crossover(ds, name, ax=None, *, regimes=True, title=None, legend="right"):
    """The probability that a crossover has happened by each year (the cumulative
    distribution of the crossover year), with its 95% interval where the file has
    standard errors, the probability of crossing in each year as bars, the median
    crossing time, and, when the run had regimes, one curve per regime
    (probability within that regime). Returns the Axes."""
    ds = _one_scenario(ds, "crossover")
    cum = _cross_var(ds, name, "cumulative")
    if cum is None:
        raise KeyError(f"no crossover {name!r}; the file has {crossover_names(ds)}")
    years = ds["year"].values
    ax = _new_axes(ax)
    handles = []
    prob = _cross_var(ds, name, "probability")
    if prob is not None:
        h = ax.bar(years, prob.values, width=0.7, color="0.82", edgecolor="0.6",
                   linewidth=0.5, label="P(crossover in the year)", zorder=1)
        handles.append(h)
    se = _cross_var(ds, name, "cumulative_se")
    if se is not None:
        ax.fill_between(years, np.clip(cum - 1.96 * se, 0, 1), np.clip(cum + 1.96 * se, 0, 1),
                        color=_COLORS[0], alpha=0.25, linewidth=0, zorder=2)
    (h,) = ax.plot(years, cum.values, color=_COLORS[0], marker="o", markersize=4, linewidth=2.2,
                   zorder=4, label="P(crossed by the year)" + (" ±1.96 s.e." if se is not None
                                                                else ""))
    handles.append(h)
    if regimes:
        for k, (r, rc, share) in enumerate(_regime_curves(ds, name)):
            if rc is None:
                continue
            lab = f"regime {r}" + (f" ({share:.0%} of samples)" if np.isfinite(share) else "")
            (h,) = ax.plot(years, rc.values, color=_COLORS[(k + 1) % len(_COLORS)],
                           linestyle=(0, (4, 2)) if k % 2 == 0 else (0, (1.5, 1.5)),
                           linewidth=1.6, zorder=3, label=lab)
            handles.append(h)
    tq = _cross_var(ds, name, "time_quantiles")
    if tq is not None and 50.0 in tq["percentile"].values:
        m = float(tq.sel(percentile=50.0))
        if np.isfinite(m):
            h = ax.axvline(m, color="black", linestyle=":", linewidth=1.2, zorder=3,
                           label=f"median crossing time {m:.1f}")
        else:
            h = Line2D([], [], color="none", label=f"median crossing time after {years[-1]}")
        handles.append(h)
    never = 1.0 - float(cum.values[-1])
    handles.append(Line2D([], [], color="none", label=f"not crossed by {years[-1]}: {never:.1%}"))
    ax.set_ylim(0, 1.02)
    _years_axis(ax, years)
    ax.set_ylabel("Probability")
    head = f"{_title_scenario(ds)}{name} crossover" + _pair(cum, "\n")
    ax.set_title(title if title is not None else head, loc="left")
    _legend_outside(ax, handles, legend)
    return ax


# ---- several scenarios ----------------------------------------------------------------

def compare(data, name, ax=None, *, band=(5.0, 95.0), names=None, log=None, title=None,
            legend="right"):
    """Scenarios overlaid: for a series, each scenario's median line and band
    (band=(lo, hi) percentile levels; None for medians only); for a crossover,
    each scenario's probability of having crossed by each year. data: a Dataset
    of open_many (dimension scenario), or a list or dict of Datasets of open.
    Returns the Axes."""
    ds = data if not isinstance(data, (list, tuple, dict)) else combine(data, names=names)
    if "scenario" not in ds.dims:
        ds = ds.expand_dims(scenario=[ds.attrs.get("scenario", "run")])
    years = ds["year"].values
    scen = [str(s) for s in ds["scenario"].values.tolist()]
    ax = _new_axes(ax)
    handles = []
    if name in ds and ds[name].dims[-2:] == ("year", "percentile"):
        da = ds[name]
        med, _ = _bands(ds["percentile"].values)
        if band is not None and not all(b in ds["percentile"].values for b in band):
            raise ValueError(f"band {band}: the files have the percentiles "
                             f"{ds['percentile'].values.tolist()}")
        for k, s in enumerate(scen):
            c = _COLORS[k % len(_COLORS)]
            d = da.isel(scenario=k)
            if band is not None:
                lo, hi = d.sel(percentile=band[0]), d.sel(percentile=band[1])
                ax.fill_between(years, lo, hi, color=c, alpha=0.13 if len(scen) < 3 else 0.09,
                                linewidth=0)
                ax.plot(years, lo, color=c, linewidth=0.8, linestyle="--", alpha=0.8)
                ax.plot(years, hi, color=c, linewidth=0.8, linestyle="--", alpha=0.8)
            (h,) = ax.plot(years, d.sel(percentile=med), color=c, linewidth=2.2, label=s,
                           linestyle=_STYLES[k % len(_STYLES)])
            handles.append(h)
        if band is not None:
            handles.append(Line2D([], [], color="0.3", linewidth=2.2, label="thick: medians"))
            edges = _band_name(*band).replace(" band", " band edges")
            handles.append(Line2D([], [], color="0.3", linewidth=0.8, linestyle="--",
                                  label=f"thin: {edges}"))
        if log is None:
            vals = da.sel(percentile=list(band)).values if band is not None \
                else da.sel(percentile=med).values
            log = _use_log(vals)
        if log:
            ax.set_yscale("log")
        ax.set_ylabel(label(ds, name))
        what = _human(name)
    elif f"crossover_{name}_cumulative" in ds:
        cum = ds[f"crossover_{name}_cumulative"]
        se = ds.get(f"crossover_{name}_cumulative_se")
        for k, s in enumerate(scen):
            c = _COLORS[k % len(_COLORS)]
            d = cum.isel(scenario=k)
            if se is not None:
                e = se.isel(scenario=k)
                ax.fill_between(years, np.clip(d - 1.96 * e, 0, 1), np.clip(d + 1.96 * e, 0, 1),
                                color=c, alpha=0.2, linewidth=0)
            last = float(d.values[-1])
            lab = f"{s}: {1 - last:.0%} not by {years[-1]}" if np.isfinite(last) \
                else f"{s}: no crossover {name}"
            (h,) = ax.plot(years, d, color=c, marker=_MARKERS[k % len(_MARKERS)], markersize=4.5,
                           linewidth=2.0, linestyle=_STYLES[k % len(_STYLES)], label=lab)
            handles.append(h)
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("P(crossed by the year)")
        what = f"{name} crossover" + _pair(cum, "\n")
    else:
        raise KeyError(f"{name!r} is neither a series ({series_names(ds)}) nor a crossover "
                       f"({crossover_names(ds)})")
    _years_axis(ax, years)
    ax.set_title(title if title is not None else what, loc="left")
    _legend_outside(ax, handles, legend)
    return ax


# ---- sensitivity ----------------------------------------------------------------------

def sensitivity(ds, target, ax=None, *, top=None, title=None, legend="right"):
    """First-order and total Sobol' indices of one sensitivity target (names in
    ds['target']), one pair of bars per parameter with their 95% confidence
    intervals, largest total index first; top=N shows the N largest. Returns the
    Axes."""
    ds = _one_scenario(ds, "sensitivity")
    if "sensitivity_total" not in ds:
        raise KeyError("the file has no sensitivity indices (a job with a sensitivity: section)")
    targets = ds["target"].values.tolist()
    if target not in targets:
        raise KeyError(f"no sensitivity target {target!r}; the file has {targets}")
    t = ds.sel(target=target)
    first, total = t["sensitivity_first_order"].values, t["sensitivity_total"].values
    params = [str(p) for p in t["parameter"].values.tolist()]
    order = np.argsort(-np.nan_to_num(total, nan=-np.inf), kind="stable")
    if top is not None:
        order = order[:top]
    n = len(order)
    ax = _new_axes(ax, size=(9.0, 1.5 + 0.42 * n))
    y = np.arange(n)
    h = 0.38
    bars = []
    for k, (vals, ci, c, lab) in enumerate([
            (first, t.get("sensitivity_first_order_ci"), _COLORS[0], "first order"),
            (total, t.get("sensitivity_total_ci"), _COLORS[1], "total")]):
        v = vals[order]
        err = None
        if ci is not None:
            lo, hi = ci.values[order, 0], ci.values[order, 1]
            err = np.vstack([np.clip(v - lo, 0, None), np.clip(hi - v, 0, None)])
        b = ax.barh(y + (k - 0.5) * h, v, height=h, color=c, alpha=0.85, label=lab,
                    xerr=err, error_kw={"elinewidth": 1.0, "capsize": 2.5, "ecolor": "0.2"})
        bars.append(b)
    if t.get("sensitivity_total_ci") is not None or t.get("sensitivity_first_order_ci") is not None:
        bars.append(Line2D([], [], color="0.2", linewidth=1.0, marker="|", markersize=8,
                           label="95% confidence interval"))
    ax.set_yticks(y, [params[i] for i in order])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel("Sobol' index (share of the target's variance)")
    ax.grid(True, axis="x", alpha=0.3, linewidth=0.6)
    meaning = ""
    if "sensitivity_meaning" in t:
        meaning = str(t["sensitivity_meaning"].values)
    ax.set_title(title if title is not None else f"{_title_scenario(ds)}Sobol' indices of {target}"
                 + (f"\n({meaning})" if meaning else ""), loc="left", fontsize="medium")
    _legend_outside(ax, bars, legend)
    return ax
