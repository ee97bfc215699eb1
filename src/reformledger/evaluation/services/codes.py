"""Rating code packs for community meetings (评议码): made by the office, downloaded once, each code
used once by a person at the meeting to rate one or more reforms of the round.

* :func:`make_code_pack` — the office of the round's district names the community and the number
  of codes. No code exists yet.
* :func:`download_code_pack` — the one download: the codes are drawn then (``secrets``), only their
  keyed hashes are stored (:func:`reformledger.evaluation.hashing.code_hash`), and the clear codes
  are returned for the printable sheet. A second download is refused and audited: nobody, the
  office included, can print a pack twice or read a code back from the database (ADR: codes drawn
  at download).
* :func:`submit_code_ratings` — a code holder's ratings in one submission. The code's row is
  locked (``select_for_update``) and must be unused, so two people racing with one code store
  once; the unique constraint ``one_rating_per_code`` stands behind it.

Codes are :data:`CODE_LENGTH` characters of :data:`ALPHABET` (no 0/O, 1/I/L): 31¹⁰ ≈ 8·10¹⁴
possibilities, so with even 100,000 live codes in a round a guess succeeds once in 8 billion, and
the public page allows a few guesses an address per minutes (``views.codes``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reformledger.core import limits
from reformledger.core.audit import Change, log_action, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Unit, User
from reformledger.reforms.models import Reform

from ..hashing import address_hash, code_hash, device_hash, normalise_code
from ..models import RATED_KINDS, Channel, CommentStatus, Rating, RatingCode, RatingCodePack, Round
from ..scoring import score_columns
from ..selectors.offline import PACK_UNIT_KINDS
from . import tallies

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
#: The most codes one pack holds (one meeting).
MAX_PACK_SIZE = 2_000

MAKES = _("Only the reform office of the round's district makes and downloads rating code packs.")


def draw_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))


def printed(code: str) -> str:
    """A code as printed: two groups of five (``ABCDE-FGHJK``)."""
    return f"{code[:5]}-{code[5:]}"


def make_code_pack(
    *, user: User, round: Round, community: Unit | None, size: int | None, note: str = ""
) -> RatingCodePack:
    require(user, "evaluation.make_code_pack", round, message=MAKES)
    errors: dict[str, list[str]] = {}
    if round.kind not in RATED_KINDS:
        errors.setdefault("round", []).append(_("An expert round is scored by its panel, not with rating codes."))
    elif round.has_closed():
        errors.setdefault("round", []).append(_("The round has closed: its codes could no longer be used."))
    if community is None or community.district_id != round.district_id or community.kind not in PACK_UNIT_KINDS:
        errors.setdefault("community", []).append(_("Choose a community or sub-district of the round's district."))
    if size is None or not 1 <= size <= MAX_PACK_SIZE:
        errors.setdefault("size", []).append(
            _("A pack holds from 1 to %(max)s codes.") % {"max": f"{MAX_PACK_SIZE:,}"}
        )
    if len(note) > limits.TITLE:
        errors.setdefault("note", []).append(_("At most %(max)d characters.") % {"max": limits.TITLE})
    if errors:
        raise ValidationError(errors)
    assert community is not None and size is not None
    with transaction.atomic():
        pack = RatingCodePack.objects.create(round=round, community=community, size=size, note=note, created_by=user)
        log_action(user, "evaluation.code_pack.make", pack, {"round": round.pk, "community": community.pk, "size": size})
    return pack


def _fresh_codes(size: int) -> dict[str, str]:
    """``size`` new codes (hash → code), none of whose hashes is stored yet."""
    codes: dict[str, str] = {}
    while len(codes) < size:
        for _i in range(size - len(codes)):
            code = draw_code()
            codes[code_hash(code)] = code
        taken = set(RatingCode.objects.filter(code_hash__in=list(codes)).values_list("code_hash", flat=True))
        for digest in taken:
            del codes[digest]
    return codes


def download_code_pack(*, user: User, pack: RatingCodePack) -> list[str]:
    """The pack's codes in clear, once. A second call raises ValidationError (and is audited)."""
    require(user, "evaluation.make_code_pack", pack.round, message=MAKES)
    refused_at = None
    with transaction.atomic():
        locked = RatingCodePack.objects.select_for_update().get(pk=pack.pk)
        if locked.downloaded_at is not None:
            refused_at = locked.downloaded_at
        else:
            codes = _fresh_codes(locked.size)
            RatingCode.objects.bulk_create([RatingCode(pack=locked, code_hash=digest) for digest in codes], batch_size=1000)
            locked.downloaded_at = timezone.now()
            locked.downloaded_by = user
            locked.save(update_fields=["downloaded_at", "downloaded_by", "updated_at"])
            log_action(user, "evaluation.code_pack.download", locked, {"codes": len(codes)})
    if refused_at is not None:
        # Outside the write's transaction: the refused attempt stays on record.
        log_action(user, "evaluation.code_pack.download_refused", pack, {"downloaded_at": refused_at})
        raise ValidationError(
            _("This pack was downloaded on %(when)s; its codes cannot be printed again. Make a new pack.")
            % {"when": date_format(timezone.localtime(refused_at), "DATETIME_FORMAT")},
            code="downloaded",
        )
    pack.downloaded_at, pack.downloaded_by = locked.downloaded_at, user
    return sorted(codes.values())


