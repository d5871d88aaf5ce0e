"""A student's check-in card: their name and id, their personal code in digits (to type on
the kiosk's keypad) and as a QR code (to show the camera), as a PNG or a PDF to print.

The QR code holds CARD_PREFIX + the code, so the kiosk reads only its own cards. OpenCV
draws the QR code (its own encoder: nothing else to install), Pillow lays out the card.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kiosk.errors import UsageError
from kiosk.fonts import system_font_file
from kiosk.reports.files import cannot_write

CARD_PREFIX = "KIOSK-CHECKIN:"
CARD_CODE = re.compile(rf"^{re.escape(CARD_PREFIX)}(\d{{4,16}})$")
CARD_PX = (1012, 638)  # a credit-card shape at 300 dpi
CARD_KINDS = ("png", "pdf")


def card_text(code: str) -> str:
    return CARD_PREFIX + code


def code_on_card(text: str) -> str | None:
    """The code a QR code carries, if it is one of this kiosk's cards."""
    found = CARD_CODE.match(text.strip())
    return found.group(1) if found else None


def card_path_problem(path: Path) -> str | None:
    """Why a card cannot be written to this file, or None. Asked before a code is issued: a new
    code replaces the old one, so a card that then fails to print leaves the person with neither."""
    if path.suffix.lower().lstrip(".") not in CARD_KINDS:
        return "the card is written as .png or .pdf"
    if path.is_dir():
        return "that is a folder, not a .png or .pdf file"
    folder = path.parent
    if not folder.is_dir():
        return f"no such folder {folder}"
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"cannot write there (no permission in {folder})"
    return None


def qr_image(text: str, module_px: int = 12):
    """The QR code as a black-on-white greyscale numpy image with its quiet zone."""
    import cv2

    code = cv2.QRCodeEncoder.create().encode(text)  # one pixel per module, with a quiet zone
    return cv2.resize(code, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def write_card(path, person_id: str, name: str, code: str, school: str = "", kind: str = "") -> None:
    """Write the card to a path (its suffix, .png or .pdf, says which) or a binary file (`kind`)."""
    from PIL import Image, ImageDraw, ImageFont

    kind = kind or Path(path).suffix.lower().lstrip(".")
    if kind not in CARD_KINDS:
        raise UsageError(f"--card {path}: the card is written as .png or .pdf")
    card = Image.new("RGB", CARD_PX, "white")
    draw = ImageDraw.Draw(card)
    qr = Image.fromarray(qr_image(card_text(code), module_px=14)).convert("RGB")
    side = CARD_PX[1] - 150  # the QR code's own white margin keeps it clear of the text
    card.paste(qr.resize((side, side), Image.NEAREST), (CARD_PX[0] - side - 20, (CARD_PX[1] - side) // 2))
    left, room = 40, CARD_PX[0] - side - 20 - 40  # text stays left of the QR code
    font = _font_maker(ImageFont)
    name_lines, name_face = _name_lines(name, 52, room, font)
    id_top = 120 + 62 * len(name_lines) + 8
    lines = [(40, school or "Check-in card", "#555555", 34), (id_top, f"ID {person_id}", "#333333", 34),
             (380, "Code", "#555555", 30), (420, f"{code[:4]} {code[4:]}", "black", 72),
             (560, "Type it at the door, or show this card", "#555555", 24)]
    for i, text in enumerate(name_lines):
        draw.text((left, 120 + 62 * i), text, fill="black", font=name_face)
    for top, text, colour, size in lines:
        text, face = _fitted(text, size, room, font)
        draw.text((left, top), text, fill=colour, font=face)
    try:
        card.save(path, format=kind.upper(), **({"resolution": 300.0} if kind == "pdf" else {}))
    except OSError as err:
        raise UsageError(cannot_write(path, err).replace("--out", "--card")) from None


def _font_maker(image_font):
    """size -> a font: the system's sans-serif TTF (every letter of a real name), else Pillow's own."""
    path = system_font_file()
    return (lambda size: image_font.truetype(path, size)) if path else (lambda size: image_font.load_default(size=size))


def _name_lines(name: str, size: int, width: int, font) -> tuple[list[str], object]:
    """The name on one line, or broken between words onto two, in the largest font down to 60 % of
    `size` that fits `width` px; a name that never fits is cut with an ellipsis (_fitted)."""
    words = name.split()
    for step in range(size, int(size * 0.6) - 1, -2):
        face = font(step)
        if face.getlength(name) <= width:
            return [name], face
        for cut in range(len(words) - 1, 0, -1):
            first, second = " ".join(words[:cut]), " ".join(words[cut:])
            if face.getlength(first) <= width and face.getlength(second) <= width:
                return [first, second], face
    text, face = _fitted(name, size, width, font)
    return [text], face


def _fitted(text: str, size: int, width: int, font) -> tuple[str, object]:
    """The text in the largest font down to 60 % of `size` that fits `width` px; still too long,
    it is cut with an ellipsis at that smallest size."""
    for step in range(size, int(size * 0.6) - 1, -2):
        face = font(step)
        if face.getlength(text) <= width:
            return text, face
    while len(text) > 1 and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…", face
