"""Evidence: the files that come with progress reports, completion applications and change
requests. Every file is checked before anything is written (:func:`check_evidence`), then stored
with its owner (:func:`store_evidence`) in the owner's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reformledger.core import files

from ..models import Evidence

#: Evidence is what the issue names: documents and photos, judged by content (core.files).
EVIDENCE_KINDS = frozenset(files.EVIDENCE_KINDS)


def check_evidence(uploads: Sequence, *, field: str = "evidence") -> list[tuple[Any, str]]:
    """Check every file before anything is written: ``[(file, kind)]`` or a ValidationError naming
    the file at fault (too large, or not a PDF, Word, Excel, JPEG or PNG file by its content)."""
    limit = int(settings.EVIDENCE_MAX_MB * 1024 * 1024)
    checked, problems = [], []
    for upload in uploads:
        if upload.size > limit:
            problems.append(
                _("%(name)s is larger than %(mb)s MB.") % {"name": upload.name, "mb": f"{settings.EVIDENCE_MAX_MB:g}"}
            )
            continue
        kind = files.kind_of(upload)
        if kind not in EVIDENCE_KINDS:
            problems.append(
                _("%(name)s is not a PDF, Word (.docx), Excel (.xlsx), JPEG or PNG file, or its name does not match its content.")
                % {"name": upload.name}
            )
            continue
        checked.append((upload, kind))
    if problems:
        raise ValidationError({field: problems})
    return checked


def store_evidence(user, reform_id: int, checked: Sequence[tuple[Any, str]], **owner) -> list[Evidence]:
    """Store checked files (:func:`check_evidence`) for their owner (``report=``, ``completion=``
    or ``change_request=``)."""
    return [
        Evidence.objects.create(
            reform_id=reform_id, file=upload, name=upload.name[:200], kind=kind, size=upload.size, uploaded_by=user, **owner
        )
        for upload, kind in checked
    ]
