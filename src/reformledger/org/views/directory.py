"""The organisation directory: the unit tree and the people, of the districts the reader sees.

Office, committee, leaders and unit heads/staff may see it (people who carry reforms need to
find each other), each their own district's (the province office every district's); experts and
residents may not. The office keeps its district's units and people on the pages of
:mod:`.units` and :mod:`.people` (ADR 0026), linked from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from reformledger.core import limits
from reformledger.core.cache import CachedCountPaginator as Paginator

from ..models import Role, Unit
from ..selectors import UnitNode, people_in, units_in, units_tree_in
from .common import viewer


def _count(nodes: list[UnitNode]) -> int:
    return sum(1 + _count(node["children"]) for node in nodes)


@require_GET
@login_required
def units(request: HttpRequest) -> HttpResponse:
    reader = viewer(request)
    tree = units_tree_in(reader.sees)
    return render(request, "org/units.html", {"tree": tree, "unit_count": _count(tree), "keeps": reader.keeps})


STATUS_CHOICES = [("", gettext_lazy("Active")), ("inactive", gettext_lazy("Deactivated"))]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=limits.SEARCH)
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, data: Mapping[str, Any] | None = None, *, units: Iterable[Unit], keeper: bool = False) -> None:
        super().__init__(data)
        role, unit = self.fields["role"], self.fields["unit"]
        assert isinstance(role, forms.ChoiceField) and isinstance(unit, forms.ChoiceField)
        role.choices = [("", gettext_lazy("All")), *Role.choices]
        unit.choices = [("", gettext_lazy("All")), *((u.pk, u.name) for u in units)]
        if not keeper:
            del self.fields["status"]  # only the office sees (and brings back) deactivated people
        self.fields["q"].widget.attrs.update(
            {"class": "form-control form-control-sm", "type": "search", "id": "filter-q",
             "placeholder": gettext_lazy("Name or user name")}
        )
        for name in ("role", "unit", "status"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"class": "form-select form-select-sm", "id": f"filter-{name}"})


@require_GET
@login_required
def people(request: HttpRequest) -> HttpResponse:
    reader = viewer(request)
    unit_choices = units_in(reader.sees).filter(is_active=True).only("pk", "name", "code", "sort_order")
    form = PeopleFilterForm(request.GET or None, units=list(unit_choices), keeper=reader.is_keeper)
    data = form.cleaned_data if form.is_valid() else {}
    qs = people_in(
        reader.sees, q=(data.get("q") or "").strip(), role=data.get("role") or "", unit_id=data.get("unit"),
        active=data.get("status") != "inactive",
    )
    page = Paginator(qs, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"form": form, "page": page, "keeps": reader.keeps})
