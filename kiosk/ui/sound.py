"""Short sounds for the door: checked in, late, and not recognised / denied.

The tones are synthesised with numpy when the kiosk starts (no audio files)
and played through pygame's mixer. Without an audio device, or with
`sound.enabled = false`, every call is a silent no-op: never an error.
`SoundCues` is a transparent state that plays them for the UI's events.
"""

from __future__ import annotations

import logging

import numpy as np
import pygame

from kiosk.config import SoundSection
from kiosk.messages.desk import PinChecked
from kiosk.messages.screen import CheckInPosted
from kiosk.model import Status
from kiosk.ui.states import State

log = logging.getLogger(__name__)

RATE = 44100
# Cue -> notes as (frequency Hz, seconds); 0 Hz is a rest.
TONES = {
    "checked_in": [(880.0, 0.09), (1318.5, 0.14)],  # a bright rising pair
    "late": [(659.3, 0.12), (0.0, 0.05), (659.3, 0.12)],  # two even mid beeps
    "denied": [(311.1, 0.16), (233.1, 0.22)],  # a low falling pair
}
CUE_OF_STATUS = {
    Status.PRESENT: "checked_in", Status.ALREADY: "checked_in", Status.LATE: "late",
    Status.STRANGER: "denied", Status.NOT_ON_ROSTER: "denied", Status.NO_SESSION: "denied",
}


def synthesise(notes: list[tuple[float, float]], rate: int = RATE) -> np.ndarray:
    """Mono float samples in [-1, 1]: sine notes with 8 ms fades (no clicks)."""
    parts = []
    for freq, seconds in notes:
        t = np.arange(int(rate * seconds)) / rate
        wave = np.sin(2 * np.pi * freq * t) if freq else np.zeros_like(t)
        fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.008) if len(t) else t
        parts.append(wave * fade)
    return np.concatenate(parts) if parts else np.zeros(0)


class SoundPlayer:
    def __init__(self, cfg: SoundSection):
        self.sounds: dict[str, pygame.mixer.Sound] = {}
        if not cfg.enabled:
            log.info("sound off (sound.enabled = false)")
            return
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=RATE, size=-16, channels=2, buffer=512)
            self.sounds = {name: self._make(notes, cfg.volume) for name, notes in TONES.items()}
        except (pygame.error, ValueError, TypeError) as err:  # no audio device: stay silent
            log.info("sound unavailable, running silent: %s", err)
            self.sounds = {}

    @staticmethod
    def _make(notes, volume: float) -> pygame.mixer.Sound:
        rate, _, channels = pygame.mixer.get_init()
        samples = synthesise(notes, rate)
        pcm = (samples * 32767 * 0.8).astype(np.int16)
        if channels > 1:
            pcm = np.repeat(pcm[:, None], channels, axis=1)
        sound = pygame.sndarray.make_sound(np.ascontiguousarray(pcm))
        sound.set_volume(volume)
        return sound

    @property
    def available(self) -> bool:
        return bool(self.sounds)

    def play(self, cue: str) -> bool:
        sound = self.sounds.get(cue)
        if sound is None:
            return False
        try:
            sound.play()
        except pygame.error as err:
            log.debug("sound %s not played: %s", cue, err)
            return False
        return True


class SoundCues(State):
    """Plays a cue for each check-in result and each refused PIN; draws nothing."""

    transparent = True

    def __init__(self, player: SoundPlayer):
        super().__init__()
        self.player = player
        self.played: list[str] = []  # for tests and --stats; bounded below

    def handle_event(self, event: object) -> None:
        cue = None
        if isinstance(event, CheckInPosted):
            cue = CUE_OF_STATUS.get(event.checkin.status)
        elif isinstance(event, PinChecked) and not event.ok:
            cue = "denied"
        if cue:
            self.player.play(cue)
            self.played = (self.played + [cue])[-50:]
