"""Images carried by a question file (Moodle's base64 <file> elements).

Only PNG, JPEG and GIF are kept, recognised by their first bytes rather than
their names, 2 MB at most each. SVG is refused: it can carry scripts, and no
sanitiser we trust keeps it both safe and faithful. Images are never fetched
from an outside address. Nothing here touches the database: the import
stores what the reading found, once the trainer confirms.
"""

import base64
import binascii
import hashlib

from django.urls import reverse
from django.utils.translation import gettext as _

MAX_IMAGE_SIZE = 2 * 1024 * 1024
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


class RefusedFile(ValueError):
    """A file that is not kept; the message says why, for the report."""


def image_type(data: bytes) -> str | None:
    """Return the MIME type of a PNG, JPEG or GIF image from its first bytes, else None."""
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


def decode(name: str, encoded: str) -> tuple[str, str, bytes]:
    """Return (sha256, content type, bytes) of a base64 image, or raise RefusedFile."""
    if len(encoded) > MAX_IMAGE_SIZE * 4 // 3 + 4096:
        raise RefusedFile(_("the file “%(name)s” is larger than 2 MB") % {"name": name})
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise RefusedFile(_("the file “%(name)s” is not valid base64") % {"name": name}) from None
    if len(data) > MAX_IMAGE_SIZE:
        raise RefusedFile(_("the file “%(name)s” is larger than 2 MB") % {"name": name})
    kind = image_type(data)
    if kind is None:
        if name.lower().endswith(".svg") or b"<svg" in data[:1024].lower():
            message = _("the SVG image “%(name)s” is refused (it could carry scripts)")
        else:
            message = _("the file “%(name)s” is not a PNG, JPEG or GIF image")
        raise RefusedFile(message % {"name": name})
    return hashlib.sha256(data).hexdigest(), kind, data


def url(sha256: str, content_type: str) -> str:
    """Return where the site serves a stored image."""
    return reverse("question_media", kwargs={"name": f"{sha256}.{EXTENSIONS[content_type]}"})
