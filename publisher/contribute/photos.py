"""A contributor's photo: opened by its content with Pillow, checked, re-encoded and stripped of its metadata.

Only the pixels go on: the image is decoded, turned upright as its EXIF orientation says, and encoded anew in its
own format from a fresh image, so that no EXIF (GPS position, camera, date), XMP, ICC profile or comment of the
upload survives. A file is a photo by what Pillow reads in it, never by its name or the type the browser gave.
"""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from publisher.language import N_

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # a decompression bomb of a few kilobytes would unpack to gigabytes


class PhotoError(ValueError):
    """A file that is no photo the form takes; ``message`` is a text of the catalogue."""

    def __init__(self, message: str, detail: str = ""):
        self.message, self.detail = message, detail
        super().__init__(message)


def clean(data: bytes, max_size: int) -> tuple[bytes, str]:
    """Return the photo re-encoded without metadata, and its media type.

    :raises PhotoError: too large, not an image, or an image of another format than JPEG, PNG or WebP.
    """
    if len(data) > max_size:
        raise PhotoError(N_("De foto is te groot."), f"{len(data)} > {max_size} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = "JPEG" if probe.format == "MPO" else probe.format  # a phone's JPEG with a second picture
                probe.verify()  # the file's structure, before its pixels are decoded
            if kind not in FORMATS:
                raise PhotoError(N_("Dit is geen JPEG-, PNG- of WebP-afbeelding."), str(kind))
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoError(N_("De foto heeft te veel pixels."), f"{image.width}×{image.height}")
                image.load()
                upright = ImageOps.exif_transpose(image)
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise PhotoError(N_("Dit is geen JPEG-, PNG- of WebP-afbeelding."), type(error).__name__) from None
    mode = upright.mode if kind != "JPEG" else "RGB" if upright.mode not in ("L", "RGB") else upright.mode
    if kind != "JPEG" and mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        mode = "RGBA"
    pixels = upright.convert(mode)
    fresh = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # no info, no EXIF: the pixels alone
    if pixels.mode == "P":
        fresh.putpalette(pixels.getpalette())
    out = io.BytesIO()
    fresh.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    return out.getvalue(), FORMATS[kind]
