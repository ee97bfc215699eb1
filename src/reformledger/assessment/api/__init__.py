"""API of the annual assessment (考评, issue 11 part 8): rankings, a unit's line items, computing,
reviewing and publishing versions, the what-if preview. Mounted by the ``api`` app.

Whose district: ``?district=`` (a district's id) names it; without it, the caller's own district
(the office's, the committee's, a unit's). Which version: ``?version=`` names an official version;
without it the office and the province office get the latest official version (a draft too),
everyone else the published one. Units see only their district's published versions (404
otherwise); the province office reads every district and writes nothing (403).
"""

from ninja import Router

from . import assessments

router = Router(tags=["assessment"])
router.add_router("", assessments.router)
