"""Authentication by username and password, and nothing else.

Permissions come from ``rules`` (object-level predicates in each app's ``rules.py``). Django's
ModelBackend would also be asked about every permission that a rule refuses, costing two queries
(user and group permissions) per person per request for a table we never fill. So this backend
authenticates like ModelBackend and grants nothing; superusers still pass every check
(``PermissionsMixin.has_perm`` answers for active superusers before asking any backend).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model

from .compiled import compiled_one

AnyUser = AbstractBaseUser | AnonymousUser


class PasswordBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The person a session is signed in as, read on every request they make: as
        ModelBackend reads them, by a query compiled once per process (core.compiled)."""
        if isinstance(user_id, bool) or not isinstance(user_id, int):
            return super().get_user(user_id)
        user = compiled_one("session-user", lambda pk: get_user_model()._default_manager.filter(pk=pk), user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj: AnyUser, obj: Model | None = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: AnyUser, obj: Model | None = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: AnyUser, obj: Model | None = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: AnyUser, perm: str, obj: Model | None = None) -> bool:
        return False

    def has_module_perms(self, user_obj: AnyUser, app_label: str) -> bool:
        return False
