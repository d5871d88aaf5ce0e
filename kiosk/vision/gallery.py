"""Open-set face identification against the enrolled gallery.

A person with several enrolment photos is matched by their centroid: the
mean of their unit vectors, made unit again. On identify_calib with two
photos per person this names 94.5 % of genuine photos where the best single
photo (max over rows) names 94.1 %, both with no stranger (docs/ACCURACY.md):
averaging keeps what the photos share and cancels what each got wrong. One
matrix product then scores every query against every person. A face is named only when its best person scores at
least `threshold` AND beats the best *other* person by at least `margin`;
otherwise it is a stranger (Match with person_id None). A person `flagged`
as one of an enrolled look-alike pair must beat the runner-up by
LOOKALIKE_MARGIN_FACTOR x margin, so the kiosk never quietly names the wrong twin.

Scores are raw cosine similarities of unit vectors. Normalising them
against the gallery's own impostor scores (z-norm, t-norm) was measured in
bench/accuracy.py and made open-set accuracy worse on small galleries, so it
is not done here (docs/ACCURACY.md).
"""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from kiosk.vision.base import Match

log = logging.getLogger(__name__)

LOOKALIKE_MARGIN_FACTOR = 2.0
# With no calibrated margin (0), a flagged person still needs this lead.
MIN_LOOKALIKE_MARGIN = 0.05


class Gallery:
    """Enrolled people and their embeddings; `match` names query faces."""

    def __init__(
        self,
        person_ids: Sequence[str],
        names: Sequence[str],
        embeddings: np.ndarray,
        threshold: float,
        margin: float = 0.0,
        flagged: frozenset[str] = frozenset(),
    ):
        """`person_ids[i]`/`names[i]` label row i; a person may have several rows."""
        rows = np.asarray(embeddings, dtype=np.float32)
        rows = rows.reshape(len(person_ids), rows.shape[-1] if rows.ndim == 2 else 0)
        if len(names) != len(person_ids):
            raise ValueError("person_ids and names must have one entry per embedding row")
        self.threshold = float(threshold)
        self.margin = float(margin)
        order = np.argsort(np.asarray(person_ids, dtype=object), kind="stable")
        row_person = [person_ids[i] for i in order]
        starts, self.person_ids, self.names = _person_runs(row_person, names, order)
        self.rows = len(rows)
        self._centroids = _centroids(rows[order], starts)
        strict = self.margin * LOOKALIKE_MARGIN_FACTOR or MIN_LOOKALIKE_MARGIN
        self._person_margin = np.array([strict if p in flagged else self.margin for p in self.person_ids],
                                       np.float32)
        log.debug("gallery: %d people, %d rows, threshold %.3f, margin %.3f",
                  len(self.person_ids), self.rows, self.threshold, self.margin)

    def __len__(self) -> int:
        """Number of enrolled people (not photos)."""
        return len(self.person_ids)

    @property
    def empty(self) -> bool:
        return len(self.person_ids) == 0

    @property
    def dim(self) -> int:
        return self._centroids.shape[1]

    def person_scores(self, queries: np.ndarray) -> np.ndarray:
        """(M, people) score of every query against every person's centroid."""
        queries = _as_rows(queries)
        if self.empty:
            return np.zeros((len(queries), 0), np.float32)
        return queries @ self._centroids.T

    def match(self, queries: np.ndarray) -> list[Match]:
        """One Match per query row, in order."""
        queries = _as_rows(queries)
        if self.empty or len(queries) == 0:
            return [Match(None, None, -1.0, -1.0) for _ in range(len(queries))]
        scores = self.person_scores(queries)
        best, first, second = _top_two(scores)
        accepted = (first >= self.threshold) & (first - second >= self._person_margin[best])
        return [
            Match(self.person_ids[b], self.names[b], float(s1), float(s2))
            if ok
            else Match(None, None, float(s1), float(s2))
            for b, s1, s2, ok in zip(best, first, second, accepted)
        ]


def _as_rows(queries: np.ndarray) -> np.ndarray:
    q = np.asarray(queries, dtype=np.float32)
    return np.ascontiguousarray(q[None, :] if q.ndim == 1 else q)


def _centroids(rows: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """One unit vector per person: the normalised sum of their rows (rows sorted by person)."""
    if len(rows) == 0:
        return np.zeros((0, rows.shape[1] if rows.ndim == 2 else 0), np.float32)
    sums = np.add.reduceat(rows, starts, axis=0) if len(starts) < len(rows) else rows
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.ascontiguousarray(sums / np.maximum(norms, 1e-12), dtype=np.float32)


def _person_runs(row_person: list[str], names: Sequence[str], order: np.ndarray):
    """Start index of each person's run of rows, and that person's id and name."""
    starts, ids, person_names = [], [], []
    for i, pid in enumerate(row_person):
        if i == 0 or pid != row_person[i - 1]:
            starts.append(i)
            ids.append(pid)
            person_names.append(names[order[i]])
    return np.asarray(starts, dtype=np.intp), ids, person_names


def _top_two(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index and score of the best person, and the best other person's score."""
    rows = np.arange(len(scores))
    if scores.shape[1] == 1:
        return np.zeros(len(scores), np.intp), scores[:, 0], np.full(len(scores), -1.0, np.float32)
    top2 = np.argpartition(scores, -2, axis=1)[:, -2:]  # O(people), unordered pair
    a, b = scores[rows, top2[:, 0]], scores[rows, top2[:, 1]]
    best = np.where(b >= a, top2[:, 1], top2[:, 0])
    return best, np.maximum(a, b), np.minimum(a, b)
