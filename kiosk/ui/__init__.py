"""The kiosk's screen: the only package that draws, and the only one with words.

Start at app.py (the pygame window, the main loop and the state stack) and
states.py (the stack, Tuxemon style, and the live screen: update changes state,
draw never does). model.py turns the workers' messages into what the live screen
shows; widgets.py, feed.py and cards.py draw it. staff_layer.py adds the Staff
button, pin_overlay.py and overlay_views.py the instructor's PIN overlay, and
enrol/ the guided enrolment screens. text.py (and enrol/phrases.py) hold every
word shown; theme.py and layout.py the colours, sizes and places; sound.py the
short sounds; error_screen.py the screen of a kiosk that cannot start.
"""
