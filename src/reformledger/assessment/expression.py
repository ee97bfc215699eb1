"""The expression language of ``expression`` rules (ADR 0042): arithmetic over the named per-unit
variables (:mod:`.variables`), evaluated by ``simpleeval`` after our own whitelist check.

* Allowed: numbers, the variables, ``+ - * / // % **``, comparisons, ``and or not``,
  ``a if cond else b``, and the functions ``min max abs round floor ceil sqrt clip``
  (``clip(x, low, high)``). Nothing else: no attribute access, subscripts, strings, lambdas,
  comprehensions, keywords or names outside the list.
* Limits: at most :data:`MAX_LENGTH` characters and :data:`MAX_NODES` syntax nodes, nesting of at
  most :data:`MAX_DEPTH`, exponents of at most :data:`MAX_EXPONENT`; every value is a float, so no
  operation can grow without bound.
* :func:`check` (on save) raises ``ValidationError`` naming the clause for a syntax error, a
  construct outside the list or an unknown variable; :func:`evaluate` (per unit) raises
  ``ValidationError`` naming the clause and the unit for a division by zero or a result that is
  not a finite number. No other exception leaves this module.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

import simpleeval  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .variables import VARIABLES

MAX_LENGTH = 2000
MAX_NODES = 300
MAX_DEPTH = 40
MAX_EXPONENT = 64
MAX_MAGNITUDE = 1e12


def _pow(base: float, exponent: float) -> float:
    if abs(exponent) > MAX_EXPONENT:
        raise OverflowError("exponent too large")
    return float(base) ** float(exponent)


def _clip(value: float, low: float, high: float) -> float:
    return max(float(low), min(float(high), float(value)))


def _round(value: float, digits: float = 0) -> float:
    places = int(digits)
    if not 0 <= places <= 6:
        raise ValueError("round to 0–6 places")
    return round(float(value), places)


FUNCTIONS: dict[str, Callable[..., float]] = {
    "min": lambda *a: float(min(a)),
    "max": lambda *a: float(max(a)),
    "abs": lambda x: abs(float(x)),
    "round": _round,
    "floor": lambda x: float(math.floor(x)),
    "ceil": lambda x: float(math.ceil(x)),
    "sqrt": lambda x: math.sqrt(x),
    "clip": _clip,
}
_ARITY = {"min": (1, 20), "max": (1, 20), "abs": (1, 1), "round": (1, 2), "floor": (1, 1), "ceil": (1, 1), "sqrt": (1, 1), "clip": (3, 3)}

OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Name,
    ast.Constant, ast.Load, ast.And, ast.Or, *OPERATORS,
)


def _error(clause: str, message: str) -> ValidationError:
    return ValidationError(
        _("Rule %(clause)s: the expression %(problem)s.") % {"clause": clause, "problem": message}, code="expression"
    )


def _depth(node: ast.AST, level: int = 0) -> int:
    children = list(ast.iter_child_nodes(node))
    if level > MAX_DEPTH:
        return level
    return max([_depth(child, level + 1) for child in children], default=level)


def parse(text: str, *, clause: str) -> ast.Expression:
    """The checked syntax tree of ``text`` (see the module's docstring), or ValidationError."""
    if not isinstance(text, str) or not text.strip():
        raise _error(clause, _("is empty"))
    if len(text) > MAX_LENGTH:
        raise _error(clause, _("is too long"))
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        raise _error(clause, _("does not parse")) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES or _depth(tree) > MAX_DEPTH:
        raise _error(clause, _("is too complex"))
    functions = {id(node.func) for node in nodes if isinstance(node, ast.Call)}
    for node in nodes:
        if not isinstance(node, _ALLOWED_NODES):
            raise _error(clause, _("uses a construct that is not allowed (%(name)s)") % {"name": type(node).__name__})
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, int | float)):
            raise _error(clause, _("may contain numbers only, no text"))
        if isinstance(node, ast.Constant):
            node.value = _float_constant(node.value, clause)
        if isinstance(node, ast.Name) and id(node) not in functions and node.id not in VARIABLES:
            raise _error(clause, _("names an unknown variable “%(name)s”") % {"name": node.id[:60]})
        if isinstance(node, ast.Call):
            _check_call(node, clause)
    return tree


def _float_constant(value: Any, clause: str) -> float:
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        raise _error(clause, _("contains a number that is too large"))
    return number


def _check_call(node: ast.Call, clause: str) -> None:
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    if name not in FUNCTIONS or node.keywords:
        raise _error(clause, _("calls a function that is not allowed"))
    low, high = _ARITY[name]
    if not low <= len(node.args) <= high:
        raise _error(clause, _("calls %(name)s with the wrong number of arguments") % {"name": name})


def _variables(tree: ast.Expression) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in VARIABLES}


def names_in(text: str, *, clause: str) -> set[str]:
    """The variables an expression reads (checked)."""
    return _variables(parse(text, clause=clause))


def check(text: str, *, clause: str) -> None:
    """Raise ValidationError naming the clause unless ``text`` is a valid expression."""
    parse(text, clause=clause)


class Compiled:
    """A checked expression, evaluated once per unit."""

    def __init__(self, text: str, *, clause: str):
        self.clause = clause
        self.tree = parse(text, clause=clause)
        self.text = text.strip()
        self.names = _variables(self.tree)
        self._evaluator = simpleeval.SimpleEval(operators=dict(OPERATORS), functions=dict(FUNCTIONS), names={})

    def evaluate(self, variables: Mapping[str, float], *, unit: str) -> float:
        """The value for one unit; ValidationError naming the clause and the unit when it fails."""
        self._evaluator.names = {name: float(variables.get(name, 0.0)) for name in self.names}
        try:
            value = self._evaluator.eval(self.text, previously_parsed=self.tree.body)
        except ZeroDivisionError:
            raise ValidationError(
                _("Rule %(clause)s divides by zero for unit %(unit)s.") % {"clause": self.clause, "unit": unit},
                code="division_by_zero",
            ) from None
        except (ArithmeticError, ValueError, TypeError, simpleeval.InvalidExpression, RecursionError, MemoryError):
            raise self._not_a_number(unit) from None
        if isinstance(value, bool):
            value = float(value)
        if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise self._not_a_number(unit)
        return float(value)

    def _not_a_number(self, unit: str) -> ValidationError:
        return ValidationError(
            _("Rule %(clause)s gives no valid number for unit %(unit)s.") % {"clause": self.clause, "unit": unit},
            code="not_a_number",
        )
