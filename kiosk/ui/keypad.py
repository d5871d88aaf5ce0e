"""Digits typed on the on-screen keypad or the keyboard, and the keypad's lock countdown:
what the instructor's PIN pad (kiosk/ui/pin_overlay.py) and the students' code keypad
(kiosk/ui/code_entry.py) share. The keypad's layout and painting are kiosk/ui/overlay_views.py."""

from __future__ import annotations

import pygame

DIGIT_KEYS = {getattr(pygame, f"K_{d}"): str(d) for d in range(10)}
DIGIT_KEYS.update({getattr(pygame, f"K_KP{d}"): str(d) for d in range(10)})
ENTER_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER)


class DigitEntry:
    """Mixed into a keypad state, which sets `digits`, `now` and `locked_until` (seconds of its
    own clock), `max_digits` and `message`, and defines enter_pin()."""

    digits: str
    now: float
    locked_until: float
    max_digits: int
    message: str

    def press_digit(self, digit: str) -> None:
        if not self.locked and len(self.digits) < self.max_digits:
            self.digits += digit
            self.message = ""

    def delete_digit(self) -> None:
        self.digits = self.digits[:-1]

    def digit_key(self, event: pygame.event.Event) -> None:
        """A digit, Backspace or Enter typed on a keyboard."""
        if event.key in DIGIT_KEYS:
            self.press_digit(DIGIT_KEYS[event.key])
        elif event.key == pygame.K_BACKSPACE:
            self.delete_digit()
        elif event.key in ENTER_KEYS:
            self.enter_pin()

    def enter_pin(self) -> None:
        raise NotImplementedError

    @property
    def locked(self) -> bool:
        return self.now < self.locked_until

    @property
    def lock_left(self) -> float:
        return max(0.0, self.locked_until - self.now)
