#!/usr/bin/python3
"""Checks a Crossover results file against a brute-force recomputation.

    check_stats.py RESULTS.h5 [-q]
    check_stats.py --self-test

RESULTS.h5 must have been written by `crossover run` with `outputs: {samples:
true}` (docs/results-format.md). From the per-sample inputs in
/samples the series are recomputed with bench/reference.py (an independent
NumPy implementation of docs/model.md), and every statistic of the file is checked
against the exact, sorted, all-sample answer:

- /series/<name>/percentiles: |v - x(k)| <= a |x(k)| with k = max(1, ceil(p n /
  100)), a = outputs.relative_accuracy (default 0.001), and exactly 0 where
  x(k) = 0 (plus a relative slack of 1e-9 of the bound for the last bits);
- /series/<name>/mean and std (population) to 1e-9 relative;
- /crossover/<name>/year_counts and the `never` attribute exactly, probability
  and cumulative to 1e-12;
- /samples/crossover.<name>: each sample's crossing year within 1e-3 yr of the
  reference's, censored (NaN) exactly where the reference finds no crossing;
- /crossover/<name>/time_quantiles: within 1/2048 yr of the order statistics of
  the file's own per-sample crossing years (censored = +inf; NaN expected where
  the order statistic is censored);
- /parameters/<key>/percentiles against /samples/<key>, as for the bands.

The power policy, the relative accuracy and whether a power cap is configured
are read from the root attribute `config` (YAML; python3-yaml when available,
else a regular expression) and from /samples/power.capacity.

Prints one line per check and exits 0 when all pass, 1 when any fails, 2 when
the file cannot be read. --self-test writes fake results files (correct ones
and deliberately wrong ones) and checks that this script tells them apart.
"""

import math
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import reference as ref  # noqa: E402
import reference_capacity as rc  # noqa: E402

BAND_SLACK = 1e-9  # relative slack on the percentile bound (float rounding)
MOMENT_RTOL = 1e-9
TAU_TOL = 1e-3  # yr, per-sample crossing times
TQ_TOL = 1.0 / 2048  # yr, crossing-time quantiles
PROB_TOL = 1e-12


def _str(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray) and v.shape == ():
        return _str(v[()])
    return str(v)


def parse_config(text, use_yaml=True):
    """(policy, relative_accuracy, capacity_configured) from the job's YAML text,
    grouped (parameters: {power: {capacity: ...}}) or flat (parameters:
    {power.capacity: ...}, as mc_job_to_yaml writes it); comments are ignored."""
    policy, acc, cfg = None, None, None
    if use_yaml:
        try:
            import yaml

            cfg = yaml.safe_load(text)
        except Exception:  # no python3-yaml, or text it cannot read
            cfg = None
    if isinstance(cfg, dict):
        pw = cfg.get("power")
        if isinstance(pw, dict):
            policy = pw.get("policy")
        params = cfg.get("parameters")
        params = params if isinstance(params, dict) else {}
        group = params.get("power") if isinstance(params.get("power"), dict) else {}
        if policy is None:
            policy = group.get("policy")
        capacity = "power.capacity" in params or "capacity" in group
        out = cfg.get("outputs")
        if isinstance(out, dict) and out.get("relative_accuracy") is not None:
            acc = float(out["relative_accuracy"])
    else:
        m = re.search(r"^\s*policy:\s*['\"]?([A-Za-z_]+)", text, re.M) or re.search(
            r"\bpolicy:\s*['\"]?([A-Za-z_]+)", text)
        policy = m.group(1) if m else None
        m = re.search(r"relative_accuracy:\s*([0-9.eE+-]+)", text)
        acc = float(m.group(1)) if m else None
        capacity = re.search(r"^[ \t]*(power\.)?capacity[ \t]*:", text, re.M) is not None
    return policy or "proportional", 0.001 if acc is None else acc, capacity


class Report:
    def __init__(self, quiet=False):
        self.quiet = quiet
        self.failures = []

    def ok(self, name, detail=""):
        if not self.quiet:
            print("PASS %s%s" % (name, ": " + detail if detail else ""))

    def fail(self, name, detail):
        self.failures.append(name)
        if not self.quiet:
            print("FAIL %s: %s" % (name, detail))

    def check(self, cond, name, detail_ok, detail_fail):
        (self.ok(name, detail_ok) if cond else self.fail(name, detail_fail))
        return cond

    def note(self, text):
        if not self.quiet:
            print("NOTE " + text)


