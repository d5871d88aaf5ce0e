"""The enrolled gallery: every person's face vector, and the scores of query faces against them.

A person with several enrolment photos is matched by their centroid: the
mean of their unit vectors, made unit again. On identify_calib with two
photos per person this names 94.5 % of genuine photos where the best single
photo (max over rows) names 94.1 %, both with no stranger (docs/ACCURACY.md):
averaging keeps what the photos share and cancels what each got wrong. One
matrix product then scores every query against every person.

The gallery only scores; who a face is, or whether it is a stranger, is decided
in kiosk/vision/naming.py from these scores (top_two) and the people flagged as
one of an enrolled look-alike pair (`flagged`).
"""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)


class Gallery:
    """Enrolled people and their embeddings; `top_two` scores query faces against them."""

    def __init__(
        self,
        person_ids: Sequence[str],
        names: Sequence[str],
        embeddings: np.ndarray,
        flagged: frozenset[str] = frozenset(),
    ):
        """`person_ids[i]`/`names[i]` label row i; a person may have several rows."""
        rows = np.asarray(embeddings, dtype=np.float32)
        rows = rows.reshape(len(person_ids), rows.shape[-1] if rows.ndim == 2 else 0)
        if len(names) != len(person_ids):
            raise ValueError("person_ids and names must have one entry per embedding row")
        order = np.argsort(np.asarray(person_ids, dtype=object), kind="stable")
        row_person = [person_ids[i] for i in order]
        starts, self.person_ids, self.names = _person_runs(row_person, names, order)
        self.rows = len(rows)
        self._centroids = _centroids(rows[order], starts)
        self.flagged = np.array([p in flagged for p in self.person_ids], bool)  # one of a look-alike pair
        log.debug("gallery: %d people, %d rows, %d flagged as look-alikes",
                  len(self.person_ids), self.rows, int(self.flagged.sum()))

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
        queries = as_rows(queries)
        if self.empty:
            return np.zeros((len(queries), 0), np.float32)
        return queries @ self._centroids.T

    def top_two(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each query row (the gallery not empty): the index of its best person and that score,
        and the best *other* person's score (-1 with one person enrolled)."""
        return _top_two(self.person_scores(queries))


def as_rows(queries: np.ndarray) -> np.ndarray:
    """Query vectors as contiguous float32 rows (one vector is one row)."""
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
