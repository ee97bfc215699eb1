"""Organisation: units at four levels plus departments, people and their roles, domains, special groups."""

from typing import Any

import rules
from django.contrib.auth import get_backends
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel

from .robots import check_robot_address


class User(AbstractUser):
    """A person who signs in: office staff, unit staff, leaders, experts, residents."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    #: Set when someone else gave this person a one-time password (the office's reset, the
    #: operator in /admin/): until they choose their own, every page sends them to the change page.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    #: Who this person is in the programme (``org.selectors.Actor``), kept on the user object for
    #: the request by ``actor_for``; not a field.
    actor_memo: object = None

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """The programme's rules decide every permission they name, for a superuser too: the
        superuser is the installation's operator, who in the programme reads like the province
        office and changes no business record (ADR 0025). Permissions no rule names (Django's own
        model permissions, e.g. the admin's ``org.change_user``) keep Django's answer, where an
        active superuser passes."""
        if not rules.perm_exists(perm):
            return super().has_perm(perm, obj)
        for backend in get_backends():  # as Django asks them, without the superuser shortcut
            try:
                if hasattr(backend, "has_perm") and backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("District")
    COMMITTEE = "committee", _("Reform committee")
    REFORM_OFFICE = "reform_office", _("Reform office")
    DEPARTMENT = "department", _("District department")
    SUB_DISTRICT = "sub_district", _("Sub-district")
    COMMUNITY = "community", _("Community")
    ESTATE = "estate", _("Estate")
    EXTERNAL = "external", _("External body")


class Unit(TimeStampedModel):
    """A unit of the organisation tree. ``district`` is the root district (set on save; a district
    records itself), so that a province can run every district on one database, each list can be
    scoped by district, and ``unit.district_id`` alone answers "which district is this unit in"."""

    code = models.SlugField(_("code"), max_length=40, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    district = models.ForeignKey(
        "self", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    webhook_url = models.URLField(_("group robot webhook"), blank=True, validators=[check_robot_address])

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "code"]
        indexes = [models.Index(fields=["district", "kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.kind == UnitKind.DISTRICT:
            self.district_id = self.pk  # None on first save; fixed just below
        elif self.parent_id and (parent := self.parent) is not None:
            self.district_id = parent.pk if parent.kind == UnitKind.DISTRICT else parent.district_id
        super().save(*args, **kwargs)
        if self.kind == UnitKind.DISTRICT and self.district_id != self.pk:
            Unit.objects.filter(pk=self.pk).update(district=self.pk)
            self.district_id = self.pk


class Domain(models.Model):
    """A reform domain (改革领域). Domains are data: an office adds its own."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROVINCE_OFFICE = "province_office", _("Province reform office")
    OFFICE = "office", _("Reform office")
    COMMITTEE = "committee", _("Committee member")
    LEADER = "leader", _("Responsible leader")
    UNIT_HEAD = "unit_head", _("Unit head")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    EXPERT = "expert", _("Expert")
    DISCIPLINE = "discipline", _("Discipline reviewer")
    RESIDENT = "resident", _("Resident")


class LeaderTier(models.TextChoices):
    MAIN = "main", _("Main district leader")
    DOMAINS = "domains", _("Leader in charge of domains")


#: Roles bound to one district (the district of the membership's unit): they see their district whole.
DISTRICT_ROLES = frozenset({Role.OFFICE, Role.COMMITTEE, Role.LEADER})


class Membership(TimeStampedModel):
    """A person's role, in a unit where the role belongs to one (office, unit head/staff, leader).
    The province reform office has no unit: it reads every district and changes none."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    leader_tier = models.CharField(_("leader tier"), max_length=10, choices=LeaderTier.choices, blank=True)
    domains = models.ManyToManyField(Domain, verbose_name=_("domains in charge"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=models.Q(role="leader") | models.Q(leader_tier=""), name="membership_tier_only_for_leaders"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}" + (f" · {self.unit}" if self.unit_id else "")


class SpecialGroup(TimeStampedModel):
    """A special group (专项小组): coordinates one domain in one district, led by a leader."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="special_groups")
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(
        User, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_groups"
    )
    member_units = models.ManyToManyField(Unit, verbose_name=_("member units"), blank=True, related_name="special_groups")

    class Meta:
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")
        constraints = [models.UniqueConstraint(fields=["district", "domain"], name="one_special_group_per_domain")]

    def __str__(self) -> str:
        return self.name
