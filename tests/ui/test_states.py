"""State stack rules, with a fake transparent overlay standing in for the future PIN pad."""

import pygame

from kiosk.ui.states import State, StateStack


class FakeScreen(State):
    def __init__(self, name, log, transparent=False, consumes=False):
        super().__init__()
        self.name, self.log, self.transparent, self.consumes = name, log, transparent, consumes

    def handle_input(self, event):
        self.log.append(("input", self.name))
        return self.consumes

    def handle_event(self, event):
        self.log.append(("event", self.name))

    def update(self, dt):
        self.log.append(("update", self.name))

    def draw(self, surface):
        self.log.append(("draw", self.name))


def key():
    return pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1, mod=0)


def test_transparent_overlay_draws_over_the_screen_below():
    log = []
    stack = StateStack()
    stack.push(FakeScreen("live", log))
    stack.push(FakeScreen("pin", log, transparent=True))
    stack.draw(pygame.Surface((10, 10)))
    assert log == [("draw", "live"), ("draw", "pin")]


def test_opaque_state_hides_those_below():
    log = []
    stack = StateStack()
    stack.push(FakeScreen("live", log))
    stack.push(FakeScreen("settings", log))
    stack.draw(pygame.Surface((10, 10)))
    assert log == [("draw", "settings")]


def test_input_goes_to_the_top_and_falls_through_transparent_states_only_if_unused():
    log = []
    stack = StateStack()
    stack.push(FakeScreen("live", log))
    stack.push(FakeScreen("pin", log, transparent=True, consumes=True))
    assert stack.handle_input(key()) is True
    assert log == [("input", "pin")]
    log.clear()
    stack.top.consumes = False
    stack.handle_input(key())
    assert log == [("input", "pin"), ("input", "live")]


def test_worker_events_and_time_reach_every_state():
    log = []
    stack = StateStack()
    stack.push(FakeScreen("live", log))
    stack.push(FakeScreen("pin", log, transparent=True))
    stack.handle_event(object())
    stack.update(0.1)
    assert log == [("event", "live"), ("event", "pin"), ("update", "live"), ("update", "pin")]


def test_push_and_pop_set_the_back_reference():
    stack = StateStack()
    screen = FakeScreen("live", [])
    stack.push(screen)
    assert screen.stack is stack and stack.top is screen
    assert stack.pop() is screen and screen.stack is None and len(stack) == 0
