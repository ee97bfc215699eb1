"""The what-if page: change one rule's params (or leave it out) and see every unit's score and rank
move against the published version, without writing anything (``computation.what_if``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required

from ..forms.schemes import WhatIfForm
from ..services import computation
from .common import attempt
from .schemes import office_scheme


@require_http_methods(["GET", "POST"])
@office_member_required()
def what_if(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = office_scheme(request, pk)
    require(request.user, "assessment.compute", scheme)
    rules = list(scheme.rules.order_by("position", "pk"))
    chosen = next((r for r in rules if r.clause == request.GET.get("clause")), rules[0] if rules else None)
    initial = {"clause": chosen.clause, "params": chosen.params, "expression": chosen.expression} if chosen else {}
    form = WhatIfForm(
        request.POST or None, clauses=[(r.clause, f"{r.clause} {r.title}") for r in rules], initial=initial, reload_url=request.path,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change: dict[str, Any] = {"clause": data["clause"]}
        if data["remove"]:
            change["remove"] = True
        else:
            change["params"] = data["params"]
            if data["expression"]:
                change["expression"] = data["expression"]
        preview = attempt(form, lambda: computation.what_if(user=request.user, scheme=scheme, changes=[change]))
    context = {"scheme": scheme, "form": form, "preview": preview, "rules": rules}
    return render(request, "assessment/office/what_if.html", context, status=400 if form.errors else 200)
