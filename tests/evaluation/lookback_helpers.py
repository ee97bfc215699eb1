"""What the look-back tests share: key reforms completed long enough ago (or not), in the fixture
district, and a review's findings."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reformledger.reforms.models import Status, Tier
from reformledger.supervision.models import CompletionStatus
from tests.factories import CompletionFactory, UserFactory


def today() -> dt.date:
    return timezone.localdate()


def completed_key(reform_factory, *, years_ago: float = 2, tier: str = Tier.KEY, via_completion: bool = False, **kwargs):
    """A completed reform whose completion was ``years_ago`` years before today: its due date (the
    ledger's history) or, ``via_completion``, an accepted 办结 application decided then."""
    done = today() - dt.timedelta(days=round(365.25 * years_ago))
    reform = reform_factory(
        tier=tier, status=Status.COMPLETED, progress=100, year=done.year,
        start_date=done - dt.timedelta(days=200), due_date=done if not via_completion else done + dt.timedelta(days=30),
        **kwargs,
    )
    if via_completion:
        decided = timezone.make_aware(dt.datetime.combine(done, dt.time(10)))
        CompletionFactory(reform=reform, applied_by=UserFactory(), status=CompletionStatus.ACCEPTED, decided_at=decided)
    return reform


FINDINGS = {
    "mechanism": "yes",
    "mechanism_text": "形成家庭医生签约服务长效机制",
    "sustained": "partly",
    "sustained_text": "签约率保持在七成以上",
}
DOCUMENTS = [
    {"title": "罗湖区家庭医生签约服务管理办法", "number": "深罗府办〔2016〕12号", "issuer": "罗湖区人民政府办公室",
     "issued_on": dt.date(2016, 5, 10)},
]
ADOPTIONS = [
    {"place": "全国", "level": "nation", "description": "国务院医改办推广罗湖医改经验", "evidence_url": "https://example.org/news",
     "evidence_document": ""},
]
PROBLEMS = [{"description": "部分社区健康中心人手不足", "severity": "high"}]
