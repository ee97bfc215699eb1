"""Reads of supervision, one business noun a module, scoped to what the person may see.

Each noun has one loading policy, shared by the pages and the API (``get_<noun>(user, pk, *,
for_change=False)``): reading answers 404 (``Http404``) for what the person may not see; loading
for a write (``for_change=True``) answers 404 only for what the person may not even know of, and
leaves it to the service to answer 403 (``PermissionDenied``) for a write they may not make.
"""
