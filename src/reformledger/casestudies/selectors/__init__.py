"""Scoped reads of case studies (:mod:`.cases`: the office's and the units'; :mod:`.public`: the
public site's) and of their adoptions as the assessment reads them (:mod:`.facts`:
:func:`adoptions`, :class:`AdoptionFact`, importable from here as the foundation named them)."""

from .facts import AdoptionFact, adoptions, adoptions_in_force

__all__ = ["AdoptionFact", "adoptions", "adoptions_in_force"]
