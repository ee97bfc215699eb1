"""The evaluation's offline channels in the demo: a closed, published 2018 round of the key reforms
rated at community meetings with rating codes and on paper slips (issue 10 parts 2 and 4).

* Three code packs (one per community meeting), downloaded in November 2018; most codes used, each
  rating several reforms. One pack was used up within minutes, so the office's anomaly page has
  something to show. The round is closed, so the codes' ratings are written in bulk (the service
  takes codes only while a round is open); the packs' codes are real hashes of drawn codes.
* A workbook of 600 paper slips imported through ``services.slips.import_slips`` (audited).
* The round published on 10 December 2018 (its results page and ``/api/v1/rounds/{id}/results``).

Idempotent (a round of this title in the district is left alone) and reproducible (a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from reformledger.evaluation.hashing import address_hash, code_hash, device_hash
from reformledger.evaluation.models import (
    DEFAULT_DIMENSIONS,
    Channel,
    CommentStatus,
    PaperSlipImport,
    Rating,
    RatingCode,
    RatingCodePack,
    Round,
    RoundKind,
    RoundReform,
)
from reformledger.evaluation.services import seals, tallies
from reformledger.evaluation.services.codes import draw_code
from reformledger.evaluation.services.slips import import_slips
from reformledger.org.models import Membership, Role, Unit, UnitKind, User
from reformledger.reforms.models import Reform, Tier

TITLE = "2018年重点改革群众评议（社区议事会）"
SEED = 2018
COMMENTS = ("办事方便多了", "希望继续推广", "窗口服务态度好", "流程还可以再简化", "宣传不够，很多居民不知道", "")


def _office(district: Unit) -> User | None:
    found = User.objects.filter(username="office").first()
    if found is not None:
        return found
    membership = Membership.objects.filter(role=Role.OFFICE, unit__district=district).select_related("user").first()
    return membership.user if membership else None


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2018, 11, day, hour, minute, tzinfo=timezone.get_current_timezone())


def _round(district: Unit, office: User, reforms: list[Reform]) -> Round:
    round_ = Round.objects.create(
        district=district, kind=RoundKind.PUBLIC, year=2018, title=TITLE,
        description="在社区议事会上凭评议码评议，并收集纸质评议票。", opens_at=_at(1, 9), closes_at=_at(30, 18),
        dimensions=[{"key": k, "label": v} for k, v in DEFAULT_DIMENSIONS.items()], min_ratings=30, prior_weight=10,
        created_by=office,
    )
    RoundReform.objects.bulk_create([RoundReform(round=round_, reform=r, position=i) for i, r in enumerate(reforms)])
    return round_


def _packs(rng: random.Random, round_: Round, office: User, communities: list[Unit], reforms: list[Reform]) -> int:
    """Three meetings' packs and the ratings their codes gave; the third used up within minutes."""
    quality = {r.pk: rng.uniform(3.2, 4.7) for r in reforms}
    ratings = []
    for n, community in enumerate(communities[:3]):
        size = 120
        day, hour = 8 + 7 * n, 19
        pack = RatingCodePack.objects.create(
            round=round_, community=community, size=size, note=f"11月{day}日 {community.name}居民议事会", created_by=office,
            downloaded_at=_at(day - 1, 10), downloaded_by=office,
        )
        RatingCodePack.objects.filter(pk=pack.pk).update(created_at=_at(day - 2, 16))  # made two days before
        codes = RatingCode.objects.bulk_create([RatingCode(pack=pack, code_hash=code_hash(draw_code())) for _i in range(size)])
        used = codes if n == 2 else codes[: int(size * rng.uniform(0.6, 0.85))]
        for i, code in enumerate(used):
            minute = i // 20 if n == 2 else rng.randint(0, 90)  # the third meeting: all codes within minutes
            code.used_at = _at(day, hour) + dt.timedelta(minutes=minute, seconds=rng.randint(0, 59))
            for reform in rng.sample(reforms, rng.randint(2, len(reforms))):
                q = quality[reform.pk]
                comment = rng.choice(COMMENTS) if rng.random() < 0.15 else ""
                ratings.append(Rating(
                    round=round_, reform=reform, channel=Channel.CODE, code=code, community=community,
                    score_1=min(5, max(1, round(rng.gauss(q, 0.8)))), score_2=min(5, max(1, round(rng.gauss(q - 0.2, 0.9)))),
                    comment=comment, comment_status=CommentStatus.APPROVED if comment else CommentStatus.NONE,
                    address_hash=address_hash(f"10.18.{n}.{rng.randint(2, 250)}"), device_hash=device_hash(f"phone-{i}"),
                ))
        RatingCode.objects.bulk_update(used, ["used_at"])
    made = Rating.objects.bulk_create(ratings, batch_size=2000)
    for rating in made:  # rated when the code was used (the database stamped the insert's time)
        assert rating.code is not None and rating.code.used_at is not None
        rating.created_at = rating.code.used_at
    Rating.objects.bulk_update(made, ["created_at"], batch_size=2000)
    tallies.count(round=round_, ratings=made)
    return len(made)


def _slips(rng: random.Random, round_: Round, office: User, communities: list[Unit], reforms: list[Reform]) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("评议票")
    sheet.append(["票号", "改革编号", "社区", "满意度", "获得感", "意见建议"])
    rows = 0
    for slip in range(1, 601):
        community = communities[slip % len(communities)]
        for reform in rng.sample(reforms, rng.randint(1, 3)):
            sheet.append([f"2018-{slip:04d}", reform.code, community.name, rng.choice((3, 4, 4, 5, 5)), rng.choice((3, 4, 4, 5)),
                          rng.choice(COMMENTS) if rng.random() < 0.1 else None])
            rows += 1
    out = io.BytesIO()
    book.save(out)
    record = import_slips(user=office, round=round_, file_name="2018年11月纸质评议票.xlsx", data=out.getvalue())
    # Entered in the week after the round closed (the import stamps today's date).
    entered = dt.datetime(2018, 12, 3, 15, tzinfo=timezone.get_current_timezone())
    Rating.objects.filter(slip=record).update(created_at=entered)
    PaperSlipImport.objects.filter(pk=record.pk).update(created_at=entered)
    return rows


def load_offline_demo(*, district: Unit) -> dict[str, int]:
    """Add the offline round to the demo district (nothing when it is there already)."""
    office = _office(district)
    reforms = list(Reform.objects.filter(district=district, year=2018, tier=Tier.KEY).order_by("code")[:8])
    communities = list(Unit.objects.filter(district=district, kind=UnitKind.COMMUNITY).order_by("code")[:6])
    if office is None or len(reforms) < 2 or len(communities) < 3 or Round.objects.filter(district=district, title=TITLE).exists():
        return {"rounds": 0, "code_ratings": 0, "slip_rows": 0}
    rng = random.Random(SEED)
    with transaction.atomic():
        round_ = _round(district, office, reforms)
        code_ratings = _packs(rng, round_, office, communities, reforms)
    slip_rows = _slips(rng, round_, office, communities, reforms)
    Round.objects.filter(pk=round_.pk).update(published_at=dt.datetime(2018, 12, 10, 10, tzinfo=timezone.get_current_timezone()), published_by=office)
    seals.seal_all(round_id=round_.pk)  # the codes' and slips' ratings as dated above (ADR 0051)
    return {"rounds": 1, "code_ratings": code_ratings, "slip_rows": slip_rows}
