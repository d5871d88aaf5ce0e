"""Loading photos (enrolment, tests, benchmarks) into BGR uint8 arrays.

Pillow decodes (robust, EXIF orientation, many modes); every failure becomes
a one-line ImageError naming the file.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.errors import ImageError

log = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000  # a 40 MP photo is already far more than a face needs
ALPHA_BACKGROUND = (255, 255, 255)  # transparent areas become white, like a viewer shows


def load_image(path: Path | str) -> np.ndarray:
    """The image at `path` as a contiguous BGR uint8 array (H, W, 3)."""
    path = Path(path)
    _check_file(path)
    return _decode(path, path)


def decode_image(data: bytes, name: str) -> np.ndarray:
    """An uploaded file's bytes as load_image would read them; `name` is for messages only."""
    if not data:
        raise ImageError(f"{name}: empty file")
    return _decode(io.BytesIO(data), name)


def _decode(source, path) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            # Our own size limit is stricter than Pillow's bomb warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as img:
                _check_size(path, img.size)  # header only: nothing decoded yet
                img.load()
                img = ImageOps.exif_transpose(img) or img
                return _to_bgr(img)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image (unknown or corrupt format)") from None
    except Image.DecompressionBombError:
        raise ImageError(
            f"{path}: image is too large; the limit is {MAX_PIXELS // 1_000_000} MP") from None
    except (OSError, SyntaxError, ValueError) as err:
        raise ImageError(f"{path}: corrupt or truncated image ({_reason(err)})") from None


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ImageError(f"{path}: file not found")
    if not path.is_file():
        raise ImageError(f"{path}: not a file")
    try:
        size = path.stat().st_size
    except OSError as err:
        raise ImageError(f"{path}: cannot read ({err.strerror})") from None
    if size == 0:
        raise ImageError(f"{path}: empty file")


def _check_size(path: Path, size: tuple[int, int]) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise ImageError(f"{path}: image has zero size ({width}x{height})")
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"{path}: image is {width}x{height} ({width * height / 1e6:.0f} MP); "
            f"the limit is {MAX_PIXELS // 1_000_000} MP"
        )


def _to_bgr(img: Image.Image) -> np.ndarray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        img = Image.fromarray(_deep_to_8bit(np.asarray(img), img.mode), "L")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, ALPHA_BACKGROUND + (255,))
        img = Image.alpha_composite(background, rgba)
    rgb = np.asarray(img.convert("RGB"))  # L, 1, P, CMYK, YCbCr, LAB, HSV...
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _deep_to_8bit(values: np.ndarray, mode: str) -> np.ndarray:
    """16-bit, 32-bit integer or float grey levels scaled down to 0-255."""
    values = values.astype(np.float64)
    top = values.max() if values.size else 0.0
    if mode.startswith("I;16") or (mode == "I" and top > 255):
        scale = 255.0 / 65535.0  # 16-bit samples (Pillow may widen them to "I")
    elif mode == "F" and top <= 1.0:
        scale = 255.0  # float images in 0..1
    else:
        scale = 1.0
    return np.clip(values * scale, 0, 255).astype(np.uint8)


def _reason(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
