"""The evaluation's data, one module per noun: rounds and their reforms (``rounds``), residents and
ratings (``ratings``), expert panels and sheets (``panels``), look-back reviews (``lookback``)."""

# --- expert panels (eval-panels) ---
from .panels import (  # noqa: E402
    DEFAULT_TRIM_MIN_EXPERTS,
    MAX_CRITERIA,
    RUBRIC_TOTAL,
    Criterion,
    Expert,
    Mark,
    Panel,
    PanelState,
    Sheet,
    SheetReopening,
    SheetStatus,
)
from .ratings import (
    MAX_DIMENSIONS,
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    Channel,
    CommentStatus,
    PaperSlipImport,
    Rating,
    RatingCode,
    RatingCodePack,
    Resident,
)

# --- eval-ratings: one-time codes and rate-limit counters ---
from .residents import RateBucket, VerificationCode  # noqa: E402
from .rounds import DEFAULT_DIMENSIONS, RATED_KINDS, Round, RoundKind, RoundReform
from .seals import RatingChain, RatingSeal  # noqa: E402
from .tallies import GAVE_FIELDS, RatingTally, TallyFacet  # noqa: E402

# --- end expert panels ---

__all__ = [
    "DEFAULT_DIMENSIONS", "MAX_DIMENSIONS", "RATED_KINDS", "SCORE_FIELDS", "SCORE_MAX", "SCORE_MIN",
    "Channel", "CommentStatus", "GAVE_FIELDS", "RatingTally", "TallyFacet", "PaperSlipImport", "Rating", "RatingCode", "RatingCodePack", "Resident",
    "RatingChain", "RatingSeal", "Round", "RoundKind", "RoundReform",
    # expert panels (eval-panels)
    "DEFAULT_TRIM_MIN_EXPERTS", "MAX_CRITERIA", "RUBRIC_TOTAL", "Criterion", "Expert", "Mark", "Panel", "PanelState",
    "Sheet", "SheetReopening", "SheetStatus",
]

# --- look-back reviews (回头看), issue 10 part 6 ----------------------------------------------------
from .lookback import (  # noqa: E402
    AdoptionLevel,
    Extent,
    Grade,
    LookbackAdoption,
    LookbackDocument,
    LookbackProblem,
    LookbackReview,
    LookbackState,
    Severity,
)

__all__ += [
    "AdoptionLevel", "Extent", "Grade", "LookbackAdoption", "LookbackDocument", "LookbackProblem", "LookbackReview",
    "LookbackState", "Severity",
]
__all__ += ["RateBucket", "VerificationCode"]  # eval-ratings
