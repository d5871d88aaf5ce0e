"""Where the system's sans-serif TrueType fonts are: the kiosk's screen (kiosk/ui/theme.py) and its
printed cards (kiosk/reports/cards.py) draw names with them, since the fonts bundled with pygame and
Pillow lack many letters of real names (a box for the í of María)."""

from __future__ import annotations

from pathlib import Path

FONT_DIRS = ("/usr/share/fonts/truetype", "/usr/share/fonts/TTF", "/usr/local/share/fonts")
FONT_FILES = {
    False: ("dejavu/DejaVuSans.ttf", "noto/NotoSans-Regular.ttf", "liberation/LiberationSans-Regular.ttf",
            "freefont/FreeSans.ttf", "DejaVuSans.ttf"),
    True: ("dejavu/DejaVuSans-Bold.ttf", "noto/NotoSans-Bold.ttf", "liberation/LiberationSans-Bold.ttf",
           "freefont/FreeSansBold.ttf", "DejaVuSans-Bold.ttf"),
}


def system_font_file(bold: bool = False) -> str | None:
    """The first of the known sans-serif TTFs installed here, or None."""
    for folder in FONT_DIRS:
        for name in FONT_FILES[bold]:
            path = Path(folder) / name
            if path.is_file():
                return str(path)
    return None
