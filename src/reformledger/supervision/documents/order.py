"""The supervision order (改革督查令) as a Word document in the layout of official documents."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from reformledger.core.exporters import WordExporter, cn_date

from ..models import Order
from .wording import DEFAULT_ORDER_BODY, ORDER_KIND, office_name


class OrderDocument(WordExporter):
    """The order. ``targets`` are its OrderTargets (with ``unit``), ``items`` its OrderItems (with
    ``task``, ``task.unit``, ``task.reform``); ``office_short`` is the office's short name for the
    reply sentence (e.g. 区委改革办)."""

    identifier = "supervision-order"
    verbose_name = _("Supervision order")

    def __init__(self, order: Order, *, targets: Sequence, items: Sequence, office_short: str = "") -> None:
        self.order, self.targets, self.items, self.office_short = order, targets, items, office_short

    def stem(self) -> str:
        return self.order.code

    def document_title(self) -> str:
        return f"{self.order.code} {self.order.title}"

    def build(self) -> None:
        order = self.order
        office = office_name(order.district.name)
        self.masthead(office)
        self.mark(ORDER_KIND, space_before=6)
        self.number_line(order.code)
        self.title(order.title)
        self.paragraph(f"主送：{'、'.join(t.unit.name for t in self.targets)}", space_before=6)
        for text in [line.strip() for line in (order.body or DEFAULT_ORDER_BODY).splitlines() if line.strip()]:
            self.body(text)
        if self.items:
            self.body("督办任务及完成时限如下：")
            self.table(
                ["序号", "任务", "责任单位", "完成时限"],
                [
                    (i, f"{item.task.title}\n所属改革：{item.task.reform.code} {item.task.reform.title}",
                     item.task.unit.name, cn_date(item.deadline))
                    for i, item in enumerate(self.items, start=1)
                ],
                widths_mm=(14, 80, 30, 32),
                centre=(0, 3),
            )
        reply_to = self.office_short or "区委改革办"
        self.body(
            f"请于{cn_date(order.reply_by)}前签收本督查令，并将任务落实情况书面报送{reply_to}。逾期未签收或未按时限完成的，将予以督办通报。",
            space_before=6,
        )
        self.signature(office, order.issued_on)
