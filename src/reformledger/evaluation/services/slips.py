"""Paper slips (纸质评议票) imported from Excel: whole or not at all.

The office of the round's district uploads a workbook (:mod:`..slipfile` reads and checks it: one
row per slip and reform). If any row is bad, nothing is stored and every problem names its row and
column (:class:`SlipProblems`); the same file (its SHA-256) is taken once per round. Ratings are
written with ``bulk_create`` in batches (10,000 slips in a few seconds: see ``bench/evaluation.py``)
under one audit entry for the import, ``channel=paper``.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.org.models import Unit, User
from reformledger.reforms.models import Reform

from ..models import RATED_KINDS, Channel, CommentStatus, PaperSlipImport, Rating, Round
from ..selectors.offline import PACK_UNIT_KINDS
from ..slipfile import Lookups, Problem, Reading, SlipFileError, read_slips
from . import tallies

IMPORTS = _("Only the reform office of the round's district imports paper slips.")
BATCH = 2_000


class SlipProblems(ValidationError):
    """The file's rows are not all good: ``problems`` (row, column, message), ``more`` not kept."""

    def __init__(self, problems: list[Problem], more: int) -> None:
        self.problems = problems
        self.more = more
        count = len(problems) + more
        super().__init__({"file": [_("Nothing was imported: %(count)s problems in the file (listed by row and column).") % {"count": f"{count:,}"}]})


def lookups_for(round: Round) -> Lookups:
    reforms = dict(Reform.objects.filter(round_entries__round=round).values_list("code", "pk"))
    communities: dict[str, int] = {}
    for pk, code, name in Unit.objects.filter(district_id=round.district_id, kind__in=PACK_UNIT_KINDS).values_list("pk", "code", "name"):
        communities.setdefault(name, pk)
        communities[code] = pk
    return Lookups(dimensions=round.dimensions, reforms=reforms, communities=communities)


def _check_round(round: Round) -> None:
    if round.kind not in RATED_KINDS:
        raise ValidationError({"round": [_("An expert round is scored by its panel, not on paper slips.")]})
    if not round.has_closed() and not round.is_open():
        raise ValidationError({"round": [_("The round has not opened yet: slips are imported once it has.")]})
    if round.published_at is not None:
        raise ValidationError({"round": [_("The round's results are published: no slips can be added.")]})


def _already(round: Round, digest: str) -> None:
    earlier = PaperSlipImport.objects.filter(round=round, file_sha256=digest).first()
    if earlier is not None:
        raise ValidationError({"file": [
            _("This file was imported already (“%(name)s”, %(when)s): the same slips are not counted twice.")
            % {"name": earlier.file_name, "when": date_format(timezone.localtime(earlier.created_at), "DATETIME_FORMAT")}
        ]})


def import_slips(*, user: User, round: Round, file_name: str, data: bytes) -> PaperSlipImport:
    """Import the workbook ``data`` for ``round``; :class:`SlipProblems` when a row is bad."""
    require(user, "evaluation.import_slips", round, message=IMPORTS)
    _check_round(round)
    digest = hashlib.sha256(data).hexdigest()
    _already(round, digest)
    try:
        reading: Reading = read_slips(data, lookups_for(round))
    except SlipFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    if reading.problems:
        raise SlipProblems(reading.problems, reading.more_problems)
    name = (file_name or "slips.xlsx")[: limits.TITLE]
    try:
        with transaction.atomic():
            record = PaperSlipImport.objects.create(
                round=round, file_name=name, file_sha256=digest, rows=len(reading.rows), created_by=user
            )
            made = Rating.objects.bulk_create(
                [
                    Rating(
                        round=round, reform_id=row.reform_id, channel=Channel.PAPER, slip=record, slip_number=row.slip,
                        community_id=row.community_id, comment=row.comment,
                        comment_status=CommentStatus.PENDING if row.comment else CommentStatus.NONE, **row.scores,
                    )
                    for row in reading.rows
                ],
                batch_size=BATCH,
            )
            tallies.count(round=round, ratings=made)
            slips = len({row.slip for row in reading.rows})
            log_action(user, "evaluation.slips.import", record, {
                "round": round.pk, "file": name, "file_sha256": digest, "rows": len(reading.rows), "slips": slips,
            })
    except IntegrityError as exc:  # the same file imported by someone else a moment ago
        _already(round, digest)
        raise ValidationError({"file": [_("The file could not be stored; try again.")]}) from exc
    return record

