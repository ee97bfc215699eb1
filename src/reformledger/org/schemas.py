"""The API's references to the organisation that other areas' schemas embed: a unit, a person.

Here rather than in :mod:`.api` because one area's API never imports another's (import-linter);
every area may import ``org``.
"""

from __future__ import annotations

from ninja import Schema


class UnitRef(Schema):
    id: int
    code: str
    name: str


class UserRef(Schema):
    id: int
    username: str
    full_name: str
