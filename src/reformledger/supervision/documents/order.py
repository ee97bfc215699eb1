"""The supervision order (改革督查令) as a Word document in the layout of official documents
(GB/T 9704): 发文机关标志 (the office's name in red and the kind), 文号 over the red rule, 标题,
主送, 正文 with the task table (each task's own due date and the order's deadline, 督办时限), the
reply sentence, 成文日期 under the office's name, page numbers in the footer and the 版记 (抄送,
印发) at the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from reformledger.core.exporters import WordExporter, cn_date
from reformledger.org.models import Unit

from ..models import SETTLED_STATUSES, Order, OrderItem, OrderTarget
from .wording import DEFAULT_ORDER_BODY, LEVEL_LABELS, ORDER_KIND, office_name


def item_state(item: OrderItem, on: dt.date) -> str:
    """Where a listed task stands on ``on``, in Chinese: its progress, its warning, how late it is
    against the order's deadline (督办超期) and against its own due date."""
    task = item.task
    if task.status in SETTLED_STATUSES:
        return "已完成"
    parts = [f"进度{task.progress}%"]
    if task.level in LEVEL_LABELS:
        parts.append(LEVEL_LABELS[task.level])
    if late := item.days_past_deadline(on):
        parts.append(f"督办超期{late}天")
    if late := item.days_past_due(on):
        parts.append(f"逾期{late}天")
    return "，".join(parts)


class OrderDocument(WordExporter):
    """The order. ``targets`` are its OrderTargets (with ``unit``), ``items`` its OrderItems (with
    ``task``, ``task.unit``, ``task.reform``), ``copies`` the units it is copied to; ``office_short``
    is the office's short name for the reply sentence (e.g. 区委改革办); ``on`` the day the tasks'
    state is read (today)."""

    identifier = "supervision-order"
    verbose_name = _("Supervision order")

    def __init__(
        self, order: Order, *, targets: Sequence[OrderTarget], items: Sequence[OrderItem], copies: Sequence[Unit] = (),
        office_short: str = "", on: dt.date | None = None,
    ) -> None:
        self.order, self.targets, self.items, self.copies, self.office_short = order, targets, items, copies, office_short
        self.on = on or order.issued_on

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
            self.body("督办任务及时限如下：")
            self.table(
                ["序号", "任务", "责任单位", "原定完成时限", "督办时限"],
                [
                    (
                        i,
                        f"{item.task.title}\n所属改革：{item.task.reform.code} {item.task.reform.title}\n"
                        f"截至{self.on.month}月{self.on.day}日：{item_state(item, self.on)}",
                        item.task.unit.name, cn_date(item.task.due_date), cn_date(item.deadline),
                    )
                    for i, item in enumerate(self.items, start=1)
                ],
                widths_mm=(12, 46, 22, 38, 38),
                centre=(0, 3, 4),
            )
        reply_to = self.office_short or "区委改革办"
        self.body(
            f"请于{cn_date(order.reply_by)}前签收本督查令，并将任务落实情况书面报送{reply_to}。"
            "逾期未签收、未按督办时限完成或未按时书面回复的，将予以督办通报。",
            space_before=6,
        )
        self.signature(office, order.issued_on)
        self.colophon(copies=[u.name for u in self.copies], issuer=office, day=order.issued_on)
