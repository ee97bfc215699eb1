"""The demo's public and open ratings (issue 10, parts 1–3): closed rounds of 2017 and 2018 with
thousands of ratings, and a public round open now in which the ``resident`` login can rate.

* ``resident`` is a verified resident of their community (a :class:`Resident` row), as the sign-up
  leaves a person; so are 800 generated raters spread over the district's communities (accounts
  with no usable password: they exist to have rated).
* The rounds are opened through the service, as the office (``office``); 2017's and 2018's public
  round are published, 2018's open round is closed and awaits publication, this year's public round
  of the current key reforms is open now.
* Ratings are bulk-inserted (one audit entry per round says how many): each reform has its own
  level of satisfaction, raters spread around it; web and app channels; a few comments, most
  moderated, some awaiting the office. Fixed seed: the same demo every time.

Idempotent: a round already there (by district, year, kind and title) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from reformledger.core.audit import Change, log_actions
from reformledger.evaluation.identity import keyed_hash
from reformledger.evaluation.models import Channel, CommentStatus, Rating, Resident, Round, RoundKind
from reformledger.evaluation.services import rounds as round_services
from reformledger.evaluation.services import seals, tallies
from reformledger.org.models import Membership, Role, Unit, UnitKind, User
from reformledger.reforms.models import PUBLIC_STATUSES, Reform, Tier

from .story import AUDIT_ACTION, DEMO_SEED, programme_year

RATERS = 800
COMMENTS = (
    "办事比以前快多了，点赞。", "希望继续推广到其他社区。", "流程还可以再简化一些。", "窗口工作人员态度很好。",
    "宣传不够，很多居民还不知道。", "停车问题仍然没有解决。", "老人使用手机办理有困难，建议保留线下窗口。",
    "效果明显，小区环境改善了。", "<b>加油！</b>", "总体满意，个别环节等待时间较长。",
)


def _tz_dt(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def _raters(district: Unit, communities: list[Unit], rng: random.Random) -> list[tuple[User, Unit]]:
    """The generated raters with their communities (made once, in bulk)."""
    prefix = f"{district.code}-rater-"
    existing = {u.username: u for u in User.objects.filter(username__startswith=prefix)}
    homes = [communities[rng.randrange(len(communities))] for _i in range(RATERS)]
    missing = [f"{prefix}{i:04d}" for i in range(1, RATERS + 1) if f"{prefix}{i:04d}" not in existing]
    if missing:
        unusable = make_password(None)
        User.objects.bulk_create([User(username=name, full_name="", password=unusable) for name in missing], batch_size=500)
        existing = {u.username: u for u in User.objects.filter(username__startswith=prefix)}
        made = [existing[name] for name in missing]
        by_name = {f"{prefix}{i:04d}": homes[i - 1] for i in range(1, RATERS + 1)}
        now = timezone.now()
        Resident.objects.bulk_create([
            Resident(user=u, identifier_hash=keyed_hash(f"demo:{u.username}"), community=by_name[u.username], verified_at=now)
            for u in made
        ], batch_size=500)
        Membership.objects.bulk_create([Membership(user=u, unit=by_name[u.username], role=Role.RESIDENT) for u in made], batch_size=500)
    residents = dict(Resident.objects.filter(user__username__startswith=prefix).values_list("user_id", "community_id"))
    units = {c.pk: c for c in communities}
    return [(u, units[residents[u.pk]]) for u in sorted(existing.values(), key=lambda u: u.username) if residents.get(u.pk) in units]


def _verify_resident_login(communities: list[Unit]) -> int:
    """The ``resident`` login: a verified resident of the community of their resident role."""
    user = User.objects.filter(username="resident").first()
    if user is None or Resident.objects.filter(user=user).exists():
        return 0
    home = Membership.objects.filter(user=user, role=Role.RESIDENT).select_related("unit").first()
    community = home.unit if home is not None and home.unit is not None else communities[0]
    Resident.objects.create(user=user, identifier_hash=keyed_hash("demo:resident"), community=community, verified_at=timezone.now())
    return 1


def _rate(round_: Round, reforms: list[Reform], raters: list[tuple[User, Unit]], share: float, rng: random.Random, *, pending: int = 0) -> int:
    """Bulk ratings of ``round_``: each rater rates each reform with probability ``share``."""
    rows: list[Rating] = []
    span = max(1, int((min(round_.closes_at, timezone.now()) - round_.opens_at).total_seconds()))
    times: list[dt.datetime] = []
    for reform in reforms:
        mean = rng.uniform(3.1, 4.7)
        effect_shift = rng.uniform(-0.4, 0.2)
        for user, community in raters:
            if rng.random() >= share:
                continue
            s1 = min(5, max(1, round(rng.gauss(mean, 0.85))))
            s2 = min(5, max(1, round(rng.gauss(mean + effect_shift, 0.95))))
            comment = rng.choice(COMMENTS) if rng.random() < 0.04 else ""
            status = CommentStatus.NONE
            if comment:
                status = CommentStatus.PENDING if pending > 0 else rng.choice((CommentStatus.APPROVED,) * 4 + (CommentStatus.REJECTED,))
                pending -= status == CommentStatus.PENDING
            rows.append(Rating(
                round=round_, reform=reform, rater=user, community=community, score_1=s1, score_2=s2,
                channel=Channel.WEB if rng.random() < 0.7 else Channel.API, comment=comment, comment_status=status,
                address_hash=keyed_hash(f"address:demo-{rng.randrange(5000)}"),
            ))
            times.append(round_.opens_at + dt.timedelta(seconds=rng.randrange(span)))
    for rating, when in zip(rows, times, strict=True):
        rating.created_at = when
    # The ratings are dated in the round's window: the field's "now" is switched off for this insert
    # (a command, one thread), which is five times faster than an insert then an update.
    field = Rating._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        made = Rating.objects.bulk_create(rows, batch_size=1000)
    finally:
        field.auto_now_add = True
    tallies.count(round=round_, ratings=made)
    seals.seal_all(round_id=round_.pk)  # sealed as they stand (ADR 0051)
    return len(made)


def _round(office: User, district: Unit, *, kind: str, year: int, title: str, opens: dt.datetime, closes: dt.datetime, reforms: list[Reform]) -> tuple[Round, bool]:
    found = Round.objects.filter(district=district, year=year, kind=kind, title=title).first()
    if found is not None:
        return found, False
    return round_services.open_round(
        user=office, district=district, kind=kind, year=year, title=title, opens_at=opens, closes_at=closes, reforms=reforms,
        description="请对下列改革事项的满意度和获得感打分（1–5分）。",
    ), True


def load_ratings_demo(*, district: Unit) -> dict[str, int]:
    """Add the demo's rounds and ratings to ``district`` (only what is missing); counts made."""
    rng = random.Random(DEMO_SEED + 10)
    created: Counter[str] = Counter()
    office = User.objects.filter(username="office").first()
    communities = list(Unit.objects.filter(district=district, kind=UnitKind.COMMUNITY, is_active=True).order_by("code"))
    if office is None or not communities:
        return dict(created)
    with transaction.atomic():
        created["residents"] += _verify_resident_login(communities)
        raters = _raters(district, communities, rng)
        public = Reform.objects.filter(district=district, status__in=PUBLIC_STATUSES).order_by("code")
        plans = [
            (2017, RoundKind.PUBLIC, "2017年重点改革群众评", Tier.KEY, 0.55, True),
            (2017, RoundKind.OPEN, "2017年微改革大家评", Tier.MICRO, 0.05, True),
            (2018, RoundKind.PUBLIC, "2018年重点改革群众评", Tier.KEY, 0.6, True),
            (2018, RoundKind.OPEN, "2018年微改革大家评", Tier.MICRO, 0.05, False),
        ]
        changes = []
        for year, kind, title, tier, share, publish in plans:
            reforms = list(public.filter(year=year, tier=tier))
            if not reforms:
                continue
            round_, made = _round(office, district, kind=kind, year=year, title=title,
                                  opens=_tz_dt(year, 12, 1), closes=_tz_dt(year, 12, 31, 18), reforms=reforms)
            if not made:
                continue
            created["rounds"] += 1
            n = _rate(round_, reforms, raters, share, rng, pending=0 if publish else 6)
            created["ratings"] += n
            changes.append(Change(AUDIT_ACTION, round_, {"ratings": [0, n]}))
            if publish:
                round_services.publish_results(user=office, round=round_)
        year = programme_year(timezone.localdate())
        current = list(public.filter(year=year, tier=Tier.KEY))[:6]
        if current:
            now = timezone.now()
            round_, made = _round(office, district, kind=RoundKind.PUBLIC, year=year, title=f"{year}年重点改革群众评",
                                  opens=now - dt.timedelta(days=7), closes=now + dt.timedelta(days=21), reforms=current)
            if made:
                created["rounds"] += 1
                others = [r for r in raters if r[0].username != "resident"][:200]
                n = _rate(round_, current, others, 0.3, rng, pending=5)
                created["ratings"] += n
                changes.append(Change(AUDIT_ACTION, round_, {"ratings": [0, n]}))
        if changes:
            log_actions(None, changes)
    return dict(created)
