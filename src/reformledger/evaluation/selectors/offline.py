"""The office's lists of a round's offline channels: code packs and paper slip imports."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from reformledger.org.models import Unit, UnitKind

from ..models import PaperSlipImport, RatingCodePack, Round

#: Units a code pack or a slip may name: the places meetings are held.
PACK_UNIT_KINDS = (UnitKind.COMMUNITY, UnitKind.SUB_DISTRICT, UnitKind.ESTATE)


def code_packs(round: Round) -> QuerySet[RatingCodePack]:
    """The round's packs, newest first, with how many codes were used (one query)."""
    return (
        RatingCodePack.objects.filter(round=round).select_related("community", "created_by", "downloaded_by")
        .annotate(used=Count("codes", filter=Q(codes__used_at__isnull=False)))
        .order_by("-created_at", "-pk")
    )


def slip_imports(round: Round) -> QuerySet[PaperSlipImport]:
    return PaperSlipImport.objects.filter(round=round).select_related("created_by").order_by("-created_at", "-pk")


def pack_communities(round: Round) -> QuerySet[Unit]:
    """Where the round's meetings may be held: the district's communities and sub-districts."""
    return Unit.objects.filter(district_id=round.district_id, kind__in=PACK_UNIT_KINDS, is_active=True).order_by("kind", "code")


def pack_of(round: Round, pk: int) -> RatingCodePack | None:
    return RatingCodePack.objects.filter(round=round, pk=pk).select_related("round", "community").first()
