"""The evaluation's data, one module per noun: rounds and their reforms (``rounds``), residents and
ratings (``ratings``), expert panels and sheets (``panels``), look-back reviews (``lookback``)."""

from .rounds import DEFAULT_DIMENSIONS, RATED_KINDS, Round, RoundKind, RoundReform

__all__ = ["DEFAULT_DIMENSIONS", "RATED_KINDS", "Round", "RoundKind", "RoundReform"]
