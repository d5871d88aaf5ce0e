"""The `attendance report` PNG: a chart of attendance per session, and under it the
per-student table (present, late, absent, attended, marked by hand, and a note); and the
chart alone for the web view's class page. matplotlib (Agg) is imported only inside
the functions that draw."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kiosk.errors import UsageError
from kiosk.reports.files import cannot_write
from kiosk.reports.rows import NOT_MARKED, NOT_YET

BARS = (("present", "#1e8c4e", ""), ("late", "#f5b02e", "//"), ("excused", "#5b7fc7", "\\\\"),
        ("absent", "#ce4038", "xx"), (NOT_MARKED, "#6b7078", "++"), (NOT_YET, "#9aa3ad", ".."))
OPTIONAL_BARS = ("excused", NOT_MARKED, NOT_YET)  # drawn only when some session has them
TABLE_HEAD = ("id", "name", "present", "late", "excused", "absent", "attended", "by hand", "note")
ROW_IN = 0.26  # table height per student, inches


def draw_report(path: Path, class_code: str, sessions: dict[str, Counter], table: list[list]) -> None:
    plt = _pyplot()
    chart_in, table_in = 4.2, ROW_IN * (len(table) + 1) + 0.5
    fig, (ax, grid) = plt.subplots(2, 1, figsize=(max(7.5, 0.9 * len(sessions) + 2), chart_in + table_in), dpi=120,
                                   gridspec_kw={"height_ratios": [chart_in, table_in]})
    _chart(ax, class_code, sessions)
    _table(grid, table)
    fig.tight_layout()
    _save(fig, path)


def draw_chart(path, class_code: str, sessions: dict[str, Counter]) -> None:
    """The chart alone (the web view's class page), to a path or a binary file."""
    fig, ax = _pyplot().subplots(figsize=(max(6.0, 0.9 * len(sessions) + 2), 4.5), dpi=120)
    _chart(ax, class_code, sessions)
    fig.tight_layout()
    _save(fig, path)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display: draw to files only
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path) -> None:
    try:
        fig.savefig(path, format="png")
    except OSError as err:
        raise UsageError(cannot_write(path, err)) from None
    finally:
        _pyplot().close(fig)


def _chart(ax, class_code: str, sessions: dict[str, Counter]) -> None:
    labels = [start[:16].replace("T", "\n") for start in sessions]
    bottom = [0] * len(labels)
    # Colour is never the only signal: each status has its own hatch and a labelled legend.
    for status, colour, hatch in BARS:
        values = [counts[status] for counts in sessions.values()]
        if status in OPTIONAL_BARS and not any(values):
            continue
        ax.bar(labels, values, bottom=bottom, color=colour, hatch=hatch, edgecolor="white", label=status.capitalize())
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title(f"{class_code}: attendance per session")
    ax.set_ylabel("students")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.yaxis.get_major_locator().set_params(integer=True)


def _table(ax, table: list[list]) -> None:
    ax.axis("off")
    ax.set_title("per student", loc="left", fontsize=10)
    cells = [[str(v) for v in row] for row in table] or [["", "no students"] + [""] * (len(TABLE_HEAD) - 2)]
    drawn = ax.table(cellText=cells, colLabels=TABLE_HEAD, loc="upper center", cellLoc="left",
                     colWidths=(0.09, 0.27, 0.09, 0.06, 0.09, 0.08, 0.10, 0.09, 0.13))
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(8)
    for (row, _), cell in drawn.get_celld().items():
        cell.set_height(1.0 / (len(cells) + 1))
        if row == 0:
            cell.set_text_props(fontweight="bold")
