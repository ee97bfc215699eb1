"""API for fault-tolerance cases (容错纠错): apply, decide (an opinion), list, read."""

from ninja import Router

from . import cases

router = Router(tags=["tolerance"])
router.add_router("", cases.router)
