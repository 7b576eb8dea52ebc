"""The one body every error answers with, and the OpenAPI entries that name it."""

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import SkipJsonSchema


class FieldError(BaseModel):
    loc: list[str | int]  # where: ["body", "email"], ["query", "skip"], ["path", "user_id"]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """``detail`` says what went wrong; a 422 also lists each invalid field."""

    detail: str
    errors: list[FieldError] | SkipJsonSchema[None] = None  # present on 422 only


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries: these statuses answer with an ErrorBody."""
    return {
        status: {"model": ErrorBody, "description": DESCRIPTIONS[status]} for status in statuses
    }


DESCRIPTIONS = {
    400: "A body that cannot be parsed at all (not UTF-8, a broken form)",
    401: "Missing, invalid or revoked bearer token (login: wrong e-mail or password)",
    403: "Not your account, or the current password is wrong",
    404: "No such user",
    409: "E-mail already registered",
    422: "Invalid request: `errors` lists each field",
}
