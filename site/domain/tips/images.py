"""Photo sanitising: decode the image for real, re-encode it, and drop every byte of metadata.

A file is accepted only if Pillow decodes it as JPEG, PNG, WebP (or HEIC/HEIF when pillow-heif
is installed); the stored file is a fresh encoding of the pixels, so EXIF (including GPS), XMP,
IPTC, ICC comments and anything appended to the file are gone. Orientation from EXIF is applied to
the pixels first so the photo still shows the right way up.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC from iPhones; decoded by libheif, then re-encoded as JPEG like any other photo.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - depends on the optional package
    HEIF_SUPPORTED = False

# Decoded format -> format stored. HEIC is stored as JPEG: browsers cannot show HEIC.
OUTPUT_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "JPEG"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb, not a phone photo
MAX_SIDE = 4096  # stored photos are scaled down to this, which keeps every detail staff need


class ImageRejected(ValueError):
    """Why a file was refused: `code` is one of not_image, unsupported, too_many_pixels."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def accepted_formats() -> tuple[str, ...]:
    return tuple(f for f in OUTPUT_FORMAT if f != "HEIF" or HEIF_SUPPORTED)


def sanitise(raw: bytes) -> CleanImage:
    """Decode `raw`, strip all metadata and re-encode; raises ImageRejected with a reason code."""
    allowed = accepted_formats()
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format or ""
            if fmt not in allowed:
                raise ImageRejected("unsupported")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("too_many_pixels")
            probe.load()  # decodes every pixel: truncated or forged files fail here
            img = ImageOps.exif_transpose(probe)
    except ImageRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRejected("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected("not_image") from exc

    out_fmt = OUTPUT_FORMAT[fmt]
    if max(img.size) > MAX_SIDE:
        img.thumbnail((MAX_SIDE, MAX_SIDE))
    if out_fmt == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    elif out_fmt in ("PNG", "WEBP") and img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
    # A new image with only the pixels: no info dict, no EXIF, no ICC, no text chunks survive.
    clean = Image.new(img.mode, img.size)
    clean.paste(img)
    buf = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": False}, "PNG": {"optimize": False}, "WEBP": {"quality": 85}}
    clean.save(buf, out_fmt, **options[out_fmt])
    return CleanImage(buf.getvalue(), CONTENT_TYPES[out_fmt], EXTENSIONS[out_fmt], clean.width, clean.height)
