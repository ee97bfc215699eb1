"""How alike two accounts of a failure are: character bigrams ranked by BM25 (pure; ADR 0048).

Chinese is written without spaces, so words are not split: every two adjacent characters of a run
of letters or digits are a term (``"窗口改造"`` → 窗口, 口改, 改造), Latin words are lowered and
kept whole. A decided case's terms are counted once, when it is decided, and stored with it
(``ToleranceCase.terms``); a search counts its own text's terms and scores each stored case by
BM25 over the query's terms alone: no model to train, no index to rebuild, nothing to download,
the same on SQLite and PostgreSQL, and a few milliseconds per thousand cases.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: Runs of letters and digits (CJK ideographs included): punctuation and spaces split them.
_RUN = re.compile(r"[^\W_]+", re.UNICODE)
_LATIN = re.compile(r"[a-z0-9]+")
#: BM25's usual constants: term-frequency saturation and length normalisation.
K1 = 1.2
B = 0.75


def terms(text: str) -> Counter[str]:
    """The text's terms and their counts: CJK character bigrams (a lone character as itself),
    and Latin words and numbers whole."""
    counted: Counter[str] = Counter()
    normal = unicodedata.normalize("NFKC", text or "").lower()
    for run in _RUN.findall(normal):
        for word in _LATIN.findall(run):
            counted[word] += 1
        han = _LATIN.sub(" ", run).split()
        for part in han:
            if len(part) == 1:
                counted[part] += 1
            for i in range(len(part) - 1):
                counted[part[i : i + 2]] += 1
    return counted


@dataclass(frozen=True, slots=True)
class Document:
    key: int
    terms: Mapping[str, int]
    length: int


def bm25(query: Mapping[str, int], documents: Sequence[Document]) -> dict[int, float]:
    """Each document's BM25 score for ``query``, scaled to 0..1 by the best score (0 for all when
    nothing matches). One pass over the documents per query term."""
    if not documents or not query:
        return {doc.key: 0.0 for doc in documents}
    n = len(documents)
    average = sum(doc.length for doc in documents) / n or 1.0
    frequencies = {term: sum(1 for doc in documents if term in doc.terms) for term in query}
    weights = {
        term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequencies.items() if df
    }
    scores: dict[int, float] = {}
    for doc in documents:
        norm = K1 * (1 - B + B * doc.length / average)
        total = 0.0
        for term, weight in weights.items():
            tf = doc.terms.get(term)
            if tf:
                total += weight * tf * (K1 + 1) / (tf + norm) * min(query[term], 3)
        scores[doc.key] = total
    best = max(scores.values(), default=0.0)
    return {key: (value / best if best else 0.0) for key, value in scores.items()}


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard overlap of two sets of codes (1 when both are empty: nothing to tell them apart)."""
    left, right = set(a), set(b)
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)
