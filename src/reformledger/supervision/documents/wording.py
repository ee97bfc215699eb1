"""The fixed Chinese words of the order and the bulletin (not gettext: see the package's docstring)."""

from __future__ import annotations

from ..models import Level

#: Keyed by a level's value (the rows and totals of a bulletin carry levels as strings).
LEVEL_LABELS: dict[str, str] = {Level.RED: "红色预警", Level.AMBER: "黄色预警", Level.GREEN: "绿色（正常）", Level.PAUSED: "暂停监测", Level.DONE: "已完成", "closed": "办结时关闭"}
ORDER_KIND = "改革督查令"
BULLETIN_KIND = "改革督查通报"
DEFAULT_ORDER_BODY = "现将下列改革任务交由你单位督办落实。请高度重视，明确责任人，按完成时限推进，确保任务按期完成。"
#: The issuer of a bulletin made for every district.
ALL_DISTRICTS_OFFICE = "全面深化改革委员会办公室"
ALL_DISTRICTS = "全辖"


def office_name(district_name: str) -> str:
    """The issuing office's full name from its district's: 罗湖区 -> 中共罗湖区委全面深化改革委员会办公室."""
    return f"中共{district_name}委全面深化改革委员会办公室"
