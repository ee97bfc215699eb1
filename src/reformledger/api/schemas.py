"""Schemas shared by the whole API. Each business area keeps its own in its ``api.py``."""

from ninja import Schema


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """The one error shape: a sentence for people, and one entry per problem for programs."""

    detail: str
    errors: list[ErrorItem]
