"""Who rates, and the ratings: residents verified by a one-time code, single-use rating codes for
community meetings, paper slips, and one rating per person, reform and round.

* :class:`Resident` — a person's verified identity as a rater: the mobile number or e-mail address
  is kept only as a keyed hash (``identifier_hash``, unique: one person, one account) plus the
  contact the office needs (``contact``), and the community they live in.
* :class:`RatingCode` — one code of a printed pack (:class:`RatingCodePack`) for a community
  meeting: stored hashed, usable once (its ``used_at``); the ratings it gives carry it.
* :class:`Rating` — one rater's scores for one reform in one round: the rater is a person
  (``rater``), a code (``code``) or a paper slip (``slip``), exactly one of them, and each is unique
  per round and reform (database constraints, so concurrent duplicates cannot slip through).
  Scores are columns ``score_1`` … ``score_6`` in the order of the round's ``dimensions``: results
  are plain aggregates over them in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform

from .rounds import Round
from .seals import RatingSeal

#: A round has at most this many rating dimensions (one score column each).
MAX_DIMENSIONS = 6
SCORE_FIELDS = tuple(f"score_{i}" for i in range(1, MAX_DIMENSIONS + 1))
SCORE_MIN, SCORE_MAX = 1, 5


class Channel(models.TextChoices):
    WEB = "web", _("Web site")
    API = "api", _("App or API")
    CODE = "code", _("Rating code at a meeting")
    PAPER = "paper", _("Paper slip")


class CommentStatus(models.TextChoices):
    NONE = "none", _("No comment")
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Shown publicly")
    REJECTED = "rejected", _("Not shown")


class Resident(TimeStampedModel):
    """A resident's verified identity as a rater (one per person)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="resident"
    )
    #: HMAC of the normalised mobile number or e-mail address under the installation's key: unique,
    #: so one number or address is one rater, and not reversible from the database alone.
    identifier_hash = models.CharField(_("identifier (hashed)"), max_length=64, unique=True)
    #: What the office needs to reach them, as the resident gave it (they may leave it empty).
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    community = models.ForeignKey(
        Unit, verbose_name=_("community or sub-district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        return str(self.user)


class RatingCodePack(TimeStampedModel):
    """A printed pack of single-use rating codes for one community meeting of one round."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="code_packs")
    community = models.ForeignKey(
        Unit, verbose_name=_("community or sub-district"), on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveIntegerField(_("number of codes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+")
    #: The codes in clear exist only in the one download; after it, only their hashes are kept.
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("downloaded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating code pack")
        verbose_name_plural = _("rating code packs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.pk}"


class RatingCode(models.Model):
    """One single-use code of a pack, stored hashed."""

    pack = models.ForeignKey(RatingCodePack, verbose_name=_("pack"), on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(_("code (hashed)"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating code")
        verbose_name_plural = _("rating codes")

    def __str__(self) -> str:
        return f"{self.pack_id}:{self.pk}"


class PaperSlipImport(TimeStampedModel):
    """An Excel file of paper slips for one round, imported whole or not at all."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="slip_imports")
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("paper slip import")
        verbose_name_plural = _("paper slip imports")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["round", "file_sha256"], name="slip_file_once_per_round")]

    def __str__(self) -> str:
        return self.file_name


class Rating(models.Model):
    """One rater's scores for one reform of one round."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="ratings")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.PROTECT, related_name="ratings")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rater"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="ratings",
    )
    code = models.ForeignKey(RatingCode, verbose_name=_("rating code"), null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    slip = models.ForeignKey(PaperSlipImport, verbose_name=_("paper slips"), null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    #: The slip's own number in its file (unique per file and reform).
    slip_number = models.CharField(_("slip number"), max_length=40, blank=True)
    community = models.ForeignKey(
        Unit, verbose_name=_("community or sub-district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    score_1 = models.PositiveSmallIntegerField(null=True, blank=True)
    score_2 = models.PositiveSmallIntegerField(null=True, blank=True)
    score_3 = models.PositiveSmallIntegerField(null=True, blank=True)
    score_4 = models.PositiveSmallIntegerField(null=True, blank=True)
    score_5 = models.PositiveSmallIntegerField(null=True, blank=True)
    score_6 = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    comment_status = models.CharField(_("comment"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.NONE)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    #: Keyed hashes of the sender's address and device (user agent), for the office's anomaly flags.
    address_hash = models.CharField(max_length=64, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    #: The batch of the round's chain that sealed it (``models.seals``); empty for a few seconds after
    #: it is stored, until the next seal.
    seal = models.ForeignKey(RatingSeal, verbose_name=_("seal"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A reform's ratings in a round (a look-back's residents then and now). The results read
            # the round's tallies, not the ratings (models.tallies): no covering index to keep up.
            models.Index(fields=["round", "reform"], name="rating_round_reform"),
            models.Index(fields=["round", "created_at"], name="rating_round_time"),
            models.Index(fields=["rater", "-created_at"], name="rating_rater_time"),
            # The ratings still to seal, found without reading the sealed ones.
            models.Index(fields=["round", "id"], condition=Q(seal__isnull=True), name="rating_unsealed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "reform", "rater"], condition=Q(rater__isnull=False), name="one_rating_per_person"),
            models.UniqueConstraint(fields=["round", "reform", "code"], condition=Q(code__isnull=False), name="one_rating_per_code"),
            models.UniqueConstraint(
                fields=["slip", "slip_number", "reform"], condition=Q(slip__isnull=False), name="one_rating_per_slip",
            ),
            models.CheckConstraint(
                condition=(
                    Q(rater__isnull=False, code__isnull=True, slip__isnull=True)
                    | Q(rater__isnull=True, code__isnull=False, slip__isnull=True)
                    | Q(rater__isnull=True, code__isnull=True, slip__isnull=False)
                ),
                name="rating_has_one_rater",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": SCORE_MIN, f"{name}__lte": SCORE_MAX}),
                    name=f"rating_{name}_in_range",
                )
                for name in SCORE_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.reform_id}:{self.pk}"

    def scores(self, keys: list[str]) -> dict[str, int | None]:
        """The scores by dimension key, in the round's order."""
        return {key: getattr(self, SCORE_FIELDS[i]) for i, key in enumerate(keys)}
