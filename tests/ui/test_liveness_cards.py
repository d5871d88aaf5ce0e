"""The screen's side of liveness: failure card, challenge prompt, score tag."""

from datetime import datetime, timezone

import pygame

from kiosk.config import UiSection
from kiosk.messages.screen import ChallengePrompt, FaceLabel, FacesSeen, LivenessFailed
from kiosk.ui import cards
from kiosk.ui.model import CardKind, ScreenModel
from kiosk.ui.theme import Theme
from kiosk.vision.base import FaceBox

WALL = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def test_failure_card_outranks_a_challenge_prompt():
    model = ScreenModel(UiSection())
    model.apply(ChallengePrompt("blink", 1.8), WALL)
    assert model.card.kind is CardKind.HINT and model.card.title == "Please blink once"
    assert model.card.detail == "Almost there"  # the ask is the headline, the encouragement the small print
    model.apply(LivenessFailed(0.12), WALL)
    assert model.card.kind is CardKind.LIVENESS
    assert model.card.title == "Live check failed" and "step closer" in model.card.detail
    model.apply(ChallengePrompt("turn"), WALL)
    assert model.card.kind is CardKind.LIVENESS  # a result is never hidden by a prompt


def test_failure_card_and_scored_face_render():
    pygame.display.init()
    pygame.font.init()
    try:
        theme = Theme((1280, 720))
        model = ScreenModel(UiSection())
        model.apply(LivenessFailed(0.1), WALL)
        surface = cards.render_card(theme, model.card, 800)
        assert surface.get_width() == 800
        model.apply(FacesSeen(1, (FaceLabel(FaceBox(10, 10, 80, 80, 0.9), "Maya", 0.7, True, 0.91),)), WALL)
        assert model.faces[0].liveness == 0.91
    finally:
        pygame.quit()
