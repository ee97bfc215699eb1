"""Permission predicates of the evaluation (django-rules), registered by name: ``evaluation.*``."""

from __future__ import annotations
