"""A unique value taken by another writer in the same instant: a ValidationError, never a 500.

A service checks that a code is free (``full_clean``) and then saves; between the two another
request may save the same code. The database's unique index refuses the second insert with an
IntegrityError, which would reach the person as a server error. :func:`save_unique` saves inside a
savepoint and, when the value turns out to be taken, raises the same ValidationError the check
would have given, on the field (422 in the API, a form error on a page; ADR 0032).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def save_unique(obj: models.Model, *, fields: Sequence[str], **save_kwargs: object) -> None:
    """``obj.save(**save_kwargs)`` in a savepoint; an IntegrityError because another row already
    holds ``obj``'s value of one of ``fields`` (each unique on its own) becomes a ValidationError
    naming that field. Any other IntegrityError propagates."""
    try:
        with transaction.atomic():
            obj.save(**save_kwargs)  # type: ignore[arg-type]
    except IntegrityError:
        model = type(obj)
        taken = [
            name for name in fields
            if model._default_manager.filter(**{name: getattr(obj, name)}).exclude(pk=obj.pk).exists()
        ]
        if not taken:
            raise
        raise ValidationError(
            {name: [obj.unique_error_message(model, (name,))] for name in taken}
        ) from None
