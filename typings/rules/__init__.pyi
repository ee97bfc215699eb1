# Stubs for django-rules 3.5 (the public names of rules/__init__.py).
from .permissions import add_perm, has_perm, perm_exists, remove_perm, set_perm
from .predicates import (
    Predicate,
    always_allow,
    always_deny,
    always_false,
    always_true,
    is_active,
    is_authenticated,
    is_group_member,
    is_staff,
    is_superuser,
    predicate,
)
from .rulesets import RuleSet, add_rule, remove_rule, rule_exists, set_rule, test_rule

__all__ = [
    "Predicate",
    "RuleSet",
    "add_perm",
    "add_rule",
    "always_allow",
    "always_deny",
    "always_false",
    "always_true",
    "has_perm",
    "is_active",
    "is_authenticated",
    "is_group_member",
    "is_staff",
    "is_superuser",
    "perm_exists",
    "predicate",
    "remove_perm",
    "remove_rule",
    "rule_exists",
    "set_perm",
    "set_rule",
    "test_rule",
]

VERSION: tuple[int, int, int, str, int]
