"""The organisation directory: the unit tree and the people, read-only.

Office, committee, leaders and unit heads/staff may see it (people who carry reforms need to
find each other); experts and residents may not. Changes are made in /admin/ by the office.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from reformledger.core import limits
from reformledger.core.cache import CachedCountPaginator as Paginator

from .models import Role, Unit
from .selectors import UnitNode, actor_for, has_full_access, people_list, unit_list, units_tree


def _require_directory_access(request: HttpRequest) -> None:
    if not has_full_access(actor_for(request.user)):
        raise PermissionDenied(_("The directory is for the reform office, leaders and the units."))


def _count(nodes: list[UnitNode]) -> int:
    return sum(1 + _count(node["children"]) for node in nodes)


@require_GET
@login_required
def units(request: HttpRequest) -> HttpResponse:
    _require_directory_access(request)
    tree = units_tree()
    return render(request, "org/units.html", {"tree": tree, "unit_count": _count(tree)})


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=limits.SEARCH)
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, data: Mapping[str, Any] | None = None, *, units: Iterable[Unit]) -> None:
        super().__init__(data)
        role, unit = self.fields["role"], self.fields["unit"]
        assert isinstance(role, forms.ChoiceField) and isinstance(unit, forms.ChoiceField)
        role.choices = [("", gettext_lazy("All")), *Role.choices]
        unit.choices = [("", gettext_lazy("All")), *((u.pk, u.name) for u in units)]
        self.fields["q"].widget.attrs.update(
            {"class": "form-control form-control-sm", "type": "search", "id": "filter-q",
             "placeholder": gettext_lazy("Name or user name")}
        )
        for name in ("role", "unit"):
            self.fields[name].widget.attrs.update({"class": "form-select form-select-sm", "id": f"filter-{name}"})


@require_GET
@login_required
def people(request: HttpRequest) -> HttpResponse:
    _require_directory_access(request)
    form = PeopleFilterForm(request.GET or None, units=list(unit_list().select_related(None).only("pk", "name", "code", "sort_order")))
    data = form.cleaned_data if form.is_valid() else {}
    qs = people_list(q=(data.get("q") or "").strip(), role=data.get("role") or "", unit_id=data.get("unit"))
    page = Paginator(qs, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"form": form, "page": page})
