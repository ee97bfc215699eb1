"""API for supervision (督查督办): task trees, progress reports with evidence, the warning board,
supervision orders, change requests, completion and the inbox. One router per business noun
(:mod:`.tasks`, :mod:`.reports`, :mod:`.progress`, :mod:`.extensions`, :mod:`.warnings`, :mod:`.orders`, :mod:`.decisions`,
:mod:`.inbox`), mounted here on :data:`router` in the order the OpenAPI document lists them.

Reads go through the selectors, writes through the services (permission-checked and audited): the
API has no rules of its own. Supervision data is not public, so every operation needs a signed-in
caller (401 otherwise).

* A read answers 404 for what the caller may not see.
* A write on something the caller may know of (a task or reform whose reform the caller may see,
  even by its public fields; an order; a report, change request or completion of such a reform) is
  decided by the service: 403 when it is not permitted. Anything else is 404. The pages load by the
  same policy (``selectors.<noun>.get_<noun>(user, pk, for_change=...)``).
* Progress reports, extension requests, change requests and completion applications take JSON, or
  ``multipart/form-data`` with the same fields as form fields plus files in ``evidence``: one path,
  both documented. The request is read by ``core.api.read_body``, validated with the same schema,
  and every error comes back in the one error shape (``reformledger.api.errors``).
"""

from ninja import Router

from . import decisions, extensions, inbox, orders, progress, reports, tasks, warnings

router = Router(tags=["supervision"])
for noun in (tasks, reports, progress, extensions, warnings, orders, decisions, inbox):
    router.add_router("", noun.router)
