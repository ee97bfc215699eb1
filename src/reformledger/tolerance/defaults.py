"""The default conditions of exemption (容错条件) and the negative list (负面清单) every district
starts with (ADR 0047). Texts in Chinese, the programme's language, as the domains are seeded: they
are data, which each district's reform office edits on its own page. Pure data: the data migration
and :func:`reformledger.tolerance.services.checklists.ensure_checklist` both read it.
"""

from __future__ import annotations

#: ``(code, text, hint)``: the six conditions of issue 11, in the words of the provincial rules.
CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("within-law", "在法律法规和政策规定范围内履职", "依据的法律、法规、政策文件及条款"),
    ("public-interest", "出于公心、为了公共利益，未谋取私利", "决策和执行为了谁，有无个人或小团体利益"),
    ("procedures", "履行了民主决策等规定程序", "集体研究、专家论证、风险评估、合法性审查等程序的记录"),
    ("due-diligence", "尽职尽责、审慎履职", "事前调研、风险预判和过程中的督促检查"),
    ("corrected", "问题出现后及时主动纠错、挽回损失", "发现问题的时间、采取的措施和效果"),
    ("not-repeated", "不属于同类问题再次发生", "此前是否因同类问题被提醒、通报或问责"),
)

#: ``(code, text, hint)``: what rules exemption out whatever else is true.
NEGATIVE: tuple[tuple[str, str, str], ...] = (
    ("private-gain", "谋取私利或为他人谋取不正当利益", ""),
    ("collusion", "与他人恶意串通、弄虚作假", ""),
    ("mandatory-procedure", "违反决策、审批等强制性程序", ""),
    ("repeat-after-warning", "经提醒、警示后仍重复出错", ""),
    ("concealment", "隐瞒不报、推诿塞责，造成损失扩大", ""),
)
