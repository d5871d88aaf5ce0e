"""Sounds: synthesised tones, played through pygame's mixer, silent without a device."""

import numpy as np
import pygame
import pytest

from kiosk.config import SoundSection
from kiosk.messages.desk import PIN_WRONG, PinChecked
from kiosk.messages.screen import CheckInPosted
from kiosk.model import Status
from kiosk.ui.sound import TONES, SoundCues, SoundPlayer, synthesise

from ui_support import checkin


@pytest.fixture(autouse=True)
def fresh_mixer():
    pygame.mixer.quit()
    yield
    pygame.mixer.quit()


def test_three_distinct_short_tones():
    waves = {name: synthesise(notes) for name, notes in TONES.items()}
    assert all(0.1 < len(w) / 44100 < 0.5 for w in waves.values())  # short
    assert all(np.abs(w).max() <= 1.0 and abs(w[0]) < 0.01 and abs(w[-1]) < 0.05 for w in waves.values())
    spectra = {n: np.argmax(np.abs(np.fft.rfft(w[:4000]))) for n, w in waves.items()}
    assert len(set(spectra.values())) == 3  # each starts on a different pitch


def test_player_plays_on_the_dummy_audio_device():
    player = SoundPlayer(SoundSection())
    if not player.available:
        pytest.skip("no SDL audio driver at all here")
    assert player.play("checked_in") and player.play("late") and player.play("denied")
    assert not player.play("no-such-cue")


def test_no_audio_device_is_silent_without_errors(monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    player = SoundPlayer(SoundSection())
    assert not player.available and player.play("checked_in") is False


def test_sound_can_be_turned_off():
    player = SoundPlayer(SoundSection(enabled=False))
    assert not player.available and not pygame.mixer.get_init()


def test_cues_follow_checkins_and_refused_pins():
    cues = SoundCues(SoundPlayer(SoundSection(enabled=False)))
    for status in (Status.PRESENT, Status.LATE, Status.STRANGER, Status.NOT_ON_ROSTER):
        cues.handle_event(CheckInPosted(checkin(status)))
    cues.handle_event(PinChecked(False, refusal=PIN_WRONG, tries_left=4))
    cues.handle_event(PinChecked(True, "Prof"))
    assert cues.played == ["checked_in", "late", "denied", "denied", "denied"]
