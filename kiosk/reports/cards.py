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
    left = 40
    draw.text((left, 40), school or "Check-in card", fill="#555555", font=ImageFont.load_default(size=34))
    draw.text((left, 120), _fit(name, 22), fill="black", font=ImageFont.load_default(size=52))
    draw.text((left, 190), f"ID {person_id}", fill="#333333", font=ImageFont.load_default(size=34))
    draw.text((left, 380), "Code", fill="#555555", font=ImageFont.load_default(size=30))
    draw.text((left, 420), f"{code[:4]} {code[4:]}", fill="black", font=ImageFont.load_default(size=72))
    draw.text((left, 560), "Type it at the door, or show this card", fill="#555555",
              font=ImageFont.load_default(size=24))
    try:
        card.save(path, format=kind.upper(), **({"resolution": 300.0} if kind == "pdf" else {}))
    except OSError as err:
        raise UsageError(cannot_write(path, err).replace("--out", "--card")) from None


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1] + "…"
