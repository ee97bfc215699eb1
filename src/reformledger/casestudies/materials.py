"""What a case study's material is, judged by its bytes (pure; ADR 0049).

The kind comes from ``core.files`` (content, and a name that matches it). An image is shown on the
public page, so it is held to more: JPEG or PNG only, at most :data:`IMAGE_MAX_BYTES`, and a header
that declares sensible dimensions (read here from the PNG ``IHDR`` chunk or the JPEG ``SOF``
marker, without decoding the picture): a file that only starts like an image, or one that would
decode into a picture of a billion pixels, is refused.
"""

from __future__ import annotations

import struct
from typing import Protocol

from reformledger.core.files import KINDS, kind_of

#: Documents a case study carries (the reform's attachment kinds).
DOCUMENT_KINDS = ("pdf", "docx", "xlsx", "pptx", "ofd")
IMAGE_KINDS = ("jpg", "png")
MATERIAL_KINDS = (*IMAGE_KINDS, *DOCUMENT_KINDS)
IMAGE_MAX_BYTES = 5 * 1024 * 1024
#: The longest side and the most pixels an image may declare.
IMAGE_MAX_SIDE = 8000
IMAGE_MAX_PIXELS = 40_000_000
#: How many materials one case study carries at most.
MAX_MATERIALS = 30
#: How far into a JPEG the frame header is looked for.
_JPEG_SCAN = 256 * 1024
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class Upload(Protocol):
    @property
    def name(self) -> str | None: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def read(self, n: int = -1, /) -> bytes: ...


def material_kind(upload: Upload) -> str | None:
    """The kind of an upload when it is one a case study carries (else None)."""
    kind = kind_of(upload)
    return kind if kind in MATERIAL_KINDS else None


def content_type(kind: str) -> str:
    return KINDS[kind][1]


def png_size(head: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's first chunk (``IHDR``), or None."""
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's frame header (``SOFn``), or None when there is none."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if length < 2:
            return None
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def image_size(upload: Upload, kind: str) -> tuple[int, int] | None:
    """The dimensions an image declares, or None when its header cannot be read."""
    upload.seek(0)
    data = upload.read(32 if kind == "png" else _JPEG_SCAN)
    upload.seek(0)
    return png_size(data) if kind == "png" else jpeg_size(data)


def sensible(size: tuple[int, int] | None) -> bool:
    if size is None:
        return False
    width, height = size
    return 0 < width <= IMAGE_MAX_SIDE and 0 < height <= IMAGE_MAX_SIDE and width * height <= IMAGE_MAX_PIXELS
