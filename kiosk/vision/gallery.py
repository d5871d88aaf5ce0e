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

A very large gallery (a whole district, COARSE_FROM_PEOPLE and up) is searched in two stages:
one matrix product against the centroids projected on their COARSE_DIM principal directions picks
CANDIDATES people per face, and only those are scored in full. Reading 100,000 512-d centroids for
every face takes about 8 ms on two cores, the projected ones about 1.5 ms (bench/scale.py); the best
and second-best person of real faces are among the candidates (the same names as the full product
on every probe of bench/scale.py). A school's gallery is scored in full.
"""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

COARSE_FROM_PEOPLE = 20_000
COARSE_DIM = 128
CANDIDATES = 64
PCA_SAMPLE = 20_000  # centroids the principal directions are computed from (seeded, so a gallery is searched alike)


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
        self._coarse = _coarse_index(self._centroids)
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
        return (self._centroids @ queries.T).T  # gallery-major: 3-4x quicker than queries @ centroids.T

    def top_two(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each query row (the gallery not empty): the index of its best person and that score,
        and the best *other* person's score (-1 with one person enrolled)."""
        if self._coarse is None:
            return _top_two(self.person_scores(queries))
        queries = as_rows(queries)
        projection, projected = self._coarse
        coarse = (projected @ (queries @ projection).T).T
        candidates = np.argpartition(coarse, -CANDIDATES, axis=1)[:, -CANDIDATES:]
        exact = np.einsum("md,mkd->mk", queries, self._centroids[candidates])
        best, first, second = _top_two(exact)
        return candidates[np.arange(len(candidates)), best], first, second


def as_rows(queries: np.ndarray) -> np.ndarray:
    """Query vectors as contiguous float32 rows (one vector is one row)."""
    q = np.asarray(queries, dtype=np.float32)
    return np.ascontiguousarray(q[None, :] if q.ndim == 1 else q)


def _coarse_index(centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(projection d x COARSE_DIM, the centroids projected) for a gallery searched in two stages."""
    if len(centroids) < COARSE_FROM_PEOPLE or centroids.shape[1] <= COARSE_DIM:
        return None
    rng = np.random.default_rng(len(centroids))
    sample = centroids[rng.choice(len(centroids), min(PCA_SAMPLE, len(centroids)), replace=False)]
    centred = sample - sample.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)  # ascending: the last columns explain the most
    projection = np.ascontiguousarray(vectors[:, ::-1][:, :COARSE_DIM], dtype=np.float32)
    log.info("gallery of %d people: searched in two stages (%d principal directions)", len(centroids), COARSE_DIM)
    return projection, np.ascontiguousarray(centroids @ projection)


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
