"""Authentication by username and password, and nothing else.

Permissions come from ``rules`` (object-level predicates in each app's ``rules.py``). Django's
ModelBackend would also be asked about every permission that a rule refuses, costing two queries
(user and group permissions) per person per request for a table we never fill. So this backend
authenticates like ModelBackend and grants nothing; superusers still pass every check
(``PermissionsMixin.has_perm`` answers for active superusers before asking any backend).
"""

from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
