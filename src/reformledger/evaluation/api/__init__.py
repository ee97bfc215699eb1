"""API for evaluation (改革评估): rounds, ratings, results, expert panels' sheets, look-back reviews.
One router per noun (:mod:`.rounds`, :mod:`.ratings`, :mod:`.results`, :mod:`.panels`,
:mod:`.lookback`), mounted on :data:`router` in the order the OpenAPI document lists them (the
``api`` app mounts it)."""

from ninja import Router

from . import lookback, panels, ratings, results, rounds

router = Router(tags=["evaluation"])
for noun in (rounds, ratings, results, panels, lookback):
    router.add_router("", noun.router)
