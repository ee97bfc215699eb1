"""Logging in works by password; permissions come from the rules, never from Django's tables."""

from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from reformledger.org.models import User


def test_password_login_and_no_table_permissions(people, django_assert_num_queries):
    people.unit_staff.set_password("s3cret-pass")
    people.unit_staff.save()
    # django-axes (the lock-out, ADR 0028) needs the request: every sign-in passes it.
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="unit_staff", password="s3cret-pass") == people.unit_staff
    assert authenticate(request, username="unit_staff", password="wrong") is None
    # A permission granted in Django's tables is ignored: the rules decide.
    people.unit_staff.user_permissions.add(Permission.objects.get(codename="delete_reform"))
    user = User.objects.get(pk=people.unit_staff.pk)
    assert not user.has_perm("reforms.delete_reform")
    assert not user.has_perm("reforms.import_ledger")


def test_a_superuser_reads_as_the_province_office_and_changes_nothing(people, reform_factory):
    """The rules decide for superusers too (ADR 0025): the installation's operator reads every
    district and changes no business record; Django's own permissions (the admin's) still pass."""
    people.resident.is_superuser = True
    people.resident.save()
    user = User.objects.get(pk=people.resident.pk)
    reform = reform_factory()
    assert user.has_perm("reforms.view_reform", reform)
    assert not user.has_perm("reforms.import_ledger")
    assert not user.has_perm("reforms.change_reform", reform)
    assert not user.has_perm("supervision.issue_order")
    assert user.has_perm("org.change_user") and user.has_perm("org.office")  # /admin/ stays usable
