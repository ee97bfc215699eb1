"""API for evaluation (改革评估): rounds, ratings, results, expert panels' sheets, look-back reviews.
One router per noun, mounted on :data:`router` (the ``api`` app mounts it)."""

from ninja import Router

router = Router(tags=["evaluation"])

# --- results (issue 10 part 4) ----------------------------------------------------------------
from .results import router as results_router  # noqa: E402

router.add_router("", results_router)
# --- look-back reviews (回头看), issue 10 part 6 ----------------------------------------------------
from . import lookback as _lookback  # noqa: E402

router.add_router("", _lookback.router)
# --- eval-ratings: rounds and ratings ---
from . import ratings as _ratings  # noqa: E402
from . import rounds as _rounds  # noqa: E402

for _noun in (_rounds, _ratings):
    router.add_router("", _noun.router)
# --- end eval-ratings ---
