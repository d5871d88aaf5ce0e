"""The per-student summary of export rows: counts per session and per student, the
table `attendance report` draws and prints, and who should be re-enrolled."""

from __future__ import annotations

from collections import Counter, defaultdict

from kiosk.model import AWAITING, OPTED_OUT
from kiosk.model import STATUSES

# A roster member the kiosk keeps missing ends up marked by hand (a false reject, or a
# student who walks past it). This often, and this large a share, suggests re-enrolling.
REENROL_MIN_BY_HAND = 2
REENROL_SHARE = 0.25

StudentKey = tuple[str, str, str]  # (person id, name, enrolment state)


def tally(rows: list[list]) -> tuple[dict[str, Counter], dict[StudentKey, Counter]]:
    """Counts per session start, and per student (id, name, enrolment state)."""
    sessions: dict[str, Counter] = defaultdict(Counter)
    students: dict[StudentKey, Counter] = defaultdict(Counter)
    for pid, name, _, start, status, _, _, method, _, _, enrolment in rows:
        sessions[start][status] += 1
        students[(pid, name or pid, enrolment)][status] += 1
        if method in ("manual", "confirmed") and status in ("present", "late"):  # the kiosk missed them
            students[(pid, name or pid, enrolment)]["by_hand"] += 1
    return dict(sorted(sessions.items())), students


def student_table(students: dict[StudentKey, Counter]) -> list[list]:
    """One row per student, by name: id, name, present, late, excused, absent, attended (of the
    sessions with a mark), by hand, note."""
    flagged = {key for key, _ in should_reenrol(students)}
    table = []
    for key, counts in sorted(students.items(), key=lambda kv: (kv[0][1].casefold(), kv[0][0])):
        pid, name, enrolment = key
        total = sum(counts[s] for s in STATUSES)
        rate = (counts["present"] + counts["late"]) / total if total else 0.0
        note = enrolment if enrolment in (AWAITING, OPTED_OUT) else "re-enrol?" if key in flagged else ""
        table.append([pid, name, counts["present"], counts["late"], counts["excused"], counts["absent"], f"{rate:.0%}",
                      counts["by_hand"], note])
    return table


def should_reenrol(students: dict[StudentKey, Counter]) -> list[tuple[StudentKey, Counter]]:
    """Roster members whose attendance was marked by hand often enough to suspect the kiosk
    does not recognise them well (most by-hand marks first). Someone with no face enrolled
    yet is marked by hand because of that, and is not flagged."""
    flagged = []
    for key, counts in students.items():
        attended = counts["present"] + counts["late"]
        if key[2] in (AWAITING, OPTED_OUT):
            continue
        if counts["by_hand"] >= REENROL_MIN_BY_HAND and counts["by_hand"] >= REENROL_SHARE * attended:
            flagged.append((key, counts))
    return sorted(flagged, key=lambda kv: (-kv[1]["by_hand"], kv[0][1].casefold()))
