"""Fuzzing image loading: any file is a BGR uint8 image or a one-line ImageError naming it."""

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk.errors import ImageError
from kiosk.vision.images import load_image

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(path):
    try:
        image = load_image(path)
    except ImageError as err:
        assert path.name in str(err) and "\n" not in str(err)
        return
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


@pytest.fixture(scope="module")
def real_jpeg(shared):
    return (shared / "face_recognition" / "obama_small.jpg").read_bytes()


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(tmp_path, data):
    path = tmp_path / "random.jpg"
    path.write_bytes(data)
    check(path)


@FUZZ
@given(cut=st.integers(0, 10_000), flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8))
def test_truncated_and_corrupted_real_jpeg(tmp_path, real_jpeg, cut, flips):
    data = bytearray(real_jpeg[: max(1, len(real_jpeg) - cut)])
    for where, value in flips:
        data[where % len(data)] = value
    path = tmp_path / "damaged.jpg"
    path.write_bytes(bytes(data))
    check(path)


MODES = ["1", "L", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F", "LA", "YCbCr"]


@FUZZ
@given(mode=st.sampled_from(MODES), w=st.integers(1, 64), h=st.integers(1, 64),
       fmt=st.sampled_from(["PNG", "TIFF", "BMP", "JPEG", "WEBP"]))
def test_every_mode_and_format(tmp_path, mode, w, h, fmt):
    try:
        buffer = io.BytesIO()
        Image.new(mode, (w, h)).save(buffer, fmt)
    except (OSError, ValueError, KeyError):
        return  # Pillow cannot write this combination; nothing to test
    path = tmp_path / f"img.{fmt.lower()}"
    path.write_bytes(buffer.getvalue())
    check(path)


def test_huge_header_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("1", (20_000, 20_000)).save(path)  # 400 MP, tiny file
    with pytest.raises(ImageError, match="too large"):
        load_image(path)


def test_zero_size_and_directory(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    for path in (tmp_path / "empty.jpg", tmp_path):
        with pytest.raises(ImageError):
            load_image(path)
