"""API for evaluation (改革评估): rounds, ratings, results, expert panels' sheets, look-back reviews.
One router per noun, mounted on :data:`router` (the ``api`` app mounts it)."""

from ninja import Router

router = Router(tags=["evaluation"])

# --- expert panels (eval-panels) ---
from . import panels  # noqa: E402

router.add_router("", panels.router)
# --- end expert panels ---
