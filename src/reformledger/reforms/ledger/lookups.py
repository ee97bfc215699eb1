"""Everything a ledger file names — districts, domains, units, people, plans — loaded once in a few
queries (never one per row), resolved leniently (code or name) and shown back for previews.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from reformledger.core.bulk import chunks
from reformledger.org.models import Domain, Unit, UnitKind, User

from ..models import Plan
from .format import CO_UNIT_JOIN, SOURCE_LEVEL_LABELS, STATUS_LABELS, TIER_LABELS, match_key


class Lookups:
    """Everything a file refers to, loaded once in a few queries (never one per row)."""

    def __init__(self) -> None:
        self.districts: dict[int, Unit] = {}
        self.district_by_code: dict[str, Unit] = {}
        self.districts_by_name: dict[str, list[Unit]] = defaultdict(list)
        self.domains: dict[int, Domain] = {}
        self.domain_by_key: dict[str, Domain] = {}
        self.domains_by_name: dict[str, list[Domain]] = defaultdict(list)
        self.units: dict[int, Unit] = {}
        self.unit_by_code: dict[str, Unit] = {}
        self.units_by_name: dict[tuple[int, str], list[Unit]] = defaultdict(list)
        self.users: dict[int, User] = {}
        self.user_by_username: dict[str, User] = {}
        self.users_by_full_name: dict[str, list[User]] = defaultdict(list)
        self.plans: dict[tuple[int, int], int] = {}
        self.plan_titles: dict[int, str] = {}

    def load_districts_and_domains(self) -> None:
        for unit in Unit.objects.filter(kind=UnitKind.DISTRICT):
            self.districts[unit.pk] = unit
            self.district_by_code[unit.code] = unit
            self.districts_by_name[unit.name.strip()].append(unit)
        for domain in Domain.objects.all():
            self.domains[domain.pk] = domain
            self.domain_by_key[match_key(domain.code)] = domain
            self.domains_by_name[match_key(domain.name)].append(domain)

    def add_unit(self, unit: Unit) -> None:
        if unit.pk in self.units:
            return
        self.units[unit.pk] = unit
        self.unit_by_code[unit.code] = unit
        district_id = unit.district_id
        if district_id is not None:
            self.units_by_name[(district_id, unit.name.strip())].append(unit)

    def load_units(self, district_ids: set[int], codes: set[str]) -> None:
        """Every unit of the districts named in the file, plus any unit named by code elsewhere."""
        for unit in Unit.objects.filter(district_id__in=district_ids):
            self.add_unit(unit)
        missing = sorted(code for code in codes if code not in self.unit_by_code)
        for chunk in chunks(missing):
            for unit in Unit.objects.filter(code__in=chunk):
                self.add_unit(unit)

    def add_user(self, user: User) -> None:
        if user.pk in self.users:
            return
        self.users[user.pk] = user
        self.user_by_username[user.username] = user
        if user.full_name.strip():
            self.users_by_full_name[user.full_name.strip()].append(user)

    def load_users(self, names: set[str]) -> None:
        for chunk in chunks(sorted(names), 450):
            for user in User.objects.filter(Q(username__in=chunk) | Q(full_name__in=chunk)):
                self.add_user(user)

    def load_plans(self, district_ids: set[int]) -> None:
        for plan in Plan.objects.filter(district_id__in=district_ids).only(
            "pk", "district_id", "year", "title"
        ):
            self.plans[(plan.district_id, plan.year)] = plan.pk
            self.plan_titles[plan.pk] = plan.title

    # -- resolution; each returns (object, error message or "") --

    def district(self, token: str) -> tuple[Unit | None, str]:
        if unit := self.district_by_code.get(token):
            return unit, ""
        found = self.districts_by_name.get(token, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("Several districts are called %(name)s; write the district's code instead.") % {
                "name": token
            }
        return None, _("There is no district %(name)s.") % {"name": token}

    def domain(self, token: str) -> tuple[Domain | None, str]:
        if domain := self.domain_by_key.get(match_key(token)):
            return domain, ""
        found = self.domains_by_name.get(match_key(token), [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("Several domains are called %(name)s; write the domain's code instead.") % {
                "name": token
            }
        return None, _("There is no domain %(name)s.") % {"name": token}

    def unit(self, token: str, district: Unit | None) -> tuple[Unit | None, str]:
        """By code within the district, by name within the district, then by code anywhere."""
        by_code = self.unit_by_code.get(token)
        if district is not None:
            if by_code is not None and by_code.district_id == district.pk:
                return by_code, ""
            found = self.units_by_name.get((district.pk, token), [])
            if len(found) == 1:
                return found[0], ""
            if found:
                return None, _(
                    "Several units of %(district)s are called %(name)s; write the unit's code instead."
                ) % {
                    "district": district.name,
                    "name": token,
                }
        if by_code is not None:
            return by_code, ""
        if district is None:
            return None, _("There is no unit with the code %(name)s.") % {"name": token}
        return None, _("There is no unit %(name)s in %(district)s.") % {
            "name": token,
            "district": district.name,
        }

    def user(self, token: str) -> tuple[User | None, str]:
        if user := self.user_by_username.get(token):
            return user, ""
        found = self.users_by_full_name.get(token, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _(
                "Several people are called %(name)s; write the username instead (%(usernames)s)."
            ) % {
                "name": token,
                "usernames": ", ".join(sorted(u.username for u in found)),
            }
        return None, _("There is no person with the username or full name %(name)s.") % {"name": token}

    # -- display, for previews --

    def show(self, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return ""
        if name == "tier":
            return TIER_LABELS.get(value, value)
        if name == "status":
            return STATUS_LABELS.get(value, value)
        if name == "source_level":
            return SOURCE_LEVEL_LABELS.get(value, value)
        if name == "domain":
            return str(self.domains.get(value, value))
        if name == "lead_unit":
            return str(self.units.get(value, value))
        if name == "co_units":
            return CO_UNIT_JOIN.join(str(self.units.get(pk, pk)) for pk in value)
        if name == "responsible_leader":
            return str(self.users.get(value, value))
        if name == "plan":
            return self.plan_titles.get(value, str(value))
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)
