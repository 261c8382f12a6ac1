"""
Recognition photos: checked, re-encoded and stored privately.

An upload is never kept as sent. It is opened with Pillow (HEIC through pillow-heif), turned upright
from its EXIF orientation, converted to plain RGB and saved afresh as JPEG: the new file carries no
EXIF, no GPS position, no camera serial, no comments. A thumbnail is made the same way. Anything Pillow
cannot read as one of the allowed formats, or larger than RECOGNITION_PHOTO_MAX_BYTES, or with more
pixels than Pillow's decompression-bomb limit, is refused with a message for the form.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

try:
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - pillow-heif is a dependency; without it HEIC is refused below
    HEIC_SUPPORTED = False
else:
    register_heif_opener()
    HEIC_SUPPORTED = True

# What Pillow names the formats a phone or camera gives (pillow-heif reads HEIC as "HEIF").
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"} | ({"HEIF"} if HEIC_SUPPORTED else set())
LONGEST_SIDE = 2000
THUMBNAIL_SIDE = 480
QUALITY = 85


def _refuse(message):
    raise ValidationError(message, code="invalid_photo")


def _upright_rgb(image):
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image, side):
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= and no icc_profile=: the new file carries none of the original's metadata.
    copy.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def photo_process(upload):
    """
    The re-encoded photo and thumbnail of `upload` (an uploaded file) as (photo, thumbnail) ContentFiles
    named *.jpg; ValidationError with a message for the field when it cannot be accepted.
    """
    limit = settings.RECOGNITION_PHOTO_MAX_BYTES
    if upload.size > limit:
        _refuse(f"The photo is {upload.size / 1_048_576:.1f} MB; the largest accepted is {limit / 1_048_576:.0f} MB.")
    name = (upload.name or "").lower()
    if name.endswith((".heic", ".heif")) and not HEIC_SUPPORTED:
        _refuse("HEIC photos cannot be read on this server: export the photo as JPEG and upload that.")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ALLOWED_FORMATS:
                _refuse("Upload a photo in JPEG, PNG, HEIC or WebP format.")
            image.load()
            upright = _upright_rgb(image)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        _refuse("The photo has too many pixels to be processed safely: resize it and upload it again.")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        _refuse("This file is not a photo we can read: upload a JPEG, PNG, HEIC or WebP image.")
    return ContentFile(_jpeg(upright, LONGEST_SIDE), name="photo.jpg"), ContentFile(
        _jpeg(upright, THUMBNAIL_SIDE), name="thumb.jpg"
    )
