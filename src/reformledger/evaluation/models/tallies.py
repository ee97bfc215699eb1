"""Running tallies of a round's ratings, kept in the same transaction as the ratings themselves, so
a round's results read a few hundred rows whatever the number of ratings (issue 10 part 4 and 10:
the results of a 500,000-rating round, cold, under 200 ms).

A tally row counts the round's ratings sharing one ``facet``:

* ``reform`` — per reform: ``count`` ratings, ``squares`` = Σ (sum of the rating's scores)², the
  figure the overall score's interval needs;
* ``score`` — per reform and dimension (1-based): ``gave_1`` … ``gave_5`` ratings gave it 1 … 5
  (the distribution; the sum and the sum of squares follow from it exactly, scores being whole
  numbers);
* ``place`` — per community (0: not recorded) and channel: ``count`` ratings (participation).

Ratings are never changed or deleted once stored (a comment's moderation changes no score), so a
tally only ever grows. ``services.tallies`` is its one writer; ``reformledger evaluation-tallies``
recounts a round from its ratings and checks that every tally agrees with them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .ratings import SCORE_MAX, SCORE_MIN
from .rounds import Round

#: The columns counting each score, ``gave_1`` … ``gave_5``.
GAVE_FIELDS = tuple(f"gave_{k}" for k in range(SCORE_MIN, SCORE_MAX + 1))


class TallyFacet(models.TextChoices):
    REFORM = "reform", _("Ratings of a reform")
    SCORE = "score", _("Scores of a reform in one dimension")
    PLACE = "place", _("Ratings from one place and channel")


class RatingTally(models.Model):
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(_("facet"), max_length=6, choices=TallyFacet.choices)
    #: The reform's id (0 for ``place``): a plain number, so the key has no NULL in it.
    reform_key = models.BigIntegerField(_("reform"), default=0)
    dimension = models.PositiveSmallIntegerField(_("dimension"), default=0)
    #: The community's id (0: not recorded, and for the other facets).
    community_key = models.BigIntegerField(_("community"), default=0)
    channel = models.CharField(_("channel"), max_length=8, default="")
    count = models.BigIntegerField(_("ratings"), default=0)
    squares = models.BigIntegerField(_("sum of squared totals"), default=0)
    gave_1 = models.BigIntegerField(default=0)
    gave_2 = models.BigIntegerField(default=0)
    gave_3 = models.BigIntegerField(default=0)
    gave_4 = models.BigIntegerField(default=0)
    gave_5 = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("rating tally")
        verbose_name_plural = _("rating tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "facet", "reform_key", "dimension", "community_key", "channel"],
                name="rating_tally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.facet} {self.count}"