# --- using a code -----------------------------------------------------------------------------


def _check_items(round: Round, ratings: Sequence[Mapping[str, Any]]) -> list[tuple[int, dict[str, int], str]]:
    """(reform id, score columns, comment) per item; ValidationError naming ``ratings.N.field``."""
    errors: dict[str, list[str]] = {}
    if not ratings:
        raise ValidationError({"ratings": [_("Rate at least one reform.")]})
    in_round = set(round.entries.values_list("reform_id", flat=True))
    seen: set[int] = set()
    out = []
    for i, item in enumerate(ratings):
        reform = item.get("reform")
        reform_id = reform.pk if isinstance(reform, Reform) else reform
        if not isinstance(reform_id, int) or reform_id not in in_round:
            errors.setdefault(f"ratings.{i}.reform", []).append(_("This reform is not in the round."))
            continue
        if reform_id in seen:
            errors.setdefault(f"ratings.{i}.reform", []).append(_("This reform is rated twice."))
        seen.add(reform_id)
        comment = str(item.get("comment") or "").strip()
        if len(comment) > limits.MESSAGE:
            errors.setdefault(f"ratings.{i}.comment", []).append(
                _("A comment has at most %(max)s characters.") % {"max": f"{limits.MESSAGE:,}"}
            )
        try:
            columns = score_columns(dimensions=round.dimensions, scores=item.get("scores") or {}, field=f"ratings.{i}.scores")
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            continue
        out.append((reform_id, columns, comment))
    if errors:
        raise ValidationError(errors)
    return out


def _code_error(code: RatingCode | None, round: Round) -> str | None:
    if code is None or code.pack.round_id != round.pk:
        return _("This code is not known for this round. Check it on your slip and type it again.")
    if code.used_at is not None:
        return _("This code has already been used. Each code rates once.")
    return None


def submit_code_ratings(
    *, round: Round, code: str, ratings: Sequence[Mapping[str, Any]], address: str, device: str
) -> list[Rating]:
    """Store one code holder's ratings of one or more reforms of the open ``round`` and use the code.

    ``ratings``: ``[{"reform": id or Reform, "scores": {dimension: 1..5}, "comment": ""}]``.
    Raises ValidationError naming ``code`` (unknown, used, another round's), ``round`` (not open)
    or ``ratings.N.reform`` / ``ratings.N.scores.DIMENSION`` / ``ratings.N.comment``."""
    if not round.is_open():
        raise ValidationError({"round": [_("This round is not open for rating.")]})
    typed = normalise_code(code)
    if len(typed) != CODE_LENGTH or any(ch not in ALPHABET for ch in typed):
        raise ValidationError({"code": [_("A code has 10 letters and digits, as printed on your slip.")]})
    items = _check_items(round, ratings)
    now = timezone.now()
    with transaction.atomic():
        found = RatingCode.objects.select_for_update(of=("self",)).select_related("pack").filter(code_hash=code_hash(typed)).first()
        problem = _code_error(found, round)
        if problem is not None:
            raise ValidationError({"code": [problem]})
        assert found is not None
        reforms = Reform.objects.in_bulk([reform_id for reform_id, _c, _t in items])
        made = Rating.objects.bulk_create([
            Rating(
                round=round, reform=reforms[reform_id], channel=Channel.CODE, code=found, community_id=found.pack.community_id,
                comment=comment, comment_status=CommentStatus.PENDING if comment else CommentStatus.NONE,
                address_hash=address_hash(address), device_hash=device_hash(device), **columns,
            )
            for reform_id, columns, comment in items
        ])
        tallies.count(round=round, ratings=made)
        found.used_at = now
        found.save(update_fields=["used_at"])
        log_actions(None, [
            Change("evaluation.rating.code", rating, {"round": round.pk, "reform": rating.reform_id, "pack": found.pack_id})
            for rating in made
        ])
    return made