def check_quantiles(rep, name, got, values, pcts, acc):
    """got [Y, Q] (or [Q]) against order statistics of values [n, Y] (or [n])."""
    values = np.asarray(values, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    one = values.ndim == 1
    if one:
        values, got = values[:, None], got[None, :]
    if got.shape != (values.shape[1], len(pcts)):
        rep.fail(name, "shape %s, expected %s" % (got.shape, (values.shape[1], len(pcts))))
        return
    bad, worst = [], 0.0
    nonfinite = 0
    for y in range(values.shape[1]):
        v = values[:, y]
        fin = np.isfinite(v)
        nonfinite += int((~fin).sum())
        xk = ref.percentile(v[fin], pcts)
        for q in range(len(pcts)):
            x, g = xk[q], got[y, q]
            if x == 0.0:
                okq = g == 0.0
                r = 0.0 if okq else math.inf
            else:
                r = abs(g - x) / (acc * abs(x)) if np.isfinite(g) else math.inf
                okq = r <= 1.0 + BAND_SLACK
            worst = max(worst, r)
            if not okq:
                bad.append((y, pcts[q], g, x))
    where = (lambda b: "p%g: %.17g, x(k) %.17g" % (b[1], b[2], b[3])) if one else (
        lambda b: "year %d p%g: %.17g, x(k) %.17g" % b)
    if nonfinite:
        rep.note("%s: %d non-finite recomputed values left out" % (name, nonfinite))
    rep.check(not bad, name, "%d values within a=%g (worst %.3g of the bound)"
              % (got.size, acc, worst),
              "%d of %d values outside a=%g; first: %s" % (len(bad), got.size, acc,
                                                           "; ".join(where(b) for b in bad[:3])))


def check_moments(rep, name, mean, std, values):
    fin = np.isfinite(values)
    v = np.where(fin, values, 0.0)
    cnt = fin.sum(axis=0)
    mr = v.sum(axis=0) / cnt
    sr = np.sqrt((np.where(fin, values - mr, 0.0) ** 2).sum(axis=0) / cnt)
    mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
    if mean.shape != mr.shape or std.shape != sr.shape:
        rep.fail(name + " mean/std",
                 "shapes %s %s, expected %s" % (mean.shape, std.shape, mr.shape))
        return
    em = np.abs(mean - mr) / np.maximum(np.abs(mr), 1e-300)
    rep.check(bool(np.all(em <= MOMENT_RTOL)), name + " mean",
              "worst relative error %.2g" % em.max(),
              "year index %d: %.17g, expected %.17g (relative error %.2g)"
              % (int(em.argmax()), mean[em.argmax()], mr[em.argmax()], em.max()))
    # |std - sr| <= 1e-9 sr + 1e-12 |mean|: the second term for (near-)constant series.
    es = np.abs(std - sr) / np.maximum(sr + 1e-3 * np.abs(mr), 1e-300)
    rep.check(bool(np.all(es <= MOMENT_RTOL)), name + " std",
              "worst relative error %.2g" % es.max(),
              "year index %d: %.17g, expected %.17g (relative error %.2g)"
              % (int(es.argmax()), std[es.argmax()], sr[es.argmax()], es.max()))


def model_of(f, config):
    """The job's model: the root attribute `model`, else `model:` in the config,
    else demand (the default of jobs that name none)."""
    if "model" in f.attrs:
        return _str(f.attrs["model"])
    m = re.search(r"^model:\s*([A-Za-z_]+)", config, re.M)
    return m.group(1) if m else "demand"


def check_constraints(rep, f, bind, years, n):
    """/constraints/<name>/counts and fraction against the reference's binding
    constraints bind [n, Y] (codes of rc.BINDING, -1 in the base year)."""
    if "constraints" not in f:
        rep.fail("/constraints", "missing (model capacity)")
        return
    for code, name in enumerate(rc.BINDING):
        pre = "/constraints/" + name
        if name not in f["constraints"]:
            rep.fail(pre, "missing")
            continue
        want = (bind == code).sum(axis=0).astype(np.int64)
        got = np.asarray(f["constraints"][name]["counts"][...]).astype(np.int64)
        diff = np.nonzero(got != want)[0] if got.shape == want.shape else [0]
        rep.check(len(diff) == 0, pre + "/counts", "exact (%d in the last year)" % want[-1],
                  "shape %s; differ in %s: file %s, expected %s"
                  % (got.shape, [int(years[d]) for d in diff[:5]], got[diff[:5]].tolist()
                     if got.shape == want.shape else got.tolist(), want[diff[:5]].tolist()))
        fr = np.asarray(f["constraints"][name]["fraction"][...], dtype=np.float64)
        rep.check(fr.shape == want.shape and bool(np.all(np.abs(fr - want / n) <= PROB_TOL)),
                  pre + "/fraction", "counts / n", "%s" % fr.tolist())
    total = sum((bind == c).sum(axis=0) for c in range(len(rc.BINDING)))
    rep.check(bool(np.all(total[1:] == n)) and total[0] == 0, "/constraints sum",
              "n in every year after the base year", "%s" % total.tolist())


def check_regimes_observations(rep, f, series, crossing, years, n):
    """/regimes, /crossover/<c>/year_counts_by_regime and /observations against
    the samples' own regimes (/samples/regime) and the recomputed series."""
    if "regimes" in f:
        if "regime" not in f["samples"]:
            rep.fail("/samples/regime", "missing (a job with regimes writes each sample's regime)")
        else:
            reg = np.asarray(f["samples"]["regime"][...]).astype(np.int64)
            names = [_str(x) for x in f["crossover"][list(f["crossover"])[0]]
                     ["year_counts_by_regime"].attrs["regimes"].split(",")]
            want = np.bincount(reg, minlength=len(names))
            got = np.array([int(f["regimes"][r]["count"][()]) for r in names])
            rep.check(np.array_equal(got, want) and got.sum() == n, "/regimes counts",
                      "exact: %s" % dict(zip(names, got.tolist())),
                      "file %s, expected %s" % (got.tolist(), want.tolist()))
            for name in f["crossover"]:
                g = f["crossover"][name]
                yi, _ = crossing(_str(g.attrs["lhs"]), _str(g.attrs["rhs"]))
                fc = np.asarray(g["year_counts_by_regime"][...]).astype(np.int64)
                ok = fc.shape == (len(names), len(years))
                for r in range(len(names)):
                    sel = (reg == r) & (yi >= 0)
                    w = np.bincount(yi[sel], minlength=len(years))
                    ok = ok and np.array_equal(fc[r], w)
                rep.check(ok, "/crossover/%s/year_counts_by_regime" % name, "exact",
                          "differs from the per-regime counts of the recomputed crossovers")
    if "observations" in f:
        g = f["observations"]
        ser = [_str(s) for s in g["series"][...]]
        yrs, vals = g["year"][...], g["value"][...]
        cnt, pit = g["count_le"][...], g["pit"][...]
        bad = []
        for o in range(len(ser)):
            x = series[ser[o]][:, list(years).index(int(yrs[o]))]
            k = int((x <= vals[o]).sum())
            if k != int(cnt[o]) or abs(pit[o] - k / n) > PROB_TOL:
                bad.append("%s %d: file %d (%g), expected %d" % (ser[o], yrs[o], cnt[o], pit[o], k))
        rep.check(not bad, "/observations", "%d counts exact" % len(ser), "; ".join(bad[:3]))


def run_checks(path, quiet=False, use_yaml=True):
    """Checks the results file at path; returns the list of failed checks."""
    import h5py

    rep = Report(quiet)
    with h5py.File(path, "r") as f:
        a = f.attrs
        for key in ("base_year", "horizon_year", "samples", "config"):
            if key not in a:
                rep.fail("root attributes", "missing attribute %r" % key)
                return rep.failures
        y0, yh, n = int(a["base_year"]), int(a["horizon_year"]), int(a["samples"])
        fmt = _str(a.get("format", ""))
        rep.check(fmt == "crossover-results", "format", fmt, "format attribute %r" % fmt)
        model = model_of(f, _str(a["config"]))
        if model == "capacity":
            return run_capacity_checks(rep, f, y0, yh, n, _str(a["config"]), use_yaml)
        if model != "demand":
            rep.fail("model", "unknown model %r" % model)
            return rep.failures
        policy, acc, cfg_cap = parse_config(_str(a["config"]), use_yaml)
        if policy not in ref.POLICIES:
            rep.fail("config", "unknown power policy %r" % policy)
            return rep.failures
        years = np.arange(y0, yh + 1)
        ny = len(years)
        if "year" in f:
            rep.check(np.array_equal(f["year"][...], years), "/year", "%d-%d" % (y0, yh),
                      "%s, expected %d..%d" % (f["year"][...], y0, yh))
        else:
            rep.fail("/year", "missing")
        if "percentile" not in f or "samples" not in f:
            rep.fail("layout",
                     "missing /percentile or /samples (run with outputs: {samples: true})")
            return rep.failures
        pcts = np.asarray(f["percentile"][...], dtype=np.float64)
        params = ref.read_samples(f)
        lens = {k: len(v) for k, v in params.items()}
        if any(m != n for m in lens.values()):
            rep.fail("/samples", "lengths %s, expected n = %d" % (lens, n))
            return rep.failures
        missing = [k for k in ref.REQUIRED if k not in params]
        if missing:
            rep.fail("/samples", "missing parameters " + ", ".join(missing))
            return rep.failures
        if cfg_cap and not ref.has_cap(params):
            rep.fail("power cap", "power.capacity is configured but /samples/power.capacity is "
                     "absent or NaN")
            return rep.failures
        if not cfg_cap and ref.has_cap(params):
            rep.note("/samples/power.capacity present without power.capacity in the config: "
                     "computed without a cap")
            params.pop("power.capacity")
            params.pop("power.capacity_growth", None)
        cap = cfg_cap
        rep.ok("config", "n %d, %d-%d, %d percentiles, policy %s, relative accuracy %g, %s"
               % (n, y0, yh, len(pcts), policy, acc, "power cap" if cap else "no power cap"))

        series = ref.project(params, y0, yh, policy)
        crossing = lambda lhs, rhs: (ref.crossover_year_index(series[lhs], series[rhs]),
                                     ref.crossings(params, y0, yh, lhs, rhs, policy)[1])
        check_all(rep, f, params, series, ref.SERIES, crossing, pcts, acc, years, n, TAU_TOL)
        check_regimes_observations(rep, f, series, crossing, years, n)
    return rep.failures


def run_capacity_checks(rep, f, y0, yh, n, config, use_yaml):
    """Model capacity: series, binding constraints and crossovers recomputed
    with bench/reference_capacity.py from the file's /samples."""
    _, acc, _ = parse_config(config, use_yaml)
    years = np.arange(y0, yh + 1)
    if "percentile" not in f or "samples" not in f:
        rep.fail("layout", "missing /percentile or /samples (run with outputs: {samples: true})")
        return rep.failures
    pcts = np.asarray(f["percentile"][...], dtype=np.float64)
    g = f["samples"]
    params = {k: np.asarray(g[k][...], dtype=np.float64) for k in rc.PARAMS if k in g}
    missing = [k for k in rc.REQUIRED if k not in params]
    if missing:
        rep.fail("/samples", "missing parameters " + ", ".join(missing))
        return rep.failures
    rep.ok("config", "model capacity, n %d, %d-%d, %d percentiles, relative accuracy %g"
           % (n, y0, yh, len(pcts), acc))
    series, bind = rc.project(params, y0, yh, binding=True)
    check_constraints(rep, f, bind, years, n)
    crossing = lambda lhs, rhs: rc.crossings(series[lhs], series[rhs])
    # crossing times are exact on the grid's log-linear interpolation: the
    # engine's and the reference's differ only by rounding
    check_all(rep, f, params, series, rc.SERIES, crossing, pcts, acc, years, n, 1e-9)
    check_regimes_observations(rep, f, series, crossing, years, n)
    return rep.failures


def check_all(rep, f, params, series, names, crossing, pcts, acc, years, n, tau_tol):
    """The checks both models share: bands and moments of every series, the
    realized parameters, and every crossover's counts, per-sample crossing
    times and time quantiles. crossing(lhs, rhs) gives the reference's
    (year index [n], tau [n] in years since the base year, inf = censored)."""
    y0, ny = int(years[0]), len(years)
    for name in names:
        if name not in series:
            if "series" in f and name in f["series"]:
                rep.fail("/series/" + name, "present without a power cap")
            continue
        if "series" not in f or name not in f["series"]:
            rep.fail("/series/" + name, "missing")
            continue
        g = f["series"][name]
        vals = series[name]
        check_quantiles(rep, "/series/%s/percentiles" % name, g["percentiles"][...], vals, pcts,
                        acc)
        check_moments(rep, "/series/%s" % name, g["mean"][...], g["std"][...], vals)
    if "series" in f:
        for name in f["series"]:
            if name not in names:
                rep.note("/series/%s: not a series of docs/model.md, not checked" % name)

    if "parameters" in f:
        for key in f["parameters"]:
            if key not in params:
                rep.note("/parameters/%s: no /samples/%s, not checked" % (key, key))
                continue
            check_quantiles(rep, "/parameters/%s/percentiles" % key,
                            f["parameters"][key]["percentiles"][...], params[key], pcts, acc)
    else:
        rep.note("no /parameters group")

    if "crossover" not in f:
        rep.fail("/crossover", "missing")
        return
    for name in f["crossover"]:
        g = f["crossover"][name]
        lhs, rhs = _str(g.attrs.get("lhs", "")), _str(g.attrs.get("rhs", ""))
        pre = "/crossover/%s" % name
        if lhs not in series or rhs not in series:
            rep.fail(pre, "lhs %r / rhs %r are not series of this job" % (lhs, rhs))
            continue
        yi, tau = crossing(lhs, rhs)
        counts = np.bincount(yi[yi >= 0], minlength=ny).astype(np.uint64)
        never = int((yi < 0).sum())
        fc = np.asarray(g["year_counts"][...])
        if fc.shape != (ny,):
            rep.fail(pre + "/year_counts", "shape %s, expected (%d,)" % (fc.shape, ny))
        else:
            diff = np.nonzero(fc.astype(np.int64) != counts.astype(np.int64))[0]
            rep.check(len(diff) == 0, pre + "/year_counts",
                      "%s >= %s: exact, %d never" % (lhs, rhs, never),
                      "differ in %s: file %s, expected %s"
                      % ([int(years[d]) for d in diff[:5]], fc[diff[:5]].tolist(),
                         counts[diff[:5]].tolist()))
        fn = int(g.attrs.get("never", -1))
        rep.check(fn == never, pre + " never", str(never), "%d, expected %d" % (fn, never))
        prob = counts.astype(np.float64) / n
        cum = np.cumsum(counts).astype(np.float64) / n
        for ds, want in (("probability", prob), ("cumulative", cum)):
            got = np.asarray(g[ds][...], dtype=np.float64)
            ok = got.shape == want.shape and bool(np.all(np.abs(got - want) <= PROB_TOL))
            rep.check(ok, "%s/%s" % (pre, ds), "matches the counts / n",
                      "%s, expected %s" % (got.tolist()[:ny], want.tolist()))

        key = "crossover." + name
        if key not in f["samples"]:
            rep.fail("/samples/" + key, "missing (run with outputs: {samples: true})")
            continue
        fy = np.asarray(f["samples"][key][...], dtype=np.float64)
        ry = y0 + tau
        cens_f, cens_r = np.isnan(fy), np.isinf(tau)
        bad_c = np.nonzero(cens_f != cens_r)[0]
        both = ~cens_f & ~cens_r
        err = np.abs(fy - ry)
        err = np.where(both, err, 0.0)
        bad_t = np.nonzero(err > tau_tol + 1e-9)[0]
        if len(bad_c):
            i = bad_c[0]
            rep.fail("/samples/" + key + " censoring",
                     "%d samples differ; first: sample %d file %r, expected %r"
                     % (len(bad_c), i, fy[i], ry[i] if np.isfinite(ry[i]) else "censored"))
        else:
            rep.ok("/samples/" + key + " censoring", "%d censored" % int(cens_r.sum()))
        if len(bad_t):
            i = bad_t[0]
            rep.fail("/samples/" + key, "%d samples off by more than %g yr; first: sample %d "
                     "file %.6f, expected %.6f" % (len(bad_t), tau_tol, i, fy[i], ry[i]))
        else:
            rep.ok("/samples/" + key, "within %g yr (worst %.2g)"
                   % (tau_tol, err.max() if err.size else 0.0))

        tq = np.asarray(g["time_quantiles"][...], dtype=np.float64)
        want = ref.percentile(np.where(cens_f, np.inf, fy), pcts)
        if tq.shape != want.shape:
            rep.fail(pre + "/time_quantiles", "shape %s, expected %s" % (tq.shape, want.shape))
            continue
        bad = []
        for q in range(len(pcts)):
            if np.isinf(want[q]):
                if not np.isnan(tq[q]):
                    bad.append("p%g: %r, expected NaN (censored)" % (pcts[q], tq[q]))
            elif not (abs(tq[q] - want[q]) <= TQ_TOL + 1e-9):
                bad.append("p%g: %r, expected %.6f" % (pcts[q], tq[q], want[q]))
        hint = ""
        fin = np.isfinite(tq)
        if bad and fin.any() and np.all(tq[fin] < y0 / 2):
            hint = " (these look like years since the base year; docs/results-format.md asks for " \
                   "fractional calendar years)"
        rep.check(not bad, pre + "/time_quantiles", "within 1/2048 yr",
                  "; ".join(bad[:3]) + hint)


# ----------------------------------------------------------------------------
# Self-test: fake results files written from the reference, right and wrong.


def _sketch_values(x, rel_acc):
    """What a log-linear sketch with accuracy rel_acc reports for values x: the
    harmonic midpoint of each value's bucket (exactly 0 for 0)."""
    m = next(m for m in range(53) if 2.0 ** -(m + 1) <= rel_acc)
    x = np.asarray(x, dtype=np.float64)
    sh = np.uint64(52 - m)
    bits = np.abs(x).view(np.uint64) >> sh
    lo = (bits << sh).view(np.float64)
    hi = ((bits + np.uint64(1)) << sh).view(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = 2 * lo * hi / (lo + hi)
    return np.where(x == 0, 0.0, np.copysign(h, x))


def _fake_params(n, seed, cap):
    rng = np.random.default_rng(seed)

    def ln(med, p5, p95):
        return rng.lognormal(np.log(med), np.log(p95 / p5) / (2 * 1.6448536269514722), n)

    p = {
        "training.compute": ln(6e28, 2e28, 1.5e29),
        "training.growth": ln(2.7, 2.0, 3.5),
        "training.growth_longrun": ln(1.45, 1.3, 1.6),
        "training.growth_halflife": rng.uniform(3, 10, n),
        "inference.compute": ln(1.5e28, 5e27, 5e28),
        "inference.growth": ln(4.0, 2.5, 6.0),
        "hardware.efficiency": ln(7.5e11, 5e11, 1.1e12),
        "hardware.efficiency_growth": ln(1.3, 1.2, 1.45),
        "hardware.power_factor": np.full(n, 0.7),
        "training.utilization": np.clip(ln(0.4, 0.25, 0.55), 0, 1),
        "inference.utilization": np.clip(ln(0.12, 0.05, 0.35), 0, 1),
        "datacenter.pue": np.maximum(ln(1.2, 1.08, 1.4), 1.0),
        "datacenter.pue_trend": rng.uniform(0.96, 1.0, n),
    }
    if cap:
        p["power.capacity"] = ln(15.0, 10.0, 30.0)
        p["power.capacity_growth"] = ln(1.6, 1.3, 2.0)
    return p


def write_fake(path, n=3000, seed=1, cap=True, policy="inference_first", acc=0.001, y0=2025,
               yh=2040, config_policy=None, config_acc=None, flat=True):
    """A results file as `crossover run` should write it, statistics computed
    from the reference and rounded the way the engine's sketches round."""
    import h5py

    pcts = np.array([0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100])
    params = _fake_params(n, seed, cap)
    series = ref.project(params, y0, yh, policy)
    rng = np.random.default_rng(seed + 100)
    # Flat keys and comments for defaults, as mc_job_to_yaml writes the
    # resolved job; or the groups of a hand-written job file.
    cfg = ("scenario: \"fake\"\ndescription: \"\"\ntime: {base_year: %d, horizon_year: %d}\n"
           "sampling: {samples: %d, method: mc, seed: %d}\nparameters:\n" % (y0, yh, n, seed))
    for key in ref.PARAMS:
        if key in params and flat:
            cfg += "  %s: {dist: lognormal, median: 1, gsd: 2}\n" % key
        elif flat:
            cfg += "  # %s: 1 (default)\n" % key
    if not flat:
        groups = {}
        for key in params:
            g, k = key.split(".")
            groups.setdefault(g, []).append(k)
        for g, ks in groups.items():
            cfg += "  %s:\n" % g + "".join("    %s: 1 to 2  # capacity\n" % k for k in ks)
    cfg += "correlations: []\npower: {policy: %s}\n" % (config_policy or policy)
    cfg += ("outputs:\n  percentiles: [%s]\n  relative_accuracy: %g\n  samples: true\n"
            % (", ".join("%g" % q for q in pcts), config_acc or acc))
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "crossover-results"
        f.attrs["format_version"] = 1
        f.attrs["scenario"] = "fake"
        f.attrs["config"] = cfg
        f.attrs["samples"] = np.uint64(n)
        f.attrs["base_year"] = y0
        f.attrs["horizon_year"] = yh
        f["year"] = np.arange(y0, yh + 1, dtype=np.int32)
        f["percentile"] = pcts
        for name, v in series.items():
            g = f.create_group("series/" + name)
            g["percentiles"] = _sketch_values(ref.percentile(v, pcts, axis=0).T, acc)
            g["mean"] = v.mean(axis=0)
            g["std"] = v.std(axis=0)
        for key, v in params.items():
            f["samples/" + key] = v
            f["parameters/%s/percentiles" % key] = _sketch_values(ref.percentile(v, pcts), acc)
        for name, (lhs, rhs) in ref.DEFAULT_CROSSOVERS.items():
            yi, tau = ref.crossings(params, y0, yh, lhs, rhs, policy)
            # Another engine's scan and bisection land elsewhere in the bracket.
            tau = np.where(tau > 0, tau + rng.uniform(-3e-4, 3e-4, n), tau)
            fy = np.where(np.isinf(tau), np.nan, y0 + tau)
            f["samples/crossover." + name] = fy
            counts = np.bincount(yi[yi >= 0], minlength=yh - y0 + 1).astype(np.uint64)
            g = f.create_group("crossover/" + name)
            g.attrs["lhs"], g.attrs["rhs"] = lhs, rhs
            g.attrs["never"] = np.uint64((yi < 0).sum())
            g["year_counts"] = counts
            g["probability"] = counts / n
            g["cumulative"] = np.cumsum(counts) / n
            # A histogram of 4096 bins per year reports a bin's middle.
            tq = ref.percentile(np.where(np.isnan(fy), np.inf, fy - y0), pcts)
            tq = np.where(np.isinf(tq), np.nan, y0 + (np.floor(tq * 4096) + 0.5) / 4096)
            g["time_quantiles"] = tq
    return params, series


def _self_test():
    import shutil
    import tempfile

    import h5py

    fails = []

    def expect(label, failures, want):
        if want is None:
            ok = not failures
        else:
            ok = any(want in fl for fl in failures)
        print("%s self-test %s: %s" % ("PASS" if ok else "FAIL", label,
                                       "no failures" if not failures else
                                       "caught by " + ", ".join(sorted(set(failures))[:4])))
        if not ok:
            fails.append(label)

    d = tempfile.mkdtemp(prefix="check_stats.")
    try:
        good = os.path.join(d, "good.h5")
        print("== a correct file (cap, inference_first), every check printed:")
        write_fake(good)
        expect("correct file passes", run_checks(good), None)
        expect("correct file passes with the regex config reader",
               run_checks(good, quiet=True, use_yaml=False), None)
        for i, (cap, pol, acc, flat) in enumerate(((False, "proportional", 0.01, True),
                                                   (False, "inference_first", 0.001, False),
                                                   (True, "training_first", 0.05, True),
                                                   (True, "proportional", 0.001, False))):
            pth = os.path.join(d, "good%d.h5" % i)
            write_fake(pth, n=1500, seed=7 + i, cap=cap, policy=pol, acc=acc, flat=flat)
            for use_yaml in (True, False):
                expect("correct file passes (%s, %s, a=%g, %s config, %s)"
                       % ("cap" if cap else "no cap", pol, acc, "flat" if flat else "grouped",
                          "yaml" if use_yaml else "regex"),
                       run_checks(pth, quiet=True, use_yaml=use_yaml), None)

        print("== deliberately wrong files, each must fail:")

        def corrupt(label, want, edit, **kw):
            pth = os.path.join(d, "bad.h5")
            if kw:
                write_fake(pth, **kw)
            else:
                shutil.copy(good, pth)
            if edit:
                with h5py.File(pth, "r+") as f:
                    edit(f)
            expect(label, run_checks(pth, quiet=True), want)

        def scale(ds, idx, factor):
            def edit(f):
                v = f[ds][...]
                v[idx] *= factor
                f[ds][...] = v
            return edit

        def add(ds, idx, delta):
            def edit(f):
                v = f[ds][...]
                v[idx] += delta
                f[ds][...] = v
            return edit

        corrupt("band off by 2a", "/series/total_energy/percentiles",
                scale("series/total_energy/percentiles", (7, 5), 1.002))
        corrupt("band off by 1.2a", "/series/inference_share/percentiles",
                scale("series/inference_share/percentiles", (3, 0), 1.0012))

        def nonzero_zero(f):
            v = f["series/power_shortfall/percentiles"][...]
            v[v == 0] = 1e-300
            f["series/power_shortfall/percentiles"][...] = v
        corrupt("zero band reported nonzero", "/series/power_shortfall/percentiles", nonzero_zero)
        corrupt("mean off by 1e-8", "/series/power mean", scale("series/power/mean", 4, 1 + 1e-8))
        corrupt("std off by 1e-8", "/series/training_compute std",
                scale("series/training_compute/std", 9, 1 + 1e-8))

        def move_count(f):
            v = f["crossover/compute/year_counts"][...].astype(np.int64)
            j = int(np.argmax(v))
            v[j] -= 1
            v[j + 1] += 1
            f["crossover/compute/year_counts"][...] = v.astype(np.uint64)
        corrupt("one sample in the wrong crossover year", "/crossover/compute/year_counts",
                move_count)

        def never(f):
            g = f["crossover/energy"]
            g.attrs["never"] = np.uint64(int(g.attrs["never"]) + 1)
        corrupt("never count off by one", "/crossover/energy never", never)
        corrupt("probability off", "/crossover/compute/probability",
                add("crossover/compute/probability", 5, 1e-9))

        def shift_tau(f):
            v = f["samples/crossover.compute"][...]
            i = int(np.nonzero(np.isfinite(v) & (v > 2026))[0][0])
            v[i] += 0.0015
            f["samples/crossover.compute"][...] = v
        corrupt("one crossing time off by 1.5e-3 yr", "/samples/crossover.compute", shift_tau)

        def censor(f):
            v = f["samples/crossover.energy"][...]
            v[int(np.nonzero(np.isfinite(v))[0][0])] = np.nan
            f["samples/crossover.energy"][...] = v
        corrupt("a crossing sample reported censored", "/samples/crossover.energy censoring",
                censor)
        corrupt("time quantile off by 1/1000 yr", "/crossover/compute/time_quantiles",
                add("crossover/compute/time_quantiles", 5, 1e-3))

        def tau_units(f):
            v = f["crossover/energy/time_quantiles"][...]
            f["crossover/energy/time_quantiles"][...] = v - f.attrs["base_year"]
        corrupt("time quantiles as years since the base year", "/crossover/energy/time_quantiles",
                tau_units)

        def uncensor(f):
            v = f["crossover/compute/time_quantiles"][...]
            v[np.isnan(v)] = 2040.5
            f["crossover/compute/time_quantiles"][...] = v
        corrupt("censored time quantile not NaN", "/crossover/compute/time_quantiles", uncensor,
                n=2000, seed=3, cap=True, policy="proportional")
        corrupt("a parameter band off", "/parameters/training.growth/percentiles",
                scale("parameters/training.growth/percentiles", 2, 0.997))

        def drop(f):
            del f["series/power"]
        corrupt("missing series", "/series/power", drop)
        corrupt("config names another policy than the one computed", "/series/",
                None, config_policy="training_first")
        corrupt("bands of a coarser accuracy than configured", "/series/", None, acc=0.01,
                config_acc=0.001)
    finally:
        shutil.rmtree(d)
    print("self-test: %s" % ("%d failed" % len(fails) if fails else "all passed"))
    return 1 if fails else 0


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="?")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only failures")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args(argv)
    if a.self_test:
        return _self_test()
    if not a.results:
        ap.error("a results file or --self-test is required")
    try:
        failures = run_checks(a.results, quiet=False)
    except (OSError, KeyError) as exc:
        print("ERROR reading %s: %s" % (a.results, exc))
        return 2
    if failures:
        print("%d check(s) FAILED: %s" % (len(failures), ", ".join(failures)))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
