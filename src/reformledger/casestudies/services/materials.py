"""A case study's images and documents: added and removed by whoever may edit the case. Each file
judged by its bytes (``..materials``): documents within ``ATTACHMENT_MAX_MB``, images JPEG or PNG
within 5 MB and with sensible dimensions, because the public page shows them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.core.permissions import require

from .. import materials as kinds
from ..models import CaseStudy, Material
from . import checks
from .cases import CHANGES
from .checks import Errors


def _check_file(upload: Any, errors: Errors) -> tuple[str, tuple[int, int] | None]:
    kind = kinds.material_kind(upload)
    if kind is None:
        checks.add(errors, "file", _("Add a JPEG or PNG image, or a PDF, Word, Excel, PowerPoint or OFD document whose name matches its content."))
        return "", None
    if kind in kinds.IMAGE_KINDS:
        if upload.size > kinds.IMAGE_MAX_BYTES:
            checks.add(errors, "file", _("An image may be at most %(mb)d MB.") % {"mb": kinds.IMAGE_MAX_BYTES // (1024 * 1024)})
        size = kinds.image_size(upload, kind)
        if not kinds.sensible(size):
            checks.add(errors, "file", _("The image's size could not be read, or it is larger than %(side)d pixels a side.") % {"side": kinds.IMAGE_MAX_SIDE})
        return kind, size
    if upload.size > int(settings.ATTACHMENT_MAX_MB * 1024 * 1024):
        checks.add(errors, "file", _("The file is larger than %(mb)s MB.") % {"mb": f"{settings.ATTACHMENT_MAX_MB:g}"})
    return kind, None


@transaction.atomic
def add_material(*, user, case: CaseStudy, upload: Any, caption: str = "") -> Material:
    case = CaseStudy.objects.select_for_update().select_related("reform").get(pk=case.pk)
    require(user, "casestudies.change_case_study", case, message=CHANGES)
    errors: Errors = {}
    if case.materials.count() >= kinds.MAX_MATERIALS:
        checks.add(errors, "file", _("A case study carries at most %(n)d images and documents.") % {"n": kinds.MAX_MATERIALS})
    kind, size = _check_file(upload, errors)
    text = checks.text(caption, "caption", limits.TITLE, errors)
    if errors:
        raise ValidationError(errors)
    material = Material.objects.create(
        case_study=case, file=upload, name=(upload.name or kind)[:200], kind=kind, size=upload.size, caption=text,
        width=size[0] if size else None, height=size[1] if size else None, uploaded_by=user,
    )
    log_action(user, "casestudy.material_add", case, {"material": [None, material.name], "kind": kind})
    return material


@transaction.atomic
def remove_material(*, user, material: Material) -> None:
    case = CaseStudy.objects.select_for_update().select_related("reform").get(pk=material.case_study_id)
    require(user, "casestudies.change_case_study", case, message=CHANGES)
    name, stored = material.name, material.file.name
    material.delete()
    log_action(user, "casestudy.material_remove", case, {"material": [name, None]})
    storage = Material._meta.get_field("file").storage
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
