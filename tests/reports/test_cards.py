"""The printed check-in card: real names drawn in full letters, kept clear of the QR code, which
still reads back as the code."""

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from kiosk.fonts import system_font_file
from kiosk.reports.cards import CARD_PX, _fitted, _font_maker, _name_lines, code_on_card, write_card

LONG_NAME = "María Fernanda Rodríguez-Castellanos de la Peña"


def test_a_long_name_is_shrunk_then_cut_to_stay_left_of_the_qr_code():
    font = _font_maker(ImageFont)
    text, face = _fitted(LONG_NAME, 52, 400, font)
    assert face.getlength(text) <= 400 and text.endswith("…")
    short, _ = _fitted("Maya Chen", 52, 400, font)
    assert short == "Maya Chen"


def test_the_card_still_reads_as_its_code_with_a_long_name(tmp_path):
    card = tmp_path / "card.png"
    write_card(card, "maria", LONG_NAME, "12345678")
    image = cv2.imread(str(card))
    assert image.shape[:2] == (CARD_PX[1], CARD_PX[0])
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert code_on_card(text) == "12345678"


@pytest.mark.skipif(system_font_file() is None, reason="no system TTF installed")
def test_accented_letters_are_drawn_not_boxes():
    face = _font_maker(ImageFont)(52)

    def drawn(text):
        image = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(image).text((10, 0), text, fill=255, font=face)
        return np.asarray(image)

    assert not np.array_equal(drawn("í"), drawn("\U0010fffd"))  # an unassigned code point: the font's box


def test_a_long_name_breaks_between_words_onto_two_lines_before_it_is_cut():
    font = _font_maker(ImageFont)
    lines, face = _name_lines("María Fernanda Rodríguez-Castellanos", 52, 440, font)
    assert lines == ["María Fernanda", "Rodríguez-Castellanos"] and all(face.getlength(t) <= 440 for t in lines)
    assert _name_lines("Maya Chen", 52, 440, font)[0] == ["Maya Chen"]
