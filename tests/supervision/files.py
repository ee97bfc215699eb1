"""Evidence files for the supervision tests: tiny but real PDF and PNG files (the content decides
the kind, not the name), a fake one, and the files stored on disk."""

import pathlib

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def pdf(name: str = "evidence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def fake_pdf() -> SimpleUploadedFile:
    """Named .pdf and sent as a PDF, but only text inside."""
    return SimpleUploadedFile("report.pdf", "这不是PDF文件".encode(), content_type="application/pdf")


def stored_files() -> list:
    """Every evidence file on disk (the test media directory)."""
    folder = pathlib.Path(settings.MEDIA_ROOT) / "evidence"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
