"""Writes kiosk/vision/calibration.py, the single source of the kiosk's match rules."""

from __future__ import annotations

from pathlib import Path

from _common import REPO


def write_calibration(results: list[dict], shipped: dict, note: str) -> Path:
    """Rewrite calibration.py; models this run did not measure keep their values. A model measured
    on identify_calib (`shipped`) gets its threshold curve over gallery sizes from there; the others
    get the flat threshold of the small sets."""
    from kiosk.vision.calibration import CALIBRATED
    from kiosk.vision.naming import REFERENCE_PEOPLE, threshold_for_people

    path = REPO / "kiosk" / "vision" / "calibration.py"
    table = {key: rule for key, rule in CALIBRATED.items() if not _variant(key)}  # a run may have added variants
    for r in results:  # DeepFace's own detect+align path is a baseline the kiosk never runs
        if r["kiosk"] and r["key"] not in shipped:
            table[r["key"]] = {"threshold": r["calibration"]["threshold"],
                               "margin": r["calibration"]["margin"]}
    for key, rule in shipped.items():
        if _variant(key):
            continue
        curve = tuple((int(n), float(t)) for n, t in rule["by_people"])
        table[key] = {"threshold": threshold_for_people(curve, REFERENCE_PEOPLE), "margin": rule["margin"],
                      "same_face": rule["same_face"], "verify": rule["verify"], "by_people": curve}
        if "track_headroom" in rule:
            table[key]["track_headroom"] = rule["track_headroom"]
    path.write_text(CALIBRATION_TEMPLATE.format(note=note, rows="\n".join(_table_lines(table))),
                    encoding="utf-8")
    return path


def _variant(key: str) -> bool:
    """A bench variant (flip TTA, another detector, a fusion), not a model the kiosk keys."""
    return any(mark in key for mark in "+/&")


def _table_lines(table: dict) -> list[str]:
    lines = []
    for key, v in table.items():
        row = f'    "{key}": {{"threshold": {v["threshold"]:.3f}, "margin": {v["margin"]:.2f}'
        if "same_face" in v:
            row += f', "same_face": {v["same_face"]:.2f}'
        if "verify" in v:
            row += f', "verify": {v["verify"]:.3f}'
        if "track_headroom" in v:
            row += f', "track_headroom": {v["track_headroom"]:.2f}'
        if "by_people" in v:
            points = ", ".join(f"({n}, {t:.3f})" for n, t in v["by_people"])
            row += f',\n        "by_people": ({points})'
        lines.append(row + "},")
    return lines


CALIBRATION_TEMPLATE = '''"""Calibrated naming settings per embedding model (cosine similarity of
unit vectors), read by kiosk/vision/naming.py: a face is named when its best
person scores >= threshold and beats the next person by >= margin. `by_people`
gives the threshold for a gallery of that many people (read in log(people));
`threshold` is its value at naming.REFERENCE_PEOPLE. `verify` and `same_face`
are enrolment's one-to-one and duplicate bars; `track_headroom` how far a track's
mean must clear the threshold at the door (bench/walkup.py). Written by
bench/accuracy.py --write-calibration; how they are derived is in docs/ACCURACY.md.

{note}
"""

CALIBRATED: dict[str, dict[str, float]] = {{
{rows}
}}
'''
