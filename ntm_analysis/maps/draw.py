"""Drawing primitives for the static maps: page layout, labels without overlaps, scale bar, north
arrow, legend panel and footnotes. Pure matplotlib on axes whose data units are metres of a
projected CRS; no attainment logic lives here (see ``maps.py``).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # static output only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib import patheffects  # noqa: E402

FONT = "DejaVu Sans"  # covers every Vietnamese diacritic
PAGE_A4_PORTRAIT = (8.27, 11.69)
DPI = 300
TEXT_DARK, TEXT_LIGHT = "#1a1a1a", "#ffffff"
#: A thin white outline around text so that labels stay readable on any fill.
HALO = [patheffects.withStroke(linewidth=2.2, foreground="#ffffff")]
HALO_DARK = [patheffects.withStroke(linewidth=2.2, foreground="#1a1a1a")]


@dataclass
class Page:
    """What goes around the map: title lines, legend entries and footnote lines."""

    title: str
    subtitle: str = ""
    legend_title: str = ""
    legend: list[Any] = field(default_factory=list)  # matplotlib handles (Patch, Line2D)
    notes: list[str] = field(default_factory=list)  # footnote lines, in order
    warning: str = ""  # printed in red above the notes (synthetic / illustrative)
    scale_label: str = "km"


def luminance(hex_color: str) -> float:
    """Relative luminance (0 dark .. 1 light) of a ``#rrggbb`` colour, to pick the label colour."""
    r, g, b = (int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def new_page() -> tuple[Figure, Any, Any]:
    """An A4 portrait figure with a map axes (top) and a panel axes (bottom) for legend and notes."""
    plt.rcParams["font.family"] = FONT
    fig = plt.figure(figsize=PAGE_A4_PORTRAIT, dpi=100)
    ax = fig.add_axes((0.06, 0.30, 0.88, 0.60))
    panel = fig.add_axes((0.06, 0.02, 0.88, 0.26))
    panel.set_axis_off()
    ax.set_axis_off()
    return fig, ax, panel


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k metres) of about a fifth of ``span_m``."""
    target = span_m / 5
    k = 10 ** int(f"{target:e}".split("e")[1])
    return max(m * k for m in (1, 2, 5) if m * k <= target) if target >= 1 else 1.0


def scale_bar(ax: Any, unit_label: str = "km") -> float:
    """Draw a two-segment scale bar at the lower left of ``ax`` (data in metres); return its length."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0)
    h = (y1 - y0) * 0.008
    bx, by = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03
    for i, color in enumerate(("#000000", "#ffffff")):
        ax.add_patch(Rectangle((bx + i * length / 2, by), length / 2, h, facecolor=color,
                               edgecolor="#000000", linewidth=0.6, zorder=20))
    text = f"{length / 1000:g}".replace(".", ",")
    for x, t in ((bx, "0"), (bx + length, f"{text} {unit_label}")):
        ax.text(x, by + h * 1.8, t, ha="center", va="bottom", fontsize=7, zorder=20, path_effects=HALO)
    return length


def north_arrow(ax: Any) -> None:
    """A north arrow with ``N`` at the upper right of ``ax`` (grid north of a TM-3/UTM CRS; its
    convergence from true north is under 1° within a province)."""
    ax.annotate("N", xy=(0.95, 0.97), xytext=(0.95, 0.88), xycoords="axes fraction", ha="center", va="center",
                fontsize=11, fontweight="bold", zorder=20,
                arrowprops=dict(facecolor="#000000", edgecolor="#000000", width=3, headwidth=10, headlength=10))


def place_labels(ax: Any, fig: Figure, points: gpd.GeoSeries, texts: list[str], colors: list[str],
                 fontsize: float = 7.0, weight: str = "normal", avoid: list[Any] | None = None) -> list[Any]:
    """Write ``texts`` at ``points``, nudging a label up/down/sideways when it would overlap one
    already placed (greedy, in the given order); a label that fits nowhere is drawn smaller."""
    renderer = fig.canvas.get_renderer()
    placed_boxes = [t.get_window_extent(renderer).expanded(1.05, 1.1) for t in (avoid or [])]
    out = []
    for p, text, color in zip(points, texts, colors):
        if not text or p is None or p.is_empty:
            continue
        label = None
        for dx, dy in ((0, 0), (0, 9), (0, -9), (14, 0), (-14, 0), (0, 16), (0, -16)):
            label = ax.annotate(text, (p.x, p.y), xytext=(dx, dy), textcoords="offset points", ha="center",
                                va="center", fontsize=fontsize, color=color, fontweight=weight, zorder=15,
                                linespacing=1.0, path_effects=HALO if color != TEXT_LIGHT else HALO_DARK)
            box = label.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(box.overlaps(b) for b in placed_boxes):
                break
            label.remove()
            label = None
        if label is None:
            label = ax.annotate(text, (p.x, p.y), ha="center", va="center", fontsize=fontsize * 0.8,
                                color=color, fontweight=weight, zorder=15, linespacing=1.0,
                                path_effects=HALO if color != TEXT_LIGHT else HALO_DARK)
        placed_boxes.append(label.get_window_extent(renderer).expanded(1.05, 1.1))
        out.append(label)
    return out


def finish_page(fig: Figure, ax: Any, panel: Any, page: Page) -> None:
    """Title, scale bar, north arrow, legend (in the panel, never over the map) and notes."""
    title = textwrap.fill(page.title, width=75)
    fig.text(0.5, 0.975, title, ha="center", va="top", fontsize=13, fontweight="bold", linespacing=1.2)
    if page.subtitle:
        y = 0.975 - 0.022 * (title.count("\n") + 1) - 0.006
        fig.text(0.5, y, page.subtitle, ha="center", va="top", fontsize=9.5, color="#333333")
    scale_bar(ax, page.scale_label)
    north_arrow(ax)
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor="#666666",
                           linewidth=0.6, zorder=25, clip_on=False))
    if page.legend:
        leg = panel.legend(handles=page.legend, title=page.legend_title, loc="upper left", ncol=2, fontsize=8,
                           title_fontsize=8.5, frameon=False, alignment="left", handlelength=2.2, handleheight=1.3,
                           borderaxespad=0.0)
        leg.get_title().set_fontweight("bold")
    # footnotes stacked upwards from the bottom of the panel, wrapped to the page width
    y = 0.0
    blocks = [(line, 6.8, "#333333", "normal", 150) for line in reversed(page.notes)]
    if page.warning:
        blocks.append((page.warning, 7.5, "#b2182b", "bold", 120))
    for text, size, color, weight, width in blocks:
        wrapped = textwrap.fill(text, width=width)
        panel.text(0.0, y, wrapped, transform=panel.transAxes, fontsize=size, va="bottom", ha="left",
                   color=color, fontweight=weight, linespacing=1.25)
        y += 0.052 * (wrapped.count("\n") + 1) + 0.02


def patch(color: str, label: str, hatch: str = "", edge: str = "#555555") -> Patch:
    """A legend patch."""
    return Patch(facecolor=color, edgecolor=edge, hatch=hatch, label=label, linewidth=0.6)


def line_handle(label: str, style: dict[str, Any]) -> Line2D:
    """A legend entry for a highlighted outline with its marker."""
    return Line2D([0], [0], color=style["edgecolor"], linewidth=style["linewidth"], linestyle=style["linestyle"],
                  marker=style["marker"], markersize=9, markerfacecolor=style.get("markerfacecolor", "#000000"),
                  markeredgecolor="#000000", label=label)
