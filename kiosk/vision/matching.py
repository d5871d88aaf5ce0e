"""Builds the matcher the worker uses from the store and the calibration."""

from __future__ import annotations

from kiosk.config import VisionSection
from kiosk.errors import ConfigError
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import model_key
from kiosk.vision.gallery import Gallery


def decision_settings(cfg: VisionSection) -> tuple[float, float]:
    """(threshold, margin): the config's when set, else the calibrated defaults."""
    from kiosk.vision.calibration import CALIBRATED

    calibrated = CALIBRATED.get(model_key(cfg))
    if calibrated is None and not cfg.threshold:
        raise ConfigError(
            f"config: vision.threshold = 0: no calibrated threshold for {model_key(cfg)}; "
            "set one (bench/accuracy.py --write-calibration measures it)"
        )
    calibrated = calibrated or {}
    threshold = cfg.threshold or calibrated["threshold"]
    margin = cfg.margin or calibrated.get("margin", 0.0)
    return threshold, margin


def build_gallery(store: SqliteStore, cfg: VisionSection) -> Gallery:
    from kiosk.store.lookalikes import flagged_people

    enrolled = store.enrolled_vectors(model_key(cfg))
    threshold, margin = decision_settings(cfg)
    return Gallery(enrolled.person_ids, enrolled.names, enrolled.vectors, threshold=threshold, margin=margin,
                   flagged=flagged_people(store, model_key(cfg)))
