"""What kind of file an upload really is, judged by its first bytes, not by its name.

Government attachments are PDFs, Word/Excel/PowerPoint files (new and old formats), OFD (China's
fixed-layout format) and photos. Anything else is refused, so nothing a browser would run can be
stored and served back.
"""

from __future__ import annotations

import zipfile
from typing import Protocol

#: kind -> (extensions it may carry, MIME type to serve it with)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ((".pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "ofd": ((".ofd",), "application/ofd"),
    "ole": ((".doc", ".xls", ".ppt"), "application/octet-stream"),
    "jpg": ((".jpg", ".jpeg"), "image/jpeg"),
    "png": ((".png",), "image/png"),
}
_ZIP_MARKERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/", "ofd": "OFD.xml"}


class Upload(Protocol):
    """What is judged: a file open for reading bytes, with its name (Django's ``UploadedFile``,
    a ``File`` or a file opened with ``open(path, "rb")``)."""

    @property
    def name(self) -> str | None: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def read(self, n: int = -1, /) -> bytes: ...


def sniff(uploaded: Upload) -> str | None:
    """The kind of an uploaded file (a key of :data:`KINDS`), or None when it is none of them."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            uploaded.seek(0)
        for kind, marker in _ZIP_MARKERS.items():
            if any(name.startswith(marker) or name == marker for name in names):
                return kind
    return None


def kind_of(uploaded: Upload) -> str | None:
    """The file's kind when its content is one of :data:`KINDS` and its name carries one of that
    kind's extensions; None otherwise."""
    kind = sniff(uploaded)
    if kind is None or not (uploaded.name or "").lower().endswith(KINDS[kind][0]):
        return None
    return kind


def allowed(uploaded: Upload) -> bool:
    """True when the content is an allowed kind and the file's name carries one of its extensions."""
    return kind_of(uploaded) is not None
