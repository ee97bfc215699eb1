"""The tamper evidence of a round's ratings: a hash chain per round, sealed in batches (ADR 0051).

A rating is stored without touching anything shared by the province (no lock on the audit chain's
head), so ratings of a busy round come in side by side. Every few seconds, and always before a round
closes or publishes its results, the ratings stored since the last seal are sealed:

* :class:`RatingSeal` — one batch of one round: the SHA-256 of its predecessor's hash and of each
  sealed rating's canonical line (``evaluation.sealing``), in the order of their ids; the ratings point
  at it (``Rating.seal``). Each seal is itself an entry of the audit chain (``rating.seal``, carrying
  its hash), so the chain's signed anchors (ADR 0027) cover every sealed rating.
* :class:`RatingChain` — the round's head: the last seal's number and hash, the ratings sealed. Whoever seals holds its
  row lock, so two sealers never seal the same ratings twice or fork the chain.

``reformledger evaluation-seal --verify`` recomputes every seal from its ratings: a rating changed,
removed or added to a sealed batch, or a seal removed, breaks it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rounds import Round

#: The hash a round's first seal follows.
GENESIS = "0" * 64


class RatingChain(models.Model):
    """The head of a round's chain of seals (one row per round that has ratings)."""

    round = models.OneToOneField(Round, verbose_name=_("round"), primary_key=True, on_delete=models.CASCADE, related_name="rating_chain")
    number = models.PositiveIntegerField(_("seals"), default=0)
    last_hash = models.CharField(_("last seal's hash"), max_length=64, default=GENESIS)
    sealed_at = models.DateTimeField(_("last sealed at"), null=True, blank=True)
    #: The ratings its seals cover (the sum of their ``ratings``).
    sealed = models.PositiveIntegerField(_("ratings sealed"), default=0)

    class Meta:
        verbose_name = _("chain of rating seals")
        verbose_name_plural = _("chains of rating seals")

    def __str__(self) -> str:
        return f"{self.round_id}#{self.number}"


class RatingSeal(models.Model):
    """One sealed batch of a round's ratings."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="rating_seals")
    number = models.PositiveIntegerField(_("number"))
    prev_hash = models.CharField(_("previous seal's hash"), max_length=64)
    seal_hash = models.CharField(_("hash"), max_length=64)
    ratings = models.PositiveIntegerField(_("ratings sealed"))
    first_rating = models.BigIntegerField(_("first rating"))
    last_rating = models.BigIntegerField(_("last rating"))
    created_at = models.DateTimeField(_("sealed at"))

    class Meta:
        verbose_name = _("rating seal")
        verbose_name_plural = _("rating seals")
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="one_seal_number_per_round")]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.number}"
