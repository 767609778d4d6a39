"""The plots draw every series, crossover and sensitivity target of real
files, and the new groups of a synthetic one, to PNG files: each a valid PNG,
the legend beside the data (not over it) and inside the figure, axis labels
with units. Usage: test_plots.py FILES_DIR OUT_DIR"""
import os
import sys
import tempfile

import numpy as np

import crossover
import synthetic
from common import fail

files, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def check(ax, name, units=None):
    fig = ax.figure
    path = os.path.join(out, name + ".png")
    fig.savefig(path)                 # at the figure's dpi, that of the extents below
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    w, h = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if w < 400 or h < 200:
        fail(f"{path}: {w}x{h} pixels")
    r = fig.canvas.get_renderer()
    leg = ax.get_legend()
    if leg is None:
        fail(f"{name}: no legend")
    lb, ab, fb = leg.get_window_extent(r), ax.get_window_extent(r), fig.bbox
    if lb.overlaps(ab):
        fail(f"{name}: the legend {lb} lies over the plotting area {ab}")
    if lb.x1 > fb.x1 + 2 or lb.y0 < fb.y0 - 2 or lb.y1 > fb.y1 + 2:
        fail(f"{name}: the legend {lb} is cut off by the figure {fb}")
    tb = ax.title.get_window_extent(r)
    if tb.x1 > fb.x1 + 1:
        fail(f"{name}: the title runs off the figure")
    if units and f"({units})" not in ax.get_ylabel() and f"({units})" not in ax.get_xlabel():
        fail(f"{name}: no units {units} in the axis label {ax.get_ylabel()!r}")
    return path


made = []
epoch = crossover.open(os.path.join(files, "epoch.h5"), samples=False)
capped = crossover.open(os.path.join(files, "capped.h5"), samples=False)
for ds in (epoch, capped):
    for s in crossover.series_names(ds):
        u = ds[s].attrs.get("display_units", ds[s].attrs["units"])
        ax = crossover.fan(ds, s)
        made.append(check(ax, f"fan-{ds.attrs['scenario']}-{s}", None if u == "1" else u))
        if u == "FLOP/yr" and ax.get_yscale() != "log":
            fail(f"{s}: compute spans decades but the axis is linear")
        if s == "inference_share" and ax.get_yscale() != "linear":
            fail("inference_share on a log axis")
    for c in crossover.crossover_names(ds):
        ax = crossover.crossover(ds, c)
        made.append(check(ax, f"crossover-{ds.attrs['scenario']}-{c}"))
        if ax.get_ylim()[0] != 0:
            fail("probability axis does not start at 0")
many = crossover.open_many([os.path.join(files, f"growth-{n}.h5") for n in ("low", "mid", "high")])
made.append(check(crossover.compare(many, "inference_energy"), "compare-inference_energy", "TWh/yr"))
ax = crossover.compare(many, "compute")
made.append(check(ax, "compare-compute"))
if len([t for t in ax.get_legend().get_texts() if t.get_text().startswith("growth-")]) != 3:
    fail("compare: not one legend entry per scenario")
made.append(check(crossover.compare([epoch, capped], "power", band=(25.0, 75.0)),
                  "compare-list-power", "GW"))
sens = crossover.open(os.path.join(files, "sensitivity.h5"))
for t in sens["target"].values.tolist():
    ax = crossover.sensitivity(sens, t)
    made.append(check(ax, f"sensitivity-{t}"))
    labels = [x.get_text() for x in ax.get_yticklabels()]
    total = sens["sensitivity_total"].sel(target=t)
    if labels[0] != str(total["parameter"][int(np.nanargmax(total.values))].item()):
        fail(f"sensitivity {t}: the largest total index is not first ({labels[:3]})")
with tempfile.TemporaryDirectory() as tmp:
    synthetic.write(os.path.join(tmp, "s.h5"))
    syn = crossover.open(os.path.join(tmp, "s.h5"))
    made.append(check(crossover.crossover(syn, "hardware"), "crossover-synthetic-regimes"))
    made.append(check(crossover.fan(syn, "total_energy"), "fan-synthetic-observations", "TWh/yr"))
# On Axes of one's own Figure: the plots draw there and return it.
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
fig = Figure(figsize=(11, 5), layout="constrained")
FigureCanvasAgg(fig)
a1, a2 = fig.subplots(1, 2)
if crossover.fan(epoch, "power", ax=a1, legend="below") is not a1 or \
        crossover.crossover(epoch, "energy", ax=a2, legend="below") is not a2:
    fail("ax= not used")
made.append(check(a1, "two-panels", "GW"))
check(a2, "two-panels")
# A Dataset with several scenarios needs one picked for a fan chart.
try:
    crossover.fan(many, "power")
except ValueError:
    pass
else:
    fail("fan drew three scenarios into one chart")
print(f"{len(set(made))} PNG files in {out}")
