"""The public case-study pages: the list (filters, search, keyset pages) and a case's page, in the
public site's look; rendered parts cached until a case study, a reform or the organisation of what
they show changes (``core.fragments``; the family ``casestudies``, ADR 0050). Images and the cited
public attachments are served from here (published cases only)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from reformledger.core.cache import cached_count
from reformledger.core.fragments import cached_fragment, cached_rows, row_version
from reformledger.core.pagination import KeysetPaginator
from reformledger.core.views import is_htmx
from reformledger.reforms.selectors import filter_domains

from ..forms.public import PublicFilterForm
from ..selectors import public as selectors
from .files import file_response

PAGE_SIZE = 20


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET or None, years=selectors.public_years(), domains=filter_domains())
    filters = form.filters()

    def results_context() -> dict:
        rows = selectors.public_case_studies(filters)
        count = cached_count(rows, scopes=selectors.PUBLIC_SCOPES)
        page = KeysetPaginator(rows, PAGE_SIZE, fields=selectors.ORDER, sort="published", count=count).page_for(request.GET)
        card = get_template("casestudies/_public_card.html")
        cards = cached_rows(
            list(page.object_list), name="casestudy-card", version_of=row_version,
            render=lambda case: card.render({"case": case}),  # no request: no context processors per card
        )
        return {"page": page, "cards": cards}

    results = cached_fragment(
        request, "casestudies/_public_results.html", results_context,
        key_parts=("public-cases", repr(filters)), scopes=selectors.PUBLIC_SCOPES,
    )
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        response = render(request, "casestudies/public_list.html", {"form": form, "results": results})
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_public_case_study(pk)
    body = cached_fragment(
        request, "casestudies/_public_case.html", lambda: {"case": case, **selectors.public_rows(case)},
        key_parts=("public-case", case.pk), scopes=selectors.case_scopes(case.district_id),
    )
    return render(request, "casestudies/public_case.html", {"case": case, "body": body})


@require_GET
def case_material(request: HttpRequest, pk: int, material_id: int) -> FileResponse:
    material = selectors.public_material(pk, material_id)
    return file_response(material.file, name=material.name, kind=material.kind, inline=material.is_image)


@require_GET
def case_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    attachment = selectors.public_attachment(pk, attachment_id)
    return file_response(attachment.file, name=attachment.name, kind=None)
